package web

import (
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

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
	var e apiError
	ts.getJSON(t, c, "/api/search", http.StatusUnauthorized, &e)
	res, _ := ts.get(t, c, "/api/search", "Authorization", "Bearer not-a-token")
	if res.StatusCode != http.StatusUnauthorized {
		t.Errorf("a wrong token: %s", res.Status)
	}
}

// The users of a Python aiosyslogd's users.json log in with their
// passwords; a wrong one is refused, five within a minute lock the name.
func TestLoginPythonUsers(t *testing.T) {
	ts := newTestServer(t, fixture, nil)
	c := ts.client(t)
	res := ts.post(t, c, "/login", url.Values{"username": {"carol"}, "password": {"carol-password"}, "next": {"/?q=disk"}})
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
	for i := range 5 {
		if r := ts.post(t, ts.client(t), "/login", url.Values{"username": {"alice"}, "password": {"guess"}}); r.StatusCode != http.StatusUnauthorized {
			t.Fatalf("wrong password %d: %s", i, r.Status)
		}
	}
	res = ts.post(t, ts.client(t), "/login", url.Values{"username": {"alice"}, "password": {"alice-password"}})
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
		t.Errorf("sixth try: %s, Retry-After %q", res.Status, res.Header.Get("Retry-After"))
	}
	// Another name is not locked.
	ts.login(t, "bob")
	// A next that leaves the site goes to / instead.
	for _, next := range []string{"//evil.example/", "https://evil.example/", `/\evil.example`} {
		r := ts.post(t, ts.client(t), "/login", url.Values{"username": {"bob"}, "password": {"bob-password"}, "next": {next}})
		if r.Header.Get("Location") != "/" {
			t.Errorf("next %q: redirected to %q", next, r.Header.Get("Location"))
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
	// Forms bigger than the bound are refused, not read.
	res, err := ts.client(t).PostForm(ts.URL+"/login", url.Values{"username": {strings.Repeat("x", maxBodyBytes)}})
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode == http.StatusSeeOther || res.StatusCode == http.StatusOK {
		t.Errorf("a huge login form: %s", res.Status)
	}
}
