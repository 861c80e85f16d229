package syslog

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

var rfc5424Valid = []struct {
	name, in string
	want     fields
}{
	// RFC 5424 §6.5.
	{"RFC 5424 6.5 example 1: no STRUCTURED-DATA",
		"<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - \xef\xbb\xbf'su root' failed for lonvick on /dev/pts/8",
		fields{Pri: 34, Time: "2003-10-11T22:14:15.003Z", Host: "mymachine.example.com", App: "su", MsgID: "ID47", SD: "-", Text: "'su root' failed for lonvick on /dev/pts/8"}},
	{"RFC 5424 6.5 example 2",
		"<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It's time to make the do-nuts.",
		fields{Pri: 165, Time: "2003-08-24T12:14:15.000003Z", Host: "192.0.2.1", App: "myproc", PID: "8710", SD: "-", Text: "%% It's time to make the do-nuts."}},
	{"RFC 5424 6.5 example 3: STRUCTURED-DATA",
		`<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"] ` + "\xef\xbb\xbfAn application event log entry...",
		fields{Pri: 165, Time: "2003-10-11T22:14:15.003Z", Host: "mymachine.example.com", App: "evntslog", MsgID: "ID47",
			SD: `[exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"]`, Text: "An application event log entry..."}},
	{"RFC 5424 6.5 example 4: STRUCTURED-DATA only",
		`<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"][examplePriority@32473 class="high"]`,
		fields{Pri: 165, Time: "2003-10-11T22:14:15.003Z", Host: "mymachine.example.com", App: "evntslog", MsgID: "ID47",
			SD: `[exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"][examplePriority@32473 class="high"]`}},
	{"RFC 5424 6.3.5 example 3: SP between elements makes the second one MSG",
		`<165>1 2003-10-11T22:14:15.003Z host app - - [exampleSDID@32473 iut="3"] [examplePriority@32473 class="high"]`,
		fields{Pri: 165, Time: "2003-10-11T22:14:15.003Z", Host: "host", App: "app", SD: `[exampleSDID@32473 iut="3"]`, Text: `[examplePriority@32473 class="high"]`}},
	{"RFC 5424 7 IANA SD-IDs without @, repeated PARAM-NAME",
		`<13>1 2026-11-24T03:41:06Z host app - - [meta sequenceId="1" sysUpTime="37" language="EN"][origin ip="192.0.2.1" ip="192.0.2.129"][timeQuality tzKnown="1" isSynced="0"] x`,
		fields{Pri: 13, Time: "2026-11-24T03:41:06Z", Host: "host", App: "app",
			SD: `[meta sequenceId="1" sysUpTime="37" language="EN"][origin ip="192.0.2.1" ip="192.0.2.129"][timeQuality tzKnown="1" isSynced="0"]`, Text: "x"}},

	// Real senders.
	{"rsyslog RSYSLOG_SyslogProtocol23Format",
		"<30>1 2026-11-24T03:41:06.123456+01:00 web01 systemd 1 - - Started Session 42 of User alice.",
		fields{Pri: 30, Time: "2026-11-24T02:41:06.123456Z", Host: "web01", App: "systemd", PID: "1", SD: "-", Text: "Started Session 42 of User alice."}},
	{"pfSense 2.6+ filterlog",
		"<134>1 2026-11-24T03:41:06.123456+00:00 pfsense.home.arpa filterlog 12345 - - 5,,,1000000103,igb1,match,block,in,4,0x0,,64,0,0,DF,6,tcp,60,198.51.100.7,203.0.113.10,51234,22,0,S,123456789,,64240,,mss",
		fields{Pri: 134, Time: "2026-11-24T03:41:06.123456Z", Host: "pfsense.home.arpa", App: "filterlog", PID: "12345", SD: "-",
			Text: "5,,,1000000103,igb1,match,block,in,4,0x0,,64,0,0,DF,6,tcp,60,198.51.100.7,203.0.113.10,51234,22,0,S,123456789,,64240,,mss"}},
	{"ESXi 7 hostd",
		"<166>1 2026-11-24T03:41:06.123Z esxi01.example.com Hostd 2099622 - - info hostd[2099622] [Originator@6876 sub=Vimsvc.TaskManager opID=abc123] Task Created",
		fields{Pri: 166, Time: "2026-11-24T03:41:06.123Z", Host: "esxi01.example.com", App: "Hostd", PID: "2099622", SD: "-",
			Text: "info hostd[2099622] [Originator@6876 sub=Vimsvc.TaskManager opID=abc123] Task Created"}},
	{"NXLog to_syslog_ietf from Windows",
		`<14>1 2026-11-24T03:41:06.123456+01:00 WIN-DC01 Microsoft-Windows-Security-Auditing 612 - [NXLOG@14506 EventReceivedTime="2026-11-24 03:41:07" SourceModuleName="eventlog" SourceModuleType="im_msvistalog"] An account was successfully logged on.`,
		fields{Pri: 14, Time: "2026-11-24T02:41:06.123456Z", Host: "WIN-DC01", App: "Microsoft-Windows-Security-Auditing", PID: "612",
			SD: `[NXLOG@14506 EventReceivedTime="2026-11-24 03:41:07" SourceModuleName="eventlog" SourceModuleType="im_msvistalog"]`, Text: "An account was successfully logged on."}},
	{"journald via systemd-netlogd, MSGID",
		"<29>1 2026-11-24T03:41:06.000001Z host sshd 812 AUTH_OK - \xef\xbb\xbfAccepted key for \xc3\xa9milie",
		fields{Pri: 29, Time: "2026-11-24T03:41:06.000001Z", Host: "host", App: "sshd", PID: "812", MsgID: "AUTH_OK", SD: "-", Text: "Accepted key for \xc3\xa9milie"}},

	// Edges of the grammar.
	{"all NILVALUE, no MSG", "<0>1 - - - - - -", fields{Pri: 0, SD: "-"}},
	{"empty MSG after SP", "<191>1 - - - - - - ", fields{Pri: 191, SD: "-"}},
	{"BOM only", "<13>1 - - - - - - \xef\xbb\xbf", fields{Pri: 13, SD: "-"}},
	{"MSG-ANY with invalid UTF-8", "<13>1 - - - - - - caf\xe9\xff", fields{Pri: 13, SD: "-", Text: "caf\xe9\xff"}},
	{"MSG keeps leading spaces and trailing newline", "<13>1 - - - - - -   x\n", fields{Pri: 13, SD: "-", Text: "  x\n"}},
	{"offset -00:00 and one fractional digit", "<13>1 2026-11-24T03:41:06.5-00:00 - - - - -", fields{Pri: 13, Time: "2026-11-24T03:41:06.5Z", SD: "-"}},
	{"offset +14:00", "<13>1 2026-11-24T03:41:06+14:00 - - - - -", fields{Pri: 13, Time: "2026-11-23T13:41:06Z", SD: "-"}},
	{"Feb 29 in a leap year", "<13>1 2024-02-29T00:00:00Z - - - - -", fields{Pri: 13, Time: "2024-02-29T00:00:00Z", SD: "-"}},
	{"fields at their maximum length",
		"<13>1 - " + strings.Repeat("h", 255) + " " + strings.Repeat("a", 48) + " " + strings.Repeat("p", 128) + " " + strings.Repeat("m", 32) + " -",
		fields{Pri: 13, Host: strings.Repeat("h", 255), App: strings.Repeat("a", 48), PID: strings.Repeat("p", 128), MsgID: strings.Repeat("m", 32), SD: "-"}},
	{"printable punctuation in header fields", "<13>1 - h!\"#$%&'()*+,/:;<=>?@[\\]^_`{|}~ a p m -",
		fields{Pri: 13, Host: "h!\"#$%&'()*+,/:;<=>?@[\\]^_`{|}~", App: "a", PID: "p", MsgID: "m", SD: "-"}},
	{"escapes in PARAM-VALUE",
		`<13>1 - - - - - [x@1 q="a\"b" b="c\\d" r="e\]f" o="g\hi" e="" u="` + "\xc3\xa9" + `" t="\\"]`,
		fields{Pri: 13, SD: `[x@1 q="a\"b" b="c\\d" r="e\]f" o="g\\hi" e="" u="` + "\xc3\xa9" + `" t="\\"]`}},
	{"SD-ID of 32 characters, enterprise number with dots",
		`<13>1 - - - - - [` + strings.Repeat("i", 24) + `@1.2.3.4] m`,
		fields{Pri: 13, SD: `[` + strings.Repeat("i", 24) + `@1.2.3.4]`, Text: "m"}},
}

func TestParseRFC5424(t *testing.T) {
	for _, tt := range rfc5424Valid {
		t.Run(tt.name, func(t *testing.T) {
			m, err := ParseRFC5424([]byte(tt.in))
			if err != nil {
				t.Fatalf("ParseRFC5424(%q): %v", tt.in, err)
			}
			if got := flatten(m); got != tt.want {
				t.Errorf("ParseRFC5424(%q)\n got %+v\nwant %+v", tt.in, got, tt.want)
			}
			// Parse takes the same path, except that it ignores
			// trailing framing.
			pm, err := testParser.Parse([]byte(tt.in))
			if err != nil || flatten(pm).Text != strings.TrimRight(tt.want.Text, "\n") {
				t.Errorf("Parse(%q) = %+v, %v; want the strict parse", tt.in, flatten(pm), err)
			}
		})
	}
}

func TestParseRFC5424StructuredData(t *testing.T) {
	in := `<13>1 - - - - - [a@32473 k="1" k="2\"\\\]"][b] m`
	m, err := ParseRFC5424([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []SDElement{
		{ID: "a@32473", Params: []SDParam{{"k", "1"}, {"k", `2"\]`}}},
		{ID: "b"},
	}
	if !reflect.DeepEqual(m.StructuredData, want) {
		t.Errorf("StructuredData = %#v, want %#v", m.StructuredData, want)
	}
	// Appending to one element's params must not overwrite the next's.
	_ = append(m.StructuredData[0].Params, SDParam{"x", "y"})
	if m.StructuredData[1].Params != nil {
		t.Errorf("element b has params %v after appending to a", m.StructuredData[1].Params)
	}
}

func TestParseRFC5424Timestamp(t *testing.T) {
	m, err := ParseRFC5424([]byte("<13>1 2003-08-24T05:14:15.000003-07:00 - - - - -"))
	if err != nil {
		t.Fatal(err)
	}
	if _, off := m.Timestamp.Zone(); off != -7*3600 {
		t.Errorf("offset = %d s, want the sender's -07:00 kept", off)
	}
	want := time.Date(2003, 8, 24, 12, 14, 15, 3000, time.UTC)
	if !m.Timestamp.Equal(want) {
		t.Errorf("Timestamp = %v, want %v", m.Timestamp, want)
	}
}

var rfc5424Invalid = []struct {
	name, in, err string
}{
	{"empty", "", `rfc5424: column 1: expected PRI "<"`},
	{"no PRI", "13>1 - - - - - -", `rfc5424: column 1: expected PRI "<"`},
	{"PRI without digits", "<>1 - - - - - -", `rfc5424: column 2: expected PRI value 0-191`},
	{"PRI with leading zero", "<013>1 - - - - - -", `rfc5424: column 2: expected PRI value without leading zeros`},
	{"PRI 00", "<00>1 - - - - - -", `rfc5424: column 2: expected PRI value without leading zeros`},
	{"PRI above 191", "<192>1 - - - - - -", `rfc5424: column 2: expected PRI value 0-191`},
	{"PRI of 4 digits", "<1234>1 - - - - - -", `rfc5424: column 5: expected ">" after at most 3 digits of PRI`},
	{"PRI not closed", "<13 1 - - - - - -", `rfc5424: column 4: expected ">" after PRI value`},
	{"version 2", "<13>2 - - - - - -", `rfc5424: column 5: expected VERSION "1"`},
	{"version 10", "<13>10 - - - - - -", `rfc5424: column 5: expected VERSION "1"`},
	{"truncated after VERSION", "<13>1", `rfc5424: column 6: expected SP before TIMESTAMP`},
	{"RFC 3164 timestamp", "<13>1 Nov 24 03:41:06 host app - - -", `rfc5424: column 7: expected TIMESTAMP (YYYY-MM-DDThh:mm:ss[.ffffff]Z or ±hh:mm) or "-"`},
	{"space instead of T", "<13>1 2026-11-24 03:41:06Z - - - - -", `rfc5424: column 17: expected "T" in TIMESTAMP`},
	{"lower-case t", "<13>1 2026-11-24t03:41:06Z - - - - -", `rfc5424: column 17: expected "T" in TIMESTAMP`},
	{"lower-case z", "<13>1 2026-11-24T03:41:06z - - - - -", `rfc5424: column 26: expected TIME-OFFSET "Z" or ±hh:mm`},
	{"no offset", "<13>1 2026-11-24T03:41:06 - - - - -", `rfc5424: column 26: expected TIME-OFFSET "Z" or ±hh:mm`},
	{"offset without colon", "<13>1 2026-11-24T03:41:06+0100 - - - - -", `rfc5424: column 29: expected ":" in TIME-OFFSET`},
	{"offset hour 24", "<13>1 2026-11-24T03:41:06+24:00 - - - - -", `rfc5424: column 27: expected 2-digit offset hour 00-23`},
	{"month 13", "<13>1 2026-13-24T03:41:06Z - - - - -", `rfc5424: column 12: expected 2-digit month 01-12`},
	{"month 00", "<13>1 2026-00-24T03:41:06Z - - - - -", `rfc5424: column 12: expected 2-digit month 01-12`},
	{"Feb 30", "<13>1 2026-02-30T03:41:06Z - - - - -", `rfc5424: column 15: expected day that exists in the month`},
	{"Feb 29 in a common year", "<13>1 2026-02-29T03:41:06Z - - - - -", `rfc5424: column 15: expected day that exists in the month`},
	{"hour 24", "<13>1 2026-11-24T24:00:00Z - - - - -", `rfc5424: column 18: expected 2-digit hour 00-23`},
	{"leap second", "<13>1 2026-12-31T23:59:60Z - - - - -", `rfc5424: column 24: expected 2-digit second 00-59`},
	{"one-digit minute", "<13>1 2026-11-24T03:4:06Z - - - - -", `rfc5424: column 21: expected 2-digit minute 00-59`},
	{"7 fractional digits", "<13>1 2026-11-24T03:41:06.1234567Z - - - - -", `rfc5424: column 33: expected TIME-OFFSET after at most 6 fractional digits`},
	{"empty fraction", "<13>1 2026-11-24T03:41:06.Z - - - - -", `rfc5424: column 27: expected digit of TIME-SECFRAC`},
	{"HOSTNAME of 256 characters", "<13>1 - " + strings.Repeat("h", 256) + " a p m -", `rfc5424: column 264: expected SP after HOSTNAME (at most 255 characters)`},
	{"APP-NAME of 49 characters", "<13>1 - h " + strings.Repeat("a", 49) + " p m -", `rfc5424: column 59: expected SP after APP-NAME (at most 48 characters)`},
	{"PROCID of 129 characters", "<13>1 - h a " + strings.Repeat("p", 129) + " m -", `rfc5424: column 141: expected SP after PROCID (at most 128 characters)`},
	{"MSGID of 33 characters", "<13>1 - h a p " + strings.Repeat("m", 33) + " -", `rfc5424: column 47: expected SP after MSGID (at most 32 characters)`},
	{"non-ASCII HOSTNAME", "<13>1 - h\xc3\xa9 a p m -", `rfc5424: column 10: expected HOSTNAME of printable US-ASCII`},
	{"tab in APP-NAME", "<13>1 - h a\tb p m -", `rfc5424: column 12: expected APP-NAME of printable US-ASCII`},
	{"two spaces", "<13>1 -  h a p m -", `rfc5424: column 9: expected HOSTNAME or "-"`},
	{"header cut short", "<13>1 - host app", `rfc5424: column 17: expected SP before PROCID`},
	{"no STRUCTURED-DATA", "<13>1 - h a p m", `rfc5424: column 16: expected SP before STRUCTURED-DATA`},
	{"MSG instead of STRUCTURED-DATA", "<13>1 - h a p m hello", `rfc5424: column 17: expected STRUCTURED-DATA "[" or "-"`},
	{"text glued to NILVALUE SD", "<13>1 - h a p m -hello", `rfc5424: column 18: expected SP before MSG or end of message`},
	{"text glued to SD", `<13>1 - h a p m [x@1 a="b"]hello`, `rfc5424: column 28: expected SP before MSG or end of message`},
	{"SP before SD-ID", `<13>1 - h a p m [ x@1 a="b"]`, `rfc5424: column 18: expected SD-ID`},
	{"SP before ]", `<13>1 - h a p m [x@1 a="b" ]`, `rfc5424: column 28: expected PARAM-NAME`},
	{"unquoted value", `<13>1 - h a p m [x@1 a=b]`, `rfc5424: column 24: expected '"' to open PARAM-VALUE`},
	{"no =", `<13>1 - h a p m [x@1 a]`, `rfc5424: column 23: expected "=" after PARAM-NAME`},
	{"unescaped ]", `<13>1 - h a p m [x@1 a="b]"]`, `rfc5424: column 26: expected '\]' for a ']' in PARAM-VALUE`},
	{"value not closed", `<13>1 - h a p m [x@1 a="b`, `rfc5424: column 26: expected '"' to close PARAM-VALUE`},
	{"element not closed", `<13>1 - h a p m [x@1 a="b"`, `rfc5424: column 27: expected SP or "]" in SD-ELEMENT`},
	{"empty element", `<13>1 - h a p m []`, `rfc5424: column 18: expected SD-ID`},
	{"@ without enterprise number", `<13>1 - h a p m [x@ a="b"]`, `rfc5424: column 20: expected private enterprise number (digits and dots) after '@' in SD-ID`},
	{"@ with a name after it", `<13>1 - h a p m [x@example.com]`, `rfc5424: column 20: expected private enterprise number (digits and dots) after '@' in SD-ID`},
	{"two @", `<13>1 - h a p m [x@1@2]`, `rfc5424: column 21: expected SD-ID of the form name@enterprise-number`},
	{"SD-ID starting with @", `<13>1 - h a p m [@1]`, `rfc5424: column 18: expected SD-ID of the form name@enterprise-number`},
	{"SD-ID of 33 characters", `<13>1 - h a p m [` + strings.Repeat("i", 33) + `]`, `rfc5424: column 50: expected SD-ID of at most 32 characters`},
	{"PARAM-NAME with a quote", `<13>1 - h a p m [x@1 a"="b"]`, `rfc5424: column 23: expected "=" after PARAM-NAME`},
	{"invalid UTF-8 in PARAM-VALUE", "<13>1 - h a p m [x@1 a=\"b\xff\"]", `rfc5424: column 26: expected UTF-8 in PARAM-VALUE`},
	{"invalid UTF-8 after BOM", "<13>1 - h a p m - \xef\xbb\xbfok\xff", `rfc5424: column 24: expected UTF-8 in MSG after BOM`},
}

func TestParseRFC5424Errors(t *testing.T) {
	for _, tt := range rfc5424Invalid {
		t.Run(tt.name, func(t *testing.T) {
			m, err := ParseRFC5424([]byte(tt.in))
			if errText(err) != tt.err {
				t.Fatalf("ParseRFC5424(%q) error\n got %v\nwant %s", tt.in, err, tt.err)
			}
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Column < 1 || pe.Column > len(tt.in)+1 {
				t.Fatalf("error %#v is not a *ParseError with a column in the input", err)
			}
			// Nothing is lost: the text that did not parse is kept.
			if m.Text == "" && pe.Column <= len(tt.in) {
				t.Errorf("Text is empty for %q", tt.in)
			}
			if !strings.HasSuffix(tt.in, m.Text) {
				t.Errorf("Text %q is not the rest of %q", m.Text, tt.in)
			}
		})
	}
}
