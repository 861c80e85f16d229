package ingest

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"

	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/syslog"
)

// budgetStep is one operation on a budget and what it must leave.
type budgetStep struct {
	op       string // "take", "release" or "adjust"
	n        int64
	wantOK   bool // for take: whether the bytes were charged
	wantUsed int64
}

func TestBudgetCharges(t *testing.T) {
	tests := []struct {
		name  string
		max   int64
		steps []budgetStep
	}{
		{"up to the limit", 100, []budgetStep{
			{"take", 60, true, 60}, {"take", 40, true, 100}, {"take", 1, false, 100},
		}},
		{"what would pass the limit waits, however little is over", 100, []budgetStep{
			{"take", 60, true, 60}, {"take", 41, false, 60}, {"take", 40, true, 100},
		}},
		{"a release makes room", 100, []budgetStep{
			{"take", 100, true, 100}, {"take", 10, false, 100}, {"release", 50, false, 50}, {"take", 10, true, 60},
		}},
		{"one message larger than the limit passes when nothing is held", 100, []budgetStep{
			{"take", 500, true, 500}, {"take", 1, false, 500}, {"release", 500, false, 0}, {"take", 1, true, 1},
		}},
		{"but not while anything is held", 100, []budgetStep{
			{"take", 1, true, 1}, {"take", 500, false, 1},
		}},
		{"adjust grows past the limit without waiting, and shrinks", 100, []budgetStep{
			{"take", 90, true, 90}, {"adjust", 30, false, 120}, {"take", 1, false, 120},
			{"adjust", -50, false, 70}, {"take", 30, true, 100},
		}},
		{"no limit", 0, []budgetStep{
			{"take", 1 << 40, true, 1 << 40}, {"take", 1 << 40, true, 2 << 40},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBudget(tt.max)
			for i, s := range tt.steps {
				switch s.op {
				case "take":
					if ok := b.tryTake(s.n); ok != s.wantOK {
						t.Errorf("step %d: take %d = %v, want %v", i, s.n, ok, s.wantOK)
					}
				case "release":
					b.release(s.n)
				case "adjust":
					b.adjust(s.n)
				}
				if got := b.used.Load(); got != s.wantUsed {
					t.Fatalf("step %d (%s %d): %d bytes held, want %d", i, s.op, s.n, got, s.wantUsed)
				}
			}
		})
	}
}

// take waits for a release that makes room, and no longer than its
// context.
func TestBudgetTakeWaits(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := newBudget(100)
		b.tryTake(100)
		took := make(chan error, 1)
		go func() { took <- b.take(context.Background(), 30) }()
		synctest.Wait()
		select {
		case err := <-took:
			t.Fatalf("take returned %v with the budget full", err)
		default:
		}
		b.release(20) // not enough
		synctest.Wait()
		if len(took) != 0 {
			t.Fatal("take returned with 20 bytes free for 30")
		}
		b.release(10)
		if err := <-took; err != nil {
			t.Fatal(err)
		}
		if got := b.used.Load(); got != 100 {
			t.Errorf("%d bytes held, want 100", got)
		}
		ctx, cancel := context.WithCancelCause(context.Background())
		go func() { took <- b.take(ctx, 1) }()
		synctest.Wait()
		stop := errors.New("stopping")
		cancel(stop)
		if err := <-took; !errors.Is(err, stop) {
			t.Errorf("take = %v, want the context's cause", err)
		}
		if got := b.used.Load(); got != 100 {
			t.Errorf("%d bytes held after a take gave up, want 100", got)
		}
	})
}

// A parsed message is charged for the parser's copy, the raw bytes it
// keeps and its structured data, besides its record.
func TestRecordSize(t *testing.T) {
	sd := []syslog.SDElement{{ID: "a@1", Params: []syslog.SDParam{{Name: "k", Value: "value"}}}}
	sdBytes := int64(len("value")) + sizeofSD + sizeofParam
	tests := []struct {
		name string
		row  search.Row
		n    int
		want int64
	}{
		{"well-formed", search.Row{Message: syslog.Message{Text: "hello"}}, 20, 20 + recordOverhead},
		{"raw kept", search.Row{Raw: make([]byte, 20, 24)}, 20, 20 + 24 + recordOverhead},
		{"structured data", search.Row{Message: syslog.Message{StructuredData: sd}}, 40, 40 + sdBytes + recordOverhead},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := record{Row: tt.row}
			if got := recordSize(&r, tt.n); got != tt.want {
				t.Errorf("recordSize = %d, want %d", got, tt.want)
			}
		})
	}
}
