package syslog_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/aiosyslogd/aiosyslogd/syslog"
)

func TestAppendEscaped(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain text", "plain text"},
		{"a\nb\rc\td", `a\nb\rc\td`},
		{"x\ntime=2026-12-03T00:00:00Z level=ERROR msg=\"FAKE\"", `x\ntime=2026-12-03T00:00:00Z level=ERROR msg="FAKE"`},
		{"\x1b[31mred\x1b[0m", `\x1b[31mred\x1b[0m`},
		{"nul\x00del\x7f", `nul\x00del\x7f`},
		{"c1 \u009b csi", `c1 \u009b csi`},
		{"bad \xff utf8", `bad \xff utf8`},
		{"cut \xe2\x9c", `cut \xe2\x9c`},
		{"\ufeffünïcödé ✓", "\ufeffünïcödé ✓"},
	}
	for _, tt := range tests {
		if got := string(syslog.AppendEscaped(nil, tt.in)); got != tt.want {
			t.Errorf("AppendEscaped(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// Whatever the bytes, the result is one line of valid UTF-8 without
// control characters.
func FuzzAppendEscaped(f *testing.F) {
	for _, s := range []string{"a\nb", "\xff\xfe", "\x1b[2J", "\u0085next line", "\ufeffBOM"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := string(syslog.AppendEscaped(nil, s))
		if !utf8.ValidString(out) {
			t.Fatalf("AppendEscaped(%q) = %q: invalid UTF-8", s, out)
		}
		if i := strings.IndexFunc(out, func(r rune) bool { return r < 0x20 || (r >= 0x7f && r < 0xa0) }); i >= 0 {
			t.Fatalf("AppendEscaped(%q) = %q: a control character at %d", s, out, i)
		}
	})
}
