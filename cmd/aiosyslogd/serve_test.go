//go:build e2e

package main

import (
	"database/sql"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/aiosyslogd/aiosyslogd/db"
	"github.com/aiosyslogd/aiosyslogd/db/sqlite"
)

// storedRow is what the end-to-end tests check of a stored message.
type storedRow struct {
	table                       string
	facility, severity          int
	host, tag, pid, msgid, text string
	sd                          sql.NullString
	receivedAt                  string
}

// findRows returns the rows, across all month tables, whose Message
// contains needle, and checks that each is in the table of its ReceivedAt.
func findRows(t *testing.T, conn *sql.DB, needle string) []storedRow {
	t.Helper()
	months, err := sqlite.Months(t.Context(), conn)
	if err != nil {
		t.Fatal(err)
	}
	var rows []storedRow
	for _, month := range months {
		table := month.Table()
		rs, err := conn.Query(`SELECT Facility, Priority, FromHost, SysLogTag, ProcessID, MsgID, Message, StructuredData, ReceivedAt
			FROM `+table+` WHERE instr(Message, ?) > 0 ORDER BY ID`, needle)
		if err != nil {
			t.Fatal(err)
		}
		for rs.Next() {
			r := storedRow{table: table}
			if err := rs.Scan(&r.facility, &r.severity, &r.host, &r.tag, &r.pid, &r.msgid, &r.text, &r.sd, &r.receivedAt); err != nil {
				t.Fatal(err)
			}
			at, err := time.Parse(sqlite.TimeLayout, r.receivedAt)
			if err != nil {
				t.Fatalf("ReceivedAt %q: %v", r.receivedAt, err)
			}
			if db.MonthOf(at) != month {
				t.Errorf("row received at %s is in %s", r.receivedAt, table)
			}
			rows = append(rows, r)
		}
		rs.Close()
	}
	return rows
}

func ftsCount(t *testing.T, conn *sql.DB, query string) int64 {
	t.Helper()
	var total int64
	eachMonth(t, conn, func(m db.Month) {
		n, err := sqlite.CountMatches(t.Context(), conn, m, query)
		if err != nil {
			t.Fatalf("MATCH %q in %s: %v", query, m.Table(), err)
		}
		total += n
	})
	return total
}

// eachMonth calls f with each month that has a table.
func eachMonth(t *testing.T, conn *sql.DB, f func(m db.Month)) {
	t.Helper()
	months, err := sqlite.Months(t.Context(), conn)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range months {
		f(m)
	}
}

func TestServeStoresMessagesFromLoggerAndGo(t *testing.T) {
	t.Parallel()
	d := startDaemon(t, func(p string) string { return testConfig(p, "", "") })
	port := strconv.Itoa(d.addr.Port)
	host, err := os.Hostname()
	if err != nil {
		t.Fatal(err)
	}
	shortHost, _, _ := strings.Cut(host, ".")

	logger := func(args ...string) {
		t.Helper()
		args = append([]string{"--udp", "--server", "127.0.0.1", "--port", port}, args...)
		if out, err := exec.Command("logger", args...).CombinedOutput(); err != nil {
			t.Fatalf("logger %v: %v\n%s", args, err, out)
		}
	}
	logger("--rfc3164", "-t", "e2eapp", "--id=4242", "-p", "local3.warning", "bsd zebra-3164 from logger")
	logger("--rfc5424", "-t", "e2eapp5", "--id=777", "-p", "daemon.err", "--msgid", "TESTID",
		"--sd-id", "origin@32473", "--sd-param", `software="e2e"`, "ietf zebra-5424 from logger")
	d.send(
		`<165>1 2026-11-24T03:41:06.123Z gohost goapp 99 M1 [ex@32473 k="v\"q"] go zebra-5424 from Go`,
		`<34>Oct 11 22:14:15 mymachine su[230]: 'su root' failed go zebra-3164`,
		"not syslog at all zebra-raw",
	)
	d.waitRows(5, 30*time.Second)
	d.Stop()

	conn := openDB(t, d.dbPath)
	tests := []struct {
		needle string
		want   storedRow
	}{
		{"zebra-3164 from logger", storedRow{facility: 19, severity: 4, host: shortHost, tag: "e2eapp", pid: "4242", text: "bsd zebra-3164 from logger"}},
		{"zebra-5424 from logger", storedRow{facility: 3, severity: 3, host: "", tag: "e2eapp5", pid: "777", msgid: "TESTID", text: "ietf zebra-5424 from logger"}},
		{"zebra-5424 from Go", storedRow{facility: 20, severity: 5, host: "gohost", tag: "goapp", pid: "99", msgid: "M1", text: "go zebra-5424 from Go",
			sd: sql.NullString{String: `[ex@32473 k="v\"q"]`, Valid: true}}},
		{"go zebra-3164", storedRow{facility: 4, severity: 2, host: "mymachine", tag: "su", pid: "230", text: "'su root' failed go zebra-3164"}},
		{"zebra-raw", storedRow{facility: 1, severity: 5, host: "127.0.0.1", text: "not syslog at all zebra-raw"}},
	}
	for _, tt := range tests {
		rows := findRows(t, conn, tt.needle)
		if len(rows) != 1 {
			t.Errorf("%q: %d rows, want 1", tt.needle, len(rows))
			continue
		}
		got := rows[0]
		want := tt.want
		want.table, want.receivedAt = got.table, got.receivedAt
		if want.host == "" { // logger's RFC 5424 hostname: whatever it sent, but not empty
			want.host = got.host
			if got.host == "" {
				t.Errorf("%q: empty host", tt.needle)
			}
		}
		if tt.needle == "zebra-5424 from logger" {
			if !strings.Contains(got.sd.String, `[origin@32473 software="e2e"]`) {
				t.Errorf("logger's SD not kept: %q", got.sd.String)
			}
			want.sd = got.sd
		}
		if got != want {
			t.Errorf("%q stored as\n %+v\nwant\n %+v", tt.needle, got, want)
		}
	}
	if n := ftsCount(t, conn, "zebra*"); n != int64(len(tests)) {
		t.Errorf("FTS MATCH zebra* = %d, want %d", n, len(tests))
	}
	if n := ftsCount(t, conn, `"from logger"`); n != 2 {
		t.Errorf(`FTS MATCH "from logger" = %d, want 2`, n)
	}
}

func TestServeShutdownStoresEverythingReceived(t *testing.T) {
	const total = 50000
	d := startDaemon(t, func(p string) string { return testConfig(p, "", "batch_timeout = 5") })
	conn, err := net.DialUDP("udp", nil, d.addr)
	if err != nil {
		t.Fatal(err)
	}
	for i := range total {
		msg := fmt.Sprintf("<14>1 2026-11-24T10:00:00Z host app - - - burst message number %06d padding to a typical size of a log line", i)
		if _, err := conn.Write([]byte(msg)); err != nil {
			t.Fatalf("send %d: %v", i, err)
		}
	}
	conn.Close()
	d.Stop() // SIGTERM right after the last datagram

	dbc := openDB(t, d.dbPath)
	if n := len(findRows(t, dbc, "burst message number")); n != total {
		t.Errorf("stored %d of %d messages; daemon said:\n%s", n, total, lastLines(d.Stderr(), 5))
	}
	if n := ftsCount(t, dbc, "burst"); n != total {
		t.Errorf("FTS index has %d of %d messages", n, total)
	}
}

// waitStdout waits until the daemon has printed want on stdout.
func (d *daemon) waitStdout(want string, within time.Duration) {
	d.t.Helper()
	eventually(d.t, within, func() error {
		if out := d.Stdout(); !strings.Contains(out, want) {
			return fmt.Errorf("daemon did not print %q:\n%s", want, out)
		}
		return nil
	})
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

func TestServeWritesDefaultConfigOnFirstRun(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cmd := exec.Command(binPath, "serve", "--bind-ip", "127.0.0.1", "--bind-port", "0", "--database", "test.db")
	cmd.Dir = dir
	cmd.Env = cleanEnv()
	out := &syncBuilder{}
	cmd.Stderr = out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	poll(30*time.Second, func() error { // what follows says what went wrong
		if !strings.Contains(out.String(), "msg=listening") {
			return errors.New("not listening")
		}
		return nil
	})
	cmd.Process.Signal(os.Interrupt)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("serve: %v\n%s", err, out)
	}
	got, err := os.ReadFile(filepath.Join(dir, defaultConfigFile))
	if err != nil {
		t.Fatalf("default config not written: %v", err)
	}
	if string(got) != defaultConfigText() {
		t.Errorf("default config =\n%s\nwant\n%s", got, defaultConfigText())
	}
	if _, err := os.Stat(filepath.Join(dir, "test.db")); err != nil {
		t.Errorf("database not created: %v", err)
	}
}

func TestServeConfigErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		file     string // written to cfg.toml when not empty
		env      []string
		args     []string
		wantErr  []string
		noCreate bool
	}{
		{
			name:     "AIOSYSLOGD_CONFIG names a missing file",
			env:      []string{"AIOSYSLOGD_CONFIG=missing/aiosyslogd.toml"},
			wantErr:  []string{"missing/aiosyslogd.toml", "does not exist"},
			noCreate: true,
		},
		{
			name:     "--config names a missing file",
			args:     []string{"--config", "nope.toml"},
			wantErr:  []string{"nope.toml", "does not exist"},
			noCreate: true,
		},
		{
			name:    "unknown key",
			file:    "[server]\nbind_ip = \"127.0.0.1\"\nbind_prot = 5140\n",
			args:    []string{"--config", "cfg.toml"},
			wantErr: []string{"cfg.toml", "line 3", `unknown key "server.bind_prot"`},
		},
		{
			name:    "unknown table",
			file:    "[sqlit]\nenabled = true\n",
			args:    []string{"--config", "cfg.toml"},
			wantErr: []string{"cfg.toml", `unknown key "sqlit`},
		},
		{
			name:    "wrong type",
			file:    "[server]\nbind_ip = \"127.0.0.1\"\n\nbind_port = \"5140\"\n",
			args:    []string{"--config", "cfg.toml"},
			wantErr: []string{"cfg.toml", "line 4", "bind_port"},
		},
		{
			name:    "invalid TOML",
			file:    "[server\nbind_ip = 1\n",
			args:    []string{"--config", "cfg.toml"},
			wantErr: []string{"cfg.toml", "line 2", "table name"},
		},
		{
			name:    "bad value",
			file:    "[sqlite]\nbatch_size = 0\n",
			args:    []string{"--config", "cfg.toml"},
			wantErr: []string{"cfg.toml", "sqlite.batch_size = 0"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if tt.file != "" {
				if err := os.WriteFile(filepath.Join(dir, "cfg.toml"), []byte(tt.file), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			_, stderr, code := runBinary(t, dir, tt.env, append(tt.args, "serve", "--bind-port", "0")...)
			if code == 0 {
				t.Fatalf("exit 0, want failure; stderr:\n%s", stderr)
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr does not mention %q:\n%s", w, stderr)
				}
			}
			if strings.Contains(stderr, "goroutine ") || strings.Count(strings.TrimSpace(stderr), "\n") > 2 {
				t.Errorf("want a short error, got:\n%s", stderr)
			}
			if tt.noCreate {
				entries, _ := os.ReadDir(dir)
				if len(entries) != 0 {
					t.Errorf("created %v, want nothing", entries)
				}
			}
		})
	}
}

func TestVersionAndHelp(t *testing.T) {
	t.Parallel()
	out, _, code := runBinary(t, t.TempDir(), nil, "--version")
	if code != 0 || !strings.HasPrefix(out, "aiosyslogd version ") {
		t.Errorf("--version: exit %d, %q", code, out)
	}
	out, _, code = runBinary(t, t.TempDir(), nil, "--help")
	for _, cmd := range []string{"serve", "search", "convert"} {
		if code != 0 || !strings.Contains(out, cmd) {
			t.Errorf("--help (exit %d) does not list %s:\n%s", code, cmd, out)
		}
	}
}

func TestServeDumpsAndDatabaseless(t *testing.T) {
	t.Parallel()
	const msg = "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 - An application event"
	tests := []struct {
		name, server, sqlite string
		wantOut, notOut      []string
		wantDB               bool
	}{
		{
			name: "log_dump prints each message as RFC 5424", server: "log_dump = true",
			wantOut: []string{msg + "\n"}, wantDB: true,
		},
		{
			name: "sql_dump prints the batch's SQL and log_dump stays quiet", server: "log_dump = true", sqlite: "sql_dump = true",
			wantOut: []string{"INSERT INTO " + db.MonthOf(time.Now()).Table() + " (", "FROM aiosyslogd_batch", "-- rows: [[", `"An application event"`},
			notOut:  []string{msg}, wantDB: true,
		},
		{
			name: "enabled = false receives without a database", server: "log_dump = true", sqlite: "enabled = false",
			wantOut: []string{msg + "\n"}, wantDB: false,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := startDaemon(t, func(p string) string { return testConfig(p, tt.server, tt.sqlite) })
			d.send(msg)
			d.waitStdout(tt.wantOut[0], 30*time.Second)
			d.Stop()
			out := d.Stdout()
			for _, w := range tt.wantOut {
				if !strings.Contains(out, w) {
					t.Errorf("stdout lacks %q:\n%s", w, out)
				}
			}
			for _, w := range tt.notOut {
				if strings.Contains(out, w) {
					t.Errorf("stdout has %q:\n%s", w, out)
				}
			}
			_, err := os.Stat(d.dbPath)
			if tt.wantDB != (err == nil) {
				t.Errorf("database exists = %v, want %v", err == nil, tt.wantDB)
			}
			if !strings.Contains(d.Stderr(), "received=1 stored=1") {
				t.Errorf("daemon did not account for the message:\n%s", d.Stderr())
			}
		})
	}
}

// log_dump writes a message holding a newline, escapes or invalid UTF-8 as
// one escaped line: a datagram cannot forge a line of the daemon's output.
func TestServeDumpEscapesMessages(t *testing.T) {
	t.Parallel()
	d := startDaemon(t, func(p string) string { return testConfig(p, "log_dump = true", "") })
	d.send("<13>1 - h app - - - hello\ntime=2026-12-03T00:00:00Z level=ERROR msg=\"FAKE\"",
		"<13>1 - h app - - - raw \xff\xfe \x1b[2J end")
	d.waitStdout(`raw \xff\xfe \x1b[2J end`+"\n", 30*time.Second)
	d.waitStdout(`hello\ntime=2026-12-03T00:00:00Z level=ERROR msg="FAKE"`+"\n", 30*time.Second)
	d.Stop()
	out := d.Stdout()
	if lines := strings.Count(out, "\n"); lines != 2 || !utf8.ValidString(out) || strings.ContainsRune(out, 0x1b) {
		t.Errorf("stdout has %d lines, valid UTF-8 %v, want 2 escaped lines:\n%q", lines, utf8.ValidString(out), out)
	}
}
