package query

import (
	"strings"
	"unicode"
)

// String returns the term as a query: word, "phrase", word*, message:word.
// A Text Parse made prints as typed; one that would not read back as the
// same bare word prints in quotes.
func (t *Text) String() string {
	s := t.Text
	if t.Quoted || !parsesTo(t.bare(), t) {
		s = quote(t.Text)
	}
	if t.Prefix {
		s += "*"
	}
	if t.Scope == MessageOnly {
		s = "message:" + s
	}
	return s
}

// bare returns t written without quotes.
func (t *Text) bare() string {
	s := t.Text
	if t.Prefix {
		s += "*"
	}
	if t.Scope == MessageOnly {
		s = "message:" + s
	}
	return s
}

// String returns the field as a query, under its canonical name:
// tag:sshd, host:"web 03", severity:err, sd.origin.ip:10.1.2.3.
func (f *Field) String() string {
	name := f.Name.String()
	if f.Name == SD {
		name = "sd." + f.SDID + "." + f.SDParam
	}
	switch f.Name {
	case Facility:
		return name + ":" + f.Facility.String()
	case Severity:
		return name + ":" + f.Severity.String()
	}
	if s := name + ":" + f.Value; !f.Quoted && parsesTo(s, f) {
		return s
	}
	return name + ":" + quote(f.Value)
}

// String returns the terms separated by spaces, an Or among them in
// parentheses.
func (a *And) String() string {
	parts := make([]string, len(a.Nodes))
	for i, n := range a.Nodes {
		parts[i] = n.String()
		if _, ok := n.(*Or); ok {
			parts[i] = group(parts[i])
		}
	}
	return strings.Join(parts, " ")
}

// String returns the terms separated by OR.
func (o *Or) String() string {
	parts := make([]string, len(o.Nodes))
	for i, n := range o.Nodes {
		parts[i] = n.String()
	}
	return strings.Join(parts, " OR ")
}

// String returns -term, or -(…) for an And or an Or.
func (n *Not) String() string {
	s := n.Node.String()
	switch n.Node.(type) {
	case *And, *Or:
		s = group(s)
	}
	return "-" + s
}

// group returns (s). When the last word of s has a ( of its own left
// open, a ) right after it would belong to the word, so a space comes
// first.
func group(s string) string {
	last := s[strings.LastIndexFunc(s, unicode.IsSpace)+1:]
	open := 0
	for _, c := range []byte(last) {
		switch {
		case c == '(':
			open++
		case c == ')' && open > 0:
			open--
		}
	}
	if open > 0 {
		return "(" + s + " )"
	}
	return "(" + s + ")"
}

// quote returns s in double quotes, its " and \ escaped.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' || s[i] == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	b.WriteByte('"')
	return b.String()
}

// parsesTo reports whether Parse reads s back as a node equal to n.
func parsesTo[T Text | Field](s string, n *T) bool {
	got, err := Parse(s)
	if err != nil {
		return false
	}
	g, ok := any(got).(*T)
	return ok && *g == *n
}
