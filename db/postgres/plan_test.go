//go:build e2e

package postgres

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/aiosyslogd/aiosyslogd/db"
	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/db/search/query"
)

// statements records the SQL and arguments of the statements run.
type statements struct {
	mu   sync.Mutex
	seen []traced
}

type traced struct {
	sql  string
	args []any
}

func (s *statements) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	s.mu.Lock()
	s.seen = append(s.seen, traced{d.SQL, d.Args})
	s.mu.Unlock()
	return ctx
}

func (s *statements) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// named returns the statements sqlc named name ("-- name: SearchDesc").
func (s *statements) named(name string) []traced {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []traced
	for _, t := range s.seen {
		if strings.HasPrefix(t.sql, "-- name: "+name+" ") {
			out = append(out, t)
		}
	}
	return out
}

// TestSearchPlans pins the plans of the search statements on a table
// the planner has statistics of: a rare word is read through the GIN
// index of words, not by walking time; a search without words walks the
// (ReceivedAt, ID) index backwards and stops at the limit.
func TestSearchPlans(t *testing.T) {
	s, dsn := openStore(t)
	ctx := context.Background()
	now := time.Now().UTC()
	const rows = 20_000
	for b := range rows / 1000 {
		batch := benchBatch(1000, now.Add(-30*time.Minute), true)
		for i := range batch {
			batch[i].ReceivedAt = now.Add(-30 * time.Minute).Add(time.Duration(b*1000+i) * 50 * time.Millisecond)
		}
		if b == 7 {
			batch[500].Message.Text = "kernel: zanzibar panic at the disco"
		}
		if err := s.Write(ctx, batch); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.pool.Exec(ctx, "ANALYZE"); err != nil { // the statistics autovacuum would gather
		t.Fatal(err)
	}
	trace := &statements{}
	r, err := OpenReader(ctx, Options{DSN: dsn, tracer: trace})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for _, tc := range []struct {
		name  string
		q     search.Query
		found int
		want  []string // in the plan of the first SearchDesc
	}{
		{"rare word", search.Query{Expr: query.MustParse("zanzibar"), Limit: 100}, 1, []string{"Bitmap Index Scan on systemevents", "words_idx"}},
		{"no words, newest first", search.Query{Limit: 100}, 100, []string{"Limit", "Index Scan Backward using systemevents", "receivedat_id_idx"}},
	} {
		trace.mu.Lock()
		trace.seen = nil
		trace.mu.Unlock()
		n := 0
		if err := r.Search(ctx, tc.q, func(search.Event) error { n++; return nil }); err != nil {
			t.Fatal(err)
		}
		if n != tc.found {
			t.Errorf("%s: found %d, want %d", tc.name, n, tc.found)
		}
		st := trace.named("SearchDesc")
		if len(st) == 0 {
			t.Fatalf("%s: no SearchDesc run", tc.name)
		}
		plan := explain(t, r, st[0])
		t.Logf("%s:\n%s", tc.name, plan)
		for _, w := range tc.want {
			if !strings.Contains(plan, w) {
				t.Errorf("%s: the plan lacks %q:\n%s", tc.name, w, plan)
			}
		}
		if strings.Contains(plan, "Seq Scan") {
			t.Errorf("%s: the plan reads a whole table:\n%s", tc.name, plan)
		}
	}
}

// explain returns the plan PostgreSQL makes for st with its arguments.
func explain(t *testing.T, r *Reader, st traced) string {
	t.Helper()
	rows, err := r.pool.Query(context.Background(), "EXPLAIN "+st.sql, st.args...)
	if err != nil {
		t.Fatalf("explain: %v", err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintln(&b, line)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestBrowsePlans pins the plans of the web's statements over a short
// range of a table the planner has statistics of: the histogram's and
// facets' counts read the range through the (ReceivedAt, ID) index, not
// the whole table, the query bar's values seek the (FromHost,
// ReceivedAt) index once per host, and a search by event time walks the
// index on it.
func TestBrowsePlans(t *testing.T) {
	s, dsn := openStore(t)
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Second)
	for b := range 20 {
		batch := benchBatch(1000, now.Add(-30*time.Minute), true)
		for i := range batch {
			batch[i].ReceivedAt = now.Add(-30 * time.Minute).Add(time.Duration(b*1000+i) * 90 * time.Millisecond)
		}
		if err := s.Write(ctx, batch); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.pool.Exec(ctx, "ANALYZE"); err != nil {
		t.Fatal(err)
	}
	trace := &statements{}
	r, err := OpenReader(ctx, Options{DSN: dsn, tracer: trace})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	q := search.Query{Since: now.Add(-2 * time.Minute), Until: now}
	h, err := r.Histogram(ctx, q, 60)
	if err != nil || h.Total == 0 {
		t.Fatalf("Histogram: %d events, %v", h.Total, err)
	}
	if f, err := r.Facets(ctx, q, search.FieldHost, 10); err != nil || len(f) == 0 {
		t.Fatalf("Facets: %v, %v", f, err)
	}
	if v, err := r.Values(ctx, search.FieldHost, "", 20); err != nil || len(v) == 0 {
		t.Fatalf("Values: %v, %v", v, err)
	}
	n := 0
	if err := r.Search(ctx, search.Query{Time: search.EventTime, Limit: 100}, func(search.Event) error { n++; return nil }); err != nil || n != 100 {
		t.Fatalf("Search by event time: %d events, %v", n, err)
	}
	for _, tc := range []struct {
		name string
		want string
	}{{"HistogramCounts", "receivedat_id_idx"}, {"FacetCounts", "receivedat_id_idx"}, {"HostValues", "fromhost_receivedat_idx"},
		{"SearchEventDesc", "coalesce_id_idx"}} {
		st := trace.named(tc.name)
		if len(st) == 0 {
			t.Fatalf("no %s run", tc.name)
		}
		plan := explain(t, r, st[0])
		t.Logf("%s:\n%s", tc.name, plan)
		if !strings.Contains(plan, tc.want) {
			t.Errorf("%s: the plan does not use %s:\n%s", tc.name, tc.want, plan)
		}
		if strings.Contains(plan, "Seq Scan") {
			t.Errorf("%s: the plan reads a whole table:\n%s", tc.name, plan)
		}
	}
}

// TestPatternNoMatchPlans pins how a search for a host or tag pattern
// that matches nothing is bounded: it reads the distinct hosts (tags) of
// each month through a skip scan of the (FromHost, ReceivedAt) index
// ((SysLogTag, ReceivedAt)), never a whole table, and walks no time
// window at all (no SearchDesc runs).
func TestPatternNoMatchPlans(t *testing.T) {
	s, dsn := openStore(t)
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Second)
	for b := range 20 {
		batch := benchBatch(1000, now.Add(-30*time.Minute), true)
		for i := range batch {
			batch[i].ReceivedAt = now.Add(-30 * time.Minute).Add(time.Duration(b*1000+i) * 90 * time.Millisecond)
		}
		if err := s.Write(ctx, batch); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.pool.Exec(ctx, "ANALYZE"); err != nil {
		t.Fatal(err)
	}
	trace := &statements{}
	r, err := OpenReader(ctx, Options{DSN: dsn, tracer: trace})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for _, tc := range []struct {
		name      string
		q         search.Query
		statement string
		index     string
	}{
		{"host prefix", search.Query{Host: "web1*", Limit: 100}, "MonthHosts", "fromhost_receivedat_idx"},
		{"tag prefix", search.Query{Tag: "zz*", Limit: 100}, "MonthTags", "syslogtag_receivedat_idx"},
		{"host prefix by event time", search.Query{Time: search.EventTime, Host: "web1*", Limit: 100}, "MonthHosts", "fromhost_receivedat_idx"},
	} {
		trace.mu.Lock()
		trace.seen = nil
		trace.mu.Unlock()
		n, err := r.Count(ctx, tc.q)
		if err != nil || n != 0 {
			t.Fatalf("%s: %d events, %v", tc.name, n, err)
		}
		for _, walked := range []string{"SearchDesc", "SearchEventDesc"} {
			if st := trace.named(walked); len(st) != 0 {
				t.Errorf("%s: %d %s run: the search walked time windows", tc.name, len(st), walked)
			}
		}
		// The month that holds the rows (an empty partition, such as
		// next month's, is scanned whole: it has nothing to read).
		var st []traced
		for _, s := range trace.named(tc.statement) {
			if since, ok := s.args[1].(time.Time); ok && since.Equal(db.MonthOf(now).Start()) {
				st = append(st, s)
			}
		}
		if len(st) == 0 {
			t.Fatalf("%s: no %s run over this month", tc.name, tc.statement)
		}
		plan := explain(t, r, st[0])
		t.Logf("%s:\n%s", tc.name, plan)
		if !strings.Contains(plan, tc.index) {
			t.Errorf("%s: the plan does not use %s:\n%s", tc.name, tc.index, plan)
		}
		if strings.Contains(plan, "Seq Scan") || strings.Contains(plan, "Sort") {
			t.Errorf("%s: the plan reads or sorts a whole table:\n%s", tc.name, plan)
		}
	}
}
