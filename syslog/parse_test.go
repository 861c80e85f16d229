package syslog

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// testNow is the clock of the tests' Parser: RFC 3164 years are inferred
// from it.
var testNow = time.Date(2026, time.November, 24, 12, 0, 0, 0, time.UTC)

// testParser reads RFC 3164 timestamps in UTC as of testNow.
var testParser = Parser{Location: time.UTC, Now: func() time.Time { return testNow }}

// fields is a Message flattened for table tests: the timestamp as RFC 3339
// in UTC ("" for none) and the structured data as its RFC 5424 text.
type fields struct {
	Pri                       Priority
	Time                      string
	Host, App, PID, MsgID, SD string
	Text                      string
}

func flatten(m Message) fields {
	f := fields{
		Pri: m.Priority, Host: m.Hostname, App: m.AppName, PID: m.ProcID, MsgID: m.MsgID,
		SD: string(AppendStructuredData(nil, m.StructuredData)), Text: m.Text,
	}
	if !m.Timestamp.IsZero() {
		f.Time = m.Timestamp.UTC().Format(time.RFC3339Nano)
	}
	return f
}

// errText returns err's text, or "" for nil.
func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestParseDispatch(t *testing.T) {
	tests := []struct {
		name, in string
		want     fields
		err      string
	}{
		{"rfc5424", "<14>1 2026-11-24T03:41:06Z host app 1 ID - text",
			fields{Pri: 14, Time: "2026-11-24T03:41:06Z", Host: "host", App: "app", PID: "1", MsgID: "ID", SD: "-", Text: "text"}, ""},
		{"rfc5424 invalid keeps the header parsed so far", "<14>1 2026-11-24T03:41:06Z host app 1 ID [bad text",
			fields{Pri: 14, Time: "2026-11-24T03:41:06Z", Host: "host", App: "app", PID: "1", MsgID: "ID", SD: "-", Text: "[bad text"},
			`rfc5424: column 51: expected "=" after PARAM-NAME`},
		{"rfc5424 invalid timestamp", "<14>1 2026-11-24 host app 1 ID - text",
			fields{Pri: 14, SD: "-", Text: "1 2026-11-24 host app 1 ID - text"}, `rfc5424: column 17: expected "T" in TIMESTAMP`},
		{"1 without a space is RFC 3164", "<14>1x rest", fields{Pri: 14, SD: "-", Text: "1x rest"}, ""},
		{"rfc5424 PRI with leading zero", "<014>1 - - - - - -",
			fields{Pri: 13, SD: "-", Text: "<014>1 - - - - - -"}, `rfc5424: column 2: expected PRI value without leading zeros`},
		{"rfc3164", "<14>Nov 24 03:41:06 host app: text",
			fields{Pri: 14, Time: "2026-11-24T03:41:06Z", Host: "host", App: "app", SD: "-", Text: "text"}, ""},
		{"version digit without space is RFC 3164", "<14>1999 was a year",
			fields{Pri: 14, SD: "-", Text: "1999 was a year"}, ""},
		{"no PRI", "hello", fields{Pri: 13, SD: "-", Text: "hello"}, `rfc3164: column 1: expected PRI "<"`},
		{"no PRI, but a header", "Nov 24 03:41:06 host app: text",
			fields{Pri: 13, Time: "2026-11-24T03:41:06Z", Host: "host", App: "app", SD: "-", Text: "text"}, `rfc3164: column 1: expected PRI "<"`},
		{"PRI too large", "<192>Nov 24 03:41:06 host app: text",
			fields{Pri: 13, SD: "-", Text: "<192>Nov 24 03:41:06 host app: text"}, `rfc3164: column 2: expected PRI value 0-191`},
		{"PRI without digits", "<>text", fields{Pri: 13, SD: "-", Text: "<>text"}, `rfc3164: column 2: expected PRI value 0-191`},
		{"PRI not closed", "<13 text", fields{Pri: 13, SD: "-", Text: "<13 text"}, `rfc3164: column 4: expected ">" after PRI value`},
		{"PRI of four digits", "<0013>text", fields{Pri: 13, SD: "-", Text: "<0013>text"}, `rfc3164: column 2: expected PRI value 0-191`},
		{"empty", "", fields{Pri: 13, SD: "-"}, `rfc3164: column 1: expected PRI "<"`},
		{"one trailing CRLF is framing", "<14>Nov 24 03:41:06 host app: text\r\n",
			fields{Pri: 14, Time: "2026-11-24T03:41:06Z", Host: "host", App: "app", SD: "-", Text: "text"}, ""},
		{"framing is only one trailing LF or CRLF", "<14>Nov 24 03:41:06 host app: text\r\n\x00",
			fields{Pri: 14, Time: "2026-11-24T03:41:06Z", Host: "host", App: "app", SD: "-", Text: "text\r\n\x00"}, ""},
		{"only framing", "\n", fields{Pri: 13, SD: "-"}, `rfc3164: column 1: expected PRI "<"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := testParser.Parse([]byte(tt.in))
			if got := flatten(m); got != tt.want || errText(err) != tt.err {
				t.Errorf("Parse(%q)\n got %+v, %q\nwant %+v, %q", tt.in, got, errText(err), tt.want, tt.err)
			}
			var pe *ParseError
			if err != nil && !errors.As(err, &pe) {
				t.Errorf("error %T is not a *ParseError", err)
			}
		})
	}
}

func TestParseZeroParser(t *testing.T) {
	var p Parser
	now := time.Now()
	line := "<13>" + now.Format("Jan _2 15:04:05") + " host app: text" // "1" in a layout is the month
	m, err := p.Parse([]byte(line))
	if err != nil {
		t.Fatal(err)
	}
	want := time.Date(now.Year(), now.Month(), now.Day(), now.Hour(), now.Minute(), now.Second(), 0, time.Local)
	if !m.Timestamp.Equal(want) || m.Timestamp.Location() != time.UTC {
		t.Errorf("Parse(%q).Timestamp = %v, want %v in UTC", line, m.Timestamp, want)
	}
}

func TestParseInvalidUTF8IsKept(t *testing.T) {
	for _, in := range []string{
		"<13>Nov 24 03:41:06 host app: caf\xe9 \xff\xfe",
		"<13>1 2026-11-24T03:41:06Z host app - - - caf\xe9 \xff\xfe",
		"caf\xe9 \xff\xfe",
		"<13>caf\xe9 \x00\xff\xfe",
	} {
		m, _ := testParser.Parse([]byte(in))
		if !strings.HasSuffix(in, m.Text) || !strings.Contains(m.Text, "caf\xe9") {
			t.Errorf("Parse(%q).Text = %q, want the bytes kept", in, m.Text)
		}
	}
}

func TestParseErrorMessage(t *testing.T) {
	err := &ParseError{Format: "rfc5424", Column: 5, Expected: `VERSION "1"`}
	if got, want := err.Error(), `rfc5424: column 5: expected VERSION "1"`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}
