package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aiosyslogd/aiosyslogd/web/user"
)

func TestAdminUsers(t *testing.T) {
	ts := newTestServer(t, fixture, nil)
	admin := ts.login(t, "alice")
	token := ts.csrfToken(t, admin, "/admin/users")
	post := func(path string, form url.Values) (int, string) {
		t.Helper()
		form.Set("csrf_token", token)
		res, err := admin.PostForm(ts.URL+path, form)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var b strings.Builder
		buf := make([]byte, 1<<16)
		for {
			n, err := res.Body.Read(buf)
			b.Write(buf[:n])
			if err != nil {
				break
			}
		}
		return res.StatusCode, b.String()
	}
	steps := []struct {
		path   string
		form   url.Values
		status int
		says   string
	}{
		{"/admin/users", url.Values{"name": {"dave"}, "password": {"dave-password"}, "admin": {"true"}}, 200, `Added &#34;dave&#34;.`},
		{"/admin/users", url.Values{"name": {"dave"}, "password": {"dave-password"}}, 400, "already exists"},
		{"/admin/users", url.Values{"name": {"erin"}, "password": {"short"}}, 400, "unacceptable password"},
		{"/admin/users", url.Values{"name": {"<script>x</script>"}, "password": {"long enough"}}, 200, "&lt;script&gt;x&lt;/script&gt;"},
		{"/admin/users/enabled", url.Values{"name": {"bob"}, "enabled": {"false"}}, 200, `Disabled &#34;bob&#34;.`},
		{"/admin/users/password", url.Values{"name": {"carol"}, "password": {"carol-new-password"}}, 200, "new password"},
		{"/admin/users/delete", url.Values{"name": {"dave"}}, 200, `Deleted &#34;dave&#34;.`},
		{"/admin/users/delete", url.Values{"name": {"alice"}}, 400, "cannot disable or delete yourself"},
		{"/admin/users/enabled", url.Values{"name": {"alice"}, "enabled": {"false"}}, 400, "yourself"},
		{"/admin/users/delete", url.Values{"name": {"nobody"}}, 400, "no such user"},
	}
	for _, s := range steps {
		status, body := post(s.path, s.form)
		if status != s.status || !strings.Contains(body, s.says) {
			t.Errorf("POST %s %v: %d, want %d saying %q", s.path, s.form, status, s.status, s.says)
		}
	}
	if strings.Contains(func() string { _, b := ts.get(t, admin, "/admin/users"); return b }(), "<script>x") {
		t.Error("a user name is in the page as HTML")
	}
	if _, err := ts.users.Active("bob"); err == nil {
		t.Error("bob is still active")
	}
	if _, err := ts.users.Authenticate(t.Context(), "carol", "carol-new-password"); err != nil {
		t.Errorf("carol's new password: %v", err)
	}
	if _, err := ts.users.Get("dave"); err == nil {
		t.Error("dave is still there")
	}
	// Without the token, nothing changes.
	res := ts.post(t, admin, "/admin/users/delete", url.Values{"name": {"carol"}})
	if _, err := ts.users.Get("carol"); res.StatusCode != http.StatusForbidden || err != nil {
		t.Errorf("delete without a CSRF token: %s, carol: %v", res.Status, err)
	}
}

func TestAdminPagesAreForAdmins(t *testing.T) {
	ts := newTestServer(t, fixture, nil)
	c := ts.login(t, "carol")
	if res, _ := ts.get(t, c, "/admin/users"); res.StatusCode != http.StatusForbidden {
		t.Errorf("users page for a user: %s", res.Status)
	}
	token := ts.csrfToken(t, c, "/?since=24h")
	res := ts.post(t, c, "/admin/users", url.Values{"csrf_token": {token}, "name": {"mallory"}, "password": {"mallory-password"}, "admin": {"true"}})
	if _, err := ts.users.Get("mallory"); res.StatusCode != http.StatusForbidden || err == nil {
		t.Errorf("a user adding an admin: %s, %v", res.Status, err)
	}
	if _, body := ts.get(t, c, "/?since=24h"); strings.Contains(body, `href="/admin/users"`) {
		t.Error("a user sees the link to the users page")
	}
	var _ = user.ErrNotFound
}
