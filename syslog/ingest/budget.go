package ingest

import (
	"context"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/aiosyslogd/aiosyslogd/syslog"
)

// budget bounds the bytes of the messages the pipeline holds, from the
// moment a receiver hands one over until the writer has stored its batch
// (or given it up): the queue, the batch being filled, the batch waiting
// for the writer and the batch being written. A message is charged before
// it is queued and released once its batch leaves the writer, so the bound
// holds for everything received but not stored, not for the queue alone.
//
// One message is always let in when nothing is held, however large, so
// that a message larger than the limit does not wait for ever. Parsing
// changes a message's charge without waiting: a record's header is larger
// than a queue slot (by 160 bytes, for the few thousand records of the
// batches in hand), a malformed message's raw bytes are kept beside its
// parsed text, structured data takes more than its text. The bytes held may
// pass the limit by that much until stores release them.
type budget struct {
	max  int64 // bytes; 0 = no limit
	used atomic.Int64
	// waiting counts the goroutines in take; release wakes them only then,
	// so that the common case costs one atomic load.
	waiting atomic.Int32
	mu      sync.Mutex
	room    chan struct{} // closed, and replaced, when bytes are released to waiters
}

func newBudget(max int64) *budget {
	return &budget{max: max, room: make(chan struct{})}
}

// tryTake charges n bytes if they fit and reports whether it did.
func (b *budget) tryTake(n int64) bool {
	for {
		u := b.used.Load()
		if b.max > 0 && u > 0 && u+n > b.max {
			return false
		}
		if b.used.CompareAndSwap(u, u+n) {
			return true
		}
	}
}

// take charges n bytes, waiting until they fit or ctx ends.
func (b *budget) take(ctx context.Context, n int64) error {
	if b.tryTake(n) {
		return nil
	}
	b.waiting.Add(1)
	defer b.waiting.Add(-1)
	for {
		// The channel is taken before trying again: a release after the
		// try closes this very channel.
		b.mu.Lock()
		room := b.room
		b.mu.Unlock()
		if b.tryTake(n) {
			return nil
		}
		select {
		case <-room:
		case <-ctx.Done():
			return context.Cause(ctx)
		}
	}
}

// adjust changes the charge of a message already held by n bytes (n may be
// negative): a parsed message holds other bytes than its datagram. It never
// waits.
func (b *budget) adjust(n int64) {
	if n < 0 {
		b.release(-n)
		return
	}
	b.used.Add(n)
}

// release gives n bytes back and wakes the goroutines waiting in take.
func (b *budget) release(n int64) {
	b.used.Add(-n)
	if b.waiting.Load() == 0 {
		return
	}
	b.mu.Lock()
	close(b.room)
	b.room = make(chan struct{})
	b.mu.Unlock()
}

// Bytes held for each message besides its text: the queue's item, or the
// batch's record, which the charge includes so that a flood of tiny
// messages is bounded too.
var (
	itemOverhead   = int64(unsafe.Sizeof(item{}))
	recordOverhead = int64(unsafe.Sizeof(record{}))
	sizeofSD       = int64(unsafe.Sizeof(syslog.SDElement{}))
	sizeofParam    = int64(unsafe.Sizeof(syslog.SDParam{}))
)

// size is what a queued message is charged: its buffer and its queue slot.
// It is computed, not kept, so that the slots, allocated for the whole
// queue at start, stay small.
func (it *item) size() int64 { return int64(cap(it.data)) + itemOverhead }

// QueueSlotBytes is what each of Config.QueueSize's slots takes from the
// start, whether it holds a message or not.
const QueueSlotBytes = int(unsafe.Sizeof(item{}))

// recordSize is what a parsed message is charged: the parser's copy of the
// n bytes it parsed (every header field and the text are parts of it), its
// raw bytes when kept, its structured data (the values counted again, as
// unescaping copies them) and its record.
func recordSize(r *record, n int) int64 {
	size := int64(n + cap(r.Raw))
	for _, e := range r.Message.StructuredData {
		size += sizeofSD
		for _, p := range e.Params {
			size += int64(len(p.Value)) + sizeofParam
		}
	}
	return size + recordOverhead
}
