//go:build e2e

package postgres

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/db/search/alert"
	"github.com/aiosyslogd/aiosyslogd/internal/testwait"
)

// openLeadReader opens a Reader that may write the alert state on dsn,
// closed at the test's end.
func openLeadReader(t *testing.T, dsn string) *Reader {
	t.Helper()
	r, err := OpenLeadReader(context.Background(), Options{DSN: dsn})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// TestAlertStates: what one collector saves, another loads as it was
// (times to the microsecond PostgreSQL keeps, deliveries, a rule never
// notified); a rule left out of a save is forgotten.
func TestAlertStates(t *testing.T) {
	_, dsn := openStore(t)
	ctx := context.Background()
	since := time.Date(2026, 12, 3, 10, 4, 5, 123456000, time.UTC)
	saved := map[string]alert.SavedRule{
		"burst": {Key: "burst\x00k", Firing: true, Since: since, Notified: since.Add(time.Minute),
			Deliveries: []alert.Delivery{{Notifier: "hook", State: alert.Firing, At: since.Add(2 * time.Second), Result: "sent"},
				{Notifier: "mail", State: alert.Firing, At: since.Add(3 * time.Second), Result: "failed", Error: "refused"}}},
		"quiet": {Key: "quiet\x00k"},
	}
	tests := []struct {
		name string
		save map[string]alert.SavedRule
	}{
		{"two rules", saved},
		{"one forgotten", map[string]alert.SavedRule{"quiet": {Key: "quiet\x00k2", Firing: true, Since: since}}},
		{"none", map[string]alert.SavedRule{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := openLeadReader(t, dsn).AlertStates().SaveState(ctx, tt.save); err != nil {
				t.Fatal(err)
			}
			got, err := openLeadReader(t, dsn).AlertStates().LoadState(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for name, r := range got { // PostgreSQL's times come back in the session's zone
				r.Since, r.Notified = r.Since.UTC(), r.Notified.UTC()
				for i := range r.Deliveries {
					r.Deliveries[i].At = r.Deliveries[i].At.UTC()
				}
				got[name] = r
			}
			if !reflect.DeepEqual(got, tt.save) {
				t.Errorf("loaded %+v\nsaved  %+v", got, tt.save)
			}
		})
	}
}

// TestAlertStatesStatus: the web page's status reads the table as it
// reads the file.
func TestAlertStatesStatus(t *testing.T) {
	_, dsn := openStore(t)
	ctx := context.Background()
	since := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	states := openLeadReader(t, dsn).AlertStates()
	if err := states.SaveState(ctx, map[string]alert.SavedRule{"burst": {Key: "k", Firing: true, Since: since}}); err != nil {
		t.Fatal(err)
	}
	st, err := alert.StatusOf(ctx, states)
	if err != nil {
		t.Fatal(err)
	}
	if s := st["burst"]; len(st) != 1 || !s.Firing || !s.Since.Equal(since) {
		t.Errorf("status %+v", st)
	}
}

// TestCandidates: of two collectors asking for the alert lead, one gets
// it; the other gets it once the first resigns, and again once the
// leader's session is ended from outside (as when its process dies),
// which the old leader then learns.
//
// The lock's key, 0x616c657274, is in pg_locks as classid 0x61 (97) and
// objid 0x6c657274 (1818587764), objsubid 1 for a bigint key.
func TestCandidates(t *testing.T) {
	_, dsn := openStore(t)
	ctx := context.Background()
	candidate := func() *Candidate {
		c, err := NewCandidate(ctx, Options{DSN: dsn})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	a, b := candidate(), candidate()
	lead := func(c *Candidate, want bool) {
		t.Helper()
		if got, err := c.TryLead(ctx); got != want || (want && err != nil) {
			t.Fatalf("TryLead = %v, %v; want %v", got, err, want)
		}
	}
	lead(a, true)
	lead(b, false)
	lead(a, true) // still leads: asking again does not take a second lock
	a.Resign(ctx)
	lead(b, true)
	lead(a, false)

	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var ended bool
	err = conn.QueryRow(ctx, `SELECT pg_terminate_backend(pid) FROM pg_locks
		WHERE locktype = 'advisory' AND classid = 97 AND objid = 1818587764 AND objsubid = 1 AND granted`).Scan(&ended)
	if err != nil || !ended {
		t.Fatalf("end the leader's session: %v, %v", ended, err)
	}
	testwait.Eventually(t, 10*time.Second, func() error {
		if led, err := a.TryLead(ctx); !led {
			return fmt.Errorf("a does not lead: %v", err)
		}
		return nil
	})
	if led, err := b.TryLead(ctx); led || err == nil {
		t.Errorf("b, whose session ended, still leads (%v) or was not told (%v)", led, err)
	}
	lead(b, false)
	a.Close()
	testwait.Eventually(t, 10*time.Second, func() error {
		if led, err := b.TryLead(ctx); !led {
			return fmt.Errorf("b does not lead after a closed: %v", err)
		}
		return nil
	})
}

// feedRecorder collects Feed's batches.
type feedRecorder struct {
	mu      sync.Mutex
	batches [][]search.Event
}

func (f *feedRecorder) add(b []search.Event) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.batches = append(f.batches, b)
}

func (f *feedRecorder) messages() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, b := range f.batches {
		for _, e := range b {
			out = append(out, e.Message)
		}
	}
	return out
}

// TestFeed: the evaluator's feed passes what two collectors commit after
// its start, each event once, in batches of at most FeedBatch.
func TestFeed(t *testing.T) {
	a, dsn := openStore(t)
	ctx := context.Background()
	b, err := Open(ctx, Options{DSN: dsn})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	r := openLeadReader(t, dsn)
	now := time.Now().UTC()
	if err := a.Write(ctx, []search.Row{row(now, "h", "t", "before")}); err != nil {
		t.Fatal(err)
	}
	from, err := r.TailSnapshot(ctx, search.Query{}, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	var f feedRecorder
	fctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- r.Feed(fctx, from, 10*time.Millisecond, f.add) }()
	var want []string
	for i, s := range []*Store{a, b, a} {
		var rows []search.Row
		for j := range FeedBatch/2 + 1 {
			msg := fmt.Sprintf("w%d-%d", i, j)
			rows = append(rows, row(now.Add(time.Duration(i*FeedBatch+j)*time.Microsecond), "h", "t", msg))
			want = append(want, msg)
		}
		if err := s.Write(ctx, rows); err != nil {
			t.Fatal(err)
		}
	}
	testwait.Eventually(t, 20*time.Second, func() error {
		if got := f.messages(); len(got) < len(want) {
			return fmt.Errorf("fed %d of %d", len(got), len(want))
		}
		return nil
	})
	stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := f.messages(); !slices.Equal(got, want) {
		t.Errorf("fed %d events, want %d, each once in order", len(got), len(want))
	}
	for _, batch := range f.batches {
		if len(batch) > FeedBatch {
			t.Errorf("a batch of %d events", len(batch))
		}
	}
}
