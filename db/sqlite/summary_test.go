package sqlite

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db"
	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/db/search/query"
	"github.com/aiosyslogd/aiosyslogd/syslog"
)

// A --host or --tag search without a full-text query reads where each
// value is (SystemEvents_Batches), not the time index; a full-text query
// reads the FTS5 index.
func TestSearchFieldIndexPlan(t *testing.T) {
	r := openSearchFixture(t)
	tests := []struct {
		q    search.Query
		plan string // the statement that finds the month's rows
	}{
		{search.Query{Host: "web1"}, "FieldBatchesDesc"},
		{search.Query{Host: "web*", Order: search.OldestFirst}, "FieldBatchesAsc"},
		{search.Query{Tag: "ssh*", Severity: ptr(syslog.Severity(5))}, "FieldBatchesDesc"},
		{search.Query{Host: "*1"}, "FieldBatchesDesc"},
		{search.Query{Host: "web1", Expr: query.MustParse("password")}, "SearchMatchDesc"},
		{search.Query{Since: utc("2026-10-01 00:00:00")}, "SearchDesc"},
	}
	plans := []string{"SearchDesc", "SearchAsc", "SearchMatchDesc", "SearchMatchAsc", "FieldBatchesDesc", "FieldBatchesAsc"}
	for _, tt := range tests {
		rec := &recordingDBTX{DBTX: r.db}
		searchTexts(t, rec, tt.q)
		var used []string
		for _, q := range rec.queries {
			name, _, _ := strings.Cut(strings.TrimPrefix(q, "-- name: "), " ")
			if slices.Contains(plans, name) && !slices.Contains(used, name) {
				used = append(used, name)
			}
		}
		if !slices.Equal(used, []string{tt.plan}) {
			t.Errorf("%+v ran %v, want only %s", tt.q, used, tt.plan)
		}
	}
}

func TestSearchWithoutTheFieldIndexes(t *testing.T) {
	s, path := openTestStore(t)
	if err := s.Write(context.Background(), searchFixture); err != nil {
		t.Fatal(err)
	}
	want := searchTexts(t, s.DB(), search.Query{Host: "web*"})
	ctx := context.Background()
	var wantFacets [4][]search.FacetValue
	for f := range wantFacets {
		var err error
		if wantFacets[f], err = (&Reader{db: s.DB()}).Facets(ctx, search.Query{}, search.Field(f), 10); err != nil {
			t.Fatal(err)
		}
	}
	// Rows another program stored after the last record: the month is
	// searched the slow way, and finds them.
	if _, err := s.DB().Exec(`INSERT INTO SystemEvents202610 (Facility, Priority, FromHost, ReceivedAt, SysLogTag, ProcessID, Message)
		VALUES (1, 6, 'web5', '2026-10-20 00:00:00.000000', 'other', '', 'stored by another program')`); err != nil {
		t.Fatal(err)
	}
	r0 := openReader(t, path)
	if got := searchTexts(t, r0.db, search.Query{Host: "web5"}); !slices.Equal(got, []string{"stored by another program"}) {
		t.Errorf("a row after the last record: %q", got)
	}
	if _, err := s.DB().Exec(`DELETE FROM SystemEvents202610 WHERE SysLogTag = 'other'`); err != nil {
		t.Fatal(err)
	}
	for _, m := range []string{"202609", "202610", "202611"} {
		for _, drop := range []string{"TABLE SystemEvents" + m + "_Batches", "TABLE SystemEvents" + m + "_Values"} {
			if _, err := s.DB().Exec("DROP " + drop); err != nil {
				t.Fatal(err)
			}
		}
	}
	r := openReader(t, path)
	if got := searchTexts(t, r.db, search.Query{Host: "web*"}); !slices.Equal(got, want) {
		t.Errorf("without the index: %q, want %q", got, want)
	}
	for f := range wantFacets {
		if got, err := r.Facets(ctx, search.Query{}, search.Field(f), 10); err != nil || !slices.Equal(got, wantFacets[f]) {
			t.Errorf("%s facet without the records: %v, %v; want %v", search.Field(f), got, err, wantFacets[f])
		}
	}
	// Opening the store again gives every month its index back, filled.
	s.Close()
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := searchTexts(t, s.DB(), search.Query{Host: "web*"}); !slices.Equal(got, want) {
		t.Errorf("with the rebuilt index: %q, want %q", got, want)
	}
	for _, m := range []db.Month{{Year: 2026, Month: 9}, {Year: 2026, Month: 10}, {Year: 2026, Month: 11}} {
		if n, err := forMonth(s.DB(), m).HasFieldIndex(context.Background()); err != nil || n != 1 {
			t.Errorf("%s after Open: field index %d, %v", m.Table(), n, err)
		}
	}
}

func TestHistogram(t *testing.T) {
	r := openSearchFixture(t)
	ctx := context.Background()
	tests := []struct {
		name  string
		q     search.Query
		n     int
		start string
		step  time.Duration
		want  []int64
	}{
		{"a week by day", search.Query{Since: utc("2026-10-29 00:00:00"), Until: utc("2026-11-05 00:00:00")}, 7,
			"2026-10-29 00:00:00", 24 * time.Hour, []int64{0, 0, 1, 1, 1, 1, 0}},
		{"full text", search.Query{Expr: query.MustParse("disk"), Since: utc("2026-10-29 00:00:00"), Until: utc("2026-11-05 00:00:00")}, 7,
			"2026-10-29 00:00:00", 24 * time.Hour, []int64{0, 0, 1, 0, 0, 1, 0}},
		{"exclusions", search.Query{Not: search.Exclusions{Hosts: []string{"web*"}}, Since: utc("2026-10-29 00:00:00"), Until: utc("2026-11-05 00:00:00")}, 7,
			"2026-10-29 00:00:00", 24 * time.Hour, []int64{0, 0, 1, 0, 0, 1, 0}},
		{"a day in two-hour buckets, aligned", search.Query{Since: utc("2026-11-02 09:30:00"), Until: utc("2026-11-03 09:30:00")}, 13,
			"2026-11-02 08:00:00", 2 * time.Hour, []int64{0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}},
		{"open start: the oldest event", search.Query{Until: utc("2026-11-04 00:00:00")}, 100,
			"2026-09-10 00:00:00", 24 * time.Hour, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := r.Histogram(ctx, tt.q, tt.n)
			if err != nil {
				t.Fatal(err)
			}
			if !h.Start.Equal(utc(tt.start)) || h.Step != tt.step {
				t.Errorf("start %s step %s, want %s %s", h.Start, h.Step, tt.start, tt.step)
			}
			if tt.want != nil && !slices.Equal(h.Counts, tt.want) {
				t.Errorf("counts %v, want %v", h.Counts, tt.want)
			}
			var sum int64
			for _, c := range h.Counts {
				sum += c
			}
			n, err := r.Count(ctx, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if sum != h.Total || h.Total != n {
				t.Errorf("buckets add up to %d, total %d, Count %d", sum, h.Total, n)
			}
		})
	}
}

func TestFacets(t *testing.T) {
	r := openSearchFixture(t)
	ctx := context.Background()
	tests := []struct {
		field search.Field
		q     search.Query
		top   int
		want  []search.FacetValue
	}{
		{search.FieldHost, search.Query{}, 10, []search.FacetValue{fv("web1", 3), fv("db1", 2), fv("web2", 2), fv("mail", 1)}},
		{search.FieldHost, search.Query{}, 2, []search.FacetValue{fv("web1", 3), fv("db1", 2)}},
		{search.FieldTag, search.Query{Expr: query.MustParse("password")}, 10, []search.FacetValue{fv("sshd", 3)}},
		{search.FieldSeverity, search.Query{Host: "web*"}, 10, []search.FacetValue{fv("6", 2), fv("3", 1), fv("4", 1), fv("5", 1)}},
		{search.FieldFacility, search.Query{Since: utc("2026-11-01 00:00:00")}, 10, []search.FacetValue{fv("16", 1), fv("2", 1), fv("4", 1)}},
		{search.FieldHost, search.Query{Not: search.Exclusions{Hosts: []string{"web1"}}, Since: utc("2026-12-01 00:00:00")}, 10, []search.FacetValue{}},
		// A window that cuts a batch record: its part is counted by row.
		{search.FieldSeverity, search.Query{Since: utc("2026-10-15 12:00:00")}, 10, []search.FacetValue{fv("2", 1), fv("3", 1), fv("5", 1), fv("6", 1), fv("7", 1)}},
		{search.FieldHost, search.Query{Since: utc("2026-10-15 12:00:00"), Until: utc("2026-11-02 10:00:00")}, 10, []search.FacetValue{fv("web1", 2), fv("db1", 1)}},
	}
	for _, tt := range tests {
		got, err := r.Facets(ctx, tt.q, tt.field, tt.top)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("Facets(%s, %+v) = %v, want %v", tt.field, tt.q, got, tt.want)
		}
	}
}

func fv(value string, n int64) search.FacetValue { return search.FacetValue{Value: value, Count: n} }

func TestNewest(t *testing.T) {
	r := openSearchFixture(t)
	got, ok, err := r.Newest(context.Background())
	if err != nil || !ok || !got.Equal(utc("2026-11-03 10:00:00")) {
		t.Errorf("Newest = %s, %v, %v", got, ok, err)
	}
	_, path := openTestStore(t)
	if _, ok, err := openReader(t, path).Newest(context.Background()); ok || err != nil {
		t.Errorf("Newest of an empty database: ok %v, %v", ok, err)
	}
}

// severityDay is two hours of rows, a second apart, of every severity,
// in five batches of 20 minutes each, and a sixth batch received among
// the fourth one's rows (a writer stored it late), so that the batch
// records' IDs do not follow time there.
func severityDay() [][]search.Row {
	start := utc("2026-11-10 00:00:00")
	var batches [][]search.Row
	for b := range 6 {
		var rows []search.Row
		for i := range 1200 {
			at := start.Add(time.Duration(b*1200+i) * time.Second)
			if b == 5 {
				if i == 40 {
					break
				}
				at = start.Add(time.Hour + time.Duration(i)*30*time.Second + time.Second/2)
			}
			rows = append(rows, searchEvent(at.Format("2006-01-02 15:04:05.999999"), fmt.Sprintf("host%d", i%7), "app", 1, syslog.Severity((i*i+b)%8),
				fmt.Sprintf("event %d of batch %d", i, b)))
		}
		batches = append(batches, rows)
	}
	return batches
}

// The histogram's counts by severity add up, in every bucket, to the
// bucket's count, and over the buckets to the number of rows of each
// severity that a search lists: from the batch records where their IDs
// follow time (and the time index for the batches across a bucket's
// edges), from the time index's entries where they do not or where a
// bucket is narrower than a batch, and from the rows for a query with
// filters or words.
func TestHistogramSeverities(t *testing.T) {
	s, path := openTestStore(t)
	for _, rows := range severityDay() {
		if err := s.Write(context.Background(), rows); err != nil {
			t.Fatal(err)
		}
	}
	r := openReader(t, path)
	day := search.Query{Since: utc("2026-11-10 00:00:00"), Until: utc("2026-11-11 00:00:00")}
	tests := []struct {
		name    string
		q       search.Query
		n       int
		records bool // the batch records serve some bucket
		edges   bool // and the time index the batches across its edges
	}{
		{"a day in 60 buckets", day, 60, true, true},
		{"a day in 7 uneven buckets", day, 7, true, false},
		{"minutes across batches' edges", search.Query{Since: utc("2026-11-10 00:10:00"), Until: utc("2026-11-10 00:40:00")}, 30, false, false},
		{"filters", search.Query{Since: day.Since, Until: day.Until, Host: "host3", Not: search.Exclusions{Severities: []syslog.Severity{6}}}, 24, false, false},
		{"words", search.Query{Since: day.Since, Until: day.Until, Expr: query.MustParse("batch")}, 24, false, false},
		{"open range", search.Query{}, 12, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recordingDBTX{DBTX: r.db}
			h, err := histogram(context.Background(), rec, tt.q, tt.n)
			if err != nil {
				t.Fatal(err)
			}
			var want, got search.Severities
			q := tt.q
			q.Since, q.Until = h.Start, h.Start.Add(time.Duration(len(h.Counts))*h.Step)
			if tt.q.Since.After(q.Since) {
				q.Since = tt.q.Since
			}
			if !tt.q.Until.IsZero() && tt.q.Until.Before(q.Until) {
				q.Until = tt.q.Until
			}
			if err := r.Search(context.Background(), q, func(e search.Event) error {
				want[e.Severity]++
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			for i, sev := range h.Severities {
				if sum(sev) != h.Counts[i] {
					t.Errorf("bucket %d: %v adds up to %d, count %d", i, sev, sum(sev), h.Counts[i])
				}
				for s, n := range sev {
					got[s] += n
				}
			}
			if got != want || sum(want) == 0 {
				t.Errorf("by severity %v, a search lists %v", got, want)
			}
			if used := slices.ContainsFunc(rec.queries, func(q string) bool { return strings.HasPrefix(q, "-- name: FieldCounts ") }); used != tt.records {
				t.Errorf("batch records used: %v, want %v", used, tt.records)
			}
			if used := slices.ContainsFunc(rec.queries, func(q string) bool { return strings.HasPrefix(q, "-- name: SeveritiesTimeIDs ") }); used != tt.edges {
				t.Errorf("the time index read for the batches across an edge: %v, want %v", used, tt.edges)
			}
		})
	}
	// The late batch's hours are counted from the time index's entries.
	rec := &recordingDBTX{DBTX: r.db}
	if _, err := histogram(context.Background(), rec, day, 60); err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(rec.queries, func(q string) bool { return strings.HasPrefix(q, "-- name: SeveritiesTimeRange ") }) {
		t.Error("the hours of the late batch were not counted from the time index")
	}
}
