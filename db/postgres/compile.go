package postgres

import (
	"strings"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/db/search/query"
	"github.com/aiosyslogd/aiosyslogd/syslog"
)

// How a search.Query becomes the candidates' parameters of
// sql/postgres/search.sql and the check of each candidate. The statement
// says only conditions that every match meets (the words a match must
// hold, the levels, hosts and tags it can have), so that it reads few rows
// through the indexes; query.Matcher, the same evaluation the SQLite
// store's rest filter and the alert rules use, then decides. So both stores
// give the same answers whatever shape the tree has: the statement may let
// through more, never less.

// request is a Query compiled for the statements and the check.
type request struct {
	search.Query
	words      pgtype.Text // a tsquery every match satisfies; NULL: none
	severities []int16     // the severities a match may have; empty: any
	facilities []int16
	hosts      []string // the one FromHost a match has, when known
	tags       []string
	m          *query.Matcher
}

func compile(q search.Query) *request {
	r := &request{Query: q, m: query.Compile(q.Expr)}
	if w, ok := wordsOf(q.Expr); ok {
		r.words = pgtype.Text{String: w, Valid: true}
	}
	r.severities = levels(8, func(v int) bool { return r.levelAllowed(query.Record{Severity: syslog.Severity(v)}, true) })
	r.facilities = levels(24, func(v int) bool { return r.levelAllowed(query.Record{Facility: syslog.Facility(v)}, false) })
	if exact(q.Host) {
		r.hosts = []string{q.Host}
	}
	if exact(q.Tag) {
		r.tags = []string{q.Tag}
	}
	return r
}

// exact reports whether the shell pattern p matches one string only: it
// is not empty and has no wildcard.
func exact(p string) bool { return p != "" && !strings.ContainsAny(p, "*?[") }

// levels returns the levels below n that allowed keeps; none (any) when it
// keeps them all.
func levels(n int, allowed func(int) bool) []int16 {
	out := []int16{} // not nil: none allowed is no level, not any
	for v := range n {
		if allowed(v) {
			out = append(out, int16(v))
		}
	}
	if len(out) == n {
		return nil
	}
	return out
}

// levelAllowed reports whether an event at the level of rec may match:
// the shortcuts allow it, and so does each condition of the tree's top
// level that reads that level alone (severity:err, NOT facility:cron).
func (r *request) levelAllowed(rec query.Record, severity bool) bool {
	if severity {
		if r.Severity != nil && rec.Severity > *r.Severity {
			return false
		}
		for _, s := range r.Not.Severities {
			if s == rec.Severity {
				return false
			}
		}
	} else {
		if r.Facility != nil && rec.Facility != *r.Facility {
			return false
		}
		for _, f := range r.Not.Facilities {
			if f == rec.Facility {
				return false
			}
		}
	}
	want := query.Facility
	if severity {
		want = query.Severity
	}
	for _, n := range conjuncts(r.Expr) {
		if name, ok := levelField(n); ok && name == want && !query.Eval(n, &rec) {
			return false
		}
	}
	return true
}

// match reports whether the event read as rec matches the whole query.
func (r *request) match(rec *query.Record) bool {
	switch {
	case r.Host != "" && !query.Glob(r.Host, rec.Host),
		r.Tag != "" && !query.Glob(r.Tag, rec.Tag),
		r.Facility != nil && rec.Facility != *r.Facility,
		r.Severity != nil && rec.Severity > *r.Severity:
		return false
	}
	for _, p := range r.Not.Hosts {
		if query.Glob(p, rec.Host) {
			return false
		}
	}
	for _, p := range r.Not.Tags {
		if query.Glob(p, rec.Tag) {
			return false
		}
	}
	for _, s := range r.Not.Severities {
		if rec.Severity == s {
			return false
		}
	}
	for _, f := range r.Not.Facilities {
		if rec.Facility == f {
			return false
		}
	}
	return r.m.Match(rec)
}

// conjuncts is the list of conditions that must all hold for n.
func conjuncts(n query.Node) []query.Node {
	switch n := n.(type) {
	case nil:
		return nil
	case *query.And:
		return n.Nodes
	}
	return []query.Node{n}
}

// levelField returns the one field n's conditions are on when that is the
// severity or the facility.
func levelField(n query.Node) (query.FieldName, bool) {
	switch n := n.(type) {
	case *query.Field:
		return n.Name, n.Name == query.Severity || n.Name == query.Facility
	case *query.Not:
		return levelField(n.Node)
	case *query.And:
		return sameLevelField(n.Nodes)
	case *query.Or:
		return sameLevelField(n.Nodes)
	}
	return 0, false
}

func sameLevelField(nodes []query.Node) (query.FieldName, bool) {
	var name query.FieldName
	for i, c := range nodes {
		f, ok := levelField(c)
		if !ok || i > 0 && f != name {
			return 0, false
		}
		name = f
	}
	return name, len(nodes) > 0
}

// maxWord is the longest word, in bytes, that a tsvector holds (2 KiB
// less one); the writer leaves longer ones out (wordsVector).
const maxWord = 2046

// wordsOf returns a tsquery (in its input syntax) that every event n
// matches satisfies, and false when there is none to say: a term's words,
// AND-ed (the phrase's order is checked by the Matcher), the last one a
// prefix for a prefix term; And and Or of those. A negation, a field, and
// a word too long to be indexed say nothing.
func wordsOf(n query.Node) (string, bool) {
	switch n := n.(type) {
	case *query.Text:
		return termWords(n)
	case *query.And:
		var parts []string
		for _, c := range n.Nodes {
			if w, ok := wordsOf(c); ok {
				parts = append(parts, w)
			}
		}
		return join(parts, " & ")
	case *query.Or:
		var parts []string
		for _, c := range n.Nodes {
			w, ok := wordsOf(c)
			if !ok {
				return "", false
			}
			parts = append(parts, w)
		}
		return join(parts, " | ")
	}
	return "", false
}

func join(parts []string, op string) (string, bool) {
	switch len(parts) {
	case 0:
		return "", false
	case 1:
		return parts[0], true
	}
	return "(" + strings.Join(parts, op) + ")", true
}

// termWords is the tsquery of a term: each of its tokens, quoted as a
// tsquery lexeme (' and \ escaped, though the tokenizer keeps neither).
func termWords(t *query.Text) (string, bool) {
	toks := query.Tokens(t.Text)
	var parts []string
	for i, tok := range toks {
		if len(tok) > maxWord {
			continue
		}
		w := "'" + lexemeQuoter.Replace(tok) + "'"
		if t.Prefix && i == len(toks)-1 {
			w += ":*"
		}
		parts = append(parts, w)
	}
	return join(parts, " & ")
}

var lexemeQuoter = strings.NewReplacer(`'`, `''`, `\`, `\\`)
