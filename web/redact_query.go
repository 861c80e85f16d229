package web

import (
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode"

	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/db/search/query"
)

// parseQuery reads the query of r. Under redaction, a term that would find
// what is masked is refused (see redactor.check).
func (s *Server) parseQuery(r *http.Request) (search.Query, error) {
	q, err := parseQuery(r.URL.Query(), time.Now())
	if err == nil && s.redactor != nil {
		err = s.redactor.check(q)
	}
	return q, err
}

// check refuses, as a bad request, a query that could tell what
// redaction masks: the rows it finds would show an address or user name
// as REDACTED, but finding them says what it is (q="203.0.113.66",
// host=10.9.8.7). Refused are the terms and the host and tag filters
// that hold a value of a masked kind or the start of an address (10.9.*,
// 2001:db8:), the ip: field whatever its value, and the user and username
// parameters of structured data.
func (r *redactor) check(q search.Query) error {
	for _, p := range []struct{ name, v string }{{"host", q.Host}, {"tag", q.Tag}} {
		if r.masks(p.v) {
			return refuseTerm(p.name + "=" + p.v)
		}
	}
	for _, v := range append(append([]string{}, q.Not.Hosts...), q.Not.Tags...) {
		if r.masks(v) {
			return refuseTerm(v)
		}
	}
	return query.Walk(q.Expr, func(n query.Node) error {
		switch n := n.(type) {
		case *query.Text:
			if r.masks(n.Text) || r.masksTokens(n.Text) {
				return refuseTerm(n.String())
			}
		case *query.Field:
			user := strings.EqualFold(n.SDParam, "user") || strings.EqualFold(n.SDParam, "username")
			if n.Name == query.IP || n.Name == query.SD && user || r.masks(n.Value) {
				return refuseTerm(n.String())
			}
		}
		return nil
	})
}

// masks reports whether v holds something redaction masks, or could be
// the start of an address: digits with dots, hex digits with two colons
// (wildcards allowed).
func (r *redactor) masks(v string) bool {
	if v == "" {
		return false
	}
	if r.text(v) != v || r.text(v+"0") != v+"0" {
		return true
	}
	core := strings.Trim(v, "*?[]")
	switch {
	case strings.Contains(core, ".") && strings.Trim(core, "0123456789.*?[]") == "":
		return true
	case strings.Count(core, ":") >= 2 && strings.Trim(core, "0123456789abcdefABCDEF:.*?[]") == "":
		return true
	}
	return false
}

// masksTokens reports whether the tokens of a full-text term, which the
// index matches one after the other whatever stands between them, spell
// what masks would refuse: "203 0 113 66" finds 203.0.113.66, "user bob"
// finds user=bob.
func (r *redactor) masksTokens(text string) bool {
	tokens := strings.FieldsFunc(text, func(c rune) bool { return !unicode.IsLetter(c) && !unicode.IsDigit(c) })
	if len(tokens) < 2 {
		return false
	}
	if first := strings.ToLower(tokens[0]); first == "user" || first == "username" {
		return true
	}
	return r.masks(strings.Join(tokens, ".")) || r.masks(strings.Join(tokens, ":"))
}

func refuseTerm(term string) error {
	return &badRequest{fmt.Sprintf("%s: this server masks addresses and user names (web_server.redact), "+
		"so it does not search for them either: leave the term out", term)}
}
