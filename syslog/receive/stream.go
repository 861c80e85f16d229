package receive

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/aiosyslogd/aiosyslogd/syslog/ingest"
)

// streamDrainIdle is how long a connection is read after ctx ends without
// bringing anything before it is closed: what a sender had sent is in the
// kernel already.
const streamDrainIdle = 100 * time.Millisecond

// readBufferSize is each connection's read buffer.
const readBufferSize = 16 << 10

// Defaults for the zero fields of the stream receivers (TCP, RELP).
const (
	DefaultMaxConnections = 1000
	DefaultIdleTimeout    = 300 * time.Second
	DefaultMaxMessageSize = 64 << 10
	DefaultDrainTimeout   = 2 * time.Second
)

// listenStream opens a TCP listener on addr for proto. Serve logs the
// address really bound, once it accepts (see UDP.Listen).
func listenStream(proto, addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s %s: %w", proto, addr, err)
	}
	return ln, nil
}

// streamServer is what the stream receivers share: the accept loop, the
// connection limit, and a shutdown that stops accepting, lets each
// connection drain within a bound, then closes what is left.
type streamServer struct {
	proto  string
	input  *ingest.Input
	logger *slog.Logger
	max    int           // connections at once
	drain  time.Duration // how long connections may drain after ctx ends
	// handle serves one connection until it ends; ctx ends at shutdown,
	// hard drain later (for Submit, so a message read is not dropped for
	// want of queue room while the connections drain).
	handle func(ctx, hard context.Context, c net.Conn)

	refusals limitedLog
	logs     []*limitedLog // the receiver's own, flushed when Serve returns
	wg       sync.WaitGroup
	mu       sync.Mutex
	conns    map[net.Conn]struct{}
	open     atomic.Int64
}

// serve accepts connections on ln until ctx ends, then waits for them to
// drain (drain at most, after which they are closed) and returns. It
// closes ln.
func (s *streamServer) serve(ctx context.Context, ln net.Listener) error {
	s.logger.Info("listening", "proto", s.proto, "addr", ln.Addr().String())
	hard, hardCancel := context.WithCancel(context.WithoutCancel(ctx))
	defer hardCancel()
	defer context.AfterFunc(ctx, func() { ln.Close() })()
	defer context.AfterFunc(hard, s.closeAll)()
	s.conns = map[net.Conn]struct{}{}
	err := s.acceptLoop(ctx, hard, ln)
	// Accepting is over (ctx ended): the connections drain, within a bound.
	drained := time.AfterFunc(s.drain, hardCancel)
	defer drained.Stop()
	s.wg.Wait()
	s.refusals.flush()
	for _, l := range s.logs {
		l.flush()
	}
	return err
}

func (s *streamServer) acceptLoop(ctx, hard context.Context, ln net.Listener) error {
	defer ln.Close()
	var backoff time.Duration
	for {
		c, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, net.ErrClosed) {
				return nil
			}
			// Out of file descriptors and the like: wait, as net/http does.
			backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
			s.logger.Error("accept", "proto", s.proto, "error", err, "retry_in", backoff)
			time.Sleep(backoff)
			continue
		}
		backoff = 0
		if s.open.Load() >= int64(s.max) {
			s.refuse(c)
			continue
		}
		s.start(ctx, hard, c)
	}
}

// refuse closes a connection over the limit at once, counts it and logs
// (at most every few seconds: a flood must not flood the log too).
func (s *streamServer) refuse(c net.Conn) {
	c.Close()
	s.input.Conns().Refused()
	s.refusals.log(s.logger, "refusing connections: max_connections reached", "proto", s.proto,
		"max_connections", s.max, "from", c.RemoteAddr().String())
}

// start serves c on its own goroutine, tracked until it ends.
func (s *streamServer) start(ctx, hard context.Context, c net.Conn) {
	s.open.Add(1)
	s.input.Conns().Opened()
	s.mu.Lock()
	s.conns[c] = struct{}{}
	s.mu.Unlock()
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		defer s.input.Conns().Closed()
		defer s.open.Add(-1)
		defer func() {
			c.Close()
			s.mu.Lock()
			delete(s.conns, c)
			s.mu.Unlock()
		}()
		s.handle(ctx, hard, c)
	}()
}

// closeAll closes the connections still open when the drain time is over.
func (s *streamServer) closeAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		c.Close()
	}
}

// deadlines sets a connection's read deadline before each frame: the idle
// timeout while serving; once ctx ends, streamDrainIdle, and never later
// than drain after the end.
type deadlines struct {
	conn     net.Conn
	ctx      context.Context
	idle     time.Duration
	drain    time.Duration
	drainEnd time.Time
}

// next sets the deadline for the next frame.
func (d *deadlines) next() {
	now := time.Now()
	if d.ctx.Err() == nil {
		d.conn.SetReadDeadline(now.Add(d.idle))
		// ctx may have ended meanwhile, its AfterFunc setting the drain
		// deadline before the one above: look again.
		if d.ctx.Err() == nil {
			return
		}
	}
	if d.drainEnd.IsZero() {
		d.drainEnd = now.Add(d.drain)
	}
	end := now.Add(streamDrainIdle)
	if end.After(d.drainEnd) {
		end = d.drainEnd
	}
	d.conn.SetReadDeadline(end)
}

// wakeOnStop makes a read blocked on c return soon after ctx ends; call
// the returned function when done with c.
func wakeOnStop(ctx context.Context, c net.Conn, after time.Duration) (stop func() bool) {
	return context.AfterFunc(ctx, func() { c.SetReadDeadline(time.Now().Add(after)) })
}

// isTimeout reports whether err is a read deadline's.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// resetMessage is the warning of a connection the sender reset.
const resetMessage = "connection reset by the sender: what it sent that was not read yet is lost (counted as resets)"

// isReset reports whether err is the sender's reset of the connection:
// the kernel then discards what it held unread, so messages may be lost.
func isReset(err error) bool { return errors.Is(err, syscall.ECONNRESET) }

// peer returns the address of c's other end.
func peer(c net.Conn) netip.AddrPort {
	if a, ok := c.RemoteAddr().(*net.TCPAddr); ok {
		return a.AddrPort()
	}
	ap, _ := netip.ParseAddrPort(c.RemoteAddr().String())
	return ap
}

func orDefault[T int | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

func loggerOr(l *slog.Logger) *slog.Logger {
	if l != nil {
		return l
	}
	return slog.Default()
}

func clockOr(now func() time.Time) func() time.Time {
	if now != nil {
		return now
	}
	return time.Now
}
