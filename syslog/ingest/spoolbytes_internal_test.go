package ingest

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/internal/testwait"
	"github.com/aiosyslogd/aiosyslogd/syslog/ingest/spool"
)

// batchBytes is a store that keeps the bytes of each batch's texts; while
// block is open, every Write waits until it is closed.
type batchBytes struct {
	block chan struct{}
	mu    sync.Mutex
	sizes []int // the text bytes of each stored batch
	rows  int
}

func (s *batchBytes) Write(ctx context.Context, b []search.Row) error {
	<-s.block
	n := 0
	for i := range b {
		n += len(b[i].Message.Text)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sizes = append(s.sizes, n)
	s.rows += len(b)
	return nil
}

func (s *batchBytes) stored() ([]int, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]int(nil), s.sizes...), s.rows
}

// With a spool, 64 KB messages and a store that lags, memory holds at most
// half of QueueBytes (a quarter waiting to be appended, a quarter read
// back), however long the backlog on disk, and each batch holds at most a
// sixteenth of QueueBytes (and one message), whatever BatchSize says:
// the rest of QueueBytes is the collector's room (serve's memoryLimit).
// Before, each side had half, and a batch an eighth: twice as much of
// every message in memory.
func TestSpoolHoldsHalfTheQueueBytes(t *testing.T) {
	const queueBytes, size, messages = 4 << 20, 64000, 200
	sp, _, err := spool.Open(spool.Options{Dir: t.TempDir(), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer sp.Close()
	store := &batchBytes{block: make(chan struct{})}
	p := New(Config{Store: store, BatchSize: 1000, BatchTimeout: time.Hour, QueueBytes: queueBytes, Spool: sp,
		Logger: slog.New(slog.DiscardHandler)})
	tcp := p.StreamInput("tcp")
	text := strings.Repeat("x", size-20)
	sent := make(chan error, 1)
	go func() {
		for i := range messages {
			r := Received{Data: fmt.Appendf(nil, "<13>m%05d %s", i, text), At: time.Now()}
			if err := tcp.Submit(context.Background(), r); err != nil {
				sent <- err
				return
			}
		}
		sent <- nil
	}()
	// The store is stuck: the messages go to the spool, and what is read
	// back fills the writer's side.
	testwait.Eventually(t, 20*time.Second, func() error {
		if got := sp.Stats().Messages; got < messages {
			return fmt.Errorf("%d of %d messages spooled", got, messages)
		}
		if got := p.held.used.Load(); got < queueBytes/4-2*size {
			return fmt.Errorf("%d bytes read back from the spool, want about %d", got, queueBytes/4)
		}
		return nil
	})
	const slack = 10 * 160 // what parsing adds to the messages in hand
	if front, back := p.bytes.used.Load(), p.held.used.Load(); front > queueBytes/4 || back > queueBytes/4+slack {
		t.Errorf("held %d bytes waiting for the spool and %d read back: over a quarter of QueueBytes, %d, on either side", front, back, queueBytes/4)
	}
	if err := <-sent; err != nil {
		t.Fatal(err)
	}
	close(store.block)
	if err := p.Close(); err != nil { // stores everything, the last batch too
		t.Fatal(err)
	}
	sizes, rows := store.stored()
	if rows != messages {
		t.Fatalf("stored %d of %d messages", rows, messages)
	}
	for i, n := range sizes {
		if n > queueBytes/16+size {
			t.Errorf("batch %d of %d holds %d bytes of text, over a sixteenth of QueueBytes (%d) and one message", i, len(sizes), n, queueBytes/16)
		}
	}
	if st := p.Stats(); st.QueuedBytes != 0 || p.held.used.Load() != 0 {
		t.Errorf("after Close: %d bytes still charged in front of the spool, %d behind", st.QueuedBytes, p.held.used.Load())
	}
}
