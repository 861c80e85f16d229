package sqlite

import (
	"context"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db"
	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/db/sqlite/internal/dbsqlc"
)

func monthTables(t *testing.T, s *Store) []string {
	t.Helper()
	names, err := dbsqlc.New(s.DB()).ListMonthTables(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return names
}

func pragmaInt(t *testing.T, s *Store, name string) int64 {
	t.Helper()
	var n int64
	if err := s.DB().QueryRow("PRAGMA " + name).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// A year and a half of traffic, a batch a week, with three months kept:
// at every month rollover the oldest month goes, FTS tables included, and
// its pages go back to the file system.
func TestRetentionAcrossASimulatedYear(t *testing.T) {
	s, _ := openTestStore(t)
	s.SetRetentionMonths(3)
	s.Logger = slog.New(slog.DiscardHandler)
	if got := pragmaInt(t, s, "auto_vacuum"); got != 2 {
		t.Fatalf("auto_vacuum = %d, want 2 (incremental)", got)
	}
	keepAll, _ := openTestStore(t)
	start := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	for week := 0; week < 78; week++ {
		at := start.AddDate(0, 0, 7*week)
		for _, st := range []*Store{s, keepAll} {
			if err := st.Write(context.Background(), benchBatch(100, at)); err != nil {
				t.Fatal(err)
			}
		}
		tables := monthTables(t, s)
		if len(tables) > 3 {
			t.Fatalf("week %d (%s): %d month tables %v, want at most 3", week, at.Format("2006-01-02"), len(tables), tables)
		}
		if want := db.MonthOf(at).Table(); tables[0] != want {
			t.Fatalf("week %d: newest table %s, want %s", week, tables[0], want)
		}
		if free := pragmaInt(t, s, "freelist_count"); free > 0 {
			t.Errorf("week %d: %d free pages left in the file", week, free)
		}
	}
	end := start.AddDate(0, 0, 7*77)
	want := []string{db.MonthOf(end).Table(), db.MonthOf(end).Prev().Table(), db.MonthOf(end).Prev().Prev().Table()}
	if got := monthTables(t, s); !slices.Equal(got, want) {
		t.Errorf("tables at the end = %v, want %v", got, want)
	}
	// No FTS shadow table, index or trigger of a dropped month remains.
	var leftovers int
	err := s.DB().QueryRow(`SELECT count(*) FROM sqlite_schema WHERE name LIKE 'SystemEvents2025%'`).Scan(&leftovers)
	if err != nil || leftovers != 0 {
		t.Errorf("%d objects of 2025 months left (err %v)", leftovers, err)
	}
	// The file holds about three months of the eighteen.
	pruned, all := pragmaInt(t, s, "page_count"), pragmaInt(t, keepAll, "page_count")
	if pruned*4 > all {
		t.Errorf("page_count %d with retention, %d without: space not given back", pruned, all)
	}
	if n := count(t, keepAll.DB(), db.Month{Year: 2025, Month: 6}, ""); n != 500 {
		t.Errorf("without retention, June 2025 has %d rows, want 500", n)
	}
}

func TestPruneAtOpenWithNothingToDo(t *testing.T) {
	s, _ := openTestStore(t)
	s.SetRetentionMonths(2)
	at := time.Date(2026, 11, 3, 0, 0, 0, 0, time.UTC)
	if err := s.Write(context.Background(), []search.Row{record(at, "h", "a", "x")}); err != nil {
		t.Fatal(err)
	}
	dropped, err := s.Prune(context.Background(), db.MonthOf(at))
	if err != nil || len(dropped) != 0 {
		t.Errorf("Prune = %v, %v; want nothing dropped", dropped, err)
	}
	// Retention 0 keeps everything, however old.
	s.SetRetentionMonths(0)
	if dropped, err := s.Prune(context.Background(), db.Month{Year: 2030, Month: 1}); err != nil || dropped != nil {
		t.Errorf("Prune with retention 0 = %v, %v", dropped, err)
	}
}

// A retention lowered on a running store (a reload) drops the months past
// it at the next write, without waiting for a new month.
func TestSetRetentionMonthsPrunesAtTheNextWrite(t *testing.T) {
	s, _ := openTestStore(t)
	s.Logger = slog.New(slog.DiscardHandler)
	at := time.Date(2026, 11, 3, 0, 0, 0, 0, time.UTC)
	for m := range 4 {
		if err := s.Write(context.Background(), []search.Row{record(at.AddDate(0, -m, 0), "h", "a", "x")}); err != nil {
			t.Fatal(err)
		}
	}
	steps := []struct {
		retention  int
		wantTables int
	}{
		{0, 4}, // unchanged: nothing pruned
		{3, 3},
		{3, 3},
		{1, 1},
		{0, 1}, // keeping all brings nothing back
	}
	for _, st := range steps {
		s.SetRetentionMonths(st.retention)
		if err := s.Write(context.Background(), []search.Row{record(at, "h", "a", "y")}); err != nil {
			t.Fatal(err)
		}
		if got := monthTables(t, s); len(got) != st.wantTables || got[0] != db.MonthOf(at).Table() {
			t.Errorf("retention %d: tables %v, want the newest %d", st.retention, got, st.wantTables)
		}
	}
}
