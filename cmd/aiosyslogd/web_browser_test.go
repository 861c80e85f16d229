//go:build e2e

package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/syslog"
)

// chromiumPath is the browser the browser tests drive: AIOSYSLOGD_CHROMIUM,
// else chromium on PATH (make test puts the one .ci/install-peers unpacked
// there), else Debian's. Without one they fail: make test brings it.
func chromiumPath(t *testing.T) string {
	t.Helper()
	path := os.Getenv("AIOSYSLOGD_CHROMIUM")
	if path == "" {
		path = "/usr/bin/chromium"
		if p, err := exec.LookPath("chromium"); err == nil {
			path = p
		}
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("no browser at %s (make peers installs Chromium; elsewhere set AIOSYSLOGD_CHROMIUM): %v", path, err)
	}
	return path
}

// newBrowser starts headless Chromium with a new, empty profile and the
// flags it needs on a closed network, as root; it ends with the test.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath(t)), chromedp.UserDataDir(t.TempDir()),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(1280, 900))
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	bctx, cancelBrowser := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancelBrowser(); cancelAlloc(); cancel() })
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("start %s: %v", chromiumPath(t), err)
	}
	// An alert() anywhere fails the test: stored text must never run. The
	// goroutine ends with the browser's context.
	dialogs := chromedp.Events(bctx, page.JavascriptDialogOpening)
	go func() {
		for ev, err := range dialogs {
			if err != nil {
				return
			}
			t.Errorf("the page opened a %s dialog: %q", ev.Type, ev.Message)
			chromedp.Call(bctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
		}
	}()
	return bctx
}

// browse runs browser actions, failing the test on an error.
func browse(t *testing.T, ctx context.Context, step string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(sctx, actions...); err != nil {
		t.Fatalf("%s: %v", step, err)
	}
}

// browserValue runs a browser action that returns a value.
func browserValue[T any](t *testing.T, ctx context.Context, step string, a chromedp.Action[T]) T {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(sctx, a)
	if err != nil {
		t.Fatalf("%s: %v", step, err)
	}
	return v
}

// loaded waits until the page has drawn its results, histogram and facets.
var loaded = chromedp.WaitVisible(`body[data-loaded="true"]`)

// The page in a real browser, over a running serve: login, results,
// histogram, facets, detail panel, live tail, export, stored text shown
// as text, logout.
func TestWebInBrowser(t *testing.T) {
	ctx := newBrowser(t)
	d := startDaemon(t, func(p string) string { return testConfig(p, "", "") })
	pythonUsers(t, d.dir)
	port := strconv.Itoa(d.addr.Port)
	logger := func(args ...string) {
		t.Helper()
		args = append([]string{"--udp", "--server", "127.0.0.1", "--port", port, "--rfc5424"}, args...)
		if out, err := exec.Command("logger", args...).CombinedOutput(); err != nil {
			t.Fatalf("logger %v: %v\n%s", args, err, out)
		}
	}
	logger("-t", "browsertest", "--sd-id", "origin@32473", "--sd-param", `software="e2e-browser"`, "hello from logger")
	d.send(`<11>1 - xsshost app - - - <script>alert(1)</script>`,
		`<11>1 - xsshost app - - - "><img src=x onerror=alert(2)>`)
	d.waitRows(3, 30*time.Second)
	w := startWeb(t, d.dir, webConfig(d.dbPath, ""))
	outer := t

	t.Run("login", func(t *testing.T) { browserLogin(t, ctx, w) })
	t.Run("results", func(t *testing.T) {
		browse(t, ctx, "results", chromedp.Navigate(w.url+"/?since=1h"), loaded)
		text := browserValue(t, ctx, "results", chromedp.Text("#results tbody"))
		if !strings.Contains(text, "hello from logger") {
			t.Errorf("results:\n%s", text)
		}
	})
	t.Run("stored text is text", func(t *testing.T) { browserXSS(t, ctx) })
	t.Run("histogram adds up", func(t *testing.T) { browserHistogram(t, ctx) })
	t.Run("detail panel", func(t *testing.T) { browserDetail(t, ctx) })
	t.Run("facet click", func(t *testing.T) { browserFacet(t, ctx, w) })
	t.Run("live tail", func(t *testing.T) {
		browse(t, ctx, "open", chromedp.Navigate(w.url+"/?since=1h"), loaded, chromedp.Click("#live"),
			chromedp.WaitVisible(`//span[@id="live-status" and text()="live"]`))
		logger("-t", "browsertest", "sent after the page opened")
		browse(t, ctx, "new row", chromedp.WaitVisible(`//td[@class="msg" and text()="sent after the page opened"]`))
	})
	t.Run("export", func(t *testing.T) { browserExport(t, ctx, w, 4) })
	t.Run("bad query in place", func(t *testing.T) {
		browse(t, ctx, "bad query", chromedp.Navigate(w.url+"/?since=1h&q=a+AND"), loaded, chromedp.WaitVisible("#error"))
		const want = `bad query: expected a term after AND at column 3; write "AND" in quotes to search for the word`
		if msg := browserValue(t, ctx, "error", chromedp.Text("#error .error-text")); msg != want {
			t.Errorf("the error shown: %q", msg)
		}
	})
	t.Run("click a bar to zoom", func(t *testing.T) {
		browse(t, ctx, "zoom", chromedp.Navigate(w.url+"/?since=1h"), loaded,
			chromedp.Click(`//*[local-name()="rect" and @data-count!="0"][last()]`), loaded)
		url := browserValue(t, ctx, "location", chromedp.Location())
		if !strings.Contains(url, "since=20") || !strings.Contains(url, "until=20") {
			t.Errorf("after a click on a bar: %s", url)
		}
		if n := browserValue(t, ctx, "rows", chromedp.Evaluate[int](`document.querySelectorAll("#results tbody tr").length`)); n == 0 {
			t.Error("the zoomed range shows nothing")
		}
	})
	t.Run("live tail survives a restart of web", func(t *testing.T) {
		browse(t, ctx, "open", chromedp.Navigate(w.url+"/?since=1h&live=1"), loaded,
			chromedp.WaitVisible(`//span[@id="live-status" and text()="live"]`))
		w.Stop()
		browse(t, ctx, "lost", chromedp.WaitVisible(`//span[@id="live-status" and text()="reconnecting…"]`))
		w = startWeb(outer, d.dir, webConfig(d.dbPath, "bind_port = "+w.port())) // lives until the test ends
		logger("-t", "browsertest", "sent while web restarted")
		browse(t, ctx, "again", chromedp.WaitVisible(`//td[@class="msg" and text()="sent while web restarted"]`))
	})
	t.Run("logout", func(t *testing.T) {
		browse(t, ctx, "logout", chromedp.Navigate(w.url+"/?since=1h"), loaded, chromedp.Click("#logout"),
			chromedp.WaitVisible(`input[name="username"]`), chromedp.Navigate(w.url+"/?since=1h"),
			chromedp.WaitVisible(`input[name="username"]`))
		url := browserValue(t, ctx, "location", chromedp.Location())
		if !strings.Contains(url, "/login?next=") {
			t.Errorf("after logout the page is at %s", url)
		}
	})
}

func browserLogin(t *testing.T, ctx context.Context, w *webProc) {
	browse(t, ctx, "wrong password", chromedp.Navigate(w.url+"/"),
		chromedp.SendKeys(`input[name="username"]`, "alice"), chromedp.SendKeys(`input[name="password"]`, "wrong password"),
		chromedp.Submit(`input[name="password"]`), chromedp.WaitVisible(".error"))
	msg := browserValue(t, ctx, "error", chromedp.Text(".error"))
	if !strings.Contains(msg, "Wrong user name or password") {
		t.Errorf("a wrong password: %q", msg)
	}
	browse(t, ctx, "login", chromedp.SendKeys(`input[name="username"]`, "alice"), chromedp.SendKeys(`input[name="password"]`, "alice-password"),
		chromedp.Submit(`input[name="password"]`), loaded)
	url := browserValue(t, ctx, "location", chromedp.Location())
	if !strings.Contains(url, "since=24h") {
		t.Errorf("after the login: %s", url)
	}
}

func browserXSS(t *testing.T, ctx context.Context) {
	messages := browserValue(t, ctx, "messages", chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#results td.msg"), td => td.textContent)`))
	images := browserValue(t, ctx, "images", chromedp.Evaluate[int](`document.querySelectorAll("#results img, #facets img, script:not([src])").length`))
	for _, want := range []string{`<script>alert(1)</script>`, `"><img src=x onerror=alert(2)>`} {
		found := false
		for _, m := range messages {
			found = found || m == want
		}
		if !found {
			t.Errorf("%q is not shown as text; messages %q", want, messages)
		}
	}
	if images != 0 {
		t.Errorf("%d elements made from stored text", images)
	}
}

func browserHistogram(t *testing.T, ctx context.Context) {
	sum := browserValue(t, ctx, "bars", chromedp.Evaluate[int](`Array.from(document.querySelectorAll("#histogram g.bar"), r => +r.dataset.count).reduce((a, b) => a + b, 0)`))
	total := browserValue(t, ctx, "total", chromedp.Evaluate[int](`+document.getElementById("total").dataset.total`))
	rows := browserValue(t, ctx, "rows", chromedp.Evaluate[int](`document.querySelectorAll("#results tbody tr").length`))
	if sum != total || total != rows || total < 3 {
		t.Errorf("bars add up to %d, total %d, %d results", sum, total, rows)
	}
}

func browserDetail(t *testing.T, ctx context.Context) {
	browse(t, ctx, "detail", chromedp.Click(`//td[@class="msg" and text()="hello from logger"]`),
		chromedp.WaitVisible("#detail"), chromedp.WaitVisible("#sd-title"))
	sd := browserValue(t, ctx, "sd", chromedp.Text("#detail-sd"))
	line := browserValue(t, ctx, "rfc5424", chromedp.Poll[string](`document.getElementById("detail-rfc5424").value || null`, chromedp.WithPollingTimeout(10*time.Second)))
	if !strings.Contains(sd, "origin@32473 software") || !strings.Contains(sd, "e2e-browser") {
		t.Errorf("structured data: %q", sd)
	}
	if !strings.Contains(line, `[origin@32473 software="e2e-browser"] hello from logger`) {
		t.Errorf("RFC 5424: %q", line)
	}
	browse(t, ctx, "close", chromedp.Click("#detail-close"), chromedp.WaitNotVisible("#detail"))
}

func browserFacet(t *testing.T, ctx context.Context, w *webProc) {
	hostsShown := chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#results td.host"), td => td.textContent)`)
	browse(t, ctx, "facet", chromedp.Navigate(w.url+"/?since=1h"), loaded,
		chromedp.Click(`//section[@data-field="host"]//button[@class="facet-add" and text()="xsshost"]`),
		chromedp.WaitVisible(`input[name="host"][value="xsshost"]`), loaded)
	url := browserValue(t, ctx, "location", chromedp.Location())
	hosts := browserValue(t, ctx, "hosts", hostsShown)
	if len(hosts) != 2 || hosts[0] != "xsshost" || hosts[1] != "xsshost" || !strings.Contains(url, "host=xsshost") {
		t.Errorf("after the click on host xsshost: %s, hosts %q", url, hosts)
	}
	// − leaves it out; Back returns to the view before.
	browse(t, ctx, "exclude", chromedp.NavigateBack(), loaded,
		chromedp.Click(`//section[@data-field="host"]//li[button[text()="xsshost"]]/button[@class="facet-not"]`),
		chromedp.WaitVisible(".chip"), loaded)
	hosts = browserValue(t, ctx, "hosts", hostsShown)
	for _, h := range hosts {
		if h == "xsshost" {
			t.Errorf("excluded xsshost still listed: %q", hosts)
		}
	}
}

// browserExport clicks the NDJSON export and waits for the download to
// hold want lines.
func browserExport(t *testing.T, ctx context.Context, w *webProc, want int) {
	dir := t.TempDir()
	allow := chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
			Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir})
		return err
	})
	browse(t, ctx, "export", allow, chromedp.Navigate(w.url+"/?since=1h"), loaded, chromedp.Click("#export-ndjson"))
	eventually(t, 20*time.Second, func() error {
		files, _ := filepath.Glob(filepath.Join(dir, "aiosyslogd-*.ndjson"))
		if len(files) != 1 {
			return fmt.Errorf("no download in %s: %v", dir, files)
		}
		data, _ := os.ReadFile(files[0])
		if n := strings.Count(string(data), "\n"); n != want {
			return fmt.Errorf("the export holds %d lines, want %d:\n%s", n, want, data)
		}
		return nil
	})
}

// dayOfTraffic is a day of a small fleet's messages up to now, for the
// page to show something like real use.
func dayOfTraffic(now time.Time) []search.Row {
	type kind struct {
		host, app string
		f         syslog.Facility
		s         syslog.Severity
		sd, text  string
	}
	kinds := []kind{
		{"web-%02d", "nginx", 16, 6, "", `10.0.%d.7 - - "GET /api/v1/items HTTP/1.1" 200 512 rt=0.012`},
		{"web-%02d", "nginx", 16, 4, "", `10.0.%d.9 - - "GET /login HTTP/1.1" 499 0 upstream timed out`},
		{"bastion-%d", "sshd", 4, 5, "", "Failed password for invalid user admin from 203.0.113.%d port 52144 ssh2"},
		{"bastion-%d", "sshd", 4, 6, "", "Accepted publickey for deploy from 10.0.0.%d port 40022 ssh2"},
		{"db-%02d", "postgres", 3, 3, "", "connection to 10.1.0.%d refused: too many clients already"},
		{"app-%02d", "orders", 17, 6, `[order@32473 id="A-1001" items="3"]`, "order processed in %d ms"},
		{"app-%02d", "kernel", 0, 2, "", "myapp[%d]: segfault at 0 ip 00007f sp 00007ffd error 4 in libc.so.6"},
		{"mx-%d", "postfix/smtp", 2, 6, "", "3F2A1C%d: to=<ops@example.com>, relay=mx.example.net, status=sent"},
	}
	var out []search.Row
	start := now.Add(-24 * time.Hour)
	for i := range 1500 {
		k := kinds[(i*7+i/13)%len(kinds)]
		if k.s <= 3 && i%5 != 0 {
			k = kinds[0] // errors are rarer
		}
		at := start.Add(time.Duration(i) * 24 * time.Hour / 1500)
		if i > 1100 && i < 1180 {
			k = kinds[4] // an incident: the database refuses connections
		}
		m := syslog.Message{Priority: syslog.NewPriority(k.f, k.s), Timestamp: at, Hostname: fmt.Sprintf(k.host, i%12),
			AppName: k.app, ProcID: strconv.Itoa(1000 + i%700), Text: fmt.Sprintf(k.text, i%250)}
		if k.sd != "" {
			m.StructuredData, _ = syslog.ParseStructuredData(k.sd)
		}
		out = append(out, search.Row{ReceivedAt: at, Message: m})
	}
	return out
}

// The page over a day of traffic: bars across the day, ten hosts in the
// facet, a phone's width without scrolling sideways, the dark scheme; and
// screenshots: the page, the context of a message, a phone in the dark
// (README's when AIOSYSLOGD_SCREENSHOT names the first: FILE.png,
// FILE-context.png, FILE-phone-dark.png).
func TestWebPageOverADay(t *testing.T) {
	ctx := newBrowser(t)
	dir := t.TempDir()
	pythonUsers(t, dir)
	dbPath := filepath.Join(dir, "syslog.db")
	searchWriteFixture(t, dbPath, dayOfTraffic(time.Now()))
	w := startWeb(t, dir, webConfig(dbPath, ""))
	browserLogin(t, ctx, w)
	browse(t, ctx, "day", chromedp.EmulateViewport(1280, 800), chromedp.Navigate(w.url+"/?since=24h"), loaded)
	bars := browserValue(t, ctx, "bars", chromedp.Evaluate[int](`Array.from(document.querySelectorAll("#histogram g.bar")).filter(r => +r.dataset.count > 0).length`))
	hosts := browserValue(t, ctx, "hosts", chromedp.Evaluate[int](`document.querySelectorAll('#facets section[data-field="host"] li').length`))
	if bars < 40 || hosts != 10 {
		t.Errorf("%d bars with messages, %d hosts in the facet", bars, hosts)
	}
	path := os.Getenv("AIOSYSLOGD_SCREENSHOT")
	if path == "" {
		path = filepath.Join(t.TempDir(), "screenshot.png")
	}
	shoot := func(path string) {
		t.Helper()
		png := browserValue(t, ctx, "screenshot", chromedp.CaptureScreenshot())
		if err := os.WriteFile(path, png, 0o644); err != nil || len(png) < 10_000 {
			t.Fatalf("screenshot %s of %d bytes: %v", path, len(png), err)
		}
	}
	shoot(path)
	browse(t, ctx, "context", chromedp.Navigate(w.url+"/?since=24h&q=refused"), loaded,
		chromedp.Click(`#results tbody tr:nth-child(40) td.host`), chromedp.WaitVisible("#detail"),
		chromedp.Click("#detail-context"), chromedp.WaitVisible("#context-bar"), loaded,
		chromedp.Click(`//p[@id="context-bar"]/a[text()="All hosts"]`), chromedp.WaitVisible(`//p[@id="context-bar"]/a[text()="Only its host"]`), loaded,
		chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`))
	shoot(strings.TrimSuffix(path, ".png") + "-context.png")
	browse(t, ctx, "back", chromedp.Navigate(w.url+"/?since=24h"), loaded)
	// Live tail holds new messages back while the reader is scrolled down,
	// and shows them back at the top.
	browse(t, ctx, "live", chromedp.Click("#live"), chromedp.WaitVisible(`//span[@id="live-status" and text()="live"]`),
		chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 2000)`))
	more := dayOfTraffic(time.Now())[:1]
	more[0].ReceivedAt, more[0].Message.Text = time.Now(), "arrived while scrolled down"
	searchWriteFixture(t, dbPath, more)
	browse(t, ctx, "held", chromedp.WaitVisible(`//button[@id="new-events" and text()="1 new — show"]`))
	if n := browserValue(t, ctx, "rows", chromedp.Evaluate[int](`Array.from(document.querySelectorAll("#results td.msg")).filter(td => td.textContent === "arrived while scrolled down").length`)); n != 0 {
		t.Error("the new message was added while the reader was scrolled down")
	}
	browse(t, ctx, "shown", chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`),
		chromedp.WaitVisible(`//td[@class="msg" and text()="arrived while scrolled down"]`))
	browse(t, ctx, "phone", chromedp.EmulateViewport(390, 844), chromedp.Navigate(w.url+"/?since=24h"), loaded)
	if width := browserValue(t, ctx, "width", chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); width > 390 {
		t.Errorf("on a phone the page is %d px wide", width)
	}
	light := browserValue(t, ctx, "light", chromedp.Evaluate[string](`getComputedStyle(document.body).backgroundColor`))
	dark := chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}}})
		return err
	})
	browse(t, ctx, "dark", dark)
	if got := browserValue(t, ctx, "dark", chromedp.Evaluate[string](`getComputedStyle(document.body).backgroundColor`)); got == light {
		t.Errorf("the dark scheme keeps the background %s", got)
	}
	shoot(strings.TrimSuffix(path, ".png") + "-phone-dark.png")
}
