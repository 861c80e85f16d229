package sqlite

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db"
	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/internal/testwait"
)

// TestCheckpointerCopiesAndWALStaysBounded writes well over the WAL's
// autocheckpoint size with no pause between batches and checks that the
// checkpointer copied pages into the database file, that the WAL stayed
// bounded, and that Close ends the goroutine and leaves no WAL behind.
func TestCheckpointerCopiesAndWALStaysBounded(t *testing.T) {
	saved := writerAutoCheckpoint
	writerAutoCheckpoint = 64 // pages: 256 KiB
	t.Cleanup(func() { writerAutoCheckpoint = saved })
	s, path := openTestStore(t)

	at := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	text := strings.Repeat("padding ", 250) // 2 KB
	batch := make([]search.Row, 50)
	const batches = 60 // ~6 MB of messages, 25 times the autocheckpoint size
	maxWAL := int64(0)
	deadline := time.Now().Add(10 * time.Second)
	for i := range batches {
		for j := range batch {
			batch[j] = record(at, "h", "app", fmt.Sprintf("batch%d row%d %s", i, j, text))
		}
		if err := s.Write(context.Background(), batch); err != nil {
			t.Fatal(err)
		}
		if fi, err := os.Stat(path + "-wal"); err == nil {
			maxWAL = max(maxWAL, fi.Size())
		}
		// Give the checkpointer a chance now and then, as real traffic does.
		if i%10 == 9 {
			testwait.Poll(time.Until(deadline), func() error { // the test fails below if it never ran
				if s.ckpt.runs.Load() == 0 {
					return errors.New("no checkpoint yet")
				}
				return nil
			})
		}
	}
	if s.ckpt.runs.Load() == 0 {
		t.Error("the checkpointer never copied a page")
	}
	// 64 pages, plus the batch that crossed them (~120 pages), plus the
	// host and tag record that small batches extend and rewrite (a few
	// pages each time, db/sqlite/batchfields.go), plus slack.
	if limit := int64(5 << 18); maxWAL > limit {
		t.Errorf("WAL grew to %d bytes, want at most %d", maxWAL, limit)
	}
	if maxWAL == 0 {
		t.Error("no WAL file seen while writing")
	}
	if got := count(t, s.DB(), db.Month{Year: 2026, Month: 11}, ""); got != batches*int64(len(batch)) {
		t.Errorf("%d rows, want %d", got, batches*len(batch))
	}
	if got := count(t, s.DB(), db.Month{Year: 2026, Month: 11}, "batch59"); got != int64(len(batch)) {
		t.Errorf("MATCH batch59 = %d, want %d", got, len(batch))
	}

	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-s.ckpt.done:
	default:
		t.Error("Close returned before the checkpointer's goroutine ended")
	}
	if _, err := os.Stat(path + "-wal"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("after Close, the WAL is still there (stat: %v)", err)
	}
}

// TestCheckpointerReportsAFailureOnce breaks the checkpointer's connection
// and checks that the writer logs the failure once, not at every commit,
// while writes go on. In a bubble, the checkpointer's 200 ms pauses take
// no time.
func TestCheckpointerReportsAFailureOnce(t *testing.T) {
	synctest.Test(t, testCheckpointerReportsAFailureOnce)
}

func testCheckpointerReportsAFailureOnce(t *testing.T) {
	s, _ := openTestStore(t)
	var log bytes.Buffer
	s.Logger = slog.New(slog.NewTextHandler(&log, nil))
	if err := s.ckpt.db.Close(); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	const writes = 20
	for range writes {
		if err := s.Write(context.Background(), []search.Row{record(at, "h", "app", "still written")}); err != nil {
			t.Fatal(err)
		}
		// The checkpointer has tried; its pause goes on.
		synctest.Wait()
		time.Sleep(checkpointInterval / 4)
	}
	// The last failure may come after the last write: one more reports it.
	if err := s.Write(context.Background(), []search.Row{record(at, "h", "app", "still written")}); err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(log.String(), "checkpoint the WAL"); got != 1 {
		t.Errorf("checkpoint failure logged %d times, want once; log:\n%s", got, log.String())
	}
	if !strings.Contains(log.String(), "closed") {
		t.Errorf("log does not give the closed-database error:\n%s", log.String())
	}
	if n := count(t, s.DB(), db.Month{Year: 2026, Month: 11}, "written"); n != writes+1 {
		t.Errorf("%d rows written while checkpoints failed, want %d", n, writes+1)
	}
}
