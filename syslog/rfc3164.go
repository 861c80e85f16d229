package syslog

import (
	"strings"
	"time"
)

// parseRFC3164 parses s from i, after the PRI, as RFC 3164, best effort,
// into m; pri says whether s had a valid PRI. It reports whether a header (a
// timestamp) was recognised. Fields are substrings of s.
//
// RFC 3164 ("BSD syslog") only describes what senders used to send, and
// real devices vary it. The parser below accepts, after an optional PRI and
// spaces:
//
//	[CISCO] ["*" / "."] TIMESTAMP [" " YEAR] [" " ZONE ":" / " :" / ":"] " "
//	[HOSTNAME " " [CISCO [TIMESTAMP ":" " "]]] [TAG ["[" PID "]"] ":" [" "] / TAG "[" PID "]" " "] CONTENT
//
// where TIMESTAMP is one of
//
//	[Www " "] Mmm " " (dd / " " d / d) " " [yyyy " "] hh:mm:ss[.fraction]
//	yyyy " " Mmm " " dd " " hh:mm:ss[.fraction]                (Cisco NX-OS)
//	yyyy-m[m]-d[d] ("T" / " ") hh:mm:ss[.fraction][Z / ±hh:mm / ±hhmm / ±hh]
//
// and CISCO is what Cisco devices put before it: a message counter and a
// sequence number ("N: ", "N: N: ", ": N: " or ": "; the last number is
// kept as RFC 5424's [meta sequenceId]), a logging origin-id ("host: ") or an
// IOS-XR node ("[host ]RP/0/RSP0/CPU0:"). With a counter, the TIMESTAMP may
// be missing and a "%FACILITY-SEVERITY-MNEMONIC" follow directly. "*" and
// "." are Cisco's clock-not-synchronised marks. ZONE is an abbreviation such
// as UTC or CEST (see zoneAbbrev): UTC, GMT and UT mean UTC; others, being
// ambiguous, are skipped and Parser.Location applies.
//
// The HOSTNAME is the first word after the timestamp, whatever its
// characters, unless it contains '[' or ends in ':' and is a TAG (then there
// is none); "last message repeated …" lines have none, and AIX's "Message
// forwarded from HOST:" names it. A TAG is 1 to 48 printable characters
// with a letter and none of ' ', ':', '[', ']', '"', '{', '}', and needs a
// ':' or a "[PID]" after it: a first word without either is content. One
// space after the TAG's ':' is removed.
//
// When no timestamp is recognised, the text after the PRI and its spaces is
// the CONTENT, with a TAG when it starts with one followed by ": " (a
// Cisco "%MNEMONIC: " or "xapi: "), and a FortiGate "date=… time=…" line
// still gives its timestamp (and devname its HOSTNAME) while its text stays
// whole. Without a valid PRI and a timestamp, the whole of s is the content.
func (p *Parser) parseRFC3164(s string, i int, pri bool, m *Message) (header bool) {
	i = skipSpaces(s, i)
	h, ok := p.header(s, i)
	if !ok {
		p.headerless(s, i, pri, m)
		return !m.Timestamp.IsZero()
	}
	m.Timestamp = h.t
	if h.seq != "" {
		m.StructuredData = metaSequence(h.seq)
	}
	k := h.end
	if h.host != "" {
		m.Hostname = h.host
	} else {
		k = p.hostname(s, k, m)
	}
	m.AppName, m.ProcID, m.Text = tag(s, k, false)
	return true
}

// headerless is the message when no timestamp was recognised: the text
// after the PRI, with its TAG and a FortiGate timestamp.
func (p *Parser) headerless(s string, i int, pri bool, m *Message) {
	switch {
	case !pri:
		m.Text = s // not syslog at all: keep every byte
		p.fortiGate(s, i, m)
	case p.fortiGate(s, i, m):
		m.Text = s[i:]
	default:
		m.AppName, m.ProcID, m.Text = tag(s, i, true)
	}
}

// hdr is what precedes the HOSTNAME in an RFC 3164 message.
type hdr struct {
	t    time.Time // zero when the date does not exist
	seq  string    // Cisco sequence number, without leading zeros
	host string    // Cisco origin-id or IOS-XR host before the timestamp
	end  int       // where the HOSTNAME or TAG starts
}

// header reads the timestamp header at i, or Cisco's prefixes and the
// timestamp after them.
func (p *Parser) header(s string, i int) (hdr, bool) {
	if h, ok := p.timestampAt(s, i); ok {
		return h, true
	}
	return p.cisco(s, i, false)
}

// cisco reads Cisco's message counter and sequence number at i and what
// follows them (see ciscoRest). After a HOSTNAME (a relay's header), a
// number is required, and is a counter whatever follows it.
func (p *Parser) cisco(s string, i int, afterHost bool) (hdr, bool) {
	if i == len(s) || !isDigit(s[i]) && s[i] != ':' { // no counter
		if afterHost {
			return hdr{}, false
		}
		return p.ciscoRest(s, i, false)
	}
	j, last, nums := i, "", 0
	if strings.HasPrefix(s[i:], ": ") { // NX-OS, or IOS with the counter off
		j += 2
	}
	for nums < 2 {
		n := digitsAt(s, j)
		if n == 0 || n > 20 || !strings.HasPrefix(s[j+n:], ": ") {
			break
		}
		last, j, nums = s[j:j+n], j+n+2, nums+1
	}
	if afterHost && nums == 0 {
		return hdr{}, false
	}
	h, ok := p.ciscoRest(s, j, j > i)
	if !ok && afterHost { // "host 93: SSH2 0: …": a counter before the text
		h, ok = hdr{end: j}, true
	}
	h.seq = sequenceID(last)
	return h, ok
}

// sequenceID returns a Cisco sequence number without its leading zeros, or
// "" when it is 0 or does not fit an int32: a counter, but not one to keep.
func sequenceID(n string) string {
	for len(n) > 0 && n[0] == '0' {
		n = n[1:]
	}
	if n == "" || len(n) > 10 || len(n) == 10 && n > "2147483647" {
		return ""
	}
	return n
}

// ciscoRest reads what follows Cisco's counters at j: the timestamp, an
// origin-id ("host: ") and the timestamp, or an IOS-XR node; after a
// counter (counted), also nothing or a "%MNEMONIC".
func (p *Parser) ciscoRest(s string, j int, counted bool) (hdr, bool) {
	if counted {
		if h, ok := p.timestampAt(s, j); ok {
			return h, true
		}
		if j == len(s) || s[j] == '%' { // "65536: ", "123: %SYS-5-…"
			return hdr{end: j}, true
		}
	}
	if e := strings.IndexByte(s[j:], ' '); e >= 2 && s[j+e-1] == ':' && isOrigin(s[j:j+e-1]) {
		k := j + e + 1
		if !counted && !maybeTimestamp(s, k) { // "myapp: hello": spare the attempt
			return hdr{}, false
		}
		if h, ok := p.timestampAt(s, k); ok {
			h.host = s[j : j+e-1]
			return h, true
		}
		if counted && k < len(s) && s[k] == '%' {
			return hdr{host: s[j : j+e-1], end: k}, true
		}
	}
	if !counted {
		return hdr{}, false
	}
	return p.node(s, j)
}

// maybeTimestamp reports whether a timestamp can start at k: a digit, a
// Cisco mark, a month or a day of the week.
func maybeTimestamp(s string, k int) bool {
	return k < len(s) && (isDigit(s[k]) || s[k] == '*' || s[k] == '.' || monthAt(s, k) != 0 || weekdayAt(s, k))
}

// isOrigin reports whether tok can be a Cisco origin-id: a host name, not a
// TAG with a PID or a mnemonic.
func isOrigin(tok string) bool {
	if len(tok) > maxHostname || tok[0] == '%' {
		return false
	}
	for i := 0; i < len(tok); i++ {
		if c := tok[i]; c == '[' || c == ']' || c == ':' {
			return false
		}
	}
	return true
}

// node reads an IOS-XR "[host ]NODE:" and the timestamp after it.
func (p *Parser) node(s string, j int) (hdr, bool) {
	host := ""
	n := nodeAt(s, j)
	if n < 0 {
		e := strings.IndexByte(s[j:], ' ')
		if e < 1 {
			return hdr{}, false
		}
		host, n = s[j:j+e], nodeAt(s, j+e+1)
		if n < 0 || !isOrigin(host) {
			return hdr{}, false
		}
	}
	h, ok := p.timestampAt(s, n)
	h.host = host
	return h, ok
}

// nodeAt returns where the timestamp starts after an IOS-XR or line-card
// node id at i ("RP/0/RSP0/CPU0:", "LC/0/2/CPU0:", "CLC 6/0: "), or -1.
func nodeAt(s string, i int) int {
	j := i
	for j < len(s) && isLetter(s[j]) {
		j++
	}
	if j > i && j+1 < len(s) && s[j] == ' ' && isDigit(s[j+1]) {
		j++ // "CLC 6/0"
	}
	slash := false
	for ; j < len(s) && s[j] != ':'; j++ {
		switch c := s[j]; {
		case c == '/':
			slash = true
		case !isDigit(c) && !isLetter(c):
			return -1
		}
	}
	if !slash || j == len(s) {
		return -1
	}
	j++
	if j < len(s) && s[j] == ' ' {
		j++
	}
	return j
}

// Texts that start messages without a HOSTNAME or with a relayed one.
const (
	repeated  = "last message repeated "
	repeated2 = "--- last message repeated "
	forwarded = "Message forwarded from " // AIX
)

// hostname reads the HOSTNAME at k into m, and returns where the TAG
// starts. After it may come a relayed Cisco message's counter and
// timestamp, which m takes.
func (p *Parser) hostname(s string, k int, m *Message) int {
	rest := s[k:]
	if rest == "" {
		return k
	}
	switch rest[0] {
	case 'l', '-':
		if strings.HasPrefix(rest, repeated) || strings.HasPrefix(rest, repeated2) {
			return k
		}
	case 'M':
		if e := strings.IndexByte(rest, ':'); e > len(forwarded) && strings.HasPrefix(rest, forwarded) {
			m.Hostname = rest[len(forwarded):e]
			return skipSpaces(s, k+e+1)
		}
	}
	e := strings.IndexByte(rest, ' ')
	if e < 0 {
		e = len(rest)
	}
	host, unifi := hostToken(rest[:e])
	if host == "" {
		return k
	}
	m.Hostname = host
	k = skipSpaces(s, k+e)
	switch {
	case unifi:
	case strings.HasPrefix(s[k:], ": "): // Cisco ASA: "fw01 : %ASA-…"
		k += 2
	case k < len(s) && isDigit(s[k]):
		if h, ok := p.cisco(s, k, true); ok {
			if h.seq != "" {
				m.StructuredData = metaSequence(h.seq)
			}
			if !h.t.IsZero() {
				m.Timestamp = h.t
			}
			k = h.end
		}
	}
	return k
}

// hostToken returns tok as a HOSTNAME, or "" when it is none: empty, too
// long, with a '[' or a TAG ("name:"). A UniFi "name,mac,version:" is the
// HOSTNAME without its colon (unifi).
func hostToken(tok string) (host string, unifi bool) {
	if tok == "" || len(tok) > maxHostname || strings.IndexByte(tok, '[') >= 0 {
		return "", false
	}
	if last := len(tok) - 1; tok[last] == ':' {
		switch {
		case tok[0] == '%': // a Cisco mnemonic, the commonest case
			return "", false
		case strings.IndexByte(tok, ',') > 0:
			return tok[:last], true
		}
		if app, _, rest := tag(tok, 0, false); app != "" && rest == "" {
			return "", false
		}
	}
	return tok, false
}

// tag splits s[k:] into a TAG, a PID and the CONTENT. Without a TAG the
// whole of s[k:] is the content. A strict TAG (of a message without a
// header) needs a space or the end after its colon, or a PID.
func tag(s string, k int, strict bool) (app, pid, text string) {
	j, letter := k, false
	for ; j < len(s); j++ {
		c := tagBytes[s[j]]
		if c == tagEnd {
			break
		}
		if c == tagBad || j-k == maxAppName {
			return "", "", s[k:]
		}
		letter = letter || c == tagLetter
	}
	if !letter || j == len(s) || s[j] == ' ' {
		return "", "", s[k:]
	}
	app = s[k:j]
	if s[j] == '[' {
		var ok bool
		if pid, j, ok = procID(s, j); !ok {
			return "", "", s[k:]
		}
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
	case pid == "" && (strict || !glued(s[j])):
		return "", "", s[k:]
	}
	return app, pid, s[j:] // "tag:msg", "prog[12]:msg"
}

// Classes of the bytes of a TAG, in tagBytes.
const (
	tagOther  = iota // allowed in a TAG
	tagLetter        // allowed, and a TAG needs one
	tagEnd           // ends the TAG's name: ' ', ':', '['
	tagBad           // not in a TAG: controls, non-ASCII, ']', '"', '{', '}'
)

// tagBytes classifies each byte for tag, which looks at every byte of a
// message's first word: one table lookup is cheaper than the comparisons.
var tagBytes = func() (t [256]uint8) {
	for c := range t {
		switch {
		case c == ' ' || c == ':' || c == '[':
			t[c] = tagEnd
		case c < ' ' || c > '~' || c == ']' || c == '"' || c == '{' || c == '}':
			t[c] = tagBad
		case isLetter(byte(c)):
			t[c] = tagLetter
		}
	}
	return t
}()

// glued reports whether a TAG's colon can be directly followed by c: not
// when "name:" starts a URL, a path or an IPv6 address.
func glued(c byte) bool {
	return c != '/' && c != '\\' && c != ':'
}

// procID reads the "[PID]" at j and returns it and where it ends.
func procID(s string, j int) (pid string, end int, ok bool) {
	e := j + 1
	for ; e < len(s) && s[e] != ']'; e++ {
		if c := s[e]; c <= ' ' || c > '~' || c == '[' || e-j > maxProcID {
			return "", 0, false
		}
	}
	if e == len(s) || e == j+1 {
		return "", 0, false
	}
	return s[j+1 : e], e + 1, true
}

// isLetter reports whether c is an ASCII letter.
func isLetter(c byte) bool { return 'a' <= c|0x20 && c|0x20 <= 'z' }

// skipSpaces returns the index of the first byte at or after i that is not
// a space.
func skipSpaces(s string, i int) int {
	for i < len(s) && s[i] == ' ' {
		i++
	}
	return i
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
	if v := kvValue(s, " tz="); len(v) == 5 && (v[0] == '+' || v[0] == '-') && digitsAt(v, 1) == 4 &&
		num(v[1:3]) <= 23 && num(v[3:5]) <= 59 {
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
