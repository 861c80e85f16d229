package receive_test

import (
	"bufio"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/internal/testwait"
	"github.com/aiosyslogd/aiosyslogd/syslog/ingest"
	"github.com/aiosyslogd/aiosyslogd/syslog/receive"
)

// streamReceiver is TCP or RELP.
type streamReceiver interface {
	Listen() (net.Listener, error)
	Serve(ctx context.Context, ln net.Listener) error
}

// served is a stream receiver running on 127.0.0.1 for a test.
type served struct {
	addr string
	p    *ingest.Pipeline
	in   *ingest.Input
	stop func() ingest.Stats // stops the receiver, then the pipeline, as serve does
}

// serveStream starts rcv (with setup filling in Addr, Input and Logger)
// feeding a pipeline with cfg.
func serveStream(t *testing.T, name string, rcv streamReceiver, setup func(in *ingest.Input), cfg ingest.Config) *served {
	t.Helper()
	return serveStreamOn(t, nil, name, rcv, setup, cfg)
}

// serveStreamOn is serveStream on listener, or on rcv's own when nil.
func serveStreamOn(t *testing.T, listener net.Listener, name string, rcv streamReceiver, setup func(in *ingest.Input), cfg ingest.Config) *served {
	t.Helper()
	cfg.Logger = quiet
	p := ingest.New(cfg)
	in := p.StreamInput(name)
	setup(in)
	ln := listener
	if ln == nil {
		var err error
		if ln, err = rcv.Listen(); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- rcv.Serve(ctx, ln) }()
	var once sync.Once
	var st ingest.Stats
	stop := func() ingest.Stats {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("Serve: %v", err)
				}
			case <-time.After(30 * time.Second):
				t.Fatal("Serve did not return within 30s of the stop")
			}
			if err := p.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
			st = p.Stats()
		})
		return st
	}
	t.Cleanup(func() { stop() })
	return &served{addr: ln.Addr().String(), p: p, in: in, stop: stop}
}

func serveTCP(t *testing.T, tcp *receive.TCP, cfg ingest.Config) *served {
	t.Helper()
	return serveStream(t, "tcp", tcp, func(in *ingest.Input) {
		tcp.Addr, tcp.Input, tcp.Logger = "127.0.0.1:0", in, quiet
	}, cfg)
}

func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func texts(rs []search.Row) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Message.Text)
	}
	return out
}

// waitUntil waits until cond holds, failing the test after within.
func waitUntil(t *testing.T, what string, within time.Duration, cond func() bool) {
	t.Helper()
	eventually(t, within, func() error {
		if cond() {
			return nil
		}
		return fmt.Errorf("waiting for %s", what)
	})
}

// eventually is testwait's: tests wait on conditions, bounded in time.
var eventually = testwait.Eventually

// Both framings on one connection, a message with LFs under octet
// counting, CR LF, and a last message without LF: every message is stored
// whole, with the sender's address.
func TestTCPMixedFramingOnOneConnection(t *testing.T) {
	store := &memStore{}
	s := serveTCP(t, &receive.TCP{}, ingest.Config{Store: store, BatchSize: 100, BatchTimeout: time.Hour})
	c := dial(t, s.addr)
	embedded := "<13>1 - h app - - - line one\nline two\nline three"
	fmt.Fprintf(c, "<13>1 - h app - - - LF framed\n%d %s<13>1 - h app - - - CR LF\r\n", len(embedded), embedded)
	fmt.Fprint(c, "12abc garbage count\n<13>1 - h app - - - last, no LF")
	c.Close()
	waitUntil(t, "5 messages", 10*time.Second, func() bool { return s.p.Stats().Received == 5 })
	st := s.stop()
	want := []string{"LF framed", "line one\nline two\nline three", "CR LF", "12abc garbage count", "last, no LF"}
	got := store.all()
	if !slices.Equal(texts(got), want) {
		t.Errorf("stored %q, want %q", texts(got), want)
	}
	for _, r := range got {
		if r.Source.String() != c.LocalAddr().String() {
			t.Errorf("source %v, want the client's %v", r.Source, c.LocalAddr())
		}
	}
	if ts := st.Transports[0]; ts.Stored != 5 || ts.Cut != 0 || ts.Open != 0 {
		t.Errorf("tcp counters %+v", ts)
	}
}

// countStore counts what it stores, keeping only the texts' count; while
// block is set, every Write waits until it is closed.
type countStore struct {
	block  chan struct{}
	stored atomic.Int64
}

func (c *countStore) Write(_ context.Context, b []search.Row) error {
	if c.block != nil {
		<-c.block
	}
	c.stored.Add(int64(len(b)))
	return nil
}

// A full queue slows the sender down, through TCP's window, instead of
// dropping: while the store is stuck the sender's writes stop going
// through; once it catches up, everything is stored and nothing dropped.
func TestTCPBackPressureSlowsTheSender(t *testing.T) {
	store := &countStore{block: make(chan struct{})}
	s := serveTCP(t, &receive.TCP{}, ingest.Config{Store: store, BatchSize: 10, BatchTimeout: 50 * time.Millisecond, QueueSize: 10})
	const size, total = 8 << 10, 4096 // 32 MiB: more than the kernel's socket buffers hold
	line := []byte("<13>" + strings.Repeat("x", size-5) + "\n")
	stream := slices.Repeat(line, total)
	c := dial(t, s.addr)
	c.SetWriteDeadline(time.Now().Add(2 * time.Second))
	n, err := c.Write(stream)
	if err == nil || n == len(stream) {
		t.Fatalf("wrote all %d bytes while the store was stuck (err %v): the sender was not slowed", n, err)
	}
	if st := s.p.Stats(); st.Dropped != 0 || st.Received >= total {
		t.Errorf("while stuck: %+v", st)
	}
	close(store.block) // the writer catches up
	c.SetWriteDeadline(time.Now().Add(60 * time.Second))
	if _, err := c.Write(stream[n:]); err != nil {
		t.Fatal(err)
	}
	c.Close()
	waitUntil(t, "every message", 60*time.Second, func() bool { return store.stored.Load() == total })
	if st := s.stop(); st.Dropped != 0 || st.Stored != total {
		t.Errorf("stats %+v, want %d stored, none dropped", st.Counts, total)
	}
}

// Beyond MaxConnections new connections are closed at once and counted;
// those open are unharmed, and once one closes a new one is served.
func TestTCPMaxConnections(t *testing.T) {
	store := &memStore{}
	s := serveTCP(t, &receive.TCP{MaxConnections: 3}, ingest.Config{Store: store, BatchSize: 1, BatchTimeout: time.Hour})
	conns := []net.Conn{dial(t, s.addr), dial(t, s.addr), dial(t, s.addr)}
	waitUntil(t, "3 open connections", 5*time.Second, func() bool { return s.in.Conns().Open() == 3 })
	for range 5 {
		extra := dial(t, s.addr)
		extra.SetReadDeadline(time.Now().Add(5 * time.Second))
		if _, err := extra.Read(make([]byte, 1)); err != io.EOF && !isReset(err) {
			t.Errorf("a connection over the limit read %v, want it closed", err)
		}
	}
	fmt.Fprint(conns[0], "<13>still served\n")
	waitUntil(t, "the open connection's message", 5*time.Second, func() bool { return len(store.all()) == 1 })
	conns[1].Close()
	waitUntil(t, "a free slot", 5*time.Second, func() bool { return s.in.Conns().Open() == 2 })
	fmt.Fprint(dial(t, s.addr), "<13>new one served\n")
	waitUntil(t, "the new connection's message", 5*time.Second, func() bool { return len(store.all()) == 2 })
	st := s.stop()
	if ts := st.Transports[0]; ts.Refused != 5 {
		t.Errorf("refused = %d, want 5", ts.Refused)
	}
}

func isReset(err error) bool {
	return err != nil && (strings.Contains(err.Error(), "reset") || strings.Contains(err.Error(), "broken pipe"))
}

// A connection that completes no message within IdleTimeout — silent, or
// trickling a byte at a time — is closed and counted; what it sent is
// stored, cut.
func TestTCPIdleTimeoutClosesSlowSenders(t *testing.T) {
	store := &memStore{}
	s := serveTCP(t, &receive.TCP{IdleTimeout: 300 * time.Millisecond}, ingest.Config{Store: store, BatchSize: 1, BatchTimeout: time.Hour})
	silent, slow := dial(t, s.addr), dial(t, s.addr)
	closed := make(chan time.Duration, 1)
	go func() {
		start := time.Now()
		for i := 0; i < 100; i++ { // a byte every 50 ms: 5 s if never closed
			if _, err := slow.Write([]byte{"<13>slowloris"[i%13]}); err != nil {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		closed <- time.Since(start)
	}()
	silent.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := silent.Read(make([]byte, 1)); err != io.EOF {
		t.Errorf("silent connection read %v, want it closed", err)
	}
	if d := <-closed; d > 3*time.Second {
		t.Errorf("slow sender went on for %s", d)
	}
	waitUntil(t, "the slow sender's bytes", 5*time.Second, func() bool { return len(store.all()) == 1 })
	st := s.stop()
	if ts := st.Transports[0]; ts.Timeouts != 2 || ts.Cut != 1 {
		t.Errorf("counters %+v, want 2 timeouts and the slow sender's message cut", ts)
	}
	// How many bytes arrived before the timeout depends on the scheduler:
	// at least "<" (else nothing would be stored), perhaps only "<13>".
	const sent = "<13>slowloris<13>slowloris"
	r := store.all()[0]
	if got := string(r.Raw); r.Raw != nil && (got == "" || !strings.HasPrefix(sent, got)) {
		t.Errorf("stored raw %q, want the first bytes of the slow sender's", got)
	}
	if r.Raw == nil && (r.Message.Priority != 13 || !strings.HasPrefix(sent[4:], r.Message.Text)) {
		t.Errorf("stored <%d>%q, want the first bytes of the slow sender's", r.Message.Priority, r.Message.Text)
	}
}

// A 10 MiB message without LF is cut to MaxMessageSize as soon as that
// much has come, counted, and the rest skipped: the next message is read.
func TestTCPHugeFrameIsCut(t *testing.T) {
	store := &memStore{}
	s := serveTCP(t, &receive.TCP{}, ingest.Config{Store: store, BatchSize: 1, BatchTimeout: time.Hour})
	c := dial(t, s.addr)
	go func() {
		w := bufio.NewWriter(c)
		w.WriteString("<13>")
		w.Write(bytesOf('x', 10<<20))
		w.WriteString("\n<13>after the huge one\n")
		w.Flush()
		c.Close()
	}()
	waitUntil(t, "two messages", 30*time.Second, func() bool { return len(store.all()) == 2 })
	st := s.stop()
	got := store.all()
	if n := len(got[0].Message.Text); n != receive.DefaultMaxMessageSize-4 {
		t.Errorf("huge message stored with %d bytes of text, want %d", n, receive.DefaultMaxMessageSize-4)
	}
	if got[1].Message.Text != "after the huge one" {
		t.Errorf("then %q", got[1].Message.Text)
	}
	if ts := st.Transports[0]; ts.Cut != 1 || ts.Dropped != 0 {
		t.Errorf("counters %+v, want 1 cut", ts)
	}
}

func bytesOf(b byte, n int) []byte { return slices.Repeat([]byte{b}, n) }

// With ProxyProtocol, the address of a PROXY header (v1 or v2) is the
// sender's; a connection without a header is refused.
func TestTCPProxyProtocol(t *testing.T) {
	store := &memStore{}
	s := serveTCP(t, &receive.TCP{ProxyProtocol: true}, ingest.Config{Store: store, BatchSize: 1, BatchTimeout: time.Hour})
	v1 := dial(t, s.addr)
	fmt.Fprint(v1, "PROXY TCP4 192.0.2.10 198.51.100.1 51234 514\r\n<13>via v1\n")
	v1.Close()
	v2 := dial(t, s.addr)
	hdr := []byte("\r\n\r\n\x00\r\nQUIT\n\x21\x21\x00\x24")
	hdr = append(hdr, []byte{0x20, 0x01, 0x0d, 0xb8, 15: 0x10}...)
	hdr = append(hdr, []byte{0x20, 0x01, 0x0d, 0xb8, 15: 0x01}...)
	hdr = binary.BigEndian.AppendUint16(hdr, 40000)
	hdr = binary.BigEndian.AppendUint16(hdr, 514)
	v2.Write(append(hdr, "<13>via v2\n"...))
	v2.Close()
	bare := dial(t, s.addr)
	fmt.Fprint(bare, "<13>no header\n")
	bare.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := bare.Read(make([]byte, 1)); err != io.EOF && !isReset(err) {
		t.Errorf("connection without a PROXY header read %v, want it closed", err)
	}
	waitUntil(t, "two messages", 5*time.Second, func() bool { return len(store.all()) == 2 })
	st := s.stop()
	sources := map[string]string{}
	for _, r := range store.all() {
		sources[r.Message.Text] = r.Source.String()
	}
	if sources["via v1"] != "192.0.2.10:51234" || sources["via v2"] != "[2001:db8::10]:40000" || len(sources) != 2 {
		t.Errorf("sources %v", sources)
	}
	if ts := st.Transports[0]; ts.Refused != 1 {
		t.Errorf("refused = %d, want 1", ts.Refused)
	}
}

// At shutdown a connection still sending is read until it is quiet or the
// drain time is over: what it sent before the stop is stored, and Serve
// returns within the bound even though the sender never stops.
func TestTCPShutdownDrainsOpenConnections(t *testing.T) {
	store := &countStore{}
	s := serveTCP(t, &receive.TCP{DrainTimeout: time.Second}, ingest.Config{Store: store, BatchSize: 100, BatchTimeout: time.Hour})
	quiet, busy := dial(t, s.addr), dial(t, s.addr)
	for i := range 1000 {
		fmt.Fprintf(quiet, "<13>before the stop %d\n", i)
	}
	var sent atomic.Int64
	go func() {
		for i := 0; i < 1e6; i++ {
			if _, err := fmt.Fprintf(busy, "<13>never stops %d\n", i); err != nil {
				return
			}
			sent.Add(1)
		}
	}()
	waitUntil(t, "the quiet connection's messages", 10*time.Second, func() bool { return s.p.Stats().Received >= 1000 })
	start := time.Now()
	st := s.stop()
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("stop took %s with a sender that never stops, want about the drain time (1s)", d)
	}
	if st.Stored != st.Received || st.Dropped != 0 || store.stored.Load() != int64(st.Received) {
		t.Errorf("stats %+v, store %d: want everything received stored", st.Counts, store.stored.Load())
	}
}

// A sender's reset (a close with SO_LINGER 0, or with data it did not
// read) discards what the kernel held unread: it is counted and logged.
func TestStreamCountsResets(t *testing.T) {
	tests := []struct {
		name  string
		serve func(t *testing.T) *served
	}{
		{"tcp", func(t *testing.T) *served { return serveTCP(t, &receive.TCP{}, ingest.Config{Store: &memStore{}}) }},
		{"relp", func(t *testing.T) *served { return serveRELP(t, &receive.RELP{}, ingest.Config{Store: &memStore{}}) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.serve(t)
			c := dial(t, s.addr)
			waitUntil(t, "the connection", 5*time.Second, func() bool { return s.in.Conns().Open() == 1 })
			c.(*net.TCPConn).SetLinger(0)
			c.Close()
			waitUntil(t, "the reset counted", 5*time.Second, func() bool { return s.p.Stats().Transports[0].Resets == 1 })
		})
	}
}
