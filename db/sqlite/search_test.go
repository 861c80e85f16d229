package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db"
	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/db/search/query"
	"github.com/aiosyslogd/aiosyslogd/db/storetest"
	"github.com/aiosyslogd/aiosyslogd/syslog"
)

// searchEvent is a record with the fields search filters on.
func searchEvent(at string, host, app string, f syslog.Facility, s syslog.Severity, text string) search.Row {
	t, err := time.Parse("2006-01-02 15:04:05.999999", at)
	if err != nil {
		panic(err)
	}
	r := record(t, host, app, text)
	r.Message.Priority = syslog.NewPriority(f, s)
	return r
}

// searchFixture is three months of events, in order of arrival; the tests
// name them by their Message.
var searchFixture = []search.Row{
	searchEvent("2026-09-10 08:00:00", "web1", "sshd", 4, 6, "Accepted password for alice from 10.0.0.5"),
	searchEvent("2026-09-20 09:00:00", "db1", "postgres", 3, 3, "connection refused on port 5432"),
	searchEvent("2026-10-01 00:00:00", "web2", "nginx", 16, 4, "GET /index.html 200"),
	searchEvent("2026-10-15 12:00:00", "web1", "sshd", 4, 5, "Failed password for root from 203.0.113.9"),
	searchEvent("2026-10-31 23:59:59.999999", "db1", "kernel", 0, 2, "disk full on /var"),
	searchEvent("2026-11-01 00:00:00", "web1", "sshd", 4, 3, "Failed password for admin from 203.0.113.9"),
	searchEvent("2026-11-02 10:00:00", "web2", "nginx", 16, 6, "GET /health 200 quick"),
	searchEvent("2026-11-03 10:00:00", "mail", "postfix", 2, 7, "connection from unknown disk"),
}

// openSearchFixture writes searchFixture and opens the database read-only.
func openSearchFixture(t *testing.T) *Reader {
	t.Helper()
	s, path := openTestStore(t)
	if err := s.Write(context.Background(), searchFixture); err != nil {
		t.Fatal(err)
	}
	return openReader(t, path)
}

func openReader(t *testing.T, path string) *Reader {
	t.Helper()
	r, err := OpenReader(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

func utc(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04:05.999999", s)
	if err != nil {
		panic(err)
	}
	return t
}

func ptr[T any](v T) *T { return &v }

// searchTexts runs Search and returns the Messages found, in order.
func searchTexts(t *testing.T, dbtx DBTX, q search.Query) []string {
	t.Helper()
	var got []string
	err := searchEvents(context.Background(), dbtx, q, func(e search.Event) error {
		if db.MonthOf(e.ReceivedAt).Table() != e.Table {
			t.Errorf("event %q received %s reported in table %s", e.Message, e.ReceivedAt, e.Table)
		}
		got = append(got, e.Message)
		return nil
	})
	if err != nil {
		t.Fatalf("Search(%+v): %v", q, err)
	}
	return got
}

// TestSearchFilters runs the store suite's searches (storetest.Cases,
// which the PostgreSQL store runs too) over searchFixture, the same events.
func TestSearchFilters(t *testing.T) {
	r := openSearchFixture(t)
	for _, tt := range storetest.Cases {
		t.Run(tt.Name, func(t *testing.T) {
			got := searchTexts(t, r.db, tt.Q)
			if !slices.Equal(got, tt.Want) {
				t.Errorf("Search:\n got %q\nwant %q", got, tt.Want)
			}
			if tt.Q.Limit != 0 {
				return
			}
			n, err := r.Count(context.Background(), tt.Q)
			if err != nil {
				t.Fatal(err)
			}
			if n != int64(len(tt.Want)) {
				t.Errorf("Count = %d, want %d", n, len(tt.Want))
			}
		})
	}
}

// recordingDBTX remembers every statement run through it.
type recordingDBTX struct {
	DBTX
	mu      sync.Mutex
	queries []string
}

func (r *recordingDBTX) record(q string) {
	r.mu.Lock()
	r.queries = append(r.queries, q)
	r.mu.Unlock()
}

func (r *recordingDBTX) QueryContext(ctx context.Context, q string, args ...interface{}) (*sql.Rows, error) {
	r.record(q)
	return r.DBTX.QueryContext(ctx, q, args...)
}

func (r *recordingDBTX) QueryRowContext(ctx context.Context, q string, args ...interface{}) *sql.Row {
	r.record(q)
	return r.DBTX.QueryRowContext(ctx, q, args...)
}

// tablesRead lists the month tables the recorded statements named, in the
// order they were first named.
func (r *recordingDBTX) tablesRead() []string {
	var tables []string
	for _, q := range r.queries {
		for _, m := range []string{"202609", "202610", "202611"} {
			if strings.Contains(q, "SystemEvents"+m) && !slices.Contains(tables, m) {
				tables = append(tables, m)
			}
		}
	}
	return tables
}

func TestSearchReadsOnlyTheMonthsItNeeds(t *testing.T) {
	r := openSearchFixture(t)
	tests := []struct {
		name string
		q    search.Query
		want []string
	}{
		{"newest month has enough", search.Query{Limit: 3}, []string{"202611"}},
		{"limit crosses into the previous month", search.Query{Limit: 4}, []string{"202611", "202610"}},
		{"oldest month has enough", search.Query{Limit: 2, Order: search.OldestFirst}, []string{"202609"}},
		{"full text, newest month has enough", search.Query{Expr: query.MustParse("password"), Limit: 1}, []string{"202611"}},
		{"full text, crosses months", search.Query{Expr: query.MustParse("password"), Limit: 2}, []string{"202611", "202610"}},
		{"range skips months outside it", search.Query{Since: utc("2026-10-05 00:00:00"), Until: utc("2026-10-06 00:00:00")}, []string{"202610"}},
		{"since skips older months", search.Query{Since: utc("2026-10-31 00:00:00"), Order: search.OldestFirst}, []string{"202610", "202611"}},
		{"until skips newer months", search.Query{Until: utc("2026-10-01 00:00:00"), Expr: query.MustParse("password")}, []string{"202609"}},
		{"no limit reads every month", search.Query{}, []string{"202611", "202610", "202609"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recordingDBTX{DBTX: r.db}
			searchTexts(t, rec, tt.q)
			if got := rec.tablesRead(); !slices.Equal(got, tt.want) {
				t.Errorf("read month tables %v, want %v\n%s", got, tt.want, strings.Join(rec.queries, "\n"))
			}
		})
	}
}

// TestSearchPages checks that searches larger than a page return every
// event exactly once and in order, also when many share a ReceivedAt.
func TestSearchPages(t *testing.T) {
	s, path := openTestStore(t)
	const n = 2*pageSize + 345
	start := utc("2026-11-10 00:00:00")
	batch := make([]search.Row, n)
	for i := range batch {
		// Three events per microsecond: ties the (ReceivedAt, ID) key must
		// break.
		batch[i] = record(start.Add(time.Duration(i/3)*time.Microsecond), "h", "app", fmt.Sprintf("tick number%d", i))
	}
	if err := s.Write(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
	r := openReader(t, path)
	want := make([]string, n)
	for i := range want {
		want[i] = fmt.Sprintf("tick number%d", i)
	}
	newest := slices.Clone(want)
	slices.Reverse(newest)
	tests := []struct {
		name string
		q    search.Query
		want []string
	}{
		{"newest first", search.Query{}, newest},
		{"oldest first", search.Query{Order: search.OldestFirst}, want},
		{"full text newest first", search.Query{Expr: query.MustParse("tick")}, newest},
		{"full text oldest first", search.Query{Expr: query.MustParse("tick"), Order: search.OldestFirst}, want},
		{"limit above a page", search.Query{Limit: pageSize + 1}, newest[:pageSize+1]},
		{"full text limit above a page, oldest first", search.Query{Expr: query.MustParse("tick"), Limit: pageSize + 1, Order: search.OldestFirst}, want[:pageSize+1]},
		{"range, full text", search.Query{Expr: query.MustParse("tick"), Since: start.Add(100 * time.Microsecond), Until: start.Add(700 * time.Microsecond), Order: search.OldestFirst}, want[300:2100]},
		{"range", search.Query{Since: start.Add(100 * time.Microsecond), Until: start.Add(700 * time.Microsecond)}, newest[n-2100 : n-300]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := searchTexts(t, r.db, tt.q)
			if len(got) != len(tt.want) {
				t.Fatalf("got %d events, want %d", len(got), len(tt.want))
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("event %d is %q, want %q", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestSearchStopsOnCallbackError(t *testing.T) {
	r := openSearchFixture(t)
	stop := errors.New("stop")
	calls := 0
	err := r.Search(context.Background(), search.Query{}, func(search.Event) error { calls++; return stop })
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("Search returned %v after %d calls, want the callback's error after 1", err, calls)
	}
}

func TestSearchEmptyDatabase(t *testing.T) {
	s, path := openTestStore(t)
	_ = s // the store made the file, with no month table yet
	r := openReader(t, path)
	if got := searchTexts(t, r.db, search.Query{Expr: query.MustParse("anything")}); got != nil {
		t.Errorf("found %q in an empty database", got)
	}
	if n, err := r.Count(context.Background(), search.Query{}); err != nil || n != 0 {
		t.Errorf("Count = %d, %v; want 0, nil", n, err)
	}
}

func TestOpenReaderRefuses(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.db")
	text := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(text, []byte("not a database, just notes\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path, want string
	}{
		{"missing", filepath.Join(dir, "missing.db"), "does not exist"},
		{"directory", dir, "is a directory"},
		{"empty", empty, "is empty"},
		{"not SQLite", text, "is not an SQLite database"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, _ := os.ReadDir(dir)
			db, err := OpenReader(context.Background(), tt.path)
			if err == nil {
				db.Close()
				t.Fatalf("OpenReader(%s) succeeded", tt.path)
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), tt.path) {
				t.Errorf("error %q does not name the path and say %q", err, tt.want)
			}
			if after, _ := os.ReadDir(dir); len(after) != len(before) {
				t.Errorf("OpenReader made files: %v → %v", before, after)
			}
		})
	}
}

// TestOpenReaderWhileWriting reads a database while its writer is open
// and writing, and after the writer closed it (when SQLite has removed the
// -wal and -shm files), then from a path that needs escaping in a URI.
func TestOpenReaderWhileWriting(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "plain", "sys log.db")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	at := utc("2026-11-10 00:00:00")
	if err := s.Write(ctx, benchBatch(100, at)); err != nil {
		t.Fatal(err)
	}
	r := openReader(t, path)

	// Writers and readers at once: no "database is locked" either way.
	var wg sync.WaitGroup
	wg.Add(1)
	writeErr := make(chan error, 1)
	go func() {
		defer wg.Done()
		for i := range 50 {
			if err := s.Write(ctx, benchBatch(200, at.Add(time.Duration(i+1)*time.Second))); err != nil {
				writeErr <- err
				return
			}
		}
	}()
	for range 50 {
		n := 0
		if err := r.Search(ctx, search.Query{Expr: query.MustParse("GET"), Limit: 50}, func(search.Event) error { n++; return nil }); err != nil {
			t.Fatalf("search while writing: %v", err)
		}
		if n != 50 {
			t.Fatalf("search while writing found %d, want 50", n)
		}
	}
	wg.Wait()
	select {
	case err := <-writeErr:
		t.Fatalf("write while searching: %v", err)
	default:
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	r.Close()

	r = openReader(t, path)
	n, err := r.Count(ctx, search.Query{})
	if err != nil || n != 100+50*200 {
		t.Errorf("after the writer closed: Count = %d, %v; want %d", n, err, 100+50*200)
	}
	r.Close()

	odd := filepath.Join(dir, "a dir?#%25%")
	if err := os.Rename(filepath.Dir(path), odd); err != nil {
		t.Fatal(err)
	}
	r = openReader(t, filepath.Join(odd, "sys log.db"))
	if n, err := r.Count(ctx, search.Query{}); err != nil || n != 100+50*200 {
		t.Errorf("from %s: Count = %d, %v; want %d", odd, n, err, 100+50*200)
	}
}

func TestTailAndFollow(t *testing.T) {
	ctx := context.Background()
	s, path := openTestStore(t)
	write := func(rs ...search.Row) {
		t.Helper()
		if err := s.Write(ctx, rs); err != nil {
			t.Fatal(err)
		}
	}
	write(
		searchEvent("2026-10-31 23:00:00", "web1", "sshd", 4, 6, "old one"),
		searchEvent("2026-10-31 23:00:01", "web1", "sshd", 4, 6, "old two"),
		searchEvent("2026-10-31 23:00:02", "web2", "sshd", 4, 6, "old three"),
	)
	r := openReader(t, path)
	q := search.Query{Host: "web1"}
	var tail []string
	pos, err := r.Tail(ctx, q, 5, func(e search.Event) error { tail = append(tail, e.Message); return nil })
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"old one", "old two"}; !slices.Equal(tail, want) {
		t.Errorf("Tail printed %q, want %q (oldest first)", tail, want)
	}
	if want := (search.Cursor{Table: "SystemEvents202610", ReceivedAt: time.Date(2026, 10, 31, 23, 0, 2, 0, time.UTC), ID: 3}); pos.Table != want.Table || pos.ID != want.ID || !pos.ReceivedAt.Equal(want.ReceivedAt) {
		t.Errorf("Tail cursor %+v, want %+v (the newest event, matching or not)", pos, want)
	}

	got := make(chan string, 100)
	fctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		done <- r.Follow(fctx, q, pos, 5*time.Millisecond, func(e search.Event) error { got <- e.Message; return nil })
	}()
	expect := func(want ...string) {
		t.Helper()
		for _, w := range want {
			select {
			case g := <-got:
				if g != w {
					t.Fatalf("Follow printed %q, want %q", g, w)
				}
			case <-time.After(10 * time.Second):
				t.Fatalf("Follow printed nothing in 10s, want %q", w)
			}
		}
	}
	write(searchEvent("2026-10-31 23:59:00", "web1", "cron", 9, 6, "new in October"),
		searchEvent("2026-10-31 23:59:01", "web2", "cron", 9, 6, "not this host"))
	expect("new in October")
	// A batch that straddles the month boundary, then the new month only.
	write(searchEvent("2026-10-31 23:59:59", "web1", "cron", 9, 6, "last of October"),
		searchEvent("2026-11-01 00:00:00", "web1", "cron", 9, 6, "first of November"))
	write(searchEvent("2026-11-01 00:00:01", "web1", "cron", 9, 6, "second of November"))
	expect("last of October", "first of November", "second of November")
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Follow returned %v after its context ended, want nil", err)
	}
	select {
	case g := <-got:
		t.Errorf("Follow printed %q more", g)
	default:
	}
}

func TestFollowFullTextFromAnEmptyDatabase(t *testing.T) {
	ctx := context.Background()
	s, path := openTestStore(t)
	r := openReader(t, path)
	pos, err := r.Tail(ctx, search.Query{Expr: query.MustParse("error")}, 10, func(e search.Event) error {
		t.Errorf("Tail printed %q from an empty database", e.Message)
		return nil
	})
	if err != nil || !pos.IsZero() {
		t.Fatalf("Tail = %+v, %v; want the zero Cursor", pos, err)
	}
	got := make(chan string, 10)
	fctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- r.Follow(fctx, search.Query{Expr: query.MustParse("error")}, pos, 5*time.Millisecond, func(e search.Event) error { got <- e.Message; return nil })
	}()
	if err := s.Write(ctx, []search.Row{
		searchEvent("2026-12-01 00:00:00", "h", "a", 1, 3, "fine"),
		searchEvent("2026-12-01 00:00:01", "h", "a", 1, 3, "an error"),
	}); err != nil {
		t.Fatal(err)
	}
	select {
	case g := <-got:
		if g != "an error" {
			t.Errorf("Follow printed %q, want %q", g, "an error")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Follow printed nothing in 10s")
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Follow returned %v, want nil", err)
	}
}

// TestSearchQueryPlans checks with EXPLAIN QUERY PLAN that every search
// query uses an index and none sorts its rows: with ORDER BY … LIMIT, a sort
// would read every matching row before returning the first.
func TestSearchQueryPlans(t *testing.T) {
	r := openSearchFixture(t)
	m := db.Month{Year: 2026, Month: 10}
	tests := []struct {
		name string // of the generated statement
		args []any
		want []string // each a line of the plan, in order
	}{
		{"SearchDesc", []any{"b", 0, "a", "b", 10},
			[]string{"SEARCH e USING INDEX SystemEvents202610_ReceivedAtSeverity (ReceivedAt>? AND ReceivedAt<?)"}},
		{"SearchAsc", []any{"a", -1, "a", "b", 10},
			[]string{"SEARCH e USING INDEX SystemEvents202610_ReceivedAtSeverity (ReceivedAt>? AND ReceivedAt<?)"}},
		{"CountSearch", []any{"a", "b"},
			[]string{"SEARCH e USING INDEX SystemEvents202610_ReceivedAtSeverity (ReceivedAt>? AND ReceivedAt<?)"}},
		// idxNum 192 = FTS5's "ORDER BY rowid DESC" (consumed, no sort),
		// 64 = ascending; "M3><" = MATCH on the table (every column: the
		// hidden column after Message, SysLogTag, FromHost) and both rowid bounds.
		{"SearchMatchDesc", []any{"x", 0, 10, "a", "b", 10},
			[]string{"SCAN SystemEvents202610_FTS VIRTUAL TABLE INDEX 192:M3<>", "SEARCH e USING INTEGER PRIMARY KEY (rowid=?)"}},
		{"SearchMatchAsc", []any{"x", 0, 10, "a", "b", 10},
			[]string{"SCAN SystemEvents202610_FTS VIRTUAL TABLE INDEX 64:M3><", "SEARCH e USING INTEGER PRIMARY KEY (rowid=?)"}},
		{"CountSearchMatch", []any{"x", 0, 10, "a", "b"},
			[]string{"SCAN SystemEvents202610_FTS VIRTUAL TABLE INDEX 0:M3><", "SEARCH e USING INTEGER PRIMARY KEY (rowid=?)"}},
		{"FollowEvents", []any{1, 10, "a", 10},
			[]string{"SEARCH e USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)"}},
		{"FieldBatchesDesc", []any{0, `["$.\"h\""]`, 10, 0, 4},
			[]string{"SEARCH b USING INTEGER PRIMARY KEY (rowid<?)", "SCAN p VIRTUAL TABLE INDEX 1:"}},
		{"FieldBatchesAsc", []any{0, `["$.\"h\""]`, 0, 10, 4},
			[]string{"SEARCH b USING INTEGER PRIMARY KEY (rowid<?)", "SCAN p VIRTUAL TABLE INDEX 1:"}},
		{"FieldValues", []any{0, "h", "i", "h*", 10},
			[]string{"SEARCH v USING PRIMARY KEY (Field=? AND Value>? AND Value<?)"}},
		{"EventsByID", []any{"[1,2]", "a", "b"},
			[]string{"SCAN i VIRTUAL TABLE INDEX 1:", "SEARCH e USING INTEGER PRIMARY KEY (rowid=?)", "USE TEMP B-TREE FOR ORDER BY"}},
		{"HistogramTime", []any{0, 60, 1, 10, "a", "b"},
			[]string{"SEARCH e USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)", "USE TEMP B-TREE FOR GROUP BY"}},
		{"FacetTime", []any{0, 1, 10, "a", "b", 10},
			[]string{"SEARCH e USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)", "USE TEMP B-TREE FOR GROUP BY", "USE TEMP B-TREE FOR ORDER BY"}},
		{"FirstIDSince", []any{"a"},
			[]string{"SEARCH e USING COVERING INDEX SystemEvents202610_ReceivedAtSeverity (ReceivedAt>?)"}},
		{"LastIDBefore", []any{"b"},
			[]string{"SEARCH e USING COVERING INDEX SystemEvents202610_ReceivedAtSeverity (ReceivedAt<?)"}},
		// The histogram's buckets without filters: from the time index
		// alone, which carries the severity.
		{"CountTimeRange", []any{"a", "b"},
			[]string{"SEARCH e USING COVERING INDEX SystemEvents202610_ReceivedAtSeverity (ReceivedAt>? AND ReceivedAt<?)"}},
		{"SeveritiesTimeRange", []any{"a", "b"},
			[]string{"SEARCH e USING COVERING INDEX SystemEvents202610_ReceivedAtSeverity (ReceivedAt>? AND ReceivedAt<?)", "USE TEMP B-TREE FOR GROUP BY"}},
		{"SeveritiesTimeIDs", []any{"a", "b", "c", 1, 10},
			[]string{"SEARCH e USING COVERING INDEX SystemEvents202610_ReceivedAtSeverity (ReceivedAt>? AND ReceivedAt<?)", "USE TEMP B-TREE FOR GROUP BY"}},
		{"ReceivedAtOf", []any{1},
			[]string{"SEARCH e USING INTEGER PRIMARY KEY (rowid=?)"}},
		{"CheckMatch", []any{"x"},
			[]string{"SCAN SystemEvents202610_FTS VIRTUAL TABLE INDEX 0:=M3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The filters block becomes sql/filters.sql with neutral
			// filters, as monthDBTX binds it.
			s, err := rewriteStatement(statementSQL(t, tt.name), m)
			if err != nil {
				t.Fatal(err)
			}
			var f *filters
			if s.filters >= 0 {
				f = &filters{}
			}
			args, err := s.bind(tt.args, f)
			if err != nil {
				t.Fatal(err)
			}
			rows, err := r.db.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+s.sql, args...)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var plan []string
			for rows.Next() {
				var id, parent, unused int
				var detail string
				if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
					t.Fatal(err)
				}
				// The exclusion filters' json_each subqueries, run per row
				// only when exclusions are set, are the same in every plan.
				if strings.HasPrefix(detail, "CORRELATED SCALAR SUBQUERY") || detail == "SCAN x VIRTUAL TABLE INDEX 1:" {
					continue
				}
				plan = append(plan, detail)
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(plan, tt.want) {
				t.Errorf("plan:\n  %s\nwant:\n  %s", strings.Join(plan, "\n  "), strings.Join(tt.want, "\n  "))
			}
		})
	}
}

// Paging with cursors returns every event once, in order, whatever the page
// size, across month boundaries, with and without a full-text query.
func TestSearchCursorPages(t *testing.T) {
	r := openSearchFixture(t)
	queries := []search.Query{
		{},
		{Order: search.OldestFirst},
		{Expr: query.MustParse("password OR disk OR GET")},
		{Expr: query.MustParse("password OR disk OR GET"), Order: search.OldestFirst},
		{Host: "web*", Since: utc("2026-09-15 00:00:00")},
		{Host: "web*", Order: search.OldestFirst},
		{Tag: "sshd"},
		{Host: "*1", Not: search.Exclusions{Severities: []syslog.Severity{2}}},
	}
	for _, q := range queries {
		all := searchTexts(t, r.db, q)
		for _, size := range []int{1, 2, 3} {
			var got []string
			page := q
			page.Limit = size
			for pages := 0; ; pages++ {
				if pages > len(all) {
					t.Fatalf("%+v, pages of %d: more pages than events", q, size)
				}
				var last search.Event
				n := 0
				if err := r.Search(context.Background(), page, func(e search.Event) error {
					got, last = append(got, e.Message), e
					n++
					return nil
				}); err != nil {
					t.Fatal(err)
				}
				if n < size {
					break
				}
				page.After = last.Cursor()
			}
			if !slices.Equal(got, all) {
				t.Errorf("%+v in pages of %d:\n got %q\nwant %q", q, size, got, all)
			}
		}
	}
}

func TestSearchRejectsACursorOfAnotherKind(t *testing.T) {
	r := openSearchFixture(t)
	err := r.Search(context.Background(), search.Query{After: search.Cursor{Table: "users", ID: 1}}, func(search.Event) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "cursor") {
		t.Errorf("Search with a cursor into table users = %v, want a cursor error", err)
	}
}
