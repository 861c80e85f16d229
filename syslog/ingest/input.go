package ingest

import (
	"context"
	"fmt"
	"net/netip"
	"sync/atomic"
	"time"
)

// Received is one message as a receiver read it.
type Received struct {
	// Data is the message's bytes: a datagram, or one frame of a stream.
	// The pipeline keeps it (it is not copied): the receiver must not
	// reuse it afterwards.
	Data []byte
	From netip.AddrPort // the sender
	At   time.Time      // when it arrived
	// Committed, when set, is called once the message's batch has been
	// stored (with nil) or given up (with the store's error), as a receiver
	// that acknowledges messages needs (RELP). It is called from the
	// pipeline's writer, so it must return at once: hand the result to
	// another goroutine. It is not called for a message that Offer or
	// Submit did not queue. A batch that holds a message with Committed is
	// written as soon as the queue runs dry, not after BatchTimeout: its
	// sender is waiting.
	Committed func(error)
}

// item is a Received as it waits in the queue: the time as Unix nanoseconds
// and the Input it came through, to count it when it is stored.
type item struct {
	data      []byte
	from      netip.AddrPort
	at        int64
	in        *Input
	committed func(error)
}

// Input is one transport's way into a Pipeline, with that transport's
// counters. It is safe for concurrent use by the goroutines of a receiver.
type Input struct {
	name   string
	p      *Pipeline
	stream bool // made by StreamInput: its stats count connections too

	received, stored, dropped, malformed, lost counter
	conns                                      Conns
}

// Conns counts the connections of a stream transport and what its
// receiver did to them. Its methods are safe for concurrent use.
type Conns struct {
	open                                   atomic.Int64
	refused, timeouts, broken, cut, resets counter
}

// Opened counts a connection accepted; call Closed when it ends.
func (c *Conns) Opened() { c.open.Add(1) }

// Closed counts the end of a connection counted by Opened.
func (c *Conns) Closed() { c.open.Add(-1) }

// Refused counts a connection turned away: over the connection limit, or
// failing its TLS handshake or PROXY header.
func (c *Conns) Refused() { c.refused.Add(1) }

// TimedOut counts a connection closed for sending no complete message
// within the idle timeout.
func (c *Conns) TimedOut() { c.timeouts.Add(1) }

// Broken counts a connection closed for a protocol error (a malformed
// RELP frame).
func (c *Conns) Broken() { c.broken.Add(1) }

// Reset counts a connection the sender reset: what it had sent and the
// receiver had not read yet was discarded by the kernel, unseen.
func (c *Conns) Reset() { c.resets.Add(1) }

// Cut counts a message stored shorter than it was sent: longer than the
// size limit, or ended by the connection's end.
func (c *Conns) Cut() { c.cut.Add(1) }

// Open returns the number of connections open now.
func (c *Conns) Open() int64 { return c.open.Load() }

// Conns returns the connection counters of the transport.
func (in *Input) Conns() *Conns { return &in.conns }

// Name returns the transport's name, as the counters are labelled.
func (in *Input) Name() string { return in.name }

// Offer queues r if there is room and reports whether it did; when the
// queue is full (in messages or in bytes), r is counted as dropped. It
// never waits: for UDP, whose senders cannot be slowed down, reading on is
// worth more than waiting.
func (in *Input) Offer(r Received) bool {
	in.received.Add(1)
	it := in.item(r)
	if in.p.bytes.tryTake(it.size()) {
		select {
		case in.p.queue <- it:
			return true
		default:
			in.p.bytes.release(it.size())
		}
	}
	in.dropped.Add(1)
	return false
}

// Submit queues r, waiting while the queue is full (in messages or in
// bytes), and returns nil; or, when ctx ends first, counts r as dropped and
// returns an error. Stream transports use it: a reader waiting here stops
// reading its connection, so the sender is slowed down instead of losing
// messages.
func (in *Input) Submit(ctx context.Context, r Received) error {
	in.received.Add(1)
	it := in.item(r)
	if err := in.p.bytes.take(ctx, it.size()); err != nil {
		in.dropped.Add(1)
		return fmt.Errorf("queue %s message: wait for %d bytes of room: %w", in.name, it.size(), err)
	}
	select {
	case in.p.queue <- it: // the common case, without looking at ctx
		return nil
	default:
	}
	select {
	case in.p.queue <- it:
		return nil
	case <-ctx.Done():
		in.p.bytes.release(it.size())
		in.dropped.Add(1)
		return fmt.Errorf("queue %s message: %w", in.name, context.Cause(ctx))
	}
}

func (in *Input) item(r Received) item {
	return item{data: r.Data, from: r.From, at: r.At.UnixNano(), in: in, committed: r.Committed}
}
