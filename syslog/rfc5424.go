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
	var m Message
	if err := parseRFC5424(string(b), &m); err != nil {
		return m, err
	}
	return m, nil
}

// ParseStructuredData parses s as RFC 5424 STRUCTURED-DATA on its own: "-"
// (none, a nil result) or one or more SD-ELEMENTs and nothing after them,
// the form in which AppendStructuredData writes it and a store keeps it.
// The rules are ParseRFC5424's; an error is a *ParseError whose column
// counts in s.
func ParseStructuredData(s string) ([]SDElement, error) {
	r := rfc5424{s: s}
	sd, err := r.structuredData()
	if err != nil {
		return nil, err
	}
	if r.i != len(s) {
		return nil, r.fail(`"[" or the end of STRUCTURED-DATA`)
	}
	return sd, nil
}

// rfc5424 is the state of one strict parse: the input and the position.
type rfc5424 struct {
	s string
	i int
}

func (r *rfc5424) fail(expected string) *ParseError {
	return &ParseError{Format: "rfc5424", Column: r.i + 1, Expected: expected}
}

// parseRFC5424 parses s into the zero Message m; the fields are substrings
// of s.
func parseRFC5424(s string, m *Message) (err *ParseError) {
	r := rfc5424{s: s}
	if m.Priority, err = r.pri(); err != nil {
		m.Text = s
		return err
	}
	rest := r.i
	defer func() {
		if err != nil {
			m.Text = s[rest:]
		}
	}()
	if err = r.version(); err != nil {
		return err
	}
	if m.Timestamp, err = r.timestamp(); err != nil {
		return err
	}
	if err = r.field(&m.Hostname, "HOSTNAME", maxHostname, &rest); err != nil {
		return err
	}
	if err = r.field(&m.AppName, "APP-NAME", maxAppName, &rest); err != nil {
		return err
	}
	if err = r.field(&m.ProcID, "PROCID", maxProcID, &rest); err != nil {
		return err
	}
	if err = r.field(&m.MsgID, "MSGID", maxMsgID, &rest); err != nil {
		return err
	}
	if err = r.sp("STRUCTURED-DATA"); err != nil {
		return err
	}
	rest = r.i
	if m.StructuredData, err = r.structuredData(); err != nil {
		return err
	}
	if r.i == len(s) {
		return nil
	}
	if s[r.i] != ' ' {
		return r.fail("SP before MSG or end of message")
	}
	r.i++
	rest = r.i
	m.Text, err = r.msg()
	return err
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

// field reads SP and a header field into dst: NILVALUE or 1 to max
// PRINTUSASCII characters. It sets start to where the field starts.
func (r *rfc5424) field(dst *string, name string, max int, start *int) *ParseError {
	if err := r.sp(name); err != nil {
		return err
	}
	s, i := r.s, r.i
	*start = i
	j, end := i, len(s)
	if end > i+max+1 {
		end = i + max + 1
	}
	for ; j < end && s[j] != ' '; j++ {
		if s[j]-33 > 126-33 { // outside 33–126
			r.i = j
			return r.fail(name + " of printable US-ASCII")
		}
	}
	switch {
	case j-i > max:
		r.i = i + max
		return r.fail("SP after " + name + " (at most " + strconv.Itoa(max) + " characters)")
	case j == i:
		return r.fail(name + ` or "-"`)
	case j == i+1 && s[i] == '-':
		*dst = ""
	default:
		*dst = s[i:j]
	}
	r.i = j
	return nil
}

// timestamp reads NILVALUE or an RFC 3339 FULL-DATE "T" FULL-TIME with at
// most 6 fractional digits and an uppercase "T" and "Z".
func (r *rfc5424) timestamp() (time.Time, *ParseError) {
	s := r.s
	if r.i < len(s) && s[r.i] == '-' {
		r.i++
		return time.Time{}, nil
	}
	year, month, day, hour, min, sec, ok := fastDateTime(s[r.i:])
	if ok {
		r.i += len("YYYY-MM-DDThh:mm:ss")
	} else if err := r.dateTime(&year, &month, &day, &hour, &min, &sec); err != nil {
		return time.Time{}, err
	}
	nsec := 0
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
	off, err := r.offset()
	if err != nil {
		return time.Time{}, err
	}
	unix := unixCivil(year, month, day, hour, min, sec) - int64(off*60)
	return time.Unix(unix, int64(nsec)).In(fixedZone(off)), nil
}

// dateTime reads FULL-DATE "T" PARTIAL-TIME without the fraction, and
// says precisely what is wrong when it cannot.
func (r *rfc5424) dateTime(year, month, day, hour, min, sec *int) *ParseError {
	s := r.s
	var ok bool
	if *year, ok = r.digits(4); !ok {
		return r.fail(`TIMESTAMP (YYYY-MM-DDThh:mm:ss[.ffffff]Z or ±hh:mm) or "-"`)
	}
	steps := [...]struct {
		sep  byte
		dst  *int
		max  int
		name string
	}{
		{'-', month, 12, "month 01-12"},
		{'-', day, 31, "day 01-31"},
		{'T', hour, 23, "hour 00-23"},
		{':', min, 59, "minute 00-59"},
		{':', sec, 59, "second 00-59"},
	}
	dayAt := 0
	for _, st := range steps {
		if r.i >= len(s) || s[r.i] != st.sep {
			return r.fail(`"` + string(st.sep) + `" in TIMESTAMP`)
		}
		r.i++
		at := r.i
		v, ok := r.digits(2)
		if !ok || v > st.max || (st.dst == month || st.dst == day) && v == 0 {
			r.i = at
			return r.fail("2-digit " + st.name)
		}
		if st.dst == day {
			dayAt = at
		}
		*st.dst = v
	}
	if *day > daysIn(time.Month(*month), *year) {
		r.i = dayAt
		return r.fail("day that exists in the month")
	}
	return nil
}

// fastDateTime reads "YYYY-MM-DDThh:mm:ss" at the start of s when it is
// there and valid; dateTime explains what is wrong when it is not.
func fastDateTime(s string) (year, month, day, hour, min, sec int, ok bool) {
	if len(s) < 19 {
		return
	}
	s = s[:19]
	if s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' ||
		s[0]-'0' > 9 || s[1]-'0' > 9 || s[2]-'0' > 9 || s[3]-'0' > 9 || s[5]-'0' > 9 || s[6]-'0' > 9 ||
		s[8]-'0' > 9 || s[9]-'0' > 9 || s[11]-'0' > 9 || s[12]-'0' > 9 || s[14]-'0' > 9 ||
		s[15]-'0' > 9 || s[17]-'0' > 9 || s[18]-'0' > 9 {
		return
	}
	year = int(s[0]-'0')*1000 + int(s[1]-'0')*100 + int(s[2]-'0')*10 + int(s[3]-'0')
	month = int(s[5]-'0')*10 + int(s[6]-'0')
	day = int(s[8]-'0')*10 + int(s[9]-'0')
	hour = int(s[11]-'0')*10 + int(s[12]-'0')
	min = int(s[14]-'0')*10 + int(s[15]-'0')
	sec = int(s[17]-'0')*10 + int(s[18]-'0')
	ok = month >= 1 && month <= 12 && day >= 1 && day <= daysIn(time.Month(month), year) &&
		hour <= 23 && min <= 59 && sec <= 59
	return
}

// offset reads TIME-OFFSET, "Z" or ("+" / "-") hh ":" mm, and returns it in
// minutes east of UTC.
func (r *rfc5424) offset() (int, *ParseError) {
	s := r.s
	if r.i >= len(s) {
		return 0, r.fail(`TIME-OFFSET "Z" or ±hh:mm`)
	}
	switch s[r.i] {
	case 'Z':
		r.i++
		return 0, nil
	case '+', '-':
	default:
		return 0, r.fail(`TIME-OFFSET "Z" or ±hh:mm`)
	}
	sign := 1
	if s[r.i] == '-' {
		sign = -1
	}
	r.i++
	at := r.i
	h, ok := r.digits(2)
	if !ok || h > 23 {
		r.i = at
		return 0, r.fail("2-digit offset hour 00-23")
	}
	if r.i >= len(s) || s[r.i] != ':' {
		return 0, r.fail(`":" in TIME-OFFSET`)
	}
	r.i++
	at = r.i
	mi, ok := r.digits(2)
	if !ok || mi > 59 {
		r.i = at
		return 0, r.fail("2-digit offset minute 00-59")
	}
	return sign * (h*60 + mi), nil
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
	// Elements and params are gathered on the stack, then copied to the
	// heap in one allocation, or two when there are many.
	var (
		elemBuf  [4]SDElement
		paramBuf [16]SDParam
		endBuf   [4]int
	)
	elems, params := elemBuf[:0], paramBuf[:0]
	ends := endBuf[:0] // ends[k] is the end of element k's params in params
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
	out, ps := sdAlloc(len(elems), len(params))
	copy(out, elems)
	copy(ps, params)
	start := 0
	for k := range out {
		if ends[k] > start {
			out[k].Params = ps[start:ends[k]:ends[k]]
		}
		start = ends[k]
	}
	return out, nil
}

// sdAlloc returns slices of ne elements and np params, allocated together
// when they are few, as they usually are.
func sdAlloc(ne, np int) ([]SDElement, []SDParam) {
	switch {
	case ne == 1 && np <= 4:
		b := new(struct {
			e [1]SDElement
			p [4]SDParam
		})
		return b.e[:], b.p[:np]
	case ne <= 4 && np <= 16:
		b := new(struct {
			e [4]SDElement
			p [16]SDParam
		})
		return b.e[:ne], b.p[:np]
	}
	return make([]SDElement, ne), make([]SDParam, np)
}

// sdName reads an SD-NAME: 1 to 32 PRINTUSASCII except '=', SP, ']' and
// '"'. An SD-ID with '@' must be name@enterprise-number (digits and dots).
func (r *rfc5424) sdName(what string, id bool) (string, *ParseError) {
	s, start, at := r.s, r.i, -1
	for r.i < len(s) && sdNameByte[s[r.i]] {
		if r.i-start == maxSDName {
			return "", r.fail(what + " of at most 32 characters")
		}
		if s[r.i] == '@' && id {
			if at >= 0 || r.i == start {
				return "", r.fail("SD-ID of the form name@enterprise-number")
			}
			at = r.i
		}
		r.i++
	}
	if r.i < len(s) {
		switch s[r.i] {
		case '=', ' ', ']', '"':
		default:
			return "", r.fail(what + " of printable US-ASCII except '=', SP, ']' and '\"'")
		}
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

// sdNameByte tells the bytes of an SD-NAME: PRINTUSASCII except '=', SP,
// ']' and '"'.
var sdNameByte = func() (t [256]bool) {
	for c := 33; c <= 126; c++ {
		t[c] = c != '=' && c != ']' && c != '"'
	}
	return t
}()

// paramValueStop tells the bytes that end a run of plain PARAM-VALUE
// bytes: '"', '\', ']' and non-ASCII.
var paramValueStop = func() (t [256]bool) {
	for c := 128; c < 256; c++ {
		t[c] = true
	}
	t['"'], t['\\'], t[']'] = true, true, true
	return t
}()

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
	start, escaped, high := r.i, false, false
	for {
		for r.i < len(s) && !paramValueStop[s[r.i]] {
			r.i++
		}
		if r.i >= len(s) {
			return SDParam{}, r.fail(`'"' to close PARAM-VALUE`)
		}
		switch s[r.i] {
		case '"':
		case '\\':
			if r.i+1 < len(s) {
				switch s[r.i+1] {
				case '"', '\\', ']':
					escaped = true
					r.i++
				}
			}
			r.i++
			continue
		case ']':
			return SDParam{}, r.fail(`'\]' for a ']' in PARAM-VALUE`)
		default:
			high = true
			r.i++
			continue
		}
		break
	}
	v := s[start:r.i]
	if high && !utf8.ValidString(v) {
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
