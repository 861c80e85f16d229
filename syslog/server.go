package syslog

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"sync"
	"time"
)

// Defaults for the zero fields of a Server.
const (
	DefaultAddr         = "0.0.0.0:5140"
	DefaultBatchSize    = 1000
	DefaultBatchTimeout = 5 * time.Second
	DefaultQueueSize    = 1 << 20
	DefaultReadBuffer   = 64 << 20
	// MaxDatagram is the largest UDP payload (IPv4: 65,535 − 8 − 20).
	MaxDatagram = 65507
)

// Server receives syslog datagrams over UDP, parses them and writes them in
// batches to a Store. Reading never waits on the store: one goroutine reads
// the socket into a bounded queue; when the queue is full, datagrams are
// counted as dropped (and logged), never silently stalled on.
//
// The zero value listens on DefaultAddr and only logs what it receives. Set
// the fields before calling Run or Serve; do not change them afterwards.
type Server struct {
	Addr         string        // UDP address to listen on; "" = DefaultAddr
	Store        Store         // where batches go; nil = receive and log only
	BatchSize    int           // flush at this many pending messages; 0 = DefaultBatchSize
	BatchTimeout time.Duration // flush this long after the first pending message; 0 = DefaultBatchTimeout
	QueueSize    int           // datagrams held between reader and writer; 0 = DefaultQueueSize
	ReadBuffer   int           // socket receive buffer to ask the kernel for; 0 = DefaultReadBuffer
	Parser       Parser        // how datagrams are parsed (zone and clock of RFC 3164)
	Logger       *slog.Logger  // the server's own log; nil = slog.Default()
	// Dump, when set, receives every message as an RFC 5424 line.
	Dump io.Writer
	// Now is the clock that stamps ReceivedAt; nil = time.Now.
	Now func() time.Time
	// StatsInterval is how often counters are logged while traffic flows;
	// 0 = 10 s.
	StatsInterval time.Duration
	// ShutdownRetry bounds how long, after ctx ends, a failing store is
	// retried before the remaining messages are given up; 0 = 30 s.
	ShutdownRetry time.Duration

	stats stats
}

// datagram is one read from the socket, as queued for the batcher.
type datagram struct {
	data       []byte
	from       netip.AddrPort
	receivedAt int64 // Unix nanoseconds
}

// Run listens on s.Addr and serves until ctx ends; see Serve.
func (s *Server) Run(ctx context.Context) error {
	conn, err := s.Listen()
	if err != nil {
		return err
	}
	return s.Serve(ctx, conn)
}

// Listen opens the UDP socket on s.Addr with the receive buffer enlarged,
// and logs the address really bound (which tells the port when s.Addr asks
// for port 0).
func (s *Server) Listen() (*net.UDPConn, error) {
	addr := s.Addr
	if addr == "" {
		addr = DefaultAddr
	}
	conn, err := net.ListenPacket("udp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on udp %s: %w", addr, err)
	}
	udp := conn.(*net.UDPConn)
	want := s.ReadBuffer
	if want == 0 {
		want = DefaultReadBuffer
	}
	granted, err := setReadBuffer(udp, want)
	if err != nil {
		s.logger().Warn("could not enlarge the socket receive buffer", "requested", want, "error", err)
	}
	s.logger().Info("listening", "proto", "udp", "addr", udp.LocalAddr().String(),
		"receive_buffer_requested", want, "receive_buffer_granted", granted)
	return udp, nil
}

// Serve reads datagrams from conn until ctx ends, then stops reading, drains
// what the kernel already holds, writes everything received to the store and
// returns. It closes conn. The error is non-nil only when messages could not
// be stored.
func (s *Server) Serve(ctx context.Context, conn *net.UDPConn) error {
	queue := make(chan datagram, s.queueSize())
	batches := make(chan []Record, 1)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(3)
	go func() { defer wg.Done(); s.read(ctx, conn, queue) }()
	go func() { defer wg.Done(); s.batch(queue, batches) }()
	var writeErr error
	go func() { defer wg.Done(); writeErr = s.write(ctx, batches) }()
	go s.report(done, queue)
	wg.Wait()
	close(done)
	st := s.Stats()
	s.logger().Info("stopped", "received", st.Received, "stored", st.Stored,
		"dropped", st.Dropped, "malformed", st.Malformed, "lost", st.Lost,
		"batches", st.Batches, "write_p50", st.WriteP50, "write_p99", st.WriteP99)
	return writeErr
}

func (s *Server) queueSize() int {
	if s.QueueSize > 0 {
		return s.QueueSize
	}
	return DefaultQueueSize
}

func (s *Server) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// drainIdle is how long the reader waits for more data after shutdown before
// it decides the kernel's buffer is empty; drainMax bounds the whole drain
// against a sender that never stops.
const (
	drainIdle = 50 * time.Millisecond
	drainMax  = 5 * time.Second
)

// read is the only goroutine that reads conn and the only sender on queue,
// which it closes when it ends.
func (s *Server) read(ctx context.Context, conn *net.UDPConn, queue chan<- datagram) {
	defer close(queue)
	defer conn.Close()
	stop := make(chan struct{})
	defer close(stop)
	go func() { // wake the reader when ctx ends; it then drains and stops
		select {
		case <-ctx.Done():
			conn.SetReadDeadline(time.Now().Add(drainIdle))
		case <-stop:
		}
	}()
	buf := make([]byte, MaxDatagram+1)
	var drainUntil time.Time
	for {
		n, from, err := conn.ReadFromUDPAddrPort(buf)
		if err != nil {
			// After ctx ends, the deadline set above ends the drain.
			if ctx.Err() != nil || errors.Is(err, net.ErrClosed) {
				return
			}
			s.logger().Error("read from socket", "error", err)
			time.Sleep(10 * time.Millisecond) // not a busy loop on a persistent error
			continue
		}
		d := datagram{data: append([]byte(nil), buf[:n]...), from: from, receivedAt: s.now().UnixNano()}
		s.stats.received.Add(1)
		select {
		case queue <- d:
		default:
			s.stats.dropped.Add(1)
		}
		if ctx.Err() != nil { // draining: keep going while data keeps coming
			if drainUntil.IsZero() {
				drainUntil = time.Now().Add(drainMax)
			}
			if time.Now().After(drainUntil) {
				return
			}
			conn.SetReadDeadline(time.Now().Add(drainIdle))
		}
	}
}

// batch parses queued datagrams and sends batches to the writer: at
// BatchSize messages, or BatchTimeout after the first pending one. It ends
// when queue is closed, after sending what is pending, and closes batches.
func (s *Server) batch(queue <-chan datagram, batches chan<- []Record) {
	defer close(batches)
	size := s.BatchSize
	if size <= 0 {
		size = DefaultBatchSize
	}
	timeout := s.BatchTimeout
	if timeout <= 0 {
		timeout = DefaultBatchTimeout
	}
	timer := time.NewTimer(timeout)
	timer.Stop()
	var dump *lineWriter
	if s.Dump != nil {
		dump = newLineWriter(s.Dump)
		defer dump.Flush()
	}
	pending := make([]Record, 0, size)
	flush := func() {
		timer.Stop()
		if dump != nil {
			dump.Flush()
		}
		if len(pending) > 0 {
			batches <- pending
			pending = make([]Record, 0, size)
		}
	}
	for {
		select {
		case d, ok := <-queue:
			if !ok {
				flush()
				return
			}
			r := s.Parser.NewRecord(d.data, d.from, time.Unix(0, d.receivedAt))
			if r.ParseErr != nil {
				s.stats.malformed.Add(1)
				s.logger().Debug("malformed datagram, stored raw", "from", d.from.String(), "error", r.ParseErr, "datagram", fmt.Sprintf("%.200q", d.data))
			}
			if dump != nil {
				dump.WriteLine(&r.Message)
			}
			pending = append(pending, r)
			if len(pending) == 1 {
				timer.Reset(timeout)
			}
			if len(pending) >= size {
				flush()
			} else if dump != nil && len(queue) == 0 {
				dump.Flush()
			}
		case <-timer.C:
			flush()
		}
	}
}

// write stores each batch, retrying with backoff while the store fails: the
// batch is kept, and meanwhile the queue absorbs (or, when full, counts as
// dropped) what arrives. After ctx ends it retries for ShutdownRetry at most.
// A failure is logged once when it starts and once when it ends, not at
// every retry.
func (s *Server) write(ctx context.Context, batches <-chan []Record) error {
	// Writes must finish after ctx ends: that is when the last batches come.
	wctx := context.WithoutCancel(ctx)
	w := writer{srv: s}
	var lost int
	for b := range batches {
		if s.Store == nil {
			s.stats.stored.Add(uint64(len(b)))
			continue
		}
		if err := w.writeWithRetry(ctx, wctx, b); err != nil {
			lost += len(b)
			s.stats.lost.Add(uint64(len(b)))
			s.logger().Error("giving up on a batch after shutdown", "messages", len(b), "error", err)
		}
	}
	if lost > 0 {
		return fmt.Errorf("%d messages could not be stored", lost)
	}
	return nil
}

// writer is the state of the writing goroutine: whether the store is
// failing, since when, and — once shutting down — when to give up.
type writer struct {
	srv          *Server
	failingSince time.Time
	giveUpAt     time.Time // one deadline for all batches left at shutdown
}

func (w *writer) writeWithRetry(ctx, wctx context.Context, b []Record) error {
	s := w.srv
	backoff := 100 * time.Millisecond
	for {
		start := time.Now()
		err := s.Store.Write(wctx, b)
		if err == nil {
			s.stats.recordWrite(len(b), time.Since(start))
			if !w.failingSince.IsZero() {
				s.logger().Info("store recovered; writing again", "failed_for", time.Since(w.failingSince).Round(time.Millisecond))
				w.failingSince = time.Time{}
			}
			return nil
		}
		if w.failingSince.IsZero() {
			w.failingSince = time.Now()
			s.logger().Error("store failed; keeping messages in the queue and retrying", "messages", len(b), "error", err)
		} else {
			s.logger().Debug("store still failing", "error", err, "retry_in", backoff)
		}
		if ctx.Err() != nil {
			if w.giveUpAt.IsZero() {
				retry := s.ShutdownRetry
				if retry <= 0 {
					retry = 30 * time.Second
				}
				w.giveUpAt = time.Now().Add(retry)
			}
			if time.Now().After(w.giveUpAt) {
				return err
			}
		}
		time.Sleep(backoff)
		backoff = min(backoff*2, 5*time.Second)
	}
}

// report logs the counters every StatsInterval while anything is received
// or dropped, until done is closed.
func (s *Server) report(done <-chan struct{}, queue chan datagram) {
	interval := s.StatsInterval
	if interval <= 0 {
		interval = 10 * time.Second
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	var last Stats
	for {
		select {
		case <-done:
			return
		case <-t.C:
			st := s.Stats()
			if st.Received == last.Received && st.Dropped == last.Dropped {
				continue
			}
			last = st
			lvl := slog.LevelInfo
			if st.Dropped > 0 {
				lvl = slog.LevelWarn
			}
			s.logger().Log(context.Background(), lvl, "stats",
				"received", st.Received, "stored", st.Stored, "dropped", st.Dropped,
				"malformed", st.Malformed, "queue", len(queue),
				"write_p50", st.WriteP50, "write_p99", st.WriteP99)
		}
	}
}
