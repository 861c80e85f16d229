//go:build e2e

package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// hookNotifier is a [[notifier]] named hook posting to url.
func hookNotifier(url string) string {
	return fmt.Sprintf("\n[[notifier]]\nname = \"hook\"\ntype = \"webhook\"\nurl = %q\n", url)
}

// waitLogs waits until the daemon logged want at least n times.
func (d *daemon) waitLogs(want string, n int, within time.Duration) {
	d.t.Helper()
	eventually(d.t, within, func() error {
		if log := d.Stderr(); strings.Count(log, want) < n {
			return fmt.Errorf("%q logged %d times, want %d:\n%s", want, strings.Count(log, want), n, log)
		}
		return nil
	})
}

// A rule made through the web API is written to the rules file, and the
// running serve applies it without a signal: a burst fires it and the
// webhook on 127.0.0.1 is told once, then of the resolve. Muted through
// the API, the next burst fires it again in serve, and nobody is told.
// Another user's change is 403 and changes nothing; the page's API shows
// the rule's state and its last notification as serve wrote them.
func TestAlertMadeInTheWebFires(t *testing.T) {
	h := newHook(t, 0, false)
	d := startDaemon(t, func(p string) string { return testConfig(p, "", "") + hookNotifier(h.srv.URL) })
	pythonUsers(t, d.dir)
	w := startWeb(t, d.dir, webConfig(d.dbPath, "")+hookNotifier(h.srv.URL))
	admin, other := webClient(), webClient()
	for c, name := range map[*http.Client]string{admin: "alice", other: "bob"} {
		if res := w.webLogin(c, name, name+"-password"); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("login %s: %s", name, res.Status)
		}
	}
	change := func(c *http.Client, path string, form url.Values) *http.Response {
		t.Helper()
		return w.webPost(c, path, form, "X-CSRF-Token", w.csrfToken(c, "/alerts"))
	}

	rule := url.Values{"name": {"web ssh"}, "query": {sshQuery}, "threshold": {"3"}, "window": {"3s"},
		"notify": {"hook"}, "notify_resolved": {"true"}}
	if res := change(other, "/api/alerts/save", rule); res.StatusCode != http.StatusForbidden {
		t.Errorf("bob's new rule: %s, want 403", res.Status)
	}
	if _, err := os.Stat(d.dbPath + "-rules.toml"); !os.IsNotExist(err) {
		t.Fatalf("bob's refused rule made the rules file: %v", err)
	}
	if res := change(admin, "/api/alerts/save", rule); res.StatusCode != http.StatusOK {
		t.Fatalf("alice's new rule: %s", res.Status)
	}
	info, err := os.Stat(d.dbPath + "-rules.toml")
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("rules file: %v, %v", info, err)
	}
	d.waitLogs("rules file applied", 1, 15*time.Second)

	d.send(sshBurst(4)...)
	h.waitState(t, "firing", 1, 15*time.Second)
	h.waitState(t, "resolved", 1, 30*time.Second)
	if p := h.posts()[0].body; p.Alert != "web ssh" || p.Threshold != 3 || p.Query != sshQuery {
		t.Errorf("firing notification: %s", h.posts()[0].raw)
	}
	// The page shows what serve wrote: ok again, its last notification sent.
	eventually(t, 15*time.Second, func() error {
		_, body := w.webGet(admin, "/api/alerts")
		var a struct {
			Alerts []struct {
				Name, State string
				Deliveries  []struct{ Notifier, State, Result string }
			}
		}
		if err := json.Unmarshal([]byte(body), &a); err != nil {
			return err
		}
		if len(a.Alerts) != 1 || a.Alerts[0].State != "ok" || len(a.Alerts[0].Deliveries) != 1 ||
			a.Alerts[0].Deliveries[0].State != "resolved" || a.Alerts[0].Deliveries[0].Result != "sent" {
			return fmt.Errorf("/api/alerts: %s", body)
		}
		return nil
	})

	mute := url.Values{"name": {"web ssh"}, "for": {"1h"}}
	if res := change(other, "/api/alerts/mute", mute); res.StatusCode != http.StatusForbidden {
		t.Errorf("bob's mute: %s, want 403", res.Status)
	}
	if res := change(admin, "/api/alerts/mute", mute); res.StatusCode != http.StatusOK {
		t.Fatalf("alice's mute: %s", res.Status)
	}
	d.waitLogs("rules file applied", 2, 15*time.Second)
	d.send(sshBurst(4)...)
	d.waitLogs("alert muted: notice not sent", 1, 15*time.Second)
	d.waitLogs("alert resolved", 2, 30*time.Second)
	d.waitLogs("alert muted: notice not sent", 2, 15*time.Second)
	d.Stop() // sends what is queued: nothing more may come
	if got := h.states(); strings.Join(got, ",") != "firing,resolved" {
		t.Errorf("notifications %q, want one firing and one resolved, none while muted", got)
	}
}

// A name in both the configuration and the rules file is refused by check
// and by serve, naming both files; alert test finds a rule of the rules
// file.
func TestAlertRulesFileNameInBoth(t *testing.T) {
	dir := t.TempDir()
	cfg, db := filepath.Join(dir, "a.toml"), filepath.Join(dir, "syslog.db")
	if err := os.WriteFile(cfg, []byte(alertConfig(db, "http://127.0.0.1:9/", sshQuery, "")), 0o644); err != nil {
		t.Fatal(err)
	}
	rules := db + "-rules.toml"
	if err := os.WriteFile(rules, []byte("[[alert]]\nname = \"ssh brute force\"\nquery = 'x'\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	want := `[[alert]] "ssh brute force" is in both `
	_, errs, code := runBinary(t, dir, nil, "--config", cfg, "check", "--no-bind")
	if code != 2 || !strings.Contains(errs, want) || !strings.Contains(errs, rules) {
		t.Errorf("check: exit %d, %q; want 2 and %q…%s", code, errs, want, rules)
	}
	_, errs, code = runBinary(t, dir, nil, "--config", cfg, "serve")
	if code == 0 || !strings.Contains(errs, want) || !strings.Contains(errs, cfg) || !strings.Contains(errs, rules) {
		t.Errorf("serve: exit %d, %q; want an error naming %s and %s", code, errs, cfg, rules)
	}
	if err := os.WriteFile(rules, []byte("[[alert]]\nname = \"disk\"\nquery = '"+sshQuery+"'\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	storeHistory(t, db, time.Now().Add(-time.Hour))
	out, errs, code := runBinary(t, dir, nil, "--config", cfg, "alert", "test", "--since", "2h", "disk")
	if code != 0 || !strings.Contains(out, "disk: "+sshQuery) || strings.Contains(out, " 0 firings") {
		t.Errorf("alert test disk: exit %d, %s %s", code, out, errs)
	}
}

// A rule of the configuration muted in the page (a [[mute]] of the rules
// file; the configuration is not written) fires in serve and tells nobody.
func TestAlertConfigRuleMutedInTheWeb(t *testing.T) {
	h := newHook(t, 0, false)
	d := startDaemon(t, func(p string) string { return alertConfig(p, h.srv.URL, sshQuery, "threshold = 3\nwindow = \"3s\"") })
	pythonUsers(t, d.dir)
	w := startWeb(t, d.dir, webConfig(d.dbPath, "")+strings.TrimPrefix(alertConfig(d.dbPath, h.srv.URL, sshQuery, "threshold = 3\nwindow = \"3s\""), testConfig(d.dbPath, "", "")))
	admin := webClient()
	w.webLogin(admin, "alice", "alice-password")
	cfgBefore, err := os.ReadFile(filepath.Join(d.dir, "test.toml"))
	if err != nil || !strings.Contains(string(cfgBefore), "ssh brute force") {
		t.Fatalf("serve's configuration: %v", err)
	}
	res := w.webPost(admin, "/api/alerts/mute", url.Values{"name": {"ssh brute force"}, "for": {"forever"}}, "X-CSRF-Token", w.csrfToken(admin, "/alerts"))
	if res.StatusCode != http.StatusOK {
		t.Fatalf("mute: %s", res.Status)
	}
	d.waitLogs("rules file applied", 1, 15*time.Second)
	d.send(sshBurst(4)...)
	d.waitLogs("alert muted: notice not sent", 1, 15*time.Second)
	d.waitLogs("alert resolved", 1, 30*time.Second)
	d.Stop()
	if got := h.states(); len(got) != 0 {
		t.Errorf("notifications %q of a muted rule", got)
	}
	if cfgAfter, _ := os.ReadFile(filepath.Join(d.dir, "test.toml")); string(cfgAfter) != string(cfgBefore) {
		t.Error("the page wrote the configuration")
	}
}
