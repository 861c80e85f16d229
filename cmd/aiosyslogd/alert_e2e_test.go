//go:build e2e

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/db/sqlite"
	"github.com/aiosyslogd/aiosyslogd/syslog"
)

// hook is a webhook receiver on 127.0.0.1 that keeps what it is sent.
type hook struct {
	srv    *httptest.Server
	status int  // what it answers; 0 = 200
	hang   bool // answer only when the sender gives up
	mu     sync.Mutex
	got    []hookPost
}

// hookPost is one notification as the receiver got it.
type hookPost struct {
	at   time.Time
	body alertPayload
	raw  string
}

// alertPayload is our webhook JSON.
type alertPayload struct {
	Alert     string            `json:"alert"`
	State     string            `json:"state"`
	Count     int64             `json:"count"`
	Threshold int               `json:"threshold"`
	Window    string            `json:"window"`
	Query     string            `json:"query"`
	Since     time.Time         `json:"since"`
	Until     time.Time         `json:"until"`
	Events    []json.RawMessage `json:"events"`
	Link      string            `json:"link"`
	Test      bool              `json:"test"`
}

func newHook(t *testing.T, status int, hang bool) *hook {
	h := &hook{status: status, hang: hang}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var p alertPayload
		if err := json.Unmarshal(b, &p); err != nil {
			t.Errorf("webhook body %q: %v", b, err)
		}
		h.mu.Lock()
		h.got = append(h.got, hookPost{at: time.Now(), body: p, raw: string(b)})
		h.mu.Unlock()
		if h.hang {
			<-r.Context().Done()
			return
		}
		if h.status != 0 {
			w.WriteHeader(h.status)
		}
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *hook) posts() []hookPost {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]hookPost(nil), h.got...)
}

// states is the state of each post, in order ("firing", "resolved").
func (h *hook) states() []string {
	var s []string
	for _, p := range h.posts() {
		s = append(s, p.body.State)
	}
	return s
}

// waitState waits for the n-th post of state and returns it.
func (h *hook) waitState(t *testing.T, state string, n int, within time.Duration) hookPost {
	t.Helper()
	var found hookPost
	eventually(t, within, func() error {
		k := 0
		for _, p := range h.posts() {
			if p.body.State == state {
				if k++; k == n {
					found = p
					return nil
				}
			}
		}
		return fmt.Errorf("%d %s notifications, want %d; got %q", k, state, n, h.states())
	})
	return found
}

// alertConfig is testConfig with one webhook notifier at url and one rule
// on query; rule adds keys to the rule.
func alertConfig(dbPath, url, query, rule string) string {
	return testConfig(dbPath, "", "") + fmt.Sprintf(`
[[notifier]]
name = "hook"
type = "webhook"
url = %q

[[alert]]
name = "ssh brute force"
query = %q
notify = ["hook"]
%s
`, url, query, rule)
}

// sshBurst is n failed logins and n messages the rule does not match.
func sshBurst(n int) []string {
	var msgs []string
	for i := range n {
		msgs = append(msgs, fmt.Sprintf("<38>1 - gw sshd %d - - Failed password for root from 203.0.113.%d", 1000+i, i))
		msgs = append(msgs, fmt.Sprintf("<13>1 - gw cron - - - job %d done", i))
	}
	return msgs
}

const sshQuery = `tag:sshd "Failed password"`

// A burst that crosses the threshold and stops gives exactly one firing and
// one resolved notification, within 15 s of the message that crossed it;
// the events are those search -o json prints.
func TestAlertWebhookFiresOnceAndResolvesOnce(t *testing.T) {
	h := newHook(t, 0, false)
	d := startDaemon(t, func(p string) string {
		return alertConfig(p, h.srv.URL, sshQuery, "threshold = 5\nwindow = \"3s\"") +
			"\n[web_server]\nbase_url = \"https://logs.example.com\"\n"
	})
	sent := time.Now()
	d.send(sshBurst(8)...)
	firing := h.waitState(t, "firing", 1, 15*time.Second)
	t.Logf("firing notified %v after the burst was sent", firing.at.Sub(sent).Round(time.Millisecond))
	h.waitState(t, "resolved", 1, 30*time.Second)
	d.Stop() // sends what is queued: nothing more may come
	if got := h.states(); strings.Join(got, ",") != "firing,resolved" {
		t.Fatalf("notifications %q, want one firing and one resolved", got)
	}
	p := firing.body
	if p.Alert != "ssh brute force" || p.Count < 5 || p.Threshold != 5 || p.Window != "3s" || p.Query != sshQuery ||
		p.Since.IsZero() || p.Until.Before(p.Since) || !strings.HasPrefix(p.Link, "https://logs.example.com/?q=tag%3Asshd") {
		t.Errorf("firing notification: %s", firing.raw)
	}
	checkEventsAreSearchJSON(t, d, p.Events, 5)
	resolved := h.posts()[1].body
	if !resolved.Since.Equal(p.Since) || !resolved.Until.After(p.Since) || resolved.Count >= 5 {
		t.Errorf("resolved notification: %s", h.posts()[1].raw)
	}
}

// checkEventsAreSearchJSON checks that each event is, byte for byte, the
// line `search -o json` prints for it, and that there are at least min.
func checkEventsAreSearchJSON(t *testing.T, d *daemon, events []json.RawMessage, min int) {
	t.Helper()
	out, errs, code := runBinary(t, d.dir, nil, "search", "--db", d.dbPath, "-o", "json", "-n", "0", sshQuery)
	if code != 0 {
		t.Fatalf("search: exit %d: %s", code, errs)
	}
	lines := map[string]bool{}
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		lines[l] = true
	}
	if len(events) < min || len(events) > 10 {
		t.Errorf("%d events, want %d to 10", len(events), min)
	}
	for _, e := range events {
		if !lines[string(e)] {
			t.Errorf("event %s is not a line of search -o json:\n%s", e, out)
		}
	}
}

// While a rule fires, it is notified again at the pace of repeat, and not
// faster.
func TestAlertRepeatKeepsItsPace(t *testing.T) {
	h := newHook(t, 0, false)
	d := startDaemon(t, func(p string) string {
		return alertConfig(p, h.srv.URL, sshQuery, "threshold = 3\nwindow = \"12s\"\nrepeat = \"2s\"\nnotify_resolved = false")
	})
	d.send(sshBurst(3)...)
	h.waitState(t, "firing", 4, 30*time.Second) // the first and three reminders
	d.Stop()
	posts := h.posts()
	for i := 1; i < len(posts); i++ {
		gap := posts[i].body.Until.Sub(posts[i-1].body.Until)
		if gap < 2*time.Second || gap > 4*time.Second {
			t.Errorf("notification %d came %v after the one before, want 2s (repeat) to 4s", i, gap)
		}
		if !posts[i].body.Since.Equal(posts[0].body.Since) {
			t.Errorf("reminder %d is of another firing: since %v, want %v", i, posts[i].body.Since, posts[0].body.Since)
		}
	}
}

// Restarting serve while a rule fires sends nothing again: the firing is
// resolved once, by the second serve.
func TestAlertRestartWhileFiringSendsNothingTwice(t *testing.T) {
	h := newHook(t, 0, false)
	first := startDaemon(t, func(p string) string { return alertConfig(p, h.srv.URL, sshQuery, "threshold = 3\nwindow = \"15s\"") })
	first.send(sshBurst(4)...)
	h.waitState(t, "firing", 1, 15*time.Second)
	first.Stop()
	second := startDaemon(t, func(string) string {
		return alertConfig(first.dbPath, h.srv.URL, sshQuery, "threshold = 3\nwindow = \"15s\"")
	})
	h.waitState(t, "resolved", 1, 60*time.Second)
	second.Stop()
	if got := h.states(); strings.Join(got, ",") != "firing,resolved" {
		t.Fatalf("notifications across the restart %q, want one firing and one resolved", got)
	}
}

// Notifiers that answer 500 or hang are retried and counted, and ingest
// does not notice: a UDP flood that every message matches is stored whole.
func TestAlertFailingNotifiersLeaveIngestAlone(t *testing.T) {
	failing, hanging := newHook(t, 500, false), newHook(t, 0, true)
	d := startDaemon(t, func(p string) string {
		return metricsConfig(p, "", "") + fmt.Sprintf(`
[[notifier]]
name = "failing"
type = "webhook"
url = %q
[[notifier]]
name = "hanging"
type = "webhook"
url = %q
[[alert]]
name = "everything"
query = "load"
window = "1s"
repeat = "1s"
notify = ["failing", "hanging"]
`, failing.srv.URL, hanging.srv.URL)
	})
	base := d.metricsURL()
	start := time.Now()
	sent, stop := d.flood("load", 50000, 100)
	defer stop()
	eventually(t, 120*time.Second, func() error {
		if n := sent.Load(); n < 50000 {
			return fmt.Errorf("sent %d of 50000", n)
		}
		return nil
	})
	t.Logf("sent 50000 datagrams at %.0f/s", 50000/time.Since(start).Seconds())
	retried := `aiosyslogd_alert_notifications_total{alert="everything",notifier="%s",result="retried"}`
	d.waitMetric(base, fmt.Sprintf(retried, "failing"), atLeast(1), 60*time.Second)
	d.waitMetric(base, fmt.Sprintf(retried, "hanging"), atLeast(1), 60*time.Second)
	d.waitRows(sent.Load(), 60*time.Second)
	d.Stop()
	received, stored, dropped := d.stoppedCount("received"), d.stoppedCount("stored"), d.stoppedCount("dropped")
	if received != sent.Load() || stored != received || dropped != 0 {
		t.Errorf("sent %d, received %d, stored %d, dropped %d: want every message stored", sent.Load(), received, stored, dropped)
	}
}

// alert test replays a stored history and prints the firing intervals that
// the test computes on its own, by counting the window at every time the
// count can change.
func TestAlertTestReplaysHistory(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "syslog.db")
	start := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	times := storeHistory(t, dbPath, start)
	const threshold, window = 4, time.Minute
	want := firingIntervals(times, threshold, window)
	if len(want) < 3 {
		t.Fatalf("the history fires %d times: make it burstier", len(want))
	}
	out, errs, code := runBinary(t, dir, []string{"TZ=UTC"}, "alert", "test", "--db", dbPath, "--query", sshQuery,
		"--threshold", "4", "--window", "1m", "--since", start.Format(time.RFC3339),
		"--until", start.Add(3*time.Hour).Format(time.RFC3339))
	if code != 0 {
		t.Fatalf("alert test: exit %d\n%s%s", code, out, errs)
	}
	var got []string
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) == 4 && strings.HasPrefix(f[0], "2026-") {
			got = append(got, f[0]+" "+f[1])
			if n, _ := strconv.Atoi(f[2]); n < threshold {
				t.Errorf("line %q: count %d below the threshold", line, n)
			}
		}
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("alert test printed\n%s\nwant the intervals\n%s", out, strings.Join(want, "\n"))
	}
	t.Logf("alert test:\n%s", out)
	if !strings.Contains(out, fmt.Sprintf("%d firings", len(want))) {
		t.Errorf("no count of firings in\n%s", out)
	}
}

// storeHistory writes two hours of failed logins at random intervals, in
// bursts, and other messages between them; it returns the times of the
// failed logins.
func storeHistory(t *testing.T, path string, start time.Time) []time.Time {
	t.Helper()
	store, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	rng := rand.New(rand.NewPCG(19, 2026))
	var batch []search.Row
	var times []time.Time
	at := start
	for at.Before(start.Add(2 * time.Hour)) {
		gap := time.Duration(rng.IntN(40_000)) * time.Millisecond // a burst
		if rng.IntN(8) == 0 {
			gap = time.Duration(rng.IntN(600)) * time.Second // a quiet spell
		}
		at = at.Add(gap)
		msg := syslog.Message{Hostname: "gw", AppName: "sshd", Text: "Failed password for root"}
		if rng.IntN(3) == 0 {
			msg.AppName, msg.Text = "cron", "job done"
		} else {
			times = append(times, at)
		}
		batch = append(batch, search.Row{ReceivedAt: at, Message: msg})
	}
	if err := store.Write(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
	return times
}

// firingIntervals is when a rule of threshold within window fires and
// resolves over the matches at times: the count of (p-window, p] is
// evaluated at every match and every time a match leaves the window.
func firingIntervals(times []time.Time, threshold int, window time.Duration) []string {
	var points []time.Time
	for _, t := range times {
		points = append(points, t, t.Add(window))
	}
	slices.SortFunc(points, time.Time.Compare)
	var out []string
	firing := false
	for _, p := range points {
		n := 0
		for _, t := range times {
			if t.After(p.Add(-window)) && !t.After(p) {
				n++
			}
		}
		switch {
		case !firing && n >= threshold:
			firing = true
			out = append(out, p.UTC().Format(time.RFC3339Nano))
		case firing && n < threshold:
			firing = false
			out[len(out)-1] += " " + p.UTC().Format(time.RFC3339Nano)
		}
	}
	if firing {
		out[len(out)-1] += " (still"
	}
	return out
}

// check names the line and key of a bad rule, as serve would refuse it.
func TestAlertCheckNamesTheLine(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "a.toml")
	text := alertConfig(filepath.Join(dir, "syslog.db"), "http://127.0.0.1:9/", "tag:sshd AND", "")
	if err := os.WriteFile(cfg, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	_, errs, code := runBinary(t, dir, nil, "--config", cfg, "check", "--no-bind")
	line := strings.Count(text[:strings.Index(text, "query =")], "\n") + 1
	want := fmt.Sprintf(`line %d: [[alert]] "ssh brute force": query = "tag:sshd AND": expected a term after AND at column 10`, line)
	if code != 2 || !strings.Contains(errs, want) {
		t.Errorf("check: exit %d, %q; want 2 and %q", code, errs, want)
	}
}

// A rule added by SIGHUP is evaluated from then on, and its state is in
// the metrics.
func TestAlertSIGHUPAddsARule(t *testing.T) {
	h := newHook(t, 0, false)
	d := startDaemon(t, func(p string) string { return metricsConfig(p, "", "") })
	base := d.metricsURL()
	next := metricsConfig(d.dbPath, "", "") + strings.TrimPrefix(alertConfig(d.dbPath, h.srv.URL, sshQuery, "threshold = 3\nwindow = \"1m\""),
		testConfig(d.dbPath, "", ""))
	d.reload(next, "configuration reloaded", 1)
	d.send(sshBurst(3)...)
	h.waitState(t, "firing", 1, 15*time.Second)
	m := d.waitMetric(base, `aiosyslogd_alert_firing{alert="ssh brute force"}`, atLeast(1), 30*time.Second)
	if n := m[`aiosyslogd_alert_notifications_total{alert="ssh brute force",notifier="hook",result="sent"}`]; n != 1 {
		t.Errorf("notifications sent = %v, want 1", n)
	}
	if n := m[`aiosyslogd_alert_evaluation_seconds_count`]; n < 1 {
		t.Errorf("evaluations = %v, want at least 1", n)
	}
}

// alert send sends one test notification through the rule's notifier,
// with the matches of the last window, and says so.
func TestAlertSendSendsATest(t *testing.T) {
	h := newHook(t, 0, false)
	d := startDaemon(t, func(p string) string { return alertConfig(p, h.srv.URL, sshQuery, "threshold = 100") })
	d.send(sshBurst(2)...)
	d.waitRows(4, 30*time.Second)
	out, errs, code := runBinary(t, d.dir, nil, "--config", filepath.Join(d.dir, "test.toml"), "alert", "send", "ssh brute force")
	if code != 0 || out != "hook: sent\n" {
		t.Fatalf("alert send: exit %d, %q %q", code, out, errs)
	}
	posts := h.posts()
	if len(posts) != 1 || !posts[0].body.Test || posts[0].body.State != "firing" || posts[0].body.Count != 2 || len(posts[0].body.Events) != 2 {
		t.Fatalf("posts: %+v", posts)
	}
	checkEventsAreSearchJSON(t, d, posts[0].body.Events, 2)
}
