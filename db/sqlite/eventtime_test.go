package sqlite

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db"
	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/db/search/query"
	"github.com/aiosyslogd/aiosyslogd/syslog"
)

// lateEvent is a row received at received whose device said device ("":
// the message had no timestamp).
func lateEvent(received, device string, s syslog.Severity, text string) search.Row {
	r := searchEvent(received, "dev1", "app", 1, s, text)
	r.Message.Timestamp = time.Time{}
	if device != "" {
		r.Message.Timestamp = utc(device)
	}
	return r
}

// eventTimeFixture is rows over three months of receipt whose device
// times differ: a backfilled log received in November that happened in
// September, a device whose clock runs a month ahead, messages without a
// timestamp (their event time is when they were received), and two events
// of the same second received in different months.
var eventTimeFixture = []search.Row{
	lateEvent("2026-09-10 08:00:00", "2026-09-10 07:59:59", 6, "september on time"),
	lateEvent("2026-09-20 09:00:00", "2026-10-20 09:00:00", 4, "clock a month ahead"),
	lateEvent("2026-09-25 12:00:00", "2026-10-01 00:00:00", 3, "tie received in september"),
	lateEvent("2026-10-01 00:00:00", "2026-10-01 00:00:00", 5, "tie received in october"),
	lateEvent("2026-10-15 12:00:00", "", 6, "october without a timestamp"),
	lateEvent("2026-10-31 23:00:00", "2026-10-31 22:59:58", 2, "october on time"),
	lateEvent("2026-11-02 10:00:00", "2026-09-15 08:00:00", 3, "backfilled password log"),
	lateEvent("2026-11-02 10:00:01", "2026-09-15 08:00:01", 6, "backfilled second line"),
	lateEvent("2026-11-03 10:00:00", "", 7, "november without a timestamp"),
}

// byEventTime is the fixture's messages latest event time first, as a
// search by event time lists them (the tie: the later month first).
var byEventTime = []string{
	"november without a timestamp", "october on time", "clock a month ahead", "october without a timestamp",
	"tie received in october", "tie received in september", "backfilled second line", "backfilled password log",
	"september on time",
}

func openEventTimeFixture(t *testing.T) (*Reader, *Store) {
	t.Helper()
	s, path := openTestStore(t)
	if err := s.Write(context.Background(), eventTimeFixture); err != nil {
		t.Fatal(err)
	}
	return openReader(t, path), s
}

func TestSearchByEventTime(t *testing.T) {
	r, _ := openEventTimeFixture(t)
	ctx := context.Background()
	reversed := slices.Clone(byEventTime)
	slices.Reverse(reversed)
	tests := []struct {
		name string
		q    search.Query
		want []string
	}{
		{"latest first", search.Query{}, byEventTime},
		{"earliest first", search.Query{Order: search.OldestFirst}, reversed},
		{"a range in september holds what november received", search.Query{Since: utc("2026-09-01 00:00:00"), Until: utc("2026-10-01 00:00:00")},
			[]string{"backfilled second line", "backfilled password log", "september on time"}},
		{"the range's ends: since in, until out", search.Query{Since: utc("2026-10-01 00:00:00"), Until: utc("2026-10-20 09:00:00")},
			[]string{"october without a timestamp", "tie received in october", "tie received in september"}},
		{"a limit", search.Query{Limit: 3}, byEventTime[:3]},
		{"words", search.Query{Expr: query.MustParse("backfilled OR timestamp")},
			[]string{"november without a timestamp", "october without a timestamp", "backfilled second line", "backfilled password log"}},
		{"words and a range", search.Query{Expr: query.MustParse("password"), Since: utc("2026-09-01 00:00:00"), Until: utc("2026-09-30 00:00:00")},
			[]string{"backfilled password log"}},
		{"filters", search.Query{Severity: ptr(syslog.Severity(3)), Order: search.OldestFirst},
			[]string{"backfilled password log", "tie received in september", "october on time"}},
		{"by received time, as before", search.Query{Since: utc("2026-09-01 00:00:00"), Until: utc("2026-10-01 00:00:00")},
			nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := tt.q
			if tt.want == nil {
				// The same range by ReceivedAt: what September received.
				if got := searchTexts(t, r.db, q); !slices.Equal(got, []string{"tie received in september", "clock a month ahead", "september on time"}) {
					t.Errorf("by received time: %q", got)
				}
				return
			}
			q.Time = search.EventTime
			if got := searchTexts(t, r.db, q); !slices.Equal(got, tt.want) {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
			q.Limit = 0
			n, err := r.Count(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			if tt.q.Limit == 0 && n != int64(len(tt.want)) {
				t.Errorf("Count = %d, want %d", n, len(tt.want))
			}
		})
	}
}

// Page after page by event time, one or two events a page, in both orders:
// every event once, in order, ties across months included.
func TestSearchByEventTimePages(t *testing.T) {
	r, _ := openEventTimeFixture(t)
	reversed := slices.Clone(byEventTime)
	slices.Reverse(reversed)
	for _, order := range []search.Order{search.NewestFirst, search.OldestFirst} {
		want := byEventTime
		if order == search.OldestFirst {
			want = reversed
		}
		for _, limit := range []int{1, 2, 4} {
			q := search.Query{Time: search.EventTime, Order: order, Limit: limit}
			var got []string
			for page := 0; page < 20; page++ {
				var last search.Event
				n := 0
				if err := r.Search(context.Background(), q, func(e search.Event) error {
					got = append(got, e.Message)
					last, n = e, n+1
					return nil
				}); err != nil {
					t.Fatal(err)
				}
				if n < limit {
					break
				}
				q.After = last.CursorBy(search.EventTime)
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s, %d a page: %q", order, limit, got)
			}
		}
	}
}

// The histogram by event time puts each event in the bucket of its event
// time, whatever month received it; its severities add up.
func TestHistogramByEventTime(t *testing.T) {
	r, _ := openEventTimeFixture(t)
	ctx := context.Background()
	q := search.Query{Time: search.EventTime, Since: utc("2026-09-01 00:00:00"), Until: utc("2026-11-01 00:00:00")}
	h, err := r.Histogram(ctx, q, 61)
	if err != nil {
		t.Fatal(err)
	}
	if h.Step != 24*time.Hour || !h.Start.Equal(utc("2026-09-01 00:00:00")) {
		t.Fatalf("start %s step %s", h.Start, h.Step)
	}
	want := map[string]search.Severities{ // day → severities
		"2026-09-10": {6: 1}, "2026-09-15": {3: 1, 6: 1}, "2026-10-01": {3: 1, 5: 1},
		"2026-10-15": {6: 1}, "2026-10-20": {4: 1}, "2026-10-31": {2: 1},
	}
	for i, sev := range h.Severities {
		day := h.Start.Add(time.Duration(i) * h.Step).Format("2006-01-02")
		if sev != want[day] || h.Counts[i] != sum(want[day]) {
			t.Errorf("%s: %v (%d), want %v", day, sev, h.Counts[i], want[day])
		}
	}
	if h.Total != 8 {
		t.Errorf("total %d, want 8", h.Total)
	}
	// An open range starts at the earliest event time.
	open, err := r.Histogram(ctx, search.Query{Time: search.EventTime, Expr: query.MustParse("backfilled"), Until: utc("2026-11-01 00:00:00")}, 100)
	if err != nil {
		t.Fatal(err)
	}
	if !open.Start.Equal(utc("2026-09-10 00:00:00")) || open.Total != 2 {
		t.Errorf("open range: start %s, total %d", open.Start, open.Total)
	}
	// Facets follow the event time too.
	got, err := r.Facets(ctx, q, search.FieldSeverity, 10)
	if err != nil {
		t.Fatal(err)
	}
	if wantF := []search.FacetValue{fv("3", 2), fv("6", 3), fv("2", 1), fv("4", 1), fv("5", 1)}; !slices.EqualFunc(sortedFacets(got), sortedFacets(wantF), func(a, b search.FacetValue) bool { return a == b }) {
		t.Errorf("severity facet by event time: %v", got)
	}
}

func sortedFacets(v []search.FacetValue) []search.FacetValue {
	v = slices.Clone(v)
	slices.SortFunc(v, func(a, b search.FacetValue) int { return strings.Compare(a.Value, b.Value) })
	return v
}

// argsDBTX remembers every statement and its arguments.
type argsDBTX struct {
	DBTX
	queries []string
	args    [][]any
}

func (r *argsDBTX) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	r.queries, r.args = append(r.queries, q), append(r.args, args)
	return r.DBTX.QueryContext(ctx, q, args...)
}

// Each month's part of a search by event time is a walk of its event time
// index, which serve gives to month tables made before it.
func TestEventTimeIndex(t *testing.T) {
	r, s := openEventTimeFixture(t)
	ctx := context.Background()
	for _, q := range []search.Query{{Time: search.EventTime, Limit: 5}, {Time: search.EventTime, Host: "dev*", Order: search.OldestFirst},
		{Time: search.EventTime, Expr: query.MustParse("time OR timestamp")}} {
		rec := &argsDBTX{DBTX: r.db}
		searchTexts(t, rec, q)
		var plans []string
		for i, text := range rec.queries {
			if !strings.HasPrefix(text, "-- name: SearchEvent") {
				continue
			}
			rows, err := r.db.QueryContext(ctx, "EXPLAIN QUERY PLAN "+text, rec.args[i]...)
			if err != nil {
				t.Fatal(err)
			}
			var plan []string
			for rows.Next() {
				var id, parent, notused int
				var detail string
				if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
					t.Fatal(err)
				}
				plan = append(plan, detail)
			}
			rows.Close()
			plans = append(plans, strings.Join(plan, "; "))
		}
		t.Logf("%+v: %q", q, plans)
		if len(plans) != 3 {
			t.Errorf("%+v: %d month statements, want one per month (3)", q, len(plans))
		}
		for _, p := range plans {
			if !strings.Contains(p, "USING INDEX SystemEvents2026") || !strings.Contains(p, "_EventTime") || strings.Contains(p, "TEMP B-TREE") {
				t.Errorf("%+v: plan %q, want a walk of the event time index and no sort", q, p)
			}
		}
	}
	// A month table made before the index gains it when the store opens.
	if _, err := s.DB().Exec(`DROP INDEX SystemEvents202610_EventTime`); err != nil {
		t.Fatal(err)
	}
	path := s.path
	s.Close()
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, m := range []db.Month{{Year: 2026, Month: 9}, {Year: 2026, Month: 10}, {Year: 2026, Month: 11}} {
		if n, err := forMonth(s.DB(), m).HasEventTimeIndex(ctx); n != 1 || err != nil {
			t.Errorf("%s after Open: event time index %d, %v", m.Table(), n, err)
		}
	}
}

// A word common enough in a month is checked on each row along the event
// time index instead of listing its matches first: the same events, in
// the same order.
func TestSearchByEventTimeCommonWords(t *testing.T) {
	r, _ := openEventTimeFixture(t)
	saved := denseMatches
	t.Cleanup(func() { denseMatches = saved })
	for _, text := range []string{"backfilled OR timestamp", "password", `"on time" -september`, "tie received host:dev1"} {
		q := search.Query{Time: search.EventTime, Expr: query.MustParse(text)}
		denseMatches = saved
		listed := &recordingDBTX{DBTX: r.db}
		want := searchTexts(t, listed, q)
		denseMatches = 1
		walked := &recordingDBTX{DBTX: r.db}
		got := searchTexts(t, walked, q)
		if !slices.Equal(got, want) || len(want) == 0 {
			t.Errorf("%s: checked on each row %q, matches listed first %q", text, got, want)
		}
		ran := func(rec *recordingDBTX, name string) bool {
			return slices.ContainsFunc(rec.queries, func(q string) bool { return strings.HasPrefix(q, "-- name: "+name+" ") })
		}
		if !ran(listed, "SearchEventMatchDesc") || ran(listed, "SearchEventDesc") || ran(walked, "SearchEventMatchDesc") || !ran(walked, "SearchEventDesc") {
			t.Errorf("%s: the statements did not change with the count of matches", text)
		}
	}
}

// A search by event time skips a month without a value of its host or
// tag filter; the others check the filter on each row.
func TestSearchByEventTimeSkipsMonthsWithoutTheHost(t *testing.T) {
	r, _ := openEventTimeFixture(t)
	extra := lateEvent("2026-10-05 00:00:00", "2026-09-01 00:00:00", 6, "from another host")
	extra.Message.Hostname = "other1"
	s, err := Open(context.Background(), r.path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Write(context.Background(), []search.Row{extra}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	for _, tt := range []struct {
		q      search.Query
		want   []string
		months int // month statements run
	}{
		{search.Query{Host: "other*"}, []string{"from another host"}, 1},
		{search.Query{Host: "nosuch"}, nil, 0},
		{search.Query{Host: "dev1", Limit: 2}, byEventTime[:2], 3},
	} {
		tt.q.Time = search.EventTime
		rec := &recordingDBTX{DBTX: r.db}
		got := searchTexts(t, rec, tt.q)
		n := 0
		for _, q := range rec.queries {
			if strings.HasPrefix(q, "-- name: SearchEventDesc ") {
				n++
			}
		}
		if !slices.Equal(got, tt.want) || n != tt.months {
			t.Errorf("%+v: %q in %d month statements; want %q in %d", tt.q, got, n, tt.want, tt.months)
		}
	}
}
