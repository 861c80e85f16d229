package query_test

import (
	"database/sql"
	"strings"
	"testing"

	"github.com/aiosyslogd/aiosyslogd/db/search/query"
)

// ftsQuery is the FTS5 MATCH expression of the Text term n, quoting its
// text as one phrase so that FTS5 tokenizes it itself.
func ftsQuery(n *query.Text) string {
	q := `"` + strings.ReplaceAll(n.Text, `"`, `""`) + `"`
	if n.Prefix {
		q += " *"
	}
	if n.Scope == query.MessageOnly {
		q = "Message : " + q
	}
	return q
}

// TestTextSQLite compares the Text terms' matches with FTS5 MATCH over a
// table of the three indexed columns.
func TestTextSQLite(t *testing.T) {
	db := openSQLite(t)
	exec(t, db, `CREATE VIRTUAL TABLE m USING fts5(Message, SysLogTag, FromHost)`)
	recs := []*query.Record{recRouter, recSSH, recFrench,
		{Host: "db-1", Tag: "postgres", Message: "LOG:  checkpoint starting: time"},
		{Host: "Ωmega", Tag: "app", Message: "Ǖber 東京 tower_7 ipv6 2001:db8::1 e\u0301te"},
		{Host: "x", Tag: "y", Message: "a a b a b c \"quoted\" ends with ssh2"},
	}
	for i, r := range recs {
		exec(t, db, `INSERT INTO m(rowid, Message, SysLogTag, FromHost) VALUES (?, ?, ?, ?)`,
			i+1, r.Message, r.Tag, r.Host)
	}
	terms := []string{"interface", "interf", "changed state", "state changed", "changed sta",
		"GigabitEthernet1/0/1", "gigabitethernet1/0", "0/1", "198.51.100.7", "user=bob",
		"FAILED", "ecole naive", "Naïve", "grusse", "gruße", "sshd", "web", "web-02", "ssh2 sshd",
		"ssh2", "ss", "a b c", "a b", "b a", "\"quoted\"", "quoted ends", "ǖber", "ǖ", "uber", "東京",
		"tower_7", "tower 7", "2001:db8::1", "ete", "e\u0301t", "ωmega", "OMEGA", "checkpoint starting",
		"log", "l", "core rtr 01", "rtr", "ios", "x", "y a", "down", "link 3 updown"}
	for _, term := range terms {
		for _, n := range []*query.Text{
			{Text: term}, {Text: term, Prefix: true},
			{Text: term, Scope: query.MessageOnly},
			{Text: term, Scope: query.MessageOnly, Prefix: true},
		} {
			compareText(t, db, n, recs)
		}
	}
}

func compareText(t *testing.T, db *sql.DB, n *query.Text, recs []*query.Record) {
	t.Helper()
	rows, err := db.Query(`SELECT rowid FROM m WHERE m MATCH ?`, ftsQuery(n))
	if err != nil {
		t.Fatalf("%s: %v", ftsQuery(n), err)
	}
	defer rows.Close()
	want := make([]bool, len(recs))
	for rows.Next() {
		var id int
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		want[id-1] = true
	}
	m := query.Compile(n)
	for i, r := range recs {
		if got := m.Match(r); got != want[i] {
			t.Errorf("%s on %q: Match = %v, FTS5 %v", ftsQuery(n), r.Message, got, want[i])
		}
	}
}
