package relp_test

import (
	"bufio"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/aiosyslogd/aiosyslogd/syslog/receive/relp"
)

// librelpOpen is the open command rsyslog's omrelp sends.
const librelpOpen = "relp_version=0\nrelp_software=librelp,1.11.0,https://github.com/rsyslog/librelp\ncommands=syslog"

func frame(txnr int, cmd, data string) string {
	return string(relp.AppendFrame(nil, txnr, cmd, []byte(data)))
}

func TestReader(t *testing.T) {
	type want struct {
		txnr      int
		cmd, data string
		cut       bool
	}
	tests := []struct {
		name    string
		in      string
		max     int
		want    []want
		wantErr string // the error after the frames; "" = io.EOF
	}{
		{name: "a session", in: frame(1, "open", librelpOpen) + frame(2, "syslog", "<13>hello") + frame(3, "close", ""),
			want: []want{{1, "open", librelpOpen, false}, {2, "syslog", "<13>hello", false}, {3, "close", "", false}}},
		{name: "DATA with LF and NUL", in: frame(7, "syslog", "a\nb\x00c\n"), want: []want{{7, "syslog", "a\nb\x00c\n", false}}},
		{name: "DATALEN 0 with SP", in: "4 close 0 \n", want: []want{{4, "close", "", false}}},
		{name: "largest TXNR", in: frame(999999999, "syslog", "x"), want: []want{{999999999, "syslog", "x", false}}},
		{name: "server hint", in: "0 serverclose 0\n", want: []want{{0, "serverclose", "", false}}},
		{name: "DATA cut at the limit", max: 4, in: frame(1, "syslog", "0123456789") + frame(2, "syslog", "ok"),
			want: []want{{1, "syslog", "0123", true}, {2, "syslog", "ok", false}}},

		{name: "letters in TXNR", in: "1a syslog 1 x\n", wantErr: `malformed RELP frame: 'a' after the 1 digits of TXNR`},
		{name: "ten-digit TXNR", in: "1234567890 syslog 1 x\n", wantErr: "after the 9 digits of TXNR"},
		{name: "no TXNR", in: "syslog 1 x\n", wantErr: "where TXNR should start"},
		{name: "no command", in: "1  1 x\n", wantErr: `in or after COMMAND ""`},
		{name: "digit in command", in: "1 sys1og 1 x\n", wantErr: "in or after COMMAND"},
		{name: "command too long", in: "1 " + strings.Repeat("a", 33) + " 0\n", wantErr: "in or after COMMAND"},
		{name: "no DATALEN", in: "1 syslog x\n", wantErr: "where DATALEN should start"},
		{name: "DATALEN without SP before DATA", in: "1 syslog 5\n", wantErr: "after the 1 digits of DATALEN"},
		{name: "DATA longer than DATALEN", in: "1 syslog 2 abc\n", wantErr: `'c' where the frame should end with LF`},
		{name: "ten-digit DATALEN", in: "1 syslog 1234567890 x\n", wantErr: "after the 9 digits of DATALEN"},
		{name: "cut inside DATA", in: "1 syslog 10 abc", wantErr: "unexpected EOF"},
		{name: "cut inside TXNR", in: "12", wantErr: "unexpected EOF"},
		{name: "HTTP", in: "GET / HTTP/1.1\r\n", wantErr: "where TXNR should start"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := relp.NewReader(bufio.NewReader(iotest.OneByteReader(strings.NewReader(tt.in))), tt.max)
			var got []want
			var err error
			for range 10 {
				var f relp.Frame
				if f, err = r.Next(); err != nil {
					break
				}
				got = append(got, want{f.Txnr, f.Command, string(f.Data), f.Cut})
			}
			if len(got) != len(tt.want) {
				t.Fatalf("frames %+v, want %+v (err %v)", got, tt.want, err)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("frame %d = %+v, want %+v", i, got[i], tt.want[i])
				}
			}
			switch {
			case tt.wantErr == "" && err != io.EOF:
				t.Errorf("ended with %v, want io.EOF", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("ended with %v, want %q", err, tt.wantErr)
			}
		})
	}
}

// A malformed frame says which transaction it was, when it got that far,
// so that the 500 answers it.
func TestFrameErrorCarriesTheTxnr(t *testing.T) {
	_, err := relp.NewReader(bufio.NewReader(strings.NewReader("42 syslog x\n")), 0).Next()
	var fe *relp.FrameError
	if !errors.As(err, &fe) || fe.Txnr != 42 {
		t.Errorf("err = %#v, want a FrameError for txnr 42", err)
	}
}

func TestSession(t *testing.T) {
	type step struct {
		frame          relp.Frame
		message, reply string
		end, wantErr   bool
		ackTxnr        int
	}
	open := relp.Frame{Txnr: 1, Command: "open", Data: []byte(librelpOpen)}
	answer := frame(1, "rsp", "200 OK\nrelp_version=0\nrelp_software=test\ncommands=syslog")
	tests := []struct {
		name  string
		steps []step
	}{
		{"open, messages, close", []step{
			{frame: open, reply: answer},
			{frame: relp.Frame{Txnr: 2, Command: "syslog", Data: []byte("<13>one")}, message: "<13>one", ackTxnr: 2},
			{frame: relp.Frame{Txnr: 3, Command: "syslog", Data: []byte("<13>two")}, message: "<13>two", ackTxnr: 3},
			{frame: relp.Frame{Txnr: 4, Command: "close"}, reply: "4 rsp 0\n", end: true},
		}},
		{"open twice", []step{
			{frame: open, reply: answer},
			{frame: relp.Frame{Txnr: 2, Command: "open", Data: []byte(librelpOpen)}, reply: frame(2, "rsp", "200 connection already open - ignored")},
		}},
		{"syslog before open", []step{
			{frame: relp.Frame{Txnr: 1, Command: "syslog", Data: []byte("x")}, reply: frame(1, "rsp", "500 syslog before open"), end: true, wantErr: true},
		}},
		{"txnr out of sequence", []step{
			{frame: open, reply: answer},
			{frame: relp.Frame{Txnr: 5, Command: "syslog", Data: []byte("x")}, reply: frame(5, "rsp", "500 txnr 5 out of sequence, want 2"), end: true, wantErr: true},
		}},
		{"first txnr not 1", []step{
			{frame: relp.Frame{Txnr: 2, Command: "open", Data: []byte(librelpOpen)}, reply: frame(2, "rsp", "500 txnr 2 out of sequence, want 1"), end: true, wantErr: true},
		}},
		{"open without syslog", []step{
			{frame: relp.Frame{Txnr: 1, Command: "open", Data: []byte("relp_version=0\ncommands=foo")}, reply: frame(1, "rsp", "500 required command syslog not offered by the client"), end: true, wantErr: true},
		}},
		{"open without relp_version", []step{
			{frame: relp.Frame{Txnr: 1, Command: "open", Data: []byte("commands=syslog")}, reply: frame(1, "rsp", "500 open without relp_version"), end: true, wantErr: true},
		}},
		{"unknown command", []step{
			{frame: open, reply: answer},
			{frame: relp.Frame{Txnr: 2, Command: "starttls"}, reply: frame(2, "rsp", `500 command "starttls" not supported`), end: true, wantErr: true},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := relp.Session{Software: "test"}
			for i, st := range tt.steps {
				got, err := s.Receive(st.frame)
				if (err != nil) != st.wantErr || string(got.Message) != st.message || string(got.Reply) != st.reply || got.End != st.end {
					t.Fatalf("step %d: Receive = %+v (reply %q), %v; want message %q, reply %q, end %v, error %v",
						i, got, got.Reply, err, st.message, st.reply, st.end, st.wantErr)
				}
				if st.message != "" && got.Txnr != st.ackTxnr {
					t.Errorf("step %d: txnr %d, want %d", i, got.Txnr, st.ackTxnr)
				}
			}
		})
	}
}

// Transaction numbers wrap from 999,999,999 to 1.
func TestNextTxnrWraps(t *testing.T) {
	for _, tt := range []struct{ in, want int }{{1, 2}, {998, 999}, {relp.MaxTxnr, 1}} {
		if got := relp.NextTxnr(tt.in); got != tt.want {
			t.Errorf("NextTxnr(%d) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestResponses(t *testing.T) {
	for _, tt := range []struct{ got, want string }{
		{string(relp.AppendOK(nil, 17)), "17 rsp 6 200 OK\n"},
		{string(relp.AppendError(nil, 3, "bad")), "3 rsp 7 500 bad\n"},
		{string(relp.ServerClose), "0 serverclose 0\n"},
	} {
		if tt.got != tt.want {
			t.Errorf("%q, want %q", tt.got, tt.want)
		}
	}
}

func TestParseOffers(t *testing.T) {
	got := relp.ParseOffers([]byte(librelpOpen))
	if len(got) != 3 || got[1].Name != "relp_software" || len(got[1].Values) != 3 || got[2].Values[0] != "syslog" {
		t.Errorf("offers = %+v", got)
	}
}
