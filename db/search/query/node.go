// Package query is the query language people type into `aiosyslogd
// search`, the web page's query bar, every /api/*?q= and alert rules: its
// lexer and parser (Parse), the tree they build (Node), and an evaluator of
// a tree over one message (Eval).
//
// The tree is the contract between the language and every store: a store
// compiles a Node into its own statements and never reads the query text.
// The package knows no SQL.
package query

import (
	"net/netip"

	"github.com/aiosyslogd/aiosyslogd/syslog"
)

// Node is a parsed query: one of *Text, *Field, *And, *Or, *Not. Its String
// is the query in the language, which Parse reads back to the same tree.
type Node interface {
	String() string
	node()
}

// Scope is where a Text term is looked for.
type Scope uint8

// The scopes of a Text term.
const (
	// Anywhere is the message, the tag (APP-NAME) or the host, as grep
	// over the classic line "host tag[pid]: message" would find it.
	Anywhere Scope = iota
	// MessageOnly is the message alone (message:, msg:).
	MessageOnly
)

// Text is a full-text term, matched case-insensitively on whole tokens
// (runs of letters and digits, as SQLite FTS5's unicode61 tokenizer cuts
// them). A term of several tokens ("203.0.113.66", "user=bob", a quoted
// phrase) matches where its tokens stand one after the other.
type Text struct {
	Scope Scope
	// Text is the term as written, without quotes or the trailing *.
	Text string
	// Quoted reports whether it was written as "a phrase".
	Quoted bool
	// Prefix reports whether its last token is a prefix (fail*).
	Prefix bool
}

// FieldName names a field of a stored message that a Field compares.
type FieldName uint8

// The fields of the language; Fields lists their names and aliases.
const (
	Host     FieldName = iota + 1 // FromHost
	Tag                           // SysLogTag (APP-NAME, TAG)
	PID                           // ProcessID
	MsgID                         // MsgID
	IP                            // FromHostIP
	Facility                      // the facility
	Severity                      // the severity: this level or more severe
	SD                            // one parameter of the RFC 5424 structured data
)

// Field compares one field of a message with a value.
type Field struct {
	Name FieldName
	// SDID and SDParam name the structured-data parameter of an SD field
	// (sd.origin.ip: SDID "origin", SDParam "ip").
	SDID, SDParam string
	// Value is the value as written, without quotes. For Host, Tag, PID,
	// MsgID, IP and SD it is a shell pattern (* ? [...]) unless Quoted.
	Value string
	// Quoted reports whether the value was written in quotes: it must then
	// match exactly, its * ? [ taken literally.
	Quoted bool
	// Facility and Severity are the value of a Facility or Severity field.
	Facility syslog.Facility
	Severity syslog.Severity
	// CIDR is the network of an IP field written as one (10.0.0.0/8) or as
	// an address (then a /32 or /128); the zero Prefix for a pattern
	// (ip:10.1.*).
	CIDR netip.Prefix
}

// And matches what every one of Nodes matches (two or more; never an And).
type And struct{ Nodes []Node }

// Or matches what any one of Nodes matches (two or more; never an Or).
type Or struct{ Nodes []Node }

// Not matches what Node does not.
type Not struct{ Node Node }

func (*Text) node()  {}
func (*Field) node() {}
func (*And) node()   {}
func (*Or) node()    {}
func (*Not) node()   {}
