package sqlite

import (
	"bytes"
	"context"
	"net/netip"
	"path/filepath"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/aiosyslogd/aiosyslogd/db"
	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/syslog"
	"github.com/aiosyslogd/aiosyslogd/syslog/ingest"
)

// FuzzDatagramToRow drives the whole path of a datagram — parse, record,
// store in a real SQLite file — and checks that every input becomes exactly
// one row, whose text is valid UTF-8 and whose raw bytes, when kept, are the
// datagram's.
func FuzzDatagramToRow(f *testing.F) {
	for _, seed := range []string{
		"", "<13>1 - - - - - -", "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut=\"3\"] msg",
		"<34>Oct 11 22:14:15 mymachine su: 'su root' failed", "<99999999999>x", "\x00\xff\xfe", "<13>1 - h a - - [a b=\"\\]\"][c d=\"e\"] x",
		"123: *Mar  1 00:01:23.456: %SYS-5-CONFIG_I: Configured", "<14>\xc3\x28 bad utf8",
	} {
		f.Add([]byte(seed))
	}
	s, err := Open(context.Background(), filepath.Join(f.TempDir(), "fuzz.db"))
	if err != nil {
		f.Fatal(err)
	}
	defer s.Close()
	var p syslog.Parser
	p.Location = time.UTC
	p.Now = func() time.Time { return time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC) }
	from := netip.MustParseAddrPort("127.0.0.1:40000")
	at := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	month := db.MonthOf(at)
	f.Fuzz(func(t *testing.T, datagram []byte) {
		data := bytes.Clone(datagram)
		rec := ingest.NewRow(&p, ingest.Received{Data: data, From: from, At: at})
		if err := s.Write(context.Background(), []search.Row{rec}); err != nil {
			t.Fatalf("write %q: %v", datagram, err)
		}
		var msg, host string
		var raw []byte
		err := s.DB().QueryRow(`SELECT Message, FromHost, RawMessage FROM `+month.Table()+` ORDER BY ID DESC LIMIT 1`).Scan(&msg, &host, &raw)
		if err != nil {
			t.Fatal(err)
		}
		if !utf8.ValidString(msg) || !utf8.ValidString(host) {
			t.Errorf("stored text is not valid UTF-8: %q / %q", msg, host)
		}
		if rec.Raw != nil && !bytes.Equal(raw, datagram) {
			t.Errorf("raw = %q, want the datagram %q", raw, datagram)
		}
		if rec.Raw == nil && (!utf8.Valid(datagram) || bytes.IndexByte(datagram, 0) >= 0) {
			t.Errorf("datagram %q is not clean text but no raw copy was kept", datagram)
		}
	})
}
