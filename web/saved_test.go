package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestSavedSearchesPage(t *testing.T) {
	ts := newTestServer(t, fixture, nil)
	alice := ts.login(t, "alice")
	token := ts.csrfToken(t, alice, "/?q=sshd&since=24h")
	post := func(path string, form url.Values) (int, string) {
		t.Helper()
		form.Set("csrf_token", token)
		res, err := alice.PostForm(ts.URL+path, form)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var b bytes.Buffer
		if _, err := b.ReadFrom(res.Body); err != nil {
			t.Fatal(err)
		}
		return res.StatusCode, b.String()
	}
	steps := []struct {
		path   string
		form   url.Values
		status int
		says   string
	}{
		{"/saved", url.Values{"name": {"ssh"}, "view": {"q=sshd&since=24h&cursor=x"}}, 200, `href="/?q=sshd&amp;since=24h"`},
		{"/saved", url.Values{"name": {"<script>x</script>"}, "view": {"host=%22%3E%3Cimg%3E"}}, 200, "&lt;script&gt;x&lt;/script&gt;"},
		{"/saved", url.Values{"name": {"ssh"}, "view": {"q=x"}}, 400, "has that name already"},
		{"/saved", url.Values{"name": {"bad"}, "view": {"q=(sshd"}}, 400, "cannot be searched"},
		{"/saved", url.Values{"name": {"bad"}, "view": {"since=yesterday-ish"}}, 400, "cannot be searched"},
		{"/saved", url.Values{"name": {"  "}, "view": {"q=x"}}, 400, "a name is 1 to 100 characters"},
		{"/saved/rename", url.Values{"name": {"ssh"}, "new_name": {"ssh failures"}}, 200, `Renamed &#34;ssh&#34; to &#34;ssh failures&#34;.`},
		{"/saved/rename", url.Values{"name": {"nothing"}, "new_name": {"x"}}, 400, "no saved search has that name"},
		{"/saved/delete", url.Values{"name": {"<script>x</script>"}}, 200, `Deleted &#34;&lt;script&gt;x&lt;/script&gt;&#34;.`},
	}
	for _, s := range steps {
		status, body := post(s.path, s.form)
		if status != s.status || !strings.Contains(body, s.says) {
			t.Errorf("POST %s %v: %d, want %d saying %q", s.path, s.form, status, s.status, s.says)
		}
		if strings.Contains(body, "<script>x") || strings.Contains(body, `"><img>`) {
			t.Errorf("POST %s: a stored string is in the page as HTML", s.path)
		}
	}
	var got savedAnswer
	ts.getJSON(t, alice, "/api/saved", http.StatusOK, &got)
	if len(got.Saved) != 1 || got.Saved[0].Name != "ssh failures" || got.Saved[0].Link != "/?q=sshd&since=24h" {
		t.Errorf("GET /api/saved = %+v", got)
	}

	// Without the CSRF token, nothing changes.
	res := ts.post(t, alice, "/saved/delete", url.Values{"name": {"ssh failures"}})
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("delete without CSRF token: %s, want 403", res.Status)
	}
	// Another user sees only their own.
	bob := ts.login(t, "bob")
	ts.getJSON(t, bob, "/api/saved", http.StatusOK, &got)
	if len(got.Saved) != 0 {
		t.Errorf("bob sees %+v", got.Saved)
	}
	_, page := ts.get(t, bob, "/saved")
	if !strings.Contains(page, "No saved searches yet") {
		t.Errorf("bob's page: %s", page)
	}
}

func TestSavedSearchesAPI(t *testing.T) {
	ts := newTestServer(t, fixture, nil)
	token, err := ts.users.NewToken("bob")
	if err != nil {
		t.Fatal(err)
	}
	do := func(path string, form url.Values, header ...string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest("POST", ts.URL+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var b bytes.Buffer
		b.ReadFrom(res.Body)
		return res.StatusCode, b.String()
	}
	bearer := []string{"Authorization", "Bearer " + token}
	steps := []struct {
		path   string
		form   url.Values
		header []string
		status int
		says   string
	}{
		{"/api/saved", url.Values{"name": {"errors"}, "view": {"severity=err&since=7d"}}, bearer, 200, `"link":"/?severity=err&since=7d"`},
		{"/api/saved", url.Values{"name": {"errors"}, "view": {"q=x"}}, bearer, 400, `"error":"a saved search has that name already: \"errors\""`},
		{"/api/saved", url.Values{"name": {"x"}, "view": {"q=x"}}, nil, 401, "not logged in"},
		{"/api/saved/rename", url.Values{"name": {"errors"}, "new_name": {"all errors"}}, bearer, 200, `"name":"all errors"`},
		{"/api/saved/delete", url.Values{"name": {"all errors"}}, bearer, 200, `{"saved":[]}`},
	}
	for _, s := range steps {
		status, body := do(s.path, s.form, s.header...)
		if status != s.status || !strings.Contains(body, s.says) {
			t.Errorf("POST %s %v: %d %s, want %d saying %s", s.path, s.form, status, body, s.status, s.says)
		}
	}

	// A session needs its CSRF token, in a header here.
	alice := ts.login(t, "alice")
	csrf := ts.csrfToken(t, alice, "/saved")
	for _, tc := range []struct {
		token  string
		status int
	}{{"", http.StatusForbidden}, {csrf, http.StatusOK}} {
		req, _ := http.NewRequest("POST", ts.URL+"/api/saved", strings.NewReader("name=mine&view=q%3Dsshd"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-CSRF-Token", tc.token)
		res, err := alice.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != tc.status {
			t.Errorf("session POST /api/saved with CSRF token %q: %s, want %d", tc.token, res.Status, tc.status)
		}
	}
}
