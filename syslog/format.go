package syslog

import (
	"time"
	"unicode/utf8"
)

// AppendRFC5424 appends m to dst as one strict RFC 5424 message (without a
// trailing newline) and returns the extended buffer.
//
// Fields that RFC 5424 cannot hold are sanitised so that the output always
// parses with ParseRFC5424:
//   - HOSTNAME, APP-NAME, PROCID and MSGID: every byte outside printable
//     US-ASCII (33–126) becomes '_', and the field is cut to its maximum
//     length (255, 48, 128, 32 bytes); an empty field is written "-".
//   - PRI: a Priority above 191 is written as DefaultPriority (13).
//   - TIMESTAMP: written with microseconds at most (trailing zeros dropped)
//     and the time's own UTC offset ("Z" for UTC); a time whose offset is not
//     a whole number of minutes under 24 hours is converted to UTC, and a
//     zero time or a year outside 0000–9999 is written "-".
//   - STRUCTURED-DATA: as AppendStructuredData.
//   - MSG: written as it is, without a BOM, when it is ASCII or not valid
//     UTF-8 (RFC 5424's MSG-ANY); preceded by a BOM when it is valid UTF-8
//     with non-ASCII characters or itself starts with a BOM (MSG-UTF8), in
//     which case each byte of invalid UTF-8 is replaced by U+FFFD. A message with empty
//     Text ends after STRUCTURED-DATA.
func (m *Message) AppendRFC5424(dst []byte) []byte {
	pri := m.Priority
	if pri > MaxPriority {
		pri = DefaultPriority
	}
	dst = append(dst, '<')
	dst = appendInt(dst, int(pri))
	dst = append(dst, ">1 "...)
	dst = appendTimestamp(dst, m.Timestamp)
	dst = append(dst, ' ')
	dst = appendField(dst, m.Hostname, maxHostname)
	dst = append(dst, ' ')
	dst = appendField(dst, m.AppName, maxAppName)
	dst = append(dst, ' ')
	dst = appendField(dst, m.ProcID, maxProcID)
	dst = append(dst, ' ')
	dst = appendField(dst, m.MsgID, maxMsgID)
	dst = append(dst, ' ')
	dst = AppendStructuredData(dst, m.StructuredData)
	if m.Text == "" {
		return dst
	}
	dst = append(dst, ' ')
	return appendMsg(dst, m.Text)
}

// appendMsg appends an RFC 5424 MSG, see Message.AppendRFC5424.
func appendMsg(dst []byte, text string) []byte {
	if isASCII(text) {
		return append(dst, text...)
	}
	startsWithBOM := len(text) >= len(bom) && text[:len(bom)] == bom
	if !startsWithBOM && !utf8.ValidString(text) {
		return append(dst, text...)
	}
	dst = append(dst, bom...)
	return appendValidUTF8(dst, text)
}

// isASCII reports whether s is all ASCII, eight bytes at a time.
func isASCII(s string) bool {
	for len(s) >= 8 {
		w := uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
			uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
		if w&0x8080808080808080 != 0 {
			return false
		}
		s = s[8:]
	}
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// appendValidUTF8 appends s with each invalid byte replaced by U+FFFD.
func appendValidUTF8(dst []byte, s string) []byte {
	for len(s) > 0 {
		r, n := utf8.DecodeRuneInString(s)
		if r == utf8.RuneError && n == 1 {
			dst = append(dst, "\uFFFD"...)
		} else {
			dst = append(dst, s[:n]...)
		}
		s = s[n:]
	}
	return dst
}

// appendField appends a header field, sanitised: see Message.AppendRFC5424.
func appendField(dst []byte, v string, max int) []byte {
	if v == "" {
		return append(dst, '-')
	}
	v = v[:min(len(v), max)]
	for i := 0; i < len(v); i++ {
		if v[i]-33 > 126-33 {
			return appendSanitised(dst, v)
		}
	}
	return append(dst, v...)
}

// appendSanitised appends v with each byte outside 33–126 replaced by '_'.
func appendSanitised(dst []byte, v string) []byte {
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c-33 > 126-33 {
			c = '_'
		}
		dst = append(dst, c)
	}
	return dst
}

// appendTimestamp appends an RFC 5424 TIMESTAMP, see Message.AppendRFC5424.
func appendTimestamp(dst []byte, t time.Time) []byte {
	if t.IsZero() {
		return append(dst, '-')
	}
	_, off := t.Zone()
	if off%60 != 0 || off <= -24*3600 || off >= 24*3600 {
		t, off = t.UTC(), 0
	}
	year, month, day := t.Date()
	if year < 0 || year > 9999 {
		return append(dst, '-')
	}
	hour, min, sec := t.Clock()
	dst = append(dst,
		byte('0'+year/1000), byte('0'+year/100%10), byte('0'+year/10%10), byte('0'+year%10), '-',
		byte('0'+int(month)/10), byte('0'+int(month)%10), '-',
		byte('0'+day/10), byte('0'+day%10), 'T',
		byte('0'+hour/10), byte('0'+hour%10), ':',
		byte('0'+min/10), byte('0'+min%10), ':',
		byte('0'+sec/10), byte('0'+sec%10))
	if us := t.Nanosecond() / 1000; us != 0 {
		var frac [7]byte
		frac[0] = '.'
		for k := 6; k >= 1; k-- {
			frac[k] = byte('0' + us%10)
			us /= 10
		}
		n := 7
		for frac[n-1] == '0' {
			n--
		}
		dst = append(dst, frac[:n]...)
	}
	if off == 0 {
		return append(dst, 'Z')
	}
	sign := byte('+')
	if off < 0 {
		sign, off = '-', -off
	}
	h, m := off/3600, off/60%60
	return append(dst, sign, byte('0'+h/10), byte('0'+h%10), ':', byte('0'+m/10), byte('0'+m%10))
}

// AppendStructuredData appends the RFC 5424 STRUCTURED-DATA text of sd to
// dst: "-" when sd is empty, else each element as [ID name="value" …] with
// '"', '\' and ']' in values escaped by '\'. Names are sanitised so that the
// text always parses: bytes outside printable US-ASCII and '=', ' ', ']',
// '"' become '_', names are cut to 32 bytes and an empty name is written
// "_"; each byte of invalid UTF-8 in values is replaced by U+FFFD.
func AppendStructuredData(dst []byte, sd []SDElement) []byte {
	if len(sd) == 0 {
		return append(dst, '-')
	}
	for _, e := range sd {
		dst = append(dst, '[')
		dst = appendSDName(dst, e.ID, true)
		for _, p := range e.Params {
			dst = append(dst, ' ')
			dst = appendSDName(dst, p.Name, false)
			dst = append(dst, '=', '"')
			dst = appendParamValue(dst, p.Value)
			dst = append(dst, '"')
		}
		dst = append(dst, ']')
	}
	return dst
}

// appendSDName appends a sanitised SD-NAME. In an SD-ID, an '@' that does
// not start a valid enterprise number also becomes '_'.
func appendSDName(dst []byte, name string, id bool) []byte {
	if name == "" {
		return append(dst, '_')
	}
	name = name[:min(len(name), maxSDName)]
	at := -1
	if id {
		for i := 0; i < len(name); i++ {
			if name[i] == '@' {
				at = i
			}
		}
		if at == 0 || at >= 0 && !isEnterpriseNumber(name[at+1:]) {
			at = -1
		}
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c < 33 || c > 126 || c == '=' || c == ']' || c == '"' || c == '@' && id && i != at {
			c = '_'
		}
		dst = append(dst, c)
	}
	return dst
}

// appendParamValue appends an escaped PARAM-VALUE.
func appendParamValue(dst []byte, v string) []byte {
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c >= utf8.RuneSelf {
			if r, n := utf8.DecodeRuneInString(v[i:]); r == utf8.RuneError && n == 1 {
				dst = append(dst, "\uFFFD"...)
			} else {
				dst = append(dst, v[i:i+n]...)
				i += n - 1
			}
			continue
		}
		if c == '"' || c == '\\' || c == ']' {
			dst = append(dst, '\\')
		}
		dst = append(dst, c)
	}
	return dst
}

// appendInt appends a non-negative integer in decimal.
func appendInt(dst []byte, n int) []byte {
	if n >= 10 {
		dst = appendInt(dst, n/10)
	}
	return append(dst, byte('0'+n%10))
}
