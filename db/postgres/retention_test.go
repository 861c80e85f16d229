//go:build e2e

package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db"
	"github.com/aiosyslogd/aiosyslogd/db/postgres/internal/pgsqlc"
	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/internal/testwait"
)

// partitions returns the month partitions' names, oldest first, and which
// have a detach pending.
func partitions(t *testing.T, s *Store) (names, pending []string) {
	t.Helper()
	parts, err := pgsqlc.New(s.pool).Partitions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range parts {
		names = append(names, p.Name)
		if p.DetachPending {
			pending = append(pending, p.Name)
		}
	}
	return names, pending
}

func monthRow(y int, m time.Month, text string) search.Row {
	return row(time.Date(y, m, 10, 12, 0, 0, 0, time.UTC), "h", "a", text)
}

// TestPrune keeps the newest two months, counting back from March 2030:
// the older partitions (this month's and the next, made at open, are
// older) are detached and dropped, and their rows are gone from searches;
// April's, made ahead when March was first written, stays.
func TestPrune(t *testing.T) {
	s, _ := openStore(t)
	ctx := context.Background()
	for _, r := range []search.Row{monthRow(2030, 1, "january"), monthRow(2030, 2, "february"), monthRow(2030, 3, "march")} {
		if err := s.Write(ctx, []search.Row{r}); err != nil {
			t.Fatal(err)
		}
	}
	s.SetRetentionMonths(2)
	dropped, err := s.Prune(ctx, db.Month{Year: 2030, Month: 3})
	if err != nil {
		t.Fatal(err)
	}
	now := db.MonthOf(time.Now())
	want := []db.Month{now, now.Next(), {Year: 2030, Month: 1}}
	if !slices.Equal(dropped, want) {
		t.Errorf("dropped %v, want %v", dropped, want)
	}
	if names, _ := partitions(t, s); !slices.Equal(names, []string{"systemevents203002", "systemevents203003", "systemevents203004"}) {
		t.Errorf("partitions left %v", names)
	}
	if got := messages(t, s.Reader()); !slices.Equal(got, []string{"february", "march"}) {
		t.Errorf("found %q", got)
	}
}

// TestPruneFinishesAnInterruptedDetach interrupts a concurrent detach
// while it waits for a reader's transaction, as a crash or a stop would:
// the partition stays detach-pending, and the next Prune finishes and
// drops it.
func TestPruneFinishesAnInterruptedDetach(t *testing.T) {
	s, _ := openStore(t)
	ctx := context.Background()
	old := db.Month{Year: 2029, Month: 6}
	if err := s.Write(ctx, []search.Row{monthRow(2029, 6, "june")}); err != nil {
		t.Fatal(err)
	}
	reader, err := s.pool.Begin(ctx) // a search in progress on the parent
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pgsqlc.New(reader).FirstReceivedAt(ctx); err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(ctx, time.Second)
	err = s.dropMonth(short, old)
	cancel()
	if err == nil || !errors.Is(short.Err(), context.DeadlineExceeded) {
		t.Fatalf("detach while a transaction reads the parent = %v, want it to wait until cancelled", err)
	}
	// The cancelled DETACH's session may still be waiting for the reader:
	// let the reader go only once it is gone, or the detach completes.
	testwait.Eventually(t, 30*time.Second, func() error {
		var n int
		err := s.pool.QueryRow(ctx, "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%DETACH PARTITION%CONCURRENTLY%' AND pid <> pg_backend_pid()").Scan(&n)
		if err == nil && n > 0 {
			err = fmt.Errorf("%d sessions still detaching", n)
		}
		return err
	})
	reader.Rollback(ctx)
	if _, pending := partitions(t, s); !slices.Equal(pending, []string{"systemevents202906"}) {
		t.Fatalf("detach pending on %v, want systemevents202906", pending)
	}
	dropped, err := s.Prune(ctx, db.MonthOf(time.Now())) // retention 0: only what is pending
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(dropped, []db.Month{old}) {
		t.Errorf("dropped %v, want %v", dropped, old)
	}
	if names, pending := partitions(t, s); slices.Contains(names, "systemevents202906") || len(pending) > 0 {
		t.Errorf("partitions %v, pending %v", names, pending)
	}
}

// TestWritePrunesWhenAMonthBegins: the first batch of a new month makes
// the next month's partition ahead and drops the months past retention.
func TestWritePrunesWhenAMonthBegins(t *testing.T) {
	s, _ := openStore(t)
	s.SetRetentionMonths(1)
	if err := s.Write(context.Background(), []search.Row{monthRow(2031, 5, "may")}); err != nil {
		t.Fatal(err)
	}
	if names, _ := partitions(t, s); !slices.Equal(names, []string{"systemevents203105", "systemevents203106"}) {
		t.Errorf("partitions %v, want May 2031 and June made ahead", names)
	}
}
