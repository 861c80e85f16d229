package web

import (
	"net/http"
	"net/url"
	"testing"
)

// A cookie copied before one of these changes is refused afterwards, by
// this server and by one started anew on the same files; so is the user's
// API token where the change says so.
func TestChangesEndSessionsForGood(t *testing.T) {
	tests := []struct {
		name      string
		change    func(t *testing.T, ts *testServer, bob *http.Client)
		tokenGoes bool
	}{
		{"logout", func(t *testing.T, ts *testServer, bob *http.Client) {
			token := ts.csrfToken(t, bob, "/?since=24h")
			if res := ts.post(t, bob, "/logout", url.Values{"csrf_token": {token}}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("logout: %s", res.Status)
			}
		}, false},
		{"an admin's reset in the page", func(t *testing.T, ts *testServer, _ *http.Client) {
			admin := ts.login(t, "alice")
			form := url.Values{"name": {"bob"}, "password": {"bob-new-password"}, "csrf_token": {ts.csrfToken(t, admin, "/admin/users")}}
			if res := ts.post(t, admin, "/admin/users/password", form); res.StatusCode != http.StatusOK {
				t.Fatalf("reset: %s", res.Status)
			}
		}, true},
		{"bob's own change in the page", func(t *testing.T, ts *testServer, bob *http.Client) {
			form := url.Values{"current": {"bob-password"}, "password": {"bob-new-password"}, "again": {"bob-new-password"},
				"csrf_token": {ts.csrfToken(t, bob, "/account")}}
			if res := ts.post(t, bob, "/account/password", form); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("own change: %s", res.Status)
			}
		}, true},
		{"user passwd", func(t *testing.T, ts *testServer, _ *http.Client) {
			must(t, ts.users.SetPassword("bob", "bob-new-password"))
		}, true},
		{"user disable, enable", func(t *testing.T, ts *testServer, _ *http.Client) {
			must(t, ts.users.SetEnabled("bob", false))
			must(t, ts.users.SetEnabled("bob", true))
		}, true},
		{"user del, add", func(t *testing.T, ts *testServer, _ *http.Client) {
			must(t, ts.users.Delete("bob"))
			must(t, ts.users.Add("bob", "bob-password", false))
		}, true},
		{"user token --revoke", func(t *testing.T, ts *testServer, _ *http.Client) { must(t, ts.users.RevokeToken("bob")) }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestServer(t, fixture, nil)
			bob := ts.login(t, "bob")
			copied := ts.client(t)
			copied.Jar.SetCookies(mustURL(t, ts.URL), bob.Jar.Cookies(mustURL(t, ts.URL)))
			token, err := ts.users.NewToken("bob")
			must(t, err)
			tt.change(t, ts, bob)
			restarted := newTestServerOn(t, ts)
			for _, srv := range []*testServer{ts, restarted} {
				var e apiError
				srv.getJSON(t, copied, "/api/search", http.StatusUnauthorized, &e)
				res, _ := srv.get(t, srv.client(t), "/api/search", "Authorization", "Bearer "+token)
				if (res.StatusCode == http.StatusUnauthorized) != tt.tokenGoes {
					t.Errorf("the token: %s; want it gone: %v", res.Status, tt.tokenGoes)
				}
			}
		})
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	must(t, err)
	return u
}
