package query

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// sexpr writes a tree as an s-expression: (and (text "a") (host "web-*")).
func sexpr(n Node) string {
	switch n := n.(type) {
	case nil:
		return "nil"
	case *Text:
		s := fmt.Sprintf("(text %q", n.Text)
		if n.Scope == MessageOnly {
			s = fmt.Sprintf("(message %q", n.Text)
		}
		return s + flags(n.Quoted, n.Prefix) + ")"
	case *Field:
		return fieldSexpr(n)
	case *And:
		return "(and" + listSexpr(n.Nodes) + ")"
	case *Or:
		return "(or" + listSexpr(n.Nodes) + ")"
	case *Not:
		return "(not " + sexpr(n.Node) + ")"
	}
	return fmt.Sprintf("(? %T)", n)
}

func flags(quoted, prefix bool) string {
	s := ""
	if quoted {
		s += " quoted"
	}
	if prefix {
		s += " prefix"
	}
	return s
}

func fieldSexpr(f *Field) string {
	switch f.Name {
	case Facility:
		return fmt.Sprintf("(facility %s)", f.Facility)
	case Severity:
		return fmt.Sprintf("(severity %s)", f.Severity)
	case SD:
		return fmt.Sprintf("(sd %q %q %q%s)", f.SDID, f.SDParam, f.Value, flags(f.Quoted, false))
	}
	s := fmt.Sprintf("(%s %q%s", f.Name, f.Value, flags(f.Quoted, false))
	if f.CIDR.IsValid() {
		s += " " + f.CIDR.String()
	}
	return s + ")"
}

func listSexpr(ns []Node) string {
	s := ""
	for _, n := range ns {
		s += " " + sexpr(n)
	}
	return s
}

const hintFields = "fields are host, tag (app, program), pid, msgid, ip, facility, severity (level), message (msg), sd.ID.PARAM"

var parseTests = []struct {
	q, want string // want is the tree, or the error with "error: " before it
}{
	// Empty.
	{"", "nil"},
	{" \t\n ", "nil"},
	// Words with punctuation are one word.
	{"203.0.113.66", `(text "203.0.113.66")`},
	{"user=bob", `(text "user=bob")`},
	{`C:\temp`, `(text "C:\\temp")`},
	{"GigabitEthernet1/0/1", `(text "GigabitEthernet1/0/1")`},
	{"%LINK-3-UPDOWN", `(text "%LINK-3-UPDOWN")`},
	{"web-03", `(text "web-03")`},
	{"a.b@example.com", `(text "a.b@example.com")`},
	{"sshd(pam_unix)", `(text "sshd(pam_unix)")`},
	{"sshd[1234]:", `(text "sshd[1234]:")`},
	{"12:34:56", `(text "12:34:56")`},
	{"sshd:", `(text "sshd:")`},
	{`a"b`, `(text "a\"b")`},
	{"http://example.com/x", `(text "http://example.com/x")`},
	{"f(x", `(text "f(x")`},
	{"Ünïcödé", `(text "Ünïcödé")`},
	{"a-b", `(text "a-b")`},
	// AND, implicit or written.
	{"sshd failed", `(and (text "sshd") (text "failed"))`},
	{"sshd AND failed", `(and (text "sshd") (text "failed"))`},
	{"  sshd \t failed  ", `(and (text "sshd") (text "failed"))`},
	{"a and b", `(and (text "a") (text "and") (text "b"))`},
	{"a or b not c", `(and (text "a") (text "or") (text "b") (text "not") (text "c"))`},
	// Phrases and prefixes.
	{`"disk full"`, `(text "disk full" quoted)`},
	{`"say \"hi\" \\o/"`, `(text "say \"hi\" \\o/" quoted)`},
	{`"C:\temp"`, `(text "C:\\temp" quoted)`},
	{`"a phrase"*`, `(text "a phrase" quoted prefix)`},
	{`"OR"`, `(text "OR" quoted)`},
	{`"a"b`, `(and (text "a" quoted) (text "b"))`},
	{"auth*", `(text "auth" prefix)`},
	{"a*b", `(text "a*b")`},
	// OR and precedence.
	{"fail* OR error", `(or (text "fail" prefix) (text "error"))`},
	{"a OR b c", `(or (text "a") (and (text "b") (text "c")))`},
	{"a b OR c", `(or (and (text "a") (text "b")) (text "c"))`},
	{"a OR b OR c", `(or (text "a") (text "b") (text "c"))`},
	{"a NOT b", `(and (text "a") (not (text "b")))`},
	{"(a OR b) c", `(and (or (text "a") (text "b")) (text "c"))`},
	{"(a b) c", `(and (text "a") (text "b") (text "c"))`},
	{"(a OR b) OR (c OR d)", `(or (text "a") (text "b") (text "c") (text "d"))`},
	{"((a))", `(text "a")`},
	{"(a)b", `(and (text "a") (text "b"))`},
	{"a OR(b c)", `(or (text "a") (and (text "b") (text "c")))`},
	{"(sshd(pam_unix) OR su)", `(or (text "sshd(pam_unix)") (text "su"))`},
	// Negation.
	{"NOT cron", `(not (text "cron"))`},
	{"-cron", `(not (text "cron"))`},
	{"NOT NOT cron", `(not (not (text "cron")))`},
	{"--cron", `(not (not (text "cron")))`},
	{"-(a OR b)", `(not (or (text "a") (text "b")))`},
	{`-"disk full"`, `(not (text "disk full" quoted))`},
	{"-host:web-03", `(not (host "web-03"))`},
	{"NOT tag:cron", `(not (tag "cron"))`},
	{"NOT(a)", `(not (text "a"))`},
	{"a AND(b OR c)", `(and (text "a") (or (text "b") (text "c")))`},
	{"(a -b)", `(and (text "a") (not (text "b")))`},
	{"a -b OR c", `(or (and (text "a") (not (text "b"))) (text "c"))`},
	// Fields.
	{"host:web-*", `(host "web-*")`},
	{`host:"web 03"`, `(host "web 03" quoted)`},
	{"HOST:web-03", `(host "web-03")`},
	{`tag:sshd "Failed password"`, `(and (tag "sshd") (text "Failed password" quoted))`},
	{"app:nginx", `(tag "nginx")`},
	{"program:su", `(tag "su")`},
	{"pid:1234", `(pid "1234")`},
	{"msgid:ID47", `(msgid "ID47")`},
	{"msgid:ID:47", `(msgid "ID:47")`},
	{"ip:10.0.0.0/8", `(ip "10.0.0.0/8" 10.0.0.0/8)`},
	{"ip:10.1.2.3/8", `(ip "10.1.2.3/8" 10.0.0.0/8)`},
	{"ip:203.0.113.66", `(ip "203.0.113.66" 203.0.113.66/32)`},
	{"ip:fe80::1", `(ip "fe80::1" fe80::1/128)`},
	{"ip:10.1.*", `(ip "10.1.*")`},
	{`ip:"10.0.0.1"`, `(ip "10.0.0.1" quoted)`},
	{"facility:auth", `(facility auth)`},
	{"facility:4", `(facility auth)`},
	{"facility:LOCAL7", `(facility local7)`},
	{"severity:err", `(severity err)`},
	{"severity:error", `(severity err)`},
	{"level:warning", `(severity warning)`},
	{"level:3", `(severity err)`},
	{"message:failed", `(message "failed")`},
	{"message:fail*", `(message "fail" prefix)`},
	{`msg:"disk full"`, `(message "disk full" quoted)`},
	{"msg:host:x", `(message "host:x")`},
	{"sd.origin.ip:10.1.2.3", `(sd "origin" "ip" "10.1.2.3")`},
	{"sd.exampleSDID@32473.eventSource:Application", `(sd "exampleSDID@32473" "eventSource" "Application")`},
	{`SD.Origin.IP:"a b"`, `(sd "Origin" "IP" "a b" quoted)`},
	{"(host:a OR b)", `(or (host "a") (text "b"))`},
	{"(host:a)", `(host "a")`},
	{"(tag:f(x) OR y)", `(or (tag "f(x)") (text "y"))`},
	// Errors.
	{"hots:x", "error: unknown field \"hots\" at column 1; " + hintFields + `, or write "hots:x" in quotes to search the text`},
	{"a port:22", "error: unknown field \"port\" at column 3; " + hintFields + `, or write "port:22" in quotes to search the text`},
	{`"abc`, `error: unterminated quote at column 1; end the phrase with "`},
	{`a "b c`, `error: unterminated quote at column 3; end the phrase with "`},
	{`host:"abc`, `error: unterminated quote at column 6; end the phrase with "`},
	{"(a", "error: missing ) for ( at column 1"},
	{"x (a OR (b)", "error: missing ) for ( at column 3"},
	{"(", "error: missing ) for ( at column 1"},
	{"a)", "error: unexpected ) at column 2; there is no ( for it to close; write the word in quotes to search for it"},
	{"ip:0)000000000", "error: unexpected ) at column 5; there is no ( for it to close; write the word in quotes to search for it"},
	{")", `error: unexpected ) at column 1; there is no ( for it to close; write ")" in quotes to search for it`},
	{`"a")`, `error: unexpected ) at column 4; there is no ( for it to close; write ")" in quotes to search for it`},
	{"(a))", `error: unexpected ) at column 4; there is no ( for it to close; write ")" in quotes to search for it`},
	{"a OR", `error: expected a term after OR at column 3; write "OR" in quotes to search for the word`},
	{"a AND", `error: expected a term after AND at column 3; write "AND" in quotes to search for the word`},
	{"a NOT", `error: expected a term after NOT at column 3; write "NOT" in quotes to search for the word`},
	{"(a OR)", `error: expected a term after OR at column 4; write "OR" in quotes to search for the word`},
	{"OR a", `error: expected a term before OR at column 1; write "OR" in quotes to search for the word`},
	{"AND a", `error: expected a term before AND at column 1; write "AND" in quotes to search for the word`},
	{"(OR a)", `error: expected a term before OR at column 2; write "OR" in quotes to search for the word`},
	{"()", `error: empty () at column 1; put a term between ( and ), or write "()" in quotes to search for it`},
	{"a OR OR b", `error: expected a term after OR at column 3; write "OR" in quotes to search for the word`},
	{"a AND OR b", `error: expected a term after AND at column 3; write "AND" in quotes to search for the word`},
	{"-", `error: expected a term right after - at column 1; write -word or NOT word to leave out what has word; write "-" in quotes to search for it`},
	{"a - b", `error: expected a term right after - at column 3; write -word or NOT word to leave out what has word; write "-" in quotes to search for it`},
	{"-OR", `error: expected a term after - at column 1; write "-" in quotes to search for it`},
	{"---", `error: "---" has no letters or digits to search for at column 1; the index keeps only letters and digits`},
	{"a = b", `error: "=" has no letters or digits to search for at column 3; the index keeps only letters and digits`},
	{":", `error: ":" has no letters or digits to search for at column 1; the index keeps only letters and digits`},
	{"*", `error: "*" has no letters or digits to search for at column 1; an empty query matches everything`},
	{`""`, `error: "" has no letters or digits to search for at column 1; the index keeps only letters and digits`},
	{"message:--", `error: "--" has no letters or digits to search for at column 9; the index keeps only letters and digits`},
	{"host:", "error: host: needs a value at column 1"},
	{"a (host:)", "error: host: needs a value at column 4"},
	{`tag:""`, `(tag "" quoted)`},
	{`msg:""`, `error: "" has no letters or digits to search for at column 5; the index keeps only letters and digits`},
	{"msg:", "error: msg: needs a value at column 1"},
	{`host:"web"*`, "error: a quoted host: value cannot end in * at column 6; leave out the quotes for a pattern"},
	{"severity:bogus", `error: unknown severity "bogus" (want emerg, alert, crit, err, warning, notice, info, debug or 0-7) at column 10`},
	{"facility:99", `error: unknown facility "99" (want a name like auth, daemon, local0 or a number 0-23) at column 10`},
	{"ip:10.0.0.0/33", `error: bad network "10.0.0.0/33" at column 4; write an address, a network as 10.0.0.0/8 or a pattern as 10.1.*`},
	{"sd.x:1", `error: field "sd.x" needs an ID and a PARAM at column 1; write sd.ID.PARAM:value, as sd.origin.ip:10.1.2.3`},
	{"sd.a.:1", `error: field "sd.a." needs an ID and a PARAM at column 1; write sd.ID.PARAM:value, as sd.origin.ip:10.1.2.3`},
	{"NEAR(a b, 3)", `error: NEAR is not supported at column 1; write the words (each must occur) or a "phrase"`},
	{"x NEAR(a b)", `error: NEAR is not supported at column 3; write the words (each must occur) or a "phrase"`},
	{"é hots:x", "error: unknown field \"hots\" at column 3; " + hintFields + `, or write "hots:x" in quotes to search the text`},
	{strings.Repeat("a ", 2500), "error: the query is too long (5000 bytes) at column 4097; at most 4096 bytes"},
	{strings.Repeat("(", 100) + "a" + strings.Repeat(")", 100), "error: nesting deeper than 64 at column 65; use fewer ( and NOT"},
	{strings.Repeat("NOT ", 100) + "a", "error: nesting deeper than 64 at column 257; use fewer ( and NOT"},
	{strings.Repeat("(", 64) + "a" + strings.Repeat(")", 64), `(text "a")`},
}

func TestParse(t *testing.T) {
	for _, tt := range parseTests {
		n, err := Parse(tt.q)
		got := sexpr(n)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Errorf("Parse(%q): error %T, not *Error", tt.q, err)
			}
			got = "error: " + err.Error()
		}
		if got != tt.want {
			t.Errorf("Parse(%q)\n got %s\nwant %s", tt.q, got, tt.want)
			continue
		}
		if err == nil && n != nil {
			checkRoundTrip(t, tt.q, n)
		}
	}
}

// checkRoundTrip checks that n, parsed from q, prints as a query that
// parses back to n.
func checkRoundTrip(t *testing.T, q string, n Node) {
	t.Helper()
	s := n.String()
	back, err := Parse(s)
	if err != nil {
		t.Errorf("Parse(%q).String() = %q, which does not parse: %v", q, s, err)
		return
	}
	if !reflect.DeepEqual(back, n) {
		t.Errorf("Parse(%q).String() = %q, which parses to %s, not %s", q, s, sexpr(back), sexpr(n))
	}
}

func TestString(t *testing.T) {
	for _, tt := range []struct{ q, want string }{
		{"app:nginx", "tag:nginx"},
		{"HOST:web-03", "host:web-03"},
		{"level:3", "severity:err"},
		{"facility:4", "facility:auth"},
		{"msg:x*", "message:x*"},
		{"NOT cron", "-cron"},
		{"NOT (a b)", "-(a b)"},
		{"(a OR b) c", "(a OR b) c"},
		{"a OR b c", "a OR b c"},
		{"a AND b", "a b"},
		{`"say \"hi\""*`, `"say \"hi\""*`},
		{`"C:\temp"`, `"C:\\temp"`},
		{"(a OR f(x ) c", "(a OR f(x ) c"},
		{"(f(x OR b) c", "(f(x OR b) c"},
		{"SD.o.p:v", "sd.o.p:v"},
	} {
		if got := MustParse(tt.q).String(); got != tt.want {
			t.Errorf("Parse(%q).String() = %q, want %q", tt.q, got, tt.want)
		}
	}
}

// TestStringBuilt prints trees made by hand, which need quotes Parse's
// never do.
func TestStringBuilt(t *testing.T) {
	for _, tt := range []struct {
		n    Node
		want string
	}{
		{&Text{Text: "a b"}, `"a b"`},
		{&Text{Text: "OR"}, `"OR"`},
		{&Text{Text: "host:x"}, `"host:x"`},
		{&Text{Text: "-x"}, `"-x"`},
		{&Text{Text: "x)"}, `"x)"`},
		{&Field{Name: Host, Value: "a b"}, `host:"a b"`},
		{&Field{Name: SD, SDID: "o", SDParam: "p", Value: "v"}, "sd.o.p:v"},
		{&Not{Node: &Or{Nodes: []Node{&Text{Text: "a"}, &Text{Text: "b"}}}}, "-(a OR b)"},
	} {
		if got := tt.n.String(); got != tt.want {
			t.Errorf("%s.String() = %q, want %q", sexpr(tt.n), got, tt.want)
		}
	}
}

func TestMustParsePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("MustParse(\"(\") did not panic")
		}
	}()
	MustParse("(")
}

func TestFieldNameString(t *testing.T) {
	want := []string{"host", "tag", "pid", "msgid", "ip", "facility", "severity", "sd"}
	for i, w := range want {
		if got := FieldName(i + 1).String(); got != w {
			t.Errorf("FieldName(%d).String() = %q, want %q", i+1, got, w)
		}
	}
	if got := FieldName(0).String(); got != "FieldName(0)" {
		t.Errorf("FieldName(0).String() = %q", got)
	}
}
