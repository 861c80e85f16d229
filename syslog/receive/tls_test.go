package receive_test

import (
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aiosyslogd/aiosyslogd/internal/testcert"
	"github.com/aiosyslogd/aiosyslogd/syslog/ingest"
	"github.com/aiosyslogd/aiosyslogd/syslog/receive"
)

// pki is a test CA with a server certificate for 127.0.0.1 in files.
type pki struct {
	ca                *testcert.CA
	certFile, keyFile string
	caFile            string
}

func newPKI(t *testing.T) *pki {
	t.Helper()
	ca, err := testcert.NewCA("test CA")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	p := &pki{ca: ca, certFile: filepath.Join(dir, "server.crt"), keyFile: filepath.Join(dir, "server.key"), caFile: filepath.Join(dir, "ca.crt")}
	p.issueServer(t, "127.0.0.1")
	if err := os.WriteFile(p.caFile, ca.PEM, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// issueServer writes a new server certificate and key to the files.
func (p *pki) issueServer(t *testing.T, name string) {
	t.Helper()
	if err := p.ca.WriteFiles(testcert.Cert{Name: name}, p.certFile, p.keyFile); err != nil {
		t.Fatal(err)
	}
}

func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// client returns a client certificate of ca.
func client(t *testing.T, ca *testcert.CA, notAfter time.Time) tls.Certificate {
	t.Helper()
	c, err := ca.KeyPair(testcert.Cert{Name: "client", Client: true, NotAfter: notAfter})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func serveTLS(t *testing.T, p *pki, clientCA string, tcp *receive.TCP, cfg ingest.Config) (*served, *receive.KeyPair) {
	t.Helper()
	kp, err := receive.LoadKeyPair(p.certFile, p.keyFile)
	if err != nil {
		t.Fatal(err)
	}
	if tcp.TLSConfig, err = receive.ServerTLSConfig(kp, clientCA); err != nil {
		t.Fatal(err)
	}
	return serveStream(t, "tls", tcp, func(in *ingest.Input) {
		tcp.Addr, tcp.Input, tcp.Logger = "127.0.0.1:0", in, quiet
	}, cfg), kp
}

// sendTLS connects with certs, sends msg and closes; it returns the
// error the connection met, if any: a refused client learns it at the
// handshake or at the first read after it.
func sendTLS(p *pki, addr, msg string, certs ...tls.Certificate) error {
	c, err := tls.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}, "tcp", addr,
		&tls.Config{RootCAs: p.ca.Pool(), Certificates: certs, MinVersion: tls.VersionTLS12})
	if err != nil {
		return err
	}
	defer c.Close()
	if _, err := fmt.Fprintf(c, "%d %s", len(msg), msg); err != nil {
		return err
	}
	c.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
	_, err = c.Read(make([]byte, 1))
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		return nil // the server reads on, silently: accepted
	}
	return err
}

// With a client CA, only clients with a valid certificate it signed get
// in; the others are refused and counted.
func TestTLSMutualAuthentication(t *testing.T) {
	p := newPKI(t)
	other, err := testcert.NewCA("another CA")
	if err != nil {
		t.Fatal(err)
	}
	store := &memStore{}
	s, _ := serveTLS(t, p, p.caFile, &receive.TCP{}, ingest.Config{Store: store, BatchSize: 1, BatchTimeout: time.Hour})
	tests := []struct {
		name  string
		certs []tls.Certificate
		ok    bool
	}{
		{"good certificate", []tls.Certificate{client(t, p.ca, time.Time{})}, true},
		{"no certificate", nil, false},
		{"expired certificate", []tls.Certificate{client(t, p.ca, time.Now().Add(-time.Hour))}, false},
		{"another CA's certificate", []tls.Certificate{client(t, other, time.Time{})}, false},
	}
	refused := 0
	for _, tt := range tests {
		err := sendTLS(p, s.addr, "<13>1 - h app - - - "+tt.name, tt.certs...)
		if tt.ok != (err == nil) {
			t.Errorf("%s: connection error %v, want accepted = %v", tt.name, err, tt.ok)
		}
		if !tt.ok {
			refused++
		}
	}
	waitUntil(t, "the good client's message", 5*time.Second, func() bool { return len(store.all()) == 1 })
	waitUntil(t, "the refusals", 5*time.Second, func() bool { return s.p.Stats().Transports[0].Refused == uint64(refused) })
	s.stop()
	if got := texts(store.all()); len(got) != 1 || got[0] != "good certificate" {
		t.Errorf("stored %q, want only the good client's message", got)
	}
}

// A client that never finishes the handshake is cut off after
// HandshakeTimeout and counted.
func TestTLSHandshakeTimeout(t *testing.T) {
	p := newPKI(t)
	s, _ := serveTLS(t, p, "", &receive.TCP{HandshakeTimeout: 200 * time.Millisecond}, ingest.Config{Store: &memStore{}})
	c := dial(t, s.addr)
	c.Write([]byte{0x16, 0x03, 0x01}) // the start of a ClientHello, and nothing more
	start := time.Now()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, err := io.ReadAll(c)
	if d := time.Since(start); err != nil || d > 2*time.Second {
		t.Errorf("connection ended after %s with %v, want closed after the 200 ms handshake timeout", d, err)
	}
	waitUntil(t, "the refusal", 5*time.Second, func() bool { return s.p.Stats().Transports[0].Refused == 1 })
}

// Reload swaps the certificate for new connections; an open connection
// goes on, and a bad new pair is refused and the old one kept.
func TestTLSReloadKeepsConnections(t *testing.T) {
	p := newPKI(t)
	store := &memStore{}
	s, kp := serveTLS(t, p, "", &receive.TCP{}, ingest.Config{Store: store, BatchSize: 1, BatchTimeout: time.Hour})
	cfg := &tls.Config{RootCAs: p.ca.Pool(), MinVersion: tls.VersionTLS12}
	old, err := tls.Dial("tcp", s.addr, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	oldSerial := old.ConnectionState().PeerCertificates[0].SerialNumber

	p.issueServer(t, "127.0.0.1")
	if err := kp.Reload(); err != nil {
		t.Fatal(err)
	}
	fresh, err := tls.Dial("tcp", s.addr, cfg)
	if err != nil {
		t.Fatal(err)
	}
	newSerial := fresh.ConnectionState().PeerCertificates[0].SerialNumber
	fresh.Close()
	if newSerial.Cmp(oldSerial) == 0 || newSerial.Cmp(kp.Leaf().SerialNumber) != 0 {
		t.Errorf("a new connection got serial %v (old %v), want the reloaded one %v", newSerial, oldSerial, kp.Leaf().SerialNumber)
	}
	fmt.Fprint(old, "<13>the old connection goes on\n")
	waitUntil(t, "the old connection's message", 5*time.Second, func() bool { return len(store.all()) == 1 })

	other, _ := testcert.NewCA("other")
	_, strayKey, _ := other.Issue(testcert.Cert{Name: "127.0.0.1"})
	writeFile(t, p.keyFile, strayKey) // the certificate's key no more
	if err := kp.Reload(); err == nil || !strings.Contains(err.Error(), p.certFile) {
		t.Errorf("Reload of a mismatched pair = %v, want an error naming the files", err)
	}
	if kp.Leaf().SerialNumber.Cmp(newSerial) != 0 {
		t.Errorf("a failed reload changed the certificate in use")
	}
}

func TestLoadKeyPairErrorsNameTheFile(t *testing.T) {
	p := newPKI(t)
	missing := filepath.Join(t.TempDir(), "nope.crt")
	garbage := filepath.Join(t.TempDir(), "garbage.key")
	writeFile(t, garbage, []byte("not a key"))
	tests := []struct{ cert, key, want string }{
		{missing, p.keyFile, missing},
		{p.certFile, missing, missing},
		{p.certFile, garbage, garbage},
		{garbage, p.keyFile, garbage},
	}
	for _, tt := range tests {
		if _, err := receive.LoadKeyPair(tt.cert, tt.key); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("LoadKeyPair(%s, %s) = %v, want an error naming %s", tt.cert, tt.key, err, tt.want)
		}
	}
	kp, _ := receive.LoadKeyPair(p.certFile, p.keyFile)
	if _, err := receive.ServerTLSConfig(kp, garbage); err == nil || !strings.Contains(err.Error(), garbage) {
		t.Errorf("ServerTLSConfig with a CA file without certificates = %v", err)
	}
	if _, err := receive.ServerTLSConfig(kp, missing); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("ServerTLSConfig with a missing CA file = %v", err)
	}
}

// The server sends no session tickets. In TLS 1.3 they come after the
// handshake, and a client that only sends never reads them: unread data at
// its close turns the close into a reset, which loses what the server had
// not read yet (Python's ssl lost 29% of 1,000 messages that way).
func TestTLSSendsNoSessionTickets(t *testing.T) {
	p := newPKI(t)
	store := &memStore{}
	s, _ := serveTLS(t, p, "", &receive.TCP{}, ingest.Config{Store: store, BatchSize: 1, BatchTimeout: time.Hour})
	for i, version := range []uint16{tls.VersionTLS12, tls.VersionTLS13} {
		// A session cache makes the client offer resumption, as OpenSSL's
		// and GnuTLS's clients do; a ticket received is Put in it.
		cache := &ticketCache{ClientSessionCache: tls.NewLRUClientSessionCache(1)}
		c, err := tls.Dial("tcp", s.addr, &tls.Config{RootCAs: p.ca.Pool(), MinVersion: version, MaxVersion: version,
			ClientSessionCache: cache})
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(c, "<13>1 - h app - - - version %x\n", version)
		// Stored: the server is past its handshake and what follows it.
		waitUntil(t, "the message", 5*time.Second, func() bool { return len(store.all()) == i+1 })
		c.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
		if _, err := c.Read(make([]byte, 1)); !isTimeout(err) { // handles what the server sent after the handshake
			t.Errorf("TLS %x: read %v, want nothing until the deadline", version, err)
		}
		if n := cache.puts.Load(); n != 0 {
			t.Errorf("TLS %x: the server sent %d session tickets, want none", version, n)
		}
		c.Close()
	}
}

// ticketCache counts the sessions a client is given.
type ticketCache struct {
	tls.ClientSessionCache
	puts atomic.Int32
}

func (c *ticketCache) Put(key string, cs *tls.ClientSessionState) {
	if cs != nil {
		c.puts.Add(1)
	}
	c.ClientSessionCache.Put(key, cs)
}

func isTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}
