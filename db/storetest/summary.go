package storetest

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db/search"
)

// Browser is the part of a store's reader that the summary suite reads:
// db.Browser's searches, histogram, facets and values (storetest cannot
// import package db, whose own tests import it).
type Browser interface {
	Search(ctx context.Context, q search.Query, each func(search.Event) error) error
	Histogram(ctx context.Context, q search.Query, n int) (search.Histogram, error)
	Facets(ctx context.Context, q search.Query, field search.Field, top int) ([]search.FacetValue, error)
	Values(ctx context.Context, field search.Field, prefix string, limit int) ([]string, error)
}

// The range of a summary whose case leaves it open: around Fixture, so
// that the buckets do not depend on when the test runs.
var (
	summarySince = UTC("2026-09-01 00:00:00")
	summaryUntil = UTC("2026-12-02 00:00:00")
)

// SummaryBuckets are the histogram sizes each case is counted in: one
// bucket, weeks, days, hours.
var SummaryBuckets = []int{1, 14, 100, search.MaxBuckets}

// fixtureRow returns the row of Fixture whose text is msg.
func fixtureRow(msg string) search.Row {
	for _, r := range Fixture {
		if r.Message.Text == msg {
			return r
		}
	}
	panic("storetest: no fixture row " + msg)
}

// closed is q with its open sides closed around Fixture.
func closed(q search.Query) search.Query {
	if q.Since.IsZero() {
		q.Since = summarySince
	}
	if q.Until.IsZero() {
		q.Until = summaryUntil
	}
	return q
}

// WantHistogram is the histogram of n buckets of the case: its Want
// events counted by their fixture rows' ReceivedAt (or event time, the
// message's Timestamp, for a case by event time) and severity, over its
// range closed around Fixture.
func WantHistogram(c Case, n int) (search.Query, search.Histogram) {
	q := closed(c.Q)
	h := search.NewHistogram(q.Since, q.Until, n)
	step := int64(h.Step / time.Second)
	for _, msg := range c.Want {
		r := fixtureRow(msg)
		at := r.ReceivedAt
		if q.Time == search.EventTime {
			at = r.Message.Timestamp
		}
		h.Add((at.Unix()-h.Start.Unix())/step, int64(r.Message.Priority.Severity()), 1)
	}
	return q, h
}

// WantFacets are the top values of field among the case's Want events,
// most frequent first, ties by value, as a store answers Facets.
func WantFacets(c Case, field search.Field, top int) []search.FacetValue {
	counts := map[string]int64{}
	for _, msg := range c.Want {
		r := fixtureRow(msg)
		v := ""
		switch field {
		case search.FieldHost:
			v = r.Message.Hostname
		case search.FieldTag:
			v = r.Message.AppName
		case search.FieldSeverity:
			v = strconv.Itoa(int(r.Message.Priority.Severity()))
		default:
			v = strconv.Itoa(int(r.Message.Priority.Facility()))
		}
		counts[v]++
	}
	out := []search.FacetValue{}
	for v, n := range counts {
		out = append(out, search.FacetValue{Value: v, Count: n})
	}
	slices.SortFunc(out, func(a, b search.FacetValue) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Value, b.Value))
	})
	return out[:min(len(out), top)]
}

// ValuesCase is a question of the query bar's suggestions over Fixture
// and its answer: the hosts or tags of the newest two months (October
// and November 2026) that start with Prefix.
type ValuesCase struct {
	Field  search.Field
	Prefix string
	Limit  int
	Want   []string
}

// ValuesCases are the suggestions every store gives over Fixture.
var ValuesCases = []ValuesCase{
	{search.FieldHost, "", 20, []string{"db1", "mail", "web1", "web2"}},
	{search.FieldHost, "web", 20, []string{"web1", "web2"}},
	{search.FieldHost, "web", 1, []string{"web1"}},
	{search.FieldHost, "d", 20, []string{"db1"}},
	{search.FieldHost, "x", 20, nil},
	{search.FieldTag, "", 20, []string{"kernel", "nginx", "postfix", "sshd"}},
	{search.FieldTag, "p", 20, []string{"postfix"}}, // postgres is of September
	{search.FieldTag, "ss", 20, []string{"sshd"}},
}

// CheckSummaries checks b, a store holding Fixture: for every case
// without a limit, its histogram in each of SummaryBuckets (counts by
// bucket and severity), its facets of every field, and its export (every
// match, as CSV) agree with the events the case wants; and the query
// bar's values are ValuesCases'.
func CheckSummaries(t *testing.T, b Browser) {
	ctx := context.Background()
	for _, c := range Cases {
		if c.Q.Limit != 0 {
			continue
		}
		t.Run(c.Name, func(t *testing.T) {
			for _, n := range SummaryBuckets {
				q, want := WantHistogram(c, n)
				got, err := b.Histogram(ctx, q, n)
				if err != nil {
					t.Fatalf("Histogram(%d): %v", n, err)
				}
				if d := diffHistogram(got, want); d != "" {
					t.Errorf("Histogram(%d): %s", n, d)
				}
			}
			for field := search.FieldHost; field <= search.FieldFacility; field++ {
				for _, top := range []int{1, 100} {
					got, err := b.Facets(ctx, c.Q, field, top)
					if err != nil {
						t.Fatalf("Facets(%s, %d): %v", field, top, err)
					}
					if want := WantFacets(c, field, top); !slices.Equal(got, want) {
						t.Errorf("Facets(%s, %d):\n got %v\nwant %v", field, top, got, want)
					}
				}
			}
			csv, err := ExportCSV(ctx, b, c.Q)
			if err != nil {
				t.Fatal(err)
			}
			var msgs []string
			for _, rec := range csv[1:] {
				msgs = append(msgs, rec[13])
			}
			if !slices.Equal(msgs, c.Want) {
				t.Errorf("export:\n got %q\nwant %q", msgs, c.Want)
			}
		})
	}
	for _, c := range ValuesCases {
		got, err := b.Values(ctx, c.Field, c.Prefix, c.Limit)
		if err != nil {
			t.Fatalf("Values(%s, %q): %v", c.Field, c.Prefix, err)
		}
		if !slices.Equal(got, c.Want) {
			t.Errorf("Values(%s, %q, %d) = %q, want %q", c.Field, c.Prefix, c.Limit, got, c.Want)
		}
	}
}

// ExportCSV is the export of q as the web's /api/export?format=csv makes
// it (every match, not q.Limit): the header and a record per event.
func ExportCSV(ctx context.Context, b Browser, q search.Query) ([][]string, error) {
	out := [][]string{search.CSVHeader}
	q.Limit = 0
	err := b.Search(ctx, q, func(e search.Event) error {
		out = append(out, e.CSVRecord(nil))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	return out, nil
}

// diffHistogram says where got differs from want; "" when it does not.
func diffHistogram(got, want search.Histogram) string {
	switch {
	case !got.Start.Equal(want.Start) || got.Step != want.Step:
		return fmt.Sprintf("buckets from %s by %s, want from %s by %s", got.Start, got.Step, want.Start, want.Step)
	case got.Total != want.Total:
		return fmt.Sprintf("total %d, want %d", got.Total, want.Total)
	case !slices.Equal(got.Counts, want.Counts):
		return fmt.Sprintf("counts %v, want %v", nonZero(got.Counts), nonZero(want.Counts))
	case !slices.Equal(got.Severities, want.Severities):
		return fmt.Sprintf("severities %v, want %v", got.Severities, want.Severities)
	}
	return ""
}

// nonZero lists the buckets that count something, as bucket:count.
func nonZero(counts []int64) []string {
	var out []string
	for i, n := range counts {
		if n != 0 {
			out = append(out, fmt.Sprintf("%d:%d", i, n))
		}
	}
	return out
}
