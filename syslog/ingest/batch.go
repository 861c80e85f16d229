package ingest

import (
	"bytes"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/syslog"
	"github.com/aiosyslogd/aiosyslogd/syslog/ingest/spool"
)

// batcher is the state of the batching goroutine: the messages parsed but
// not yet handed to the writer, and the timer that bounds how long they
// wait.
type batcher struct {
	p       *Pipeline
	out     chan<- []record
	pending []record
	timer   *time.Timer
	dump    *lineWriter // nil unless Config.Dump is set
	// awaited is set while pending holds a record whose sender waits for
	// it to be committed (Received.Committed).
	awaited bool
	// pendingBytes is what pending is charged in the byte budget. A batch
	// is handed over at a quarter of the budget: the bytes are released
	// only once it is stored, and a batch holding the whole budget would
	// leave no room for the queue until its timeout.
	pendingBytes int64
	fromSpool    <-chan spooled // nil without a spool
}

// batch parses queued messages and hands batches to the writer: at
// BatchSize messages, or BatchTimeout after the first pending one (both
// changed by SetBatch). After Close it takes what is left in the queue,
// hands over the last batch and closes out.
//
// With a spool it takes the messages fromSpool instead of the queue, until
// fromSpool closes.
func (p *Pipeline) batch(out chan<- []record, fromSpool <-chan spooled) {
	b := &batcher{p: p, out: out, pending: make([]record, 0, p.cfg.BatchSize), timer: time.NewTimer(0), fromSpool: fromSpool}
	queue, closing := p.queue, p.closing
	if fromSpool != nil {
		queue, closing = nil, nil // spoolIn drains the queue; fromSpool says when to stop
	}
	b.timer.Stop()
	if p.cfg.Dump != nil {
		b.dump = newLineWriter(p.cfg.Dump)
	}
	defer b.finish()
	for {
		select {
		case <-p.changes.ready: // first, so that a change applies from the next message on
			b.apply()
		default:
		}
		select {
		case it := <-queue:
			b.add(it, spool.Pos{})
		case s, ok := <-fromSpool:
			if !ok {
				return
			}
			b.add(s.item, s.end)
		case <-b.timer.C:
			b.flush()
		case <-p.changes.ready:
			b.apply()
		case <-closing:
			// Every receiver has returned: what is queued is all there is.
			for {
				select {
				case it := <-p.queue:
					b.add(it, spool.Pos{})
				default:
					return
				}
			}
		}
	}
}

// add parses one queued message into the pending batch, and hands the
// batch over when it is full, or when the queue is empty and a sender waits
// for a message of the batch: a RELP sender's window stalls until then,
// and under load the queue is not empty, so batches still fill up.
func (b *batcher) add(it item, end spool.Pos) {
	r, err := parse(&b.p.cfg.Parser, it)
	if err != nil {
		it.in.malformed.Add(1)
		b.p.logger().Debug("malformed message, stored raw", "transport", it.in.name, "from", it.from.String(),
			"error", err, "message", fmt.Sprintf("%.200q", it.data))
	}
	if b.dump != nil {
		b.dump.WriteLine(&r.Message)
	}
	rec := record{Row: r, in: it.in, committed: it.committed, end: end}
	rec.size = recordSize(&rec, len(it.data))
	b.p.held.adjust(rec.size - it.size())
	b.pendingBytes += rec.size
	b.pending = append(b.pending, rec)
	b.awaited = b.awaited || it.committed != nil
	if len(b.pending) == 1 {
		b.timer.Reset(b.p.cfg.BatchTimeout)
	}
	switch {
	case len(b.pending) >= b.p.cfg.BatchSize || b.pendingBytes >= b.p.held.max/4:
		b.flush()
	case b.awaited && b.idle():
		b.flush()
	case b.dump != nil && b.idle():
		b.dump.Flush() // a dump is never stale while input is idle
	}
}

// idle reports whether no message waits for the batcher.
func (b *batcher) idle() bool {
	if b.fromSpool != nil {
		return len(b.fromSpool) == 0
	}
	return len(b.p.queue) == 0
}

// flush hands the pending batch to the writer.
func (b *batcher) flush() {
	b.timer.Stop()
	if b.dump != nil {
		b.dump.Flush()
	}
	if len(b.pending) > 0 {
		b.out <- b.pending
		b.pending = make([]record, 0, b.p.cfg.BatchSize)
	}
	b.awaited, b.pendingBytes = false, 0
}

func (b *batcher) finish() {
	b.flush()
	close(b.out)
}

// record is one received message in the pipeline: what the Store writes,
// and whom to tell once it is stored.
type record struct {
	search.Row
	in        *Input      // counts the record once stored
	committed func(error) // Received.Committed
	size      int64       // what it is charged in the byte budget
	end       spool.Pos   // where it ends in the spool; zero without one
}

// NewRow parses r with p into the row a Store writes. r.Data is kept (not
// copied) as Raw when the row needs it.
func NewRow(p *syslog.Parser, r Received) search.Row {
	rec, _ := parse(p, item{data: r.Data, from: r.From, at: r.At.UnixNano()})
	return rec
}

// parse returns the row of it, and why its message was not well-formed
// (nil when it was).
func parse(p *syslog.Parser, it item) (search.Row, error) {
	msg, err := p.Parse(it.data)
	rec := search.Row{ReceivedAt: time.Unix(0, it.at), Source: it.from, Message: msg}
	if err != nil || !utf8.Valid(it.data) || bytes.IndexByte(it.data, 0) >= 0 {
		rec.Raw = it.data
	}
	return rec, err
}
