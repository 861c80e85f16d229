package query

import (
	"fmt"
	"net/netip"
	"strings"
	"unicode/utf8"

	"github.com/aiosyslogd/aiosyslogd/syslog"
)

// The limits of a query, so that hostile input costs little.
const (
	// MaxLen is the longest query Parse reads, in bytes.
	MaxLen = 4096
	// MaxDepth is the deepest nesting of ( and NOT Parse reads.
	MaxDepth = 64
)

// Parse reads a query. An empty or all-space query is (nil, nil): it
// matches everything. A query that does not parse is an *Error.
//
// Terms are separated by spaces and must all match (AND may be written);
// OR between terms matches either; NOT term or -term leaves out what
// matches term; ( ) groups. NOT binds tighter than AND, AND than OR, as in
// SQLite FTS5: a OR b c is a OR (b AND c). AND, OR and NOT are keywords
// only in upper case.
//
// A term is
//   - a word: any run of non-space characters, punctuation and all
//     (203.0.113.66, user=bob, C:\temp, sshd[1234]:), searched as text
//     anywhere in the line; a ) in it closes a ( of the same word, else a
//     group;
//   - a "phrase", in which \" is a quote and \\ a backslash;
//   - word* or "phrase"* for a prefix;
//   - name:value for a field: host, tag (app, program), pid, msgid, ip
//     (an address, a network 10.0.0.0/8 or a pattern), facility, severity
//     (level; this level or more severe), message (msg; text in the
//     message alone) and sd.ID.PARAM. Values of host, tag, pid, msgid, ip
//     and sd are shell patterns (* ? [...]) unless quoted ("web 03").
//
// A word name:value whose name looks like a field but is none is an error
// (unknown field); so is a word with no letter or digit.
func Parse(s string) (Node, error) {
	if len(s) > MaxLen {
		return nil, &Error{
			Column: utf8.RuneCountInString(s[:MaxLen]) + 1,
			What:   fmt.Sprintf("the query is too long (%d bytes)", len(s)),
			Hint:   fmt.Sprintf("at most %d bytes", MaxLen),
		}
	}
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	p := &parser{lex: lexer{s: s}}
	if err := p.advance(); err != nil {
		return nil, err
	}
	return p.or()
}

// MustParse is Parse for queries known to be good, as in tests: it panics
// on an error.
func MustParse(s string) Node {
	n, err := Parse(s)
	if err != nil {
		panic("query.MustParse(" + fmt.Sprintf("%q", s) + "): " + err.Error())
	}
	return n
}

// parser reads the tokens of its lexer by recursive descent, one token
// ahead (cur) and remembering the one before (prev) for its errors.
type parser struct {
	lex       lexer
	cur, prev token
	depth     int
}

// advance moves to the next token.
func (p *parser) advance() error {
	t, err := p.lex.next()
	if err != nil {
		return err
	}
	p.prev, p.cur = p.cur, t
	return nil
}

// errAt returns an *Error at byte offset pos.
func (p *parser) errAt(pos int, what, hint string) *Error {
	return p.lex.errAt(pos, what, hint)
}

// or reads and-terms separated by OR.
func (p *parser) or() (Node, error) {
	var nodes []Node
	for {
		n, err := p.and()
		if err != nil {
			return nil, err
		}
		if o, ok := n.(*Or); ok {
			nodes = append(nodes, o.Nodes...)
		} else {
			nodes = append(nodes, n)
		}
		if p.cur.kind != tOr {
			break
		}
		if err := p.advance(); err != nil {
			return nil, err
		}
	}
	if len(nodes) == 1 {
		return nodes[0], nil
	}
	return &Or{Nodes: nodes}, nil
}

// and reads unary terms, one after the other or separated by AND.
func (p *parser) and() (Node, error) {
	var nodes []Node
	for {
		n, err := p.unary()
		if err != nil {
			return nil, err
		}
		if a, ok := n.(*And); ok {
			nodes = append(nodes, a.Nodes...)
		} else {
			nodes = append(nodes, n)
		}
		if p.cur.kind == tAnd {
			if err := p.advance(); err != nil {
				return nil, err
			}
		} else if p.cur.kind != tTerm && p.cur.kind != tLParen &&
			p.cur.kind != tNot && p.cur.kind != tMinus {
			break
		}
	}
	if len(nodes) == 1 {
		return nodes[0], nil
	}
	return &And{Nodes: nodes}, nil
}

// unary reads NOT term, -term, a (group) or a term.
func (p *parser) unary() (Node, error) {
	switch p.cur.kind {
	case tNot, tMinus:
		if err := p.enter(); err != nil {
			return nil, err
		}
		if err := p.advance(); err != nil {
			return nil, err
		}
		n, err := p.unary()
		if err != nil {
			return nil, err
		}
		p.depth--
		return &Not{Node: n}, nil
	case tLParen:
		return p.group()
	case tTerm:
		t := p.cur
		n, err := p.term(t)
		if err != nil {
			return nil, err
		}
		return n, p.advance()
	}
	return nil, p.missingTerm()
}

// enter counts one more level of nesting at the current token.
func (p *parser) enter() error {
	p.depth++
	if p.depth > MaxDepth {
		return p.errAt(p.cur.pos, fmt.Sprintf("nesting deeper than %d", MaxDepth),
			"use fewer ( and NOT")
	}
	return nil
}

// group reads ( query ).
func (p *parser) group() (Node, error) {
	open := p.cur
	if err := p.enter(); err != nil {
		return nil, err
	}
	if err := p.advance(); err != nil {
		return nil, err
	}
	n, err := p.or()
	if err != nil {
		return nil, err
	}
	if p.cur.kind != tRParen {
		return nil, p.errAt(open.pos, "missing ) for (", "")
	}
	p.depth--
	return n, p.advance()
}

// missingTerm explains why the current token is not the term expected.
func (p *parser) missingTerm() error {
	switch p.prev.kind {
	case tOr, tAnd, tNot, tMinus:
		return p.errAt(p.prev.pos, "expected a term after "+p.prev.name(),
			kwHint(p.prev))
	}
	switch p.cur.kind {
	case tOr, tAnd:
		return p.errAt(p.cur.pos, "expected a term before "+p.cur.name(),
			kwHint(p.cur))
	case tRParen:
		return p.errAt(p.prev.pos, "empty ()",
			`put a term between ( and ), or write "()" in quotes to search for it`)
	}
	return p.errAt(p.prev.pos, "missing ) for (", "")
}

// kwHint tells how to search for a keyword itself.
func kwHint(t token) string {
	if t.kind == tMinus {
		return `write "-" in quotes to search for it`
	}
	return fmt.Sprintf(`write "%s" in quotes to search for the word`, t.name())
}

// term makes the node of a term token: a Text or a Field.
func (p *parser) term(t token) (Node, error) {
	switch {
	case t.field == "":
		if err := p.unknownField(t); err != nil {
			return nil, err
		}
		return p.text(Anywhere, t)
	case t.text == "" && !t.quoted:
		return nil, p.errAt(t.pos, t.field+": needs a value", "")
	case isMessage(t.field):
		return p.text(MessageOnly, t)
	case t.star:
		return nil, p.errAt(t.valPos, "a quoted "+strings.ToLower(t.field)+": value cannot end in *",
			"leave out the quotes for a pattern")
	case isSDName(t.field):
		return p.sd(t)
	}
	spec, _ := lookupField(t.field)
	return p.field(spec.Field, t)
}

// isMessage reports whether name is message: or an alias of it.
func isMessage(name string) bool {
	s, ok := lookupField(name)
	return ok && s.Field == 0
}

// text makes a Text of a word or a phrase.
func (p *parser) text(scope Scope, t token) (Node, error) {
	n := &Text{Scope: scope, Text: t.text, Quoted: t.quoted, Prefix: t.star}
	if !t.quoted && strings.HasSuffix(n.Text, "*") {
		n.Text, n.Prefix = n.Text[:len(n.Text)-1], true
	}
	if !hasLetterOrDigit(n.Text) {
		hint := "the index keeps only letters and digits"
		if t.text == "*" {
			hint = "an empty query matches everything"
		}
		return nil, p.errAt(t.valPos, fmt.Sprintf("%q has no letters or digits to search for", t.text), hint)
	}
	return n, nil
}

// unknownField refuses a bare word name:value whose name looks like a
// field name but is none (hots:x), as a mistyped field would otherwise
// search for text and find nothing. A URL (http://…) is a word.
func (p *parser) unknownField(t token) error {
	if t.quoted {
		return nil
	}
	name, value, ok := strings.Cut(t.text, ":")
	if !ok || value == "" || len(name) < 2 || strings.HasPrefix(value, "//") {
		return nil
	}
	digits := true
	for _, c := range []byte(name) {
		switch {
		case c >= '0' && c <= '9':
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_':
			digits = false
		default:
			return nil
		}
	}
	if digits {
		return nil
	}
	return p.errAt(t.pos, fmt.Sprintf("unknown field %q", name),
		fieldsHint()+", or write "+quote(t.text)+" in quotes to search the text")
}

// field makes the Field of name:value.
func (p *parser) field(name FieldName, t token) (Node, error) {
	f := &Field{Name: name, Value: t.text, Quoted: t.quoted}
	var err error
	switch name {
	case Facility:
		f.Facility, err = syslog.ParseFacility(t.text)
		f.Value, f.Quoted = f.Facility.String(), false
	case Severity:
		f.Severity, err = syslog.ParseSeverity(t.text)
		f.Value, f.Quoted = f.Severity.String(), false
	case IP:
		if !t.quoted {
			f.CIDR, err = network(t.text)
		}
	}
	if err != nil {
		hint := ""
		if name == IP {
			hint = "write an address, a network as 10.0.0.0/8 or a pattern as 10.1.*"
		}
		return nil, p.errAt(t.valPos, err.Error(), hint)
	}
	return f, nil
}

// network returns the network of an ip: value: a network (10.0.0.0/8), an
// address as a /32 or /128, or the zero Prefix for a pattern.
func network(v string) (netip.Prefix, error) {
	if strings.Contains(v, "/") {
		n, err := netip.ParsePrefix(v)
		if err != nil {
			return netip.Prefix{}, fmt.Errorf("bad network %q", v)
		}
		return n.Masked(), nil
	}
	a, err := netip.ParseAddr(v)
	if err != nil {
		return netip.Prefix{}, nil
	}
	a = a.WithZone("")
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// sd makes the Field of sd.ID.PARAM:value, cutting the name at its last
// dot.
func (p *parser) sd(t token) (Node, error) {
	rest := t.field[len("sd."):]
	i := strings.LastIndexByte(rest, '.')
	if i <= 0 || i == len(rest)-1 {
		return nil, p.errAt(t.pos, fmt.Sprintf("field %q needs an ID and a PARAM", t.field),
			"write sd.ID.PARAM:value, as sd.origin.ip:10.1.2.3")
	}
	return &Field{Name: SD, SDID: rest[:i], SDParam: rest[i+1:], Value: t.text, Quoted: t.quoted}, nil
}
