package syslog

import (
	"strings"
	"testing"
	"time"
)

func TestAppendRFC5424(t *testing.T) {
	ts := time.Date(2026, 11, 24, 3, 41, 6, 123456789, time.UTC)
	tests := []struct {
		name string
		m    Message
		want string
	}{
		{"empty message", Message{}, "<0>1 - - - - - -"},
		{"all fields", Message{Priority: 165, Timestamp: ts, Hostname: "host", AppName: "app", ProcID: "42", MsgID: "ID47",
			StructuredData: []SDElement{{ID: "x@32473", Params: []SDParam{{"a", "1"}}}}, Text: "hello"},
			`<165>1 2026-11-24T03:41:06.123456Z host app 42 ID47 [x@32473 a="1"] hello`},
		{"whole seconds", Message{Priority: 13, Timestamp: ts.Truncate(time.Second), Text: "x"}, "<13>1 2026-11-24T03:41:06Z - - - - - x"},
		{"trailing zeros of the fraction dropped", Message{Priority: 13, Timestamp: ts.Truncate(time.Millisecond * 100)}, "<13>1 2026-11-24T03:41:06.1Z - - - - -"},
		{"offset kept", Message{Timestamp: time.Date(2003, 8, 24, 5, 14, 15, 3000, time.FixedZone("", -7*3600))}, "<0>1 2003-08-24T05:14:15.000003-07:00 - - - - -"},
		{"offset of seconds: UTC", Message{Timestamp: time.Date(1850, 1, 1, 0, 0, 0, 0, time.FixedZone("LMT", 3208))}, "<0>1 1849-12-31T23:06:32Z - - - - -"},
		{"offset of 25 hours: UTC", Message{Timestamp: time.Date(2026, 1, 1, 0, 0, 0, 0, time.FixedZone("", 25*3600))}, "<0>1 2025-12-30T23:00:00Z - - - - -"},
		{"year 10000: NILVALUE", Message{Timestamp: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}, "<0>1 - - - - - -"},
		{"PRI above 191: default", Message{Priority: 200}, "<13>1 - - - - - -"},
		{"space and non-ASCII in HOSTNAME", Message{Hostname: "my host\xc3\xa9"}, "<0>1 - my_host__ - - - -"},
		{"control characters in APP-NAME", Message{AppName: "a\tb\x00c\x7f"}, "<0>1 - - a_b_c_ - - -"},
		{"HOSTNAME cut to 255", Message{Hostname: strings.Repeat("h", 300)}, "<0>1 - " + strings.Repeat("h", 255) + " - - - -"},
		{"APP-NAME cut to 48", Message{AppName: strings.Repeat("a", 49)}, "<0>1 - - " + strings.Repeat("a", 48) + " - - -"},
		{"PROCID cut to 128", Message{ProcID: strings.Repeat("p", 129)}, "<0>1 - - - " + strings.Repeat("p", 128) + " - -"},
		{"MSGID cut to 32", Message{MsgID: strings.Repeat("m", 33)}, "<0>1 - - - - " + strings.Repeat("m", 32) + " -"},
		{"ASCII text: no BOM", Message{Text: "plain"}, "<0>1 - - - - - - plain"},
		{"UTF-8 text: BOM", Message{Text: "\xc3\xa9t\xc3\xa9"}, "<0>1 - - - - - - \xef\xbb\xbf\xc3\xa9t\xc3\xa9"},
		{"invalid UTF-8 text: kept, no BOM", Message{Text: "caf\xe9"}, "<0>1 - - - - - - caf\xe9"},
		{"text starting with a BOM keeps it", Message{Text: "\xef\xbb\xbfx"}, "<0>1 - - - - - - \xef\xbb\xbf\xef\xbb\xbfx"},
		{"text starting with a BOM and invalid UTF-8", Message{Text: "\xef\xbb\xbfx\xff"}, "<0>1 - - - - - - \xef\xbb\xbf\xef\xbb\xbfx\xef\xbf\xbd"},
		{"text with leading space", Message{Text: " x"}, "<0>1 - - - - - -  x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(tt.m.AppendRFC5424([]byte("prefix:")))
			if got != "prefix:"+tt.want {
				t.Errorf("AppendRFC5424(%+v)\n got %q\nwant %q", tt.m, got, "prefix:"+tt.want)
			}
			if _, err := ParseRFC5424([]byte(tt.want)); err != nil {
				t.Errorf("output %q does not parse: %v", tt.want, err)
			}
		})
	}
}

func TestAppendStructuredData(t *testing.T) {
	tests := []struct {
		name string
		sd   []SDElement
		want string
	}{
		{"nil", nil, "-"},
		{"empty", []SDElement{}, "-"},
		{"element without params", []SDElement{{ID: "meta"}}, "[meta]"},
		{"several elements and repeated names", []SDElement{
			{ID: "origin", Params: []SDParam{{"ip", "192.0.2.1"}, {"ip", "192.0.2.129"}}},
			{ID: "x@32473", Params: []SDParam{{"a", ""}}},
		}, `[origin ip="192.0.2.1" ip="192.0.2.129"][x@32473 a=""]`},
		{"escapes", []SDElement{{ID: "x@1", Params: []SDParam{{"v", `a"b\c]d`}}}}, `[x@1 v="a\"b\\c\]d"]`},
		{"UTF-8 value kept", []SDElement{{ID: "x@1", Params: []SDParam{{"v", "\xc3\xa9"}}}}, "[x@1 v=\"\xc3\xa9\"]"},
		{"invalid UTF-8 value replaced", []SDElement{{ID: "x@1", Params: []SDParam{{"v", "a\xffb"}}}}, "[x@1 v=\"a\xef\xbf\xbdb\"]"},
		{"forbidden characters in names", []SDElement{{ID: "a b=c]d\"e\xc3", Params: []SDParam{{"n m", "v"}}}}, `[a_b_c_d_e_ n_m="v"]`},
		{"empty names", []SDElement{{Params: []SDParam{{"", "v"}}}}, `[_ _="v"]`},
		{"names cut to 32", []SDElement{{ID: strings.Repeat("i", 40), Params: []SDParam{{strings.Repeat("n", 33), "v"}}}},
			"[" + strings.Repeat("i", 32) + " " + strings.Repeat("n", 32) + `="v"]`},
		{"@ not followed by an enterprise number", []SDElement{{ID: "x@y"}, {ID: "@1"}, {ID: "a@1@2"}, {ID: "a@1.2"}}, "[x_y][_1][a_1@2][a@1.2]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(AppendStructuredData(nil, tt.sd))
			if got != tt.want {
				t.Errorf("AppendStructuredData(%+v) = %q, want %q", tt.sd, got, tt.want)
			}
			line := "<13>1 - - - - - " + got
			if _, err := ParseRFC5424([]byte(line)); err != nil {
				t.Errorf("%q does not parse: %v", line, err)
			}
		})
	}
}

// TestAppendRFC5424RoundTrip formats every valid message of the RFC 5424
// table and parses the result back to the same message.
func TestAppendRFC5424RoundTrip(t *testing.T) {
	for _, tt := range rfc5424Valid {
		m, err := ParseRFC5424([]byte(tt.in))
		if err != nil {
			t.Fatal(err)
		}
		out := m.AppendRFC5424(nil)
		back, err := ParseRFC5424(out)
		if err != nil {
			t.Errorf("%s: %q does not parse: %v", tt.name, out, err)
			continue
		}
		if flatten(back) != flatten(m) {
			t.Errorf("%s: round trip\n got %+v\nwant %+v", tt.name, flatten(back), flatten(m))
		}
	}
}
