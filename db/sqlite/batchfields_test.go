package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db"
	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/db/sqlite/internal/dbsqlc"
)

// checkBatchFields holds SystemEvents_Batches of month m to what its table
// holds: records that do not overlap, cover every ID once, and list each
// row under its own host and tag, with the counts of the lists.
func checkBatchFields(t *testing.T, dbtx DBTX, m db.Month) (records int) {
	t.Helper()
	q := forMonth(dbtx, m)
	rows, err := q.FieldsAfter(context.Background(), dbsqlc.FieldsAfterParams{After: 0, Lim: 1 << 30})
	if err != nil {
		t.Fatal(err)
	}
	want := map[int64][2]string{}
	for _, r := range rows {
		want[r.ID] = [2]string{r.FromHost, r.SysLogTag}
	}
	rs, err := dbtx.QueryContext(context.Background(), fmt.Sprintf(
		"SELECT ID, LastID, json(HostCounts), json(TagCounts), Hosts, Tags FROM %s_Batches ORDER BY ID", m.Table()))
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	seen, prevLast := map[int64]bool{}, int64(0)
	for rs.Next() {
		var first, last int64
		var texts [4]string
		if err := rs.Scan(&first, &last, &texts[0], &texts[1], &texts[2], &texts[3]); err != nil {
			t.Fatal(err)
		}
		if first <= prevLast {
			t.Errorf("%s: record at %d overlaps the one before (to %d)", m, first, prevLast)
		}
		prevLast = last
		records++
		for f := range 2 {
			var counts map[string]int
			var lists map[string][]int64
			json.Unmarshal([]byte(texts[f]), &counts)
			json.Unmarshal([]byte(texts[2+f]), &lists)
			for v, offsets := range lists {
				if counts[v] != len(offsets) {
					t.Errorf("%s record %d: %q counted %d, listed %d", m, first, v, counts[v], len(offsets))
				}
				for _, o := range offsets {
					id := first + o
					if id < first || id > last || want[id][f] != v || seen[id] && f == 0 {
						t.Errorf("%s record %d: ID %d listed under %q, stored as %q", m, first, id, v, want[id][f])
					}
					seen[id] = true
				}
			}
		}
	}
	if len(seen) != len(want) {
		t.Errorf("%s: %d of %d rows recorded", m, len(seen), len(want))
	}
	return records
}

func TestBatchFields(t *testing.T) {
	s, path := openTestStore(t)
	ctx := context.Background()
	at := time.Date(2026, 11, 30, 23, 0, 0, 0, time.UTC)
	// Small batches share a record until it covers minFieldRows IDs.
	for i := range 5 {
		if err := s.Write(ctx, []search.Row{record(at, fmt.Sprintf("h%d", i%2), "t", "a"), record(at, "h9", "t2", "b")}); err != nil {
			t.Fatal(err)
		}
	}
	if n := checkBatchFields(t, s.DB(), db.Month{Year: 2026, Month: 11}); n != 1 {
		t.Errorf("5 small batches: %d records, want 1", n)
	}
	big := make([]search.Row, 1500)
	for i := range big {
		big[i] = record(at, fmt.Sprintf("web-%02d", i%40), fmt.Sprintf("app%d", i%7), "x")
	}
	// One batch across a month boundary; a failed write in between.
	big[1499].ReceivedAt = at.Add(2 * time.Hour)
	if err := s.Write(ctx, big); err != nil {
		t.Fatal(err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := s.Write(cancelled, big[:10]); err == nil {
		t.Fatal("a write with a cancelled context succeeded")
	}
	if err := s.Write(ctx, big[:3]); err != nil {
		t.Fatal(err)
	}
	// The big batch extends the small batches' record; the last starts one.
	if n := checkBatchFields(t, s.DB(), db.Month{Year: 2026, Month: 11}); n != 2 {
		t.Errorf("small, big, small batches: %d records, want 2", n)
	}
	checkBatchFields(t, s.DB(), db.Month{Year: 2026, Month: 12})
	// What a month made before the table gets at start.
	if _, err := s.DB().Exec("DROP TABLE SystemEvents202611_Batches"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if n := checkBatchFields(t, s.DB(), db.Month{Year: 2026, Month: 11}); n != 2 {
		t.Errorf("filled at start: %d records, want 2 (1000 IDs each)", n)
	}
}
