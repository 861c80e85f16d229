package ingest

import (
	"bytes"
	"fmt"
	"net/netip"
	"time"
	"unicode/utf8"

	"github.com/aiosyslogd/aiosyslogd/syslog"
)

// batcher is the state of the batching goroutine: the messages parsed but
// not yet handed to the writer, and the timer that bounds how long they
// wait.
type batcher struct {
	p       *Pipeline
	out     chan<- []Record
	pending []Record
	timer   *time.Timer
	dump    *lineWriter // nil unless Config.Dump is set
	// awaited is set while pending holds a record whose sender waits for
	// it to be committed (Received.Committed).
	awaited bool
}

// batch parses queued messages and hands batches to the writer: at
// BatchSize messages, or BatchTimeout after the first pending one (both
// changed by SetBatch). After Close it takes what is left in the queue,
// hands over the last batch and closes out.
func (p *Pipeline) batch(out chan<- []Record) {
	b := &batcher{p: p, out: out, pending: make([]Record, 0, p.cfg.BatchSize), timer: time.NewTimer(0)}
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
		case it := <-p.queue:
			b.add(it)
		case <-b.timer.C:
			b.flush()
		case <-p.changes.ready:
			b.apply()
		case <-p.closing:
			// Every receiver has returned: what is queued is all there is.
			for {
				select {
				case it := <-p.queue:
					b.add(it)
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
func (b *batcher) add(it item) {
	r := newRecord(&b.p.cfg.Parser, it)
	if r.ParseErr != nil {
		it.in.malformed.Add(1)
		b.p.logger().Debug("malformed message, stored raw", "transport", it.in.name, "from", it.from.String(),
			"error", r.ParseErr, "message", fmt.Sprintf("%.200q", it.data))
	}
	if b.dump != nil {
		b.dump.WriteLine(&r.Message)
	}
	b.pending = append(b.pending, r)
	b.awaited = b.awaited || r.committed != nil
	if len(b.pending) == 1 {
		b.timer.Reset(b.p.cfg.BatchTimeout)
	}
	switch {
	case len(b.pending) >= b.p.cfg.BatchSize:
		b.flush()
	case b.awaited && len(b.p.queue) == 0:
		b.flush()
	case b.dump != nil && len(b.p.queue) == 0:
		b.dump.Flush() // a dump is never stale while input is idle
	}
}

// flush hands the pending batch to the writer.
func (b *batcher) flush() {
	b.timer.Stop()
	if b.dump != nil {
		b.dump.Flush()
	}
	if len(b.pending) > 0 {
		b.out <- b.pending
		b.pending = make([]Record, 0, b.p.cfg.BatchSize)
	}
	b.awaited = false
}

func (b *batcher) finish() {
	b.flush()
	close(b.out)
}

// Record is one received message as it is handed to a Store: the parsed
// message, when and from where it came, and — when it did not parse cleanly
// or is not valid UTF-8 — the exact bytes received.
type Record struct {
	ReceivedAt time.Time
	Source     netip.AddrPort // the sender's address
	Message    syslog.Message
	// Raw is the message as received when it was not well-formed syslog or
	// not valid UTF-8 text (or held NUL bytes); nil otherwise. With it,
	// nothing a sender sent is ever lost, however malformed.
	Raw []byte
	// ParseErr says why the message was not well-formed; nil when it was.
	ParseErr error

	in        *Input      // counts the record once stored; nil for records made by NewRecord
	committed func(error) // Received.Committed
}

// NewRecord parses r with p into a Record. r.Data is kept (not copied) as
// Raw when the record needs it.
func NewRecord(p *syslog.Parser, r Received) Record {
	return newRecord(p, item{data: r.Data, from: r.From, at: r.At.UnixNano()})
}

func newRecord(p *syslog.Parser, it item) Record {
	msg, err := p.Parse(it.data)
	rec := Record{ReceivedAt: time.Unix(0, it.at), Source: it.from, Message: msg, ParseErr: err, in: it.in,
		committed: it.committed}
	if err != nil || !utf8.Valid(it.data) || bytes.IndexByte(it.data, 0) >= 0 {
		rec.Raw = it.data
	}
	return rec
}
