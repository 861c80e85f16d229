package web

import (
	"net/netip"
	"regexp"
	"strconv"
	"strings"

	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/syslog"
)

// The masks that redaction writes. They hold no character that is special
// in RFC 5424 structured data (" \ ]), so redacted structured data still
// parses.
const (
	maskIP   = "REDACTED_IP"
	maskMAC  = "REDACTED_MAC"
	maskUser = "REDACTED"
)

// redactor masks addresses and user names in what the server shows
// (web_server.redact): IPv4 addresses (zero-padded ones too) and IPv6
// addresses, MAC addresses (00:1a:2b:3c:4d:5e, 00-1a-…, Cisco's
// 001a.2b3c.4d5e and bare 001a2b3c4d5e), and the value of user=… (also
// username=, with spaces around the =, quoted or not: the quotes stay,
// so structured data stays valid).
type redactor struct {
	mac, ipv6, ipv4, user *regexp.Regexp
}

func newRedactor() *redactor {
	return &redactor{
		mac: regexp.MustCompile(`\b(?:[0-9A-Fa-f]{2}(?:[:-][0-9A-Fa-f]{2}){5}|[0-9A-Fa-f]{4}(?:\.[0-9A-Fa-f]{4}){2}|[0-9A-Fa-f]{12})\b`),
		// Candidates only: each is checked with netip, so that times
		// (12:30:45) and other colon-separated text stay as they are.
		ipv6: regexp.MustCompile(`[0-9A-Fa-f:]?[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?::\d{1,3}(?:\.\d{1,3}){3}|(?:\.\d{1,3}){3})?(?:%[0-9A-Za-z]+)?`),
		ipv4: regexp.MustCompile(`\b\d{1,3}(?:\.\d{1,3}){3}\b`),
		user: regexp.MustCompile(`(?i)\b(user(?:name)?\s*=\s*)(\\"(?:[^"\\]|\\[^"])*\\"|"(?:[^"\\]|\\.)*"|'[^']*'|[^\s,;&"'\]\\]+)`),
	}
}

// text returns s with its addresses and user names masked.
func (r *redactor) text(s string) string {
	s = r.user.ReplaceAllStringFunc(s, r.maskUser)
	s = r.mac.ReplaceAllString(s, maskMAC)
	s = replaceIPv6(r.ipv6, s)
	return r.ipv4.ReplaceAllStringFunc(s, func(m string) string {
		if isIPv4(m) {
			return maskIP
		}
		return m
	})
}

// maskUser masks the value of one user=… match, keeping its quotes.
func (r *redactor) maskUser(m string) string {
	sub := r.user.FindStringSubmatch(m)
	key, value := sub[1], sub[2]
	for _, q := range []string{`\"`, `"`, `'`} {
		if strings.HasPrefix(value, q) {
			return key + q + maskUser + q
		}
	}
	return key + maskUser
}

// isIPv4 reports whether s, four dot-separated runs of 1-3 digits, is an
// IPv4 address, zero-padded octets (010.001.002.003) included: many
// programs read them so.
func isIPv4(s string) bool {
	for _, part := range strings.Split(s, ".") {
		if n, err := strconv.Atoi(part); err != nil || n > 255 {
			return false
		}
	}
	return true
}

// structuredData masks the values of STRUCTURED-DATA text, and every
// value of a user or username parameter, and writes it again as valid
// structured data. Text that does not parse is masked as text.
func (r *redactor) structuredData(s string) string {
	sd, err := syslog.ParseStructuredData(s)
	if err != nil || len(sd) == 0 {
		return r.text(s)
	}
	for i := range sd {
		for j := range sd[i].Params {
			p := &sd[i].Params[j]
			if strings.EqualFold(p.Name, "user") || strings.EqualFold(p.Name, "username") {
				p.Value = maskUser
			} else {
				p.Value = r.text(p.Value)
			}
		}
	}
	return string(syslog.AppendStructuredData(nil, sd))
}

// event masks every text field of e that a sender wrote or that names it:
// the host (the sender's address when the message had no HOSTNAME), the
// sender's address, the tag, the structured data, the message and the raw
// bytes.
func (r *redactor) event(e *search.Event) {
	if r == nil {
		return
	}
	e.FromHost = r.text(e.FromHost)
	e.FromHostIP = r.text(e.FromHostIP)
	e.SysLogTag = r.text(e.SysLogTag)
	e.StructuredData = r.structuredData(e.StructuredData)
	e.Message = r.text(e.Message)
	if e.RawMessage != nil {
		e.RawMessage = []byte(r.text(string(e.RawMessage)))
	}
}

// value masks one facet value (hosts may be addresses).
func (r *redactor) value(s string) string {
	if r == nil {
		return s
	}
	return r.text(s)
}

// replaceIPv6 masks the candidates of re in s that are IPv6 addresses
// standing on their own: not inside a word ("std::map") or a longer run
// of hex digits and colons.
func replaceIPv6(re *regexp.Regexp, s string) string {
	var out []byte
	last := 0
	for _, m := range re.FindAllStringIndex(s, -1) {
		start, end := m[0], m[1]
		if start > 0 && isWordByte(s[start-1]) || end < len(s) && s[end] != '.' && isWordByte(s[end]) {
			continue
		}
		if a, err := netip.ParseAddr(s[start:end]); err != nil || !a.Is6() {
			continue
		}
		out = append(append(out, s[last:start]...), maskIP...)
		last = end
	}
	if out == nil {
		return s
	}
	return string(append(out, s[last:]...))
}

func isWordByte(c byte) bool {
	return c == '_' || c == ':' || c == '.' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}
