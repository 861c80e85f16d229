//go:build e2e

package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The first start makes users.json with admin and a random password,
// printed once; it logs in; the files are 0600; a restart prints nothing
// and keeps the session.
func TestWebFirstStart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := webConfig(filepath.Join(dir, "syslog.db"), "")
	w := startWeb(t, dir, cfg)
	m := regexp.MustCompile(`the admin user "admin" and the password\n\n    (\S+)\n\nIt is shown only now\. .*aiosyslogd user passwd admin`).FindStringSubmatch(w.Stderr())
	if m == nil {
		t.Fatalf("no password on stderr:\n%s", w.Stderr())
	}
	c := webClient()
	if res := w.webLogin(c, "admin", "admin"); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("admin/admin: %s", res.Status)
	}
	if res := w.webLogin(c, "admin", m[1]); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("the printed password: %s", res.Status)
	}
	for _, name := range []string{"users.json", "session.key"} {
		if fi, err := os.Stat(filepath.Join(dir, name)); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v, %v", name, fi.Mode(), err)
		}
	}
	// No database yet: the API says what to do, /healthz is up.
	if code, body := w.webGet(c, "/api/search"); code != 503 || !strings.Contains(body, "aiosyslogd serve") {
		t.Errorf("no database: %d %s", code, body)
	}
	w.Stop()
	w = startWeb(t, dir, cfg)
	if strings.Contains(w.Stderr(), "password") {
		t.Errorf("the second start printed a password:\n%s", w.Stderr())
	}
	if code, body := w.webGet(c, "/healthz"); code != 200 || body != "{\"ok\":true,\"newest\":null}\n" {
		t.Errorf("healthz: %d %q", code, body)
	}
	if code, _ := w.webGet(c, "/?since=1h"); code != 200 {
		t.Errorf("the session after a restart: %d", code)
	}
}

// Against a running serve: logger's message is found by the API as by
// search -o json; the Python users log in; tokens work; 401 without.
func TestWebWhileServeWrites(t *testing.T) {
	d := startDaemon(t, func(p string) string { return testConfig(p, "", "") })
	pythonUsers(t, d.dir)
	d.send("<34>1 2026-11-24T10:00:00Z web7 sshd 12 - - Failed password for root from 203.0.113.9")
	d.waitRows(1, 30*time.Second)
	w := startWeb(t, d.dir, webConfig(d.dbPath, ""))
	c := webClient()
	if code, body := w.webGet(c, "/api/search"); code != 401 || !strings.Contains(body, `"error"`) {
		t.Errorf("without a login: %d %s", code, body)
	}
	if code, _ := w.webGet(c, "/"); code != http.StatusSeeOther {
		t.Errorf("the page without a login: %d", code)
	}
	if res := w.webLogin(c, "bob", "bob-password"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("bob of the Python users.json: %s", res.Status)
	}
	code, body := w.webGet(c, "/api/search?q=password&host=web*")
	stdout, _, _ := searchRun(t, d.dir, d.dbPath, "password", "--host", "web*", "-o", "json")
	if code != 200 || !strings.Contains(body, `{"events":[`+strings.TrimSpace(stdout)+`],"next":null}`) {
		t.Errorf("API %d\n%s\nsearch -o json\n%s", code, body, stdout)
	}
	token, _, _ := runBinary(t, d.dir, nil, "user", "token", "carol")
	if code, body := w.webGet(webClient(), "/api/facets?field=host", "Authorization", "Bearer "+strings.TrimSpace(token)); code != 200 || !strings.Contains(body, `"web7"`) {
		t.Errorf("with a token: %d %s", code, body)
	}
	if code, body := w.webGet(c, "/api/search?q=a+AND"); code != 400 || !strings.Contains(body, `"column":3`) {
		t.Errorf("a bad query: %d %s", code, body)
	}
	w.Stop()
	d.Stop()
}

// selfSigned writes a certificate for 127.0.0.1 and its key, PEM.
func selfSigned(t *testing.T, dir string) (cert, key string) {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), DNSNames: []string{"localhost"}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	kb, _ := x509.MarshalECPrivateKey(k)
	cert, key = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644)
	os.WriteFile(key, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600)
	return cert, key
}

// With cert_file and key_file, web serves HTTPS, and its cookie is Secure.
func TestWebHTTPS(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	pythonUsers(t, dir)
	cert, key := selfSigned(t, dir)
	w := startWeb(t, dir, webConfig(filepath.Join(dir, "syslog.db"), "cert_file = \""+cert+"\"\nkey_file = \""+key+"\""))
	if !strings.HasPrefix(w.url, "https://") {
		t.Fatalf("url %s", w.url)
	}
	res := w.webLogin(webClient(), "alice", "alice-password")
	if res.StatusCode != http.StatusSeeOther || len(res.Cookies()) != 1 || !res.Cookies()[0].Secure {
		t.Errorf("login over HTTPS: %s %v", res.Status, res.Cookies())
	}
	if res.Header.Get("Strict-Transport-Security") == "" {
		t.Error("no HSTS header over HTTPS")
	}
}

func TestWebConfigErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, c := range []struct{ extra, stderr string }{
		{"cert_file = \"a.pem\"", `line 12: web_server.cert_file is set without key_file`},
		{"session_hours = 0", `line 12: web_server.session_hours = 0`},
		{"redact = \"yes\"", "line 12 (last key \"web_server.redact\")"},
		{"colour = true", `line 12: unknown key "web_server.colour"`},
		{"trusted_proxies = [\"10.0.0.1\", \"proxy.example\"]", `line 12: web_server.trusted_proxies has "proxy.example": want an IP address or a network`},
		{"trusted_proxies = [\"10.0.0.0/33\"]", `line 12: web_server.trusted_proxies has "10.0.0.0/33"`},
		{"trusted_proxies = \"10.0.0.1\"", "line 12 (last key \"web_server.trusted_proxies\")"},
	} {
		cfg := filepath.Join(dir, "bad.toml")
		os.WriteFile(cfg, []byte(webConfig(filepath.Join(dir, "syslog.db"), c.extra)), 0o644)
		_, stderr, code := runBinary(t, dir, nil, "--config", cfg, "web")
		if code != 2 || !strings.Contains(stderr, c.stderr) || !strings.Contains(stderr, "bad.toml") {
			t.Errorf("%s: exit %d, %q; want 2 and %q", c.extra, code, stderr, c.stderr)
		}
	}
}
