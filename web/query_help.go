package web

import (
	"github.com/aiosyslogd/aiosyslogd/db/search/query"
)

// helpRow is one line of the query bar's help: what to write (Term, with
// its other names in Also), an Example that a click puts in the query
// bar, and what it means.
type helpRow struct {
	Term, Example, Meaning string
	Also                   []string
}

// queryHelp is the help of the query bar: one row per field of the
// language, then the rest of the syntax.
type queryHelp struct {
	Fields, Syntax []helpRow
}

// fieldExamples are the example and meaning of each field of
// query.Fields, by its name. A field without one still shows in the help,
// with a bare example.
var fieldExamples = map[string][2]string{
	"host":     {"host:web-*", "the host; a pattern (* ? [...]), or \"quoted\" exactly"},
	"tag":      {"tag:sshd", "the tag (APP-NAME), a pattern"},
	"pid":      {"pid:1234", "the process ID"},
	"msgid":    {"msgid:ID47", "the RFC 5424 MSGID"},
	"ip":       {"ip:10.0.0.0/8", "the sender's address, a network or a pattern"},
	"facility": {"facility:auth", "the facility, by name or number 0-23"},
	"severity": {"severity:err", "this severity or more severe"},
	"message":  {`msg:"disk full"`, "text in the message alone, not the host or tag"},
	"sd":       {"sd.origin.ip:10.1.2.3", "the parameter PARAM of structured data ID"},
}

// syntaxHelp is the rest of the language, after the fields.
var syntaxHelp = []helpRow{
	{Term: "words", Example: "sshd failed", Meaning: "both words, anywhere in the line"},
	{Term: "punctuation", Example: "203.0.113.66", Meaning: "a word with punctuation needs no quotes"},
	{Term: `"phrase"`, Example: `"disk full"`, Meaning: "the words one after the other"},
	{Term: "prefix*", Example: "auth*", Meaning: "a word starting with auth"},
	{Term: "OR", Example: "fail* OR error", Meaning: "either (AND may be written; AND, OR, NOT in capitals)"},
	{Term: "NOT", Example: "NOT tag:cron", Meaning: "leaves out what matches"},
	{Term: "-word", Example: "-cron", Meaning: "the same as NOT cron"},
	{Term: "( )", Example: "(sshd OR su) failed", Meaning: "groups terms"},
}

// newQueryHelp makes the help from query.Fields, so that a new field shows
// up in it by itself.
func newQueryHelp() queryHelp {
	h := queryHelp{Syntax: syntaxHelp}
	for _, f := range query.Fields {
		term := f.Name + ":"
		if f.Field == query.SD {
			term = "sd.ID.PARAM:"
		}
		ex, ok := fieldExamples[f.Name]
		if !ok {
			ex = [2]string{term + "value", ""}
		}
		var also []string
		for _, a := range f.Aliases {
			also = append(also, a+":")
		}
		h.Fields = append(h.Fields, helpRow{Term: term, Also: also, Example: ex[0], Meaning: ex[1]})
	}
	return h
}
