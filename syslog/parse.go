package syslog

import (
	"strconv"
	"time"
)

// Parser turns datagrams into Messages. The zero value is ready: RFC 3164
// timestamps are read in time.Local and their year is inferred from time.Now.
// A Parser is not modified by parsing and may be shared by goroutines.
type Parser struct {
	// Location is the zone of RFC 3164 timestamps, which carry none; nil
	// means time.Local. Parsed timestamps are returned in UTC.
	Location *time.Location
	// Now is the clock for RFC 3164 year inference; nil means time.Now.
	Now func() time.Time
	// Year, when non-zero, is the year of RFC 3164 timestamps that carry
	// none, instead of an inferred one.
	Year int
}

// Parse parses b as RFC 5424 when it starts like one ("<PRI>1 "), else as
// RFC 3164, best effort. One trailing LF or CRLF is framing and is ignored;
// any other trailing bytes (more line ends, NULs, spaces) are the message's.
//
// RFC 5424 is parsed strictly, as ParseRFC5424 does. RFC 3164 is parsed as
// real devices send it: the PRI is optional and may be followed by spaces;
// the timestamp may be "Mmm dd hh:mm:ss" (single-digit days after one or two
// spaces), with a year before or after the time, fractional seconds, a zone
// abbreviation before a colon, Cisco's counters, origin-id, IOS-XR node and
// "*" or "." marks, or an ISO 8601 timestamp; the HOSTNAME is the word after
// the timestamp, whatever its characters, when it is not the TAG; the TAG
// needs a ':' or a "[PID]" after it. A timestamp without a zone is read in
// Location, without a year gets Year or an inferred year, and is returned in
// UTC; a date that does not exist is dropped, the rest of the header kept.
// When no header is recognised, the text after the PRI is the message, with
// its TAG if it starts with one. All the fields are substrings of one copy
// of b.
//
// Parse always returns a usable Message, never drops a byte of the text and
// never panics. A non-nil error (a *ParseError) means b was not a
// well-formed syslog message: an RFC 5424 message that the strict parser
// rejected, or a message without a valid PRI. The Message then has the
// fields parsed before the error, Priority DefaultPriority when there was no
// valid PRI, and Text the rest of the datagram: everything after a valid PRI
// (and its TAG) when no header parsed, the whole datagram when there was no
// valid PRI and no RFC 3164 header.
func (p *Parser) Parse(b []byte) (Message, error) {
	var m Message
	if _, err := p.parse(string(trimFraming(b)), &m); err != nil {
		return m, err
	}
	return m, nil
}

// form says what kind of input Parser.parse recognised.
type form uint8

const (
	formNone    form = iota // neither a PRI nor an RFC 3164 timestamp header
	formRFC5424             // started like RFC 5424 ("<PRI>1 ")
	formRFC3164             // a valid PRI or an RFC 3164 timestamp header
)

// parse is Parse on a string into the zero Message m, also saying what
// kind of input s was. Filling m in place spares copies of a large struct on
// the hot path.
func (p *Parser) parse(s string, m *Message) (form, *ParseError) {
	pri, n, perr := scanPRI(s)
	switch {
	case perr == nil && looksRFC5424(s, n):
		return formRFC5424, parseRFC5424(s, m)
	case perr != nil:
		m.Priority = DefaultPriority
		if p.parseRFC3164(s, 0, false, m) {
			return formRFC3164, perr
		}
		return formNone, perr
	}
	m.Priority = pri
	p.parseRFC3164(s, n, true, m)
	return formRFC3164, nil
}

// looksRFC5424 reports whether s continues after a PRI ending at n with
// RFC 5424's VERSION "1" and a space.
func looksRFC5424(s string, n int) bool {
	return len(s) > n+1 && s[n] == '1' && s[n+1] == ' '
}

// trimFraming removes one trailing LF or CRLF, which senders add as
// framing. Anything else at the end (more line ends, NULs, spaces) is the
// message's.
func trimFraming(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
		if n > 1 && b[n-2] == '\r' {
			b = b[:n-2]
		}
	}
	return b
}

// ParseError is a syntax error in a syslog message: what was expected at
// which column (the 1-based byte offset in the message).
type ParseError struct {
	Format   string // "rfc5424" or "rfc3164"
	Column   int
	Expected string
}

// Error returns the error as "rfc5424: column 5: expected VERSION "1"".
func (e *ParseError) Error() string {
	return e.Format + ": column " + strconv.Itoa(e.Column) + ": expected " + e.Expected
}

// Errors of scanPRI that need no allocation.
var (
	errNoPRI    = &ParseError{Format: "rfc3164", Column: 1, Expected: `PRI "<"`}
	errPRIValue = &ParseError{Format: "rfc3164", Column: 2, Expected: "PRI value 0-191"}
)

// scanPRI reads a PRI ("<" 1*3DIGIT ">", value 0–191) at the start of s and
// returns its value and length. Leading zeros are tolerated, as RFC 3164
// senders use them; the RFC 5424 parser reports them.
func scanPRI(s string) (Priority, int, *ParseError) {
	if len(s) == 0 || s[0] != '<' {
		return 0, 0, errNoPRI
	}
	v, i := 0, 1
	for i < len(s) && i < 5 && isDigit(s[i]) {
		v = v*10 + int(s[i]-'0')
		i++
	}
	switch {
	case i == 1 || i == 5 || v > MaxPriority:
		return 0, 0, errPRIValue
	case i >= len(s) || s[i] != '>':
		return 0, 0, &ParseError{Format: "rfc3164", Column: i + 1, Expected: `">" after PRI value`}
	}
	return Priority(v), i + 1, nil
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
