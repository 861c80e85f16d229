package sqlite

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db"
	"github.com/aiosyslogd/aiosyslogd/db/search"
)

// TestEventsAfterReadsAMonthOnceInIDOrder pages through a month table
// with EventsAfter, as a copy does, in batches of every size that splits
// it differently, and finds every row once, in ID order, with its
// columns; the other month's rows stay out.
func TestEventsAfterReadsAMonthOnceInIDOrder(t *testing.T) {
	s, path := openTestStore(t)
	ctx := context.Background()
	nov := time.Date(2026, 11, 3, 10, 0, 0, 0, time.UTC)
	dec := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	var in []string
	b := make([]search.Row, 0, 24)
	for i := range 23 {
		text := fmt.Sprintf("message %d", i)
		in = append(in, text)
		b = append(b, record(nov.Add(time.Duration(i)*time.Second), "h", "app", text))
	}
	b = append(b, record(dec, "h", "app", "december"))
	if err := s.Write(ctx, b); err != nil {
		t.Fatal(err)
	}
	r, err := OpenReader(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	months, err := r.Months(ctx)
	if err != nil || len(months) != 2 {
		t.Fatalf("months %v, %v: want two", months, err)
	}
	m := db.MonthOf(nov)
	if n, err := r.CountMonth(ctx, m); err != nil || n != 23 {
		t.Fatalf("CountMonth = %d, %v; want 23", n, err)
	}
	for _, size := range []int{1, 2, 5, 22, 23, 100} {
		var got []string
		var after int64
		for range 100 {
			events, err := r.EventsAfter(ctx, m, after, size)
			if err != nil {
				t.Fatal(err)
			}
			if len(events) == 0 {
				break
			}
			if len(events) > size {
				t.Fatalf("size %d: %d events", size, len(events))
			}
			for _, e := range events {
				if e.ID <= after {
					t.Fatalf("size %d: ID %d after %d", size, e.ID, after)
				}
				after = e.ID
				if e.FromHostIP != "192.0.2.7" || e.ProcessID != "42" || e.MsgID != "ID7" || e.DeviceReportedTime.IsZero() || e.Table != m.Table() {
					t.Errorf("size %d: event %+v lacks a column", size, e)
				}
				got = append(got, e.Message)
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(in) {
			t.Errorf("size %d: read %q, want %q", size, got, in)
		}
	}
}
