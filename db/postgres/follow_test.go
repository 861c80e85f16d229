//go:build e2e

package postgres

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/db/search/query"
	"github.com/aiosyslogd/aiosyslogd/internal/testwait"
)

// followed collects what Follow passes, for the test to wait on.
type followed struct {
	mu     sync.Mutex
	events []search.Event
}

func (f *followed) add(e search.Event) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.events = append(f.events, e)
	return nil
}

func (f *followed) messages() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, e := range f.events {
		out = append(out, e.Message)
	}
	return out
}

func (f *followed) waitFor(t *testing.T, want ...string) {
	t.Helper()
	testwait.Eventually(t, 20*time.Second, func() error {
		if got := f.messages(); !slices.Equal(got, want) {
			return fmt.Errorf("followed %q, want %q", got, want)
		}
		return nil
	})
}

// TestFollowCommitOrder has two writers, as two collectors: A takes its
// IDs first and commits last. A follower reading "ID > last" would skip
// A's rows; Follow, which asks for what its last snapshot did not see,
// passes B's when they commit and A's when they do, each once.
func TestFollowCommitOrder(t *testing.T) {
	a, dsn := openStore(t)
	ctx := context.Background()
	b, err := Open(ctx, Options{DSN: dsn})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	r, err := OpenReader(ctx, Options{DSN: dsn})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	now := time.Now().UTC()
	if err := a.Write(ctx, []search.Row{row(now, "h", "t", "before")}); err != nil {
		t.Fatal(err)
	}
	var tail followed
	from, err := r.TailSnapshot(ctx, search.Query{}, 10, tail.add)
	if err != nil {
		t.Fatal(err)
	}
	if got := tail.messages(); !slices.Equal(got, []string{"before"}) {
		t.Fatalf("tail %q", got)
	}

	inserted, release := make(chan struct{}), make(chan struct{})
	a.commit = func(ctx context.Context, tx pgx.Tx) error {
		close(inserted)
		<-release
		return tx.Commit(ctx)
	}
	aDone := make(chan error, 1)
	go func() {
		aDone <- a.Write(ctx, []search.Row{row(now.Add(time.Millisecond), "h", "t", "a1"), row(now.Add(2*time.Millisecond), "h", "t", "a2")})
	}()
	<-inserted
	if err := b.Write(ctx, []search.Row{row(now.Add(3*time.Millisecond), "h", "t", "b1")}); err != nil {
		t.Fatal(err)
	}

	var f followed
	fctx, stop := context.WithCancel(ctx)
	followDone := make(chan error, 1)
	go func() { followDone <- r.FollowSnapshot(fctx, search.Query{}, from, 10*time.Millisecond, f.add) }()
	f.waitFor(t, "b1")
	close(release)
	if err := <-aDone; err != nil {
		t.Fatal(err)
	}
	f.waitFor(t, "b1", "a1", "a2")
	stop()
	if err := <-followDone; err != nil {
		t.Fatal(err)
	}
	ev := f.events
	if ev[1].ID >= ev[0].ID {
		t.Errorf("a1 has ID %d, b1 %d: the test did not make IDs commit out of order", ev[1].ID, ev[0].ID)
	}
	if got := f.messages(); !slices.Equal(got, []string{"b1", "a1", "a2"}) {
		t.Errorf("followed %q after the end: something came twice", got)
	}
}

// TestFollowQuery: Follow passes only what matches the query, from the
// statement's candidates and the tree's check alike.
func TestFollowQuery(t *testing.T) {
	s, dsn := openStore(t)
	ctx := context.Background()
	r, err := OpenReader(ctx, Options{DSN: dsn})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	from, err := r.TailSnapshot(ctx, search.Query{}, 0, func(search.Event) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	var f followed
	fctx, stop := context.WithCancel(ctx)
	q := search.Query{Expr: query.MustParse(`"disk full" -host:db2`)}
	followDone := make(chan error, 1)
	go func() { followDone <- r.FollowSnapshot(fctx, q, from, 10*time.Millisecond, f.add) }()
	defer func() {
		stop()
		if err := <-followDone; err != nil {
			t.Error(err)
		}
	}()
	now := time.Now().UTC()
	if err := s.Write(ctx, []search.Row{
		row(now, "db1", "kernel", "disk full on /var"),
		row(now.Add(time.Millisecond), "db2", "kernel", "disk full on /srv"),
		row(now.Add(2*time.Millisecond), "db1", "kernel", "full disk, not the phrase"),
	}); err != nil {
		t.Fatal(err)
	}
	f.waitFor(t, "disk full on /var")
}
