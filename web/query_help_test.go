package web

import (
	"html"
	"regexp"
	"strings"
	"testing"

	"github.com/aiosyslogd/aiosyslogd/db/search/query"
)

// The query bar's help, as the page renders it, lists every field of the
// language with its other names and an example, and the rest of the
// syntax.
func TestQueryHelpListsEveryField(t *testing.T) {
	ts := newTestServer(t, fixture, nil)
	c := ts.login(t, "bob")
	_, page := ts.get(t, c, "/?since=24h")
	m := regexp.MustCompile(`(?s)<div id="help".*?</table>`).FindString(page)
	if m == "" {
		t.Fatalf("no help in the page:\n%s", page)
	}
	rows := regexp.MustCompile(`(?s)<tr data-term="([^"]+)">(.*?)</tr>`).FindAllStringSubmatch(m, -1)
	byTerm := map[string]string{}
	for _, r := range rows {
		byTerm[html.UnescapeString(r[1])] = html.UnescapeString(r[2])
	}
	for _, f := range query.Fields {
		term := f.Name + ":"
		if f.Field == query.SD {
			term = "sd.ID.PARAM:"
		}
		row, ok := byTerm[term]
		if !ok {
			t.Errorf("the help has no row for %s", term)
			continue
		}
		for _, a := range f.Aliases {
			if !strings.Contains(row, "<code>"+a+":</code>") {
				t.Errorf("the row of %s does not name %s:: %s", term, a, row)
			}
		}
		if !regexp.MustCompile(`data-example="[^"]+"`).MatchString(row) {
			t.Errorf("the row of %s has no example: %s", term, row)
		}
	}
	if len(rows) != len(query.Fields) {
		t.Errorf("%d field rows for %d fields", len(rows), len(query.Fields))
	}
	for _, s := range []string{"OR", "NOT", "-word", "prefix*", "( )", `&#34;phrase&#34;`} {
		if !strings.Contains(m, "<code>"+s+"</code>") {
			t.Errorf("the help does not explain %s", s)
		}
	}
}

// Every example of the help parses: a click on one never makes an error.
func TestQueryHelpExamplesParse(t *testing.T) {
	h := newQueryHelp()
	for _, r := range append(h.Fields, h.Syntax...) {
		if _, err := query.Parse(r.Example); err != nil {
			t.Errorf("example %q of %s: %v", r.Example, r.Term, err)
		}
	}
}
