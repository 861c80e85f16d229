package db

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/db/search/query"
	"github.com/aiosyslogd/aiosyslogd/syslog"
	"github.com/aiosyslogd/aiosyslogd/syslog/ingest"
)

// The store must return exactly the events that query.Eval selects, for
// any tree: TestQueryStoreAgreesWithEval stores a corpus of real lines
// (the converter's test inputs: RFC 3164 from many devices, RFC 5424 with
// structured data, lines that are not syslog at all) and checks random
// trees over the corpus's own words, hosts, tags and fields, each through
// Search (both orders, and in pages) and Count, against Eval over every
// stored event.

// propertyCorpus is the lines of the corpus files, each stored twice a
// month apart from a sender of its own, so that trees span month tables.
var propertyCorpus = []string{
	"../syslog/testdata/convert/rfc3164.input",
	"../syslog/testdata/convert/rfc5424.input",
	"../syslog/testdata/convert/mixed.input",
}

func propertyRecords(t *testing.T) []search.Row {
	t.Helper()
	p := syslog.Parser{Location: time.UTC, Year: 2026}
	var recs []search.Row
	at := time.Date(2026, 10, 20, 0, 0, 0, 0, time.UTC)
	for _, path := range propertyCorpus {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			for month := range 2 {
				n := len(recs)
				from := netip.AddrPortFrom(netip.AddrFrom4([4]byte{byte(10 + 100*(n%3)), 0, byte(n / 256), byte(n)}), 514)
				recs = append(recs, ingest.NewRow(&p, ingest.Received{Data: []byte(sc.Text()), From: from,
					At: at.AddDate(0, month, 0).Add(time.Duration(n) * time.Minute)}))
			}
		}
		f.Close()
	}
	slices.SortStableFunc(recs, func(a, b search.Row) int { return a.ReceivedAt.Compare(b.ReceivedAt) })
	return recs
}

// vocabulary is what random trees are made of: values that occur in the
// stored events, so that most trees match something. With textOnly, the
// leaves are full-text terms alone, so that whole trees go to FTS5.
type vocabulary struct {
	textOnly                  bool
	words, phrases            []string
	hosts, tags, pids, msgids []string
	ips                       []string
	sd                        [][3]string // ID, PARAM, value
}

func vocabularyOf(events []search.Event) *vocabulary {
	v := &vocabulary{}
	for _, e := range events {
		toks := query.Tokens(e.Message)
		v.words = append(v.words, toks...)
		for i := 0; i+1 < len(toks); i++ {
			v.phrases = append(v.phrases, toks[i]+" "+toks[i+1])
		}
		v.hosts = append(v.hosts, e.FromHost)
		v.tags = append(v.tags, e.SysLogTag)
		v.pids = append(v.pids, e.ProcessID)
		v.msgids = append(v.msgids, e.MsgID)
		v.ips = append(v.ips, e.FromHostIP)
		sd, _ := syslog.ParseStructuredData(e.StructuredData)
		for _, el := range sd {
			for _, p := range el.Params {
				v.sd = append(v.sd, [3]string{el.ID, p.Name, p.Value})
			}
		}
	}
	return v
}

func pick[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

// tree returns a random tree of at most depth levels.
func (v *vocabulary) tree(r *rand.Rand, depth int) query.Node {
	if depth == 0 || r.IntN(3) == 0 {
		return v.leaf(r)
	}
	switch r.IntN(5) {
	case 0:
		return &query.Not{Node: v.tree(r, depth-1)}
	case 1, 2:
		return &query.And{Nodes: v.children(r, depth)}
	default:
		return &query.Or{Nodes: v.children(r, depth)}
	}
}

func (v *vocabulary) children(r *rand.Rand, depth int) []query.Node {
	nodes := make([]query.Node, 2+r.IntN(2))
	for i := range nodes {
		nodes[i] = v.tree(r, depth-1)
	}
	return nodes
}

// leaf returns a random term or field.
func (v *vocabulary) leaf(r *rand.Rand) query.Node {
	kinds := 12
	if v.textOnly {
		kinds = 5
	}
	switch r.IntN(kinds) {
	case 0, 1, 2:
		w := pick(r, v.words)
		t := &query.Text{Text: w, Scope: query.Scope(r.IntN(2))}
		if len(w) > 2 && r.IntN(4) == 0 {
			t.Text, t.Prefix = w[:1+r.IntN(len(w)-1)], true
		}
		return t
	case 3:
		return &query.Text{Text: pick(r, v.phrases), Quoted: true}
	case 4:
		return &query.Text{Text: pick(r, v.hosts) + " " + pick(r, v.tags)} // a word of each
	case 5:
		return v.pattern(r, query.Host, pick(r, v.hosts))
	case 6:
		return v.pattern(r, query.Tag, pick(r, v.tags))
	case 7:
		if r.IntN(2) == 0 {
			return v.pattern(r, query.PID, pick(r, v.pids))
		}
		return v.pattern(r, query.MsgID, pick(r, v.msgids))
	case 8:
		bits := []int{8, 16, 24, 32}[r.IntN(4)]
		cidr := netip.MustParsePrefix(pick(r, v.ips) + fmt.Sprintf("/%d", bits)).Masked()
		return &query.Field{Name: query.IP, Value: cidr.String(), CIDR: cidr}
	case 9:
		return &query.Field{Name: query.Severity, Severity: syslog.Severity(r.IntN(8))}
	case 10:
		return &query.Field{Name: query.Facility, Facility: syslog.Facility(r.IntN(24))}
	}
	if len(v.sd) == 0 {
		return v.leaf(r)
	}
	sd := pick(r, v.sd)
	f := v.pattern(r, query.SD, sd[2]).(*query.Field)
	f.SDID, f.SDParam = sd[0], sd[1]
	return f
}

// pattern is a Field on name: the value exactly, quoted, or as a prefix
// pattern. A value with a space or a quote can only be written quoted: the
// language has no pattern with one.
func (v *vocabulary) pattern(r *rand.Rand, name query.FieldName, value string) query.Node {
	f := &query.Field{Name: name, Value: search.Exact(value)}
	switch {
	case value == "" || strings.ContainsAny(value, " \t\"()") || r.IntN(3) == 0:
		f.Value, f.Quoted = value, true
	case r.IntN(2) == 0:
		f.Value = search.Exact(value[:1+r.IntN(len(value))]) + "*"
	}
	return f
}

func TestQueryStoreAgreesWithEval(t *testing.T) {
	s, path := openTestStore(t)
	if err := s.Write(context.Background(), propertyRecords(t)); err != nil {
		t.Fatal(err)
	}
	rd := openReader(t, path)
	ctx := context.Background()
	var all []search.Event
	if err := rd.Search(ctx, search.Query{Order: search.OldestFirst}, func(e search.Event) error { all = append(all, e); return nil }); err != nil {
		t.Fatal(err)
	}
	v := vocabularyOf(all)
	rng := rand.New(rand.NewPCG(7, uint64(len(all))))
	matched := 0
	for i := range 600 {
		v.textOnly = i%3 == 0
		tree := v.tree(rng, 3)
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
	recs := propertyRecords(t)
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
		if got, want := QueryRecord(&recs[i]), stored[i].Record(); got != want {
			t.Errorf("record %d:\n got %+v\nwant %+v", i, got, want)
		}
	}
}
