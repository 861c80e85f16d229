package syslog

// parseRFC3164 parses s from i, after any PRI, as RFC 3164, best effort. It
// reports whether a header (a timestamp) was recognised.
func (p *Parser) parseRFC3164(s string, i int) (Message, bool) {
	return Message{Text: s[i:]}, false
}
