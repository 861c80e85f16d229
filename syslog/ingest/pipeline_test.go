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

	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/internal/testwait"
	"github.com/aiosyslogd/aiosyslogd/syslog/ingest"
)

// memStore keeps batches in memory; while block is set, every Write waits
// until it is closed.
type memStore struct {
	mu      sync.Mutex
	batches [][]search.Row
	block   chan struct{}
	fail    atomic.Int32 // fail this many writes first
	writing atomic.Int32 // Writes started
}

func (m *memStore) Write(ctx context.Context, b []search.Row) error {
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

// waitFor waits until cond holds, failing the test after 20 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	eventually(t, 20*time.Second, func() error {
		if cond() {
			return nil
		}
		return fmt.Errorf("waiting for %s", what)
	})
}

// eventually is testwait's: tests wait on conditions, bounded in time.
var eventually = testwait.Eventually

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

// The dump is one line per message, RFC 5424, escaped: a message's newline
// cannot forge a log line of its own, nor invalid UTF-8 reach the terminal.
func TestPipelineDumpsRFC5424Lines(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"RFC 5424", "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 - An application event",
			"<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 - An application event\n"},
		{"a forged log line", "<13>1 - h app - - - ok\ntime=2026-12-03T00:00:00Z level=ERROR msg=\"FAKE\"",
			`<13>1 - h app - - - ok\ntime=2026-12-03T00:00:00Z level=ERROR msg="FAKE"` + "\n"},
		{"invalid UTF-8 and escapes", "<13>1 - h app - - - \xff\xfe\x1b[2J", `<13>1 - h app - - - \xff\xfe\x1b[2J` + "\n"},
		{"RFC 3164 with a CR", "<13>Oct 11 22:14:15 h app: one\rtwo", `\rtwo` + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var dump syncWriter
			p := ingest.New(ingest.Config{BatchSize: 1, BatchTimeout: time.Hour, Dump: &dump})
			p.Input("udp").Offer(ingest.Received{Data: []byte(tt.in)})
			if err := p.Close(); err != nil {
				t.Fatal(err)
			}
			if got := dump.String(); !strings.HasSuffix(got, tt.want) || strings.Count(got, "\n") != 1 {
				t.Errorf("dump = %q, want one line ending %q", got, tt.want)
			}
			if st := p.Stats(); st.Stored != 1 {
				t.Errorf("without a store, stored = %d, want 1 (counted as handled)", st.Stored)
			}
		})
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

// syncWriter is output a test reads while it is written.
type syncWriter = testwait.Log

// committedLog collects the results handed to Received.Committed.
type committedLog struct {
	mu      sync.Mutex
	results []error
}

func (c *committedLog) callback() func(error) {
	return func(err error) {
		c.mu.Lock()
		defer c.mu.Unlock()
		c.results = append(c.results, err)
	}
}

func (c *committedLog) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.results)
}

func (c *committedLog) errs() []error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.results)
}

// Committed is called only once the batch holding the message is stored,
// and with nil.
func TestCommittedIsCalledAfterTheStoreReturns(t *testing.T) {
	store := &memStore{block: make(chan struct{})}
	p := ingest.New(ingest.Config{Store: store, BatchSize: 10, BatchTimeout: time.Hour})
	var acks committedLog
	r := msg("acknowledged")
	r.Committed = acks.callback()
	if err := p.StreamInput("relp").Submit(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the writer to hold the batch", func() bool { return store.writing.Load() == 1 })
	if n := acks.count(); n != 0 {
		t.Errorf("Committed called %d times while the store was still writing", n)
	}
	close(store.block)
	waitFor(t, "the acknowledgement", func() bool { return acks.count() == 1 })
	if err := acks.errs()[0]; err != nil {
		t.Errorf("Committed(%v), want nil", err)
	}
	if got := store.texts(); !slices.Equal(got, []string{"acknowledged"}) {
		t.Errorf("stored %q", got)
	}
	p.Close()
}

// A batch holding a message whose sender waits is written when the queue
// runs dry, not BatchTimeout later; a batch without one waits.
func TestAwaitedBatchIsWrittenWhenTheQueueRunsDry(t *testing.T) {
	store := &memStore{}
	p := ingest.New(ingest.Config{Store: store, BatchSize: 1000, BatchTimeout: time.Hour})
	defer p.Close()
	in := p.StreamInput("relp")
	in.Offer(msg("nobody waits"))
	waitFor(t, "the batcher to take it", func() bool { return p.Stats().Queued == 0 })
	if got := store.texts(); len(got) != 0 {
		t.Errorf("stored %q at once without anyone waiting, want it pending until the batch timeout", got)
	}
	var acks committedLog
	r := msg("someone waits")
	r.Committed = acks.callback()
	in.Submit(context.Background(), r)
	waitFor(t, "the acknowledgement", func() bool { return acks.count() == 1 })
	if got := store.texts(); !slices.Equal(got, []string{"nobody waits", "someone waits"}) {
		t.Errorf("stored %q, want both in the batch", got)
	}
	if st := p.Stats(); st.Batches != 1 {
		t.Errorf("%d batches, want 1", st.Batches)
	}
}

// Under load, awaited messages still fill batches: the queue is not empty
// while the writer is busy.
func TestAwaitedMessagesStillFillBatchesUnderLoad(t *testing.T) {
	store := &memStore{block: make(chan struct{})}
	p := ingest.New(ingest.Config{Store: store, BatchSize: 1000, BatchTimeout: time.Hour})
	in := p.StreamInput("relp")
	var acks committedLog
	const total = 3000
	for i := range total {
		r := msg(fmt.Sprintf("m%d", i))
		r.Committed = acks.callback()
		in.Submit(context.Background(), r)
	}
	close(store.block)
	waitFor(t, "every acknowledgement", func() bool { return acks.count() == total })
	// While the writer is stuck, the batcher may catch up with the sender
	// and hand over small batches: one to the writer, one to the channel
	// to it, one it waits to hand over. The rest come in full batches of
	// 1000: 3 + 3 = 6 at most, where one batch per message would be 3000.
	if st := p.Stats(); st.Batches > 6 {
		t.Errorf("%d batches for %d messages, want full batches (at most 6)", st.Batches, total)
	}
	p.Close()
}

// A batch given up at shutdown tells its waiting senders so.
func TestCommittedGetsTheErrorWhenTheBatchIsGivenUp(t *testing.T) {
	store := &memStore{}
	store.fail.Store(1 << 30)
	p := ingest.New(ingest.Config{Store: store, BatchSize: 10, BatchTimeout: time.Hour, ShutdownRetry: 100 * time.Millisecond})
	var acks committedLog
	r := msg("doomed")
	r.Committed = acks.callback()
	p.StreamInput("relp").Submit(context.Background(), r)
	p.Close()
	errs := acks.errs()
	if len(errs) != 1 || errs[0] == nil || !strings.Contains(errs[0].Error(), "disk on fire") {
		t.Errorf("Committed got %v, want one error naming the store's failure", errs)
	}
}

// A stream transport's stats line also gives its connection counters.
func TestStreamInputLogsConnectionCounters(t *testing.T) {
	var logs syncWriter
	p := ingest.New(ingest.Config{Store: &memStore{}, BatchSize: 1, BatchTimeout: time.Hour,
		Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	udp, tcp := p.Input("udp"), p.StreamInput("tcp")
	udp.Offer(msg("datagram"))
	c := tcp.Conns()
	c.Opened()
	c.Opened()
	c.Closed()
	c.Refused()
	c.TimedOut()
	c.Broken()
	c.Cut()
	c.Reset()
	tcp.Offer(msg("stream"))
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	line := logs.String()[strings.Index(logs.String(), "msg=stopped"):]
	want := "tcp.received=1 tcp.stored=1 tcp.dropped=0 tcp.malformed=0 tcp.open=1 tcp.refused=1 tcp.timeouts=1 tcp.broken=1 tcp.cut=1 tcp.resets=1"
	if !strings.Contains(line, want) {
		t.Errorf("stopped line lacks %s: %s", want, line)
	}
	if strings.Contains(line, "udp.open") {
		t.Errorf("a datagram transport has connection counters: %s", line)
	}
	st := p.Stats()
	if ts := st.Transports[1]; !ts.Stream || ts.Open != 1 || ts.Cut != 1 || ts.Resets != 1 {
		t.Errorf("tcp stats = %+v", ts)
	}
}

// observed keeps the texts of the batches an Observer is told of.
type observed struct {
	mu    sync.Mutex
	texts []string
}

func (o *observed) Stored(b []search.Row) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, r := range b {
		o.texts = append(o.texts, r.Message.Text)
	}
}

func (o *observed) get() []string { o.mu.Lock(); defer o.mu.Unlock(); return slices.Clone(o.texts) }

// The Observer hears of a batch once it is stored, never before: a failing
// store's batch is observed once, after the write that succeeds.
func TestObserverIsToldOfStoredBatches(t *testing.T) {
	store := &memStore{}
	store.fail.Store(1)
	obs := &observed{}
	p := ingest.New(ingest.Config{Store: store, Observer: obs, BatchSize: 2, BatchTimeout: time.Hour})
	in := p.Input("udp")
	in.Offer(msg("one"))
	in.Offer(msg("two"))
	in.Offer(msg("three"))
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if got, want := obs.get(), store.texts(); !slices.Equal(got, want) || len(got) != 3 {
		t.Errorf("observed %q, stored %q: want the three stored, each once", got, want)
	}
}
