package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db/search/alert"
	"github.com/aiosyslogd/aiosyslogd/db/search/alert/rulesfile"
	"github.com/aiosyslogd/aiosyslogd/db/search/query"
)

// alertsServer is a test server whose configuration has the rule "cfg
// rule" and the notifier "ops", with a state file saying the rule fires.
func alertsServer(t *testing.T) (*testServer, AlertsConfig) {
	t.Helper()
	dir := t.TempDir()
	ac := AlertsConfig{ConfigFile: "aiosyslogd.toml", Notifiers: []string{"ops"},
		ConfigRules: []rulesfile.Alert{{Name: "cfg rule", Query: "tag:sshd", Notify: []string{"ops"}}},
		RulesFile:   filepath.Join(dir, "syslog.db-rules.toml"), State: alert.StateFile(filepath.Join(dir, "syslog.db-alerts.json"))}
	state := `{"rules": {"cfg rule": {"key": "x", "firing": true, "since": "2026-12-03T09:00:00Z", "notified": "2026-12-03T09:00:01Z",
		"deliveries": [{"notifier": "ops", "state": "firing", "at": "2026-12-03T09:00:02Z", "result": "failed", "error": "webhook: 500 <b>bad</b>"}]}}}`
	if err := os.WriteFile(string(ac.State.(alert.StateFile)), []byte(state), 0o600); err != nil {
		t.Fatal(err)
	}
	ts := newTestServer(t, fixture, func(c *Config) { c.Alerts = ac })
	return ts, ac
}

// postForm posts form with the CSRF token of c's session and returns the
// status and body.
func (ts *testServer) postForm(t *testing.T, c *http.Client, path string, form url.Values) (int, string) {
	t.Helper()
	form.Set("csrf_token", ts.csrfToken(t, c, "/alerts"))
	res, err := c.PostForm(ts.URL+path, form)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(res.Body)
	return res.StatusCode, b.String()
}

func TestAlertsPageAdmin(t *testing.T) {
	ts, ac := alertsServer(t)
	alice := ts.login(t, "alice")
	_, page := ts.get(t, alice, "/alerts")
	if !contains(page, "cfg rule", "firing since", "2026-12-03 09:00:00 UTC", "failed", "webhook: 500 &lt;b&gt;bad&lt;/b&gt;", "In aiosyslogd.toml") {
		t.Errorf("the page does not show the configuration's rule and its state:\n%s", page)
	}
	steps := []struct {
		path   string
		form   url.Values
		status int
		says   string
	}{
		{"/alerts/save", url.Values{"name": {"<b>disk</b>"}, "query": {`"disk full"`}, "threshold": {"3"}, "window": {"5m"},
			"notify": {"ops"}, "notify_resolved": {"true"}}, 200, "Created &#34;&lt;b&gt;disk&lt;/b&gt;&#34;"},
		{"/alerts/save", url.Values{"name": {"cfg rule"}, "query": {"x"}}, 400, "is a rule of aiosyslogd.toml already"},
		{"/alerts/save", url.Values{"name": {"bad"}, "query": {"host:a AND"}}, 400, "query = &#34;host:a AND&#34;: expected a term after AND"},
		{"/alerts/save", url.Values{"name": {"bad"}, "query": {"x"}, "window": {"5 minutes"}}, 400, "window: &#34;5 minutes&#34; is not a duration"},
		{"/alerts/save", url.Values{"name": {"bad"}, "query": {"x"}, "notify": {"pager"}}, 400, "no [[notifier]] is named"},
		{"/alerts/save", url.Values{"name": {"<b>disk</b>"}, "query": {"x"}}, 400, "names must be unique"},
		{"/alerts/mute", url.Values{"name": {"<b>disk</b>"}, "for": {"1h"}}, 200, "Muted &#34;&lt;b&gt;disk&lt;/b&gt;&#34; until"},
		{"/alerts/save", url.Values{"original": {"<b>disk</b>"}, "name": {"disk"}, "query": {`"disk full"`}, "threshold": {"5"}}, 200, "Saved &#34;disk&#34;"},
		{"/alerts/mute", url.Values{"name": {"cfg rule"}, "for": {"forever"}}, 200, "Muted &#34;cfg rule&#34; until unmuted."},
		{"/alerts/mute", url.Values{"name": {"nobody"}, "for": {"1h"}}, 400, "no rule is named &#34;nobody&#34;"},
		{"/alerts/mute", url.Values{"name": {"disk"}, "for": {"1y"}}, 400, "want 1h, 8h, 24h, forever or off"},
	}
	for _, s := range steps {
		status, body := ts.postForm(t, alice, s.path, s.form)
		if status != s.status || !strings.Contains(body, s.says) {
			t.Errorf("POST %s %v: %d, want %d saying %q", s.path, s.form, status, s.status, s.says)
		}
		if strings.Contains(body, "<b>disk") || strings.Contains(body, "<b>bad") {
			t.Errorf("POST %s: a stored string is in the page as HTML", s.path)
		}
	}
	info, err := os.Stat(ac.RulesFile)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("rules file: %v, %v; want mode 0600", info, err)
	}
	f, rules, err := rulesfile.Read(ac.RulesFile, ac.Notifiers)
	if err != nil || len(rules) != 1 {
		t.Fatalf("rules file: %v, %v", f, err)
	}
	if len(f.Mutes) != 1 || f.Mutes[0].Alert != "cfg rule" || !f.Mutes[0].Until.Equal(alert.Forever) {
		t.Errorf("the configuration's rule is muted by %+v, want a [[mute]] until unmuted", f.Mutes)
	}
	r := rules[0]
	// The edit kept the mute, and took the new threshold; unset keys are
	// their defaults.
	if r.Name != "disk" || r.Threshold != 5 || r.Window != alert.DefaultWindow || !r.Muted(time.Now()) || r.Muted(time.Now().Add(61*time.Minute)) || r.NotifyResolved {
		t.Errorf("rule = %+v", r)
	}
	var a alertsAnswer
	ts.getJSON(t, alice, "/api/alerts", http.StatusOK, &a)
	if len(a.Alerts) != 2 || a.Alerts[0].Source != sourceConfig || a.Alerts[0].State != "firing" || a.Alerts[1].Source != sourcePage ||
		a.Alerts[1].State != "unknown" || a.Alerts[1].MutedUntil == nil || len(a.Alerts[0].Deliveries) != 1 ||
		a.Alerts[0].MutedUntil == nil || !a.Alerts[0].MutedUntil.Equal(alert.Forever) {
		t.Errorf("GET /api/alerts = %+v", a)
	}
	status, _ := ts.postForm(t, alice, "/alerts/mute", url.Values{"name": {"disk"}, "for": {"off"}})
	if _, rules, _ := rulesfile.Read(ac.RulesFile, ac.Notifiers); status != 200 || !rules[0].MutedUntil.IsZero() {
		t.Errorf("unmute: %d, %+v", status, rules)
	}
	status, _ = ts.postForm(t, alice, "/alerts/delete", url.Values{"name": {"disk"}})
	if _, rules, _ := rulesfile.Read(ac.RulesFile, ac.Notifiers); status != 200 || len(rules) != 0 {
		t.Errorf("delete: %d, %+v", status, rules)
	}
}

// Others see the rules, without the buttons, and cannot change them.
func TestAlertsPageNotAdmin(t *testing.T) {
	ts, ac := alertsServer(t)
	if err := rulesfile.Write(ac.RulesFile, rulesfile.File{Alerts: []rulesfile.Alert{{Name: "disk", Query: "disk"}}}, ac.Notifiers); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(ac.RulesFile)
	bob := ts.login(t, "bob")
	_, page := ts.get(t, bob, "/alerts")
	if !contains(page, "cfg rule", "disk") || contains(page, "alert-actions") || contains(page, "Mute") || contains(page, "Delete") || contains(page, "New alert") {
		t.Errorf("bob's page:\n%s", page)
	}
	_, search := ts.get(t, bob, "/?since=24h")
	if strings.Contains(search, "Alert on this search") {
		t.Error("bob's search page has Alert on this search")
	}
	for _, path := range []string{"/alerts/save", "/alerts/mute", "/alerts/delete"} {
		if status, _ := ts.postForm(t, bob, path, url.Values{"name": {"disk"}, "query": {"x"}, "for": {"1h"}}); status != http.StatusForbidden {
			t.Errorf("bob POST %s: %d, want 403", path, status)
		}
	}
	for _, path := range []string{"/alerts/new?q=x", "/alerts/edit?name=disk"} {
		if res, _ := ts.get(t, bob, path); res.StatusCode != http.StatusForbidden {
			t.Errorf("bob GET %s: %s, want 403", path, res.Status)
		}
	}
	token, _ := ts.users.NewToken("bob")
	req, _ := http.NewRequest("POST", ts.URL+"/api/alerts/save", strings.NewReader("name=x&query=y"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("bob's token POST /api/alerts/save: %s, want 403", res.Status)
	}
	if res, body := ts.get(t, ts.client(t), "/api/alerts/backtest?name=disk", "Authorization", "Bearer "+token); res.StatusCode != http.StatusForbidden {
		t.Errorf("bob's backtest: %s %s", res.Status, body)
	}
	if after, _ := os.ReadFile(ac.RulesFile); !bytes.Equal(before, after) {
		t.Error("bob changed the rules file")
	}
}

// An admin's token changes rules without a CSRF token; the backtest
// replays a rule over the stored messages.
func TestAlertsAPI(t *testing.T) {
	ts, ac := alertsServer(t)
	token, _ := ts.users.NewToken("alice")
	req, _ := http.NewRequest("POST", ts.URL+"/api/alerts/save", strings.NewReader(url.Values{"name": {"ssh"}, "query": {"tag:sshd"}, "window": {"1h"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if _, rules, _ := rulesfile.Read(ac.RulesFile, ac.Notifiers); res.StatusCode != 200 || len(rules) != 1 || rules[0].Window != time.Hour {
		t.Fatalf("POST /api/alerts/save: %s, rules %+v", res.Status, rules)
	}
	c := ts.client(t)
	var bt backtestAnswer
	res, body := ts.get(t, c, "/api/alerts/backtest?name=ssh&since=2026-10-01&tz=UTC", "Authorization", "Bearer "+token)
	if res.StatusCode != 200 {
		t.Fatalf("backtest: %s %s", res.Status, body)
	}
	// The fixture's two sshd messages, two days apart: two firings of an hour.
	if err := jsonUnmarshal(body, &bt); err != nil || len(bt.Intervals) != 2 ||
		bt.Intervals[0].Since != "2026-10-30T10:00:00Z" || bt.Intervals[0].Until != "2026-10-30T11:00:00Z" || bt.Intervals[1].Count != 1 {
		t.Errorf("backtest = %+v, %v", bt, err)
	}
	res, body = ts.get(t, c, "/api/alerts/backtest?query=tag:sshd&threshold=2&window=7d&since=2026-10-01&tz=UTC", "Authorization", "Bearer "+token)
	if err := jsonUnmarshal(body, &bt); res.StatusCode != 200 || err != nil || len(bt.Intervals) != 1 || bt.Intervals[0].Since != "2026-11-01T01:00:00Z" {
		t.Errorf("backtest of an unsaved rule: %s %+v", res.Status, bt)
	}
	res, body = ts.get(t, c, "/api/alerts/backtest?query=tag:&since=7d", "Authorization", "Bearer "+token)
	if res.StatusCode != 400 || !strings.Contains(body, "needs a value") {
		t.Errorf("backtest of a bad query: %s %s", res.Status, body)
	}
}

// The search page's view as a rule's query: its q and filters.
func TestViewQuery(t *testing.T) {
	tests := []struct{ view, want string }{
		{"q=sshd+failed&since=24h", "sshd failed"},
		{"q=a+OR+b&host=web*", "(a OR b) host:web*"},
		{"tag=cron&severity=err&facility=auth", "tag:cron facility:auth severity:err"},
		{"host=web+01&not_tag=cron&not_host=db%221", `host:"web 01" -host:"db\"1" -tag:cron`},
		{"not_severity=err&not_severity=emerg", "-(severity:err -severity:crit) -severity:emerg"},
		{"since=1h", ""},
	}
	for _, tt := range tests {
		v, _ := url.ParseQuery(tt.view)
		got := viewQuery(v)
		if got != tt.want {
			t.Errorf("viewQuery(%s) = %q, want %q", tt.view, got, tt.want)
		}
		if _, err := query.Parse(got); err != nil {
			t.Errorf("viewQuery(%s) = %q does not parse: %v", tt.view, got, err)
		}
	}
}

func jsonUnmarshal(body string, v any) error { return json.Unmarshal([]byte(body), v) }
