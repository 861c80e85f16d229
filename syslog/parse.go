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
// RFC 3164, best effort. Trailing line feeds, carriage returns and NUL bytes
// are framing, not content, and are ignored.
//
// Parse always returns a usable Message, never drops a byte of the text and
// never panics. A non-nil error (a *ParseError) means b was not a
// well-formed syslog message: an RFC 5424 message that the strict parser
// rejected, or a message without a valid PRI. The Message then has the
// fields parsed before the error, Priority DefaultPriority when there was no
// valid PRI, and Text the rest of the datagram: everything after a valid PRI
// when no header parsed, the whole datagram when there was no valid PRI and
// no RFC 3164 header.
func (p *Parser) Parse(b []byte) (Message, error) {
	m, err, _ := p.parse(string(trimFraming(b)))
	if err != nil {
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

// parse is Parse on a string, also saying what kind of input s was. The
// error is a typed nil-able pointer so that callers on the hot path avoid an
// interface conversion when there is none.
func (p *Parser) parse(s string) (Message, *ParseError, form) {
	pri, n, perr := scanPRI(s)
	if perr == nil && looksRFC5424(s, n) {
		m, err := parseRFC5424(s)
		return m, err, formRFC5424
	}
	if perr != nil {
		m, header := p.parseRFC3164(s, 0)
		m.Priority = DefaultPriority
		f := formNone
		if header {
			f = formRFC3164
		}
		return m, perr, f
	}
	m, _ := p.parseRFC3164(s, n)
	m.Priority = pri
	return m, nil, formRFC3164
}

// looksRFC5424 reports whether s continues after a PRI ending at n with
// RFC 5424's VERSION "1" and a space.
func looksRFC5424(s string, n int) bool {
	return len(s) > n+1 && s[n] == '1' && s[n+1] == ' '
}

// trimFraming removes trailing LF, CR and NUL bytes, which senders add as
// framing.
func trimFraming(b []byte) []byte {
	for len(b) > 0 {
		switch b[len(b)-1] {
		case '\n', '\r', 0:
			b = b[:len(b)-1]
		default:
			return b
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

// scanPRI reads a PRI ("<" 1*3DIGIT ">", value 0–191, no leading zeros) at
// the start of s and returns its value and length. A leading zero is only
// tolerated here so that the RFC 5424 parser can report it precisely; RFC
// 3164 input with one is accepted by the caller through lenient.
func scanPRI(s string) (Priority, int, *ParseError) {
	if len(s) == 0 || s[0] != '<' {
		return 0, 0, &ParseError{Format: "rfc3164", Column: 1, Expected: `PRI "<"`}
	}
	v, i := 0, 1
	for i < len(s) && i < 5 && isDigit(s[i]) {
		v = v*10 + int(s[i]-'0')
		i++
	}
	switch {
	case i == 1 || i == 5 || v > MaxPriority:
		return 0, 0, &ParseError{Format: "rfc3164", Column: 2, Expected: "PRI value 0-191"}
	case i >= len(s) || s[i] != '>':
		return 0, 0, &ParseError{Format: "rfc3164", Column: i + 1, Expected: `">" after PRI value`}
	}
	return Priority(v), i + 1, nil
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
