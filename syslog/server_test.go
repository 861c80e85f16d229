package syslog_test

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aiosyslogd/aiosyslogd/syslog"
)

// memStore keeps batches in memory; block, when set, holds every Write until
// it is closed.
type memStore struct {
	mu      sync.Mutex
	batches [][]syslog.Record
	block   chan struct{}
	fail    atomic.Int32 // fail this many writes first
}

func (m *memStore) Write(ctx context.Context, b []syslog.Record) error {
	if m.block != nil {
		<-m.block
	}
	if m.fail.Load() > 0 {
		m.fail.Add(-1)
		return fmt.Errorf("disk on fire")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.batches = append(m.batches, slices.Clone(b))
	return nil
}

func (m *memStore) records() []syslog.Record {
	m.mu.Lock()
	defer m.mu.Unlock()
	var all []syslog.Record
	for _, b := range m.batches {
		all = append(all, b...)
	}
	return all
}

// serve starts srv on 127.0.0.1 and returns its address and a stop function
// that cancels it and waits for Serve to return.
func serve(t *testing.T, srv *syslog.Server) (*net.UDPAddr, func() error) {
	t.Helper()
	srv.Addr = "127.0.0.1:0"
	conn, err := srv.Listen()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ctx, conn) }()
	var once sync.Once
	var serveErr error
	stop := func() error {
		once.Do(func() {
			cancel()
			select {
			case serveErr = <-errc:
			case <-time.After(60 * time.Second):
				serveErr = fmt.Errorf("Serve did not return within 60s of cancel")
			}
		})
		return serveErr
	}
	t.Cleanup(func() { stop() })
	return conn.LocalAddr().(*net.UDPAddr), stop
}

func send(t *testing.T, addr *net.UDPAddr, msgs ...string) {
	t.Helper()
	c, err := net.DialUDP("udp", nil, addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, m := range msgs {
		if _, err := c.Write([]byte(m)); err != nil {
			t.Fatal(err)
		}
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestServerFlushesAtBatchSize(t *testing.T) {
	store := &memStore{}
	srv := &syslog.Server{Store: store, BatchSize: 3, BatchTimeout: time.Hour}
	addr, stop := serve(t, srv)
	send(t, addr, "<13>a", "<13>b", "<13>c", "<13>d")
	waitFor(t, "the first batch", func() bool { return len(store.records()) >= 3 })
	if got := len(store.records()); got != 3 {
		t.Errorf("stored %d before timeout, want exactly one batch of 3", got)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if got := len(store.records()); got != 4 {
		t.Errorf("after stop stored %d, want 4 (the pending one written at shutdown)", got)
	}
	if st := srv.Stats(); st.Received != 4 || st.Stored != 4 || st.Batches != 2 {
		t.Errorf("stats = %+v", st)
	}
}

func TestServerFlushesAtBatchTimeout(t *testing.T) {
	store := &memStore{}
	srv := &syslog.Server{Store: store, BatchSize: 1000, BatchTimeout: 50 * time.Millisecond}
	addr, _ := serve(t, srv)
	send(t, addr, "<13>only one")
	waitFor(t, "the timeout flush", func() bool { return len(store.records()) == 1 })
	if got := store.records()[0].Message.Text; got != "only one" {
		t.Errorf("text = %q", got)
	}
}

// A batch whose messages straddle the end of a month reaches the store with
// each record's own ReceivedAt; the clock is the server's, injected.
func TestServerStampsEachMessageWithItsOwnTime(t *testing.T) {
	store := &memStore{}
	end := time.Date(2026, 11, 30, 23, 59, 59, 0, time.UTC)
	var tick atomic.Int64
	srv := &syslog.Server{Store: store, BatchSize: 4, BatchTimeout: time.Hour,
		Now: func() time.Time { return end.Add(time.Duration(tick.Add(1)-2) * 500 * time.Millisecond) }}
	addr, stop := serve(t, srv)
	send(t, addr, "<13>a", "<13>b", "<13>c", "<13>d")
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	recs := store.records()
	if len(store.batches) != 1 || len(recs) != 4 {
		t.Fatalf("got %d batches, %d records; want one batch of 4", len(store.batches), len(recs))
	}
	var months []time.Month
	for _, r := range recs {
		months = append(months, r.ReceivedAt.UTC().Month())
	}
	if !slices.Equal(months, []time.Month{11, 11, 11, 12}) {
		t.Errorf("months of ReceivedAt = %v, want Nov, Nov, Nov, Dec", months)
	}
}

func TestServerCountsDropsWhenQueueIsFull(t *testing.T) {
	store := &memStore{block: make(chan struct{})}
	srv := &syslog.Server{Store: store, BatchSize: 1, BatchTimeout: time.Hour, QueueSize: 2}
	addr, stop := serve(t, srv)
	// The writer holds one batch, the batcher one more, the queue two: the
	// rest of 50 must be counted as dropped, not block the reader.
	for i := range 50 {
		send(t, addr, fmt.Sprintf("<13>m%d", i))
	}
	waitFor(t, "all datagrams to be read", func() bool { return srv.Stats().Received == 50 })
	st := srv.Stats()
	if st.Dropped == 0 || st.Dropped > 48 {
		t.Errorf("dropped = %d, want between 1 and 48", st.Dropped)
	}
	close(store.block)
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	st = srv.Stats()
	if got := uint64(len(store.records())); got+st.Dropped != 50 || st.Stored != got {
		t.Errorf("stored %d + dropped %d != 50 received (stats %+v)", got, st.Dropped, st)
	}
}

func TestServerRetriesFailingStoreAndKeepsTheBatch(t *testing.T) {
	store := &memStore{}
	store.fail.Store(2)
	srv := &syslog.Server{Store: store, BatchSize: 2, BatchTimeout: time.Hour}
	addr, stop := serve(t, srv)
	send(t, addr, "<13>kept one", "<13>kept two")
	waitFor(t, "the retried batch", func() bool { return len(store.records()) == 2 })
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if st := srv.Stats(); st.Lost != 0 || st.Stored != 2 {
		t.Errorf("stats = %+v, want 2 stored, none lost", st)
	}
}

func TestServerGivesUpAfterShutdownRetry(t *testing.T) {
	store := &memStore{}
	store.fail.Store(1 << 30)
	srv := &syslog.Server{Store: store, BatchSize: 10, BatchTimeout: time.Hour, ShutdownRetry: 300 * time.Millisecond}
	addr, stop := serve(t, srv)
	send(t, addr, "<13>doomed")
	waitFor(t, "the datagram", func() bool { return srv.Stats().Received == 1 })
	err := stop()
	if err == nil || !strings.Contains(err.Error(), "1 messages could not be stored") {
		t.Errorf("Serve error = %v, want the count of lost messages", err)
	}
	if st := srv.Stats(); st.Lost != 1 {
		t.Errorf("Lost = %d, want 1", st.Lost)
	}
}

func TestServerDumpsRFC5424Lines(t *testing.T) {
	var dump syncWriter
	srv := &syslog.Server{BatchSize: 1, BatchTimeout: time.Hour, Dump: &dump}
	addr, stop := serve(t, srv)
	send(t, addr, "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 - An application event")
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	want := "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 - An application event\n"
	if got := dump.String(); got != want {
		t.Errorf("dump = %q, want %q", got, want)
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

// While traffic flows the server logs its counters at StatsInterval; when
// nothing moves, it stays quiet.
func TestServerLogsStatsWhileTrafficFlows(t *testing.T) {
	var logs syncWriter
	store := &memStore{}
	srv := &syslog.Server{Store: store, BatchSize: 1, BatchTimeout: time.Hour, StatsInterval: 50 * time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(&logs, nil))}
	addr, stop := serve(t, srv)
	send(t, addr, "<13>one", "<13>two")
	waitFor(t, "a stats line", func() bool { return strings.Contains(logs.String(), "msg=stats") })
	line := logs.String()[strings.Index(logs.String(), "msg=stats"):]
	for _, field := range []string{"received=", "stored=", "dropped=0", "queue="} {
		if !strings.Contains(line, field) {
			t.Errorf("stats line lacks %s: %s", field, line)
		}
	}
	time.Sleep(300 * time.Millisecond) // idle: at most the one line after the last change
	if n := strings.Count(logs.String(), "msg=stats"); n > 2 {
		t.Errorf("%d stats lines while idle, want it quiet:\n%s", n, logs.String())
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}
