//go:build e2e

package postgres

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db"
	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/db/search/query"
	"github.com/aiosyslogd/aiosyslogd/db/sqlite"
	"github.com/aiosyslogd/aiosyslogd/db/storetest"
)

// One search suite, both stores: the same rows written to the SQLite
// store and to PostgreSQL must give the same events (every column but the
// store's own ID), in the same order, the same counts and the same pages.

// bothStores holds the same rows in both stores.
type bothStores struct {
	sqlite *sqlite.Reader
	pg     *Reader
}

func openBoth(t *testing.T, rows []search.Row) bothStores {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "syslog.db")
	lite, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := lite.Write(ctx, rows); err != nil {
		t.Fatal(err)
	}
	if err := lite.Close(); err != nil {
		t.Fatal(err)
	}
	r, err := sqlite.OpenReader(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	pg, _ := openStore(t)
	for b := range slices.Chunk(rows, 100) { // batches, as the pipeline writes them
		if err := pg.Write(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	return bothStores{sqlite: r, pg: pg.Reader()}
}

// events runs q on s and returns what it found.
func events(t *testing.T, s db.Searcher, q search.Query) []search.Event {
	t.Helper()
	var got []search.Event
	if err := s.Search(context.Background(), q, func(e search.Event) error { got = append(got, e); return nil }); err != nil {
		t.Fatalf("Search(%+v): %v", q, err)
	}
	return got
}

// same returns where a and b differ, "" when they hold the same events
// in the same order (the IDs are each store's own). A NUL byte in a's
// text is U+FFFD in b's: PostgreSQL's text cannot hold NUL (the bytes are
// in RawMessage in both).
func same(a, b []search.Event) string {
	if len(a) != len(b) {
		return fmt.Sprintf("%d events against %d:\n%s\n--\n%s", len(a), len(b), messagesOf(a), messagesOf(b))
	}
	for i := range a {
		x, y := a[i], b[i]
		x.ID, y.ID = 0, 0
		for _, f := range []*string{&x.FromHost, &x.SysLogTag, &x.ProcessID, &x.MsgID, &x.StructuredData, &x.Message} {
			*f = noNUL(*f)
		}
		if x.RawMessage == nil {
			x.RawMessage = []byte{}
		}
		if y.RawMessage == nil {
			y.RawMessage = []byte{}
		}
		xs, ys := fmt.Sprintf("%+v", x), fmt.Sprintf("%+v", y)
		if xs != ys {
			return fmt.Sprintf("event %d:\n%s\n%s", i, xs, ys)
		}
	}
	return ""
}

func messagesOf(es []search.Event) string {
	var b strings.Builder
	for _, e := range es {
		fmt.Fprintf(&b, "%s %q\n", e.ReceivedAt.Format("2006-01-02 15:04:05.000000"), e.Message)
	}
	return b.String()
}

// TestCrossStoreCases runs the search cases of storetest.Fixture on both
// stores: each finds the events the case names, and the same events.
func TestCrossStoreCases(t *testing.T) {
	s := openBoth(t, storetest.Fixture)
	ctx := context.Background()
	for _, tc := range storetest.Cases {
		t.Run(tc.Name, func(t *testing.T) {
			lite, pg := events(t, s.sqlite, tc.Q), events(t, s.pg, tc.Q)
			var got []string
			for _, e := range pg {
				got = append(got, e.Message)
			}
			if !slices.Equal(got, tc.Want) {
				t.Errorf("PostgreSQL:\n got %q\nwant %q", got, tc.Want)
			}
			if d := same(lite, pg); d != "" {
				t.Errorf("SQLite and PostgreSQL differ: %s", d)
			}
			if tc.Q.Limit != 0 {
				return
			}
			n, err := s.pg.Count(ctx, tc.Q)
			if err != nil || n != int64(len(tc.Want)) {
				t.Errorf("Count = %d, %v; want %d", n, err, len(tc.Want))
			}
		})
	}
}

// TestCrossStoreSummaries runs the store suite's histograms, facets,
// values and exports over storetest.Fixture on PostgreSQL, and compares
// each export with the SQLite store's, column by column but for the
// store's own ID.
func TestCrossStoreSummaries(t *testing.T) {
	s := openBoth(t, storetest.Fixture)
	storetest.CheckSummaries(t, s.pg)
	ctx := context.Background()
	for _, c := range storetest.Cases {
		lite, err1 := storetest.ExportCSV(ctx, s.sqlite, c.Q)
		pg, err2 := storetest.ExportCSV(ctx, s.pg, c.Q)
		if err1 != nil || err2 != nil {
			t.Fatalf("%s: export: %v, %v", c.Name, err1, err2)
		}
		for _, recs := range [][][]string{lite, pg} {
			for _, rec := range recs[1:] {
				rec[1] = "" // ID
			}
		}
		if !slices.EqualFunc(lite, pg, slices.Equal) {
			t.Errorf("%s: the exports differ:\n%q\n%q", c.Name, lite, pg)
		}
	}
}

// sameSummaries reports where the histogram and facets of q differ on
// the two stores; "" when they do not.
func sameSummaries(t *testing.T, s bothStores, q search.Query) string {
	t.Helper()
	ctx := context.Background()
	q.Since, q.Until = storetest.UTC("2026-10-01 00:00:00"), storetest.UTC("2027-01-01 00:00:00")
	h1, err1 := s.sqlite.Histogram(ctx, q, 100)
	h2, err2 := s.pg.Histogram(ctx, q, 100)
	if err1 != nil || err2 != nil {
		t.Fatalf("Histogram: %v, %v", err1, err2)
	}
	if fmt.Sprint(h1) != fmt.Sprint(h2) {
		return fmt.Sprintf("histograms:\n%v\n%v", h1, h2)
	}
	for field := search.FieldHost; field <= search.FieldFacility; field++ {
		f1, err1 := s.sqlite.Facets(ctx, q, field, 20)
		f2, err2 := s.pg.Facets(ctx, q, field, 20)
		if err1 != nil || err2 != nil {
			t.Fatalf("Facets: %v, %v", err1, err2)
		}
		if !slices.Equal(f1, f2) {
			return fmt.Sprintf("facets of %s:\n%v\n%v", field, f1, f2)
		}
	}
	return ""
}

// TestCrossStoreRandomTrees stores the corpus of real lines in both
// stores and runs random trees over its own words and values through
// both: the same events in both orders, the same first page, the same
// pages one cursor after the other, the same count.
func TestCrossStoreRandomTrees(t *testing.T) {
	rows, err := storetest.CorpusRows()
	if err != nil {
		t.Fatal(err)
	}
	s := openBoth(t, rows)
	all := events(t, s.sqlite, search.Query{Order: search.OldestFirst})
	if d := same(all, events(t, s.pg, search.Query{Order: search.OldestFirst})); d != "" {
		t.Fatalf("the stored corpus differs: %s", d)
	}
	v := storetest.VocabularyOf(all)
	rng := rand.New(rand.NewPCG(20, uint64(len(all))))
	ctx := context.Background()
	matched := 0
	const trees = 300
	for i := range trees {
		v.TextOnly = i%3 == 0
		tree := v.Tree(rng, 3)
		for _, q := range []search.Query{
			{Expr: tree, Order: search.OldestFirst},
			{Expr: tree},
			{Expr: tree, Limit: 7},
			{Expr: tree, Time: search.EventTime},
			{Expr: tree, Time: search.EventTime, Order: search.OldestFirst, Limit: 7},
		} {
			lite, pg := events(t, s.sqlite, q), events(t, s.pg, q)
			if d := same(lite, pg); d != "" {
				t.Fatalf("tree %d %s (order %s, limit %d): SQLite and PostgreSQL differ: %s", i, tree, q.Order, q.Limit, d)
			}
			if q.Limit == 0 && q.Order == search.NewestFirst && q.Time == search.ReceivedTime {
				if len(pg) > 0 {
					matched++
				}
				if d := same(pg, pages(t, s.pg, q, 5)); d != "" {
					t.Fatalf("tree %d %s: pages of 5 differ from the whole: %s", i, tree, d)
				}
			}
		}
		if i%5 == 0 {
			q := search.Query{Expr: tree}
			if i%10 == 5 {
				q.Time = search.EventTime
			}
			if d := sameSummaries(t, s, q); d != "" {
				t.Fatalf("tree %d %s: SQLite and PostgreSQL differ: %s", i, tree, d)
			}
		}
		n1, err1 := s.sqlite.Count(ctx, search.Query{Expr: tree})
		n2, err2 := s.pg.Count(ctx, search.Query{Expr: tree})
		if err1 != nil || err2 != nil || n1 != n2 {
			t.Fatalf("tree %d %s: Count %d (%v) on SQLite, %d (%v) on PostgreSQL", i, tree, n1, err1, n2, err2)
		}
	}
	// A property that no tree exercises proves nothing.
	if matched < trees/4 {
		t.Errorf("only %d of %d random trees matched any event: the generator is too narrow", matched, trees)
	}
}

// pages reads q page by page, each of n events after the last one's
// cursor, until a short page.
func pages(t *testing.T, s db.Searcher, q search.Query, n int) []search.Event {
	t.Helper()
	var out []search.Event
	q.Limit = n
	for range 10_000 {
		page := events(t, s, q)
		out = append(out, page...)
		if len(page) < n {
			return out
		}
		q.After = page[len(page)-1].Cursor()
	}
	t.Fatal("more than 10,000 pages")
	return nil
}

// TestCrossStoreWordsBeyondASCII: words are cut alike in both stores,
// case folded and stripped of diacritics as FTS5's unicode61 does, so
// cafe, café and CAFÉ find one another, and ß stays ß.
func TestCrossStoreWordsBeyondASCII(t *testing.T) {
	at := storetest.UTC("2026-11-20 10:00:00")
	var rows []search.Row
	for i, text := range []string{"Café au lait", "cafe noir", "CAFÉ-BAR 3", "Straße gesperrt", "strasse offen", "日本語 テキスト"} {
		r := storetest.Fixture[0]
		r.ReceivedAt, r.Message.Text = at.Add(time.Duration(i)*time.Second), text
		rows = append(rows, r)
	}
	s := openBoth(t, rows)
	for _, tc := range []struct {
		q    string
		want int
	}{{"cafe", 3}, {"café", 3}, {"CAFÉ", 3}, {"caf*", 3}, {`"café bar"`, 1}, {"straße", 1}, {"strasse", 1}, {"日本語", 1}, {"テキスト", 1}} {
		q := search.Query{Expr: query.MustParse(tc.q)}
		lite, pg := events(t, s.sqlite, q), events(t, s.pg, q)
		if d := same(lite, pg); d != "" {
			t.Errorf("%s: SQLite and PostgreSQL differ: %s", tc.q, d)
		}
		if len(pg) != tc.want {
			t.Errorf("%s: found %d, want %d:\n%s", tc.q, len(pg), tc.want, messagesOf(pg))
		}
	}
}
