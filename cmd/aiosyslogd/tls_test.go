//go:build e2e

package main

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aiosyslogd/aiosyslogd/internal/testcert"
)

// testTLS is a test CA and the files of a TLS configuration in dir.
type testTLS struct {
	ca                         *testcert.CA
	cert, key, clientCA, table string
}

// newTestTLS makes a CA, a server certificate for 127.0.0.1 and the [tls]
// table that uses them (with client certificates required when mutual).
func newTestTLS(t *testing.T, mutual bool) *testTLS {
	t.Helper()
	ca, err := testcert.NewCA("aiosyslogd test CA")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	tt := &testTLS{ca: ca, cert: filepath.Join(dir, "server.crt"), key: filepath.Join(dir, "server.key"), clientCA: filepath.Join(dir, "ca.crt")}
	tt.issue(t)
	writeTestFile(t, tt.clientCA, ca.PEM)
	caLine := ""
	if mutual {
		caLine = fmt.Sprintf("client_ca_file = %q", tt.clientCA)
	}
	tt.table = fmt.Sprintf("[tls]\nenabled = true\nbind_ip = \"127.0.0.1\"\nbind_port = 0\ncert_file = %q\nkey_file = %q\n%s\n", tt.cert, tt.key, caLine)
	return tt
}

// issue writes a new server certificate and key.
func (tt *testTLS) issue(t *testing.T) {
	t.Helper()
	if err := tt.ca.WriteFiles(testcert.Cert{Name: "127.0.0.1"}, tt.cert, tt.key); err != nil {
		t.Fatal(err)
	}
}

func writeTestFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// clientCert is a client certificate of ca, expiring at notAfter (zero: in
// a day).
func clientCert(t *testing.T, ca *testcert.CA, notAfter time.Time) tls.Certificate {
	t.Helper()
	c, err := ca.KeyPair(testcert.Cert{Name: "client.example", Client: true, NotAfter: notAfter})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// dialTLS connects as a client trusting the test CA, with certs.
func (tt *testTLS) dial(addr string, certs ...tls.Certificate) (*tls.Conn, error) {
	return tls.DialWithDialer(&net.Dialer{Timeout: 10 * time.Second}, "tcp", addr,
		&tls.Config{RootCAs: tt.ca.Pool(), Certificates: certs, MinVersion: tls.VersionTLS12})
}

// sendTLS sends one octet-counted message and reports whether the server
// kept the connection: a refused client learns it at the handshake or, in
// TLS 1.3, at its first read after it.
func (tt *testTLS) send(addr, msg string, certs ...tls.Certificate) error {
	c, err := tt.dial(addr, certs...)
	if err != nil {
		return err
	}
	defer c.Close()
	if _, err := fmt.Fprintf(c, "%d %s", len(msg), msg); err != nil {
		return err
	}
	c.SetReadDeadline(time.Now().Add(time.Second))
	if _, err = c.Read(make([]byte, 1)); err != nil {
		if ne, ok := err.(net.Error); ok && ne.Timeout() {
			return nil
		}
	}
	return err
}

// Mutual TLS: a good client certificate is stored; none, an expired one
// and one of another CA are refused and counted.
func TestServeTLSClientCertificates(t *testing.T) {
	t.Parallel()
	tt := newTestTLS(t, true)
	d := startDaemon(t, func(p string) string { return testConfig(p, tt.table, "") })
	addr := d.addrOf("tls")
	other, err := testcert.NewCA("another CA")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		certs []tls.Certificate
		ok    bool
	}{
		{"zebra-good", []tls.Certificate{clientCert(t, tt.ca, time.Time{})}, true},
		{"zebra-none", nil, false},
		{"zebra-expired", []tls.Certificate{clientCert(t, tt.ca, time.Now().Add(-time.Hour))}, false},
		{"zebra-other-ca", []tls.Certificate{clientCert(t, other, time.Time{})}, false},
	}
	for _, c := range cases {
		if err := tt.send(addr, "<13>1 - h app - - - "+c.name, c.certs...); (err == nil) != c.ok {
			t.Errorf("%s: %v, want accepted = %v", c.name, err, c.ok)
		}
	}
	d.waitRows(1, 30*time.Second)
	d.Stop()
	if rows := findRows(t, openDB(t, d.dbPath), "zebra-"); len(rows) != 1 || rows[0].text != "zebra-good" {
		t.Errorf("stored %+v, want only the good client's message", rows)
	}
	if got := d.stoppedCount("tls.refused"); got != 3 {
		t.Errorf("tls.refused = %d, want 3", got)
	}
}

// serial is the serial number of the certificate a new connection gets.
func (tt *testTLS) serial(t *testing.T, addr string) *big.Int {
	t.Helper()
	c, err := tt.dial(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	return c.ConnectionState().PeerCertificates[0].SerialNumber
}

// loggen --use-ssl is stored; SIGHUP swaps the certificate for new
// connections while an open one goes on; a bad new pair is logged and the
// old one kept; the daemon lives through both.
func TestServeTLSLoggenAndSIGHUP(t *testing.T) {
	tt := newTestTLS(t, false)
	d := startDaemon(t, func(p string) string { return testConfig(p, tt.table, "") })
	addr := d.addrOf("tls")
	host, port := splitAddr(t, addr)
	// --use-ssl is a transport plugin of its own (TCP and TLS): with
	// --inet or --stream loggen refuses to run two.
	sent := loggenCount(t, run(t, "loggen", "--use-ssl", "--number", "100", host, port))
	d.waitRows(sent, 30*time.Second)

	open, err := tt.dial(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer open.Close()
	first := open.ConnectionState().PeerCertificates[0].SerialNumber
	tt.issue(t)
	syscall.Kill(d.cmd.Process.Pid, syscall.SIGHUP)
	d.waitLog(`SIGHUP: TLS certificate reloaded`, 10*time.Second)
	second := tt.serial(t, addr)
	if second.Cmp(first) == 0 {
		t.Errorf("a connection after SIGHUP got the old certificate %v", first)
	}
	fmt.Fprint(open, "<13>1 - h app - - - zebra-open-across-sighup\n")
	d.waitRows(sent+1, 30*time.Second)

	_, strayKey, _ := tt.ca.Issue(testcert.Cert{Name: "127.0.0.1"})
	writeTestFile(t, tt.key, strayKey)
	syscall.Kill(d.cmd.Process.Pid, syscall.SIGHUP)
	d.waitLog(`SIGHUP: TLS certificate not reloaded, keeping the one in use.*server.crt`, 10*time.Second)
	if got := tt.serial(t, addr); got.Cmp(second) != 0 {
		t.Errorf("after a bad pair a new connection got %v, want the one in use %v", got, second)
	}
	d.Stop() // still alive after two SIGHUPs, and exits 0
	if n := len(findRows(t, openDB(t, d.dbPath), "zebra-open-across-sighup")); n != 1 {
		t.Errorf("the connection open across SIGHUP: %d rows", n)
	}
}

// Missing, unreadable or mismatched TLS files are one start-up error that
// names the file.
func TestServeTLSStartupErrors(t *testing.T) {
	t.Parallel()
	tt := newTestTLS(t, false)
	dir := t.TempDir()
	missing, garbage := filepath.Join(dir, "missing.crt"), filepath.Join(dir, "garbage.pem")
	writeTestFile(t, garbage, []byte("not PEM"))
	_, strayKey, _ := tt.ca.Issue(testcert.Cert{Name: "other"})
	stray := filepath.Join(dir, "stray.key")
	writeTestFile(t, stray, strayKey)
	tests := []struct{ name, table, want string }{
		{"missing certificate", strings.Replace(tt.table, tt.cert, missing, 1), missing},
		{"missing key", strings.Replace(tt.table, tt.key, missing, 1), missing},
		{"key of another certificate", strings.Replace(tt.table, tt.key, stray, 1), "private key does not match"},
		{"client CA without certificates", tt.table + fmt.Sprintf("client_ca_file = %q\n", garbage), garbage},
	}
	for _, c := range tests {
		cfg := filepath.Join(dir, "cfg.toml")
		writeTestFile(t, cfg, []byte(testConfig(filepath.Join(dir, "x.db"), c.table, "")))
		_, stderr, code := runBinary(t, dir, nil, "--config", cfg, "serve")
		errs := regexp.MustCompile(`(?m)^aiosyslogd: .*$`).FindAllString(stderr, -1)
		if code == 0 || len(errs) != 1 || !strings.Contains(errs[0], c.want) || strings.Contains(stderr, "goroutine") {
			t.Errorf("%s: exit %d, stderr:\n%s\nwant one error naming %q", c.name, code, stderr, c.want)
		}
		if strings.Contains(stderr, "msg=listening") {
			t.Errorf("%s: bound a port before finding the TLS files unusable:\n%s", c.name, stderr)
		}
	}
}

// A TCP sender trickling a byte a second, and a TLS client that never
// finishes its handshake, are cut off after idle_timeout and counted; what
// the trickler sent is stored.
func TestServeCutsOffSlowPeers(t *testing.T) {
	tt := newTestTLS(t, false)
	d := startDaemon(t, func(p string) string { return testConfig(p, "[tcp]\nidle_timeout = 2\n"+tt.table, "") })
	slow, err := net.Dial("tcp", d.addrOf("tcp"))
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	stalled, err := net.Dial("tcp", d.addrOf("tls"))
	if err != nil {
		t.Fatal(err)
	}
	defer stalled.Close()
	stalled.Write([]byte{0x16, 0x03, 0x01}) // a ClientHello's first bytes, and no more
	start := time.Now()
	go func() {
		for _, b := range []byte("<13>1 - h app - - - zebra-slowloris and so on") {
			if _, err := slow.Write([]byte{b}); err != nil {
				return
			}
			time.Sleep(time.Second)
		}
	}()
	for name, c := range map[string]net.Conn{"slow sender": slow, "stalled handshake": stalled} {
		c.SetReadDeadline(time.Now().Add(20 * time.Second))
		// Closed is EOF, or a reset when the trickler's last bytes were
		// still unread as the daemon closed; only the deadline means open.
		if _, err := io.ReadAll(c); err != nil && !errors.Is(err, syscall.ECONNRESET) {
			t.Errorf("%s: %v, want the daemon to close it", name, err)
		}
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("cut off after %s, want about idle_timeout (2s)", took)
	}
	d.waitRows(1, 30*time.Second)
	d.Stop()
	for name, want := range map[string]int64{"tcp.timeouts": 1, "tcp.cut": 1, "tls.refused": 1} {
		if got := d.stoppedCount(name); got != want {
			t.Errorf("%s = %d, want %d", name, got, want)
		}
	}
}

// SIGHUP without TLS reloads the configuration, reads no certificate and
// stops nothing (Go's default for it would kill the daemon).
func TestServeSIGHUPWithoutTLS(t *testing.T) {
	t.Parallel()
	d := startDaemon(t, func(p string) string { return testConfig(p, "", "") })
	syscall.Kill(d.cmd.Process.Pid, syscall.SIGHUP)
	d.waitLog(`configuration reloaded`, 10*time.Second)
	if strings.Contains(d.Stderr(), "TLS certificate") {
		t.Errorf("a reload without TLS speaks of a certificate:\n%s", d.Stderr())
	}
	d.send("<13>1 - h app - - - zebra-after-sighup")
	d.waitRows(1, 30*time.Second)
	d.Stop() // exits 0
}
