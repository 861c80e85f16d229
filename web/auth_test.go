package web

import (
	"encoding/base64"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/aiosyslogd/aiosyslogd/internal/testwait"
	"github.com/aiosyslogd/aiosyslogd/web/session"
)

// syncLog is output a test reads while it is written.
type syncLog = testwait.Log

func newLocalListener(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln
}

func TestLoginRequired(t *testing.T) {
	ts := newTestServer(t, fixture, nil)
	c := ts.client(t)
	for _, path := range []string{"/api/search", "/api/histogram", "/api/facets?field=host", "/api/tail", "/api/export", "/api/event?table=x&id=1"} {
		var e apiError
		ts.getJSON(t, c, path, http.StatusUnauthorized, &e)
		if !strings.Contains(e.Error, "not logged in") {
			t.Errorf("%s: %q", path, e.Error)
		}
	}
	for _, path := range []string{"/?q=x", "/admin/users"} {
		res, _ := ts.get(t, c, path)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login?next="+url.QueryEscape(path) {
			t.Errorf("%s: %s to %q", path, res.Status, res.Header.Get("Location"))
		}
	}
	// A form posted after the session ended: the login form, then the
	// search page (a redirect cannot post it again; GET /logout is 405).
	if res := ts.post(t, c, "/logout", url.Values{"csrf_token": {"x"}}); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login" {
		t.Errorf("POST /logout without a session: %s to %q", res.Status, res.Header.Get("Location"))
	}
	var e apiError
	ts.getJSON(t, c, "/api/search", http.StatusUnauthorized, &e)
	res, _ := ts.get(t, c, "/api/search", "Authorization", "Bearer not-a-token")
	if res.StatusCode != http.StatusUnauthorized {
		t.Errorf("a wrong token: %s", res.Status)
	}
}

// The users of a Python aiosyslogd's users.json log in with their
// passwords; a wrong one is refused.
func TestLoginPythonUsers(t *testing.T) {
	ts := newTestServer(t, fixture, nil)
	c := ts.client(t)
	res := ts.postLogin(t, c, url.Values{"username": {"carol"}, "password": {"carol-password"}, "next": {"/?q=disk"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/?q=disk" {
		t.Fatalf("carol: %s to %q", res.Status, res.Header.Get("Location"))
	}
	cookie := res.Cookies()[0]
	if !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode || cookie.Secure {
		t.Errorf("cookie %+v", cookie)
	}
	if r, _ := ts.get(t, c, "/api/search"); r.StatusCode != 200 {
		t.Errorf("with the session: %s", r.Status)
	}
	if r := ts.postLogin(t, ts.client(t), url.Values{"username": {"alice"}, "password": {"guess"}}); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("a wrong password: %s", r.Status)
	}
}

// After a login the browser goes only to a path of this server, as
// browsers read the URL: they drop tab, CR and LF and take \ for /.
func TestLoginNextStaysOnTheSite(t *testing.T) {
	ts := newTestServer(t, fixture, nil)
	tests := []struct{ next, want string }{
		{"/?q=disk", "/?q=disk"},
		{"/admin/users", "/admin/users"},
		{"", "/"},
		{"//evil.example/", "/"},
		{"https://evil.example/", "/"},
		{`/\evil.example`, "/"},
		{"/\t/evil.example", "/"},
		{"/\n/evil.example", "/"},
		{"/\r/evil.example", "/"},
		{"/\x00/evil.example", "/"},
		{"\t//evil.example", "/"},
		{"evil.example", "/"},
		{"javascript:alert(1)", "/"},
		{"/%2f/evil.example", "/"}, // harmless to browsers, but refused with the rest
	}
	for _, tt := range tests {
		r := ts.postLogin(t, ts.client(t), url.Values{"username": {"bob"}, "password": {"bob-password"}, "next": {tt.next}})
		if got := r.Header.Get("Location"); r.StatusCode != http.StatusSeeOther || got != tt.want {
			t.Errorf("next %q: %s to %q, want %q", tt.next, r.Status, got, tt.want)
		}
	}
	// GET /login with a session redirects the same way.
	c := ts.login(t, "bob")
	if res, _ := ts.get(t, c, "/login?next="+url.QueryEscape("/\t/evil.example")); res.Header.Get("Location") != "/" {
		t.Errorf("GET /login with a session: to %q", res.Header.Get("Location"))
	}
}

// The login form carries a CSRF token bound to a cookie of its own: a
// form posted from another site (no cookie, or a token of another
// browser) is refused, so it cannot log the browser in to its account.
func TestLoginNeedsCSRF(t *testing.T) {
	ts := newTestServer(t, fixture, nil)
	right := url.Values{"username": {"bob"}, "password": {"bob-password"}}
	other := ts.client(t)
	othersToken := ts.csrfToken(t, other, "/login")
	c := ts.client(t)
	ts.csrfToken(t, c, "/login") // c has a login cookie of its own
	tests := []struct {
		name  string
		c     *http.Client
		token string
	}{
		{"no cookie, no token", ts.client(t), ""},
		{"a cookie, no token", c, ""},
		{"a forged token", c, "forged"},
		{"another browser's token", c, othersToken},
	}
	for _, tt := range tests {
		form := url.Values{"username": right["username"], "password": right["password"], "csrf_token": {tt.token}}
		if res := ts.post(t, tt.c, "/login", form); res.StatusCode != http.StatusForbidden || len(res.Cookies()) > 0 && res.Cookies()[0].Name == session.CookieName {
			t.Errorf("%s: %s, cookies %v", tt.name, res.Status, res.Cookies())
		}
	}
	if res := ts.postLogin(t, c, right); res.StatusCode != http.StatusSeeOther {
		t.Errorf("with the form's token: %s", res.Status)
	}
}

// Failed logins are limited per client as well as per name: five wrong
// passwords lock the name for that client only, and spraying one password
// over many names from one client is slowed as much; a user who presents
// the right password from elsewhere is let in.
func TestLoginLimits(t *testing.T) {
	proxy := netip.MustParsePrefix("127.0.0.1/32")
	ts := newTestServer(t, fixture, func(c *Config) { c.TrustedProxies = []netip.Prefix{proxy} })
	from := func(client string, name, password string) *http.Response {
		c := ts.client(t)
		form := url.Values{"username": {name}, "password": {password}, "csrf_token": {ts.csrfToken(t, c, "/login")}}
		req, _ := http.NewRequest("POST", ts.URL+"/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", "203.0.113.200, "+client) // the left one is the client's to forge
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	for i := range 5 {
		if r := from("198.51.100.7", "alice", "guess"); r.StatusCode != http.StatusUnauthorized {
			t.Fatalf("wrong password %d: %s", i, r.Status)
		}
	}
	if r := from("198.51.100.7", "alice", "alice-password"); r.StatusCode != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" {
		t.Errorf("the guesser with the right password: %s, Retry-After %q", r.Status, r.Header.Get("Retry-After"))
	}
	if r := from("192.0.2.10", "alice", "alice-password"); r.StatusCode != http.StatusSeeOther {
		t.Errorf("alice from elsewhere: %s", r.Status)
	}
	codes := map[int]int{}
	for i := range 40 {
		codes[from("198.51.100.99", "name"+strconv.Itoa(i), "Winter2026!").StatusCode]++
	}
	if codes[http.StatusTooManyRequests] == 0 || codes[http.StatusUnauthorized] > session.DefaultClientFailures {
		t.Errorf("40 names from one client: %v; want 429 after %d", codes, session.DefaultClientFailures)
	}
	if r := from("192.0.2.10", "bob", "bob-password"); r.StatusCode != http.StatusSeeOther {
		t.Errorf("bob from elsewhere after the spraying: %s", r.Status)
	}
}

// The client is the peer, or behind trusted proxies the address the
// proxies put in X-Forwarded-For.
func TestClientAddr(t *testing.T) {
	srv := &Server{cfg: Config{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("::1/128")}}}
	tests := []struct{ remote, xff, want string }{
		{"192.0.2.1:5000", "", "192.0.2.1"},
		{"192.0.2.1:5000", "198.51.100.7", "192.0.2.1"}, // not a proxy: its header is ignored
		{"10.1.2.3:5000", "198.51.100.7", "198.51.100.7"},
		{"10.1.2.3:5000", "203.0.113.5, 198.51.100.7, 10.9.9.9", "198.51.100.7"},
		{"10.1.2.3:5000", "10.2.2.2, 10.9.9.9", "10.2.2.2"},
		{"10.1.2.3:5000", "nonsense, 198.51.100.7", "198.51.100.7"},
		{"10.1.2.3:5000", "", "10.1.2.3"},
		{"[::1]:5000", "2001:db8::5", "2001:db8::5"},
		{"[::ffff:192.0.2.1]:5000", "", "192.0.2.1"},
	}
	for _, tt := range tests {
		r := httptest.NewRequest("POST", "/login", nil)
		r.RemoteAddr = tt.remote
		if tt.xff != "" {
			r.Header.Set("X-Forwarded-For", tt.xff)
		}
		if got := srv.clientAddr(r); got.String() != tt.want {
			t.Errorf("%s with X-Forwarded-For %q: %s, want %s", tt.remote, tt.xff, got, tt.want)
		}
	}
}

func TestBearerToken(t *testing.T) {
	ts := newTestServer(t, fixture, nil)
	token, err := ts.users.NewToken("bob")
	if err != nil {
		t.Fatal(err)
	}
	res, body := ts.get(t, ts.client(t), "/api/search?q=password", "Authorization", "Bearer "+token)
	if res.StatusCode != 200 || !strings.Contains(body, alice) {
		t.Errorf("with the token: %s %s", res.Status, body)
	}
	// Pages want a session: a token is for scripts.
	if res, _ := ts.get(t, ts.client(t), "/", "Authorization", "Bearer "+token); res.StatusCode != http.StatusSeeOther {
		t.Errorf("the page with a token: %s", res.Status)
	}
	ts.users.SetEnabled("bob", false)
	if res, _ := ts.get(t, ts.client(t), "/api/search", "Authorization", "Bearer "+token); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("a disabled user's token: %s", res.Status)
	}
}

func TestLogoutNeedsCSRF(t *testing.T) {
	ts := newTestServer(t, fixture, nil)
	c := ts.login(t, "bob")
	if res := ts.post(t, c, "/logout", nil); res.StatusCode != http.StatusForbidden {
		t.Errorf("logout without a token: %s", res.Status)
	}
	if res := ts.post(t, c, "/logout", url.Values{"csrf_token": {"forged"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("logout with a wrong token: %s", res.Status)
	}
	token := ts.csrfToken(t, c, "/?since=24h")
	if res := ts.post(t, c, "/logout", url.Values{"csrf_token": {token}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("logout: %s", res.Status)
	}
	var e apiError
	ts.getJSON(t, c, "/api/search", http.StatusUnauthorized, &e)
}

func TestSecurityHeaders(t *testing.T) {
	ts := newTestServer(t, fixture, nil)
	for _, path := range []string{"/login", "/healthz", "/static/app.js"} {
		res, _ := ts.get(t, ts.client(t), path)
		h := res.Header
		if h.Get("X-Frame-Options") != "DENY" || h.Get("Referrer-Policy") != "no-referrer" ||
			!strings.Contains(h.Get("Content-Security-Policy"), "script-src 'self'") || strings.Contains(h.Get("Content-Security-Policy"), "unsafe-inline") ||
			h.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: headers %v", path, h)
		}
	}
}

// Client errors are 4xx, and not logged as the server's: a form over the
// bound, a forged cursor, odd static paths.
func TestClientErrorsAre4xx(t *testing.T) {
	var log syncLog
	ts := newTestServer(t, fixture, func(c *Config) {
		c.Logger = slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelWarn}))
	})
	c := ts.login(t, "bob")
	token := ts.csrfToken(t, c, "/?since=24h")
	huge := url.Values{"username": {strings.Repeat("x", maxBodyBytes)}, "password": {"x"}}
	forged := base64.RawURLEncoding.EncodeToString([]byte("sqlite_master/0/1"))
	noMonth := base64.RawURLEncoding.EncodeToString([]byte("SystemEvents209912/0/1"))
	tests := []struct {
		name   string
		do     func() *http.Response
		status int
	}{
		{"a login form over 64 KiB", func() *http.Response { return ts.postLogin(t, ts.client(t), huge) }, http.StatusRequestEntityTooLarge},
		{"a logout form over 64 KiB", func() *http.Response {
			return ts.post(t, c, "/logout", url.Values{"csrf_token": {token}, "x": {strings.Repeat("x", maxBodyBytes)}})
		}, http.StatusRequestEntityTooLarge},
		{"a forged cursor", func() *http.Response { r, _ := ts.get(t, c, "/api/search?cursor="+forged); return r }, http.StatusBadRequest},
		{"a cursor of a month not stored", func() *http.Response { r, _ := ts.get(t, c, "/api/search?cursor="+noMonth); return r }, http.StatusOK},
		{"a forged cursor to the tail", func() *http.Response { r, _ := ts.get(t, c, "/api/tail?from="+forged); return r }, http.StatusBadRequest},
		{"/static/%ff", func() *http.Response { r, _ := ts.get(t, ts.client(t), "/static/%ff"); return r }, http.StatusNotFound},
		{"/static/", func() *http.Response { r, _ := ts.get(t, ts.client(t), "/static/"); return r }, http.StatusNotFound},
		{"/static/..%2fstatic", func() *http.Response { r, _ := ts.get(t, ts.client(t), "/static/..%2fstatic"); return r }, http.StatusNotFound},
		{"/static/app.js", func() *http.Response { r, _ := ts.get(t, ts.client(t), "/static/app.js"); return r }, http.StatusOK},
	}
	for _, tt := range tests {
		if res := tt.do(); res.StatusCode != tt.status {
			t.Errorf("%s: %s, want %d", tt.name, res.Status, tt.status)
		}
	}
	if strings.Contains(log.String(), "level=ERROR") {
		t.Errorf("client errors logged as the server's:\n%s", log.String())
	}
}
