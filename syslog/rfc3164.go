package syslog

import (
	"strings"
	"sync/atomic"
	"time"
)

// parseRFC3164 parses s from i, after any PRI, as RFC 3164, best effort,
// into m. It reports whether a header (a timestamp) was recognised. Fields
// are substrings of s.
//
// RFC 3164 ("BSD syslog") only describes what senders used to send, and
// real devices vary it. The parser below accepts, after an optional PRI:
//
//	[SEQ ": " [ORIGIN ": "]] ["*" / "."] TIMESTAMP [" " ZONE] [" " YEAR] [":"] " "
//	[HOSTNAME [" :"] " "] [TAG ["[" PID "]"] ":" " " / TAG "[" PID "]" " "] CONTENT
//
// where TIMESTAMP is one of
//
//	[Www " "] Mmm " " (dd / " " d / d) " " [yyyy " "] hh:mm:ss[.fraction]
//	yyyy " " Mmm " " dd " " hh:mm:ss[.fraction]                (Cisco NX-OS)
//	yyyy-mm-dd ("T" / " ") hh:mm:ss[.fraction][Z / ±hh:mm / ±hhmm / ±hh]
//
// SEQ is a Cisco sequence number, kept as RFC 5424's [meta sequenceId]; "*"
// and "." are Cisco's clock-not-synchronised marks. ZONE is an abbreviation
// such as UTC or CET (see zoneAbbrev): UTC, GMT and UT mean UTC; others, being
// ambiguous, are skipped and Parser.Location applies; "TZ-6" (RFC 3164's
// example) is a whole-hour offset. The token after the timestamp is
// the HOSTNAME when it looks like one (letters, digits, '.', '-', '_', or an
// IPv6 address) and is not itself a TAG ("name:", "name[pid]"); a
// "name,mac,version:" token (Ubiquiti UniFi) is a HOSTNAME too. A TAG is 1 to
// 48 printable characters other than ':', '[' and ']'.
//
// When no timestamp is recognised, the whole text after the PRI is the
// message, except that a Cisco "%FACILITY-SEVERITY-MNEMONIC: " still becomes
// the TAG, and a FortiGate "date=… time=…" line still gives its timestamp
// (and devname its HOSTNAME) while its text stays whole.
func (p *Parser) parseRFC3164(s string, i int, m *Message) (header bool) {
	h, ok := p.header(s, i)
	if !ok {
		p.headerless(s, i, m)
		return !m.Timestamp.IsZero()
	}
	m.Timestamp = h.t
	if h.seq != "" {
		m.StructuredData = metaSequence(h.seq)
	}
	k := h.end
	switch {
	case h.host != "":
		m.Hostname = h.host
	case !h.colon:
		k = p.hostname(s, k, m)
	}
	m.AppName, m.ProcID, m.Text = tag(s, k)
	return true
}

// headerless is the message when no timestamp was recognised: the whole
// text, with a Cisco mnemonic as its TAG and a FortiGate timestamp.
func (p *Parser) headerless(s string, i int, m *Message) {
	if i < len(s) && s[i] == '%' {
		m.AppName, m.ProcID, m.Text = tag(s, i)
		return
	}
	m.Text = s[i:]
	p.fortiGate(s, i, m)
}

// hdr is what precedes the HOSTNAME in an RFC 3164 message.
type hdr struct {
	t     time.Time
	seq   string // Cisco sequence number, without leading zeros
	host  string // Cisco origin-id before the timestamp
	colon bool   // the timestamp ended with ':' (Cisco): no HOSTNAME follows
	end   int    // where the HOSTNAME or TAG starts
}

// header reads the timestamp header at i, with Cisco's sequence number
// and origin before it.
func (p *Parser) header(s string, i int) (hdr, bool) {
	if h, ok := p.timestampAt(s, i); ok {
		return h, true
	}
	j, seq := i, ""
	if n := digitsAt(s, i); n > 0 && strings.HasPrefix(s[i+n:], ": ") {
		seq = strings.TrimLeft(s[i:i+n], "0")
		if seq == "" || len(seq) > 10 || len(seq) == 10 && seq > "2147483647" {
			return hdr{}, false
		}
		j = i + n + 2
	} else if strings.HasPrefix(s[i:], ": ") { // Cisco NX-OS
		j = i + 2
	} else {
		return hdr{}, false
	}
	if h, ok := p.timestampAt(s, j); ok {
		h.seq = seq
		return h, true
	}
	if seq == "" {
		return hdr{}, false
	}
	// "123: router1: *Mar  1 …": the origin-id is the HOSTNAME.
	e := strings.IndexByte(s[j:], ' ')
	if e < 2 || s[j+e-1] != ':' || !isHostname(s[j:j+e-1]) {
		return hdr{}, false
	}
	h, ok := p.timestampAt(s, j+e+1)
	h.seq, h.host = seq, s[j:j+e-1]
	return h, ok
}

// timestampAt reads a timestamp at i and what may follow it up to the
// space before the HOSTNAME or TAG.
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
	h := hdr{end: end}
	if end < len(s) && s[end] == ':' {
		h.colon = true
		end++
	}
	switch {
	case end == len(s):
	case s[end] == ' ':
		end++
	default:
		return hdr{}, false
	}
	for end < len(s) && s[end] == ' ' {
		end++
	}
	h.end = end
	h.t, ok = p.resolve(&ts)
	return h, ok
}

// stamp is a timestamp as read, before year inference.
type stamp struct {
	year, month, day, hour, min, sec, nsec int
	loc                                    *time.Location // nil: Parser.Location
	off                                    int            // loc's offset in seconds, when loc is set
}

// setOffset sets t's zone to a fixed offset in minutes east of UTC.
func (t *stamp) setOffset(minutes int) {
	t.loc, t.off = fixedZone(minutes), minutes*60
}

// zoneAbbrev reports whether z is one of the time zone abbreviations
// recognised after an RFC 3164 time, and whether it means UTC. The others
// are ambiguous (CST is in America and in China) and only skipped.
func zoneAbbrev(z string) (known, utc bool) {
	switch z {
	case "UTC", "GMT", "UT":
		return true, true
	case "CET", "CEST", "EET", "EEST", "WET", "WEST", "BST", "IST", "MSK",
		"EST", "EDT", "CST", "CDT", "MST", "MDT", "PST", "PDT", "AKST", "AKDT", "HST",
		"JST", "KST", "SGT", "HKT", "AEST", "AEDT", "ACST", "AWST", "NZST", "NZDT":
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
			t.year = num(s[i : i+4])
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

// iso reads "yyyy-mm-dd[T ]hh:mm:ss[.f][zone]".
func (t *stamp) iso(s string, i int) (int, bool) {
	if i+11 > len(s) || digitsAt(s, i) != 4 || s[i+4] != '-' || digitsAt(s, i+5) != 2 ||
		s[i+7] != '-' || digitsAt(s, i+8) != 2 || (s[i+10] != 'T' && s[i+10] != ' ') {
		return 0, false
	}
	t.year, t.month, t.day = num(s[i:i+4]), num(s[i+5:i+7]), num(s[i+8:i+10])
	i, ok := t.clock(s, i+11)
	if !ok || i >= len(s) {
		return i, ok
	}
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
	i += 8
	if i+1 < len(s) && (s[i] == '.' || s[i] == ',') {
		if n := digitsAt(s, i+1); n > 0 {
			f := s[i+1 : i+1+min(n, 9)]
			t.nsec = num(f) * pow10[9-len(f)]
			i += 1 + n
		}
	}
	return i, true
}

// trailer reads what devices put between the time and the HOSTNAME: a zone
// abbreviation before ':' or a year, "UTC" or "GMT", and a year.
func (t *stamp) trailer(s string, i int) int {
	if i+1 >= len(s) || s[i] != ' ' {
		return i
	}
	j := i + 1
	n := 0
	for j+n < len(s) && n <= 5 && 'A' <= s[j+n] && s[j+n] <= 'Z' {
		n++
	}
	ends := j+n == len(s) || s[j+n] == ' ' || s[j+n] == ':'
	if known, utc := zoneAbbrev(s[j : j+n]); known && ends {
		if utc && t.loc == nil {
			t.setOffset(0)
		}
		i = j + n
	} else if n == 2 && s[j:j+2] == "TZ" && j+3 < len(s) && (s[j+2] == '+' || s[j+2] == '-') {
		// "TZ-6", as in RFC 3164's example: hours east of UTC.
		if d := digitsAt(s, j+3); (d == 1 || d == 2) && j+3+d < len(s) && s[j+3+d] == ' ' {
			h := num(s[j+3 : j+3+d])
			if s[j+2] == '-' {
				h = -h
			}
			if h >= -23 && h <= 23 && t.loc == nil {
				t.setOffset(h * 60)
				i = j + 3 + d
			}
		}
	}
	if t.year == 0 && i+6 < len(s) && s[i] == ' ' && digitsAt(s, i+1) == 4 &&
		(s[i+5] == ' ' || s[i+5] == ':' && (i+6 == len(s) || s[i+6] == ' ')) {
		t.year = num(s[i+1 : i+5])
		i += 5
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

// hostname reads the HOSTNAME at k into m when the token there is one, and
// returns where the TAG starts.
func (p *Parser) hostname(s string, k int, m *Message) int {
	e := strings.IndexByte(s[k:], ' ')
	if e < 0 { // a single word is the message, not a host
		return k
	}
	tok := s[k : k+e]
	unifi := e > 1 && tok[e-1] == ':' && strings.IndexByte(tok, ',') > 0
	switch {
	case unifi:
		m.Hostname = tok[:e-1]
	case isTag(tok) || !isHostname(tok):
		return k
	default:
		m.Hostname = tok
	}
	k += e + 1
	for k < len(s) && s[k] == ' ' {
		k++
	}
	if strings.HasPrefix(s[k:], ": ") { // Cisco ASA: "fw01 : %ASA-…"
		k += 2
	}
	return k
}

// isTag reports whether the token tok (up to a space) is a TAG.
func isTag(tok string) bool {
	_, _, rest := tag(tok, 0)
	return len(rest) < len(tok)
}

// tag splits s[k:] into a TAG, a PID and the CONTENT. Without a TAG the
// whole of s[k:] is the content.
func tag(s string, k int) (app, pid, text string) {
	j := k
	for j < len(s) && s[j] != ':' && s[j] != '[' {
		if c := s[j]; c <= ' ' || c > '~' || c == ']' || j-k == maxAppName {
			return "", "", s[k:]
		}
		j++
	}
	if j == k || j == len(s) {
		return "", "", s[k:]
	}
	app = s[k:j]
	if s[j] == '[' {
		e := j + 1
		for e < len(s) && s[e] != ']' {
			if c := s[e]; c <= ' ' || c > '~' || c == '[' || e-j > maxProcID {
				return "", "", s[k:]
			}
			e++
		}
		if e == len(s) || e == j+1 {
			return "", "", s[k:]
		}
		pid, j = s[j+1:e], e+1
		switch {
		case j == len(s):
			return app, pid, ""
		case s[j] == ' ': // "name[pid] text", as macOS sends
			return app, pid, s[j+1:]
		case s[j] != ':':
			return "", "", s[k:]
		}
	}
	j++ // the ':'
	switch {
	case j == len(s):
		return app, pid, ""
	case s[j] == ' ':
		return app, pid, s[j+1:]
	}
	return "", "", s[k:]
}

// isHostname reports whether tok looks like a host name or IP address.
func isHostname(tok string) bool {
	if tok == "" || len(tok) > maxHostname {
		return false
	}
	colons := 0
	for i := 0; i < len(tok); i++ {
		switch c := tok[i]; {
		case 'a' <= c|0x20 && c|0x20 <= 'z', isDigit(c), c == '.', c == '-', c == '_':
		case c == ':':
			colons++
		case c == '%' && colons >= 2: // IPv6 zone
		default:
			return false
		}
	}
	return colons == 0 || colons >= 2
}

// fortiGate reads the timestamp of a FortiGate "date=YYYY-MM-DD
// time=hh:mm:ss … devname="…" … tz="+hhmm"" line into m, and reports whether
// it found one.
func (p *Parser) fortiGate(s string, i int, m *Message) bool {
	const date = "date="
	if !strings.HasPrefix(s[i:], date) {
		return false
	}
	var t stamp
	j := i + len(date)
	if j+10 > len(s) || digitsAt(s, j) != 4 || s[j+4] != '-' || digitsAt(s, j+5) != 2 ||
		s[j+7] != '-' || digitsAt(s, j+8) != 2 || !strings.HasPrefix(s[j+10:], " time=") {
		return false
	}
	t.year, t.month, t.day = num(s[j:j+4]), num(s[j+5:j+7]), num(s[j+8:j+10])
	if _, ok := t.clock(s, j+16); !ok {
		return false
	}
	if v := kvValue(s, " tz="); len(v) == 5 && (v[0] == '+' || v[0] == '-') && digitsAt(v, 1) == 4 {
		off := num(v[1:3])*60 + num(v[3:5])
		if v[0] == '-' {
			off = -off
		}
		t.setOffset(off)
	}
	ts, ok := p.resolve(&t)
	if !ok {
		return false
	}
	m.Timestamp = ts
	m.Hostname = kvValue(s, " devname=")
	return true
}

// kvValue returns the value of key (" name=") in a key=value line, without
// its quotes.
func kvValue(s, key string) string {
	k := strings.Index(s, key)
	if k < 0 {
		return ""
	}
	v := s[k+len(key):]
	if strings.HasPrefix(v, `"`) {
		if e := strings.IndexByte(v[1:], '"'); e >= 0 {
			return v[1 : 1+e]
		}
		return ""
	}
	if e := strings.IndexByte(v, ' '); e >= 0 {
		return v[:e]
	}
	return v
}

// metaSequence returns [meta sequenceId="seq"] in one allocation.
func metaSequence(seq string) []SDElement {
	b := new(struct {
		e [1]SDElement
		p [1]SDParam
	})
	b.p[0] = SDParam{Name: "sequenceId", Value: seq}
	b.e[0] = SDElement{ID: "meta", Params: b.p[:]}
	return b.e[:]
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
