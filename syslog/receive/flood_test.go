package receive_test

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/aiosyslogd/aiosyslogd/internal/testwait"
	"github.com/aiosyslogd/aiosyslogd/syslog/ingest"
	"github.com/aiosyslogd/aiosyslogd/syslog/receive"
)

// logBuffer is a receiver's log that the test reads while it is written.
type logBuffer = testwait.Log

// logCount is how many lines of l have the message msg.
func logCount(l *logBuffer, msg string) int { return strings.Count(l.String(), "msg="+msg) }

// A flood of peers that break the protocol — garbage for RELP, for a PROXY
// header, for a TLS handshake, frames over the size limit — is counted
// peer by peer, but logged in two lines: the first, and when the listener
// stops, how many more there were.
func TestProtocolErrorsDoNotFloodTheLog(t *testing.T) {
	const peers = 300
	p := newPKI(t)
	kp, err := receive.LoadKeyPair(p.certFile, p.keyFile)
	if err != nil {
		t.Fatal(err)
	}
	tlsConfig, err := receive.ServerTLSConfig(kp, "")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		rcv     func(in *ingest.Input, logger *slog.Logger) streamReceiver
		send    string
		msg     string // the log line's
		counter func(ts ingest.TransportStats) uint64
	}{
		{"relp garbage", func(in *ingest.Input, l *slog.Logger) streamReceiver {
			return &receive.RELP{Addr: "127.0.0.1:0", Input: in, Logger: l}
		}, "garbage\n", `"closing RELP session"`, func(ts ingest.TransportStats) uint64 { return ts.Broken }},
		{"proxy header garbage", func(in *ingest.Input, l *slog.Logger) streamReceiver {
			return &receive.TCP{Addr: "127.0.0.1:0", Input: in, Logger: l, ProxyProtocol: true}
		}, "garbage\r\n", `"connection refused"`, func(ts ingest.TransportStats) uint64 { return ts.Refused }},
		{"TLS handshake garbage", func(in *ingest.Input, l *slog.Logger) streamReceiver {
			return &receive.TCP{Addr: "127.0.0.1:0", Input: in, Logger: l, TLSConfig: tlsConfig}
		}, "garbage\r\n", `"connection refused"`, func(ts ingest.TransportStats) uint64 { return ts.Refused }},
		{"TCP frames over the limit", func(in *ingest.Input, l *slog.Logger) streamReceiver {
			return &receive.TCP{Addr: "127.0.0.1:0", Input: in, Logger: l, MaxMessageSize: 8}
		}, "<13>a message too long\n", `"message cut to max_message_size"`, func(ts ingest.TransportStats) uint64 { return ts.Cut }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs logBuffer
			var rcv streamReceiver
			s := serveStream(t, "x", streamReceiverFunc(func() streamReceiver { return rcv }), func(in *ingest.Input) {
				rcv = tt.rcv(in, slog.New(slog.NewTextHandler(&logs, nil)))
			}, ingest.Config{Store: &memStore{}})
			for range peers {
				c, err := net.Dial("tcp", s.addr)
				if err != nil {
					t.Fatal(err)
				}
				fmt.Fprint(c, tt.send)
				c.Close()
			}
			eventually(t, 30*time.Second, func() error {
				if n := tt.counter(s.p.Stats().Transports[0]); n != peers {
					return fmt.Errorf("counted %d of %d peers", n, peers)
				}
				return nil
			})
			if n := logCount(&logs, tt.msg); n != 1 {
				t.Errorf("%d lines %s for %d peers, want 1 until the interval ends", n, tt.msg, peers)
			}
			s.stop()
			if n := logCount(&logs, tt.msg); n != 2 || !strings.Contains(logs.String(), fmt.Sprintf("more_like_this=%d", peers-1)) {
				t.Errorf("after the stop %d lines %s, want 2, the second with more_like_this=%d:\n%s", n, tt.msg, peers-1, logs.String())
			}
		})
	}
}

// streamReceiverFunc is a receiver made once setup has given it its Input.
type streamReceiverFunc func() streamReceiver

func (f streamReceiverFunc) Listen() (net.Listener, error) { return f().Listen() }

func (f streamReceiverFunc) Serve(ctx context.Context, ln net.Listener) error {
	return f().Serve(ctx, ln)
}
