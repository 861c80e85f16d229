package ingest

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/aiosyslogd/aiosyslogd/syslog/ingest/spool"
)

// Spooling: with Config.Spool set, the queue is drained into the spool by
// spoolIn, in batches, and the batcher takes what spoolOut reads back from
// it, in the same order. The queue's bytes are released once appended; a
// message read back is charged again until stored, and acknowledged in the
// spool once its batch is stored.
const (
	spoolBatchMessages = 1024
	spoolBatchBytes    = 1 << 20
	// spoolRetryMax bounds the wait between two attempts at appending to a
	// full spool (or a full disk): it recovers within that once room is
	// made.
	spoolRetryMax = 250 * time.Millisecond
)

// DefaultSpoolDrain is how long Close keeps storing what the spool holds
// when Config.SpoolDrain is zero.
const DefaultSpoolDrain = 60 * time.Second

// spooled is a message read back from the spool, and where it ends there.
type spooled struct {
	item
	end spool.Pos
}

// waiter is a sender waiting for a spooled message to be committed.
type waiter struct {
	end spool.Pos
	f   func(error)
}

// waiters are the senders waiting for spooled messages, in spool order.
type waiters struct {
	mu   sync.Mutex
	list []waiter
}

// take returns the function waiting for the record ending at end, if any;
// the waiters of records before it (set aside as corrupt) are told.
func (w *waiters) take(end spool.Pos) func(error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for len(w.list) > 0 && spool.Before(w.list[0].end, end) {
		w.list[0].f(errors.New("not stored: its spool segment was corrupt"))
		w.list = w.list[1:]
	}
	if len(w.list) > 0 && w.list[0].end == end {
		f := w.list[0].f
		w.list = w.list[1:]
		return f
	}
	return nil
}

// spoolIn appends what the queue holds to the spool in batches until Close,
// then appends the rest of the queue and returns.
func (p *Pipeline) spoolIn() {
	defer close(p.spoolInDone)
	sp := spoolAppender{p: p}
	for {
		select {
		case it := <-p.queue:
			sp.add(it)
		case <-p.closing:
			for {
				select {
				case it := <-p.queue:
					sp.add(it)
					if sp.full() {
						sp.flush()
					}
				default:
					sp.flush()
					return
				}
			}
		}
		for !sp.full() {
			select {
			case it := <-p.queue:
				sp.add(it)
				continue
			default:
			}
			break
		}
		sp.flush()
	}
}

// spoolAppender is spoolIn's batch.
type spoolAppender struct {
	p       *Pipeline
	items   []item
	recs    []spool.Record
	ends    []spool.Pos
	bytes   int
	waiting bool // a message of the batch has a sender waiting
	failing time.Time
}

func (a *spoolAppender) add(it item) {
	a.items = append(a.items, it)
	a.recs = append(a.recs, spool.Record{At: it.at, From: it.from, Transport: it.in.name, Stream: it.in.stream, Data: it.data})
	a.bytes += len(it.data)
	a.waiting = a.waiting || it.committed != nil
}

func (a *spoolAppender) full() bool {
	return len(a.items) >= spoolBatchMessages || a.bytes >= spoolBatchBytes
}

// flush appends the batch, waiting while the spool is full or failing:
// meanwhile the queue fills, UDP datagrams are counted as dropped and
// stream senders wait. After Close it gives up at the drain deadline.
func (a *spoolAppender) flush() {
	if len(a.items) == 0 {
		return
	}
	p := a.p
	var ends []spool.Pos
	if a.waiting {
		a.ends = append(a.ends[:0], make([]spool.Pos, len(a.recs))...)
		ends = a.ends
	}
	backoff := time.Millisecond
	for {
		err := a.append(ends)
		if err == nil {
			break
		}
		a.failed(err)
		if p.drainOver() {
			p.giveUp(a.items, err)
			a.reset()
			return
		}
		select {
		case <-p.spoolRoom:
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, spoolRetryMax)
	}
	if !a.failing.IsZero() {
		p.logger().Info("spool: appending again", "waited", time.Since(a.failing).Round(time.Millisecond))
		a.failing = time.Time{}
	}
	var n int64
	for i := range a.items {
		n += a.items[i].size()
	}
	p.bytes.release(n)
	a.reset()
}

// append appends the batch once. The waiting senders are listed before
// spoolOut can look for them: it may read the records as soon as they are
// written, and waiters.take waits for the lock held here.
func (a *spoolAppender) append(ends []spool.Pos) error {
	if !a.waiting {
		return a.p.cfg.Spool.Append(a.recs, nil)
	}
	w := &a.p.waiters
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := a.p.cfg.Spool.Append(a.recs, ends); err != nil {
		return err
	}
	for i := range a.items {
		if f := a.items[i].committed; f != nil {
			w.list = append(w.list, waiter{ends[i], f})
		}
	}
	return nil
}

func (a *spoolAppender) failed(err error) {
	if !a.failing.IsZero() {
		return
	}
	a.failing = time.Now()
	msg := "spool: cannot append; UDP datagrams are counted as dropped and stream senders wait while the queue is full"
	if errors.Is(err, spool.ErrFull) {
		msg = "spool full (spool.max_size_mb); UDP datagrams are counted as dropped and stream senders wait while the queue is full"
	}
	a.p.logger().Warn(msg, "error", err)
}

func (a *spoolAppender) reset() {
	clear(a.items)
	clear(a.recs)
	a.items, a.recs, a.bytes, a.waiting = a.items[:0], a.recs[:0], 0, false
}

// giveUp counts items that could be neither spooled nor stored before the
// drain deadline as lost.
func (p *Pipeline) giveUp(items []item, err error) {
	var n int64
	for i := range items {
		items[i].in.lost.Add(1)
		n += items[i].size()
		if f := items[i].committed; f != nil {
			f(fmt.Errorf("not stored: %w", err))
		}
	}
	p.bytes.release(n)
	p.logger().Error("spool: gave up messages that could not be spooled before the stop timeout", "messages", len(items), "error", err)
}

// drainOver reports whether Close was called and SpoolDrain has passed
// since.
func (p *Pipeline) drainOver() bool {
	select {
	case <-p.drainEnd:
		return true
	default:
		return false
	}
}

// spoolOut reads the spool back, in order, and hands each message to the
// batcher, until spoolIn has returned and everything appended is read, or
// the drain deadline passes after Close: the rest stays in the spool.
func (p *Pipeline) spoolOut(out chan<- spooled) {
	defer close(out)
	r := p.cfg.Spool.Reader()
	defer r.Close()
	inDone := p.spoolInDone
	backoff := 10 * time.Millisecond
	for {
		rec, end, ok, err := r.Next()
		switch {
		case err != nil:
			p.logger().Error("spool: read", "error", err)
			select {
			case <-time.After(backoff):
				backoff = min(backoff*2, time.Second)
			case <-p.drainEnd:
				return
			}
		case ok:
			s := spooled{item: p.itemOf(rec), end: end}
			s.committed = p.waiters.take(end)
			if err := p.held.take(p.drainCtx, s.size()); err != nil {
				return // the drain deadline passed: it stays in the spool
			}
			select {
			case out <- s:
			case <-p.drainEnd:
				p.held.release(s.size())
				return
			}
		case inDone == nil:
			return // everything appended is read
		default:
			select {
			case <-r.Ready():
			case <-inDone:
				inDone = nil // read once more: the last append may be unread
			case <-p.drainEnd:
				return
			}
		}
	}
}

// itemOf is the queue's item of a spooled record.
func (p *Pipeline) itemOf(r spool.Record) item {
	return item{data: r.Data, from: r.From, at: r.At, in: p.input(r.Transport, r.Stream)}
}

// ack tells the spool that the records of b, stored, are committed, and
// wakes spoolIn if it waits for room.
func (p *Pipeline) ack(b []record) {
	last := &b[len(b)-1]
	if last.end == (spool.Pos{}) {
		return
	}
	if err := p.cfg.Spool.Ack(last.end, int64(len(b)), last.ReceivedAt.UnixNano()); err != nil {
		p.logger().Error("spool: acknowledge stored messages; they will be stored again at the next start", "error", err)
	}
	select {
	case p.spoolRoom <- struct{}{}:
	default:
	}
}

// logSpoolLeft says, once everything is written, what stays in the spool
// for the next start.
func (p *Pipeline) logSpoolLeft() {
	st := p.cfg.Spool.Stats()
	if st.Messages == 0 {
		p.logger().Info("spool: every spooled message is stored")
		return
	}
	p.logger().Warn("spool: messages left in the spool for the next start", "messages", st.Messages,
		"oldest", st.Oldest.Format(time.RFC3339Nano), "bytes", st.Bytes)
}
