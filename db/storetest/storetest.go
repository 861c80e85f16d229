// Package storetest is the search suite every store must pass with the
// same answers: a fixture of rows with search cases and the events each
// must find, a corpus of real syslog lines, and random query trees over
// the corpus's own words, hosts, tags and fields. A store's tests write
// the rows, run the queries and compare what they get with the cases, and
// with another store (the SQLite store is the reference). Only tests
// import it.
package storetest

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/db/search/query"
	"github.com/aiosyslogd/aiosyslogd/syslog"
	"github.com/aiosyslogd/aiosyslogd/syslog/ingest"
)

var sender = netip.MustParseAddrPort("192.0.2.7:514")

// row is a record with the fields searches filter on.
func row(at string, host, app string, f syslog.Facility, s syslog.Severity, text string) search.Row {
	t := UTC(at)
	return search.Row{
		ReceivedAt: t, Source: sender,
		Message: syslog.Message{Priority: syslog.NewPriority(f, s), Timestamp: t.Add(-time.Second),
			Hostname: host, AppName: app, ProcID: "42", MsgID: "ID7", Text: text},
	}
}

// UTC reads a time in UTC, "2006-01-02 15:04:05.999999"; it panics on a
// malformed one (tests only).
func UTC(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04:05.999999", s)
	if err != nil {
		panic(err)
	}
	return t
}

func ptr[T any](v T) *T { return &v }

// Fixture is three months of events, in order of arrival; Cases name them
// by their Message.
var Fixture = []search.Row{
	row("2026-09-10 08:00:00", "web1", "sshd", 4, 6, alice),
	row("2026-09-20 09:00:00", "db1", "postgres", 3, 3, refused),
	row("2026-10-01 00:00:00", "web2", "nginx", 16, 4, index),
	row("2026-10-15 12:00:00", "web1", "sshd", 4, 5, root),
	row("2026-10-31 23:59:59.999999", "db1", "kernel", 0, 2, full),
	row("2026-11-01 00:00:00", "web1", "sshd", 4, 3, admin),
	row("2026-11-02 10:00:00", "web2", "nginx", 16, 6, health),
	row("2026-11-03 10:00:00", "mail", "postfix", 2, 7, unknown),
}

const (
	alice   = "Accepted password for alice from 10.0.0.5"
	refused = "connection refused on port 5432"
	index   = "GET /index.html 200"
	root    = "Failed password for root from 203.0.113.9"
	full    = "disk full on /var"
	admin   = "Failed password for admin from 203.0.113.9"
	health  = "GET /health 200 quick"
	unknown = "connection from unknown disk"
)

// Case is a search of Fixture and the Messages it finds, in order.
type Case struct {
	Name string
	Q    search.Query
	Want []string
}

// Cases are the searches of Fixture (those of the SQLite store's
// TestSearchFilters): the query language, the flags' shortcuts, time
// ranges, orders and limits across month boundaries.
var Cases = []Case{
	{"everything, newest first", search.Query{}, []string{unknown, health, admin, full, root, index, refused, alice}},
	{"everything, oldest first", search.Query{Order: search.OldestFirst}, []string{alice, refused, index, root, full, admin, health, unknown}},
	{"limit within the newest month", search.Query{Limit: 3}, []string{unknown, health, admin}},
	{"limit across a month boundary", search.Query{Limit: 4}, []string{unknown, health, admin, full}},
	{"limit oldest first", search.Query{Limit: 3, Order: search.OldestFirst}, []string{alice, refused, index}},
	{"term", search.Query{Expr: query.MustParse("password")}, []string{admin, root, alice}},
	{"phrase", search.Query{Expr: query.MustParse(`"Failed password"`)}, []string{admin, root}},
	{"prefix", search.Query{Expr: query.MustParse("pass*")}, []string{admin, root, alice}},
	{"AND", search.Query{Expr: query.MustParse("Failed AND root")}, []string{root}},
	{"implicit AND", search.Query{Expr: query.MustParse("failed root")}, []string{root}},
	{"OR", search.Query{Expr: query.MustParse("alice OR disk")}, []string{unknown, full, alice}},
	{"NOT", search.Query{Expr: query.MustParse("connection NOT refused")}, []string{unknown}},
	{"an address, pasted", search.Query{Expr: query.MustParse("203.0.113.9")}, []string{admin, root}},
	{"a part of an address", search.Query{Expr: query.MustParse("113")}, []string{admin, root}},
	{"a path, pasted", search.Query{Expr: query.MustParse("/var")}, []string{full}},
	{"a word that is the tag", search.Query{Expr: query.MustParse("sshd failed")}, []string{admin, root}},
	{"a word that is the host", search.Query{Expr: query.MustParse("web1 password")}, []string{admin, root, alice}},
	{"message: leaves out the tag", search.Query{Expr: query.MustParse("message:sshd")}, nil},
	{"NOT a word alone", search.Query{Expr: query.MustParse("-password")}, []string{unknown, health, full, index, refused}},
	{"a word, NOT a word", search.Query{Expr: query.MustParse("-alice password")}, []string{admin, root}},
	{"a group NOT a word", search.Query{Expr: query.MustParse("(failed OR accepted) NOT admin")}, []string{root, alice}},
	{"host: and a word", search.Query{Expr: query.MustParse("host:web* GET")}, []string{health, index}},
	{"tag: and -host:", search.Query{Expr: query.MustParse("tag:sshd -host:web1")}, nil},
	{"severity:", search.Query{Expr: query.MustParse("severity:err")}, []string{admin, full, refused}},
	{"facility: and NOT facility:", search.Query{Expr: query.MustParse("severity:err NOT facility:auth")}, []string{full, refused}},
	{"facility: OR facility:", search.Query{Expr: query.MustParse("facility:auth OR facility:kern")}, []string{admin, full, root, alice}},
	{"host: OR tag:", search.Query{Expr: query.MustParse("host:db1 OR tag:nginx")}, []string{health, full, index, refused}},
	{"host: OR a word", search.Query{Expr: query.MustParse("host:web1 OR 5432")}, []string{admin, root, refused, alice}},
	{"a field and its flag", search.Query{Expr: query.MustParse("host:web1"), Host: "web*"}, []string{admin, root, alice}},
	{"term, oldest first, limit", search.Query{Expr: query.MustParse("password"), Order: search.OldestFirst, Limit: 2}, []string{alice, root}},
	{"term, limit across a month boundary", search.Query{Expr: query.MustParse("password OR disk"), Limit: 3}, []string{unknown, admin, full}},
	{"since is inclusive", search.Query{Since: UTC("2026-10-15 12:00:00")}, []string{unknown, health, admin, full, root}},
	{"until is exclusive", search.Query{Until: UTC("2026-11-01 00:00:00")}, []string{full, root, index, refused, alice}},
	{"range across months", search.Query{Since: UTC("2026-09-20 09:00:00"), Until: UTC("2026-11-01 00:00:00.000001")}, []string{admin, full, root, index, refused}},
	{"range inside a month, oldest first", search.Query{Since: UTC("2026-10-01 00:00:00.000001"), Until: UTC("2026-10-31 23:59:59.999999"), Order: search.OldestFirst}, []string{root}},
	{"range with no event", search.Query{Since: UTC("2026-12-01 00:00:00")}, nil},
	{"term in a range", search.Query{Expr: query.MustParse("disk"), Since: UTC("2026-10-31 00:00:00"), Until: UTC("2026-11-03 00:00:00")}, []string{full}},
	{"term in a range inside a month", search.Query{Expr: query.MustParse("password"), Since: UTC("2026-10-02 00:00:00"), Until: UTC("2026-10-20 00:00:00")}, []string{root}},
	{"term in a range where it does not occur", search.Query{Expr: query.MustParse("alice"), Since: UTC("2026-10-01 00:00:00")}, nil},
	{"host", search.Query{Host: "web1"}, []string{admin, root, alice}},
	{"host pattern", search.Query{Host: "web*"}, []string{health, admin, root, index, alice}},
	{"host is exact without a wildcard", search.Query{Host: "web"}, nil},
	{"tag", search.Query{Tag: "nginx"}, []string{health, index}},
	{"facility", search.Query{Facility: ptr(syslog.Facility(4))}, []string{admin, root, alice}},
	{"facility kern (0)", search.Query{Facility: ptr(syslog.Facility(0))}, []string{full}},
	{"severity err and worse", search.Query{Severity: ptr(syslog.Severity(3))}, []string{admin, full, refused}},
	{"severity warning and worse", search.Query{Severity: ptr(syslog.Severity(4))}, []string{admin, full, index, refused}},
	{"severity emerg only", search.Query{Severity: ptr(syslog.Severity(0))}, nil},
	{"term and severity", search.Query{Expr: query.MustParse("password"), Severity: ptr(syslog.Severity(5))}, []string{admin, root}},
	{"term and host and tag", search.Query{Expr: query.MustParse("200"), Host: "web2", Tag: "ng*"}, []string{health, index}},
	{"host pattern, oldest first", search.Query{Host: "web*", Order: search.OldestFirst}, []string{alice, index, root, admin, health}},
	{"host pattern with a class", search.Query{Host: "[dm]*1"}, []string{full, refused}},
	{"host pattern without a literal prefix", search.Query{Host: "*1"}, []string{admin, full, root, refused, alice}},
	{"host pattern matching nothing", search.Query{Host: "zz*"}, nil},
	{"host prefix matching nothing, by event time", search.Query{Time: search.EventTime, Host: "zz*"}, nil},
	{"tag pattern matching nothing", search.Query{Tag: "zz*"}, nil},
	{"host pattern of the newest month only", search.Query{Host: "ma*"}, []string{unknown}},
	{"host pattern of the newest month only, by event time", search.Query{Time: search.EventTime, Host: "ma*"}, []string{unknown}},
	{"host pattern of the oldest months only, oldest first", search.Query{Host: "d?1", Order: search.OldestFirst, Limit: 1}, []string{refused}},
	{"host and tag patterns, each of another month", search.Query{Host: "ma*", Tag: "postg*"}, nil},
	{"host and tag", search.Query{Host: "web*", Tag: "sshd", Limit: 2}, []string{admin, root}},
	{"tag pattern in a range", search.Query{Tag: "*s*", Since: UTC("2026-10-01 00:00:00")}, []string{unknown, admin, root}},
	{"tag and severity", search.Query{Tag: "sshd", Severity: ptr(syslog.Severity(5))}, []string{admin, root}},
	{"exact host with a wildcard character", search.Query{Host: search.Exact("web*")}, nil},
	{"not a host", search.Query{Not: search.Exclusions{Hosts: []string{"web1"}}}, []string{unknown, health, full, index, refused}},
	{"not two host patterns", search.Query{Not: search.Exclusions{Hosts: []string{"web*", "db?"}}}, []string{unknown}},
	{"not a tag, with a term", search.Query{Expr: query.MustParse("password"), Not: search.Exclusions{Tags: []string{"sshd"}}}, nil},
	{"not a severity (that level only)", search.Query{Not: search.Exclusions{Severities: []syslog.Severity{6, 3}}}, []string{unknown, full, root, index}},
	{"not a facility", search.Query{Not: search.Exclusions{Facilities: []syslog.Facility{4, 16, 0}}}, []string{unknown, refused}},
	{"host and not a tag", search.Query{Host: "web*", Not: search.Exclusions{Tags: []string{"nginx"}}}, []string{admin, root, alice}},
	{"pid: and msgid:", search.Query{Expr: query.MustParse("pid:42 msgid:ID7 disk")}, []string{unknown, full}},
	{"ip: network", search.Query{Expr: query.MustParse("ip:192.0.2.0/24 quick")}, []string{health}},
	// By event time: each fixture row was stamped by its device a second
	// before it was received.
	{"event time until", search.Query{Time: search.EventTime, Until: UTC("2026-11-01 00:00:00")}, []string{admin, full, root, index, refused, alice}},
	{"event time since, oldest first", search.Query{Time: search.EventTime, Since: UTC("2026-11-02 09:59:59"), Order: search.OldestFirst}, []string{health, unknown}},
	{"event time, term, limit", search.Query{Time: search.EventTime, Expr: query.MustParse("password"), Limit: 2}, []string{admin, root}},
	{"event time, host, range across months", search.Query{Time: search.EventTime, Host: "web1", Since: UTC("2026-10-15 11:59:59"), Until: UTC("2026-11-01 00:00:00")}, []string{admin, root}},
	{"everything combined", search.Query{Expr: query.MustParse("GET"), Host: "web?", Tag: "nginx", Facility: ptr(syslog.Facility(16)),
		Severity: ptr(syslog.Severity(6)), Since: UTC("2026-10-01 00:00:00"), Until: UTC("2026-11-01 00:00:00"), Limit: 5}, []string{index}},
}

// corpusFiles are the converter's test inputs: RFC 3164 from many
// devices, RFC 5424 with structured data, lines that are not syslog.
var corpusFiles = []string{"rfc3164.input", "rfc5424.input", "mixed.input"}

// CorpusRows returns the lines of the corpus as rows, each twice a month
// apart from a sender of its own, in order of ReceivedAt.
func CorpusRows() ([]search.Row, error) {
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(file), "..", "..", "syslog", "testdata", "convert")
	p := syslog.Parser{Location: time.UTC, Year: 2026}
	var rows []search.Row
	at := time.Date(2026, 10, 20, 0, 0, 0, 0, time.UTC)
	for _, name := range corpusFiles {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("corpus: %w", err)
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			for month := range 2 {
				n := len(rows)
				from := netip.AddrPortFrom(netip.AddrFrom4([4]byte{byte(10 + 100*(n%3)), 0, byte(n / 256), byte(n)}), 514)
				rows = append(rows, ingest.NewRow(&p, ingest.Received{Data: []byte(sc.Text()), From: from,
					At: at.AddDate(0, month, 0).Add(time.Duration(n) * time.Minute)}))
			}
		}
		f.Close()
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("corpus %s: %w", name, err)
		}
	}
	slices.SortStableFunc(rows, func(a, b search.Row) int { return a.ReceivedAt.Compare(b.ReceivedAt) })
	return rows, nil
}

// Vocabulary is what random trees are made of: values that occur in the
// stored events, so that most trees match something. With TextOnly, the
// leaves are full-text terms alone.
type Vocabulary struct {
	TextOnly                  bool
	words, phrases            []string
	hosts, tags, pids, msgids []string
	ips                       []string
	sd                        [][3]string // ID, PARAM, value
}

// VocabularyOf collects the words and values of events.
func VocabularyOf(events []search.Event) *Vocabulary {
	v := &Vocabulary{}
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
		if e.FromHostIP != "" {
			v.ips = append(v.ips, e.FromHostIP)
		}
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

// Tree returns a random tree of at most depth levels.
func (v *Vocabulary) Tree(r *rand.Rand, depth int) query.Node {
	if depth == 0 || r.IntN(3) == 0 {
		return v.leaf(r)
	}
	switch r.IntN(5) {
	case 0:
		return &query.Not{Node: v.Tree(r, depth-1)}
	case 1, 2:
		return &query.And{Nodes: v.children(r, depth)}
	default:
		return &query.Or{Nodes: v.children(r, depth)}
	}
}

func (v *Vocabulary) children(r *rand.Rand, depth int) []query.Node {
	nodes := make([]query.Node, 2+r.IntN(2))
	for i := range nodes {
		nodes[i] = v.Tree(r, depth-1)
	}
	return nodes
}

// leaf returns a random term or field.
func (v *Vocabulary) leaf(r *rand.Rand) query.Node {
	kinds := 12
	if v.TextOnly {
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
// pattern. A value with a space or a quote can only be written quoted.
func (v *Vocabulary) pattern(r *rand.Rand, name query.FieldName, value string) query.Node {
	f := &query.Field{Name: name, Value: search.Exact(value)}
	switch {
	case value == "" || strings.ContainsAny(value, " \t\"()") || r.IntN(3) == 0:
		f.Value, f.Quoted = value, true
	case r.IntN(2) == 0:
		f.Value = search.Exact(value[:1+r.IntN(len(value))]) + "*"
	}
	return f
}
