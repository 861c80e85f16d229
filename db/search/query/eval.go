package query

import (
	"bytes"
	"net/netip"
	"sync"

	"github.com/aiosyslogd/aiosyslogd/syslog"
)

// Eval reports whether the query n matches the message r, giving the same
// answer as a store's statements for the same tree; a nil n matches
// everything. To match many messages, Compile the query once.
func Eval(n Node, r *Record) bool {
	return Compile(n).Match(r)
}

// Matcher is a compiled query: its terms cut into tokens once. It is safe
// for concurrent use.
type Matcher struct {
	root     matcher
	useState bool // whether some node reads the record's tokens
}

// Compile prepares n for matching message after message; a nil n matches
// everything.
func Compile(n Node) *Matcher {
	m := &Matcher{}
	if n != nil {
		m.root = m.compile(n)
	}
	return m
}

// Match reports whether the compiled query matches r.
func (m *Matcher) Match(r *Record) bool {
	if m.root == nil {
		return true
	}
	if !m.useState {
		return m.root.match(r, nil)
	}
	st := statePool.Get().(*state)
	st.reset()
	ok := m.root.match(r, st)
	statePool.Put(st)
	return ok
}

// Prepared holds what matching has computed of one record (its text cut
// into tokens, its structured data parsed), so that many matchers reading
// the same record do that work once. The zero value is ready for a first
// record; Reset it before each next one. It is not safe for concurrent
// use.
type Prepared struct{ st state }

// Reset forgets the record matched so far: call it before the next one.
func (p *Prepared) Reset() { p.st.reset() }

// MatchPrepared is Match for a record that several matchers read in turn:
// what one computes of r, p keeps for the next. r must be the record p was
// last Reset for.
func (m *Matcher) MatchPrepared(r *Record, p *Prepared) bool {
	if m.root == nil {
		return true
	}
	return m.root.match(r, &p.st)
}

// matcher is one compiled node; st holds what was computed of r so far
// (nil when no node needs it).
type matcher interface {
	match(r *Record, st *state) bool
}

func (m *Matcher) compile(n Node) matcher {
	switch n := any(n).(type) {
	case *Text:
		m.useState = true
		return compileText(n)
	case *Field:
		return m.compileField(n)
	case *And:
		return andMatcher(m.compileAll(n.Nodes))
	case *Or:
		return orMatcher(m.compileAll(n.Nodes))
	case *Not:
		return notMatcher{m.compile(n.Node)}
	}
	panic("query: unknown node type")
}

func (m *Matcher) compileAll(ns []Node) []matcher {
	out := make([]matcher, len(ns))
	for i, n := range ns {
		out[i] = m.compile(n)
	}
	return out
}

type andMatcher []matcher

func (a andMatcher) match(r *Record, st *state) bool {
	for _, m := range a {
		if !m.match(r, st) {
			return false
		}
	}
	return true
}

type orMatcher []matcher

func (o orMatcher) match(r *Record, st *state) bool {
	for _, m := range o {
		if m.match(r, st) {
			return true
		}
	}
	return false
}

type notMatcher struct{ m matcher }

func (n notMatcher) match(r *Record, st *state) bool { return !n.m.match(r, st) }

// The fields whose tokens a Text term reads.
const (
	fieldMessage = iota
	fieldTag
	fieldHost
	numTextFields
)

// state is what one Match call has computed of its record: the tokens of
// each text field and the structured data, on first use.
type state struct {
	cut    [numTextFields]bool
	tokens [numTextFields]tokens
	sdRead bool
	sd     []syslog.SDElement // nil when none or invalid
}

var statePool = sync.Pool{New: func() any { return new(state) }}

func (st *state) reset() {
	st.cut = [numTextFields]bool{}
	st.sdRead, st.sd = false, nil
}

// structuredData returns the elements of r's structured data, nil when it
// has none or it does not parse.
func (st *state) structuredData(r *Record) []syslog.SDElement {
	if !st.sdRead {
		st.sdRead = true
		if r.StructuredData != "" {
			st.sd, _ = syslog.ParseStructuredData(r.StructuredData)
		}
	}
	return st.sd
}

// tokensOf returns the tokens of field f of r.
func (st *state) tokensOf(r *Record, f int) *tokens {
	t := &st.tokens[f]
	if !st.cut[f] {
		st.cut[f] = true
		switch f {
		case fieldMessage:
			t.cut(r.Message)
		case fieldTag:
			t.cut(r.Tag)
		default:
			t.cut(r.Host)
		}
	}
	return t
}

// textMatcher is a Text term: its tokens, in the fields it looks in.
type textMatcher struct {
	terms  [][]byte
	prefix bool
	fields []int
}

var (
	anywhereFields    = []int{fieldMessage, fieldTag, fieldHost}
	messageOnlyFields = []int{fieldMessage}
)

func compileText(n *Text) *textMatcher {
	var t tokens
	t.cut(n.Text)
	m := &textMatcher{prefix: n.Prefix, fields: anywhereFields}
	if n.Scope == MessageOnly {
		m.fields = messageOnlyFields
	}
	for i := range t.len() {
		m.terms = append(m.terms, bytes.Clone(t.at(i)))
	}
	return m
}

func (m *textMatcher) match(r *Record, st *state) bool {
	if len(m.terms) == 0 {
		return false
	}
	for _, f := range m.fields {
		if m.phraseIn(st.tokensOf(r, f)) {
			return true
		}
	}
	return false
}

// phraseIn reports whether the term's tokens stand one after the other in
// t, the last one only a prefix of its token for a prefix term.
func (m *textMatcher) phraseIn(t *tokens) bool {
	k := len(m.terms)
	for i := 0; i+k <= t.len(); i++ {
		if m.phraseAt(t, i) {
			return true
		}
	}
	return false
}

func (m *textMatcher) phraseAt(t *tokens, i int) bool {
	last := len(m.terms) - 1
	for j, term := range m.terms {
		tok := t.at(i + j)
		if j == last && m.prefix {
			return bytes.HasPrefix(tok, term)
		}
		if !bytes.Equal(tok, term) {
			return false
		}
	}
	return true
}

func (m *Matcher) compileField(n *Field) matcher {
	switch n.Name {
	case Host, Tag, PID, MsgID:
		return stringMatcher{name: n.Name, value: valueOf(n)}
	case IP:
		if n.CIDR.IsValid() {
			return cidrMatcher{n.CIDR}
		}
		return stringMatcher{name: IP, value: valueOf(n)}
	case Facility:
		return facilityMatcher{n.Facility}
	case Severity:
		return severityMatcher{n.Severity}
	case SD:
		m.useState = true
		return sdMatcher{id: n.SDID, param: n.SDParam, value: valueOf(n)}
	}
	panic("query: unknown field")
}

// value is the value of a Field: a shell pattern, or an exact string when
// quoted.
type value struct {
	s     string
	exact bool
}

func valueOf(n *Field) value { return value{s: n.Value, exact: n.Quoted} }

func (v value) match(s string) bool {
	if v.exact {
		return s == v.s
	}
	return Glob(v.s, s)
}

// stringMatcher compares one string field; an unknown IP ("") never
// matches.
type stringMatcher struct {
	name  FieldName
	value value
}

func (m stringMatcher) match(r *Record, _ *state) bool {
	switch m.name {
	case Host:
		return m.value.match(r.Host)
	case Tag:
		return m.value.match(r.Tag)
	case PID:
		return m.value.match(r.PID)
	case MsgID:
		return m.value.match(r.MsgID)
	}
	return r.IP != "" && m.value.match(r.IP)
}

// cidrMatcher matches the messages from an address in a network.
type cidrMatcher struct{ net netip.Prefix }

func (m cidrMatcher) match(r *Record, _ *state) bool {
	if r.IP == "" {
		return false
	}
	a, err := netip.ParseAddr(r.IP)
	return err == nil && m.net.Contains(a.Unmap())
}

type facilityMatcher struct{ f syslog.Facility }

func (m facilityMatcher) match(r *Record, _ *state) bool { return r.Facility == m.f }

type severityMatcher struct{ s syslog.Severity }

func (m severityMatcher) match(r *Record, _ *state) bool { return r.Severity <= m.s }

// sdMatcher matches the messages with an element id whose parameter param
// matches value (in any such element, any such parameter).
type sdMatcher struct {
	id, param string
	value     value
}

func (m sdMatcher) match(r *Record, st *state) bool {
	for _, e := range st.structuredData(r) {
		if e.ID == m.id && m.paramIn(e.Params) {
			return true
		}
	}
	return false
}

func (m sdMatcher) paramIn(ps []syslog.SDParam) bool {
	for _, p := range ps {
		if p.Name == m.param && m.value.match(p.Value) {
			return true
		}
	}
	return false
}
