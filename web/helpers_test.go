package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db"
	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/db/sqlite"
	"github.com/aiosyslogd/aiosyslogd/internal/testwait"
	"github.com/aiosyslogd/aiosyslogd/syslog"
	"github.com/aiosyslogd/aiosyslogd/web/session"
	"github.com/aiosyslogd/aiosyslogd/web/user"
)

// record is a stored message for the tests.
func record(at, host, app string, f syslog.Facility, s syslog.Severity, text string) search.Row {
	t, err := time.Parse("2006-01-02 15:04:05", at)
	if err != nil {
		panic(err)
	}
	return search.Row{ReceivedAt: t, Message: syslog.Message{
		Priority: syslog.NewPriority(f, s), Timestamp: t, Hostname: host, AppName: app, ProcID: "42", Text: text,
	}}
}

// fixture is two months of messages, oldest first.
var fixture = []search.Row{
	record("2026-10-30 10:00:00", "web1", "sshd", 4, 6, "Accepted password for alice from 10.0.0.5"),
	record("2026-10-31 12:00:00", "db1", "postgres", 3, 3, "connection refused on port 5432"),
	record("2026-10-31 23:00:00", "web2", "nginx", 16, 4, "GET /index.html 200 user=bob"),
	record("2026-11-01 01:00:00", "web1", "sshd", 4, 5, "Failed password for root from 203.0.113.9"),
	record("2026-11-01 02:00:00", "mail", "postfix", 2, 7, `<script>alert(1)</script>`),
	record("2026-11-01 03:00:00", "web2", "nginx", 16, 6, `"><img src=x onerror=alert(2)> from fe80::1 mac 00:1a:2b:3c:4d:5e`),
}

// testServer is a Server over a database of records, on httptest, with
// the users of testdata/users.json (alice, an admin; bob; carol; their
// passwords are NAME-password, cheap scrypt hashes made with Python).
type testServer struct {
	*httptest.Server
	srv    *Server
	users  *user.Store
	store  *sqlite.Store
	dbPath string
}

func newTestServer(t *testing.T, records []search.Row, configure func(*Config)) *testServer {
	t.Helper()
	dir := t.TempDir()
	data, err := os.ReadFile("testdata/users.json")
	if err != nil {
		t.Fatal(err)
	}
	usersFile := filepath.Join(dir, "users.json")
	if err := os.WriteFile(usersFile, data, 0o600); err != nil {
		t.Fatal(err)
	}
	ts := &testServer{dbPath: filepath.Join(dir, "syslog.db")}
	if records != nil {
		if ts.store, err = sqlite.Open(context.Background(), ts.dbPath); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ts.store.Close() })
		if err := ts.store.Write(context.Background(), records); err != nil {
			t.Fatal(err)
		}
	}
	ts.start(t, usersFile, configure)
	return ts
}

// newTestServerOn is another server on the files of ts: the web server
// started again.
func newTestServerOn(t *testing.T, ts *testServer) *testServer {
	t.Helper()
	again := &testServer{dbPath: ts.dbPath, store: ts.store}
	again.start(t, ts.users.Path(), nil)
	return again
}

// start serves the database of ts with the users of usersFile, and
// session.key beside it.
func (ts *testServer) start(t *testing.T, usersFile string, configure func(*Config)) {
	t.Helper()
	users, err := user.Open(usersFile)
	if err != nil {
		t.Fatal(err)
	}
	key, err := session.LoadKey(session.KeyPath(usersFile))
	if err != nil {
		t.Fatal(err)
	}
	sessions, _ := session.NewManager(key, users)
	ts.users = users
	cfg := Config{Database: ts.dbPath, Open: openSQLite(ts.dbPath), Users: users, Sessions: sessions, TailInterval: 20 * time.Millisecond}
	if configure != nil {
		configure(&cfg)
	}
	if ts.srv, err = New(cfg); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ts.srv.Close() })
	ts.Server = httptest.NewServer(ts.srv)
	t.Cleanup(ts.Close)
}

// client is a browser without a session: cookies kept, redirects not
// followed.
func (ts *testServer) client(t *testing.T) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// login returns a client logged in as name.
func (ts *testServer) login(t *testing.T, name string) *http.Client {
	t.Helper()
	c := ts.client(t)
	res := ts.postLogin(t, c, url.Values{"username": {name}, "password": {name + "-password"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login as %s: %s", name, res.Status)
	}
	return c
}

// postLogin posts the login form as a browser does: the form's CSRF token
// (and its cookie) from GET /login first.
func (ts *testServer) postLogin(t *testing.T, c *http.Client, form url.Values) *http.Response {
	t.Helper()
	form.Set("csrf_token", ts.csrfToken(t, c, "/login"))
	return ts.post(t, c, "/login", form)
}

func (ts *testServer) post(t *testing.T, c *http.Client, path string, form url.Values) *http.Response {
	t.Helper()
	res, err := c.PostForm(ts.URL+path, form)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res
}

// get fetches path and returns the response and its body.
func (ts *testServer) get(t *testing.T, c *http.Client, path string, header ...string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", ts.URL+path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, string(b)
}

// getJSON fetches path, checks the status and decodes the body into v.
func (ts *testServer) getJSON(t *testing.T, c *http.Client, path string, status int, v any) {
	t.Helper()
	res, body := ts.get(t, c, path)
	if res.StatusCode != status {
		t.Fatalf("GET %s: %s, want %d: %s", path, res.Status, status, body)
	}
	if ct := res.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("GET %s: Content-Type %q", path, ct)
	}
	if err := json.Unmarshal([]byte(body), v); err != nil {
		t.Fatalf("GET %s: %v: %s", path, err, body)
	}
}

// csrfToken is the CSRF token in a page that c gets.
func (ts *testServer) csrfToken(t *testing.T, c *http.Client, path string) string {
	t.Helper()
	_, body := ts.get(t, c, path)
	m := regexp.MustCompile(`name="csrf_token" value="([^"]+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no CSRF token in %s: %s", path, body)
	}
	return m[1]
}

// messages are the Messages of a /api/search answer.
type apiEvent struct {
	Table, FromHost, SysLogTag, Message string
	ID                                  int64
	Priority                            int
	StructuredData                      any
	RawMessage                          []byte
}

func searchMessages(t *testing.T, ts *testServer, c *http.Client, query string) ([]string, *string) {
	t.Helper()
	var page struct {
		Events []apiEvent
		Next   *string
	}
	ts.getJSON(t, c, "/api/search?"+query, http.StatusOK, &page)
	var got []string
	for _, e := range page.Events {
		got = append(got, e.Message)
	}
	return got, page.Next
}

func contains(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}

// eventually is testwait's: tests wait on conditions, bounded in time.
var eventually = testwait.Eventually

// openSQLite is Config.Open of the SQLite file path, as cmd opens it for
// web: DefaultReadConns searches at once.
func openSQLite(path string) func(ctx context.Context) (db.Browser, error) {
	return func(ctx context.Context) (db.Browser, error) {
		r, err := sqlite.OpenReader(ctx, path)
		if errors.Is(err, db.ErrNoDatabase) {
			return nil, fmt.Errorf("no database at %s yet: start aiosyslogd serve: %w", path, err)
		}
		if err != nil {
			return nil, err
		}
		r.SetMaxConns(DefaultReadConns)
		return r, nil
	}
}
