package syslog

import (
	"fmt"
	"unicode/utf8"
)

// AppendEscaped appends s as one line that is safe to print on a terminal
// or in a log: control characters (C0, DEL, C1) are escaped as \n, \r, \t,
// \xHH or \u00HH, and each byte of invalid UTF-8 as \xHH. A message from
// the network can then neither start a line of its own (a forged log
// entry) nor drive the terminal. Other text, BOM included, is kept.
func AppendEscaped(dst []byte, s string) []byte {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			dst = fmt.Appendf(dst, `\x%02x`, s[i])
		case r == '\n':
			dst = append(dst, `\n`...)
		case r == '\r':
			dst = append(dst, `\r`...)
		case r == '\t':
			dst = append(dst, `\t`...)
		case r < 0x20 || r == 0x7f:
			dst = fmt.Appendf(dst, `\x%02x`, r)
		case r >= 0x80 && r < 0xa0:
			dst = fmt.Appendf(dst, `\u%04x`, r)
		default:
			dst = append(dst, s[i:i+n]...)
		}
		i += n
	}
	return dst
}
