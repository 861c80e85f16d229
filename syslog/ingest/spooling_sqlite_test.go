package ingest_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/db/sqlite"
	"github.com/aiosyslogd/aiosyslogd/syslog/ingest"
	"github.com/aiosyslogd/aiosyslogd/syslog/ingest/spool"
)

// sqliteRun is one run of serve's storing half: a real SQLite store, the
// spool, and a pipeline from one to the other.
type sqliteRun struct {
	store *sqlite.Store
	sp    *spool.Spool
	p     *ingest.Pipeline
}

// startSQLiteRun opens the store at dbPath and the spool in dir; with
// positions, the spool reads on from the store's position as serve does.
func startSQLiteRun(t *testing.T, dbPath, dir string, positions bool) (*sqliteRun, spool.Recovered) {
	t.Helper()
	ctx := context.Background()
	store, err := sqlite.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	store.Logger = slog.New(slog.DiscardHandler)
	opt := spool.Options{Dir: dir, Logger: slog.New(slog.DiscardHandler)}
	if positions {
		opt.Stored = func(id string) (spool.Pos, bool, error) {
			p, ok, err := store.SpoolPosition(ctx, id)
			return spool.Pos{Seg: p.Segment, Off: p.Offset}, ok, err
		}
	}
	sp, found, err := spool.Open(opt)
	if err != nil {
		store.Close()
		t.Fatal(err)
	}
	var st ingest.Store = store
	if !positions {
		st = writeOnly{store} // the store as one that keeps no positions
	}
	p := ingest.New(ingest.Config{Store: st, BatchSize: 100, BatchTimeout: 10 * time.Millisecond, Spool: sp,
		Logger: slog.New(slog.DiscardHandler)})
	return &sqliteRun{store: store, sp: sp, p: p}, found
}

// writeOnly hides WriteSpooled: a store that keeps no spool positions.
type writeOnly struct{ s *sqlite.Store }

func (w writeOnly) Write(ctx context.Context, b []search.Row) error { return w.s.Write(ctx, b) }

// send offers texts to the pipeline and waits until the store holds want
// rows.
func (r *sqliteRun) send(t *testing.T, texts []string, want int64) {
	t.Helper()
	in := r.p.Input("udp")
	for _, s := range texts {
		in.Offer(msg(s))
	}
	waitFor(t, fmt.Sprintf("%d rows", want), func() bool { return storedRows(t, r.store) == want })
}

func (r *sqliteRun) stop(t *testing.T) {
	t.Helper()
	if err := r.p.Close(); err != nil {
		t.Fatal(err)
	}
	if err := r.sp.Close(); err != nil {
		t.Fatal(err)
	}
	if err := r.store.Close(); err != nil {
		t.Fatal(err)
	}
}

// storedRows counts the rows of every month table.
func storedRows(t *testing.T, s *sqlite.Store) int64 {
	t.Helper()
	ctx := context.Background()
	months, err := sqlite.Months(ctx, s.DB())
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	for _, m := range months {
		c, err := sqlite.CountEvents(ctx, s.DB(), m)
		if err != nil {
			t.Fatal(err)
		}
		n += c
	}
	return n
}

// storedTexts counts each stored message text.
func storedTexts(t *testing.T, dbPath string) map[string]int {
	t.Helper()
	r, err := sqlite.OpenReader(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	seen := map[string]int{}
	err = r.Search(context.Background(), search.Query{Order: search.OldestFirst}, func(e search.Event) error {
		seen[e.Message]++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return seen
}

// A crash between the COMMIT of a spooled batch and the spool's write of
// its acknowledgement file: the next start must not store the batch
// again. The crash is the file put back as it was before the last batch
// (what a kill -9 between the two leaves); the database, which keeps the
// spool's position in each batch's transaction, says the batch is stored.
// Without the database's position (the store hidden behind Write alone)
// the same start stores the batch twice: the window is real, and closed.
func TestSpooledBatchCommittedBeforeACrashIsStoredOnce(t *testing.T) {
	for _, tt := range []struct {
		name      string
		positions bool
		wantTwice int // messages stored twice
	}{
		{"the database keeps the position", true, 0},
		{"the acknowledgement file alone", false, 100},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			dbPath, spoolDir := filepath.Join(dir, "syslog.db"), filepath.Join(dir, "syslog.db.spool")
			texts := numbered(700)

			run, _ := startSQLiteRun(t, dbPath, spoolDir, tt.positions)
			run.send(t, texts[:600], 600)
			run.stop(t)
			ackFile := filepath.Join(spoolDir, "committed")
			before, err := os.ReadFile(ackFile)
			if err != nil {
				t.Fatal(err)
			}

			// The last batches: committed, and then the crash, before the
			// file says so.
			run, _ = startSQLiteRun(t, dbPath, spoolDir, tt.positions)
			run.send(t, texts[600:], 700)
			run.stop(t)
			if err := os.WriteFile(ackFile, before, 0o600); err != nil {
				t.Fatal(err)
			}

			run, found := startSQLiteRun(t, dbPath, spoolDir, tt.positions)
			if tt.positions && (!found.Behind || found.Messages != 0) {
				t.Errorf("spool recovered %+v, want behind the database and nothing left", found)
			}
			if !tt.positions && found.Messages != 100 {
				t.Errorf("spool recovered %+v, want the last batch left", found)
			}
			want := int64(700 + tt.wantTwice)
			waitFor(t, fmt.Sprintf("%d rows", want), func() bool { return storedRows(t, run.store) >= want })
			run.send(t, []string{"after the restart"}, want+1)
			run.stop(t)

			seen := storedTexts(t, dbPath)
			twice := 0
			for _, s := range texts {
				switch seen[s] {
				case 1:
				case 2:
					twice++
				default:
					t.Fatalf("%q stored %d times", s, seen[s])
				}
			}
			if twice != tt.wantTwice || seen["after the restart"] != 1 {
				t.Fatalf("%d messages stored twice, want %d; the one after the restart %d times", twice, tt.wantTwice, seen["after the restart"])
			}
		})
	}
}
