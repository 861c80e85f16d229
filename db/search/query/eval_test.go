package query_test

import (
	"net/netip"
	"testing"

	"github.com/aiosyslogd/aiosyslogd/db/search/query"
	"github.com/aiosyslogd/aiosyslogd/syslog"
)

var (
	recRouter = &query.Record{
		Host: "core-rtr-01", Tag: "IOS", PID: "412", MsgID: "LINK", IP: "203.0.113.66",
		StructuredData: `[origin ip="10.1.2.3" software="ios"][meta sequenceId="7"]`,
		Message:        "%LINK-3-UPDOWN: Interface GigabitEthernet1/0/1, changed state to down",
		Facility:       syslog.Facility(23), Severity: syslog.Severity(3),
	}
	recSSH = &query.Record{
		Host: "web-02", Tag: "sshd", PID: "9001", IP: "::ffff:10.0.0.5",
		Message:  "Failed password for user=bob from 198.51.100.7 port 52811 ssh2",
		Facility: syslog.Facility(4), Severity: syslog.Severity(6),
	}
	recFrench = &query.Record{
		Host: "lab", Tag: "cron", StructuredData: "-",
		Message:  "Grüße à l'ÉCOLE naïve",
		Facility: syslog.Facility(9), Severity: syslog.Severity(7),
	}
)

func text(s string) *query.Text                      { return &query.Text{Text: s} }
func prefix(s string) *query.Text                    { return &query.Text{Text: s, Prefix: true} }
func msgText(s string) *query.Text                   { return &query.Text{Text: s, Scope: query.MessageOnly} }
func field(n query.FieldName, v string) *query.Field { return &query.Field{Name: n, Value: v} }
func quoted(n query.FieldName, v string) *query.Field {
	return &query.Field{Name: n, Value: v, Quoted: true}
}
func sd(id, param, v string) *query.Field {
	return &query.Field{Name: query.SD, SDID: id, SDParam: param, Value: v}
}
func cidr(s string) *query.Field {
	return &query.Field{Name: query.IP, Value: s, CIDR: netip.MustParsePrefix(s)}
}
func and(ns ...query.Node) *query.And { return &query.And{Nodes: ns} }
func or(ns ...query.Node) *query.Or   { return &query.Or{Nodes: ns} }
func not(n query.Node) *query.Not     { return &query.Not{Node: n} }

var evalCases = []struct {
	name string
	n    query.Node
	r    *query.Record
	want bool
}{
	{"nil", nil, recRouter, true},
	{"word", text("interface"), recRouter, true},
	{"word absent", text("up"), recRouter, false},
	{"partial word", text("interf"), recRouter, false},
	{"prefix", prefix("interf"), recRouter, true},
	{"phrase", text("changed state"), recRouter, true},
	{"phrase out of order", text("state changed"), recRouter, false},
	{"phrase prefix last", prefix("changed sta"), recRouter, true},
	{"phrase prefix not first", prefix("chan state"), recRouter, false},
	{"punctuated term", text("GigabitEthernet1/0/1"), recRouter, true},
	{"punctuated partial", text("gigabitethernet1/0"), recRouter, true},
	{"address", text("198.51.100.7"), recSSH, true},
	{"address other", text("198.51.100.8"), recSSH, false},
	{"key=value", text("user=bob"), recSSH, true},
	{"key value", text("user bob"), recSSH, true},
	{"case folded", text("FAILED"), recSSH, true},
	{"diacritics", text("ecole naive"), recFrench, true},
	{"diacritics in term", text("Naïve"), recFrench, true},
	{"sharp s kept", text("grusse"), recFrench, false},
	{"sharp s", text("GRÜSSE"), recFrench, false},
	{"umlaut", text("gruße"), recFrench, true},
	{"no tokens", text("--"), recRouter, false},
	{"no tokens prefix", prefix(""), recRouter, false},
	{"tag anywhere", text("sshd"), recSSH, true},
	{"host anywhere", text("web"), recSSH, true},
	{"host phrase", text("web-02"), recSSH, true},
	{"tag message only", msgText("sshd"), recSSH, false},
	{"message only", msgText("password"), recSSH, true},
	{"across fields", text("ssh2 sshd"), recSSH, false},
	{"host glob", field(query.Host, "web-*"), recSSH, true},
	{"host glob miss", field(query.Host, "web-*"), recRouter, false},
	{"host glob case", field(query.Host, "WEB-*"), recSSH, false},
	{"host set", field(query.Host, "web-0[1-3]"), recSSH, true},
	{"host quoted", quoted(query.Host, "web-*"), recSSH, false},
	{"host quoted exact", quoted(query.Host, "web-02"), recSSH, true},
	{"tag", field(query.Tag, "ss?d"), recSSH, true},
	{"pid", field(query.PID, "90*"), recSSH, true},
	{"msgid", field(query.MsgID, "LINK"), recRouter, true},
	{"msgid empty", field(query.MsgID, "*"), recSSH, true},
	{"ip glob", field(query.IP, "203.0.113.*"), recRouter, true},
	{"ip glob unknown", field(query.IP, "*"), recFrench, false},
	{"ip cidr", cidr("203.0.113.0/24"), recRouter, true},
	{"ip cidr miss", cidr("203.0.114.0/24"), recRouter, false},
	{"ip cidr 4in6", cidr("10.0.0.0/8"), recSSH, true},
	{"ip cidr host", cidr("10.0.0.5/32"), recSSH, true},
	{"ip cidr v6", cidr("::/0"), recRouter, false},
	{"ip cidr unknown", cidr("0.0.0.0/0"), recFrench, false},
	{"sd", sd("origin", "ip", "10.1.*"), recRouter, true},
	{"sd quoted", &query.Field{Name: query.SD, SDID: "origin", SDParam: "software", Value: "ios", Quoted: true}, recRouter, true},
	{"sd second element", sd("meta", "sequenceId", "7"), recRouter, true},
	{"sd wrong element", sd("meta", "ip", "*"), recRouter, false},
	{"sd wrong value", sd("origin", "ip", "10.2.*"), recRouter, false},
	{"sd none", sd("origin", "ip", "*"), recSSH, false},
	{"sd nil", sd("origin", "ip", "*"), recFrench, false},
	{"sd invalid", sd("origin", "ip", "*"), &query.Record{StructuredData: `[origin ip="1"`}, false},
	{"sd twice", and(sd("origin", "ip", "10.*"), not(sd("meta", "sequenceId", "8"))), recRouter, true},
	{"sd trailing garbage", sd("origin", "ip", "*"), &query.Record{StructuredData: `[origin ip="1"] x`}, false},
	{"facility", &query.Field{Name: query.Facility, Facility: 4}, recSSH, true},
	{"facility miss", &query.Field{Name: query.Facility, Facility: 4}, recRouter, false},
	{"severity same", &query.Field{Name: query.Severity, Severity: 3}, recRouter, true},
	{"severity more severe", &query.Field{Name: query.Severity, Severity: 4}, recRouter, true},
	{"severity less severe", &query.Field{Name: query.Severity, Severity: 2}, recRouter, false},
	{"and", and(text("down"), field(query.Host, "core-*")), recRouter, true},
	{"and miss", and(text("down"), field(query.Host, "web-*")), recRouter, false},
	{"or", or(field(query.Host, "web-*"), field(query.Host, "core-*")), recRouter, true},
	{"or miss", or(field(query.Host, "web-*"), field(query.Host, "db-*")), recRouter, false},
	{"not", not(text("down")), recRouter, false},
	{"not miss", not(text("up")), recRouter, true},
	{"nested", and(or(text("failed"), text("down")), not(field(query.Tag, "IOS"))), recSSH, true},
	{"nested miss", and(or(text("failed"), text("down")), not(field(query.Tag, "IOS"))), recRouter, false},
	{"same field twice", and(text("state"), not(prefix("chang"))), recRouter, false},
}

func TestEval(t *testing.T) {
	for _, tc := range evalCases {
		if got := query.Eval(tc.n, tc.r); got != tc.want {
			t.Errorf("%s: Eval = %v, want %v", tc.name, got, tc.want)
		}
		m := query.Compile(tc.n)
		for range 2 { // a reused Matcher keeps no state between records
			if got := m.Match(tc.r); got != tc.want {
				t.Errorf("%s: Match = %v, want %v", tc.name, got, tc.want)
			}
		}
	}
}

// TestMatchAllocs runs in make test's lane without the race detector (see
// raceEnabled).
func TestMatchAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops items under the race detector; make test counts allocations without it")
	}
	m := query.Compile(and(text("changed state"), or(field(query.Host, "web-*"), cidr("203.0.113.0/24"))))
	m.Match(recRouter)
	if n := testing.AllocsPerRun(100, func() { m.Match(recRouter) }); n != 0 {
		t.Errorf("Match allocates %v times", n)
	}
}

func BenchmarkMatch(b *testing.B) {
	r := &query.Record{
		Host: "core-rtr-01", Tag: "IOS", PID: "412", IP: "203.0.113.66",
		Message: "%LINK-3-UPDOWN: Interface GigabitEthernet1/0/1, changed state to down " +
			"(neighbor 198.51.100.7 lost after 3 keepalives; last flap 00:04:12 ago)",
	}
	m := query.Compile(and(
		or(field(query.Host, "web-*"), field(query.Host, "core-*")),
		text("198.51.100.7"),
	))
	b.ReportAllocs()
	for b.Loop() {
		if !m.Match(r) {
			b.Fatal("no match")
		}
	}
}

// Matchers that share a Prepared record answer as each would alone, in
// whatever order they read it.
func TestMatchPreparedAgreesWithMatch(t *testing.T) {
	var ms []*query.Matcher
	for _, tt := range evalCases {
		ms = append(ms, query.Compile(tt.n))
	}
	var p query.Prepared
	for _, tt := range evalCases {
		p.Reset()
		for i, m := range ms {
			if got, want := m.MatchPrepared(tt.r, &p), m.Match(tt.r); got != want {
				t.Errorf("record of %q, matcher of %q: MatchPrepared = %v, Match = %v", tt.name, evalCases[i].name, got, want)
			}
		}
	}
}
