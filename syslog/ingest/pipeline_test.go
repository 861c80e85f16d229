package ingest_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aiosyslogd/aiosyslogd/syslog/ingest"
)

// memStore keeps batches in memory; while block is set, every Write waits
// until it is closed.
type memStore struct {
	mu      sync.Mutex
	batches [][]ingest.Record
	block   chan struct{}
	fail    atomic.Int32 // fail this many writes first
	writing atomic.Int32 // Writes started
}

func (m *memStore) Write(ctx context.Context, b []ingest.Record) error {
	m.writing.Add(1)
	if m.block != nil {
		<-m.block
	}
	if m.fail.Load() > 0 {
		m.fail.Add(-1)
		return errors.New("disk on fire")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.batches = append(m.batches, slices.Clone(b))
	return nil
}

func (m *memStore) texts() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var all []string
	for _, b := range m.batches {
		for _, r := range b {
			all = append(all, r.Message.Text)
		}
	}
	return all
}

// waitFor polls cond until it holds, failing the test after 20 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func msg(text string) ingest.Received {
	return ingest.Received{Data: []byte("<13>" + text), At: time.Now()}
}

func TestPipelineWritesAtBatchSize(t *testing.T) {
	store := &memStore{}
	p := ingest.New(ingest.Config{Store: store, BatchSize: 3, BatchTimeout: time.Hour})
	in := p.Input("udp")
	for _, s := range []string{"a", "b", "c", "d"} {
		in.Offer(msg(s))
	}
	waitFor(t, "the first batch", func() bool { return len(store.texts()) >= 3 })
	if got := store.texts(); !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Errorf("before Close stored %q, want one batch of a, b, c", got)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if got := store.texts(); !slices.Equal(got, []string{"a", "b", "c", "d"}) {
		t.Errorf("after Close stored %q, want the pending d written too", got)
	}
	if st := p.Stats(); st.Received != 4 || st.Stored != 4 || st.Batches != 2 {
		t.Errorf("stats = %+v", st)
	}
}

func TestPipelineWritesAtBatchTimeout(t *testing.T) {
	store := &memStore{}
	p := ingest.New(ingest.Config{Store: store, BatchSize: 1000, BatchTimeout: 20 * time.Millisecond})
	defer p.Close()
	p.Input("udp").Offer(msg("only one"))
	waitFor(t, "the timeout flush", func() bool { return len(store.texts()) == 1 })
	if got := store.texts()[0]; got != "only one" {
		t.Errorf("text = %q", got)
	}
}

// Offer never waits: with the writer stuck, what does not fit in the queue
// is counted as dropped, on its own transport only.
func TestOfferCountsDropsWhenQueueIsFull(t *testing.T) {
	store := &memStore{block: make(chan struct{})}
	p := ingest.New(ingest.Config{Store: store, BatchSize: 1, BatchTimeout: time.Hour, QueueSize: 2})
	udp, tcp := p.Input("udp"), p.Input("tcp")
	tcp.Offer(msg("tcp one"))
	waitFor(t, "the writer to hold a batch", func() bool { return store.writing.Load() == 1 })
	// The writer holds one batch, the channel to it one more, the batcher a
	// third that it waits to hand over, and the queue two: the rest must be
	// dropped. (How many the batcher has taken by then is up to timing.)
	accepted := 0
	for i := range 50 {
		if udp.Offer(msg(fmt.Sprintf("m%d", i))) {
			accepted++
		}
	}
	st := p.Stats()
	if got := st.Transports[0]; got.Transport != "udp" || got.Received != 50 || got.Dropped != uint64(50-accepted) {
		t.Errorf("udp counters = %+v, want 50 received and %d dropped", got, 50-accepted)
	}
	if accepted < 2 || accepted > 4 {
		t.Errorf("accepted %d of 50 with a queue of 2 and a busy writer, want 2 to 4", accepted)
	}
	if got := st.Transports[1]; got.Transport != "tcp" || got.Dropped != 0 {
		t.Errorf("tcp counters = %+v, want no drops", got)
	}
	close(store.block)
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	st = p.Stats()
	if got := uint64(len(store.texts())); got != st.Stored || st.Stored+st.Dropped != 51 {
		t.Errorf("stored %d + dropped %d != 51 received (stats %+v)", got, st.Dropped, st)
	}
}

// Submit waits while the queue is full and goes on once the writer catches
// up: nothing is dropped, and order is kept.
func TestSubmitWaitsForRoom(t *testing.T) {
	store := &memStore{block: make(chan struct{})}
	p := ingest.New(ingest.Config{Store: store, BatchSize: 1, BatchTimeout: time.Hour, QueueSize: 2})
	in := p.Input("tcp")
	const total = 20
	var submitted atomic.Int32
	errc := make(chan error, 1)
	go func() {
		for i := range total {
			if err := in.Submit(context.Background(), msg(fmt.Sprintf("m%02d", i))); err != nil {
				errc <- err
				return
			}
			submitted.Add(1)
		}
		errc <- nil
	}()
	// The writer holds m00, the channel to it m01, the batcher m02, the
	// queue m03 and m04: the sixth Submit must wait.
	waitFor(t, "the queue to fill", func() bool { return p.Stats().Queued == 2 && submitted.Load() == 5 })
	select {
	case err := <-errc:
		t.Fatalf("all Submits returned (%v) while the writer was stuck", err)
	default:
	}
	if got := submitted.Load(); got != 5 {
		t.Errorf("%d Submits returned while the queue was full, want 5", got)
	}
	close(store.block) // the writer catches up
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	var want []string
	for i := range total {
		want = append(want, fmt.Sprintf("m%02d", i))
	}
	if got := store.texts(); !slices.Equal(got, want) {
		t.Errorf("stored %q, want every message in order", got)
	}
	if st := p.Stats(); st.Dropped != 0 || st.Stored != total {
		t.Errorf("stats = %+v, want %d stored, none dropped", st, total)
	}
}

// A Submit waiting for room gives up when its context ends, and counts the
// message as dropped.
func TestSubmitGivesUpWithItsContext(t *testing.T) {
	store := &memStore{block: make(chan struct{})}
	p := ingest.New(ingest.Config{Store: store, BatchSize: 1, BatchTimeout: time.Hour, QueueSize: 1})
	in := p.Input("tcp")
	in.Submit(context.Background(), msg("held by the writer"))
	waitFor(t, "the writer to hold a batch", func() bool { return store.writing.Load() == 1 })
	for _, s := range []string{"waiting for the writer", "held by the batcher", "in the queue"} {
		in.Submit(context.Background(), msg(s))
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- in.Submit(ctx, msg("waiting")) }()
	waitFor(t, "the fifth message to wait", func() bool { st := p.Stats(); return st.Received == 5 && st.Queued == 1 })
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Errorf("Submit after cancel = %v, want context.Canceled", err)
	}
	close(store.block)
	p.Close()
	if st := p.Stats(); st.Dropped != 1 || st.Stored != 4 {
		t.Errorf("stats = %+v, want 4 stored and the waiting one dropped", st)
	}
}

func TestPipelineRetriesFailingStoreAndKeepsTheBatch(t *testing.T) {
	store := &memStore{}
	store.fail.Store(2)
	p := ingest.New(ingest.Config{Store: store, BatchSize: 2, BatchTimeout: time.Hour})
	in := p.Input("udp")
	in.Offer(msg("kept one"))
	in.Offer(msg("kept two"))
	waitFor(t, "the retried batch", func() bool { return len(store.texts()) == 2 })
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if st := p.Stats(); st.Lost != 0 || st.Stored != 2 || store.writing.Load() != 3 {
		t.Errorf("stats = %+v after %d writes, want 2 stored after 3 writes", st, store.writing.Load())
	}
}

func TestPipelineGivesUpAfterShutdownRetry(t *testing.T) {
	store := &memStore{}
	store.fail.Store(1 << 30)
	p := ingest.New(ingest.Config{Store: store, BatchSize: 10, BatchTimeout: time.Hour, ShutdownRetry: 200 * time.Millisecond})
	p.Input("udp").Offer(msg("doomed"))
	err := p.Close()
	if err == nil || !strings.Contains(err.Error(), "1 messages could not be stored") {
		t.Errorf("Close = %v, want the count of lost messages", err)
	}
	if st := p.Stats(); st.Lost != 1 || st.Transports[0].Lost != 1 {
		t.Errorf("stats = %+v, want 1 lost", st)
	}
}

func TestPipelineDumpsRFC5424Lines(t *testing.T) {
	var dump syncWriter
	p := ingest.New(ingest.Config{BatchSize: 1, BatchTimeout: time.Hour, Dump: &dump})
	p.Input("udp").Offer(ingest.Received{Data: []byte("<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 - An application event")})
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	want := "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 - An application event\n"
	if got := dump.String(); got != want {
		t.Errorf("dump = %q, want %q", got, want)
	}
	if st := p.Stats(); st.Stored != 1 {
		t.Errorf("without a store, stored = %d, want 1 (counted as handled)", st.Stored)
	}
}

// The stats line and the final one give the totals and each transport's
// counters.
func TestPipelineLogsCountersPerTransport(t *testing.T) {
	var logs syncWriter
	p := ingest.New(ingest.Config{Store: &memStore{}, BatchSize: 1, BatchTimeout: time.Hour,
		StatsInterval: 10 * time.Millisecond, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	p.Input("udp").Offer(msg("one"))
	p.Input("tcp").Offer(msg("two"))
	p.Input("tcp").Offer(ingest.Received{Data: []byte("<999>malformed")})
	waitFor(t, "a stats line", func() bool { return strings.Contains(logs.String(), "msg=stats") })
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	line := logs.String()[strings.Index(logs.String(), "msg=stopped"):]
	for _, field := range []string{"received=3 stored=3 dropped=0 malformed=1", "udp.received=1 udp.stored=1", "tcp.received=2 tcp.stored=2 tcp.dropped=0 tcp.malformed=1"} {
		if !strings.Contains(line, field) {
			t.Errorf("stopped line lacks %s: %s", field, line)
		}
	}
}

type syncWriter struct {
	mu sync.Mutex
	b  strings.Builder
}

func (w *syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *syncWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}
