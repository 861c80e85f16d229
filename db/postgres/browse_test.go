//go:build e2e

package postgres

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/db/storetest"
)

// TestEventAndNewest: one event by its month table and ID, as /api/event
// asks for it; none in another month, under a name that is no month
// table, or by an ID that is not stored; the newest time, and none in an
// empty database.
func TestEventAndNewest(t *testing.T) {
	s, _ := openStore(t)
	r := s.Reader()
	ctx := context.Background()
	if _, ok, err := r.Newest(ctx); ok || err != nil {
		t.Fatalf("Newest of an empty database: ok %v, %v", ok, err)
	}
	if err := s.Write(ctx, storetest.Fixture); err != nil {
		t.Fatal(err)
	}
	newest, ok, err := r.Newest(ctx)
	if want := storetest.UTC("2026-11-03 10:00:00"); !ok || err != nil || !newest.Equal(want) {
		t.Fatalf("Newest = %s, %v, %v; want %s", newest, ok, err, want)
	}
	found := events(t, r, search.Query{})
	for _, want := range found {
		got, ok, err := r.Event(ctx, want.Table, want.ID)
		if !ok || err != nil {
			t.Fatalf("Event(%s, %d): ok %v, %v", want.Table, want.ID, ok, err)
		}
		if d := same([]search.Event{want}, []search.Event{got}); d != "" || got.ID != want.ID {
			t.Errorf("Event(%s, %d): %s", want.Table, want.ID, d)
		}
	}
	e := found[0]
	for _, tc := range []struct {
		table string
		id    int64
	}{{"SystemEvents202610", e.ID}, {"SystemEvents", e.ID}, {"systemevents202611x", e.ID}, {"Batches", e.ID}, {e.Table, 1 << 40}} {
		if _, ok, err := r.Event(ctx, tc.table, tc.id); ok || err != nil {
			t.Errorf("Event(%q, %d): ok %v, %v; want none", tc.table, tc.id, ok, err)
		}
	}
}

// TestTailFollowCursor: Tail passes the newest events and returns the
// newest one's cursor; Follow after it passes what is stored next, and
// Follow after an older cursor (a live tail cut and resumed) passes what
// came after that cursor first, each event once.
func TestTailFollowCursor(t *testing.T) {
	s, _ := openStore(t)
	r := s.Reader()
	ctx := context.Background()
	if c, err := r.Tail(ctx, search.Query{}, 5, func(search.Event) error { return nil }); err != nil || !c.IsZero() {
		t.Fatalf("Tail of an empty database: %v, %v", c, err)
	}
	now := time.Now().UTC()
	if err := s.Write(ctx, []search.Row{row(now, "h", "t", "a1"), row(now.Add(time.Millisecond), "h", "t", "a2"), row(now.Add(2*time.Millisecond), "h", "t", "a3")}); err != nil {
		t.Fatal(err)
	}
	var tail followed
	after, err := r.Tail(ctx, search.Query{}, 2, tail.add)
	if err != nil {
		t.Fatal(err)
	}
	if got := tail.messages(); !slices.Equal(got, []string{"a2", "a3"}) {
		t.Fatalf("Tail passed %q", got)
	}
	if after != tail.events[1].Cursor() {
		t.Fatalf("Tail's cursor %v, want a3's %v", after, tail.events[1].Cursor())
	}
	var f followed
	fctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- r.Follow(fctx, search.Query{}, after, 10*time.Millisecond, f.add) }()
	if err := s.Write(ctx, []search.Row{row(now.Add(3*time.Millisecond), "h", "t", "b1")}); err != nil {
		t.Fatal(err)
	}
	f.waitFor(t, "b1")
	if err := s.Write(ctx, []search.Row{row(now.Add(4*time.Millisecond), "h", "t", "b2")}); err != nil {
		t.Fatal(err)
	}
	f.waitFor(t, "b1", "b2")
	stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}

	// Resumed after a2 (its cursor, as a browser's Last-Event-ID).
	var resumed followed
	fctx, stop = context.WithCancel(ctx)
	go func() {
		done <- r.Follow(fctx, search.Query{}, tail.events[0].Cursor(), 10*time.Millisecond, resumed.add)
	}()
	resumed.waitFor(t, "a3", "b1", "b2")
	stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// TestReaderCannotWrite: OpenReader's connections are read-only, so a
// reader (web, search) cannot change the database whatever it runs.
func TestReaderCannotWrite(t *testing.T) {
	_, dsn := openStore(t)
	r, err := OpenReader(context.Background(), Options{DSN: dsn})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	_, err = r.pool.Exec(context.Background(), "DELETE FROM Batches")
	if err == nil || !strings.Contains(err.Error(), "read-only transaction") {
		t.Errorf("a reader's DELETE: %v, want refused as read-only", err)
	}
}
