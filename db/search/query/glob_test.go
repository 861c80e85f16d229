package query_test

import (
	"database/sql"
	"testing"

	"github.com/aiosyslogd/aiosyslogd/db/search/query"
)

// globCases are (pattern, string, SQLite's answer) triples.
var globCases = []struct {
	pattern, s string
	want       bool
}{
	{"", "", true},
	{"", "a", false},
	{"*", "", true},
	{"*", "anything", true},
	{"?", "", false},
	{"?", "é", true},
	{"??", "é", false},
	{"a*c", "abbbc", true},
	{"a*c", "abbbd", false},
	{"a*", "A", false},
	{"web-0?", "web-01", true},
	{"web-0?", "web-011", false},
	{"*.example.com", "www.example.com", true},
	{"*.example.com", "example.com", false},
	{"[abc]", "b", true},
	{"[abc]", "d", false},
	{"[^abc]", "d", true},
	{"[^abc]", "a", false},
	{"[a-c]x", "bx", true},
	{"[c-a]", "b", false},
	{"[]]", "]", true},
	{"[]a]", "a", true},
	{"[^]]", "]", false},
	{"[a-]", "-", true},
	{"[-a]", "-", true},
	{"[a-c-e]", "d", false},
	{"[a-c-e]", "-", true},
	{"[", "[", false},
	{"[a", "a", false},
	{"a[", "a", false},
	{"*[0-9]", "abc7", true},
	{"*[0-9]", "abc", false},
	{"*[0-9]x", "a1b2x", true},
	{"*?", "", false},
	{"*??", "a", false},
	{"**a", "ba", true},
	{"*é*", "café au lait", true},
	{"[à-ü]", "é", true},
	{"\\*", "\\x", true},
	{"\\*", "*", false},
	{"10.1.*", "10.1.2.3", true},
	{"a\x00b", "a", true},
	{"a", "a\x00b", true},
	{"?", "\xff", true},
	{"\xff", "\xfe", true}, // both read as U+FFFD
}

func TestGlob(t *testing.T) {
	for _, tc := range globCases {
		if got := query.Glob(tc.pattern, tc.s); got != tc.want {
			t.Errorf("Glob(%q, %q) = %v, want %v", tc.pattern, tc.s, got, tc.want)
		}
	}
}

// sqliteGlob returns SQLite's `s GLOB pattern`.
func sqliteGlob(tb testing.TB, db *sql.DB, pattern, s string) bool {
	tb.Helper()
	var ok bool
	if err := db.QueryRow(`SELECT ? GLOB ?`, s, pattern).Scan(&ok); err != nil {
		tb.Fatalf("%q GLOB %q: %v", s, pattern, err)
	}
	return ok
}

func TestGlobSQLite(t *testing.T) {
	db := openSQLite(t)
	for _, tc := range globCases {
		if want := sqliteGlob(t, db, tc.pattern, tc.s); want != tc.want {
			t.Errorf("SQLite: %q GLOB %q = %v, the table says %v", tc.s, tc.pattern, want, tc.want)
		}
	}
	patterns := []string{"", "*", "?", "a*", "*a", "*a*", "a?c", "[a-z]*", "*[^0-9]",
		"[]-]", "[^]-]*", "*[", "?*?", "*é", "é?", "[é]", "[a-é]", "*[x-]", "***?",
		"web-??.*", "*.[ch]", "[[]*", "*]", "[!a]", "\xff*", "*\x80"}
	strs := []string{"", "a", "abc", "A", "é", "aé", "éa", "-", "]", "[", "web-01.lan",
		"x.c", "x.h", "x.o", "123", "a1", "!", "\xff", "\x80", "ab]", "x-"}
	for _, p := range patterns {
		for _, s := range strs {
			if got, want := query.Glob(p, s), sqliteGlob(t, db, p, s); got != want {
				t.Errorf("Glob(%q, %q) = %v, SQLite %v", p, s, got, want)
			}
		}
	}
}

func FuzzGlob(f *testing.F) {
	for _, tc := range globCases {
		f.Add(tc.pattern, tc.s)
	}
	db := openSQLite(f)
	stmt, err := db.Prepare(`SELECT ? GLOB ?`)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, pattern, s string) {
		if len(pattern) > 50000 {
			t.Skip("beyond SQLite's pattern length limit")
		}
		var want bool
		if err := stmt.QueryRow(s, pattern).Scan(&want); err != nil {
			t.Fatal(err)
		}
		if got := query.Glob(pattern, s); got != want {
			t.Errorf("Glob(%q, %q) = %v, SQLite %v", pattern, s, got, want)
		}
	})
}
