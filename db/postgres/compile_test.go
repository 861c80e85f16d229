package postgres

import (
	"testing"

	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/db/search/query"
	"github.com/aiosyslogd/aiosyslogd/syslog"
)

// TestWordsOf: the tsquery of a tree holds for every event the tree
// matches, its words cut as FTS5 cuts them (case folded, diacritics
// removed); what it cannot say (negations, fields) it leaves out.
func TestWordsOf(t *testing.T) {
	tests := []struct {
		q    string
		want string // "" for no words
	}{
		{"password", "'password'"},
		{"Failed", "'failed'"},
		{"203.0.113.9", "('203' & '0' & '113' & '9')"},
		{"mx1.example.net", "('mx1' & 'example' & 'net')"},
		{`"failed password"`, "('failed' & 'password')"},
		{"pass*", "'pass':*"},
		{"web-0*", "('web' & '0':*)"},
		{"failed root", "('failed' & 'root')"},
		{"alice OR disk", "('alice' | 'disk')"},
		{"connection NOT refused", "'connection'"},
		{"-password", ""},
		{"host:web1 OR 5432", ""},
		{"host:web* GET", "'get'"},
		{"message:sshd", "'sshd'"},
		{"café", "'cafe'"},
		{"Straße OR bar", "('straße' | 'bar')"},
		{"ÉTÉ bar", "('ete' & 'bar')"},
		{"severity:err", ""},
		{"(a OR b) c", "(('a' | 'b') & 'c')"},
		{`"it's"`, "('it' & 's')"},
	}
	for _, tt := range tests {
		got, ok := wordsOf(query.MustParse(tt.q))
		if !ok {
			got = ""
		}
		if got != tt.want {
			t.Errorf("wordsOf(%s) = %q, want %q", tt.q, got, tt.want)
		}
	}
}

// TestCompileLevels: the severities and facilities a match may have, from
// the shortcuts and the tree's top level; nil for any, empty for none.
func TestCompileLevels(t *testing.T) {
	sev := func(s syslog.Severity) *syslog.Severity { return &s }
	fac := func(f syslog.Facility) *syslog.Facility { return &f }
	tests := []struct {
		name       string
		q          search.Query
		severities []int16
		facilities []int16
	}{
		{"nothing", search.Query{}, nil, nil},
		{"--severity err", search.Query{Severity: sev(3)}, []int16{0, 1, 2, 3}, nil},
		{"severity:err NOT facility:auth", search.Query{Expr: query.MustParse("severity:err NOT facility:auth")},
			[]int16{0, 1, 2, 3}, []int16{0, 1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23}},
		{"--facility 4 and facility:kern", search.Query{Facility: fac(4), Expr: query.MustParse("facility:kern")}, nil, []int16{}},
		{"--not-severity", search.Query{Not: search.Exclusions{Severities: []syslog.Severity{6, 7}}}, []int16{0, 1, 2, 3, 4, 5}, nil},
		{"severity in an OR with a word", search.Query{Expr: query.MustParse("severity:err OR disk")}, nil, nil},
	}
	for _, tt := range tests {
		r := compile(tt.q)
		if !equalLevels(r.severities, tt.severities) || !equalLevels(r.facilities, tt.facilities) {
			t.Errorf("%s: severities %v, facilities %v; want %v, %v", tt.name, r.severities, r.facilities, tt.severities, tt.facilities)
		}
	}
}

// equalLevels tells nil (any) from empty (none).
func equalLevels(a, b []int16) bool {
	if (a == nil) != (b == nil) || len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestExactly: which queries PostgreSQL counts whole (histogram, facets)
// and which are walked and checked row by row.
func TestExactly(t *testing.T) {
	for _, tc := range []struct {
		q    search.Query
		want bool
	}{
		{search.Query{}, true},
		{search.Query{Expr: query.MustParse("disk")}, true},
		{search.Query{Expr: query.MustParse("disk* OR (full AND var)")}, true},
		{search.Query{Expr: query.MustParse("disk severity:err -facility:cron")}, true},
		{search.Query{Expr: query.MustParse("disk"), Host: "web1", Tag: "sshd"}, true},
		{search.Query{Expr: query.MustParse("disk"), Host: "web*"}, false},
		{search.Query{Expr: query.MustParse("disk"), Time: search.EventTime}, false},
		{search.Query{Expr: query.MustParse(`"disk full"`)}, false},
		{search.Query{Expr: query.MustParse("10.0.0.5")}, false},
		{search.Query{Expr: query.MustParse("message:disk")}, false},
		{search.Query{Expr: query.MustParse("-disk")}, false},
		{search.Query{Expr: query.MustParse("disk OR severity:err")}, false},
		{search.Query{Expr: query.MustParse("host:web1")}, false},
		{search.Query{Not: search.Exclusions{Hosts: []string{"web1"}}}, false},
		{search.Query{Not: search.Exclusions{Severities: []syslog.Severity{3}}}, true},
	} {
		if got := compile(tc.q).exactly(); got != tc.want {
			t.Errorf("%+v: exactly = %v, want %v", tc.q, got, tc.want)
		}
	}
}
