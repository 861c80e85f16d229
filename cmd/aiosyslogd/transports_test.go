//go:build e2e

package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db"
)

// run runs a client program (logger, loggen) to completion, within a
// minute, and returns its output.
func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// loggenCount is the count loggen says it sent.
func loggenCount(t *testing.T, out string) int64 {
	t.Helper()
	m := regexp.MustCompile(`count=(\d+)`).FindAllStringSubmatch(out, -1)
	if m == nil {
		t.Fatalf("loggen did not say how many it sent:\n%s", out)
	}
	n, _ := strconv.ParseInt(m[len(m)-1][1], 10, 64)
	return n
}

// splitAddr returns the host and port of addr.
func splitAddr(t *testing.T, addr string) (string, string) {
	t.Helper()
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	return host, port
}

// countWhere counts the rows of every month table that match cond, an SQL
// condition on one row.
func countWhere(t *testing.T, conn *sql.DB, cond string, args ...any) int64 {
	t.Helper()
	var total int64
	eachMonth(t, conn, func(m db.Month) {
		var n int64
		if err := conn.QueryRow(`SELECT count(*) FROM `+m.Table()+` WHERE `+cond, args...).Scan(&n); err != nil {
			t.Fatalf("count %s in %s: %v", cond, m.Table(), err)
		}
		total += n
	})
	return total
}

// writeTCP sends payload on a new connection to addr and closes it.
func writeTCP(t *testing.T, addr, payload string) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := io.WriteString(c, payload); err != nil {
		t.Fatal(err)
	}
}

// TCP listens where UDP does; logger -T in both framings, loggen --stream,
// and a Go client mixing framings, with LFs inside an octet-counted
// message, a malformed count and a partial last frame: every message is
// stored whole (the partial one as far as it came), with the sender's IP.
func TestServeTCPFromLoggerLoggenAndGo(t *testing.T) {
	d := startDaemon(t, func(p string) string { return testConfig(p, "", "") })
	addr := d.addrOf("tcp")
	if _, port := splitAddr(t, addr); port != strconv.Itoa(d.addr.Port) {
		t.Errorf("TCP on %s, UDP on %d: want the same port", addr, d.addr.Port)
	}
	host, port := splitAddr(t, addr)
	run(t, "logger", "-T", "--server", host, "--port", port, "--rfc5424", "-t", "e2e", "zebra-lf from logger -T")
	run(t, "logger", "-T", "--octet-count", "--server", host, "--port", port, "--rfc5424", "-t", "e2e", "zebra-octet from logger --octet-count")
	lines := "zebra-multi line one\nline two\nline three"
	multi := "<13>1 - gohost go - - - " + lines
	writeTCP(t, addr, "<13>1 - gohost go - - - zebra-go-lf\n"+
		fmt.Sprintf("%d %s", len(multi), multi)+
		"12abc zebra-fallback garbage count\n"+
		"50 <13>1 - gohost go - - - zebra-partial")
	sent := loggenCount(t, run(t, "loggen", "--inet", "--stream", "--number", "200", host, port))
	d.waitRows(6+sent, 30*time.Second)
	d.Stop()
	c := openDB(t, d.dbPath)
	for needle, want := range map[string]string{
		"zebra-lf from logger -T":               "zebra-lf from logger -T",
		"zebra-octet from logger --octet-count": "zebra-octet from logger --octet-count",
		"zebra-go-lf":                           "zebra-go-lf",
		"zebra-multi":                           lines,
		"zebra-fallback":                        "12abc zebra-fallback garbage count",
		"zebra-partial":                         "zebra-partial",
	} {
		if rows := findRows(t, c, needle); len(rows) != 1 || rows[0].text != want {
			t.Errorf("%q: rows %+v, want one with %q", needle, rows, want)
		}
	}
	if n := countWhere(t, c, `CAST(RawMessage AS TEXT) = '12abc zebra-fallback garbage count'`); n != 1 {
		t.Errorf("the frame with a malformed count is not stored whole (%d rows)", n)
	}
	if n := countWhere(t, c, `Message LIKE 'seq: %' AND SysLogTag = 'prg00000'`); n != sent {
		t.Errorf("stored %d of loggen's %d", n, sent)
	}
	if n := countWhere(t, c, `FromHostIP = '127.0.0.1'`); n != 6+sent {
		t.Errorf("%d rows with FromHostIP 127.0.0.1, want all %d", n, 6+sent)
	}
	if got := d.stoppedCount("tcp.cut"); got != 1 {
		t.Errorf("tcp.cut = %d, want 1 (the partial frame)", got)
	}
}

// With proxy_protocol, loggen --proxied's header names the sender, which
// FromHostIP gets; a connection without a header is refused.
func TestServeTCPProxyProtocolFromLoggen(t *testing.T) {
	d := startDaemon(t, func(p string) string { return testConfig(p, "[tcp]\nproxy_protocol = true", "") })
	host, port := splitAddr(t, d.addrOf("tcp"))
	sent := loggenCount(t, run(t, "loggen", "--inet", "--stream", "--proxied", "--proxy-src-ip", "192.0.2.55",
		"--proxy-dst-ip", "198.51.100.1", "--proxy-src-port", "40000", "--proxy-dst-port", "514", "--number", "50", host, port))
	writeTCP(t, d.addrOf("tcp"), "<13>zebra-no-header\n")
	d.waitRows(sent, 30*time.Second)
	d.waitLog(`connection refused.*no PROXY protocol header`, 10*time.Second)
	d.Stop()
	c := openDB(t, d.dbPath)
	if n := countWhere(t, c, `FromHostIP = '192.0.2.55'`); n != sent || totalRows(t, c) != sent {
		t.Errorf("%d rows from 192.0.2.55 of %d in all, want loggen's %d", n, totalRows(t, c), sent)
	}
	if got := d.stoppedCount("tcp.refused"); got != 1 {
		t.Errorf("tcp.refused = %d, want 1", got)
	}
}

// Hostile peers: 2,000 connections at once (the limit holds, the rest are
// refused and counted, a good client is served throughout), a 10 MiB
// message without LF (cut to max_message_size and counted, memory
// bounded), garbage octet counts (each read as an LF frame).
func TestServeTCPHostilePeers(t *testing.T) {
	d := startDaemon(t, func(p string) string {
		return testConfig(p, "[tcp]\nmax_connections = 100\nidle_timeout = 60", "batch_size = 10")
	})
	addr := d.addrOf("tcp")
	good, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer good.Close()
	fmt.Fprint(good, "<13>zebra-good before the flood\n")
	d.waitRows(1, 30*time.Second)
	before := d.peakRSS()
	huge(t, addr, 10<<20)
	writeTCP(t, addr, "99999999999 zebra-g1\n0 zebra-g2\n12abc zebra-g3\n65537 zebra-g4\n-5 zebra-g5\n<13>zebra-g6\n")
	d.waitRows(1+2+6, 60*time.Second)
	growth := d.peakRSS() - before
	flood := dialMany(t, addr, 2000)
	d.waitLog(`refusing connections: max_connections reached`, 30*time.Second)
	fmt.Fprint(good, "<13>zebra-good during the flood\n")
	d.waitRows(1+2+6+1, 30*time.Second)
	for _, c := range flood {
		c.Close()
	}
	after, refusedMore := dialAccepted(t, addr)
	fmt.Fprint(after, "<13>zebra-good after the flood\n")
	d.waitRows(1+2+6+2, 30*time.Second)
	d.Stop()
	if growth > 8<<20 {
		t.Errorf("peak RSS grew by %d MiB reading a 10 MiB message: it was held", growth>>20)
	}
	c := openDB(t, d.dbPath)
	if n := countWhere(t, c, `Message LIKE 'xxxx%' AND length(Message) = ?`, 65536-4); n != 1 {
		t.Errorf("%d rows with the huge message cut to 65536 bytes, want 1", n)
	}
	if n := countWhere(t, c, `Message LIKE '%zebra-g_'`); n != 6 {
		t.Errorf("%d of the 6 messages after garbage counts stored", n)
	}
	if n := len(findRows(t, c, "after the huge one")); n != 1 {
		t.Errorf("message after the huge one: %d rows", n)
	}
	refused := int64(2000 - 99 + refusedMore)
	for name, want := range map[string]int64{"tcp.refused": refused, "tcp.cut": 1, "tcp.open": 0, "tcp.dropped": 0} {
		if got := d.stoppedCount(name); got != want {
			t.Errorf("%s = %d, want %d", name, got, want)
		}
	}
}

// dialMany opens n connections to addr at once and returns them.
func dialMany(t *testing.T, addr string, n int) []net.Conn {
	t.Helper()
	conns := make([]net.Conn, n)
	var wg sync.WaitGroup
	var failed atomic.Int64
	for i := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := net.DialTimeout("tcp", addr, 30*time.Second)
			if err != nil {
				failed.Add(1)
				return
			}
			conns[i] = c
		}()
	}
	wg.Wait()
	if failed.Load() > 0 {
		t.Fatalf("%d of %d connections could not even be made", failed.Load(), n)
	}
	t.Cleanup(func() {
		for _, c := range conns {
			c.Close()
		}
	})
	return conns
}

// dialAccepted connects to addr until the daemon keeps the connection
// (while it still closes the flood's, it may refuse a few); it returns the
// connection and how many were refused.
func dialAccepted(t *testing.T, addr string) (net.Conn, int) {
	t.Helper()
	for refused := 0; refused < 50; refused++ {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		c.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
		_, err = c.Read(make([]byte, 1))
		if ne, ok := err.(net.Error); ok && ne.Timeout() {
			c.SetReadDeadline(time.Time{})
			t.Cleanup(func() { c.Close() })
			return c, refused
		}
		c.Close()
	}
	t.Fatalf("50 connections to %s refused in a row", addr)
	return nil, 0
}

// huge sends a message of n bytes without LF, then an LF and a message.
func huge(t *testing.T, addr string, n int) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	chunk := []byte(strings.Repeat("x", 64<<10))
	io.WriteString(c, "<13>")
	for sent := 0; sent < n; sent += len(chunk) {
		if _, err := c.Write(chunk); err != nil {
			t.Fatal(err)
		}
	}
	io.WriteString(c, "\n<13>after the huge one\n")
}

// peakRSS is the daemon's peak resident memory (VmHWM), in bytes.
func (d *daemon) peakRSS() int64 {
	d.t.Helper()
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", d.cmd.Process.Pid))
	if err != nil {
		d.t.Fatal(err)
	}
	m := regexp.MustCompile(`VmHWM:\s+(\d+) kB`).FindSubmatch(status)
	if m == nil {
		d.t.Fatalf("no VmHWM in /proc/%d/status", d.cmd.Process.Pid)
	}
	kb, _ := strconv.ParseInt(string(m[1]), 10, 64)
	return kb << 10
}

// SIGTERM while connections still send: what each sent before the signal
// is stored, the exit is clean, and the stopped line counts the
// transport's messages and connections.
func TestServeSIGTERMWithOpenTCPConnections(t *testing.T) {
	d := startDaemon(t, func(p string) string { return testConfig(p, "", "") })
	addr := d.addrOf("tcp")
	const senders = 4
	var sent [senders]atomic.Int64
	var wg sync.WaitGroup
	for i := range senders {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		wg.Add(1)
		go func() { // until the daemon closes the connection; bounded anyway
			defer wg.Done()
			for n := 0; n < 200000; n++ {
				if _, err := fmt.Fprintf(c, "<13>1 - h app - - - sender%d seq %d\n", i, n); err != nil {
					return
				}
				sent[i].Add(1)
				time.Sleep(time.Millisecond) // a race build writes a few thousand a second

			}
		}()
	}
	eventually(t, 60*time.Second, func() error {
		if sent[0].Load() > 500 && sent[senders-1].Load() > 500 {
			return nil
		}
		return fmt.Errorf("the senders sent too little: %d and %d", sent[0].Load(), sent[senders-1].Load())
	})
	var before [senders]int64
	for i := range sent {
		before[i] = sent[i].Load()
	}
	d.Stop() // exit 0, or the test fails
	wg.Wait()
	c := openDB(t, d.dbPath)
	for i := range senders {
		if n := countWhere(t, c, `Message LIKE ?`, fmt.Sprintf("sender%d seq %%", i)); n < before[i] {
			t.Errorf("sender %d: %d rows, but it had sent %d before SIGTERM", i, n, before[i])
		}
	}
	received, rows := d.stoppedCount("tcp.received"), totalRows(t, c)
	if received != rows || d.stoppedCount("tcp.stored") != rows || d.stoppedCount("tcp.dropped") != 0 || d.stoppedCount("tcp.open") != 0 {
		t.Errorf("stopped line %s; %d rows", lastLines(d.Stderr(), 1), rows)
	}
}

// A database locked by another process fills the queue; the TCP sender is
// then slowed down, not dropped, and everything is stored once the lock
// goes.
func TestServeTCPSenderWaitsForBusyDatabase(t *testing.T) {
	// The memory queue alone: the spool takes what the database cannot,
	// and slows senders only once full (TestSpoolFullDropsUDPAndSlowsTCP).
	d := startDaemon(t, func(p string) string { return testConfig(p, "queue_size = 100", "batch_size = 50") + noSpool })
	d.send("<13>1 - h app - - - before the lock")
	d.waitRows(1, 30*time.Second)
	release := holdWriteLock(t, d.dbPath)
	// 12 MB in 8 KB messages: more than the socket buffers hold, in few rows.
	const total = 1500
	line := fmt.Sprintf("<13>1 - h app - - - busy %s\n", strings.Repeat("x", 8<<10-26))
	stream := []byte(strings.Repeat(line, total))
	c, err := net.Dial("tcp", d.addrOf("tcp"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetWriteDeadline(time.Now().Add(time.Second))
	n, err := c.Write(stream)
	if err == nil {
		t.Fatalf("the whole %d bytes went through while the database was locked", len(stream))
	}
	release()
	c.SetWriteDeadline(time.Now().Add(2 * time.Minute))
	if _, err := c.Write(stream[n:]); err != nil {
		t.Fatal(err)
	}
	c.Close()
	d.waitRows(1+total, 2*time.Minute)
	d.Stop()
	if got := d.stoppedCount("tcp.dropped"); got != 0 || d.stoppedCount("tcp.stored") != total {
		t.Errorf("tcp.dropped = %d, tcp.stored = %d; want 0 and %d", got, d.stoppedCount("tcp.stored"), total)
	}
}
