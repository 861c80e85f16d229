package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db"
	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/db/sqlite/internal/dbsqlc"
	"github.com/aiosyslogd/aiosyslogd/syslog"
	"github.com/aiosyslogd/aiosyslogd/syslog/ingest"
)

// Store is what the ingest pipeline writes to; this package does not import
// the pipeline.
var _ ingest.Store = (*Store)(nil)

func openTestStore(t *testing.T) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "syslog.db")
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

var sender = netip.MustParseAddrPort("192.0.2.7:514")

func record(at time.Time, host, app, text string) search.Row {
	return search.Row{
		ReceivedAt: at,
		Source:     sender,
		Message: syslog.Message{
			Priority: syslog.NewPriority(4, 6), Timestamp: at.Add(-time.Second),
			Hostname: host, AppName: app, ProcID: "42", MsgID: "ID7", Text: text,
		},
	}
}

func count(t *testing.T, dbtx *sql.DB, month db.Month, match string) int64 {
	t.Helper()
	q := forMonth(dbtx, month)
	var n int64
	var err error
	if match == "" {
		n, err = q.CountEvents(context.Background())
	} else {
		n, err = q.CountMatches(context.Background(), match)
	}
	if err != nil {
		t.Fatalf("count %s %q: %v", month, match, err)
	}
	return n
}

func TestWriteStoresEveryColumn(t *testing.T) {
	s, _ := openTestStore(t)
	at := time.Date(2026, 11, 24, 3, 41, 6, 123456000, time.UTC)
	r := record(at, "web1", "sshd", `Accepted "publickey" for root`)
	r.Message.StructuredData = []syslog.SDElement{{ID: "origin@32473", Params: []syslog.SDParam{{Name: "ip", Value: `1.2.3.4`}, {Name: "q", Value: `a"b]c\d`}}}}
	if err := s.Write(context.Background(), []search.Row{r}); err != nil {
		t.Fatal(err)
	}
	row := s.DB().QueryRow(`SELECT Facility, Priority, FromHost, InfoUnitID, ReceivedAt, DeviceReportedTime,
		SysLogTag, ProcessID, MsgID, StructuredData, Message, RawMessage, FromHostIP FROM SystemEvents202611`)
	var got dbsqlc.SystemEvent
	err := row.Scan(&got.Facility, &got.Priority, &got.FromHost, &got.InfoUnitID, &got.ReceivedAt, &got.DeviceReportedTime,
		&got.SysLogTag, &got.ProcessID, &got.MsgID, &got.StructuredData, &got.Message, &got.RawMessage, &got.FromHostIP)
	if err != nil {
		t.Fatal(err)
	}
	want := dbsqlc.SystemEvent{
		Facility: 4, Priority: 6, FromHost: "web1", InfoUnitID: 1,
		ReceivedAt:         "2026-11-24 03:41:06.123456",
		DeviceReportedTime: sql.NullString{String: "2026-11-24 03:41:05.123456", Valid: true},
		SysLogTag:          "sshd", ProcessID: "42", MsgID: "ID7",
		StructuredData: sql.NullString{String: `[origin@32473 ip="1.2.3.4" q="a\"b\]c\\d"]`, Valid: true},
		Message:        `Accepted "publickey" for root`,
		FromHostIP:     sql.NullString{String: "192.0.2.7", Valid: true},
	}
	if got.RawMessage != nil {
		t.Errorf("RawMessage = %q, want NULL for a well-formed message", got.RawMessage)
	}
	got.RawMessage = nil
	if !reflect.DeepEqual(got, want) {
		t.Errorf("stored row\n got %+v\nwant %+v", got, want)
	}
	if n := count(t, s.DB(), db.Month{Year: 2026, Month: 11}, `"publickey"`); n != 1 {
		t.Errorf("FTS MATCH found %d rows, want 1", n)
	}
}

func TestWriteSplitsBatchAtMonthBoundary(t *testing.T) {
	s, _ := openTestStore(t)
	end := time.Date(2026, 11, 30, 23, 59, 59, 999000000, time.UTC)
	batch := []search.Row{
		record(end.Add(-time.Minute), "a", "app", "november one"),
		record(end, "a", "app", "november two"),
		record(end.Add(time.Millisecond), "a", "app", "december one"), // 2026-12-01 00:00:00.000
		record(end.Add(time.Minute), "a", "app", "december two"),
		record(end.Add(-time.Hour), "a", "app", "november late arrival"),
	}
	if err := s.Write(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		month       db.Month
		rows, match int64
	}{{db.Month{Year: 2026, Month: 11}, 3, 3}, {db.Month{Year: 2026, Month: 12}, 2, 2}} {
		if n := count(t, s.DB(), tt.month, ""); n != tt.rows {
			t.Errorf("%s has %d rows, want %d", tt.month.Table(), n, tt.rows)
		}
		word := map[time.Month]string{11: "november", 12: "december"}[tt.month.Month]
		if n := count(t, s.DB(), tt.month, word); n != tt.match {
			t.Errorf("%s: MATCH %s = %d, want %d", tt.month.Table(), word, n, tt.match)
		}
	}
	// The next batch, entirely in December, goes to the existing table.
	if err := s.Write(context.Background(), []search.Row{record(end.Add(time.Hour), "a", "app", "december three")}); err != nil {
		t.Fatal(err)
	}
	if n := count(t, s.DB(), db.Month{Year: 2026, Month: 12}, "december"); n != 3 {
		t.Errorf("December MATCH after second batch = %d, want 3", n)
	}
}

func TestWriteKeepsRawAndInvalidUTF8(t *testing.T) {
	s, _ := openTestStore(t)
	at := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	raw := []byte("<13>bad \xff\xfe bytes \x00 and NUL")
	r := search.Row{ReceivedAt: at, Source: sender, Raw: raw,
		Message: syslog.Message{Priority: syslog.DefaultPriority, Text: string(raw[4:])}}
	if err := s.Write(context.Background(), []search.Row{r}); err != nil {
		t.Fatal(err)
	}
	var host, msg string
	var gotRaw []byte
	err := s.DB().QueryRow(`SELECT FromHost, Message, RawMessage FROM SystemEvents202611`).Scan(&host, &msg, &gotRaw)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(gotRaw, raw) {
		t.Errorf("RawMessage = %q, want %q", gotRaw, raw)
	}
	if host != "192.0.2.7" {
		t.Errorf("FromHost = %q, want the sender's address", host)
	}
	if want := "bad \ufffd bytes \x00 and NUL"; msg != want {
		t.Errorf("Message = %q, want %q", msg, want)
	}
	if n := count(t, s.DB(), db.Month{Year: 2026, Month: 11}, "bytes"); n != 1 {
		t.Errorf("MATCH bytes = %d, want 1", n)
	}
}

func TestOpenRefusesNonSQLiteFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "notes.txt")
	content := []byte("my precious notes, not a database\n")
	if err := os.WriteFile(path, content, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Open(context.Background(), path)
	if err == nil || !strings.Contains(err.Error(), "not an SQLite database") {
		t.Fatalf("Open(text file) err = %v, want 'not an SQLite database'", err)
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, content) {
		t.Errorf("file changed to %q", got)
	}
}

func TestOpenUsesWAL(t *testing.T) {
	s, _ := openTestStore(t)
	var mode string
	if err := s.DB().QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil {
		t.Fatal(err)
	}
	if mode != "wal" {
		t.Errorf("journal_mode = %q, want wal", mode)
	}
}

func TestReopenKnowsExistingMonths(t *testing.T) {
	s, path := openTestStore(t)
	at := time.Date(2026, 10, 5, 0, 0, 0, 0, time.UTC)
	if err := s.Write(context.Background(), []search.Row{record(at, "h", "a", "first")}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s2, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if !s2.known[db.Month{Year: 2026, Month: 10}] {
		t.Errorf("reopened store does not know month 2026-10: %v", s2.known)
	}
	if err := s2.Write(context.Background(), []search.Row{record(at, "h", "a", "second")}); err != nil {
		t.Fatal(err)
	}
	if n := count(t, s2.DB(), db.Month{Year: 2026, Month: 10}, ""); n != 2 {
		t.Errorf("rows = %d, want 2", n)
	}
}

func TestFTSTriggersFollowUpdateAndDelete(t *testing.T) {
	s, _ := openTestStore(t)
	at := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	if err := s.Write(context.Background(), []search.Row{record(at, "h", "a", "alpha"), record(at, "h", "a", "beta")}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB().Exec(`UPDATE SystemEvents202611 SET Message = 'gamma' WHERE Message = 'alpha'`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB().Exec(`DELETE FROM SystemEvents202611 WHERE Message = 'beta'`); err != nil {
		t.Fatal(err)
	}
	m := db.Month{Year: 2026, Month: 11}
	for word, want := range map[string]int64{"alpha": 0, "beta": 0, "gamma": 1} {
		if n := count(t, s.DB(), m, word); n != want {
			t.Errorf("MATCH %s = %d, want %d", word, n, want)
		}
	}
	var ok string
	if _, err := s.DB().Exec(`INSERT INTO SystemEvents202611_FTS (SystemEvents202611_FTS) VALUES ('integrity-check')`); err != nil {
		t.Errorf("FTS integrity-check: %v", err)
	}
	if err := s.DB().QueryRow(`PRAGMA integrity_check`).Scan(&ok); err != nil || ok != "ok" {
		t.Errorf("integrity_check = %q, %v", ok, err)
	}
}

// Each row keeps its own sender's address and times in a batch whose
// rows alternate between senders and seconds (the batch table reuses the
// text of the last address and second it made).
func TestWriteKeepsEachRowsSenderAndTime(t *testing.T) {
	s, _ := openTestStore(t)
	at := time.Date(2026, 11, 24, 3, 41, 6, 123456000, time.UTC)
	sources := []netip.AddrPort{
		netip.MustParseAddrPort("192.0.2.1:514"), netip.MustParseAddrPort("[2001:db8::1]:514"),
		netip.MustParseAddrPort("192.0.2.1:515"), {}, netip.MustParseAddrPort("[::ffff:192.0.2.9]:514"),
		netip.MustParseAddrPort("192.0.2.1:514"),
	}
	want := []sql.NullString{{String: "192.0.2.1", Valid: true}, {String: "2001:db8::1", Valid: true},
		{String: "192.0.2.1", Valid: true}, {}, {String: "192.0.2.9", Valid: true}, {String: "192.0.2.1", Valid: true}}
	var batch []search.Row
	for i, src := range sources {
		r := record(at.Add(time.Duration(i%2)*time.Second+time.Duration(i)*time.Microsecond), "h", "t", "m")
		r.Source = src
		batch = append(batch, r)
	}
	if err := s.Write(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
	rows, err := s.DB().Query(`SELECT FromHostIP, ReceivedAt FROM SystemEvents202611 ORDER BY ID`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for i := 0; rows.Next(); i++ {
		var ip sql.NullString
		var received string
		if err := rows.Scan(&ip, &received); err != nil {
			t.Fatal(err)
		}
		if ip != want[i] || received != batch[i].ReceivedAt.Format(TimeLayout) {
			t.Errorf("row %d: FromHostIP %v, ReceivedAt %s; want %v, %s", i, ip, received, want[i], batch[i].ReceivedAt.Format(TimeLayout))
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}
