package ingest

import (
	"context"
	"fmt"
	"net/netip"
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
}

// item is a Received as it waits in the queue: the time as Unix nanoseconds
// and the Input it came through, to count it when it is stored.
type item struct {
	data []byte
	from netip.AddrPort
	at   int64
	in   *Input
}

// Input is one transport's way into a Pipeline, with that transport's
// counters. It is safe for concurrent use by the goroutines of a receiver.
type Input struct {
	name string
	p    *Pipeline

	received, stored, dropped, malformed, lost counter
}

// Name returns the transport's name, as the counters are labelled.
func (in *Input) Name() string { return in.name }

// Offer queues r if there is room and reports whether it did; when the
// queue is full, r is counted as dropped. It never waits: for UDP, whose
// senders cannot be slowed down, reading on is worth more than waiting.
func (in *Input) Offer(r Received) bool {
	in.received.Add(1)
	select {
	case in.p.queue <- in.item(r):
		return true
	default:
		in.dropped.Add(1)
		return false
	}
}

// Submit queues r, waiting while the queue is full, and returns nil; or,
// when ctx ends first, counts r as dropped and returns an error. Stream
// transports use it: a reader waiting here stops reading its connection, so
// the sender is slowed down instead of losing messages.
func (in *Input) Submit(ctx context.Context, r Received) error {
	in.received.Add(1)
	it := in.item(r)
	select {
	case in.p.queue <- it: // the common case, without looking at ctx
		return nil
	default:
	}
	select {
	case in.p.queue <- it:
		return nil
	case <-ctx.Done():
		in.dropped.Add(1)
		return fmt.Errorf("queue %s message: %w", in.name, context.Cause(ctx))
	}
}

func (in *Input) item(r Received) item {
	return item{data: r.Data, from: r.From, at: r.At.UnixNano(), in: in}
}
