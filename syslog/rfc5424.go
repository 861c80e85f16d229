package syslog

import (
	"strconv"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// bom is the UTF-8 byte order mark that starts an RFC 5424 MSG-UTF8.
const bom = "\xef\xbb\xbf"

// Field length limits of RFC 5424 §6.
const (
	maxHostname = 255
	maxAppName  = 48
	maxProcID   = 128
	maxMsgID    = 32
	maxSDName   = 32
)

// ParseRFC5424 parses b as one RFC 5424 message, strictly: every rule of the
// RFC's ABNF is checked, including field lengths, date ranges and the escapes
// in STRUCTURED-DATA. A leading BOM is removed from the MSG. Errors are
// *ParseError; the Message then holds the fields parsed before the error and
// Text the rest of b from the field that failed.
func ParseRFC5424(b []byte) (Message, error) {
	m, err := parseRFC5424(string(b))
	if err != nil {
		return m, err
	}
	return m, nil
}

// rfc5424 is the state of one strict parse: the input and the position.
type rfc5424 struct {
	s string
	i int
}

func (r *rfc5424) fail(expected string) *ParseError {
	return &ParseError{Format: "rfc5424", Column: r.i + 1, Expected: expected}
}

// parseRFC5424 parses s, whose substrings become the Message's fields.
func parseRFC5424(s string) (m Message, err *ParseError) {
	r := rfc5424{s: s}
	m.Priority = DefaultPriority
	if m.Priority, err = r.pri(); err != nil {
		m.Text = s
		return m, err
	}
	rest := r.i
	defer func() {
		if err != nil {
			m.Text = s[rest:]
		}
	}()
	if err = r.version(); err != nil {
		return m, err
	}
	rest = r.i
	if m.Timestamp, err = r.timestamp(); err != nil {
		return m, err
	}
	fields := [...]struct {
		dst  *string
		max  int
		name string
	}{
		{&m.Hostname, maxHostname, "HOSTNAME"},
		{&m.AppName, maxAppName, "APP-NAME"},
		{&m.ProcID, maxProcID, "PROCID"},
		{&m.MsgID, maxMsgID, "MSGID"},
	}
	for _, f := range fields {
		if err = r.sp(f.name); err != nil {
			return m, err
		}
		rest = r.i
		if *f.dst, err = r.field(f.name, f.max); err != nil {
			return m, err
		}
	}
	if err = r.sp("STRUCTURED-DATA"); err != nil {
		return m, err
	}
	rest = r.i
	if m.StructuredData, err = r.structuredData(); err != nil {
		return m, err
	}
	if r.i == len(s) {
		return m, nil
	}
	if s[r.i] != ' ' {
		return m, r.fail("SP before MSG or end of message")
	}
	r.i++
	rest = r.i
	m.Text, err = r.msg()
	return m, err
}

// pri reads "<" PRIVAL ">" with PRIVAL 0–191 without leading zeros.
func (r *rfc5424) pri() (Priority, *ParseError) {
	s := r.s
	if len(s) == 0 || s[0] != '<' {
		return DefaultPriority, r.fail(`PRI "<"`)
	}
	r.i = 1
	v := 0
	for r.i < len(s) && isDigit(s[r.i]) {
		if r.i == 4 {
			return DefaultPriority, r.fail(`">" after at most 3 digits of PRI`)
		}
		if r.i == 2 && v == 0 {
			r.i = 1
			return DefaultPriority, r.fail("PRI value without leading zeros")
		}
		v = v*10 + int(s[r.i]-'0')
		r.i++
	}
	switch {
	case r.i == 1:
		return DefaultPriority, r.fail("PRI value 0-191")
	case v > MaxPriority:
		r.i = 1
		return DefaultPriority, r.fail("PRI value 0-191")
	case r.i == len(s) || s[r.i] != '>':
		return DefaultPriority, r.fail(`">" after PRI value`)
	}
	r.i++
	return Priority(v), nil
}

// version reads VERSION "1"; it is the only version defined.
func (r *rfc5424) version() *ParseError {
	if r.i < len(r.s) && r.s[r.i] == '1' {
		r.i++
		if r.i < len(r.s) && isDigit(r.s[r.i]) {
			r.i--
			return r.fail(`VERSION "1"`)
		}
		return r.sp("TIMESTAMP")
	}
	return r.fail(`VERSION "1"`)
}

// sp reads the single space that precedes the field named next.
func (r *rfc5424) sp(next string) *ParseError {
	if r.i < len(r.s) && r.s[r.i] == ' ' {
		r.i++
		return nil
	}
	return r.fail("SP before " + next)
}

// field reads a header field: NILVALUE or 1 to max PRINTUSASCII characters.
func (r *rfc5424) field(name string, max int) (string, *ParseError) {
	s, start := r.s, r.i
	for r.i < len(s) && s[r.i] != ' ' {
		if c := s[r.i]; c < 33 || c > 126 {
			return "", r.fail(name + " of printable US-ASCII")
		}
		if r.i-start == max {
			return "", r.fail("SP after " + name + " (at most " + strconv.Itoa(max) + " characters)")
		}
		r.i++
	}
	switch v := s[start:r.i]; v {
	case "":
		return "", r.fail(name + ` or "-"`)
	case "-":
		return "", nil
	default:
		return v, nil
	}
}

// timestamp reads NILVALUE or an RFC 3339 FULL-DATE "T" FULL-TIME with at
// most 6 fractional digits and an uppercase "T" and "Z".
func (r *rfc5424) timestamp() (time.Time, *ParseError) {
	s := r.s
	if r.i < len(s) && s[r.i] == '-' {
		r.i++
		return time.Time{}, nil
	}
	year, ok := r.digits(4)
	if !ok {
		return time.Time{}, r.fail(`TIMESTAMP (YYYY-MM-DDThh:mm:ss[.ffffff]Z or ±hh:mm) or "-"`)
	}
	var month, day, hour, min, sec, nsec int
	steps := [...]struct {
		sep  byte
		dst  *int
		max  int
		name string
	}{
		{'-', &month, 12, "month 01-12"},
		{'-', &day, 31, "day 01-31"},
		{'T', &hour, 23, "hour 00-23"},
		{':', &min, 59, "minute 00-59"},
		{':', &sec, 59, "second 00-59"},
	}
	dayAt := 0
	for _, st := range steps {
		if r.i >= len(s) || s[r.i] != st.sep {
			return time.Time{}, r.fail(`"` + string(st.sep) + `" in TIMESTAMP`)
		}
		r.i++
		at := r.i
		v, ok := r.digits(2)
		if !ok || v > st.max || (st.dst == &month || st.dst == &day) && v == 0 {
			r.i = at
			return time.Time{}, r.fail("2-digit " + st.name)
		}
		if st.dst == &day {
			dayAt = at
		}
		*st.dst = v
	}
	if day > daysIn(time.Month(month), year) {
		r.i = dayAt
		return time.Time{}, r.fail("day that exists in the month")
	}
	if r.i < len(s) && s[r.i] == '.' {
		r.i++
		n := 0
		for r.i < len(s) && isDigit(s[r.i]) {
			if n == 6 {
				return time.Time{}, r.fail("TIME-OFFSET after at most 6 fractional digits")
			}
			nsec = nsec*10 + int(s[r.i]-'0')
			n++
			r.i++
		}
		if n == 0 {
			return time.Time{}, r.fail("digit of TIME-SECFRAC")
		}
		nsec *= pow10[9-n]
	}
	loc, err := r.offset()
	if err != nil {
		return time.Time{}, err
	}
	return time.Date(year, time.Month(month), day, hour, min, sec, nsec, loc), nil
}

// offset reads TIME-OFFSET: "Z" or ("+" / "-") hh ":" mm.
func (r *rfc5424) offset() (*time.Location, *ParseError) {
	s := r.s
	if r.i >= len(s) {
		return nil, r.fail(`TIME-OFFSET "Z" or ±hh:mm`)
	}
	switch s[r.i] {
	case 'Z':
		r.i++
		return time.UTC, nil
	case '+', '-':
	default:
		return nil, r.fail(`TIME-OFFSET "Z" or ±hh:mm`)
	}
	sign := 1
	if s[r.i] == '-' {
		sign = -1
	}
	r.i++
	h, ok := r.digits(2)
	if !ok || h > 23 {
		return nil, r.fail("2-digit offset hour 00-23")
	}
	if r.i >= len(s) || s[r.i] != ':' {
		return nil, r.fail(`":" in TIME-OFFSET`)
	}
	r.i++
	mi, ok := r.digits(2)
	if !ok || mi > 59 {
		return nil, r.fail("2-digit offset minute 00-59")
	}
	return fixedZone(sign * (h*60 + mi)), nil
}

// digits reads exactly n decimal digits. On failure the position is where
// the digits should have been.
func (r *rfc5424) digits(n int) (int, bool) {
	s := r.s
	if r.i+n > len(s) {
		return 0, false
	}
	v := 0
	for j := r.i; j < r.i+n; j++ {
		if !isDigit(s[j]) {
			return 0, false
		}
		v = v*10 + int(s[j]-'0')
	}
	r.i += n
	return v, true
}

// structuredData reads NILVALUE or one or more SD-ELEMENTs.
func (r *rfc5424) structuredData() ([]SDElement, *ParseError) {
	s := r.s
	if r.i < len(s) && s[r.i] == '-' {
		r.i++
		return nil, nil
	}
	if r.i >= len(s) || s[r.i] != '[' {
		return nil, r.fail(`STRUCTURED-DATA "[" or "-"`)
	}
	var (
		elems  []SDElement
		params []SDParam
		ends   []int // ends[k] is the end of element k's params in params
	)
	var endBuf [4]int
	ends = endBuf[:0]
	for r.i < len(s) && s[r.i] == '[' {
		r.i++
		id, err := r.sdName("SD-ID", true)
		if err != nil {
			return nil, err
		}
		elems = append(elems, SDElement{ID: id})
		for r.i < len(s) && s[r.i] == ' ' {
			r.i++
			p, err := r.sdParam()
			if err != nil {
				return nil, err
			}
			params = append(params, p)
		}
		if r.i >= len(s) || s[r.i] != ']' {
			return nil, r.fail(`SP or "]" in SD-ELEMENT`)
		}
		r.i++
		ends = append(ends, len(params))
	}
	start := 0
	for k := range elems {
		if ends[k] > start {
			elems[k].Params = params[start:ends[k]:ends[k]]
		}
		start = ends[k]
	}
	return elems, nil
}

// sdName reads an SD-NAME: 1 to 32 PRINTUSASCII except '=', SP, ']' and
// '"'. An SD-ID with '@' must be name@enterprise-number (digits and dots).
func (r *rfc5424) sdName(what string, id bool) (string, *ParseError) {
	s, start, at := r.s, r.i, -1
	for r.i < len(s) {
		c := s[r.i]
		if c == '=' || c == ' ' || c == ']' || c == '"' {
			break
		}
		if c < 33 || c > 126 {
			return "", r.fail(what + " of printable US-ASCII except '=', SP, ']' and '\"'")
		}
		if r.i-start == maxSDName {
			return "", r.fail(what + " of at most 32 characters")
		}
		if c == '@' && id {
			if at >= 0 || r.i == start {
				return "", r.fail("SD-ID of the form name@enterprise-number")
			}
			at = r.i
		}
		r.i++
	}
	if r.i == start {
		return "", r.fail(what)
	}
	if at >= 0 && !isEnterpriseNumber(s[at+1:r.i]) {
		r.i = at + 1
		return "", r.fail("private enterprise number (digits and dots) after '@' in SD-ID")
	}
	return s[start:r.i], nil
}

// isEnterpriseNumber reports whether s is a private enterprise number such
// as "32473" or "32473.1.2".
func isEnterpriseNumber(s string) bool {
	if s == "" || !isDigit(s[0]) || !isDigit(s[len(s)-1]) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) && (s[i] != '.' || s[i-1] == '.') {
			return false
		}
	}
	return true
}

// sdParam reads PARAM-NAME "=" %d34 PARAM-VALUE %d34 and unescapes the
// value. '"', '\' and ']' must be escaped with '\'; a '\' before any other
// character is kept as it is (RFC 5424 §6.3.3).
func (r *rfc5424) sdParam() (SDParam, *ParseError) {
	name, err := r.sdName("PARAM-NAME", false)
	if err != nil {
		return SDParam{}, err
	}
	s := r.s
	if r.i >= len(s) || s[r.i] != '=' {
		return SDParam{}, r.fail(`"=" after PARAM-NAME`)
	}
	r.i++
	if r.i >= len(s) || s[r.i] != '"' {
		return SDParam{}, r.fail(`'"' to open PARAM-VALUE`)
	}
	r.i++
	start, escaped, high := r.i, false, byte(0)
	for {
		if r.i >= len(s) {
			return SDParam{}, r.fail(`'"' to close PARAM-VALUE`)
		}
		c := s[r.i]
		if c == '"' {
			break
		}
		switch c {
		case '\\':
			if r.i+1 < len(s) {
				switch s[r.i+1] {
				case '"', '\\', ']':
					escaped = true
					r.i++
				}
			}
		case ']':
			return SDParam{}, r.fail(`'\]' for a ']' in PARAM-VALUE`)
		}
		high |= c
		r.i++
	}
	v := s[start:r.i]
	if high >= utf8.RuneSelf && !utf8.ValidString(v) {
		r.i = start + firstInvalidUTF8(v)
		return SDParam{}, r.fail("UTF-8 in PARAM-VALUE")
	}
	r.i++
	if escaped {
		v = unescapeParamValue(v)
	}
	return SDParam{Name: name, Value: v}, nil
}

// unescapeParamValue removes the '\' of the escapes \" \\ and \].
func unescapeParamValue(v string) string {
	b := make([]byte, 0, len(v))
	for i := 0; i < len(v); i++ {
		if v[i] == '\\' && i+1 < len(v) {
			switch v[i+1] {
			case '"', '\\', ']':
				i++
			}
		}
		b = append(b, v[i])
	}
	return string(b)
}

// msg reads MSG: octets, or a BOM and UTF-8 text. The BOM is removed.
func (r *rfc5424) msg() (string, *ParseError) {
	m := r.s[r.i:]
	if len(m) >= len(bom) && m[:len(bom)] == bom {
		m = m[len(bom):]
		if !utf8.ValidString(m) {
			r.i += len(bom) + firstInvalidUTF8(m)
			return m, r.fail("UTF-8 in MSG after BOM")
		}
	}
	r.i = len(r.s)
	return m, nil
}

// firstInvalidUTF8 returns the offset of the first byte of s that is not
// part of valid UTF-8, or len(s).
func firstInvalidUTF8(s string) int {
	for i, c := range s {
		if c == utf8.RuneError {
			if _, n := utf8.DecodeRuneInString(s[i:]); n == 1 {
				return i
			}
		}
	}
	return len(s)
}

var pow10 = [...]int{1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000}

// daysIn returns the number of days in month m of year y.
func daysIn(m time.Month, y int) int {
	switch m {
	case time.February:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// zones caches the *time.Location of each whole-minute UTC offset from
// -23:59 to +23:59, so that parsing a timestamp does not allocate one.
var zones [2*24*60 - 1]atomic.Pointer[time.Location]

// fixedZone returns the location for an offset in minutes east of UTC.
func fixedZone(minutes int) *time.Location {
	if minutes == 0 {
		return time.UTC
	}
	z := &zones[minutes+24*60-1]
	if loc := z.Load(); loc != nil {
		return loc
	}
	loc := time.FixedZone("", minutes*60)
	z.CompareAndSwap(nil, loc)
	return z.Load()
}
