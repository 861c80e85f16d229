package sqlite

import (
	"database/sql"
	"slices"
	"strings"

	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/db/search/query"
	"github.com/aiosyslogd/aiosyslogd/syslog"
)

// How a query tree becomes the parameters of the statements in
// sql/search.sql and of their filters, sql/filters.sql. The tree's top
// level is a list of conditions that must all hold (an And, or one node);
// each goes to the first of these that can take it:
//
//   - full-text terms, and And, Or and Not of them: the FTS5 MATCH string
//     (matchExpr), every token quoted, so that no character a user types
//     is read as FTS5 syntax (a column name, an operator, NEAR);
//   - host: and tag: patterns: the host and tag parameters (one each), and
//     their exclusions (-host:, NOT tag:) the not_hosts and not_tags lists;
//   - severity: and facility:, with And, Or and Not of one of them: the
//     excluded bit mask;
//   - anything else (pid:, msgid:, ip:, sd.…:, a host: OR a word, …): the
//     rest parameter, the printed tree of what is left, which the SQL
//     function aiosyslogd_match evaluates on each row the other conditions
//     leave (matchfunc.go).
//
// The shortcuts of search.Query (Host, Tag, Facility, Severity, Not) fill
// the same parameters first, so that a flag and the field it stands for
// give the same statement.

// request is a search.Query with its tree compiled for the statements.
type request struct {
	search.Query
	// match is the FTS5 query; "" when the query has no full-text part.
	match string
	f     filters
}

// compile returns q compiled for the statements.
func compile(q search.Query) *request {
	r := &request{Query: q, f: filtersOf(&q)}
	var pos, neg, rest []query.Node
	for _, n := range conjuncts(q.Expr) {
		switch {
		case fullText(n):
			pos = append(pos, n)
		case isNot(n) && fullText(n.(*query.Not).Node):
			neg = append(neg, n)
		case r.f.addField(n):
		default:
			rest = append(rest, n)
		}
	}
	if len(pos) == 0 {
		rest = append(rest, neg...) // FTS5 has no NOT without something to subtract from
		neg = nil
	}
	r.match = matchExpr(pos, neg)
	if len(rest) > 0 {
		r.f.rest = sql.NullString{String: andOf(rest).String(), Valid: true}
	}
	if slices.ContainsFunc(rest, isSDField) {
		r.f.hasSD = sql.NullInt64{Int64: 1, Valid: true}
	}
	return r
}

// isSDField reports whether n is an sd.ID.PARAM: field, which no message
// without structured data matches.
func isSDField(n query.Node) bool {
	f, ok := n.(*query.Field)
	return ok && f.Name == query.SD
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

// andOf is the And of nodes, or the one node.
func andOf(nodes []query.Node) query.Node {
	if len(nodes) == 1 {
		return nodes[0]
	}
	return &query.And{Nodes: nodes}
}

func isNot(n query.Node) bool {
	_, ok := n.(*query.Not)
	return ok
}

// fullText reports whether FTS5 can answer n alone: a term, an Or of such,
// or an And of such with at least one not negated.
func fullText(n query.Node) bool {
	switch n := n.(type) {
	case *query.Text:
		return true
	case *query.Or:
		for _, c := range n.Nodes {
			if !fullText(c) {
				return false
			}
		}
		return true
	case *query.And:
		positive := false
		for _, c := range n.Nodes {
			if not, ok := c.(*query.Not); ok && fullText(not.Node) {
				continue
			}
			if !fullText(c) {
				return false
			}
			positive = true
		}
		return positive
	}
	return false
}

// matchExpr is the FTS5 query of the terms pos, less those of neg.
func matchExpr(pos, neg []query.Node) string {
	if len(pos) == 0 {
		return ""
	}
	var b strings.Builder
	if len(pos) == 1 {
		writeFTS(&b, pos[0])
	} else {
		writeList(&b, pos, " AND ")
	}
	for _, n := range neg {
		s := b.String()
		b.Reset()
		b.WriteString("(" + s + ") NOT ")
		writeFTS(&b, n.(*query.Not).Node)
	}
	return b.String()
}

// writeFTS writes n, for which fullText holds, in FTS5's syntax.
func writeFTS(b *strings.Builder, n query.Node) {
	switch n := n.(type) {
	case *query.Text:
		writeTerm(b, n)
	case *query.Or:
		writeList(b, n.Nodes, " OR ")
	case *query.And:
		var pos []query.Node
		var neg []query.Node
		for _, c := range n.Nodes {
			if not, ok := c.(*query.Not); ok {
				neg = append(neg, not)
			} else {
				pos = append(pos, c)
			}
		}
		b.WriteString("(" + matchExpr(pos, neg) + ")")
	}
}

func writeList(b *strings.Builder, nodes []query.Node, op string) {
	b.WriteString("(")
	for i, c := range nodes {
		if i > 0 {
			b.WriteString(op)
		}
		writeFTS(b, c)
	}
	b.WriteString(")")
}

// writeTerm writes a term as an FTS5 string: FTS5 cuts it into tokens with
// the table's tokenizer, so "203.0.113.66" is the phrase 203 0 113 66, and
// inside the quotes nothing is syntax. A MessageOnly term is limited to
// the Message column; others match any indexed column (Message,
// SysLogTag, FromHost).
func writeTerm(b *strings.Builder, t *query.Text) {
	if t.Scope == query.MessageOnly {
		b.WriteString("Message : ")
	}
	b.WriteString(`"` + strings.ReplaceAll(t.Text, `"`, `""`) + `"`)
	if t.Prefix {
		b.WriteString(" *")
	}
}

// addField takes n into f when f's parameters can say it: a host: or tag:
// pattern (one of each), an exclusion of one, or a condition on the
// severity or the facility alone. It reports whether it did.
func (f *filters) addField(n query.Node) bool {
	if bits, ok := levelMask(n); ok {
		f.excluded |= bits
		return true
	}
	not := false
	if x, ok := n.(*query.Not); ok {
		n, not = x.Node, true
	}
	fd, ok := n.(*query.Field)
	if !ok || fd.Name != query.Host && fd.Name != query.Tag {
		return false
	}
	pattern := fd.Value
	if fd.Quoted {
		pattern = search.Exact(fd.Value)
	}
	switch {
	case not && fd.Name == query.Host:
		f.notHosts = append(f.notHosts, pattern)
	case not:
		f.notTags = append(f.notTags, pattern)
	case fd.Name == query.Host && !f.host.Valid:
		f.host = sql.NullString{String: pattern, Valid: true}
	case fd.Name == query.Tag && !f.tag.Valid:
		f.tag = sql.NullString{String: pattern, Valid: true}
	default:
		return false
	}
	return true
}

// levelMask returns the excluded bits of n when n speaks of the severity
// alone or of the facility alone (severity:err, NOT facility:cron,
// severity:debug OR severity:err): the levels for which n does not hold.
func levelMask(n query.Node) (bits int64, ok bool) {
	name, ok := levelField(n)
	if !ok {
		return 0, false
	}
	levels, shift := 8, 0
	if name == query.Facility {
		levels, shift = 24, 8
	}
	for v := 0; v < levels; v++ {
		r := query.Record{Facility: syslog.Facility(v)}
		if name == query.Severity {
			r = query.Record{Severity: syslog.Severity(v)}
		}
		if !query.Eval(n, &r) {
			bits |= 1 << (v + shift)
		}
	}
	return bits, true
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
	return name, true
}
