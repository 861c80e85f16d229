package relp

import (
	"bytes"
	"fmt"
	"slices"
)

// Offer is one line of an open command's data: NAME=VALUE,VALUE….
type Offer struct {
	Name   string
	Values []string
}

// ParseOffers reads the offers of an open command (or of its answer).
func ParseOffers(data []byte) []Offer {
	var offers []Offer
	for len(data) > 0 {
		var line []byte
		line, data, _ = bytes.Cut(data, []byte("\n"))
		name, values, _ := bytes.Cut(line, []byte("="))
		o := Offer{Name: string(name)}
		for _, v := range bytes.Split(values, []byte(",")) {
			if len(v) > 0 {
				o.Values = append(o.Values, string(v))
			}
		}
		offers = append(offers, o)
	}
	return offers
}

// protocolVersion is the relp_version this server speaks (librelp's).
const protocolVersion = "0"

// Session is the server side of one RELP session: which transaction
// number comes next, whether the session is open. Feed it each frame the
// client sends with Receive. A Session is not safe for concurrent use.
type Session struct {
	// Software is what the server calls itself in the answer to open
	// (relp_software), e.g. "aiosyslogd".
	Software string
	next     int // the TXNR the next frame must carry; 0 = 1
	open     bool
}

// Step says what the server does with one frame.
type Step struct {
	// Syslog is set for a syslog command: Message is the message to store
	// (possibly empty); acknowledge it (AppendOK with Txnr) only once it
	// is stored.
	Syslog  bool
	Message []byte
	Cut     bool // the message was longer than the Reader's limit
	Txnr    int
	// Reply, when set, is the response to send now: the answer to open or
	// close, or an error.
	Reply []byte
	// End says that the session is over once Reply is sent (and, for
	// close, once every message before it is acknowledged).
	End bool
}

// Receive checks f against the session and returns what to do. A frame
// the session cannot take (out of sequence, before open, an unknown
// command, an open without syslog) gets rsp 500 and ends the session; the
// error says why.
func (s *Session) Receive(f Frame) (Step, error) {
	if s.next == 0 {
		s.next = 1
	}
	if f.Txnr != 0 { // 0 is for hints, outside the sequence
		if f.Txnr != s.next {
			return s.fail(f, fmt.Sprintf("txnr %d out of sequence, want %d", f.Txnr, s.next))
		}
		s.next = NextTxnr(s.next)
	}
	switch f.Command {
	case "open":
		return s.openSession(f)
	case "syslog":
		if !s.open {
			return s.fail(f, "syslog before open")
		}
		return Step{Syslog: true, Message: f.Data, Cut: f.Cut, Txnr: f.Txnr}, nil
	case "close":
		return Step{Txnr: f.Txnr, Reply: AppendFrame(nil, f.Txnr, "rsp", nil), End: true}, nil
	}
	return s.fail(f, fmt.Sprintf("command %q not supported", f.Command))
}

// openSession answers open: the version, our name and the syslog command,
// which the client must offer.
func (s *Session) openSession(f Frame) (Step, error) {
	if s.open { // librelp sometimes opens twice; harmless, as librelp's server says
		return Step{Txnr: f.Txnr, Reply: AppendFrame(nil, f.Txnr, "rsp", []byte("200 connection already open - ignored"))}, nil
	}
	offers := ParseOffers(f.Data)
	i := slices.IndexFunc(offers, func(o Offer) bool { return o.Name == "relp_version" })
	if i < 0 || len(offers[i].Values) == 0 {
		return s.fail(f, "open without relp_version")
	}
	i = slices.IndexFunc(offers, func(o Offer) bool { return o.Name == "commands" })
	if i < 0 || !slices.Contains(offers[i].Values, "syslog") {
		return s.fail(f, "required command syslog not offered by the client")
	}
	s.open = true
	software := s.Software
	if software == "" {
		software = "aiosyslogd"
	}
	answer := fmt.Appendf(nil, "200 OK\nrelp_version=%s\nrelp_software=%s\ncommands=syslog", protocolVersion, software)
	return Step{Txnr: f.Txnr, Reply: AppendFrame(nil, f.Txnr, "rsp", answer)}, nil
}

func (s *Session) fail(f Frame, reason string) (Step, error) {
	return Step{Txnr: f.Txnr, Reply: AppendError(nil, f.Txnr, reason), End: true}, fmt.Errorf("RELP session: %s", reason)
}
