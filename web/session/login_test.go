package session_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aiosyslogd/aiosyslogd/web/session"
	"github.com/aiosyslogd/aiosyslogd/web/user"
)

// app is the smallest web server built from the package the way the web
// UI's handlers are meant to use it: GET /login (the form's CSRF token),
// POST /login, a page that needs a session, a form that needs a CSRF
// token, POST /logout.
type app struct {
	users    *user.Store
	sessions *session.Manager
	guard    *session.LoginGuard
}

func (a *app) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<16)
	if r.URL.Path == "/login" {
		a.login(w, r)
		return
	}
	s, err := a.sessions.Get(r)
	if err != nil {
		http.Error(w, "log in", http.StatusUnauthorized)
		return
	}
	if r.Method == http.MethodPost {
		if err := a.sessions.CheckRequest(r, s); err != nil {
			http.Error(w, err.Error(), http.StatusForbidden)
			return
		}
	}
	switch r.URL.Path {
	case "/logout":
		c, err := a.sessions.End(s)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		http.SetCookie(w, c)
	case "/":
		w.Write([]byte(a.sessions.CSRFToken(s)))
	}
}

func (a *app) login(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet { // the form: here, its token alone
		token, c, err := a.sessions.LoginCSRF(r)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		if c != nil {
			http.SetCookie(w, c)
		}
		w.Write([]byte(token))
		return
	}
	if err := a.sessions.CheckLoginCSRF(r); err != nil {
		http.Error(w, err.Error(), http.StatusForbidden)
		return
	}
	name := r.PostFormValue("username")
	client, _ := netip.ParseAddr(r.Header.Get("X-Client")) // behind a trusted proxy
	if ok, wait := a.guard.Allow(name, client); !ok {
		w.Header().Set("Retry-After", strconv.Itoa(int(wait.Round(time.Second).Seconds())))
		http.Error(w, "too many failed logins", http.StatusTooManyRequests)
		return
	}
	u, err := a.users.Authenticate(r.Context(), name, r.PostFormValue("password"))
	if errors.Is(err, user.ErrInvalidCredentials) {
		a.guard.Fail(name, client)
		http.Error(w, "wrong user name or password", http.StatusUnauthorized)
		return
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	a.guard.Succeed(name, client)
	_, cookie, err := a.sessions.Start(u)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	http.SetCookie(w, cookie)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

type testClock struct{ t time.Time }

func (c *testClock) Now() time.Time { return c.t }

// copyUsers copies testdata/users.json, users alice (an admin), bob and
// carol with the passwords NAME-password, into a temporary directory. Its
// hashes are scrypt:1024:8:1, made with Python's hashlib.scrypt: cheap, so
// that logins are quick under the race detector.
func copyUsers(t *testing.T) *user.Store {
	t.Helper()
	data, err := os.ReadFile("testdata/users.json")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "users.json")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	users, err := user.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	return users
}

func TestLoginFlow(t *testing.T) {
	users := copyUsers(t)
	usersFile := users.Path()
	key, err := session.LoadKey(session.KeyPath(usersFile))
	if err != nil {
		t.Fatal(err)
	}
	sessions, _ := session.NewManager(key, users)
	clock := &testClock{time.Date(2026, 11, 24, 13, 0, 0, 0, time.UTC)}
	sessions.Now = clock.Now
	srv := httptest.NewServer(&app{users, sessions, &session.LoginGuard{PerPair: session.LoginLimiter{Now: clock.Now}}})
	defer srv.Close()

	if got := post(t, srv, "/login", "", url.Values{"username": {"alice"}, "password": {"alice-password"}}); got.StatusCode != 403 {
		t.Fatalf("a login without the form's token: %s; want 403", got.Status)
	}
	form := loginForm(t, srv, "198.51.100.7")
	for i := range session.DefaultMaxFailures {
		if got := form.post(t, "alice", "guess"+strconv.Itoa(i)); got.StatusCode != 401 {
			t.Fatalf("wrong password %d: %s", i, got.Status)
		}
	}
	got := form.post(t, "alice", "alice-password")
	if got.StatusCode != 429 || got.Header.Get("Retry-After") != "60" {
		t.Fatalf("after 5 failures, the right password: %s, Retry-After %q; want 429, 60", got.Status, got.Header.Get("Retry-After"))
	}
	if got := loginForm(t, srv, "192.0.2.1").post(t, "alice", "alice-password"); got.StatusCode != 303 {
		t.Fatalf("alice from another client meanwhile: %s", got.Status)
	}
	clock.t = clock.t.Add(time.Minute)
	got = form.post(t, "alice", "alice-password")
	if got.StatusCode != 303 || len(got.Cookies()) != 1 {
		t.Fatalf("a minute later: %s, cookies %v", got.Status, got.Cookies())
	}
	cookie := got.Cookies()[0]
	if !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode {
		t.Errorf("cookie %v", cookie)
	}
	page := get(t, srv, cookie)
	if page.StatusCode != 200 {
		t.Fatalf("page with the session: %s", page.Status)
	}
	token := readBody(t, page)
	if got := post(t, srv, "/logout", cookie.Name+"="+cookie.Value, nil); got.StatusCode != 403 {
		t.Errorf("POST without a CSRF token: %s; want 403", got.Status)
	}
	if got := post(t, srv, "/logout", cookie.Name+"="+cookie.Value, url.Values{session.CSRFField: {token}}); got.StatusCode != 200 {
		t.Errorf("logout with the token: %s", got.Status)
	}
	if got := get(t, srv, cookie); got.StatusCode != 401 {
		t.Errorf("the cookie after logout: %s; want 401", got.Status)
	}
}

// form is a login form as one client got it: its cookie and token.
type form struct {
	srv           *httptest.Server
	client        string // the client's address, as a trusted proxy says
	cookie, token string
}

// loginForm gets the login form for a client.
func loginForm(t *testing.T, srv *httptest.Server, client string) *form {
	t.Helper()
	req, _ := http.NewRequest("GET", srv.URL+"/login", nil)
	res := do(t, req)
	c := res.Cookies()
	if len(c) != 1 || c[0].Name != session.LoginCookieName {
		t.Fatalf("GET /login: cookies %v", c)
	}
	return &form{srv: srv, client: client, cookie: c[0].Name + "=" + c[0].Value, token: readBody(t, res)}
}

// post logs in with the form.
func (f *form) post(t *testing.T, name, password string) *http.Response {
	t.Helper()
	v := url.Values{"username": {name}, "password": {password}, session.CSRFField: {f.token}}
	req, _ := http.NewRequest("POST", f.srv.URL+"/login", strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Cookie", f.cookie)
	req.Header.Set("X-Client", f.client)
	return do(t, req)
}

// post sends a form, with cookie (NAME=VALUE) if not empty, and does not
// follow redirects.
func post(t *testing.T, srv *httptest.Server, path, cookie string, form url.Values) *http.Response {
	t.Helper()
	req, _ := http.NewRequest("POST", srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	return do(t, req)
}

func get(t *testing.T, srv *httptest.Server, cookie *http.Cookie) *http.Response {
	t.Helper()
	req, _ := http.NewRequest("GET", srv.URL+"/", nil)
	req.AddCookie(cookie)
	return do(t, req)
}

func do(t *testing.T, req *http.Request) *http.Response {
	t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func readBody(t *testing.T, resp *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
