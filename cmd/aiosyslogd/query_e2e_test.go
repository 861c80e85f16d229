//go:build e2e

package main

import (
	"encoding/json"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The events of TestQueryLanguage, by name: a text that occurs in one
// stored Message only. Some lines are near misses of another's query
// (203.0.113.6 beside 203.0.113.66, GigabitEthernet1/0/10 beside
// GigabitEthernet1/0/1, b@example.com beside a.b@example.com).
const (
	qSshdBob   = "invalid user bob from 203.0.113.66"      // web-03 sshd[1234], auth.info
	qSshdErr   = "maximum authentication attempts"         // web-03 sshd[1240], auth.err, from 203.0.113.6
	qSshdWeb04 = "Accepted publickey for deploy"           // web-04 sshd, auth.info
	qSu        = "FAILED SU (to root) alice"               // db-01 su[230], auth.crit
	qCron      = "CMD (/usr/local/bin/backup.sh)"          // db-01 cron[4242], cron.info
	qHaproxy   = "backend web-03 is DOWN"                  // lb-01 haproxy, local0.info: web-03 as text
	qCisco     = "Interface GigabitEthernet1/0/1, changed" // a Cisco IOS line, local7.err
	qCisco10   = "GigabitEthernet1/0/10"                   // a Cisco IOS line, local7.notice
	qWin       = `C:\temp\x.exe`                           // win-01, user.notice
	qUserBob   = "user=bob"                                // web-04 app, authpriv.info
	qPostfix   = "to=<b@example.com>"                      // mx-1 postfix, mail.info
	qSD5424Go  = "Another event log entry"                 // db-02, RFC 5424, origin ip 10.1.2.4, eventSource System, MSGID ID48
	qLogSshd   = "Failed password for root from 192.0.2.1" // logger, TCP, RFC 3164, tag sshd, PID 5555, authpriv.notice
	qLogSD     = "An application event log entry"          // logger, UDP, RFC 5424, tag evntslog, SD origin 10.1.2.3 and exampleSDID@32473, MSGID ID47
	qLog3164   = "nightly rotation done"                   // logger, UDP, RFC 3164, tag logrotate, daemon.info
)

// queryCrafted are the lines that logger cannot write (their hostnames):
// sent over UDP from Go, one datagram each.
var queryCrafted = []string{
	"<38>Nov 20 10:00:00 web-03 sshd[1234]: Failed password for invalid user bob from 203.0.113.66 port 22 ssh2",
	"<35>Nov 20 10:00:01 web-03 sshd[1240]: error: maximum authentication attempts exceeded for root from 203.0.113.6 port 2222 ssh2",
	"<38>Nov 20 10:00:02 web-04 sshd[2001]: Accepted publickey for deploy from 10.0.0.5 port 50000 ssh2",
	"<34>Nov 20 10:00:03 db-01 su[230]: FAILED SU (to root) alice on pts/0",
	"<78>Nov 20 10:00:04 db-01 cron[4242]: (root) CMD (/usr/local/bin/backup.sh)",
	"<134>Nov 20 10:00:05 lb-01 haproxy[900]: Server www/web-03 is DOWN, reason: Layer4 timeout; backend web-03 is DOWN",
	"<187>123: *Nov 20 10:00:00.123: %LINK-3-UPDOWN: Interface GigabitEthernet1/0/1, changed state to down",
	"<189>124: *Nov 20 10:00:01.456: %LINEPROTO-5-UPDOWN: Line protocol on Interface GigabitEthernet1/0/10, changed state to down",
	`<13>Nov 20 10:00:06 win-01 MsiInstaller[0]: Product: Agent -- Installation completed from C:\temp\x.exe with status 0`,
	"<86>Nov 20 10:00:07 web-04 app[77]: session opened user=bob mail=a.b@example.com",
	"<22>Nov 20 10:00:08 mx-1 postfix[3000]: 0A1B2C: to=<b@example.com>, relay=local, status=sent",
	`<165>1 2026-11-20T10:00:09Z db-02 evntslog - ID48 [origin ip="10.1.2.4"][exampleSDID@32473 iut="3" eventSource="System" eventID="1012"] Another event log entry`,
}

// TestQueryLanguage sends the kinds of lines with real senders
// (logger over UDP and TCP, RFC 3164 and 5424 with structured data; Cisco,
// Linux and Windows-ish lines over a UDP socket) to serve, then asks each of
// the queries through `search -o json` and `/api/search` of web:
// both must give the same events, and the ones written here by hand.
func TestQueryLanguage(t *testing.T) {
	d := startDaemon(t, func(p string) string { return testConfig(p, `rfc3164_timezone = "UTC"`, "") })
	pythonUsers(t, d.dir)
	udp := strconv.Itoa(d.addr.Port)
	_, tcp, _ := strings.Cut(d.addrOf("tcp"), "127.0.0.1:")
	logger := func(args ...string) {
		t.Helper()
		if out, err := exec.Command("logger", append([]string{"--server", "127.0.0.1"}, args...)...).CombinedOutput(); err != nil {
			t.Fatalf("logger %q: %v\n%s", args, err, out)
		}
	}
	d.send(queryCrafted...)
	logger("-T", "--port", tcp, "--rfc3164", "-t", "sshd", "--id=5555", "-p", "authpriv.notice",
		"Failed password for root from 192.0.2.1 port 4242 ssh2")
	logger("--udp", "--port", udp, "--rfc5424", "-t", "evntslog", "--id=4321", "--msgid", "ID47", "-p", "local4.notice",
		"--sd-id", "origin", "--sd-param", `ip="10.1.2.3"`,
		"--sd-id", "exampleSDID@32473", "--sd-param", `iut="3"`, "--sd-param", `eventSource="Application"`, "--sd-param", `eventID="1011"`,
		"An application event log entry")
	logger("--udp", "--port", udp, "--rfc3164", "-t", "logrotate", "-p", "daemon.info", "nightly rotation done")
	const stored = 15
	searchWaitCount(t, d.dir, d.dbPath, stored)
	w := startWeb(t, d.dir, webConfig(d.dbPath, ""))
	c := webClient()
	if res := w.webLogin(c, "bob", "bob-password"); res.StatusCode != 303 {
		t.Fatalf("login: %s", res.Status)
	}

	all := []string{qSshdBob, qSshdErr, qSshdWeb04, qSu, qCron, qHaproxy, qCisco, qCisco10, qWin, qUserBob, qPostfix,
		qSD5424Go, qLogSshd, qLogSD, qLog3164}
	but := func(leave ...string) []string {
		return slices.DeleteFunc(slices.Clone(all), func(s string) bool { return slices.Contains(leave, s) })
	}
	tests := []struct {
		query string
		want  []string // in any order; none: exit status 1
	}{
		{"203.0.113.66", []string{qSshdBob}},
		// Words are whole words and punctuation is not searched: "invalid
		// user bob" has the words user, bob one after the other.
		{"user=bob", []string{qUserBob, qSshdBob}},
		{"GigabitEthernet1/0/1", []string{qCisco}},
		{"%LINK-3-UPDOWN", []string{qCisco}},
		{"web-03", []string{qSshdBob, qSshdErr, qHaproxy}},
		{"a.b@example.com", []string{qUserBob}},
		{`C:\temp`, []string{qWin}},
		{"sshd failed", []string{qSshdBob, qLogSshd}},
		{"host:web-03 severity:err", []string{qSshdErr}},
		{"sd.origin.ip:10.1.2.3", []string{qLogSD}},
		{"sd.exampleSDID@32473.eventSource:Application", []string{qLogSD}},
		{"sd.exampleSDID@32473.eventID:101*", []string{qLogSD, qSD5424Go}},
		{"ip:127.0.0.0/8", all},
		{"ip:10.0.0.0/8", nil},
		{`tag:sshd "Failed password"`, []string{qSshdBob, qLogSshd}},
		{"-host:web-03", but(qSshdBob, qSshdErr)},
		{"NOT tag:cron", but(qCron)},
		{"facility:auth", []string{qSshdBob, qSshdErr, qSshdWeb04, qSu}},
		{"facility:authpriv", []string{qUserBob, qLogSshd}},
		{"pid:1234", []string{qSshdBob}},
		{"pid:5555", []string{qLogSshd}},
		{"msgid:ID47", []string{qLogSD}},
		{"msgid:ID48", []string{qSD5424Go}},
		{"tag:sshd OR user=bob", []string{qSshdBob, qSshdErr, qSshdWeb04, qLogSshd, qUserBob}},
		{"host:db-01 OR sd.origin.ip:10.1.2.*", []string{qSu, qCron, qLogSD, qSD5424Go}},
		{"fail*", []string{qSshdBob, qSu, qLogSshd}},
		{"203.0.113.6", []string{qSshdErr}},
		{"GigabitEthernet1/0/10", []string{qCisco10}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			stdout, stderr, code := searchRun(t, d.dir, d.dbPath, "-o", "json", "--", tt.query)
			if wantCode := map[bool]int{true: 0, false: 1}[len(tt.want) > 0]; code != wantCode || stderr != "" {
				t.Errorf("search exit %d, stderr %q; want %d", code, stderr, wantCode)
			}
			cli := searchParseJSON(t, stdout)
			status, body := w.webGet(c, "/api/search?limit=1000&q="+url.QueryEscape(tt.query))
			var page struct{ Events []searchJSONEvent }
			if err := json.Unmarshal([]byte(body), &page); status != 200 || err != nil {
				t.Fatalf("API %d %v: %s", status, err, body)
			}
			if a, b := queryIDs(cli), queryIDs(page.Events); !slices.Equal(a, b) {
				t.Errorf("search found IDs %v, /api/search %v", a, b)
			}
			got := queryNames(t, all, cli)
			want := slices.Sorted(slices.Values(tt.want))
			if !slices.Equal(got, want) {
				t.Errorf("found\n %q\nwant\n %q", got, want)
			}
		})
	}

	t.Run("count", func(t *testing.T) {
		// search run where the default configuration is, as a user does:
		// -c is --count there too, not a configuration file.
		cfg, err := os.ReadFile(filepath.Join(d.dir, "test.toml"))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d.dir, "aiosyslogd.toml"), cfg, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, args := range [][]string{
			{"search", "-c", "fail*"},
			{"search", "--count", "fail*"},
			{"--config", "test.toml", "search", "-c", "fail*"},
			{"search", "fail*", "-c"},
		} {
			stdout, stderr, code := runBinary(t, d.dir, []string{"TZ=UTC"}, args...)
			if stdout != "3\n" || stderr != "" || code != 0 {
				t.Errorf("%q: stdout %q, stderr %q, exit %d; want 3, nothing, 0", args, stdout, stderr, code)
			}
		}
		if stdout, _, code := searchRun(t, d.dir, d.dbPath, "--count", "203.0.113.66"); stdout != "1\n" || code != 0 {
			t.Errorf("--count 203.0.113.66: %q, exit %d", stdout, code)
		}
	})

	t.Run("bad queries", func(t *testing.T) {
		for _, b := range []struct {
			query, says string
			column      int
		}{
			{"hots:x", `unknown field "hots"`, 1},
			{"sshd hots:x", `unknown field "hots"`, 6},
			{`failed "abc`, "unterminated quote", 8},
			{"sd.x:1", `field "sd.x" needs an ID and a PARAM`, 1},
			{"ip:10.0.0.0/33", `bad network "10.0.0.0/33"`, 4}, // the value's column
		} {
			_, stderr, code := searchRun(t, d.dir, d.dbPath, "--", b.query)
			if code != 2 || !strings.Contains(stderr, b.says) || !strings.Contains(stderr, "column "+strconv.Itoa(b.column)) {
				t.Errorf("search %q: exit %d, stderr %q; want 2, %q at column %d", b.query, code, stderr, b.says, b.column)
			}
			status, body := w.webGet(c, "/api/search?q="+url.QueryEscape(b.query))
			var e struct {
				Error  string
				Column int
			}
			if err := json.Unmarshal([]byte(body), &e); status != 400 || err != nil || !strings.Contains(e.Error, b.says) || e.Column != b.column {
				t.Errorf("API %q: %d %s; want 400 with %q and column %d", b.query, status, body, b.says, b.column)
			}
		}
	})
	w.Stop()
	d.Stop()
}

// queryIDs is the IDs of events, in their order.
func queryIDs(events []searchJSONEvent) []int64 {
	ids := make([]int64, len(events))
	for i, e := range events {
		ids[i] = e.ID
	}
	return ids
}

// queryNames names each event by the one of names its Message holds,
// sorted; an event that none or several name fails the test.
func queryNames(t *testing.T, names []string, events []searchJSONEvent) []string {
	t.Helper()
	var got []string
	for _, e := range events {
		var found []string
		for _, n := range names {
			if strings.Contains(e.Message, n) {
				found = append(found, n)
			}
		}
		if len(found) != 1 {
			t.Fatalf("event %d %q is named by %q", e.ID, e.Message, found)
		}
		got = append(got, found[0])
	}
	slices.Sort(got)
	return got
}
