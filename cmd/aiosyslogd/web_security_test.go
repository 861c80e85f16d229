//go:build e2e

package main

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// copyClient is a client with c's cookies: a cookie copied out of the
// browser.
func (w *webProc) copyClient(c *http.Client) *http.Client {
	u, _ := url.Parse(w.url)
	copied := webClient()
	copied.Jar.SetCookies(u, c.Jar.Cookies(u))
	return copied
}

// Logout, user passwd, user del and add, and user token --revoke end the
// user's sessions for good: a cookie copied before stays refused after
// web restarts, and so does the token where it goes too.
func TestWebSessionsEndForGood(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	pythonUsers(t, dir)
	cfg := webConfig(filepath.Join(dir, "syslog.db"), "")
	w := startWeb(t, dir, cfg)
	login := func(name, password string) *http.Client {
		t.Helper()
		c := webClient()
		if res := w.webLogin(c, name, password); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("login as %s: %s", name, res.Status)
		}
		return c
	}
	bob := login("bob", "bob-password")
	bobCopy := w.copyClient(bob)
	if res := w.webPost(bob, "/logout", url.Values{"csrf_token": {w.csrfToken(bob, "/?since=24h")}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: %s", res.Status)
	}
	carol := login("carol", "carol-password")
	carolToken := strings.TrimSpace(mustUser(t, dir, "", "token", "carol"))
	mustUser(t, dir, "", "token", "carol", "--revoke")
	alice := login("alice", "alice-password")
	mustUser(t, dir, "", "del", "alice")
	mustUser(t, dir, "alice-password\n", "add", "alice", "--admin")
	dave := login("alice", "alice-password") // the new alice
	bob = login("bob", "bob-password")
	mustUser(t, dir, "bob-new-password\n", "passwd", "bob")

	ended := map[string]*http.Client{"bob's copied cookie after logout": bobCopy, "carol after token --revoke": carol,
		"the deleted alice": alice, "bob after passwd": bob}
	for round := range 2 {
		for name, c := range ended {
			if code, body := w.webGet(c, "/api/search"); code != http.StatusUnauthorized {
				t.Errorf("round %d, %s: %d %s", round, name, code, body)
			}
		}
		if code, _ := w.webGet(webClient(), "/api/search", "Authorization", "Bearer "+carolToken); code != http.StatusUnauthorized {
			t.Errorf("round %d, carol's revoked token: %d", round, code)
		}
		if code, _ := w.webGet(dave, "/api/search"); code == http.StatusUnauthorized {
			t.Errorf("round %d, the new alice's own session: %d", round, code)
		}
		w.Stop()
		w = startWeb(t, dir, cfg)
	}
}

// The login form is the server's own (CSRF token), sends the browser only
// to a path of this site, and is limited in size; static files are files.
func TestWebLoginForm(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	pythonUsers(t, dir)
	w := startWeb(t, dir, webConfig(filepath.Join(dir, "syslog.db"), ""))
	right := url.Values{"username": {"bob"}, "password": {"bob-password"}}
	if res := w.webPost(webClient(), "/login", right); res.StatusCode != http.StatusForbidden {
		t.Errorf("a login posted without the form's token: %s", res.Status)
	}
	for _, next := range []string{"/\t/evil.example", "/\\evil.example", "//evil.example", "/\n/evil.example"} {
		c := webClient()
		form := url.Values{"username": right["username"], "password": right["password"], "next": {next}, "csrf_token": {w.csrfToken(c, "/login")}}
		if res := w.webPost(c, "/login", form); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
			t.Errorf("next %q: %s to %q", next, res.Status, res.Header.Get("Location"))
		}
	}
	c := webClient()
	huge := url.Values{"username": {strings.Repeat("x", 70<<10)}, "password": {"x"}, "csrf_token": {w.csrfToken(c, "/login")}}
	if res := w.webPost(c, "/login", huge); res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("a login form over 64 KiB: %s", res.Status)
	}
	w.webLogin(c, "bob", "bob-password")
	forged := base64.RawURLEncoding.EncodeToString([]byte("sqlite_master/0/1"))
	for path, want := range map[string]int{"/static/%ff": 404, "/static/": 404, "/static/style.css": 200,
		"/api/search?cursor=" + forged: 400, "/api/tail?from=" + forged: 400} {
		if code, body := w.webGet(c, path); code != want {
			t.Errorf("%s: %d %s, want %d", path, code, body, want)
		}
	}
	if strings.Contains(w.Stderr(), "level=ERROR") {
		t.Errorf("client errors logged as errors:\n%s", w.Stderr())
	}
}

// Behind a trusted proxy, failed logins count per client: a guesser locks
// only himself out of a name, and spraying names from one client is
// slowed.
func TestWebLoginLimits(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	pythonUsers(t, dir)
	w := startWeb(t, dir, webConfig(filepath.Join(dir, "syslog.db"), `trusted_proxies = ["127.0.0.1"]`))
	from := func(client, name, password string) int {
		c := webClient()
		form := url.Values{"username": {name}, "password": {password}, "csrf_token": {w.csrfToken(c, "/login")}}
		return w.webPost(c, "/login", form, "X-Forwarded-For", client).StatusCode
	}
	for i := range 5 {
		if code := from("198.51.100.7", "alice", "guess"); code != http.StatusUnauthorized {
			t.Fatalf("wrong password %d: %d", i, code)
		}
	}
	if code := from("198.51.100.7", "alice", "alice-password"); code != http.StatusTooManyRequests {
		t.Errorf("the guesser with the right password: %d", code)
	}
	if code := from("192.0.2.10", "alice", "alice-password"); code != http.StatusSeeOther {
		t.Errorf("alice from elsewhere: %d", code)
	}
	codes := map[int]int{}
	for i := range 40 {
		codes[from("198.51.100.99", "name"+strconv.Itoa(i), "Winter2026!")]++
	}
	if codes[http.StatusTooManyRequests] == 0 {
		t.Errorf("40 names from one client: %v, no 429", codes)
	}
}

// Under redact, the real server masks every form of address and user
// name, keeps structured data valid, and refuses to search for them.
func TestWebRedaction(t *testing.T) {
	d := startDaemon(t, func(p string) string { return testConfig(p, "", "") })
	pythonUsers(t, d.dir)
	d.send(`<34>1 2026-11-24T10:00:00Z gw auth 12 - [meta user="root" note="user=\"bob\" at 010.001.002.003"] ` +
		`login user = carol from aabb.ccdd.ee02 and aabbccddee03 via 203.0.113.66`)
	d.waitRows(1, 30*time.Second)
	w := startWeb(t, d.dir, webConfig(d.dbPath, "redact = true"))
	c := webClient()
	if res := w.webLogin(c, "bob", "bob-password"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: %s", res.Status)
	}
	code, body := w.webGet(c, "/api/search?q=login")
	want := `"StructuredData":{"meta":{"user":"REDACTED","note":"user=\"REDACTED\" at REDACTED_IP"}},` +
		`"Message":"login user = REDACTED from REDACTED_MAC and REDACTED_MAC via REDACTED_IP"`
	if code != 200 || !strings.Contains(body, want) {
		t.Errorf("search: %d %s\nwant it to contain %s", code, body, want)
	}
	for _, secret := range []string{"carol", "bob", "root", "aabb", "010.001", "203.0.113"} {
		if strings.Contains(body, secret) {
			t.Errorf("the answer shows %s: %s", secret, body)
		}
	}
	for _, q := range []string{`q="203.0.113.66"`, "host=203.0.113.66", `q="user = carol"`, "q=aabbccddee03"} {
		key, value, _ := strings.Cut(q, "=")
		if code, body := w.webGet(c, "/api/search?"+url.Values{key: {value}}.Encode()); code != 400 || !strings.Contains(body, "masks addresses") {
			t.Errorf("%s: %d %s", q, code, body)
		}
	}
	w.Stop()
	d.Stop()
}

// One user cannot take every live tail: bob's ninth is refused (429)
// while carol still opens hers, and closing one of bob's gives him his
// slot back.
func TestWebPerUserLimits(t *testing.T) {
	t.Parallel()
	d := startDaemon(t, func(p string) string { return testConfig(p, "", "") })
	pythonUsers(t, d.dir)
	d.send(`<38>1 - web-01 sshd - - - Failed password for root`)
	d.waitRows(1, 30*time.Second)
	w := startWeb(t, d.dir, webConfig(d.dbPath, ""))
	streaming := func(name string) *http.Client {
		c := webClient()
		c.Timeout = 0 // the tails stay open for the whole test
		if res := w.webLogin(c, name, name+"-password"); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("login as %s: %s", name, res.Status)
		}
		return c
	}
	bob, carol := streaming("bob"), streaming("carol")
	tail := func(c *http.Client) *http.Response {
		t.Helper()
		res, err := c.Get(w.url + "/api/tail?since=1h")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { res.Body.Close() })
		return res
	}
	var bobs []*http.Response
	for i := range 8 {
		if res := tail(bob); res.StatusCode != http.StatusOK {
			t.Fatalf("bob's tail %d: %s", i+1, res.Status)
		} else {
			bobs = append(bobs, res)
		}
	}
	if res := tail(bob); res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("bob's ninth tail: %s, want 429", res.Status)
	}
	if res := tail(carol); res.StatusCode != http.StatusOK {
		t.Errorf("carol's tail beside bob's eight: %s", res.Status)
	}
	bobs[0].Body.Close()
	eventually(t, 30*time.Second, func() error {
		res := tail(bob)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			return fmt.Errorf("bob's tail after closing one: %s", res.Status)
		}
		return nil
	})
}
