//go:build e2e

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/aiosyslogd/aiosyslogd/internal/testpg"
)

// TestAlertsLeadAcrossCollectors runs two serve processes writing one
// PostgreSQL, each sent 60 failed logins, and one rule (in the rules file
// beside each one's configuration) that fires at 101
// within 20 s: only the sum of both collectors' messages crosses it, and
// the collector that leads tells the webhook once (not zero times, not
// once per collector). Then the leader is killed (SIGKILL): the other
// takes the lead within a bounded time, does not notify the firing again
// (its state is in AlertStates), and tells the resolve once. alert test
// replays the rule over PostgreSQL: one firing. The metric
// aiosyslogd_alert_evaluating says which collector leads.
func TestAlertsLeadAcrossCollectors(t *testing.T) {
	dsn := testpg.Shared(t).NewDatabase(t)
	h := newHook(t, 0, false)
	// The rule is in the rules file, which on PostgreSQL is beside the
	// configuration file (test.toml: test-rules.toml), in each
	// collector's directory.
	rules := fmt.Sprintf("[[alert]]\nname = \"ssh brute force\"\nquery = %q\nnotify = [\"hook\"]\nthreshold = 101\nwindow = \"20s\"\n", sshQuery)
	config := func(dbPath string) string {
		if err := os.WriteFile(filepath.Join(filepath.Dir(dbPath), "test-rules.toml"), []byte(rules), 0o644); err != nil {
			t.Fatal(err)
		}
		return postgresConfig(dsn) + "\n[metrics]\nenabled = true\nbind_ip = \"127.0.0.1\"\nbind_port = 0\n" +
			fmt.Sprintf("\n[[notifier]]\nname = \"hook\"\ntype = \"webhook\"\nurl = %q\n", h.srv.URL)
	}
	const evaluating = "aiosyslogd_alert_evaluating"
	is := func(want float64) func(float64) bool { return func(v float64) bool { return v == want } }
	const taken = "alert lead taken"
	first := startDaemon(t, config)
	first.waitLogs(taken, 1, 15*time.Second) // the first to start leads
	second := startDaemon(t, config)
	second.waitLog(`msg="?alerting"? rules=1`, 15*time.Second)
	first.waitMetric(first.metricsURL(), evaluating, is(1), 15*time.Second)
	secondMetrics := second.metricsURL()
	if v := scrape(t, secondMetrics)[evaluating]; v != 0 {
		t.Errorf("the second collector's %s = %v while the first leads", evaluating, v)
	}

	first.send(sshBurst(60)...)
	second.send(sshBurst(60)...)
	firing := h.waitState(t, "firing", 1, 20*time.Second)
	if c := firing.body.Count; c <= 100 || c > 120 {
		t.Errorf("firing with count %d, want the sum of both collectors' (101..120)", c)
	}
	waitSavedFiring(t, dsn, "ssh brute force", true)

	first.cmd.Process.Kill()
	<-first.done
	killed := time.Now()
	second.waitLogs(taken, 1, 3*leadPoll+5*time.Second)
	t.Logf("the second collector took the lead %v after the first was killed", time.Since(killed).Round(100*time.Millisecond))
	second.waitMetric(secondMetrics, evaluating, is(1), 15*time.Second)
	h.waitState(t, "resolved", 1, 40*time.Second)
	waitSavedFiring(t, dsn, "ssh brute force", false)
	second.Stop() // its notices sent: nothing more can come
	if got, want := h.states(), []string{"firing", "resolved"}; !slices.Equal(got, want) {
		t.Errorf("webhook told %q, want %q", got, want)
	}
	if strings.Contains(second.Stderr(), "alert firing") {
		t.Errorf("the second collector fired the rule again:\n%s", second.Stderr())
	}

	// alert test replays the rule of the rules file over PostgreSQL.
	out, errs, code := runBinary(t, first.dir, nil, "--config", filepath.Join(first.dir, "test.toml"),
		"alert", "test", "--since", "1h", "ssh brute force")
	if code != 0 || !strings.Contains(out, "\n1 firings,") {
		t.Errorf("alert test: exit %d\n%s%s", code, out, errs)
	}
}

// waitSavedFiring waits until the table AlertStates says of rule that it
// fires (or not).
func waitSavedFiring(t *testing.T, dsn, rule string, want bool) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	eventually(t, 30*time.Second, func() error {
		var firing bool
		err := conn.QueryRow(ctx, `SELECT Firing FROM AlertStates WHERE Rule = $1`, rule).Scan(&firing)
		if err != nil || firing != want {
			return fmt.Errorf("AlertStates of %q: firing %v (%v), want %v", rule, firing, err, want)
		}
		return nil
	})
}

// A collector without rules does not ask for the alert lead (the leader
// reads every row back): one with rules, started after it, leads.
func TestAlertLeadOnlyWithRules(t *testing.T) {
	dsn := testpg.Shared(t).NewDatabase(t)
	bare := startDaemon(t, func(string) string { return postgresConfig(dsn) })
	h := newHook(t, 0, false)
	ruled := startDaemon(t, func(string) string {
		return postgresConfig(dsn) + fmt.Sprintf("\n[[notifier]]\nname = \"hook\"\ntype = \"webhook\"\nurl = %q\n"+
			"\n[[alert]]\nname = \"ssh\"\nquery = %q\nnotify = [\"hook\"]\n", h.srv.URL, sshQuery)
	})
	ruled.waitLogs("alert lead taken", 1, 3*leadPoll+5*time.Second)
	bare.Stop()
	ruled.Stop()
	if strings.Contains(bare.Stderr(), "alert lead") {
		t.Errorf("the collector without rules asked for the lead:\n%s", bare.Stderr())
	}
}

// TestAlertLeadAfterPostgresRestart restarts PostgreSQL under two
// collectors: the leader's session ends, so it stops evaluating; one of
// the two leads again, and a burst split between them fires the rule
// once.
func TestAlertLeadAfterPostgresRestart(t *testing.T) {
	c, err := testpg.Start() // its own cluster: the restart must not touch other tests'
	if err != nil {
		testpg.Shared(t) // skips, or fails under CI, as for every PostgreSQL test
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Stop() })
	dsn := c.NewDatabase(t)
	h := newHook(t, 0, false)
	config := func(string) string {
		return postgresConfig(dsn) + fmt.Sprintf("\n[[notifier]]\nname = \"hook\"\ntype = \"webhook\"\nurl = %q\n"+
			"\n[[alert]]\nname = \"ssh\"\nquery = %q\nnotify = [\"hook\"]\nthreshold = 101\nwindow = \"1m\"\n", h.srv.URL, sshQuery)
	}
	const taken = "alert lead taken"
	first := startDaemon(t, config)
	first.waitLogs(taken, 1, 15*time.Second)
	second := startDaemon(t, config)
	if err := c.Restart(); err != nil {
		t.Fatal(err)
	}
	first.waitLog(`alert lead (lost|given up)`, 3*leadPoll+leadTimeout+5*time.Second)
	eventually(t, 6*leadPoll+leadTimeout+5*time.Second, func() error {
		if n := strings.Count(first.Stderr(), taken) + strings.Count(second.Stderr(), taken); n < 2 {
			return fmt.Errorf("the lead taken %d times in all, want a second time after the restart", n)
		}
		return nil
	})
	first.send(sshBurst(60)...)
	second.send(sshBurst(60)...)
	h.waitState(t, "firing", 1, 30*time.Second)
	first.Stop()
	second.Stop()
	if got, want := h.states(), []string{"firing"}; !slices.Equal(got, want) {
		t.Errorf("webhook told %q, want %q", got, want)
	}
}

// TestWebAlertsOnPostgres runs serve and web on one PostgreSQL, the rule
// in the rules file beside each one's configuration: after serve's lead
// fired it (saved in AlertStates), web's /api/alerts shows it firing,
// read from the table, not from a state file.
func TestWebAlertsOnPostgres(t *testing.T) {
	dsn := testpg.Shared(t).NewDatabase(t)
	h := newHook(t, 0, false)
	rules := fmt.Sprintf("[[alert]]\nname = \"ssh brute force\"\nquery = %q\nnotify = [\"hook\"]\nthreshold = 5\nwindow = \"60s\"\n", sshQuery)
	notifier := fmt.Sprintf("\n[[notifier]]\nname = \"hook\"\ntype = \"webhook\"\nurl = %q\n", h.srv.URL)
	d := startDaemon(t, func(dbPath string) string {
		if err := os.WriteFile(filepath.Join(filepath.Dir(dbPath), "test-rules.toml"), []byte(rules), 0o644); err != nil {
			t.Fatal(err)
		}
		return postgresConfig(dsn) + notifier
	})
	webDir := t.TempDir()
	pythonUsers(t, webDir)
	if err := os.WriteFile(filepath.Join(webDir, "web-rules.toml"), []byte(rules), 0o644); err != nil {
		t.Fatal(err)
	}
	w := startWeb(t, webDir, postgresConfig(dsn)+notifier+"[web_server]\nbind_ip = \"127.0.0.1\"\nbind_port = 0\n")
	c := webClient()
	if res := w.webLogin(c, "alice", "alice-password"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: %s", res.Status)
	}
	state := func() (string, error) {
		code, body := w.webGet(c, "/api/alerts")
		var a struct {
			Alerts []struct{ Name, State, Source string }
		}
		if err := json.Unmarshal([]byte(body), &a); code != http.StatusOK || err != nil {
			return "", fmt.Errorf("/api/alerts: %d %v\n%s", code, err, body)
		}
		if len(a.Alerts) != 1 || a.Alerts[0].Name != "ssh brute force" || a.Alerts[0].Source != "page" {
			return "", fmt.Errorf("/api/alerts: %s", body)
		}
		return a.Alerts[0].State, nil
	}
	if s, err := state(); err != nil || s == "firing" {
		t.Fatalf("before the burst: state %q, %v", s, err)
	}
	d.send(sshBurst(8)...)
	h.waitState(t, "firing", 1, 20*time.Second)
	waitSavedFiring(t, dsn, "ssh brute force", true)
	eventually(t, 15*time.Second, func() error {
		s, err := state()
		if err == nil && s != "firing" {
			err = fmt.Errorf("/api/alerts shows the rule %q, want firing", s)
		}
		return err
	})
}
