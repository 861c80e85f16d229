//go:build e2e

package main

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db"
	"github.com/aiosyslogd/aiosyslogd/internal/testcert"
	"github.com/aiosyslogd/aiosyslogd/syslog/receive/relp"
)

// rsyslogd is an rsyslogd that a test runs in a directory of its own, with
// an imtcp input on 127.0.0.1 that the test feeds and whose messages the
// action it is given forwards to aiosyslogd.
type rsyslogd struct {
	t     *testing.T
	dir   string
	input string // the imtcp input's address
	cmd   *exec.Cmd
	done  chan struct{}
	out   syncBuilder // its stdout and stderr, where it says what it does
}

// freePort returns a TCP port of 127.0.0.1 free right now.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// startRsyslog runs rsyslogd with action forwarding the imtcp input, and
// waits until the input accepts connections. rsyslogd's own messages go
// to its standard error (while it runs in the foreground) or rsyslogd.log
// in its directory.
func startRsyslog(t *testing.T, module, action string) *rsyslogd {
	t.Helper()
	if _, err := exec.LookPath("rsyslogd"); err != nil {
		t.Fatal("rsyslogd is not on PATH: make peers installs it (Debian: rsyslog rsyslog-relp rsyslog-gnutls)")
	}
	r := &rsyslogd{t: t, dir: t.TempDir(), done: make(chan struct{})}
	port := freePort(t)
	r.input = fmt.Sprintf("127.0.0.1:%d", port)
	conf := fmt.Sprintf(`global(workDirectory=%q)
module(load="imtcp")
%s
input(type="imtcp" address="127.0.0.1" port="%d" ruleset="forward")
ruleset(name="forward") {
%s
}
if $programname == "rsyslogd" then action(type="omfile" file=%q)
`, r.dir, module, port, action, filepath.Join(r.dir, "rsyslogd.log"))
	confPath := filepath.Join(r.dir, "rsyslog.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	r.cmd = exec.Command("rsyslogd", "-n", "-f", confPath, "-i", filepath.Join(r.dir, "rsyslogd.pid"))
	r.cmd.Stdout, r.cmd.Stderr = &r.out, &r.out
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { r.cmd.Wait(); close(r.done) }()
	t.Cleanup(func() {
		r.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-r.done:
		case <-time.After(30 * time.Second):
			r.cmd.Process.Kill()
			<-r.done
		}
		if t.Failed() {
			t.Logf("rsyslogd:\n%s", r.log())
		}
	})
	eventually(t, 30*time.Second, func() error {
		c, err := net.Dial("tcp", r.input)
		if err == nil {
			c.Close()
			return nil
		}
		select {
		case <-r.done:
			t.Fatalf("rsyslogd exited:\n%s", r.log())
		default:
		}
		return fmt.Errorf("rsyslogd's input does not accept connections: %v\n%s", err, r.log())
	})
	return r
}

// log is what rsyslogd said so far.
func (r *rsyslogd) log() string {
	b, _ := os.ReadFile(filepath.Join(r.dir, "rsyslogd.log"))
	return r.out.String() + string(b)
}

// waitLog waits until rsyslogd's own log contains s.
func (r *rsyslogd) waitLog(s string, within time.Duration) {
	r.t.Helper()
	eventually(r.t, within, func() error {
		if log := r.log(); !strings.Contains(log, s) {
			return fmt.Errorf("rsyslogd did not log %q:\n%s", s, log)
		}
		return nil
	})
}

// feed sends messages tagged with seq numbers from, from+n-1 to rsyslogd's
// input, one connection, LF framing.
func (r *rsyslogd) feed(tag string, from, n int) {
	r.t.Helper()
	c, err := net.Dial("tcp", r.input)
	if err != nil {
		r.t.Fatal(err)
	}
	defer c.Close()
	w := bufio.NewWriter(c)
	for i := from; i < from+n; i++ {
		fmt.Fprintf(w, "<13>1 2026-11-24T10:00:00Z peer app - - - %s %06d\n", tag, i)
	}
	if err := w.Flush(); err != nil {
		r.t.Fatal(err)
	}
}

// seqCounts returns, for each seq number of the messages tagged tag, how
// many rows hold it.
func seqCounts(t *testing.T, path, tag string) map[int]int {
	t.Helper()
	conn := openDB(t, path)
	defer conn.Close()
	counts := map[int]int{}
	eachMonth(t, conn, func(month db.Month) {
		rows, err := conn.Query(`SELECT Message FROM `+month.Table()+` WHERE Message LIKE ?`, tag+" %")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var m string
			if err := rows.Scan(&m); err != nil {
				t.Fatal(err)
			}
			n, err := strconv.Atoi(strings.TrimPrefix(m, tag+" "))
			if err != nil {
				t.Fatalf("stored %q", m)
			}
			counts[n]++
		}
	})
	return counts
}

// checkAllOnce checks that every seq number in [from, from+n) is stored,
// and reports the duplicates: a sender may send again what it was sending
// when its connection broke; that is allowed and counted, a loss is not.
func checkAllOnce(t *testing.T, counts map[int]int, from, n int) {
	t.Helper()
	missing, dups := missingAndDuplicates(counts, from, n)
	t.Logf("%d of %d messages stored, %d duplicates", n-len(missing), n, dups)
	if len(missing) > 0 {
		t.Errorf("%d of %d messages lost: %v", len(missing), n, missing[:min(len(missing), 20)])
	}
}

// missingAndDuplicates returns the seq numbers in [from, from+n) that no
// row holds, and how many rows hold a seq number another row holds too.
func missingAndDuplicates(counts map[int]int, from, n int) (missing []int, dups int) {
	for i := from; i < from+n; i++ {
		switch c := counts[i]; {
		case c == 0:
			missing = append(missing, i)
		case c > 1:
			dups += c - 1
		}
	}
	return missing, dups
}

// waitSeqs waits until every seq number in [from, from+n) is stored.
func waitSeqs(t *testing.T, path, tag string, from, n int, within time.Duration) map[int]int {
	t.Helper()
	var counts map[int]int
	poll(within, func() error { // the caller says what is missing
		counts = seqCounts(t, path, tag)
		for i := from; i < from+n; i++ {
			if counts[i] == 0 {
				return fmt.Errorf("seq %d missing", i)
			}
		}
		return nil
	})
	return counts
}

// onPort is a test configuration with UDP and TCP on port (a restart must
// find the daemon where rsyslog sends), and extra tables.
func onPort(dbPath string, port int, extra string) string {
	return strings.Replace(testConfig(dbPath, extra, ""), "bind_port = 0", fmt.Sprintf("bind_port = %d", port), 1)
}

// rsyslog forwarding over TCP with omfwd, in either framing, with a
// disk-assisted queue: aiosyslogd is stopped, rsyslog gets 1,000 messages
// and holds them, aiosyslogd starts again and stores all 1,000.
func TestRsyslogOmfwdQueueAcrossRestart(t *testing.T) {
	for _, framing := range []string{"traditional", "octet-counted"} {
		t.Run(framing, func(t *testing.T) {
			port := freePort(t)
			d1 := startDaemon(t, func(p string) string { return onPort(p, port, "") })
			rs := startRsyslog(t, "", fmt.Sprintf(`action(type="omfwd" target="127.0.0.1" port="%d" protocol="tcp"
       TCP_Framing=%q template="RSYSLOG_SyslogProtocol23Format"
       queue.type="LinkedList" queue.filename="aiosyslogd_fwd" queue.saveOnShutdown="on" queue.maxDiskSpace="64m"
       action.resumeRetryCount="-1" action.resumeInterval="1")`, port, framing))
			rs.feed("warmup", 0, 1)
			d1.waitRows(1, 30*time.Second) // rsyslog is connected
			d1.Stop()
			rs.feed("fwd", 0, 1000)
			rs.waitLog(fmt.Sprintf("cannot connect to 127.0.0.1:%d", port), 60*time.Second) // it tried, and holds them
			d2 := startDaemonWithConfigFile(t, filepath.Join(d1.dir, "test.toml"))
			counts := waitSeqs(t, d1.dbPath, "fwd", 0, 1000, 2*time.Minute)
			d2.Stop()
			checkAllOnce(t, counts, 0, 1000)
			if strings.Contains(d2.Stderr(), "tcp.received=0 ") {
				t.Errorf("the messages did not come over TCP:\n%s", d2.Stderr())
			}
		})
	}
}

// rsyslog's omrelp to the RELP listener, through a tap that reads the
// frames: 10,000 messages while aiosyslogd is killed with kill -9 in the
// middle and started again. RELP answers a message only once it is
// committed, so every message the daemon acknowledged is stored, every
// message sent to the restarted daemon is acknowledged and stored, and
// rsyslog sends again whatever it was not told was stored. The duplicates
// (committed but not yet acknowledged at the kill) are counted; a message
// rsyslog never sent again is its loss, reported apart.
func TestRsyslogOmrelpSurvivesKill9(t *testing.T) {
	const total = 10000
	relpPort, tapPort := freePort(t), freePort(t)
	config := func(p string) string {
		return testConfig(p, fmt.Sprintf("[relp]\nenabled = true\nbind_ip = \"127.0.0.1\"\nbind_port = %d", relpPort), "batch_size = 500")
	}
	d1 := startDaemon(t, config)
	tap := startRELPTap(t, tapPort, fmt.Sprintf("127.0.0.1:%d", relpPort))
	rs := startRsyslog(t, `module(load="omrelp")`, fmt.Sprintf(`action(type="omrelp" target="127.0.0.1" port="%d"
       template="RSYSLOG_SyslogProtocol23Format"
       queue.type="LinkedList" queue.filename="aiosyslogd_relp" queue.saveOnShutdown="on"
       action.resumeRetryCount="-1" action.resumeInterval="1")`, tapPort))
	fed := make(chan struct{})
	go func() { defer close(fed); rs.feed("relp", 0, total) }()
	d1.waitRows(total/3, 2*time.Minute)
	d1.cmd.Process.Kill() // kill -9, in the middle of the stream
	<-d1.done
	checkIntegrity(t, d1.dbPath)
	before := rowCount(t, d1.dbPath)
	if before >= total {
		t.Fatalf("all %d stored before the kill: it was not in the middle", before)
	}
	tap.setPhase(2)
	d2 := startDaemonWithConfigFile(t, filepath.Join(d1.dir, "test.toml"))
	<-fed
	waitSeqs(t, d1.dbPath, "relp", 0, total, 2*time.Minute)
	d2.Stop()
	counts := seqCounts(t, d1.dbPath, "relp")
	clientLost := tap.check(counts, 2, total)
	missing, dups := missingAndDuplicates(counts, 0, total)
	sent, acked := tap.count()
	t.Logf("%d of %d stored, %d duplicates; %d stored before the kill, %d received after the restart; %d sent through the tap, %d acknowledged",
		total-len(missing), total, dups, before, d2.stoppedCount("relp.received"), sent, acked)
	if len(clientLost) > 0 {
		t.Logf("lost by rsyslog, never acknowledged and never sent to the restarted daemon: %d, %v",
			len(clientLost), clientLost[:min(len(clientLost), 20)])
	}
	if len(clientLost) > total/1000 {
		t.Errorf("rsyslog lost %d of %d: more than it ever has (a few); is the tap or the daemon at fault?", len(clientLost), total)
	}
	if got := d2.stoppedCount("relp.broken"); got != 0 {
		t.Errorf("relp.broken = %d after the restart, want 0", got)
	}
	checkIntegrity(t, d1.dbPath)
}

// relpOpen opens a RELP session to addr as librelp does and returns the
// connection and a reader of the server's frames.
func relpOpen(t *testing.T, addr string) (net.Conn, *relp.Reader) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.Write(relp.AppendFrame(nil, 1, "open", []byte("relp_version=0\nrelp_software=test\ncommands=syslog")))
	r := relp.NewReader(bufio.NewReader(c), 0)
	if f, err := r.Next(); err != nil || !strings.HasPrefix(string(f.Data), "200 OK") {
		t.Fatalf("open answered %q, %v", f.Data, err)
	}
	return c, r
}

// On the real daemon: a malformed RELP frame gets rsp 500 and its session
// is closed, the daemon goes on; at SIGTERM an open session is told
// serverclose.
func TestServeRELPBadFrameAndServerClose(t *testing.T) {
	t.Parallel()
	d := startDaemon(t, func(p string) string {
		return testConfig(p, "[relp]\nenabled = true\nbind_ip = \"127.0.0.1\"\nbind_port = 0", "")
	})
	bad, badr := relpOpen(t, d.addrOf("relp"))
	bad.Write([]byte("2 syslog 5 toolong\n"))
	bad.SetReadDeadline(time.Now().Add(10 * time.Second))
	if f, err := badr.Next(); err != nil || f.Command != "rsp" || !strings.HasPrefix(string(f.Data), "500 ") {
		t.Errorf("malformed frame answered %d %s %q, %v; want rsp 500", f.Txnr, f.Command, f.Data, err)
	}
	if _, err := badr.Next(); err == nil {
		t.Error("the session goes on after rsp 500")
	}
	good, goodr := relpOpen(t, d.addrOf("relp"))
	good.Write(relp.AppendFrame(nil, 2, "syslog", []byte("<13>1 - h app - - - zebra-relp")))
	good.SetReadDeadline(time.Now().Add(30 * time.Second))
	if f, err := goodr.Next(); err != nil || f.Txnr != 2 || string(f.Data) != "200 OK" {
		t.Fatalf("message answered %d %q, %v", f.Txnr, f.Data, err)
	}
	if n := rowCount(t, d.dbPath); n != 1 {
		t.Errorf("acknowledged with %d rows stored, want 1", n)
	}
	d.Stop()
	if f, err := goodr.Next(); err != nil || f.Command != "serverclose" {
		t.Errorf("at SIGTERM the session got %d %s, %v; want serverclose", f.Txnr, f.Command, err)
	}
	if got := d.stoppedCount("relp.broken"); got != 1 {
		t.Errorf("relp.broken = %d, want 1", got)
	}
}

// rsyslog's omfwd with the gtls driver, as README's recipe has it: mutual
// TLS against the test CA, octet-counted, all messages stored.
func TestRsyslogOmfwdOverTLS(t *testing.T) {
	tt := newTestTLS(t, true)
	d := startDaemon(t, func(p string) string { return testConfig(p, tt.table, "") })
	_, port := splitAddr(t, d.addrOf("tls"))
	dir := t.TempDir()
	clientCert, clientKey := filepath.Join(dir, "client.crt"), filepath.Join(dir, "client.key")
	if err := tt.ca.WriteFiles(testcert.Cert{Name: "rsyslog.example", Client: true}, clientCert, clientKey); err != nil {
		t.Fatal(err)
	}
	rs := startRsyslog(t, fmt.Sprintf(`global(DefaultNetstreamDriverCAFile=%q DefaultNetstreamDriverCertFile=%q DefaultNetstreamDriverKeyFile=%q)`,
		tt.clientCA, clientCert, clientKey),
		fmt.Sprintf(`action(type="omfwd" target="127.0.0.1" port=%q protocol="tcp" TCP_Framing="octet-counted"
       StreamDriver="gtls" StreamDriverMode="1" StreamDriverAuthMode="x509/name" StreamDriverPermittedPeers="127.0.0.1"
       template="RSYSLOG_SyslogProtocol23Format" action.resumeRetryCount="-1" action.resumeInterval="1")`, port))
	rs.feed("tls", 0, 500)
	counts := waitSeqs(t, d.dbPath, "tls", 0, 500, time.Minute)
	d.Stop()
	checkAllOnce(t, counts, 0, 500)
	if got := d.stoppedCount("tls.received"); got < 500 {
		t.Errorf("tls.received = %d, want 500", got)
	}
}
