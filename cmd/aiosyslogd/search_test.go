//go:build e2e

package main

import (
	"database/sql"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/syslog"
)

// The messages that TestSearch sends to serve, oldest first, in two
// rounds; the tests name them by their text.
var (
	searchRound1 = []string{
		"<38>1 2026-11-20T10:00:00Z web1 sshd 1234 - - Failed password for root from 203.0.113.9 port 22 ssh2",
		"<35>1 2026-11-20T10:00:01Z web1 sshd 1235 - - Failed password for invalid user admin from 203.0.113.10",
		"<86>1 2026-11-20T10:00:02Z web2 sshd 99 - - Accepted publickey for deploy from 10.0.0.5",
		`<134>1 2026-11-20T10:00:03.5Z web2 nginx - access [req@32473 id="abc" path="/index.html"][req@32473 id="def"] GET /index.html 200`,
		"<131>1 2026-11-20T10:00:04Z web2 nginx - - - upstream timed out (110: Connection timed out)",
	}
	searchRound2 = []string{
		"<11>1 2026-11-20T10:00:05Z db1 postgres 777 - - connection refused",
		"<13>Nov 20 10:00:06 db1 cron[42]: (root) CMD (backup.sh)",
		"<2>1 2026-11-20T10:00:07Z db1 kernel - - - disk failure on /dev/sda",
		"<14>1 2026-11-20T10:00:08Z web1 app - - - line one\nline two \x1b[31mred",
		`<165>1 2026-11-20T10:00:09Z web1 audit - ID47 [meta@1 tag="a" tag="b" x="1\"q\]"] config changed`,
	}
)

const (
	mRoot    = "Failed password for root from 203.0.113.9 port 22 ssh2"
	mAdmin   = "Failed password for invalid user admin from 203.0.113.10"
	mDeploy  = "Accepted publickey for deploy from 10.0.0.5"
	mIndex   = "GET /index.html 200"
	mTimeout = "upstream timed out (110: Connection timed out)"
	mRefused = "connection refused"
	mCron    = "(root) CMD (backup.sh)"
	mDisk    = "disk failure on /dev/sda"
	mLines   = "line one\nline two \x1b[31mred"
	mAudit   = "config changed"
)

// TestSearch fills a database through `serve` (searching it while serve
// writes), stops serve, and checks every filter and the query language with
// the real binary.
func TestSearch(t *testing.T) {
	t.Parallel()
	start := time.Now()
	d := startDaemon(t, func(p string) string { return testConfig(p, `rfc3164_timezone = "UTC"`, "") })
	d.send(searchRound1...)
	searchWaitCount(t, d.dir, d.dbPath, len(searchRound1))
	// Round 1 is stored, so received before now; round 2 goes once the
	// clock has passed now at the store's precision (microseconds).
	at := time.Now().UTC().Truncate(time.Microsecond)
	split := at.Format(time.RFC3339Nano)
	eventually(t, time.Second, func() error {
		if !time.Now().Truncate(time.Microsecond).After(at) {
			return errors.New("the clock stands still")
		}
		return nil
	})
	d.send(searchRound2...)
	searchWaitCount(t, d.dir, d.dbPath, len(searchRound1)+len(searchRound2))
	d.Stop()

	all := []string{mAudit, mLines, mDisk, mCron, mRefused, mTimeout, mIndex, mDeploy, mAdmin, mRoot}
	oldest := slices.Clone(all)
	slices.Reverse(oldest)
	tests := []struct {
		name string
		args []string
		want []string // nil: nothing, exit status 1
	}{
		{"everything, newest first", nil, all},
		{"--reverse", []string{"--reverse"}, oldest},
		{"--limit", []string{"--limit", "3"}, all[:3]},
		{"-n with --reverse", []string{"-n", "3", "--reverse"}, oldest[:3]},
		{"--limit 0 is all", []string{"-n", "0"}, all},
		{"term", []string{"password"}, []string{mAdmin, mRoot}},
		{"words are ANDed", []string{"failed", "root"}, []string{mRoot}},
		{"phrase", []string{`"Failed password"`}, []string{mAdmin, mRoot}},
		{"prefix", []string{"pass*"}, []string{mAdmin, mRoot}},
		{"AND", []string{"Failed AND admin"}, []string{mAdmin}},
		{"NOT", []string{"Failed NOT admin"}, []string{mRoot}},
		{"OR", []string{"timed OR refused"}, []string{mRefused, mTimeout}},
		{"an address, pasted", []string{"203.0.113.9"}, []string{mRoot}},
		{"a path, pasted", []string{"/dev/sda"}, []string{mDisk}},
		{"a word that is the tag", []string{"sshd", "failed"}, []string{mAdmin, mRoot}},
		{"a word that is the host", []string{"db1"}, []string{mDisk, mCron, mRefused}},
		{"tag: and a phrase", []string{`tag:sshd "Failed password"`}, []string{mAdmin, mRoot}},
		{"-host: among the words", []string{"sshd", "-host:web1"}, []string{mDeploy}},
		{"host: OR tag:", []string{"host:db1 OR tag:nginx", "-n", "3"}, []string{mDisk, mCron, mRefused}},
		{"severity: as -p", []string{"severity:err"}, []string{mDisk, mRefused, mTimeout, mAdmin}},
		{"facility:", []string{"facility:authpriv"}, []string{mDeploy}},
		{"pid:", []string{"pid:1234"}, []string{mRoot}},
		{"pid: of an RFC 3164 message", []string{"pid:42"}, []string{mCron}},
		{"msgid:", []string{"msgid:ID47"}, []string{mAudit}},
		{"sd.ID.PARAM:", []string{"sd.req@32473.path:/index.html"}, []string{mIndex}},
		{"sd. of a repeated parameter", []string{"sd.meta@1.tag:b"}, []string{mAudit}},
		{"sd. pattern", []string{"sd.req@32473.id:d*"}, []string{mIndex}},
		{"ip:", []string{"ip:127.0.0.0/8", "-n", "1"}, []string{mAudit}},
		{"message: leaves out the tag", []string{"message:sshd"}, nil},
		{"parentheses", []string{"(refused OR timed) AND connection NOT upstream"}, []string{mRefused}},
		{"punctuation in a phrase", []string{`"/dev/sda"`}, []string{mDisk}},
		{"address in a phrase", []string{`"203.0.113.9"`}, []string{mRoot}},
		{"no match", []string{"nonexistentword"}, nil},
		{"--host", []string{"--host", "web2"}, []string{mTimeout, mIndex, mDeploy}},
		{"--host pattern", []string{"--host", "web*", "-n", "4"}, []string{mAudit, mLines, mTimeout, mIndex}},
		{"--host of no event", []string{"--host", "web"}, nil},
		{"--tag", []string{"--tag", "nginx"}, []string{mTimeout, mIndex}},
		{"--tag of an RFC 3164 message", []string{"-t", "cron"}, []string{mCron}},
		{"--facility name", []string{"--facility", "auth"}, []string{mAdmin, mRoot}},
		{"--facility number", []string{"--facility", "10"}, []string{mDeploy}},
		{"--facility local0", []string{"--facility", "local0"}, []string{mTimeout, mIndex}},
		{"--severity err and worse", []string{"--severity", "err"}, []string{mDisk, mRefused, mTimeout, mAdmin}},
		{"-p number", []string{"-p", "3"}, []string{mDisk, mRefused, mTimeout, mAdmin}},
		{"--severity crit", []string{"--severity", "crit"}, []string{mDisk}},
		{"--severity notice", []string{"--severity", "notice"}, []string{mAudit, mDisk, mCron, mRefused, mTimeout, mAdmin}},
		{"filters and a query", []string{"--host", "web1", "-p", "err", "password"}, []string{mAdmin}},
		{"--since absolute", []string{"--since", split}, all[:5]},
		{"--until absolute", []string{"--until", split}, all[5:]},
		{"--until with a query", []string{"--until", split, "password"}, []string{mAdmin, mRoot}},
		{"--since with a query", []string{"--since", split, "password"}, nil},
		{"--since and --until", []string{"--since", start.UTC().Format(time.RFC3339Nano), "--until", split, "--host", "web2"}, []string{mTimeout, mIndex, mDeploy}},
		{"--since relative", []string{"--since", "1h"}, all},
		{"--until relative", []string{"--until", "1h"}, nil},
		{"--since a date", []string{"-S", "2000-01-01"}, all},
		{"--until a local time", []string{"-U", "2000-01-01 12:00"}, nil},
		{"flags after the query", []string{"failed", "password", "-n", "1", "--host", "web*"}, []string{mAdmin}},
		{"flags between words", []string{"failed", "--severity=err", "password"}, []string{mAdmin}},
		{"-- ends the flags", []string{"-n", "1", "--", "password"}, []string{mAdmin}},
		{"--not-host", []string{"--not-host", "web*", "--not-host", "db?", "-p", "info"}, nil},
		{"--not-host of two patterns", []string{"--not-host", "web?", "--not-host", "*1", "-n", "1"}, nil},
		{"--not-host keeps the others", []string{"--not-host", "web*", "-p", "err"}, []string{mDisk, mRefused}},
		{"--not-tag and --not-severity", []string{"--not-tag", "nginx", "--not-severity", "info", "password"}, []string{mAdmin}},
		{"--not-facility", []string{"connection", "--not-facility", "local0"}, []string{mRefused}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, code := searchMessages(t, d.dir, d.dbPath, tt.args...)
			if !slices.Equal(got, tt.want) {
				t.Errorf("search %q:\n got %q\nwant %q", tt.args, got, tt.want)
			}
			if wantCode := map[bool]int{true: 0, false: 1}[len(tt.want) > 0]; code != wantCode {
				t.Errorf("exit status %d, want %d", code, wantCode)
			}
		})
	}

	t.Run("--count", func(t *testing.T) {
		t.Parallel()
		for _, c := range []struct {
			args   []string
			stdout string
			code   int
		}{
			{[]string{"--count"}, "10\n", 0},
			{[]string{"--count", "--limit", "2"}, "10\n", 0}, // counts all, like grep -c
			{[]string{"-c", "--host", "web2"}, "3\n", 0},
			{[]string{"-c", "fail*"}, "3\n", 0},
			{[]string{"--count", "fail*"}, "3\n", 0},
			{[]string{"--count", "203.0.113.10"}, "1\n", 0},
			{[]string{"--count", "--since", split, "connection"}, "1\n", 0},
			{[]string{"--count", "nonexistentword"}, "0\n", 1},
		} {
			stdout, stderr, code := searchRun(t, d.dir, d.dbPath, c.args...)
			if stdout != c.stdout || stderr != "" || code != c.code {
				t.Errorf("search %q: stdout %q stderr %q exit %d; want %q, nothing, %d", c.args, stdout, stderr, code, c.stdout, c.code)
			}
		}
	})

	t.Run("-o json", func(t *testing.T) {
		t.Parallel()
		stdout, _, code := searchRun(t, d.dir, d.dbPath, "-o", "json", "--reverse")
		events := searchParseJSON(t, stdout)
		if code != 0 || len(events) != 10 {
			t.Fatalf("exit %d, %d events; want 0, 10", code, len(events))
		}
		month := "SystemEvents" + time.Now().UTC().Format("200601")
		root := events[0]
		if root.Table != month || root.Facility != 4 || root.Priority != 6 || root.FromHost != "web1" || root.SysLogTag != "sshd" ||
			root.ProcessID != "1234" || root.MsgID != "" || root.InfoUnitID != 1 || root.Message != mRoot ||
			root.DeviceReportedTime == nil || *root.DeviceReportedTime != "2026-11-20T10:00:00.000000Z" ||
			string(root.StructuredData) != "null" || root.RawMessage != nil {
			t.Errorf("first event: %+v", root)
		}
		received, err := time.Parse(time.RFC3339Nano, root.ReceivedAt)
		if err != nil || received.Before(start.Add(-time.Second)) || received.After(time.Now()) || !strings.HasSuffix(root.ReceivedAt, "Z") {
			t.Errorf("ReceivedAt %q (%v): want RFC 3339 UTC, during the test", root.ReceivedAt, err)
		}
		for i, e := range events[1:] {
			if e.ID <= events[i].ID {
				t.Errorf("IDs not ascending with --reverse: %d then %d", events[i].ID, e.ID)
			}
		}
		sd := map[string]string{
			mIndex: `{"req@32473":{"id":["abc","def"],"path":"/index.html"}}`,
			mAudit: `{"meta@1":{"tag":["a","b"],"x":"1\"q]"}}`,
		}
		for _, e := range events {
			if want, ok := sd[e.Message]; ok && string(e.StructuredData) != want {
				t.Errorf("StructuredData of %q = %s, want %s", e.Message, e.StructuredData, want)
			}
			if e.Message == mAudit && e.MsgID != "ID47" {
				t.Errorf("MsgID of %q = %q, want ID47", e.Message, e.MsgID)
			}
		}
	})

	t.Run("-o rfc5424 reads back and passes through convert", func(t *testing.T) {
		t.Parallel()
		stdout, stderr, code := searchRun(t, d.dir, d.dbPath, "-o", "rfc5424", "--reverse")
		lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
		if code != 0 || stderr != "" || len(lines) != 10 {
			t.Fatalf("exit %d, %d lines, stderr %q", code, len(lines), stderr)
		}
		for i, line := range lines {
			m, err := syslog.ParseRFC5424([]byte(line))
			if err != nil {
				t.Errorf("line %d %q does not parse: %v", i+1, line, err)
			}
			if i == 0 && (m.Priority != 38 || m.Hostname != "web1" || m.AppName != "sshd" || m.ProcID != "1234" ||
				!m.Timestamp.Equal(time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)) || m.Text != mRoot) {
				t.Errorf("line 1 reads back as %+v", m)
			}
		}
		if want := `<134>1 2026-11-20T10:00:03.5Z web2 nginx - access [req@32473 id="abc" path="/index.html"][req@32473 id="def"] GET /index.html 200`; lines[3] != want {
			t.Errorf("line 4:\n got %s\nwant %s", lines[3], want)
		}
		if !strings.HasSuffix(lines[8], "line one#012line two #033[31mred") {
			t.Errorf("line 9 %q: want the line break and the escape written #012 and #033", lines[8])
		}
		if strings.Contains(stdout, "\x1b") {
			t.Errorf("rfc5424 output holds an escape character:\n%q", stdout)
		}
		convert := exec.Command(binPath, "convert", "--strict")
		convert.Stdin = strings.NewReader(stdout)
		out, err := convert.Output()
		if err != nil || string(out) != stdout {
			t.Errorf("convert --strict of search -o rfc5424: %v\n got:\n%s\nwant:\n%s", err, out, stdout)
		}
	})

	t.Run("-o text", func(t *testing.T) {
		t.Parallel()
		stdout, stderr, code := searchRun(t, d.dir, d.dbPath, "--reverse")
		lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
		if code != 0 || stderr != "" || len(lines) != 10 {
			t.Fatalf("exit %d, %d lines, stderr %q:\n%s", code, len(lines), stderr, stdout)
		}
		date := `\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z `
		for i, want := range []string{
			`web1 sshd\[1234\] info: ` + regexp.QuoteMeta(mRoot),
			`web1 sshd\[1235\] err: ` + regexp.QuoteMeta(mAdmin),
			`web2 sshd\[99\] info: `,
			`web2 nginx info: ` + regexp.QuoteMeta(mIndex),
			`web2 nginx err: `,
			`db1 postgres\[777\] err: connection refused`,
			`db1 cron\[42\] notice: ` + regexp.QuoteMeta(mCron),
			`db1 kernel crit: `,
			`web1 app info: line one\\nline two \\x1b\[31mred`,
			`web1 audit notice: config changed`,
		} {
			if !regexp.MustCompile(`^` + date + want).MatchString(lines[i]) {
				t.Errorf("line %d %q does not match %s", i+1, lines[i], want)
			}
		}
		if strings.Contains(stdout, "\x1b") {
			t.Errorf("text to a pipe holds an escape character:\n%q", stdout)
		}
		colored, _, _ := searchRun(t, d.dir, d.dbPath, "--color", "always", "-p", "err", "-n", "1", "connection")
		if !regexp.MustCompile(`^` + date + "db1 postgres\\[777\\] \x1b\\[31merr: connection refused\x1b\\[0m\n$").MatchString(colored) {
			t.Errorf("--color always: %q", colored)
		}
	})

	t.Run("bad query", func(t *testing.T) {
		t.Parallel()
		for _, c := range []struct{ query, stderr string }{
			{"foo AND", `aiosyslogd search: bad query: expected a term after AND at column 5; write "AND" in quotes to search for the word` + "\n"},
			{"hots:web1", `aiosyslogd search: bad query: unknown field "hots" at column 1; fields are host, tag (app, program), pid, msgid, ip, facility, severity (level), message (msg), sd.ID.PARAM, or write "hots:web1" in quotes to search the text` + "\n"},
			{"(refused OR timed", `aiosyslogd search: bad query: missing ) for ( at column 1` + "\n"},
			{"NEAR(Failed root, 3)", `aiosyslogd search: bad query: NEAR is not supported at column 1; write the words (each must occur) or a "phrase"` + "\n"},
			{"severity:loud", `aiosyslogd search: bad query: unknown severity "loud" (want emerg, alert, crit, err, warning, notice, info, debug or 0-7) at column 10` + "\n"},
			{`"unterminated`, `aiosyslogd search: bad query: unterminated quote at column 1; end the phrase with "` + "\n"},
		} {
			for _, extra := range [][]string{nil, {"--count"}, {"-o", "json", "--host", "web1"}} {
				stdout, stderr, code := searchRun(t, d.dir, d.dbPath, append(extra, c.query)...)
				if stdout != "" || stderr != c.stderr || code != 2 {
					t.Errorf("search %q %q: stdout %q, stderr %q, exit %d; want nothing, %q, 2", extra, c.query, stdout, stderr, code, c.stderr)
				}
			}
		}
	})

	t.Run("database from the configuration", func(t *testing.T) {
		t.Parallel()
		cfg := filepath.Join(t.TempDir(), "search.toml")
		if err := os.WriteFile(cfg, []byte(fmt.Sprintf("[sqlite]\ndatabase = %q\n", d.dbPath)), 0o644); err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		for _, run := range []struct {
			env  []string
			args []string
		}{
			{nil, []string{"--config", cfg, "search", "--count"}},
			{[]string{"AIOSYSLOGD_CONFIG=" + cfg}, []string{"search", "--count"}},
			{[]string{"AIOSYSLOGD_DATABASE=" + d.dbPath}, []string{"search", "--count"}},
		} {
			stdout, stderr, code := runBinary(t, dir, run.env, run.args...)
			if stdout != "10\n" || stderr != "" || code != 0 {
				t.Errorf("%v %q: stdout %q stderr %q exit %d", run.env, run.args, stdout, stderr, code)
			}
		}
		// No configuration and no --db: ./syslog.db, which is missing; and
		// search writes no aiosyslogd.toml.
		_, stderr, code := runBinary(t, dir, nil, "search", "failed")
		if code != 2 || stderr != "aiosyslogd search: database syslog.db does not exist (is this where serve writes? see sqlite.database in the config, or --db)\n" {
			t.Errorf("without a database: exit %d, stderr %q", code, stderr)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 0 {
			t.Errorf("search created %v", entries)
		}
	})
}

// TestSearchUsageErrors: every mistake is one line on stderr and exit
// status 2, before any database is opened.
func TestSearchUsageErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "syslog.db")
	searchWriteFixture(t, dbPath, searchFixture)
	for _, c := range []struct {
		args   []string
		stderr string
	}{
		{[]string{"--severity", "loud"}, `aiosyslogd search: --severity: unknown severity "loud"`},
		{[]string{"--facility", "nope"}, `aiosyslogd search: --facility: unknown facility "nope"`},
		{[]string{"--since", "last tuesday"}, `aiosyslogd search: --since: "last tuesday" is not a time`},
		{[]string{"--since", "1h", "--until", "2h"}, `aiosyslogd search: --since 20`},
		{[]string{"-o", "xml"}, "aiosyslogd search: -o xml: want one of text, json, rfc5424"},
		{[]string{"--color", "rainbow"}, "aiosyslogd search: --color rainbow: want auto, always or never"},
		{[]string{"--limit", "-1"}, "aiosyslogd search: --limit -1: want 0 (all) or more"},
		{[]string{"--follow", "--count"}, "aiosyslogd search: --follow and --count do not go together"},
		{[]string{"-f", "--until", "1h"}, "aiosyslogd search: --follow prints messages as they arrive: --until does not go with it"},
		{[]string{"failed", "--bogus"}, "aiosyslogd search: unknown flag --bogus (put -- before arguments that start with -)"},
		{[]string{"failed", "--host"}, "aiosyslogd search: --host needs a value"},
		{[]string{"failed", "-o", "xml"}, "aiosyslogd search: -o xml: want one of"},
		{[]string{"--not-severity", "loud"}, `aiosyslogd search: --not-severity: unknown severity "loud"`},
		{[]string{"--bogus"}, "aiosyslogd search: flag provided but not defined: -bogus"},
	} {
		stdout, stderr, code := searchRun(t, dir, dbPath, c.args...)
		if code != 2 || stdout != "" || !strings.HasPrefix(stderr, c.stderr) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("search %q: exit %d, stdout %q, stderr %q; want 2 and one line starting %q", c.args, code, stdout, stderr, c.stderr)
		}
	}
	for _, c := range []struct {
		path, stderr string
	}{
		{filepath.Join(dir, "missing.db"), "does not exist"},
		{filepath.Join(dir), "is a directory"},
	} {
		_, stderr, code := searchRun(t, dir, c.path)
		if code != 2 || !strings.Contains(stderr, c.stderr) {
			t.Errorf("search --db %s: exit %d, stderr %q; want 2, %q", c.path, code, stderr, c.stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "missing.db")); err == nil {
		t.Error("search created the missing database")
	}
}

// A database without month tables (serve has stored nothing in it yet):
// search finds nothing, exits 1 as any search that matches nothing, and
// says why on stderr.
func TestSearchWithoutMessagesSaysSo(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "empty.db")
	conn, err := sql.Open("sqlite", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec("CREATE TABLE notes (x)"); err != nil {
		t.Fatal(err)
	}
	conn.Close()
	for _, c := range []struct {
		args   []string
		stdout string
	}{
		{nil, ""},
		{[]string{"sshd"}, ""},
		{[]string{"--count"}, "0\n"},
		{[]string{"-o", "json"}, ""},
	} {
		stdout, stderr, code := searchRun(t, dir, dbPath, c.args...)
		want := "aiosyslogd search: no messages stored yet in " + dbPath
		if code != 1 || stdout != c.stdout || !strings.HasPrefix(stderr, want) {
			t.Errorf("search %q: exit %d, stdout %q, stderr %q; want 1, %q and %q", c.args, code, stdout, stderr, c.stdout, want)
		}
	}
}

// searchFixture is stored with chosen ReceivedAt values: three months, a
// month boundary to the microsecond, and the corners of the formats.
var searchFixture = []search.Row{
	searchRecord("2026-09-15 12:00:00", 4, 6, "web1", "sshd", "1", "", "", "Accepted publickey for deploy"),
	searchRecord("2026-10-31 23:59:58", 3, 3, "db1", "postgres", "777", "", "", "connection refused"),
	searchRecord("2026-10-31 23:59:59.999999", 16, 4, "web2", "nginx", "", "access",
		`[req@32473 id="abc" path="/a b\"c\]"][req@32473 id="def"][origin ip="192.0.2.1"]`, "GET /index.html 200"),
	searchRecord("2026-11-01 00:00:00", 0, 2, "db1", "kernel", "", "", "", "disk failure\non /dev/sda \x1b[31m"),
	searchRecord("2026-11-01 00:00:01", 1, 5, "", "", "", "", "", "no header at all: ünïcödé"),
}

func searchRecord(at string, f syslog.Facility, s syslog.Severity, host, app, pid, msgid, sd, text string) search.Row {
	received, err := time.Parse("2006-01-02 15:04:05.999999", at)
	if err != nil {
		panic(err)
	}
	r := search.Row{
		ReceivedAt: received,
		Source:     netip.MustParseAddrPort("192.0.2.7:514"),
		Message: syslog.Message{
			Priority: syslog.NewPriority(f, s), Hostname: host, AppName: app, ProcID: pid, MsgID: msgid, Text: text,
		},
	}
	if host == "db1" { // a sender over IPv6
		r.Source = netip.MustParseAddrPort("[2001:db8::1]:514")
	}
	if host != "" {
		r.Message.Timestamp = received.Add(-1500 * time.Millisecond).In(time.FixedZone("", 3600))
	} else {
		r.Raw = []byte("no header at all: ünïcödé")
	}
	if sd != "" {
		m, err := syslog.ParseRFC5424([]byte("<0>1 - - - - - " + sd))
		if err != nil {
			panic(err)
		}
		r.Message.StructuredData = m.StructuredData
	}
	return r
}

// TestSearchFormatsGolden compares each output format of the fixture with
// testdata/search/fixture.* (go test -update rewrites them).
func TestSearchFormatsGolden(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "syslog.db")
	searchWriteFixture(t, dbPath, searchFixture)
	for _, c := range []struct {
		golden string
		args   []string
	}{
		{"fixture.text", []string{"--reverse", "--utc"}},
		{"fixture.text-local", []string{"--reverse"}},
		{"fixture.json", []string{"--reverse", "-o", "json"}},
		{"fixture.rfc5424", []string{"--reverse", "-o", "rfc5424"}},
	} {
		t.Run(c.golden, func(t *testing.T) {
			env := []string{"TZ=UTC"}
			if c.golden == "fixture.text-local" {
				env = []string{"TZ=Asia/Kolkata"} // +05:30: local time is the default
			}
			stdout, stderr, code := runBinary(t, dir, env, append([]string{"search", "--db", dbPath}, c.args...)...)
			if code != 0 || stderr != "" {
				t.Fatalf("exit %d, stderr %q", code, stderr)
			}
			goldenFile(t, "testdata/search/"+c.golden, stdout)
		})
	}
}

// TestSearchLimitAcrossMonths reads the newest (or oldest) events across a
// month boundary.
func TestSearchLimitAcrossMonths(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "syslog.db")
	searchWriteFixture(t, dbPath, searchFixture)
	const (
		sep  = "Accepted publickey for deploy"
		oct1 = "connection refused"
		oct2 = "GET /index.html 200"
		nov1 = "disk failure\non /dev/sda \x1b[31m"
		nov2 = "no header at all: ünïcödé"
	)
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"-n", "2"}, []string{nov2, nov1}},
		{[]string{"-n", "3"}, []string{nov2, nov1, oct2}},
		{[]string{"-n", "4", "--reverse"}, []string{sep, oct1, oct2, nov1}},
		{[]string{"-n", "2", "--until", "2026-11-01"}, []string{oct2, oct1}},
		{[]string{"--since", "2026-10-31 23:59:59", "--until", "2026-11-01 00:00:00.5"}, []string{nov1, oct2}},
		{[]string{"--since", "2026-10-31T23:59:59.999999Z", "--until", "2026-11-01T01:00:00.000001+01:00", "--reverse"}, []string{oct2, nov1}},
		{[]string{"-n", "2", "--severity", "err"}, []string{nov1, oct1}},
		{[]string{"-n", "2", "--reverse", "-p", "warning", "--host", "*"}, []string{oct1, oct2}},
	} {
		got, code := searchMessages(t, dir, dbPath, c.args...)
		if !slices.Equal(got, c.want) || code != 0 {
			t.Errorf("search %q: exit %d\n got %q\nwant %q", c.args, code, got, c.want)
		}
	}
	got, _ := searchMessages(t, dir, dbPath, "-n", "2", `"/dev/sda" OR publickey`)
	if want := []string{nov1, sep}; !slices.Equal(got, want) {
		t.Errorf("full text across months with a limit: got %q, want %q", got, want)
	}
}

// TestSearchFollow starts `search --follow` on a database that serve is
// filling, and sees a message sent afterwards printed.
func TestSearchFollow(t *testing.T) {
	t.Parallel()
	d := startDaemon(t, func(p string) string { return testConfig(p, "", "batch_timeout = 0.05") })
	d.send(
		"<14>1 - web1 app - - - before one",
		"<14>1 - web2 app - - - before two",
		"<14>1 - web1 app - - - before three",
	)
	searchWaitCount(t, d.dir, d.dbPath, 3)
	f := searchStartFollow(t, d.dir, d.dbPath, "-o", "json", "--host", "web1")
	f.expect(t, "before one", "before three") // the backlog, oldest first
	d.send("<14>1 - web2 app - - - after, other host", "<14>1 - web1 app - - - after one")
	f.expect(t, "after one")
	d.send("<14>1 - web1 app - - - after two")
	f.expect(t, "after two")

	g := searchStartFollow(t, d.dir, d.dbPath, "-o", "json", "-n", "1", "after")
	g.expect(t, "after two")
	d.send("<14>1 - web2 app - - - unrelated", "<14>1 - web2 app - - - after three")
	g.expect(t, "after three")

	for _, p := range []*searchFollower{f, g} {
		if err := p.cmd.Process.Signal(syscall.SIGINT); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- p.cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("search --follow after Ctrl-C: %v (stderr %q), want exit 0", err, p.stderr.String())
			}
		case <-time.After(10 * time.Second):
			t.Fatal("search --follow did not exit within 10s of SIGINT")
		}
		for line := range p.lines { // f filters on web1: not "after three"
			t.Errorf("search --follow printed %q more", line)
		}
	}
	d.Stop()
}

// TestSearchWhileServeWrites runs searches while serve stores a flood of
// messages: none fails, none says "database is locked", and counts only
// grow.
func TestSearchWhileServeWrites(t *testing.T) {
	d := startDaemon(t, func(p string) string { return testConfig(p, "", "batch_size = 500\nbatch_timeout = 0.05") })
	sent, stop := d.flood("load", 40000, 100) // bounded: the race build drains it at shutdown
	defer stop()
	last := -1
	eventually(t, 30*time.Second, func() error {
		stdout, stderr, code := searchRun(t, d.dir, d.dbPath, "--count")
		if code == 2 && !strings.Contains(stderr, "does not exist") {
			t.Fatalf("search --count while serve writes: exit %d, stderr %q", code, stderr)
		}
		if fmt.Sscan(stdout, &last); last < 50 {
			return fmt.Errorf("%d events stored, want 50", last)
		}
		return nil
	})
	for i := range 20 {
		args := []string{"--count"}
		if i%2 == 1 {
			args = []string{"-n", "50", "-o", "json", "load"}
		}
		stdout, stderr, code := searchRun(t, d.dir, d.dbPath, args...)
		if code != 0 || stderr != "" {
			t.Fatalf("search %q while serve writes: exit %d, stderr %q", args, code, stderr)
		}
		if i%2 == 1 {
			if n := len(searchParseJSON(t, stdout)); n != 50 {
				t.Errorf("search -n 50 printed %d events", n)
			}
			continue
		}
		var n int
		if _, err := fmt.Sscan(stdout, &n); err != nil || n < last {
			t.Errorf("count %q after %d", stdout, last)
		}
		last = n
	}
	stop()
	d.Stop()
	stdout, _, _ := searchRun(t, d.dir, d.dbPath, "--count")
	var n int
	fmt.Sscan(stdout, &n)
	if n < last || int64(n) > sent.Load() {
		t.Errorf("final count %d: want between %d and %d sent", n, last, sent.Load())
	}
}

// search --time event bounds, orders and prints by the device's own
// timestamp: a log received in November that happened in September is
// found in September, and -o text shows when it happened.
func TestSearchByEventTime(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "syslog.db")
	at := func(s string) time.Time {
		v, err := time.Parse(time.DateTime, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	row := func(received, device, text string) search.Row {
		r := search.Row{ReceivedAt: at(received), Message: syslog.Message{Priority: syslog.NewPriority(1, 6), Hostname: "h1", AppName: "app", Text: text}}
		if device != "" {
			r.Message.Timestamp = at(device)
		}
		return r
	}
	searchWriteFixture(t, dbPath, []search.Row{
		row("2026-09-10 08:00:00", "2026-09-10 07:59:59", "on time in september"),
		row("2026-10-02 00:00:00", "", "no timestamp in october"),
		row("2026-11-02 10:00:00", "2026-09-15 08:00:00", "backfilled in november"),
	})
	sept := []string{"--since", "2026-09-01", "--until", "2026-10-01"}
	if got, code := searchMessages(t, dir, dbPath, sept...); !slices.Equal(got, []string{"on time in september"}) || code != 0 {
		t.Errorf("by received time: %q, exit %d", got, code)
	}
	if got, _ := searchMessages(t, dir, dbPath, append(sept, "--time", "event")...); !slices.Equal(got, []string{"backfilled in november", "on time in september"}) {
		t.Errorf("by event time: %q", got)
	}
	if got, _ := searchMessages(t, dir, dbPath, "--time", "event", "--reverse"); !slices.Equal(got, []string{"on time in september", "backfilled in november", "no timestamp in october"}) {
		t.Errorf("by event time, oldest first: %q", got)
	}
	out, _, code := searchRun(t, dir, dbPath, append(sept, "--time", "event", "-n", "1", "--utc", "--color", "never")...)
	if code != 0 || !strings.HasPrefix(out, "2026-09-15T08:00:00.000Z h1 app") {
		t.Errorf("-o text by event time: exit %d, %q", code, out)
	}
	if n, _, _ := searchRun(t, dir, dbPath, append(sept, "--time", "event", "--count")...); strings.TrimSpace(n) != "2" {
		t.Errorf("--count by event time: %q", n)
	}
	if _, stderr, code := searchRun(t, dir, dbPath, "--time", "device"); code != 2 || !strings.Contains(stderr, "--time") {
		t.Errorf("--time device: exit %d, %q", code, stderr)
	}
}
