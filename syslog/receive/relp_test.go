package receive_test

import (
	"bufio"
	"net"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aiosyslogd/aiosyslogd/syslog/ingest"
	"github.com/aiosyslogd/aiosyslogd/syslog/receive"
	"github.com/aiosyslogd/aiosyslogd/syslog/receive/relp"
)

// relpClient speaks RELP to the receiver for a test.
type relpClient struct {
	t *testing.T
	c net.Conn
	r *relp.Reader
}

func dialRELP(t *testing.T, addr string) *relpClient {
	t.Helper()
	c := dial(t, addr)
	return &relpClient{t: t, c: c, r: relp.NewReader(bufio.NewReader(c), 0)}
}

func (rc *relpClient) send(txnr int, cmd, data string) {
	rc.t.Helper()
	if _, err := rc.c.Write(relp.AppendFrame(nil, txnr, cmd, []byte(data))); err != nil {
		rc.t.Fatal(err)
	}
}

// next reads the next frame from the server, within d.
func (rc *relpClient) next(d time.Duration) (relp.Frame, error) {
	rc.c.SetReadDeadline(time.Now().Add(d))
	return rc.r.Next()
}

// expect reads the next frame and checks its TXNR, command and the start
// of its data.
func (rc *relpClient) expect(txnr int, cmd, dataPrefix string) {
	rc.t.Helper()
	f, err := rc.next(10 * time.Second)
	if err != nil || f.Txnr != txnr || f.Command != cmd || !strings.HasPrefix(string(f.Data), dataPrefix) {
		rc.t.Fatalf("got %d %s %q (%v), want %d %s %q…", f.Txnr, f.Command, f.Data, err, txnr, cmd, dataPrefix)
	}
}

func (rc *relpClient) open() {
	rc.t.Helper()
	rc.send(1, "open", "relp_version=0\nrelp_software=test\ncommands=syslog")
	rc.expect(1, "rsp", "200 OK\nrelp_version=0\nrelp_software=aiosyslogd\ncommands=syslog")
}

func serveRELP(t *testing.T, r *receive.RELP, cfg ingest.Config) *served {
	t.Helper()
	return serveStream(t, "relp", r, func(in *ingest.Input) {
		r.Addr, r.Input, r.Logger = "127.0.0.1:0", in, quiet
	}, cfg)
}

// rsp 200 OK comes only once the batch holding the message is stored;
// close is answered after every message before it.
func TestRELPAcknowledgesOnlyAfterCommit(t *testing.T) {
	store := &countStore{block: make(chan struct{})}
	s := serveRELP(t, &receive.RELP{}, ingest.Config{Store: store, BatchSize: 1000, BatchTimeout: time.Hour})
	rc := dialRELP(t, s.addr)
	rc.open()
	for i := 2; i <= 4; i++ {
		rc.send(i, "syslog", "<13>1 - h app - - - relp message")
	}
	if f, err := rc.next(300 * time.Millisecond); err == nil {
		t.Fatalf("got %d %s %q before the store wrote anything", f.Txnr, f.Command, f.Data)
	}
	waitUntil(t, "the messages to reach the pipeline", 5*time.Second, func() bool { return s.p.Stats().Received == 3 })
	rc.r = relp.NewReader(bufio.NewReader(rc.c), 0) // the deadline broke the last read
	close(store.block)
	for i := 2; i <= 4; i++ {
		rc.expect(i, "rsp", "200 OK")
	}
	if store.stored.Load() != 3 {
		t.Errorf("acknowledged before storing: %d stored", store.stored.Load())
	}
	rc.send(5, "close", "")
	rc.expect(5, "rsp", "")
	if _, err := rc.next(5 * time.Second); err == nil {
		t.Error("the session goes on after close")
	}
}

// A malformed frame, or one out of sequence, gets rsp 500 and the session
// is closed and counted.
func TestRELPRefusesBadFrames(t *testing.T) {
	tests := []struct {
		name, frame string
		txnr        int
		want        string
	}{
		{"garbage", "GET / HTTP/1.1\r\n", 0, "500 "},
		{"no LF after DATA", "2 syslog 3 abcd", 2, "500 "},
		{"out of sequence", "7 syslog 3 abc\n", 7, "500 txnr 7 out of sequence"},
		{"unknown command", "2 starttls 0\n", 2, "500 command"},
	}
	s := serveRELP(t, &receive.RELP{}, ingest.Config{Store: &memStore{}, BatchSize: 1})
	for _, tt := range tests {
		rc := dialRELP(t, s.addr)
		rc.open()
		rc.c.Write([]byte(tt.frame))
		rc.expect(tt.txnr, "rsp", tt.want)
		if _, err := rc.next(5 * time.Second); err == nil {
			t.Errorf("%s: the session goes on after the 500", tt.name)
		}
	}
	waitUntil(t, "every session counted", 5*time.Second, func() bool { return s.p.Stats().Transports[0].Broken == uint64(len(tests)) })
	st := s.stop()
	if st.Stored != 0 {
		t.Errorf("stored %d messages from bad frames", st.Stored)
	}
}

// Beyond the window, the session is not read until acknowledgements free
// it; nothing is lost. In a bubble, over an in-memory connection:
// synctest.Wait returns once the session, the sender and the pipeline all
// wait, so a session that read on would have done so.
func TestRELPWindowHoldsTheSender(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		store := &countStore{block: make(chan struct{})}
		ln := newPipeListener()
		r := &receive.RELP{Window: 4}
		s := serveStreamOn(t, ln, "relp", r, func(in *ingest.Input) { r.Input, r.Logger = in, quiet },
			ingest.Config{Store: store, BatchSize: 1000, BatchTimeout: time.Hour})
		c := ln.dial()
		rc := &relpClient{t: t, c: c, r: relp.NewReader(bufio.NewReader(c), 0)}
		rc.open()
		sent := make(chan struct{})
		go func() { // blocks while the window is full: the pipe has no buffer
			defer close(sent)
			for i := 2; i < 12; i++ {
				c.Write(relp.AppendFrame(nil, i, "syslog", []byte("<13>windowed")))
			}
		}()
		synctest.Wait()
		if got := s.p.Stats().Received; got != 4 {
			t.Errorf("received %d with a window of 4 and nothing acknowledged", got)
		}
		close(store.block)
		for i := 2; i < 12; i++ {
			rc.expect(i, "rsp", "200 OK")
		}
		<-sent
		if got := store.stored.Load(); got != 10 {
			t.Errorf("stored %d of 10", got)
		}
		c.Close()
	})
}

// pipeListener is a net.Listener whose connections are net.Pipe's, which
// a synctest bubble can wait on.
type pipeListener struct {
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
}

func newPipeListener() *pipeListener {
	return &pipeListener{conns: make(chan net.Conn), done: make(chan struct{})}
}

// dial returns the client's end of a new connection.
func (l *pipeListener) dial() net.Conn {
	client, server := net.Pipe()
	l.conns <- server
	return client
}

func (l *pipeListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *pipeListener) Close() error { l.once.Do(func() { close(l.done) }); return nil }

func (l *pipeListener) Addr() net.Addr { return pipeAddr{} }

type pipeAddr struct{}

func (pipeAddr) Network() string { return "pipe" }
func (pipeAddr) String() string  { return "pipe" }

// At shutdown the server stops reading, acknowledges what it read once
// stored, and says serverclose.
func TestRELPServerCloseAtShutdown(t *testing.T) {
	store := &countStore{}
	s := serveRELP(t, &receive.RELP{}, ingest.Config{Store: store, BatchSize: 1000, BatchTimeout: time.Hour})
	rc := dialRELP(t, s.addr)
	rc.open()
	rc.send(2, "syslog", "<13>before the stop")
	rc.expect(2, "rsp", "200 OK")
	s.stop()
	rc.expect(0, "serverclose", "")
	if _, err := rc.next(5 * time.Second); err == nil {
		t.Error("the session goes on after serverclose")
	}
}
