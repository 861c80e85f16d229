//go:build e2e

package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db/postgres"
	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/internal/testpg"
	"github.com/aiosyslogd/aiosyslogd/syslog"
)

// postgresConfig is a test configuration storing in the database dsn.
func postgresConfig(dsn string) string {
	return fmt.Sprintf(`[server]
bind_ip = "127.0.0.1"
bind_port = 0
[sqlite]
enabled = false
[postgresql]
enabled = true
dsn = %q
batch_timeout = 0.2
`, dsn)
}

// TestServePostgres runs serve storing in a real PostgreSQL cluster,
// sends with logger over UDP and TCP, and finds the messages with
// aiosyslogd search reading the same configuration.
func TestServePostgres(t *testing.T) {
	dsn := testpg.Shared(t).NewDatabase(t)
	d := startDaemon(t, func(string) string { return postgresConfig(dsn) })
	if !strings.Contains(d.Stderr(), "storing in PostgreSQL") {
		t.Errorf("serve does not say it stores in PostgreSQL:\n%s", d.Stderr())
	}
	port := strconv.Itoa(d.addr.Port)
	_, tcpPort, _ := strings.Cut(d.addrOf("tcp"), "127.0.0.1:")
	for _, args := range [][]string{
		{"-d", "--port", port, "zebra-udp from logger over UDP"},
		{"-T", "--port", tcpPort, "zebra-tcp from logger over TCP"},
	} {
		cmd := exec.Command("logger", append([]string{"--server", "127.0.0.1", "--rfc5424", "-t", "pgtest", "-p", "auth.warning"}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("logger %v: %v\n%s", args, err, out)
		}
	}
	cfg := filepath.Join(d.dir, "test.toml")
	search := func(args ...string) (string, string, int) {
		return runBinary(t, d.dir, []string{"TZ=UTC"}, append([]string{"--config", cfg, "search"}, args...)...)
	}
	var events []searchJSONEvent
	eventually(t, 30*time.Second, func() error {
		out, errOut, code := search("-o", "json", "zebra")
		if code != 0 {
			return fmt.Errorf("search: status %d: %s%s", code, out, errOut)
		}
		if events = searchParseJSON(t, out); len(events) != 2 {
			return fmt.Errorf("search found %d events, want 2:\n%s", len(events), out)
		}
		return nil
	})
	var msgs []string
	for _, e := range events {
		msgs = append(msgs, e.Message)
		if e.SysLogTag != "pgtest" || e.FromHostIP == nil || *e.FromHostIP != "127.0.0.1" || e.Facility != 4 || e.Priority != 4 {
			t.Errorf("event %+v: want tag pgtest from 127.0.0.1, auth.warning", e)
		}
		if !strings.HasPrefix(e.Table, "SystemEvents") {
			t.Errorf("event table %q", e.Table)
		}
	}
	if !slices.Contains(msgs, "zebra-udp from logger over UDP") || !slices.Contains(msgs, "zebra-tcp from logger over TCP") {
		t.Errorf("found %q", msgs)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--count", "zebra"}, "2\n"},
		{[]string{"--count", `tag:pgtest "zebra-tcp"`}, "1\n"},
		{[]string{"--count", "--severity", "err", "zebra"}, "0\n"},
		{[]string{"--count", "zebra NOT udp"}, "1\n"},
	} {
		out, errOut, _ := search(tc.args...)
		if out != tc.want {
			t.Errorf("search %q = %q (%s), want %q", tc.args, out, errOut, tc.want)
		}
	}
	// --follow: the last matches, then what is stored after.
	f := startFollow(t, d.dir, "--config", cfg, "search", "--follow", "-o", "json", "zebra")
	f.expect(t, msgsInOrder(events)...)
	d.send("<13>1 - h pgtest - - - zebra-late after the follower started", "<13>1 - h pgtest - - - giraffe, not followed")
	f.expect(t, "zebra-late after the follower started")
	d.Stop()
}

// msgsInOrder is the Messages of newest-first events, oldest first.
func msgsInOrder(events []searchJSONEvent) []string {
	var out []string
	for i := len(events) - 1; i >= 0; i-- {
		out = append(out, events[i].Message)
	}
	return out
}

// startFollow starts aiosyslogd with args (a search --follow) in dir;
// its stdout lines are the follower's.
func startFollow(t *testing.T, dir string, args ...string) *searchFollower {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	f := &searchFollower{lines: make(chan string, 100), stderr: &syncBuilder{}}
	f.cmd = exec.CommandContext(ctx, binPath, args...)
	f.cmd.Dir = dir
	f.cmd.Env = append(cleanEnv(), "TZ=UTC")
	f.cmd.Stderr = f.stderr
	stdout, err := f.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := f.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(f.lines)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			f.lines <- sc.Text()
		}
	}()
	t.Cleanup(func() {
		f.cmd.Process.Kill()
		f.cmd.Wait()
	})
	return f
}

// TestPostgresConfigRefused: check and serve refuse both stores enabled,
// and a password in the DSN, with the file, the line and the key.
func TestPostgresConfigRefused(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		file string
		want []string
	}{
		{"[sqlite]\nenabled = true\n[postgresql]\nenabled = true\n", []string{"line 4", "postgresql.enabled", "exactly one store"}},
		{"[sqlite]\nenabled = false\n[postgresql]\nenabled = true\ndsn = \"postgres://u:secret@db/syslog\"\n", []string{"line 5", "postgresql.dsn holds a password"}},
	} {
		path := filepath.Join(dir, "c.toml")
		if err := os.WriteFile(path, []byte(tc.file), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, cmd := range []string{"check", "serve"} {
			_, errOut, code := runBinary(t, dir, nil, "--config", path, cmd)
			if code != 2 {
				t.Errorf("%s of %q: status %d, want 2\n%s", cmd, tc.file, code, errOut)
			}
			for _, w := range append(tc.want, path) {
				if !strings.Contains(errOut, w) {
					t.Errorf("%s of %q: %q lacks %q", cmd, tc.file, errOut, w)
				}
			}
			if strings.Contains(errOut, "secret") {
				t.Errorf("%s prints the password: %q", cmd, errOut)
			}
		}
	}
}

// TestAlertOnPostgres: a rule fires on what serve stores in PostgreSQL,
// and its notification carries the newest matches read back from there.
func TestAlertOnPostgres(t *testing.T) {
	dsn := testpg.Shared(t).NewDatabase(t)
	h := newHook(t, 0, false)
	d := startDaemon(t, func(string) string {
		return postgresConfig(dsn) + fmt.Sprintf(`
[[notifier]]
name = "hook"
type = "webhook"
url = %q

[[alert]]
name = "ssh brute force"
query = %q
notify = ["hook"]
threshold = 5
window = "3s"
`, h.srv.URL, sshQuery)
	})
	d.send(sshBurst(8)...)
	firing := h.waitState(t, "firing", 1, 15*time.Second)
	d.Stop()
	if firing.body.Count < 5 || len(firing.body.Events) < 5 {
		t.Fatalf("firing notification: %s", firing.raw)
	}
	for _, e := range firing.body.Events {
		if !strings.Contains(string(e), "Failed password for root") || !strings.Contains(string(e), `"SysLogTag":"sshd"`) {
			t.Errorf("event of the notification: %s", e)
		}
	}
}

// TestPostgresRestartUnderLoad restarts PostgreSQL while a TCP sender
// sends: the messages wait in serve's queue while the database is away and
// are written after, each exactly once (a batch retried after a broken
// COMMIT is found by its key).
func TestPostgresRestartUnderLoad(t *testing.T) {
	c, err := testpg.Start() // its own cluster: the restart must not touch other tests'
	if err != nil {
		testpg.Shared(t) // skips, or fails under CI, as for every PostgreSQL test
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Stop() })
	dsn := c.NewDatabase(t)
	d := startDaemon(t, func(string) string { return postgresConfig(dsn) })
	conn, err := net.Dial("tcp", d.addrOf("tcp"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	const n = 3000
	sent := make(chan error, 1)
	go func() { // about 1,000 messages a second, for 3 seconds
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for i := range n {
			<-tick.C
			if _, err := fmt.Fprintf(conn, "<13>1 - loadhost pgload - - - seq %d of the restart test\n", i); err != nil {
				sent <- fmt.Errorf("send %d: %w", i, err)
				return
			}
		}
		sent <- nil
	}()
	cfg := filepath.Join(d.dir, "test.toml")
	count := func() int {
		out, _, _ := runBinary(t, d.dir, nil, "--config", cfg, "search", "--count", "tag:pgload")
		v, _ := strconv.Atoi(strings.TrimSpace(out))
		return v
	}
	eventually(t, 30*time.Second, func() error {
		if k := count(); k < 300 {
			return fmt.Errorf("%d stored before the restart, want 300", k)
		}
		return nil
	})
	if err := c.Restart(); err != nil {
		t.Fatal(err)
	}
	if err := <-sent; err != nil {
		t.Fatal(err)
	}
	eventually(t, 60*time.Second, func() error {
		if k := count(); k != n {
			return fmt.Errorf("%d stored, want %d", k, n)
		}
		return nil
	})
	// The restart was felt: writes failed, then went on.
	for _, want := range []string{"store failed; keeping messages in the queue and retrying", "store recovered"} {
		if !strings.Contains(d.Stderr(), want) {
			t.Errorf("serve's log lacks %q: the restart did not interrupt writing\n%s", want, d.Stderr())
		}
	}
	out, errOut, code := runBinary(t, d.dir, nil, "--config", cfg, "search", "--limit", "0", "-o", "json", "tag:pgload")
	if code != 0 {
		t.Fatalf("search: %d %s", code, errOut)
	}
	seen := map[string]int{}
	for _, e := range searchParseJSON(t, out) {
		seen[e.Message]++
	}
	for i := range n {
		if k := seen[fmt.Sprintf("seq %d of the restart test", i)]; k != 1 {
			t.Errorf("seq %d stored %d times", i, k)
		}
	}
	d.Stop()
}

// TestPostgresRetention: serve with retention_months = 1 drops, at start,
// the partition of a month past it, and its messages with it.
func TestPostgresRetention(t *testing.T) {
	dsn := testpg.Shared(t).NewDatabase(t)
	ctx := context.Background()
	s, err := postgres.Open(ctx, postgres.Options{DSN: dsn})
	if err != nil {
		t.Fatal(err)
	}
	old := search.Row{ReceivedAt: time.Date(2025, 1, 15, 0, 0, 0, 0, time.UTC),
		Message: syslog.Message{Priority: 13, Hostname: "h", AppName: "old", Text: "zebra from an old month"}}
	if err := s.Write(ctx, []search.Row{old}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	d := startDaemon(t, func(string) string { return postgresConfig(dsn) + "retention_months = 1\n" })
	if !strings.Contains(d.Stderr(), "dropped month past retention") || !strings.Contains(d.Stderr(), "systemevents202501") {
		t.Errorf("serve does not say it dropped systemevents202501:\n%s", d.Stderr())
	}
	d.send("<13>1 - h new - - - zebra from this month")
	cfg := filepath.Join(d.dir, "test.toml")
	eventually(t, 30*time.Second, func() error {
		out, errOut, _ := runBinary(t, d.dir, nil, "--config", cfg, "search", "-o", "json", "zebra")
		if ev := searchParseJSON(t, out); len(ev) != 1 || ev[0].Message != "zebra from this month" {
			return fmt.Errorf("search zebra: %s%s, want this month's message alone", out, errOut)
		}
		return nil
	})
	d.Stop()
}

// TestSearchAndWebReadHotStandby: serve writes to the primary; search and
// web, whose configuration names a primary that does not answer and a hot
// standby made by pg_basebackup as read_dsn, find what serve stored.
func TestSearchAndWebReadHotStandby(t *testing.T) {
	c := testpg.Shared(t)
	dsn := c.NewDatabase(t)
	sb, err := c.Standby()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Stop() })
	d := startDaemon(t, func(string) string { return postgresConfig(dsn) })
	d.send("<13>1 - h standby - - - zebra through the standby")
	readCfg := filepath.Join(d.dir, "read.toml")
	file := fmt.Sprintf("[sqlite]\nenabled = false\n[postgresql]\nenabled = true\ndsn = \"host=/nonexistent dbname=none\"\nread_dsn = %q\n",
		strings.Replace(dsn, c.Dir, sb.Dir, 1))
	if err := os.WriteFile(readCfg, []byte(file), 0o644); err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, func() error {
		out, errOut, code := runBinary(t, d.dir, nil, "--config", readCfg, "search", "-o", "json", "zebra")
		if ev := searchParseJSON(t, out); code != 0 || len(ev) != 1 || ev[0].Message != "zebra through the standby" {
			return fmt.Errorf("search on the standby: status %d: %s%s", code, out, errOut)
		}
		return nil
	})

	// web with the same configuration: its dsn leads nowhere, so what it
	// shows comes from the standby.
	webDir := t.TempDir()
	pythonUsers(t, webDir)
	w := startWeb(t, webDir, file+"[web_server]\nbind_ip = \"127.0.0.1\"\nbind_port = 0\n")
	hc := webClient()
	if res := w.webLogin(hc, "alice", "alice-password"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: %s", res.Status)
	}
	code, body := w.webGet(hc, "/api/search?since=1h&q=zebra")
	var page struct{ Events []searchJSONEvent }
	if err := json.Unmarshal([]byte(body), &page); code != http.StatusOK || err != nil ||
		len(page.Events) != 1 || page.Events[0].Message != "zebra through the standby" {
		t.Errorf("web's /api/search on the standby: %d %s", code, body)
	}
	d.Stop()
}

// TestTwoCollectorsOnePostgres runs two serve processes storing in one
// database at once: rsyslog's omrelp sends to the first over RELP, a TCP
// sender to the second, UDP datagrams to both. Every message is stored
// exactly once.
func TestTwoCollectorsOnePostgres(t *testing.T) {
	dsn := testpg.Shared(t).NewDatabase(t)
	const nRELP, nTCP, nUDP = 3000, 3000, 100
	relpPort := freePort(t)
	d1 := startDaemon(t, func(string) string {
		return postgresConfig(dsn) + fmt.Sprintf("[relp]\nenabled = true\nbind_ip = \"127.0.0.1\"\nbind_port = %d\n", relpPort)
	})
	d2 := startDaemon(t, func(string) string { return postgresConfig(dsn) })
	rs := startRsyslog(t, `module(load="omrelp")`, fmt.Sprintf(`action(type="omrelp" target="127.0.0.1" port="%d"
       template="RSYSLOG_SyslogProtocol23Format" action.resumeRetryCount="-1" action.resumeInterval="1")`, relpPort))
	fed := make(chan struct{})
	go func() { defer close(fed); rs.feed("relp", 0, nRELP) }()
	conn, err := net.Dial("tcp", d2.addrOf("tcp"))
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(conn)
	for i := range nTCP {
		fmt.Fprintf(w, "<13>1 - h2 app - - - tcp %06d\n", i)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	conn.Close()
	for i := range nUDP {
		d := []*daemon{d1, d2}[i%2]
		d.send(fmt.Sprintf("<13>1 - h1 app - - - udp %06d", i))
	}
	<-fed
	cfg := filepath.Join(d1.dir, "test.toml")
	eventually(t, 2*time.Minute, func() error {
		out, errOut, _ := runBinary(t, d1.dir, nil, "--config", cfg, "search", "--count", "tag:app")
		if strings.TrimSpace(out) != strconv.Itoa(nRELP+nTCP+nUDP) {
			return fmt.Errorf("stored %s%s, want %d", out, errOut, nRELP+nTCP+nUDP)
		}
		return nil
	})
	d1.Stop()
	d2.Stop()
	out, errOut, code := runBinary(t, d1.dir, nil, "--config", cfg, "search", "--limit", "0", "-o", "json", "tag:app")
	if code != 0 {
		t.Fatalf("search: %d %s", code, errOut)
	}
	seen := map[string]int{}
	for _, e := range searchParseJSON(t, out) {
		seen[e.Message]++
	}
	for _, kind := range []struct {
		name string
		n    int
	}{{"relp", nRELP}, {"tcp", nTCP}, {"udp", nUDP}} {
		for i := range kind.n {
			if k := seen[fmt.Sprintf("%s %06d", kind.name, i)]; k != 1 {
				t.Errorf("%s %06d stored %d times", kind.name, i, k)
			}
		}
	}
}
