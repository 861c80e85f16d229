package receive

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"time"

	"github.com/aiosyslogd/aiosyslogd/syslog/ingest"
	"github.com/aiosyslogd/aiosyslogd/syslog/receive/framing"
	"github.com/aiosyslogd/aiosyslogd/syslog/receive/proxyproto"
)

// Defaults for the zero fields of a TCP.
const (
	DefaultTCPAddr          = "0.0.0.0:5140"
	DefaultTLSAddr          = "0.0.0.0:6514"
	DefaultHandshakeTimeout = 10 * time.Second
)

// TCP receives syslog over TCP (RFC 6587) or, when TLSConfig is set, over
// TLS (RFC 5425). Each connection has its goroutine, which splits the
// stream into messages (package framing: octet counting or LF, decided per
// frame) and submits each to Input, waiting while the pipeline's queue is
// full: the connection is then not read, and TCP's window slows the sender
// down. No message is dropped for want of room.
//
// Every resource a peer can hold is bounded: MaxConnections at once (more
// are closed at once and counted as refused), a message must arrive whole
// within IdleTimeout (an idle or trickling connection is closed and
// counted), a message longer than MaxMessageSize is stored cut to it and
// counted, a TLS handshake must end within HandshakeTimeout.
//
// When its context ends, Serve stops accepting, reads on what connections
// already sent (until they are quiet, DrainTimeout at most), then closes
// them. Set the fields before calling Listen or Serve; do not change them
// afterwards.
type TCP struct {
	Addr           string        // address to listen on; "" = DefaultTCPAddr (DefaultTLSAddr with TLS)
	Input          *ingest.Input // where messages go (a Pipeline's StreamInput)
	Logger         *slog.Logger  // nil = slog.Default()
	Now            func() time.Time
	MaxConnections int           // connections at once; 0 = DefaultMaxConnections
	IdleTimeout    time.Duration // time allowed for each message; 0 = DefaultIdleTimeout
	MaxMessageSize int           // bytes; 0 = DefaultMaxMessageSize
	DrainTimeout   time.Duration // bound of the drain at shutdown; 0 = DefaultDrainTimeout
	// ProxyProtocol, when set, reads a PROXY protocol header (v1 or v2) at
	// the start of each connection, before TLS; the client it names is
	// the messages' sender. A connection without one is refused.
	ProxyProtocol bool
	// TLSConfig, when set, makes the receiver speak TLS (see
	// ServerTLSConfig); nil = plain TCP.
	TLSConfig        *tls.Config
	HandshakeTimeout time.Duration // 0 = DefaultHandshakeTimeout

	warnings limitedLog // refused connections: handshakes, PROXY headers
	resets   limitedLog // connections the sender reset
	cuts     limitedLog // messages cut to MaxMessageSize
}

func (t *TCP) proto() string {
	if t.TLSConfig != nil {
		return "tls"
	}
	return "tcp"
}

// Listen opens the listening socket on t.Addr; Serve logs the address really
// bound.
func (t *TCP) Listen() (net.Listener, error) {
	addr := t.Addr
	switch {
	case addr != "":
	case t.TLSConfig != nil:
		addr = DefaultTLSAddr
	default:
		addr = DefaultTCPAddr
	}
	return listenStream(t.proto(), addr)
}

// Serve accepts connections on ln and reads them until ctx ends, then
// drains them and returns once everything read is in the pipeline. It
// closes ln.
func (t *TCP) Serve(ctx context.Context, ln net.Listener) error {
	s := &streamServer{
		proto: t.proto(), input: t.Input, logger: loggerOr(t.Logger),
		max: orDefault(t.MaxConnections, DefaultMaxConnections), drain: orDefault(t.DrainTimeout, DefaultDrainTimeout),
		handle: t.serveConn, logs: []*limitedLog{&t.warnings, &t.resets, &t.cuts},
	}
	return s.serve(ctx, ln)
}

// serveConn reads one connection until it ends.
func (t *TCP) serveConn(ctx, hard context.Context, c net.Conn) {
	defer wakeOnStop(ctx, c, streamDrainIdle)()
	dl := &deadlines{conn: c, ctx: ctx, idle: orDefault(t.IdleTimeout, DefaultIdleTimeout),
		drain: orDefault(t.DrainTimeout, DefaultDrainTimeout)}
	dl.next()
	r, from, err := t.open(c)
	if err != nil {
		if ctx.Err() == nil {
			t.Input.Conns().Refused()
			t.warnings.log(loggerOr(t.Logger), "connection refused", "proto", t.proto(),
				"from", c.RemoteAddr().String(), "error", err)
		}
		return
	}
	loggerOr(t.Logger).Debug("connection opened", "proto", t.proto(), "from", from.String())
	t.read(hard, framing.NewReader(r, orDefault(t.MaxMessageSize, DefaultMaxMessageSize)), dl, from)
}

// open reads the PROXY header, when there must be one, and makes the TLS
// handshake, when TLS is on; it returns the reader of the messages and
// their sender.
func (t *TCP) open(c net.Conn) (*bufio.Reader, netip.AddrPort, error) {
	from := peer(c)
	raw := c
	var br *bufio.Reader
	if t.ProxyProtocol {
		br = bufio.NewReaderSize(c, readBufferSize)
		h, err := proxyproto.Read(br)
		if err != nil {
			return nil, from, err
		}
		if !h.Local {
			from = h.Source
		}
		raw = &bufferedConn{Conn: c, r: br}
	}
	if t.TLSConfig == nil {
		if br == nil {
			br = bufio.NewReaderSize(c, readBufferSize)
		}
		return br, from, nil
	}
	tc := tls.Server(raw, t.TLSConfig)
	c.SetDeadline(time.Now().Add(orDefault(t.HandshakeTimeout, DefaultHandshakeTimeout)))
	if err := tc.Handshake(); err != nil {
		return nil, from, fmt.Errorf("TLS handshake: %w", err)
	}
	c.SetWriteDeadline(time.Time{})
	return bufio.NewReaderSize(tc, readBufferSize), from, nil
}

// read submits each frame of fr until the stream ends.
func (t *TCP) read(hard context.Context, fr *framing.Reader, dl *deadlines, from netip.AddrPort) {
	now, logger := clockOr(t.Now), loggerOr(t.Logger)
	for {
		dl.next()
		f, err := fr.Next()
		if len(f.Data) > 0 {
			if f.Cut {
				t.Input.Conns().Cut()
				t.cuts.log(logger, "message cut to max_message_size", "proto", t.proto(), "from", from.String(),
					"max_message_size", orDefault(t.MaxMessageSize, DefaultMaxMessageSize), "framing", f.Framing.String())
			}
			if err := t.Input.Submit(hard, ingest.Received{Data: f.Data, From: from, At: now()}); err != nil {
				logger.Error("message dropped: the queue stayed full through the shutdown", "proto", t.proto(), "error", err)
				return
			}
		}
		if err != nil {
			t.ended(dl.ctx, err, from)
			return
		}
	}
}

// ended logs, and counts, how a connection ended.
func (t *TCP) ended(ctx context.Context, err error, from netip.AddrPort) {
	logger := loggerOr(t.Logger)
	switch {
	case errors.Is(err, io.EOF):
		logger.Debug("connection closed by the sender", "proto", t.proto(), "from", from.String())
	case ctx.Err() != nil: // drained at shutdown
	case isTimeout(err):
		t.Input.Conns().TimedOut()
		logger.Debug("closing a connection that sent no complete message within idle_timeout", "proto", t.proto(),
			"from", from.String(), "idle_timeout", orDefault(t.IdleTimeout, DefaultIdleTimeout))
	case isReset(err):
		t.Input.Conns().Reset()
		t.resets.log(logger, resetMessage, "proto", t.proto(), "from", from.String())
	default:
		logger.Debug("connection ended", "proto", t.proto(), "from", from.String(), "error", err)
	}
}

// bufferedConn is a connection whose first bytes were read into r (the
// PROXY header's reader) and are read from there first.
type bufferedConn struct {
	net.Conn
	r *bufio.Reader
}

// Read reads from the buffer first, then from the connection.
func (b *bufferedConn) Read(p []byte) (int, error) { return b.r.Read(p) }
