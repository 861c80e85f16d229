package syslog_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/aiosyslogd/aiosyslogd/syslog"
)

// Parse reads RFC 3164 best effort; the Parser says which zone and year its
// timestamps, which carry neither, belong to.
func ExampleParser_Parse() {
	p := syslog.Parser{Location: time.UTC, Year: 2026}
	m, err := p.Parse([]byte("<38>Nov 24 03:41:06 web01 sshd[12345]: Accepted publickey for alice"))
	fmt.Println(err)
	fmt.Println(m.Priority.Facility(), m.Priority.Severity(), m.Timestamp)
	fmt.Printf("%q %q %q %q\n", m.Hostname, m.AppName, m.ProcID, m.Text)
	// Output:
	// <nil>
	// auth info 2026-11-24 03:41:06 +0000 UTC
	// "web01" "sshd" "12345" "Accepted publickey for alice"
}

// Cisco IOS puts a sequence number, a clock-state mark and a mnemonic
// around its timestamp; the sequence number becomes RFC 5424's
// [meta sequenceId].
func ExampleParser_Parse_cisco() {
	p := syslog.Parser{Location: time.UTC, Year: 2026}
	m, _ := p.Parse([]byte("<189>123: *Mar  1 00:01:23.456: %SYS-5-CONFIG_I: Configured from console by vty0"))
	fmt.Println(m.Timestamp, m.AppName, m.StructuredData)
	fmt.Println(m.Text)
	// Output:
	// 2026-03-01 00:01:23.456 +0000 UTC %SYS-5-CONFIG_I [{meta [{sequenceId 123}]}]
	// Configured from console by vty0
}

// IOS-XR puts its sequence number, the host and the node before the
// timestamp; the process and its PID are the TAG.
func ExampleParser_Parse_iosXR() {
	p := syslog.Parser{Location: time.UTC, Year: 2026}
	m, _ := p.Parse([]byte("<187>94307: gw2.acy1 LC/0/2/CPU0:Jul  7 20:16:14.834 : ifmgr[214]: %PKT_INFRA-LINK-3-UPDOWN : Interface TenGigE0/2/0/4, changed state to Down"))
	fmt.Println(m.Timestamp, m.Hostname, m.AppName, m.ProcID, m.StructuredData)
	fmt.Println(m.Text)
	// Output:
	// 2026-07-07 20:16:14.834 +0000 UTC gw2.acy1 ifmgr 214 [{meta [{sequenceId 94307}]}]
	// %PKT_INFRA-LINK-3-UPDOWN : Interface TenGigE0/2/0/4, changed state to Down
}

// A TAG needs a colon or a [PID] after it: without one, the first word is
// the message's. The HOSTNAME is the word after the timestamp whatever its
// characters.
func ExampleParser_Parse_noTag() {
	p := syslog.Parser{Location: time.UTC, Year: 2026}
	m, _ := p.Parse([]byte("<129>Mar 10 01:00:00 Hostn@me2 tag msgnum:3"))
	fmt.Printf("%q %q %q\n", m.Hostname, m.AppName, m.Text)
	// Output:
	// "Hostn@me2" "" "tag msgnum:3"
}

// Parse never loses a datagram: what does not parse is the message text,
// and the error says why.
func ExampleParser_Parse_notSyslog() {
	var p syslog.Parser
	m, err := p.Parse([]byte("hello, world"))
	fmt.Println(err)
	fmt.Println(m.Priority, m.Text)
	// Output:
	// rfc3164: column 1: expected PRI "<"
	// 13 hello, world
}

// ParseRFC5424 is strict and says what it expected where.
func ExampleParseRFC5424() {
	m, err := syslog.ParseRFC5424([]byte(`<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application"] An application event`))
	fmt.Println(err, m.MsgID, m.StructuredData[0].ID, m.StructuredData[0].Params)

	_, err = syslog.ParseRFC5424([]byte("<165>1 2003-10-11 22:14:15Z host app - - - text"))
	fmt.Println(err)
	// Output:
	// <nil> ID47 exampleSDID@32473 [{iut 3} {eventSource Application}]
	// rfc5424: column 18: expected "T" in TIMESTAMP
}

func ExampleMessage_AppendRFC5424() {
	m := syslog.Message{
		Priority:  syslog.NewPriority(4, 6),
		Timestamp: time.Date(2026, 11, 24, 3, 41, 6, 123456000, time.UTC),
		Hostname:  "web 01", // a space is not allowed: it becomes '_'
		AppName:   "sshd",
		StructuredData: []syslog.SDElement{
			{ID: "origin", Params: []syslog.SDParam{{Name: "ip", Value: "192.0.2.1"}}},
		},
		Text: "Accepted publickey for alice",
	}
	fmt.Println(string(m.AppendRFC5424(nil)))
	// Output:
	// <38>1 2026-11-24T03:41:06.123456Z web_01 sshd - - [origin ip="192.0.2.1"] Accepted publickey for alice
}

func ExampleAppendStructuredData() {
	sd := []syslog.SDElement{{ID: "x@32473", Params: []syslog.SDParam{{Name: "path", Value: `C:\temp\[1]`}}}}
	fmt.Println(string(syslog.AppendStructuredData(nil, sd)))
	fmt.Println(string(syslog.AppendStructuredData(nil, nil)))
	// Output:
	// [x@32473 path="C:\\temp\\[1\]"]
	// -
}

func ExampleConverter() {
	in := strings.NewReader(`<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8
<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It's time to make the do-nuts.
not syslog at all
`)
	c := syslog.Converter{
		Parser: syslog.Parser{Location: time.UTC, Year: 2026},
		Now:    func() time.Time { return time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC) },
	}
	if err := c.Convert(context.Background(), in, os.Stdout); err != nil {
		fmt.Println(err)
	}
	// Output:
	// <34>1 2026-10-11T22:14:15Z mymachine su - - - 'su root' failed for lonvick on /dev/pts/8
	// <165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It's time to make the do-nuts.
	// <13>1 2026-11-24T12:00:00Z - - - - - not syslog at all
}

// In strict mode, lines that are not syslog are reported, not converted.
func ExampleConverter_strict() {
	c := syslog.Converter{
		Strict: true,
		Reject: func(line int, err error) { fmt.Printf("line %d: %v\n", line, err) },
	}
	err := c.Convert(context.Background(), strings.NewReader("<13>1 - - - - - - ok\nnot syslog\n"), os.Stdout)
	fmt.Println(err)
	// Output:
	// <13>1 - - - - - - ok
	// line 2: not syslog: no PRI and no RFC 3164 timestamp
	// 1 of 2 lines rejected
}
