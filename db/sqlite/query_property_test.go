package sqlite

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/aiosyslogd/aiosyslogd/db"
	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/db/search/query"
	"github.com/aiosyslogd/aiosyslogd/db/storetest"
)

// The store must return exactly the events that query.Eval selects, for
// any tree: TestQueryStoreAgreesWithEval stores a corpus of real lines
// (the converter's test inputs: RFC 3164 from many devices, RFC 5424 with
// structured data, lines that are not syslog at all) and checks random
// trees over the corpus's own words, hosts, tags and fields, each through
// Search (both orders, and in pages) and Count, against Eval over every
// stored event.

func TestQueryStoreAgreesWithEval(t *testing.T) {
	s, path := openTestStore(t)
	if err := s.Write(context.Background(), corpusRows(t)); err != nil {
		t.Fatal(err)
	}
	rd := openReader(t, path)
	ctx := context.Background()
	var all []search.Event
	if err := rd.Search(ctx, search.Query{Order: search.OldestFirst}, func(e search.Event) error { all = append(all, e); return nil }); err != nil {
		t.Fatal(err)
	}
	v := storetest.VocabularyOf(all)
	rng := rand.New(rand.NewPCG(7, uint64(len(all))))
	matched := 0
	for i := range 600 {
		v.TextOnly = i%3 == 0
		tree := v.Tree(rng, 3)
		want := evalIDs(all, tree)
		if len(want) > 0 {
			matched++
		}
		checkTree(t, rd, i, tree, want)
	}
	// A property that no tree exercises proves nothing.
	if matched < 150 {
		t.Errorf("only %d of 600 random trees matched any event: the generator is too narrow", matched)
	}
}

// evalIDs returns the IDs (Table/ID) of the events tree selects, oldest
// first.
func evalIDs(all []search.Event, tree query.Node) []string {
	m := query.Compile(tree)
	var ids []string
	for _, e := range all {
		r := e.Record()
		if m.Match(&r) {
			ids = append(ids, e.Table+"/"+fmt.Sprint(e.ID))
		}
	}
	return ids
}

// checkTree compares Search and Count of tree with want.
func checkTree(t *testing.T, rd *Reader, i int, tree query.Node, want []string) {
	t.Helper()
	ctx := context.Background()
	for _, q := range []search.Query{
		{Expr: tree, Order: search.OldestFirst},
		{Expr: tree},
		{Expr: tree, Order: search.OldestFirst, Limit: 7},
	} {
		var got []string
		err := rd.Search(ctx, q, func(e search.Event) error { got = append(got, e.Table+"/"+fmt.Sprint(e.ID)); return nil })
		if err != nil {
			t.Fatalf("tree %d %s: %v", i, tree, err)
		}
		exp := slices.Clone(want)
		if q.Order == search.NewestFirst {
			slices.Reverse(exp)
		}
		if q.Limit > 0 && len(exp) > q.Limit {
			exp = exp[:q.Limit]
		}
		if !slices.Equal(got, exp) {
			t.Fatalf("tree %d %s (order %s, limit %d; FTS5 %q):\n got %d: %s\nwant %d: %s", i, tree, q.Order, q.Limit,
				compile(q).match, len(got), strings.Join(got, " "), len(exp), strings.Join(exp, " "))
		}
	}
	n, err := rd.Count(ctx, search.Query{Expr: tree})
	if err != nil || n != int64(len(want)) {
		t.Fatalf("tree %d %s: Count %d, %v; want %d", i, tree, n, err, len(want))
	}
}

// What QueryRecord makes of a record before it is stored is what a query
// reads of the stored row: alerting matches records as they are stored,
// and must agree with search.
func TestQueryRecordIsTheStoredRow(t *testing.T) {
	s, path := openTestStore(t)
	recs := corpusRows(t)
	if err := s.Write(context.Background(), recs); err != nil {
		t.Fatal(err)
	}
	var stored []search.Event
	q := search.Query{Order: search.OldestFirst}
	if err := openReader(t, path).Search(context.Background(), q, func(e search.Event) error { stored = append(stored, e); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(stored) != len(recs) {
		t.Fatalf("stored %d rows of %d records", len(stored), len(recs))
	}
	for i := range recs {
		if got, want := db.QueryRecord(&recs[i]), stored[i].Record(); got != want {
			t.Errorf("record %d:\n got %+v\nwant %+v", i, got, want)
		}
	}
}

// corpusRows is the shared corpus of the store suite (storetest.CorpusRows).
func corpusRows(t *testing.T) []search.Row {
	t.Helper()
	rows, err := storetest.CorpusRows()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}
