package syslog

import (
	"strings"
	"sync/atomic"
	"time"
)

// timestampAt reads a timestamp at i and what may follow it up to the space
// before the HOSTNAME or TAG: a year, a zone before a colon, a colon. A date
// that does not exist (Feb 30, 25:00:00) is read and dropped: the header
// stands and hdr.t is zero.
func (p *Parser) timestampAt(s string, i int) (hdr, bool) {
	if i < len(s) && (s[i] == '*' || s[i] == '.') {
		i++
	}
	var (
		ts  stamp
		end int
		ok  bool
	)
	if i+4 < len(s) && isDigit(s[i]) && s[i+4] == '-' {
		end, ok = ts.iso(s, i)
	} else {
		end, ok = ts.bsd(s, i)
	}
	if !ok {
		return hdr{}, false
	}
	end = ts.trailer(s, end)
	colon := false
	switch rest := s[end:]; {
	case strings.HasPrefix(rest, ":"):
		colon, end = true, end+1
	case rest == " :" || strings.HasPrefix(rest, " : "): // IOS-XR: "22:52:47.441 : cfgmgr[…]:"
		colon, end = true, end+2
	}
	if end < len(s) && s[end] != ' ' {
		return hdr{}, false
	}
	end = skipSpaces(s, end)
	if ts.yearFirst && !colon && !mnemonicAfterHost(s, end) {
		return hdr{}, false
	}
	t, _ := p.resolve(&ts)
	return hdr{t: t, end: end}, true
}

// mnemonicAfterHost reports whether s[i:] is "host %MNEMONIC…", as NX-OS
// sends it after a year-first timestamp without a colon. Other lines that
// start with a year, like RFC 3164's example 4, have no header.
func mnemonicAfterHost(s string, i int) bool {
	e := strings.IndexByte(s[i:], ' ')
	return e > 0 && i+e+1 < len(s) && s[i+e+1] == '%'
}

// stamp is a timestamp as read, before year inference.
type stamp struct {
	year, month, day, hour, min, sec, nsec int
	loc                                    *time.Location // nil: Parser.Location
	off                                    int            // loc's offset in seconds, when loc is set
	yearFirst                              bool           // "yyyy Mmm dd", as NX-OS sends it
}

// setOffset sets t's zone to a fixed offset in minutes east of UTC.
func (t *stamp) setOffset(minutes int) {
	t.loc, t.off = fixedZone(minutes), minutes*60
}

// zoneAbbrev reports whether z is one of the time zone abbreviations
// recognised before the colon after a Cisco time, and whether it means UTC.
// The others are ambiguous (CST is in America and in China) and only
// skipped.
func zoneAbbrev(z string) (known, utc bool) {
	switch z {
	case "UTC", "GMT", "UT":
		return true, true
	case "CET", "CEST", "MET", "MEST", "MEZ", "MESZ", "EET", "EEST", "WET", "WEST", "BST", "IST", "MSK",
		"EST", "EDT", "CST", "CDT", "MST", "MDT", "PST", "PDT", "AKST", "AKDT", "HST", "AST", "ADT",
		"NST", "NDT", "JST", "KST", "SGT", "HKT", "AEST", "AEDT", "ACST", "AWST", "NZST", "NZDT":
		return true, false
	}
	return false, false
}

// word3 returns the three letters at i, lowercased and packed, or 0.
func word3(s string, i int) uint32 {
	if i+3 > len(s) {
		return 0
	}
	a, b, c := s[i]|0x20, s[i+1]|0x20, s[i+2]|0x20
	if a-'a' > 25 || b-'a' > 25 || c-'a' > 25 {
		return 0
	}
	return uint32(a)<<16 | uint32(b)<<8 | uint32(c)
}

// monthAt returns the month (1–12) named by the three letters at i, in any
// case, or 0.
func monthAt(s string, i int) int {
	switch word3(s, i) {
	case 'j'<<16 | 'a'<<8 | 'n':
		return 1
	case 'f'<<16 | 'e'<<8 | 'b':
		return 2
	case 'm'<<16 | 'a'<<8 | 'r':
		return 3
	case 'a'<<16 | 'p'<<8 | 'r':
		return 4
	case 'm'<<16 | 'a'<<8 | 'y':
		return 5
	case 'j'<<16 | 'u'<<8 | 'n':
		return 6
	case 'j'<<16 | 'u'<<8 | 'l':
		return 7
	case 'a'<<16 | 'u'<<8 | 'g':
		return 8
	case 's'<<16 | 'e'<<8 | 'p':
		return 9
	case 'o'<<16 | 'c'<<8 | 't':
		return 10
	case 'n'<<16 | 'o'<<8 | 'v':
		return 11
	case 'd'<<16 | 'e'<<8 | 'c':
		return 12
	}
	return 0
}

// weekdayAt reports whether the three letters at i name a day of the week.
func weekdayAt(s string, i int) bool {
	switch word3(s, i) {
	case 'm'<<16 | 'o'<<8 | 'n', 't'<<16 | 'u'<<8 | 'e', 'w'<<16 | 'e'<<8 | 'd', 't'<<16 | 'h'<<8 | 'u',
		'f'<<16 | 'r'<<8 | 'i', 's'<<16 | 'a'<<8 | 't', 's'<<16 | 'u'<<8 | 'n':
		return true
	}
	return false
}

// bsd reads "[Www ]Mmm d[d] [yyyy ]hh:mm:ss[.f]" or "yyyy Mmm dd hh:mm:ss[.f]".
func (t *stamp) bsd(s string, i int) (int, bool) {
	t.month = monthAt(s, i)
	if t.month == 0 {
		if weekdayAt(s, i) && i+3 < len(s) && s[i+3] == ' ' {
			i += 4
		} else if digitsAt(s, i) == 4 && i+4 < len(s) && s[i+4] == ' ' { // NX-OS
			t.year, t.yearFirst = num(s[i:i+4]), true
			i += 5
		}
		t.month = monthAt(s, i)
	}
	if t.month == 0 || i+3 >= len(s) || s[i+3] != ' ' {
		return 0, false
	}
	i += 4
	if i < len(s) && s[i] == ' ' {
		i++
	}
	n := digitsAt(s, i)
	if n < 1 || n > 2 || i+n >= len(s) || s[i+n] != ' ' {
		return 0, false
	}
	t.day = num(s[i : i+n])
	i += n + 1
	if n := digitsAt(s, i); n == 4 && t.year == 0 && i+4 < len(s) && s[i+4] == ' ' {
		t.year = num(s[i : i+4])
		i += 5
	}
	return t.clock(s, i)
}

// iso reads "yyyy-m[m]-d[d][T ]hh:mm:ss[.f][zone]".
func (t *stamp) iso(s string, i int) (int, bool) {
	if digitsAt(s, i) != 4 {
		return 0, false
	}
	t.year = num(s[i : i+4])
	j := i + 5
	n := digitsAt(s, j)
	if n < 1 || n > 2 || j+n >= len(s) || s[j+n] != '-' {
		return 0, false
	}
	t.month, j = num(s[j:j+n]), j+n+1
	n = digitsAt(s, j)
	if n < 1 || n > 2 || j+n >= len(s) || s[j+n] != 'T' && s[j+n] != ' ' {
		return 0, false
	}
	t.day = num(s[j : j+n])
	j, ok := t.clock(s, j+n+1)
	if !ok || j >= len(s) {
		return j, ok
	}
	return t.offset(s, j)
}

// offset reads the "Z", "±hh:mm", "±hhmm" or "±hh" of an ISO timestamp at
// i, if there is one.
func (t *stamp) offset(s string, i int) (int, bool) {
	switch c := s[i]; {
	case c == 'Z':
		t.setOffset(0)
		return i + 1, true
	case c == '+' || c == '-':
		sign, j := 1, i+1
		if c == '-' {
			sign = -1
		}
		if digitsAt(s, j) < 2 {
			return i, true
		}
		h, m := num(s[j:j+2]), 0
		j += 2
		if j+2 < len(s) && s[j] == ':' && digitsAt(s, j+1) == 2 {
			m, j = num(s[j+1:j+3]), j+3
		} else if digitsAt(s, j) == 2 {
			m, j = num(s[j:j+2]), j+2
		}
		if h > 23 || m > 59 {
			return 0, false
		}
		t.setOffset(sign * (h*60 + m))
		return j, true
	}
	return i, true
}

// clock reads "hh:mm:ss" and an optional fraction of up to 9 digits after
// '.' or ','.
func (t *stamp) clock(s string, i int) (int, bool) {
	if i+8 > len(s) {
		return 0, false
	}
	c := s[i : i+8]
	if c[2] != ':' || c[5] != ':' || c[0]-'0' > 9 || c[1]-'0' > 9 || c[3]-'0' > 9 || c[4]-'0' > 9 ||
		c[6]-'0' > 9 || c[7]-'0' > 9 || i+8 < len(s) && isDigit(s[i+8]) {
		return 0, false
	}
	t.hour = int(c[0]-'0')*10 + int(c[1]-'0')
	t.min = int(c[3]-'0')*10 + int(c[4]-'0')
	t.sec = int(c[6]-'0')*10 + int(c[7]-'0')
	return t.fraction(s, i+8), true
}

// fraction reads the fraction of a second at i, if there is one.
func (t *stamp) fraction(s string, i int) int {
	if i >= len(s) || s[i] != '.' && s[i] != ',' {
		return i
	}
	n := digitsAt(s, i+1)
	if n == 0 {
		if s[i] == '.' && (i+1 == len(s) || s[i+1] == ' ') { // "02:00:00. host"
			i++
		}
		return i
	}
	f := s[i+1 : i+1+min(n, 9)]
	t.nsec = num(f) * pow10[9-len(f)]
	i += 1 + n
	for i+1 < len(s) && s[i] == '.' && isDigit(s[i+1]) { // Huawei's "01:00:34.270.1"
		i += 1 + digitsAt(s, i+1)
	}
	return i
}

// trailer reads what devices put between the time and the HOSTNAME: a year
// ("Mmm dd hh:mm:ss yyyy"), and a zone abbreviation before a colon
// ("12:00:01.123 UTC: %SYS-…"). A zone before a space is not read: RFC 3164
// §5.4 example 3 makes it the HOSTNAME.
func (t *stamp) trailer(s string, i int) int {
	if t.year == 0 && i+5 <= len(s) && s[i] == ' ' && digitsAt(s, i+1) == 4 &&
		(s[i+1:i+3] == "19" || s[i+1:i+3] == "20") {
		if e := i + 5; e == len(s) || s[e] == ' ' || s[e] == ':' && (e+1 == len(s) || s[e+1] == ' ') {
			t.year, i = num(s[i+1:e]), e
		}
	}
	if i+1 >= len(s) || s[i] != ' ' {
		return i
	}
	j, n := i+1, 0
	for j+n < len(s) && n <= 5 && 'A' <= s[j+n] && s[j+n] <= 'Z' {
		n++
	}
	if j+n < len(s) && s[j+n] == ':' {
		if known, utc := zoneAbbrev(s[j : j+n]); known {
			if utc && t.loc == nil {
				t.setOffset(0)
			}
			i = j + n
		}
	}
	return i
}

// resolve validates t and returns it in UTC, inferring the year when t has
// none.
func (p *Parser) resolve(t *stamp) (time.Time, bool) {
	if t.month < 1 || t.month > 12 || t.day < 1 || t.day > 31 || t.hour > 23 || t.min > 59 || t.sec > 60 {
		return time.Time{}, false
	}
	loc, off := t.loc, t.off
	if loc == nil {
		loc = p.Location
		if loc == nil {
			loc = time.Local
		}
		if loc == time.UTC {
			t.loc = loc
		}
	}
	year := t.year
	switch {
	case year != 0:
	case p.Year != 0:
		year = p.Year
	default:
		year = p.inferYear(t, loc)
	}
	if t.day > daysIn(time.Month(t.month), year) {
		return time.Time{}, false
	}
	if t.loc != nil { // a fixed offset: no zone rules to apply
		return time.Unix(unixCivil(year, t.month, t.day, t.hour, t.min, t.sec)-int64(off), int64(t.nsec)).UTC(), true
	}
	return time.Date(year, time.Month(t.month), t.day, t.hour, t.min, t.sec, t.nsec, loc).UTC(), true
}

// unixCivil returns the Unix time of a date and time of day in UTC (with
// the days-from-civil algorithm of H. Hinnant), without time.Date's
// normalisation and zone lookups.
func unixCivil(year, month, day, hour, min, sec int) int64 {
	y := int64(year)
	if month <= 2 {
		y--
	}
	era := y / 400
	if y < 0 {
		era = (y - 399) / 400
	}
	yoe := y - era*400
	mp := int64(month+9) % 12
	doy := (153*mp+2)/5 + int64(day) - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	days := era*146097 + doe - 719468
	return days*86400 + int64(hour*3600+min*60+sec)
}

// inferYear returns the current year, or the previous one when the
// current year would put t more than a day in the future (a Dec 31 message
// that arrives on Jan 1). A Feb 29 goes to the latest leap year.
func (p *Parser) inferYear(t *stamp, loc *time.Location) int {
	var now localNow
	if p.Now != nil {
		now = newLocalNow(p.Now(), loc)
	} else {
		now = currentLocalNow(loc)
	}
	// Compare wall clocks: a DST change within the day of margin is noise.
	year := now.year
	ahead := unixCivil(year, t.month, t.day, t.hour, t.min, t.sec) - (now.at.Unix() + int64(now.off))
	if ahead > 86400 || ahead == 86400 && t.nsec > now.at.Nanosecond() {
		year--
	}
	for t.month == 2 && t.day == 29 && daysIn(time.February, year) != 29 {
		year--
	}
	return year
}

// localNow is a time with what year inference needs to know of it in a
// location, and until when that holds.
type localNow struct {
	at        time.Time // in any location: only its instant is used
	loc       *time.Location
	year, off int   // in loc
	until     int64 // Unix time of the next change of year or UTC offset
}

// newLocalNow returns t in loc. It keeps t as it is, not t.In(loc), which
// would drop the monotonic clock reading that time.Since needs.
func newLocalNow(t time.Time, loc *time.Location) localNow {
	lt := t.In(loc)
	_, off := lt.Zone()
	_, zoneEnd := lt.ZoneBounds()
	until := time.Date(lt.Year()+1, time.January, 1, 0, 0, 0, 0, loc).Unix()
	if !zoneEnd.IsZero() && zoneEnd.Unix() < until {
		until = zoneEnd.Unix()
	}
	return localNow{at: t, loc: loc, year: lt.Year(), off: off, until: until}
}

// clock caches the current localNow, so that inferring a year mostly reads
// the monotonic clock only (time.Since), which costs half of time.Now; the
// wall clock and the zone are read again once a second.
var clock atomic.Pointer[localNow]

// currentLocalNow returns the current time in loc.
func currentLocalNow(loc *time.Location) localNow {
	if c := clock.Load(); c != nil && c.loc == loc {
		if d := time.Since(c.at); d >= 0 && d < time.Second {
			now := *c
			now.at = c.at.Add(d)
			if now.at.Unix() < now.until {
				return now
			}
		}
	}
	now := newLocalNow(time.Now(), loc)
	clock.Store(&now)
	return now
}

// digitsAt returns the number of decimal digits at s[i:].
func digitsAt(s string, i int) int {
	n := 0
	for i+n < len(s) && isDigit(s[i+n]) {
		n++
	}
	return n
}

// num converts a short string of digits.
func num(s string) int {
	v := 0
	for i := 0; i < len(s); i++ {
		v = v*10 + int(s[i]-'0')
	}
	return v
}
