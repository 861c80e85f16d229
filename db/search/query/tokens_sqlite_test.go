package query_test

import (
	"database/sql"
	"slices"
	"strings"
	"testing"

	"github.com/aiosyslogd/aiosyslogd/db/search/query"
)

// tokenCases are strings whose tokens TestTokensSQLite compares with FTS5's.
var tokenCases = []string{
	"", " ", "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", "0123456789 abcXYZ",
	"203.0.113.66", "user=bob", `C:\temp`, "GigabitEthernet1/0/1",
	"%LINK-3-UPDOWN: Interface GigabitEthernet0/1, changed state to down",
	"Grüße", "ÉCOLE", "naïve", "Ǖǖ Ǻ ẞ ß Æ Ø Ł Đ Œ ſ ﬁ", "ǅ ǈ İ ı",
	"ΑΘΗΝΑ ΣΊΣΥΦΟΣ ς", "Москва ЁЖ", "東京タワー 中文", "한국어",
	"emoji 😀 🦀 ✓ a😀b", "_underscore_", "don't", "tab\tnew\nline\r",
	"a\u00a0b", "a\u202eb", "a\u200bb\u2060c", "e\u0301te \u0301e a\u0308 a\u20dd",
	"\uE000\uF8FF private", "Ⅻ ½ ² ①", "١٢٣ ٤", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "𐐀𐐨",
	"ＦＵＬＬＷＩＤＴＨ", "a\x80b", "\xff\xfeabc", "\xc3(", "\xed\xa0\x80x",
	"\xef\xbf\xbex", "\xf4\x90\x80\x80y", "Ａ１", "x\u0345y", "Å Ω K",
	strings.Repeat("A", 40000) + " tail",
}

func TestTokensSQLite(t *testing.T) {
	db := openSQLite(t)
	exec(t, db, `CREATE VIRTUAL TABLE t USING fts5(x)`)
	exec(t, db, `CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')`)
	for i, s := range tokenCases {
		exec(t, db, `INSERT INTO t(rowid, x) VALUES (?, ?)`, i+1, s)
	}
	for i, s := range tokenCases {
		want := fts5Tokens(t, db, i+1)
		if got := query.Tokens(s); !slices.Equal(got, want) {
			t.Errorf("Tokens(%.60q) = %.200q, FTS5 %.200q", s, got, want)
		}
	}
}

func fts5Tokens(t *testing.T, db *sql.DB, doc int) []string {
	t.Helper()
	rows, err := db.Query(`SELECT term FROM v WHERE doc = ? ORDER BY offset`, doc)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

func FuzzTokens(f *testing.F) {
	for _, s := range tokenCases[:len(tokenCases)-1] {
		f.Add(s)
	}
	db := openSQLite(f)
	exec(f, db, `CREATE VIRTUAL TABLE t USING fts5(x)`)
	exec(f, db, `CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')`)
	f.Fuzz(func(t *testing.T, s string) {
		exec(t, db, `DELETE FROM t`)
		exec(t, db, `INSERT INTO t(rowid, x) VALUES (1, ?)`, s)
		want := fts5Tokens(t, db, 1)
		if got := query.Tokens(s); !slices.Equal(got, want) {
			t.Errorf("Tokens(%q) = %q, FTS5 %q", s, got, want)
		}
	})
}
