//go:build e2e

package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The alerts page in a real browser over a day of traffic: a rule of the
// configuration that fires (as serve's state file says), its chart drawn
// against the threshold; an admin makes a rule from the search page, runs
// its backtest, saves and mutes it; another user sees the rules and no
// button. Its screenshot is README's web/screenshot-alerts.png when
// AIOSYSLOGD_SCREENSHOT names FILE.png (FILE-alerts.png).
func TestWebAlertsPage(t *testing.T) {
	ctx := newBrowser(t)
	dir := t.TempDir()
	pythonUsers(t, dir)
	dbPath := filepath.Join(dir, "syslog.db")
	now := time.Now()
	searchWriteFixture(t, dbPath, dayOfTraffic(now))
	since := now.Add(-20 * time.Minute).UTC().Format(time.RFC3339)
	state := fmt.Sprintf(`{"rules": {"db refusing connections": {"key": "x", "firing": true, "since": %q, "notified": %q,
		"deliveries": [{"notifier": "hook", "state": "firing", "at": %q, "result": "sent"}]}}}`, since, since, since)
	if err := os.WriteFile(dbPath+"-alerts.json", []byte(state), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := webConfig(dbPath, "") + hookNotifier("http://127.0.0.1:9/hook") + `
[[alert]]
name = "db refusing connections"
query = 'tag:postgres refused'
threshold = 5
window = "10m"
notify = ["hook"]
`
	w := startWeb(t, dir, cfg)
	browserLogin(t, ctx, w)

	// Alert on this search: the form has the view's query and filters.
	browse(t, ctx, "search", chromedp.EmulateViewport(1280, 900), chromedp.Navigate(w.url+`/?q=%22Failed+password%22&tag=sshd&since=24h`), loaded,
		chromedp.Click("#alert-on-search"), chromedp.WaitVisible("#alert-form"))
	if q := browserValue(t, ctx, "query", chromedp.Evaluate[string](`document.querySelector('#alert-form input[name="query"]').value`)); q != `"Failed password" tag:sshd` {
		t.Errorf("the new rule's query is %q", q)
	}
	browse(t, ctx, "backtest", chromedp.SendKeys(`#alert-form input[name="name"]`, "ssh <failures>"),
		chromedp.SetValue(`#alert-form input[name="threshold"]`, "3"), chromedp.SetValue(`#alert-form input[name="window"]`, "1h"),
		chromedp.Click("#alert-form-backtest"), chromedp.WaitVisible(`.backtest-result[data-done="true"]`))
	if got := browserValue(t, ctx, "intervals", chromedp.Text(".backtest-result p")); !strings.Contains(got, "It would have fired") {
		t.Errorf("the backtest says %q", got)
	}
	browse(t, ctx, "save", chromedp.Click("#alert-save"), chromedp.WaitVisible(`//p[@class="notice" and contains(text(), "Created")]`))

	// Both rules, with state, the last notification and a chart each.
	browse(t, ctx, "charts", chromedp.WaitVisible(`figure.alert-chart[data-drawn="true"]`),
		chromedp.Poll[chromedp.Void](`document.querySelectorAll('figure.alert-chart[data-drawn="true"]').length === 2`, chromedp.WithPollingTimeout(20*time.Second)))
	names := browserValue(t, ctx, "names", chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll(".alert-name"), e => e.textContent)`))
	if strings.Join(names, "|") != "db refusing connections|ssh <failures>" {
		t.Errorf("rules shown: %q", names)
	}
	db := `document.querySelector('section[data-name="db refusing connections"]')`
	if got := browserValue(t, ctx, "state", chromedp.Evaluate[string](db+`.querySelector(".state").textContent`)); !strings.HasPrefix(got, "firing since") {
		t.Errorf("the firing rule's state reads %q", got)
	}
	if got := browserValue(t, ctx, "last", chromedp.Evaluate[string](db+`.querySelector(".delivery").textContent`)); !strings.Contains(got, "firing through hook") || !strings.Contains(got, "sent") {
		t.Errorf("its last notification reads %q", got)
	}
	over := browserValue(t, ctx, "over", chromedp.Evaluate[int](db+`.querySelectorAll("rect.over").length`))
	bars := browserValue(t, ctx, "bars", chromedp.Evaluate[int](db+`.querySelectorAll("rect").length`))
	line := browserValue(t, ctx, "line", chromedp.Evaluate[float64](`+`+db+`.querySelector("line.threshold").dataset.value`))
	if bars < 24 || over < 1 || over > bars/4 || line <= 0 {
		t.Errorf("the chart: %d bars, %d over the threshold line at %v", bars, over, line)
	}
	if n := browserValue(t, ctx, "config buttons", chromedp.Evaluate[int](db+`.querySelectorAll("form.delete-alert, a.edit").length`)); n != 0 {
		t.Errorf("the configuration's rule has %d buttons that would change it", n)
	}
	if n := browserValue(t, ctx, "config mute", chromedp.Evaluate[int](db+`.querySelectorAll("form.mute").length`)); n != 1 {
		t.Errorf("the configuration's rule has %d mute forms, want 1", n)
	}

	// Mute the new rule for 8 hours.
	ssh := `//section[@data-name="ssh <failures>"]`
	browse(t, ctx, "mute", chromedp.SetValue(ssh+`//select[@name="for"]`, "8h"), chromedp.Click(ssh+`//form[contains(@class, "mute")]/button`),
		chromedp.WaitVisible(`//p[@class="notice" and contains(text(), "Muted")]`), chromedp.WaitVisible(ssh+`//span[@class="muted"]`),
		chromedp.Poll[chromedp.Void](`document.querySelectorAll('figure.alert-chart[data-drawn="true"]').length === 2`, chromedp.WithPollingTimeout(20*time.Second)))
	if got := browserValue(t, ctx, "muted", chromedp.Text(ssh+`//span[@class="muted"]`)); !strings.Contains(got, "muted until") {
		t.Errorf("the muted rule reads %q", got)
	}
	rules, err := os.ReadFile(dbPath + "-rules.toml")
	if err != nil || !strings.Contains(string(rules), `name = "ssh <failures>"`) || !strings.Contains(string(rules), "muted_until = ") {
		t.Errorf("rules file: %v\n%s", err, rules)
	}
	shootAlerts(t, ctx)

	// Another user sees the rules and no button.
	other := newBrowser(t)
	browse(t, other, "bob", chromedp.Navigate(w.url+"/alerts"),
		chromedp.SendKeys(`input[name="username"]`, "bob"), chromedp.SendKeys(`input[name="password"]`, "bob-password"),
		chromedp.Submit(`input[name="password"]`), chromedp.WaitVisible(`figure.alert-chart[data-drawn="true"]`))
	buttons := browserValue(t, other, "buttons", chromedp.Evaluate[int](`document.querySelectorAll(".alert-actions, #alert-new, form[action^='/alerts/']").length`))
	shown := browserValue(t, other, "rules", chromedp.Evaluate[int](`document.querySelectorAll(".alert-rule").length`))
	if buttons != 0 || shown != 2 {
		t.Errorf("bob sees %d rules and %d buttons, want 2 and none", shown, buttons)
	}
	browse(t, other, "bob's search", chromedp.Navigate(w.url+"/?since=24h"), loaded)
	if n := browserValue(t, other, "alert on search", chromedp.Evaluate[int](`document.querySelectorAll("#alert-on-search").length`)); n != 0 {
		t.Error("bob's search page has Alert on this search")
	}
}

// shootAlerts takes the screenshot of the alerts page: README's when
// AIOSYSLOGD_SCREENSHOT names FILE.png (FILE-alerts.png).
func shootAlerts(t *testing.T, ctx context.Context) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "screenshot-alerts.png")
	if p := os.Getenv("AIOSYSLOGD_SCREENSHOT"); p != "" {
		path = strings.TrimSuffix(p, ".png") + "-alerts.png"
	}
	browse(t, ctx, "top", chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`))
	png := browserValue(t, ctx, "screenshot", chromedp.CaptureScreenshot())
	if err := os.WriteFile(path, png, 0o644); err != nil || len(png) < 10_000 {
		t.Fatalf("screenshot %s of %d bytes: %v", path, len(png), err)
	}
}
