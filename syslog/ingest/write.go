package ingest

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db"
	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/syslog/ingest/spool"
)

// Store is where the pipeline writes. Write must store the whole batch or
// return an error (the batch is then retried); it must be safe to call
// again with the same batch. Write is called from one goroutine at a time.
type Store interface {
	Write(ctx context.Context, batch []search.Row) error
}

// Observer is told of each batch the writer stored. Stored is called from
// the writer's goroutine after Store.Write succeeded, with records that
// nobody changes afterwards; it must return at once (hand the batch to
// another goroutine, or drop it), since the writer waits for it.
type Observer interface {
	Stored(batch []search.Row)
}

// Backoff between attempts to write to a failing store.
const (
	firstBackoff = 100 * time.Millisecond
	maxBackoff   = 5 * time.Second
)

// write stores each batch, retrying with backoff while the store fails: the
// batch is kept, and meanwhile the queue absorbs what arrives. After Close
// it retries for ShutdownRetry at most. A failure is logged once when it
// starts and once when it ends, not at every retry.
func (p *Pipeline) write(batches <-chan []record) error {
	w := writer{p: p}
	var lost uint64
	for b := range batches {
		p.writeBatch(&w, b, &lost)
		p.release(b)
	}
	if lost > 0 {
		return fmt.Errorf("%d messages could not be stored", lost)
	}
	return nil
}

// writeBatch stores b (or, with no Store, counts it), and tells its
// senders; it adds to lost what it had to give up.
func (p *Pipeline) writeBatch(w *writer, b []record, lost *uint64) {
	if w.kept > 0 {
		// An earlier batch stayed in the spool: this one stays too, in
		// order, for the next start.
		w.kept += len(b)
		committed(b, errors.New("not stored yet: left in the spool"))
		return
	}
	if p.cfg.Store == nil {
		countStored(b)
		committed(b, nil)
		p.observe(b)
		p.ackSpool(b)
		return
	}
	if err := w.writeWithRetry(b); err != nil {
		if p.cfg.Spool != nil {
			w.kept = len(b)
			p.logger().Error("store failing at the stop timeout; leaving the rest in the spool", "error", err)
			committed(b, fmt.Errorf("not stored yet: %w", err))
			return
		}
		*lost += uint64(len(b))
		for i := range b {
			if in := b[i].in; in != nil {
				in.lost.Add(1)
			}
		}
		p.logger().Error("giving up on a batch after shutdown", "messages", len(b), "error", err)
		committed(b, fmt.Errorf("not stored: %w", err))
		return
	}
	committed(b, nil)
	p.observe(b)
	p.ackSpool(b)
}

// ackSpool acknowledges a stored batch in the spool, if there is one.
func (p *Pipeline) ackSpool(b []record) {
	if p.cfg.Spool != nil && len(b) > 0 {
		p.ack(b)
	}
}

// observe tells the Observer, if any, that b is stored: its rows, in a
// slice of their own that nobody changes afterwards (the writer's is
// reused).
func (p *Pipeline) observe(b []record) {
	if p.cfg.Observer == nil {
		return
	}
	rows := make([]search.Row, len(b))
	for i := range b {
		rows[i] = b[i].Row
	}
	p.cfg.Observer.Stored(rows)
}

// countStored counts each record of a stored batch on its Input.
func countStored(b []record) {
	for i := range b {
		if in := b[i].in; in != nil {
			in.stored.Add(1)
		}
	}
}

// committed tells the senders waiting for the records of b (Received.
// Committed) that b was stored (err nil) or given up.
func committed(b []record, err error) {
	for i := range b {
		if f := b[i].committed; f != nil {
			f(err)
		}
	}
}

// release gives the bytes of b, stored or given up, back to the budget.
func (p *Pipeline) release(b []record) {
	var n int64
	for i := range b {
		n += b[i].size
	}
	p.held.release(n)
}

// writer is the state of the writing goroutine: whether the store is
// failing, since when, and — once closing — when to give up.
type writer struct {
	p            *Pipeline
	failingSince time.Time
	giveUpAt     time.Time    // one deadline for all batches left at Close
	rows         []search.Row // what the store writes of a batch, reused
	kept         int          // messages left in the spool, unstored, since a batch was given up
}

func (w *writer) writeWithRetry(b []record) error {
	p := w.p
	// Writes are not cancelled: the last batches come after Close.
	ctx := context.Background()
	backoff := firstBackoff
	w.rows = w.rows[:0]
	for i := range b {
		w.rows = append(w.rows, b[i].Row)
	}
	defer clear(w.rows) // the messages of a stored batch are not kept
	for {
		start := time.Now()
		p.writes.started(start)
		err := p.store(ctx, w.rows, b)
		if err == nil {
			p.writes.succeeded(start, time.Now())
			p.batches.Add(1)
			countStored(b)
			w.recovered()
			return nil
		}
		p.writes.failed(time.Now(), err)
		w.failed(len(b), err, backoff)
		if w.closing() && time.Now().After(w.giveUpAt) || p.cfg.Spool != nil && p.drainOver() {
			return err
		}
		time.Sleep(backoff)
		backoff = min(backoff*2, maxBackoff)
	}
}

// store writes rows, the rows of b. A spooled batch goes to a store that
// keeps spool positions (db.SpoolWriter) with where it ends in the spool,
// in the batch's transaction: then a crash after its COMMIT, before the
// spool's acknowledgement, does not store it twice (spool.Options.Stored).
func (p *Pipeline) store(ctx context.Context, rows []search.Row, b []record) error {
	if sw, ok := p.cfg.Store.(db.SpoolWriter); ok && p.cfg.Spool != nil {
		if end := b[len(b)-1].end; end != (spool.Pos{}) {
			return sw.WriteSpooled(ctx, rows, db.SpoolPosition{Spool: p.cfg.Spool.ID(), Segment: end.Seg, Offset: end.Off})
		}
	}
	return p.cfg.Store.Write(ctx, rows)
}

func (w *writer) failed(n int, err error, backoff time.Duration) {
	if w.failingSince.IsZero() {
		w.failingSince = time.Now()
		w.p.logger().Error("store failed; keeping messages in the queue and retrying", "messages", n, "error", err)
	} else {
		w.p.logger().Debug("store still failing", "error", err, "retry_in", backoff)
	}
}

func (w *writer) recovered() {
	if !w.failingSince.IsZero() {
		w.p.logger().Info("store recovered; writing again", "failed_for", time.Since(w.failingSince).Round(time.Millisecond))
		w.failingSince = time.Time{}
	}
}

// closing reports whether Close has been called, and sets the deadline for
// giving up the first time it sees so.
func (w *writer) closing() bool {
	select {
	case <-w.p.closing:
	default:
		return false
	}
	if w.giveUpAt.IsZero() {
		w.giveUpAt = time.Now().Add(w.p.cfg.ShutdownRetry)
	}
	return true
}
