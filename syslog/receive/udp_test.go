package receive_test

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

	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/syslog/ingest"
	"github.com/aiosyslogd/aiosyslogd/syslog/receive"
)

// memStore keeps what the pipeline writes.
type memStore struct {
	mu      sync.Mutex
	records []search.Row
}

func (m *memStore) Write(_ context.Context, b []search.Row) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.records = append(m.records, b...)
	return nil
}

func (m *memStore) all() []search.Row {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.records)
}

var quiet = slog.New(slog.DiscardHandler)

// serveUDP starts u on 127.0.0.1 feeding a pipeline into store, and returns
// the address and a function that stops both as serve does: the receiver
// first, then the pipeline.
func serveUDP(t *testing.T, u *receive.UDP, cfg ingest.Config) (*net.UDPAddr, func() ingest.Stats) {
	t.Helper()
	cfg.Logger = quiet
	p := ingest.New(cfg)
	u.Addr, u.Input, u.Logger = "127.0.0.1:0", p.Input("udp"), quiet
	conn, err := u.Listen()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- u.Serve(ctx, conn) }()
	var once sync.Once
	stop := func() ingest.Stats {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("Serve: %v", err)
			}
			if err := p.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
		})
		return p.Stats()
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

// Datagrams already in the kernel's buffer when the context ends are still
// read and stored: stopping drains the socket.
func TestUDPDrainsTheSocketWhenStopped(t *testing.T) {
	store := &memStore{}
	addr, stop := serveUDP(t, &receive.UDP{}, ingest.Config{Store: store, BatchSize: 100, BatchTimeout: time.Hour})
	const n = 500
	for i := range n {
		send(t, addr, fmt.Sprintf("<13>drained %d", i))
	}
	st := stop()
	if got := len(store.all()); got != n || st.Received != n || st.Stored != n {
		t.Errorf("stored %d, stats %+v; want all %d sent before the stop", got, st, n)
	}
}

// Each datagram is stamped with the receiver's clock and its sender, so a
// batch may straddle a month boundary.
func TestUDPStampsEachDatagram(t *testing.T) {
	store := &memStore{}
	end := time.Date(2026, 11, 30, 23, 59, 59, 0, time.UTC)
	var tick atomic.Int64
	u := &receive.UDP{Now: func() time.Time { return end.Add(time.Duration(tick.Add(1)-2) * 500 * time.Millisecond) }}
	addr, stop := serveUDP(t, u, ingest.Config{Store: store, BatchSize: 4, BatchTimeout: time.Hour})
	send(t, addr, "<13>a", "<13>b", "<13>c", "<13>d")
	stop()
	var months []time.Month
	for _, r := range store.all() {
		months = append(months, r.ReceivedAt.UTC().Month())
		if !r.Source.Addr().IsLoopback() || r.Source.Port() == 0 {
			t.Errorf("source = %v, want the loopback sender", r.Source)
		}
	}
	if !slices.Equal(months, []time.Month{11, 11, 11, 12}) {
		t.Errorf("months of ReceivedAt = %v, want Nov, Nov, Nov, Dec", months)
	}
}

// Several datagrams are read per system call: each keeps its own bytes and
// sender (the buffers they were read into are reused).
func TestUDPBatchKeepsEachDatagram(t *testing.T) {
	store := &memStore{}
	p := ingest.New(ingest.Config{Store: store, BatchSize: 1000, BatchTimeout: time.Hour, Logger: quiet})
	u := &receive.UDP{Addr: "127.0.0.1:0", Input: p.Input("udp"), Logger: quiet}
	conn, err := u.Listen()
	if err != nil {
		t.Fatal(err)
	}
	addr := conn.LocalAddr().(*net.UDPAddr)
	senders := []*net.UDPConn{dialFrom(t, addr), dialFrom(t, addr)}
	var want []string
	for i := range 100 { // in the buffer before the reader starts: read in batches
		c := senders[i%2]
		want = append(want, fmt.Sprintf("%s %d %s", c.LocalAddr(), i, strings.Repeat("x", i)))
		if _, err := c.Write([]byte("<13>" + want[i])); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- u.Serve(ctx, conn) }()
	cancel() // Serve drains what the socket holds, then returns
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	p.Close()
	var got []string
	for _, r := range store.all() {
		if !strings.HasPrefix(r.Message.Text, r.Source.String()+" ") {
			t.Errorf("%q came from %v", r.Message.Text, r.Source)
		}
		got = append(got, r.Message.Text)
	}
	if !slices.Equal(got, want) {
		t.Errorf("stored %q,\nwant %q", got, want)
	}
}

// dialFrom is a UDP socket sending to addr.
func dialFrom(t *testing.T, addr *net.UDPAddr) *net.UDPConn {
	t.Helper()
	c, err := net.DialUDP("udp", nil, addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}
