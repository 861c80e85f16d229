package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// walCheckpoint copies what the WAL holds into the database file without
// waiting for anyone (readers and the writer go on). A pragma, which sqlc does
// not compile, so it lives here.
const walCheckpoint = "PRAGMA wal_checkpoint(PASSIVE)"

// writerAutoCheckpoint is the WAL size, in pages, at which the writer
// checkpoints by itself. The checkpointer normally has copied nearly all of
// it by then, so the writer's checkpoint is short; it is what lets SQLite
// start the WAL over, which only the writer's own checkpoint can arrange
// while writes never pause. 4096 pages of 4 KiB: the WAL stays under 16 MiB
// plus one batch. A variable so that a test can make it small; it is read
// by Open.
var writerAutoCheckpoint = 4096

// checkpointInterval is the least time between two checkpoints.
const checkpointInterval = 200 * time.Millisecond

// checkpointer copies the WAL into the database file on its own connection
// and goroutine, so that the writer spends its time on inserts rather than on
// copying pages and waiting for fsync (measured: checkpoints took 5% of the
// writer's CPU, plus the fsync). It runs from newCheckpointer until stop.
type checkpointer struct {
	db     *sql.DB
	wake   chan struct{} // a commit happened; capacity 1
	cancel context.CancelFunc
	done   chan struct{} // closed when the goroutine has ended
	runs   atomic.Int64  // checkpoints that copied something

	mu     sync.Mutex
	failed error // a new checkpoint failure, not yet reported
}

func newCheckpointer(path string) (*checkpointer, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(1000)&_pragma=synchronous(NORMAL)")
	if err != nil {
		return nil, fmt.Errorf("open %s for checkpoints: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	ctx, cancel := context.WithCancel(context.Background())
	c := &checkpointer{db: db, wake: make(chan struct{}, 1), cancel: cancel, done: make(chan struct{})}
	go c.run(ctx)
	return c, nil
}

// poke tells the checkpointer that the WAL grew. It never blocks.
func (c *checkpointer) poke() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

func (c *checkpointer) run(ctx context.Context) {
	defer close(c.done)
	var lastErr string
	for {
		select {
		case <-ctx.Done():
			return
		case <-c.wake:
		}
		var busy, logPages, copied int64
		err := c.db.QueryRowContext(ctx, walCheckpoint).Scan(&busy, &logPages, &copied)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil && err.Error() != lastErr:
			// Not fatal: the writer's own checkpoints still bound the WAL.
			// Reported by the writer (takeError), once per kind of failure.
			c.mu.Lock()
			c.failed = err
			c.mu.Unlock()
			lastErr = err.Error()
		case err == nil:
			lastErr = ""
			if copied > 0 {
				c.runs.Add(1)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(checkpointInterval):
		}
	}
}

// takeError returns the checkpoint failure not yet reported, if any.
func (c *checkpointer) takeError() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	err := c.failed
	c.failed = nil
	return err
}

// stop ends the goroutine and closes the connection.
func (c *checkpointer) stop() error {
	c.cancel()
	<-c.done
	return c.db.Close()
}
