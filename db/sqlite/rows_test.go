package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db"
	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/syslog"
)

// checkJSONString checks that appendJSONString(s) is one JSON string that
// decodes to s with each run of invalid UTF-8 replaced by U+FFFD.
func checkJSONString(t *testing.T, s string) {
	t.Helper()
	want := strings.ToValidUTF8(s, "\uFFFD")
	for name, out := range map[string][]byte{
		"string": appendJSONString([]byte("x"), s)[1:],
		"bytes":  appendJSONString([]byte("x"), []byte(s))[1:],
	} {
		var got string
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("%s %q: output %s is not a JSON string: %v", name, s, out, err)
		}
		if got != want {
			t.Errorf("%s %q: decodes to %q, want %q", name, s, got, want)
		}
	}
}

func TestAppendJSONString(t *testing.T) {
	for _, s := range []string{
		"",
		"plain text",
		`quote " and backslash \ and slash /`,
		"newline \n tab \t return \r",
		"NUL \x00, bell \x07, escape \x1b, unit separator \x1f, DEL \x7f",
		"UTF-8: é, ß, 日本語, emoji 🚀, U+2028 \u2028",
		"invalid \xff byte",
		"invalid run \xff\xfe\xfd here",
		"two runs \xff a \xfe",
		"truncated rune at end \xe6\x97",
		"\xc3\x28 overlong and \xc0\xaf",
		"surrogate \xed\xa0\x80",
	} {
		checkJSONString(t, s)
	}
}

func FuzzAppendJSONString(f *testing.F) {
	for _, seed := range []string{"", "a\"b\\c", "\x00\x1f\x7f", "\xff\xfe", "日本\xe6\x97", "\u2028"} {
		f.Add(seed)
	}
	f.Fuzz(checkJSONString)
}

// TestAppendRow checks the row's JSON against the columns InsertBatch reads.
func TestAppendRow(t *testing.T) {
	at := time.Date(2026, 11, 24, 3, 41, 6, 123456000, time.FixedZone("CET", 3600))
	r := record(at, "host", "app", `say "hi"`)
	r.Message.StructuredData = []syslog.SDElement{{ID: "a@1", Params: []syslog.SDParam{{Name: "k", Value: `v"]`}}}}
	r.Raw = []byte{0, 0xff}
	got, _ := appendRow(nil, nil, &r)
	want := `[4,6,"host","2026-11-24 02:41:06.123456","2026-11-24 02:41:05.123456","app","42","ID7","[a@1 k=\"v\\\"\\]\"]","say \"hi\"","00ff","192.0.2.7"]`
	if string(got) != want {
		t.Errorf("appendRow =\n%s\nwant\n%s", got, want)
	}
	var cols []any
	if err := json.Unmarshal(got, &cols); err != nil || len(cols) != 12 {
		t.Fatalf("appendRow made %s: %d columns, %v", got, len(cols), err)
	}
	bare := search.Row{ReceivedAt: at, Source: sender, Message: syslog.Message{Priority: syslog.DefaultPriority}}
	got, _ = appendRow(nil, nil, &bare)
	want = `[1,5,"192.0.2.7","2026-11-24 02:41:06.123456",null,"","","",null,"",null,"192.0.2.7"]`
	if string(got) != want {
		t.Errorf("appendRow of a bare record =\n%s\nwant\n%s", got, want)
	}
}

// TestWriteKeepsOrder checks that the IDs of a batch follow its order, which
// InsertBatch gets from aiosyslogd_batch handing the rows over in batch
// order (no ORDER BY).
func TestWriteKeepsOrder(t *testing.T) {
	s, _ := openTestStore(t)
	at := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	const n = 3000
	batch := make([]search.Row, n)
	for i := range batch {
		batch[i] = record(at, "h", "app", fmt.Sprintf("message number %d", i))
	}
	for range 2 {
		if err := s.Write(context.Background(), batch); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := s.DB().Query(`SELECT Message FROM SystemEvents202611 ORDER BY ID`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	i := 0
	for ; rows.Next(); i++ {
		var msg string
		if err := rows.Scan(&msg); err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf("message number %d", i%n); msg != want {
			t.Fatalf("row %d = %q, want %q", i, msg, want)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if i != 2*n {
		t.Errorf("%d rows, want %d", i, 2*n)
	}
	if got := count(t, s.DB(), db.Month{Year: 2026, Month: 11}, "number"); got != 2*n {
		t.Errorf("MATCH number = %d, want %d", got, 2*n)
	}
}

// BenchmarkAppendRow measures encoding one ~200-byte record for InsertBatch;
// it should not allocate.
func BenchmarkAppendRow(b *testing.B) {
	batch := benchBatch(1, time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC))
	var buf, sd []byte
	b.ReportAllocs()
	for b.Loop() {
		buf, sd = appendRow(buf[:0], sd, &batch[0])
	}
	b.SetBytes(int64(len(buf)))
}
