package relp_test

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/aiosyslogd/aiosyslogd/syslog/receive/relp"
)

// Any bytes, as a session: the Reader and the Session never panic, DATA
// never exceeds the limit, and every frame the Session cannot take ends the
// session with a 500.
func FuzzSession(f *testing.F) {
	f.Add([]byte(frame(1, "open", librelpOpen)+frame(2, "syslog", "<13>x")+frame(3, "close", "")), 8)
	f.Add([]byte("1 open 0\n2 syslog 1 x\n"), 0)
	f.Add([]byte("1 syslog 99999999 x"), 4)
	f.Add([]byte("0 serverclose 0\n1 rsp 6 200 OK\n"), 0)
	f.Fuzz(func(t *testing.T, in []byte, max int) {
		if max < 0 || max > 1<<20 {
			return
		}
		r := relp.NewReader(bufio.NewReader(bytes.NewReader(in)), max)
		s := relp.Session{}
		for range len(in) + 1 { // each frame takes at least 6 bytes
			fr, err := r.Next()
			if err != nil {
				var fe *relp.FrameError
				if !errors.As(err, &fe) && err != io.EOF && err != io.ErrUnexpectedEOF {
					t.Fatalf("error %v from a bytes.Reader", err)
				}
				return
			}
			if max > 0 && len(fr.Data) > max {
				t.Fatalf("DATA of %d bytes over the limit %d", len(fr.Data), max)
			}
			step, err := s.Receive(fr)
			if err != nil && (!step.End || !bytes.Contains(step.Reply, []byte(" rsp "))) {
				t.Fatalf("refused frame %+v without a 500 that ends the session: %+v", fr, step)
			}
			if step.End {
				return
			}
		}
		t.Fatal("more frames than bytes")
	})
}

// Frames written by AppendFrame read back as they were.
func FuzzFrameRoundTrip(f *testing.F) {
	f.Add(1, "syslog", []byte("<13>hello\n"))
	f.Add(999999999, "open", []byte(""))
	f.Fuzz(func(t *testing.T, txnr int, cmd string, data []byte) {
		if txnr < 0 || txnr > relp.MaxTxnr || len(cmd) == 0 || len(cmd) > 32 {
			return
		}
		for _, c := range []byte(cmd) {
			if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
				return
			}
		}
		got, err := relp.NewReader(bufio.NewReader(bytes.NewReader(relp.AppendFrame(nil, txnr, cmd, data))), 0).Next()
		if err != nil || got.Txnr != txnr || got.Command != cmd || !bytes.Equal(got.Data, data) {
			t.Errorf("read back %+v, %v; want %d %s %q", got, err, txnr, cmd, data)
		}
	})
}
