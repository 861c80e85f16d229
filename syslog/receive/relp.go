package receive

import (
	"bufio"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"time"

	"github.com/aiosyslogd/aiosyslogd/syslog/ingest"
	"github.com/aiosyslogd/aiosyslogd/syslog/receive/relp"
)

// Defaults for the zero fields of a RELP.
const (
	DefaultRELPAddr   = "0.0.0.0:2514"
	DefaultRELPWindow = 1024
)

// RELP receives syslog over RELP (rsyslog's omrelp). A message is
// acknowledged (rsp 200 OK) only once the batch holding it is committed to
// the store: a sender that was told a message was delivered can forget it,
// even if this process is then killed, and it sends again what was not
// acknowledged when a session breaks. Up to Window messages per session
// wait for their acknowledgement; beyond that the session is not read
// until some are acknowledged.
//
// A malformed frame, or one out of sequence, gets rsp 500 and ends the
// session. Connections are bounded as TCP's are (MaxConnections,
// IdleTimeout: a session that sends no complete frame within it is
// closed; MaxMessageSize: a longer message is stored cut and counted).
// When ctx ends, Serve stops accepting and reading, waits for the
// acknowledgements of what it read (DrainTimeout at most), sends
// serverclose and closes the sessions.
//
// Set the fields before calling Listen or Serve; do not change them
// afterwards.
type RELP struct {
	Addr           string        // address to listen on; "" = DefaultRELPAddr
	Input          *ingest.Input // where messages go (a Pipeline's StreamInput)
	Logger         *slog.Logger  // nil = slog.Default()
	Now            func() time.Time
	MaxConnections int           // sessions at once; 0 = DefaultMaxConnections
	IdleTimeout    time.Duration // time allowed for each frame; 0 = DefaultIdleTimeout
	MaxMessageSize int           // bytes of a message kept; 0 = DefaultMaxMessageSize
	DrainTimeout   time.Duration // bound of the wait for acknowledgements at shutdown; 0 = DefaultDrainTimeout
	Window         int           // unacknowledged messages per session; 0 = DefaultRELPWindow

	resets   limitedLog // sessions the sender reset
	protocol limitedLog // sessions closed for a malformed frame or command
	cuts     limitedLog // messages cut to MaxMessageSize
}

// Listen opens the listening socket on r.Addr; Serve logs the address really
// bound.
func (r *RELP) Listen() (net.Listener, error) {
	addr := r.Addr
	if addr == "" {
		addr = DefaultRELPAddr
	}
	return listenStream("relp", addr)
}

// Serve accepts sessions on ln until ctx ends, then ends them as the type
// says and returns. It closes ln.
func (r *RELP) Serve(ctx context.Context, ln net.Listener) error {
	s := &streamServer{
		proto: "relp", input: r.Input, logger: loggerOr(r.Logger),
		max: orDefault(r.MaxConnections, DefaultMaxConnections), drain: orDefault(r.DrainTimeout, DefaultDrainTimeout),
		handle: r.serveConn, logs: []*limitedLog{&r.resets, &r.protocol, &r.cuts},
	}
	return s.serve(ctx, ln)
}

// relpAck is a message's result, from the pipeline's writer.
type relpAck struct {
	txnr int
	err  error
}

// relpConn is one session: the reader (serveConn's goroutine) reads
// frames and submits messages; the writer goroutine writes every response,
// the acknowledgements as the pipeline commits their messages.
type relpConn struct {
	r      *RELP
	conn   net.Conn
	from   netip.AddrPort
	logger *slog.Logger
	acks   chan relpAck  // from Committed; room for a whole window, so it never blocks
	slots  chan struct{} // one per message waiting for its rsp: the window
	ctl    chan []byte   // other responses, from the reader, in order
	done   chan struct{} // closed when the writer has returned
	broken bool          // the writer failed: responses are dropped (the writer's)
}

func (r *RELP) serveConn(ctx, hard context.Context, c net.Conn) {
	window := orDefault(r.Window, DefaultRELPWindow)
	s := &relpConn{r: r, conn: c, from: peer(c), logger: loggerOr(r.Logger),
		acks: make(chan relpAck, window), slots: make(chan struct{}, window),
		ctl: make(chan []byte), done: make(chan struct{})}
	go s.write()
	// At shutdown nothing more is read: what the sender has not been
	// acknowledged, it sends again to the next server.
	defer wakeOnStop(ctx, c, 0)()
	s.logger.Debug("session opened", "proto", "relp", "from", s.from.String())
	serverClose := s.read(ctx, hard)
	s.waitAcks(hard)
	if serverClose {
		s.ctl <- relp.ServerClose
	}
	close(s.ctl)
	<-s.done
}

// read reads and handles frames until the session ends; it reports
// whether the server ends it (and says so with serverclose).
func (s *relpConn) read(ctx, hard context.Context) (serverClose bool) {
	fr := relp.NewReader(bufio.NewReaderSize(s.conn, readBufferSize), orDefault(s.r.MaxMessageSize, DefaultMaxMessageSize))
	dl := &deadlines{conn: s.conn, ctx: ctx, idle: orDefault(s.r.IdleTimeout, DefaultIdleTimeout)}
	sess := relp.Session{Software: "aiosyslogd"}
	now := clockOr(s.r.Now)
	for {
		if dl.next(); ctx.Err() != nil {
			return true
		}
		f, err := fr.Next()
		if err != nil {
			return s.readFailed(ctx, err)
		}
		step, err := sess.Receive(f)
		if step.Syslog {
			if !s.submit(ctx, hard, step, now()) {
				return ctx.Err() != nil
			}
			continue
		}
		if step.End {
			s.waitAcks(hard) // close is answered after every message before it
		}
		if step.Reply != nil {
			s.ctl <- step.Reply
		}
		if err != nil {
			s.r.Input.Conns().Broken()
			s.r.protocol.log(s.logger, "closing RELP session", "from", s.from.String(), "error", err)
		}
		if step.End {
			return false
		}
	}
}

// readFailed answers a malformed frame with rsp 500 and says how the
// session ended.
func (s *relpConn) readFailed(ctx context.Context, err error) (serverClose bool) {
	var fe *relp.FrameError
	switch {
	case errors.As(err, &fe):
		s.ctl <- relp.AppendError(nil, fe.Txnr, fe.Reason)
		s.r.Input.Conns().Broken()
		s.r.protocol.log(s.logger, "closing RELP session", "from", s.from.String(), "error", err)
		return false
	case ctx.Err() != nil:
		return true
	case isTimeout(err):
		s.r.Input.Conns().TimedOut()
		s.logger.Debug("closing a RELP session that sent no complete frame within idle_timeout", "from", s.from.String())
		return true
	case isReset(err):
		s.r.Input.Conns().Reset()
		s.r.resets.log(s.logger, resetMessage, "proto", "relp", "from", s.from.String())
	case errors.Is(err, io.EOF):
		s.logger.Debug("session closed by the sender", "proto", "relp", "from", s.from.String())
	default:
		s.logger.Debug("session ended", "proto", "relp", "from", s.from.String(), "error", err)
	}
	return false
}

// submit takes a window slot (waiting while the window is full) and
// submits the message, to be acknowledged once committed. It reports
// whether the session goes on.
func (s *relpConn) submit(ctx, hard context.Context, step relp.Step, at time.Time) bool {
	select {
	case s.slots <- struct{}{}:
	case <-ctx.Done():
		return false
	}
	if step.Cut {
		s.r.Input.Conns().Cut()
		s.r.cuts.log(s.logger, "message cut to max_message_size", "proto", "relp", "from", s.from.String(),
			"max_message_size", orDefault(s.r.MaxMessageSize, DefaultMaxMessageSize))
	}
	txnr := step.Txnr
	err := s.r.Input.Submit(hard, ingest.Received{Data: step.Message, From: s.from, At: at,
		Committed: func(err error) { s.acks <- relpAck{txnr, err} }})
	if err != nil {
		<-s.slots
		return false
	}
	return true
}

// waitAcks waits until every message submitted is acknowledged (or hard
// ends): it then holds every slot of the window, and gives them back.
func (s *relpConn) waitAcks(hard context.Context) {
	held := 0
	defer func() {
		for range held {
			<-s.slots
		}
	}()
	for held < cap(s.slots) {
		select {
		case s.slots <- struct{}{}:
			held++
		case <-hard.Done():
			return
		}
	}
}

// write writes the responses until ctl is closed: acknowledgements as they
// come (several in one write when they come together), the reader's
// responses in order.
func (s *relpConn) write() {
	defer close(s.done)
	var buf []byte
	for {
		select {
		case a := <-s.acks:
			buf = s.appendAck(buf[:0], a)
			n := 1
			for more := true; more; {
				select {
				case a := <-s.acks:
					buf, n = s.appendAck(buf, a), n+1
				default:
					more = false
				}
			}
			s.send(buf)
			for range n {
				<-s.slots
			}
		case b, ok := <-s.ctl:
			if !ok {
				return
			}
			s.send(b)
		}
	}
}

func (s *relpConn) appendAck(buf []byte, a relpAck) []byte {
	if a.err != nil {
		return relp.AppendError(buf, a.txnr, a.err.Error())
	}
	return relp.AppendOK(buf, a.txnr)
}

// send writes b, within the idle timeout; after a failure, nothing more is
// written and the connection is closed, which ends the reader too.
func (s *relpConn) send(b []byte) {
	if s.broken {
		return
	}
	s.conn.SetWriteDeadline(time.Now().Add(orDefault(s.r.IdleTimeout, DefaultIdleTimeout)))
	if _, err := s.conn.Write(b); err != nil {
		s.broken = true
		s.conn.Close()
		s.logger.Debug("write to RELP session", "from", s.from.String(), "error", err)
	}
}
