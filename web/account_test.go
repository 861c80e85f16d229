package web

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// A user who is no admin changes their own password: only with the current
// one, typed twice, long enough; afterwards the new one logs in and the
// old one does not.
func TestAccountPassword(t *testing.T) {
	tests := []struct {
		name                string
		current, new, again string
		status              int
		says                string
	}{
		{"the repetition differs", "bob-password", "bob-new-password", "bob-new-passw0rd", http.StatusBadRequest, "differ"},
		{"the current one is wrong", "not-bobs", "bob-new-password", "bob-new-password", http.StatusForbidden, "current password is wrong"},
		{"too short", "bob-password", "short", "short", http.StatusBadRequest, "password"},
		{"changed", "bob-password", "bob-new-password", "bob-new-password", http.StatusSeeOther, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestServer(t, fixture, nil)
			bob := ts.login(t, "bob")
			form := url.Values{"current": {tt.current}, "password": {tt.new}, "again": {tt.again},
				"csrf_token": {ts.csrfToken(t, bob, "/account")}}
			res, err := bob.PostForm(ts.URL+"/account/password", form)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			body := string(b)
			if res.StatusCode != tt.status || !strings.Contains(body, tt.says) {
				t.Fatalf("%s, want %d saying %q: %s", res.Status, tt.status, tt.says, body)
			}
			changed := tt.status == http.StatusSeeOther
			for password, works := range map[string]bool{"bob-password": !changed, "bob-new-password": changed} {
				res := ts.postLogin(t, ts.client(t), url.Values{"username": {"bob"}, "password": {password}})
				if (res.StatusCode == http.StatusSeeOther) != works {
					t.Errorf("login with %s: %s, want it to work: %v", password, res.Status, works)
				}
			}
		})
	}
}

// Guessing the current password from a stolen session is a failed login:
// the login guard stops it as it stops the login form.
func TestAccountPasswordGuessesAreLimited(t *testing.T) {
	ts := newTestServer(t, fixture, nil)
	bob := ts.login(t, "bob")
	status := 0
	for i := 0; i < 20 && status != http.StatusTooManyRequests; i++ {
		form := url.Values{"current": {"guess"}, "password": {"bob-new-password"}, "again": {"bob-new-password"},
			"csrf_token": {ts.csrfToken(t, bob, "/account")}}
		status = ts.post(t, bob, "/account/password", form).StatusCode
	}
	if status != http.StatusTooManyRequests {
		t.Errorf("20 wrong current passwords: the last answered %d, want 429", status)
	}
}
