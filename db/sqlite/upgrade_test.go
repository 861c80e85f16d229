package sqlite

import (
	"context"
	"database/sql"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db"
	"github.com/aiosyslogd/aiosyslogd/db/search"
)

// oldDatabase makes a database whose month table m was made by the schema
// before FromHostIP (testdata/schema-before-fromhostip.sql, main's schema
// of then), with one row in it.
func oldDatabase(t *testing.T, m db.Month) string {
	t.Helper()
	old, err := os.ReadFile("testdata/schema-before-fromhostip.sql")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "old.db")
	conn, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ddl, _ := replaceTemplate(string(old), m.Table())
	if _, err := conn.Exec(ddl); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(`INSERT INTO ` + m.Table() + ` (Facility, Priority, FromHost, ReceivedAt, SysLogTag, ProcessID, Message)
		VALUES (1, 5, 'oldhost', '2026-10-01 00:00:00.000000', 'app', '', 'stored before the upgrade')`); err != nil {
		t.Fatal(err)
	}
	return path
}

// A month table made before FromHostIP existed gains it when the store
// opens the database: the old rows have NULL, new rows the sender's
// address, and searching reads both.
func TestOpenUpgradesOldMonthTables(t *testing.T) {
	m := db.Month{Year: 2026, Month: 10}
	path := oldDatabase(t, m)
	if _, err := OpenReader(context.Background(), path); err == nil || !strings.Contains(err.Error(), "aiosyslogd serve") {
		t.Errorf("OpenReader on a table without FromHostIP = %v, want an error that says how to upgrade", err)
	}
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	r := record(time.Date(2026, 10, 2, 0, 0, 0, 0, time.UTC), "newhost", "app", "stored after the upgrade")
	r.Source = netip.MustParseAddrPort("[::ffff:198.51.100.4]:40000") // an IPv4 client of a dual-stack socket
	if err := s.Write(context.Background(), []search.Row{r}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = Open(context.Background(), path) // a second start finds nothing to do
	if err != nil {
		t.Fatal(err)
	}
	s.Close()

	rd, err := OpenReader(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	got := map[string]string{}
	err = rd.Search(context.Background(), search.Query{Since: m.Start(), Until: m.Next().Start()}, func(e search.Event) error {
		got[e.Message] = e.FromHostIP
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got["stored before the upgrade"] != "" || got["stored after the upgrade"] != "198.51.100.4" {
		t.Errorf("FromHostIP by message: %q", got)
	}
}

// A month table made before the batch records and the event time index
// gains both when the store opens, the records filled with the rows
// already there: a host search by the records finds the old row after
// new ones are written, and the event time index serves searches by it.
func TestOpenUpgradesRecordsBeforeEventTime(t *testing.T) {
	m := db.Month{Year: 2026, Month: 10}
	path := oldDatabase(t, m)
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Write(context.Background(), []search.Row{record(time.Date(2026, 10, 2, 0, 0, 0, 0, time.UTC), "newhost", "app", "stored after the upgrade")}); err != nil {
		t.Fatal(err)
	}
	mq := forMonth(s.DB(), m)
	if ok, err := batchesComplete(context.Background(), mq); !ok || err != nil {
		t.Errorf("batch records complete: %v, %v", ok, err)
	}
	if n, err := mq.HasEventTimeIndex(context.Background()); n != 1 || err != nil {
		t.Errorf("event time index: %d, %v", n, err)
	}
	rec := &recordingDBTX{DBTX: s.DB()}
	if got := searchTexts(t, rec, search.Query{Host: "oldhost"}); !slices.Equal(got, []string{"stored before the upgrade"}) {
		t.Errorf("the old row by its host: %q", got)
	}
	if !slices.ContainsFunc(rec.queries, func(q string) bool { return strings.HasPrefix(q, "-- name: FieldBatchesDesc ") }) {
		t.Error("the host search did not read the batch records")
	}
	if got := searchTexts(t, s.DB(), search.Query{Time: search.EventTime, Host: "*host"}); !slices.Equal(got, []string{"stored after the upgrade", "stored before the upgrade"}) {
		t.Errorf("by event time: %q", got)
	}
}

// A month table whose time index is on ReceivedAt alone (every table made
// before the index carried the severity: one from before FromHostIP, and
// one with the rest of the current schema) gets the index on ReceivedAt,
// ID and Priority instead when the store opens, and loses the old one;
// the histogram then counts its severities from the index.
func TestOpenReplacesTimeIndex(t *testing.T) {
	m := db.Month{Year: 2026, Month: 10}
	ctx := context.Background()
	withRecords := func(t *testing.T) string {
		path := oldDatabase(t, m)
		s, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		old := "DROP INDEX SystemEvents_ReceivedAtSeverity; CREATE INDEX SystemEvents_ReceivedAt ON SystemEvents (ReceivedAt);"
		ddl, _ := replaceTemplate(old, m.Table())
		if _, err := s.DB().Exec(ddl); err != nil {
			t.Fatal(err)
		}
		s.Close()
		return path
	}
	for _, tt := range []struct {
		name string
		path func(t *testing.T) string
	}{
		{"before FromHostIP", func(t *testing.T) string { return oldDatabase(t, m) }},
		{"with the records and the event time index", withRecords},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := tt.path(t)
			indexes := func() []string {
				conn, err := sql.Open("sqlite", "file:"+path)
				if err != nil {
					t.Fatal(err)
				}
				defer conn.Close()
				rows, err := conn.Query(`SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name`, m.Table())
				if err != nil {
					t.Fatal(err)
				}
				defer rows.Close()
				var names []string
				for rows.Next() {
					var n string
					if err := rows.Scan(&n); err != nil {
						t.Fatal(err)
					}
					names = append(names, n)
				}
				return names
			}
			if got := indexes(); !slices.Contains(got, m.Table()+"_ReceivedAt") {
				t.Fatalf("before: indexes %q, want the old time index", got)
			}
			s, err := Open(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			want := []string{m.Table() + "_EventTime", m.Table() + "_ReceivedAtSeverity"}
			if got := indexes(); !slices.Equal(got, want) {
				t.Errorf("after: indexes %q, want %q", got, want)
			}
			rec := &recordingDBTX{DBTX: s.DB()}
			h, err := histogram(ctx, rec, search.Query{Since: m.Start(), Until: m.Start().Add(24 * time.Hour)}, 24)
			if err != nil {
				t.Fatal(err)
			}
			if h.Total != 1 || h.Severities[0][5] != 1 {
				t.Errorf("histogram: total %d, first bucket by severity %v; want the old row's notice", h.Total, h.Severities[0])
			}
			if !slices.ContainsFunc(rec.queries, func(q string) bool { return strings.HasPrefix(q, "-- name: SeveritiesTimeRange ") }) {
				t.Error("the histogram did not count from the time index")
			}
		})
	}
}
