package postgres

import (
	"strings"
	"testing"

	"github.com/aiosyslogd/aiosyslogd/db/search/query"
)

// FuzzWordsNeverLoseAMatch: the words a query's statement asks for hold
// for every message the query's matcher matches, so the statement never
// leaves out a row the matcher would keep (the matcher then decides):
// for any query that parses and any text, if the tree matches a message
// with that text, the tsquery of wordsOf holds on the tsvector the writer
// makes of it (evaluated here as PostgreSQL evaluates @@ on lexemes
// without positions).
func FuzzWordsNeverLoseAMatch(f *testing.F) {
	for _, s := range [][2]string{
		{"password", "Failed password for root"},
		{`"failed password" root`, "Failed password for root"},
		{"pass* OR disk", "passwd changed"},
		{"203.0.113.9", "from 203.0.113.9 port 22"},
		{"café", "CAFE-bar"},
		{"message:sshd -host:x", "sshd[42]: ok"},
		{"(a OR b) c*", "b cde"},
		{"ÉTÉ", "ete"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, q, text string) {
		n, err := query.Parse(q)
		if err != nil || n == nil {
			return
		}
		rec := query.Record{Message: text, Host: "host", Tag: "tag"}
		if !query.Eval(n, &rec) {
			return
		}
		w, ok := wordsOf(n)
		if !ok {
			return
		}
		vec := map[string]bool{}
		for _, l := range wordsVector(rec.Message, rec.Tag, rec.Host).Lexemes {
			vec[l.Word] = true
		}
		p := &tsq{s: w}
		holds := p.or(vec)
		if p.s != "" {
			t.Fatalf("tsquery %q: %q left unread", w, p.s)
		}
		if !holds {
			t.Fatalf("query %q matches %q, but its words %q do not hold on %v", q, text, w, vec)
		}
	})
}

// tsq evaluates what wordsOf writes: 'lexeme', 'lexeme':*, &, |, ( ).
type tsq struct{ s string }

func (p *tsq) or(vec map[string]bool) bool {
	v := p.and(vec)
	for strings.HasPrefix(p.s, " | ") {
		p.s = p.s[3:]
		v = p.and(vec) || v
	}
	return v
}

func (p *tsq) and(vec map[string]bool) bool {
	v := p.term(vec)
	for strings.HasPrefix(p.s, " & ") {
		p.s = p.s[3:]
		v = p.term(vec) && v
	}
	return v
}

func (p *tsq) term(vec map[string]bool) bool {
	if strings.HasPrefix(p.s, "(") {
		p.s = p.s[1:]
		v := p.or(vec)
		p.s = strings.TrimPrefix(p.s, ")")
		return v
	}
	// 'lexeme' with '' for a quote and \\ for a backslash.
	var word strings.Builder
	i := 1
lexeme:
	for i < len(p.s) {
		switch {
		case p.s[i] == '\'' && i+1 < len(p.s) && p.s[i+1] == '\'':
			word.WriteByte('\'')
			i += 2
		case p.s[i] == '\\' && i+1 < len(p.s):
			word.WriteByte(p.s[i+1])
			i += 2
		case p.s[i] == '\'':
			i++
			break lexeme
		default:
			word.WriteByte(p.s[i])
			i++
		}
	}
	p.s = p.s[i:]
	if strings.HasPrefix(p.s, ":*") {
		p.s = p.s[2:]
		for w := range vec {
			if strings.HasPrefix(w, word.String()) {
				return true
			}
		}
		return false
	}
	return vec[word.String()]
}
