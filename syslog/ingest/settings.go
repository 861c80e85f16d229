package ingest

import (
	"io"
	"sync"
	"time"
)

// SetBatch changes BatchSize and BatchTimeout of the running pipeline (0
// means the default, as in Config). It does not wait: the batcher takes the
// change before the next message it takes from the queue, or once it has
// handed over the batch in its hands when the store is slow. A batch pending then is written at the
// new size, or within the new timeout. It is safe for concurrent use.
func (p *Pipeline) SetBatch(size int, timeout time.Duration) {
	c := Config{BatchSize: size, BatchTimeout: timeout}
	c.setDefaults()
	p.changes.set(func(ch *change) { ch.batch, ch.size, ch.timeout = true, c.BatchSize, c.BatchTimeout })
}

// SetDump changes where every message is written as an RFC 5424 line
// (Config.Dump); nil stops the dump. What was written to the old one is
// flushed first. Like SetBatch, it does not wait.
func (p *Pipeline) SetDump(w io.Writer) {
	p.changes.set(func(ch *change) { ch.dumpSet, ch.dump = true, w })
}

// change is what SetBatch and SetDump asked for since the batcher last
// looked.
type change struct {
	batch   bool
	size    int
	timeout time.Duration
	dumpSet bool
	dump    io.Writer
}

// changes hands a change to the batcher: the latest one wins, and ready
// (of capacity 1) wakes the batcher without making the caller wait.
type changes struct {
	mu      sync.Mutex
	pending change
	ready   chan struct{}
}

func (c *changes) set(f func(*change)) {
	c.mu.Lock()
	f(&c.pending)
	c.mu.Unlock()
	select {
	case c.ready <- struct{}{}:
	default: // the batcher has not looked yet: it will see this change too
	}
}

func (c *changes) take() change {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := c.pending
	c.pending = change{}
	return ch
}

// apply takes the change SetBatch or SetDump asked for.
func (b *batcher) apply() {
	ch := b.p.changes.take()
	if ch.dumpSet {
		if b.dump != nil {
			b.dump.Flush()
		}
		b.dump = nil
		if ch.dump != nil {
			b.dump = newLineWriter(ch.dump)
		}
	}
	if ch.batch {
		b.p.cfg.BatchSize, b.p.cfg.BatchTimeout = ch.size, ch.timeout
		switch {
		case len(b.pending) >= ch.size:
			b.flush()
		case len(b.pending) > 0:
			b.timer.Reset(ch.timeout)
		}
	}
}
