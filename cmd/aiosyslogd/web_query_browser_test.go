//go:build e2e

package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// The query bar in a real browser, over a running serve: suggestions of
// known hosts and tags picked with the keyboard and the mouse, an error
// shown at its column, the help and its examples, and a typed field that
// gives the view of the filter box; screenshots of the help, the
// suggestions and an error, wide and narrow, light and dark (in AIOSYSLOGD_SCREENSHOT_DIR
// when set).
func TestWebQueryBar(t *testing.T) {
	ctx := newBrowser(t)
	d := startDaemon(t, func(p string) string { return testConfig(p, "", "") })
	pythonUsers(t, d.dir)
	d.send(`<38>1 - web-01 sshd - - - Failed password for root from 203.0.113.66`,
		`<38>1 - web-02 sshd - - - Failed password for admin from 203.0.113.67`,
		`<30>1 - web-02 nginx - - - GET /index.html 200`,
		`<27>1 - db-01 postgres - - - connection refused`,
		`<30>1 - db-01 nginx - - - GET /health 200`)
	d.waitRows(5, 30*time.Second)
	w := startWeb(t, d.dir, webConfig(d.dbPath, ""))
	browserLogin(t, ctx, w)

	t.Run("suggestions by keyboard", func(t *testing.T) { queryKeyboard(t, ctx, w) })
	t.Run("suggestions by mouse", func(t *testing.T) { queryMouse(t, ctx, w) })
	t.Run("error at its column", func(t *testing.T) { queryError(t, ctx, w) })
	t.Run("help", func(t *testing.T) { queryHelp(t, ctx, w) })
	t.Run("typed field is the filter box", func(t *testing.T) { queryIsFilter(t, ctx, w) })
	t.Run("screenshots", func(t *testing.T) { queryScreenshots(t, ctx, w) })
}

// suggestions are the texts of the open listbox under the query bar.
var suggestions = chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#suggest li"), li => li.textContent)`)

// shownHosts are the hosts of the results.
var shownHosts = chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#results td.host"), td => td.textContent)`)

func queryKeyboard(t *testing.T, ctx context.Context, w *webProc) {
	browse(t, ctx, "type", chromedp.Navigate(w.url+"/?since=1h"), loaded,
		chromedp.SendKeys("#q", "failed host:web"), chromedp.WaitVisible(`#suggest[data-prefix="web"] li`))
	if got := browserValue(t, ctx, "suggestions", suggestions); !slices.Equal(got, []string{"web-01", "web-02"}) {
		t.Fatalf("suggestions after host:web: %q", got)
	}
	browse(t, ctx, "pick", chromedp.KeyEvent(kb.ArrowDown+kb.ArrowDown+kb.Enter), chromedp.WaitNotVisible("#suggest"))
	if q := browserValue(t, ctx, "q", chromedp.Value("#q")); q != "failed host:web-02 " {
		t.Fatalf("the query bar after the pick: %q", q)
	}
	if url := browserValue(t, ctx, "location", chromedp.Location()); strings.Contains(url, "q=") {
		t.Fatalf("the Enter that picked a value also sent the form: %s", url)
	}
	browse(t, ctx, "search", chromedp.KeyEvent(kb.Enter), chromedp.WaitVisible(`//td[@class="host" and text()="web-02"]`), loaded)
	if url := browserValue(t, ctx, "location", chromedp.Location()); !strings.Contains(url, "q=failed+host%3Aweb-02") {
		t.Errorf("the URL of the search: %s", url)
	}
	if hosts := browserValue(t, ctx, "hosts", shownHosts); !slices.Equal(hosts, []string{"web-02"}) {
		t.Errorf("hosts of failed host:web-02: %q", hosts)
	}
	// A word inside the query, the caret in it: the value is replaced up
	// to the ), the rest is kept.
	browse(t, ctx, "inside", chromedp.Evaluate[chromedp.Void](`(() => {
		const q = document.getElementById("q");
		q.value = "(host:w) sshd";
		q.focus();
		q.setSelectionRange(7, 7);
		q.dispatchEvent(new Event("input"));
	})()`), chromedp.WaitVisible(`#suggest[data-prefix="w"] li`), chromedp.KeyEvent(kb.ArrowDown+kb.Enter), chromedp.WaitNotVisible("#suggest"))
	if q := browserValue(t, ctx, "q", chromedp.Value("#q")); q != "(host:web-01) sshd" {
		t.Errorf("the query bar after a pick inside it: %q", q)
	}
}

func queryMouse(t *testing.T, ctx context.Context, w *webProc) {
	browse(t, ctx, "type", chromedp.Navigate(w.url+"/?since=1h"), loaded,
		chromedp.SendKeys("#q", "-app:ng"), chromedp.WaitVisible(`//ul[@id="suggest" and @data-prefix="ng"]/li[text()="nginx"]`),
		chromedp.Click(`//ul[@id="suggest" and @data-prefix="ng"]/li[text()="nginx"]`), chromedp.WaitNotVisible("#suggest"))
	if q := browserValue(t, ctx, "q", chromedp.Value("#q")); q != "-app:nginx " {
		t.Errorf("the query bar after a click: %q", q)
	}
	browse(t, ctx, "escape", chromedp.SendKeys("#q", "tag:p"), chromedp.WaitVisible(`#suggest[data-prefix="p"] li`),
		chromedp.KeyEvent(kb.Escape), chromedp.WaitNotVisible("#suggest"))
	if q := browserValue(t, ctx, "q", chromedp.Value("#q")); q != "-app:nginx tag:p" {
		t.Errorf("Escape changed the query bar: %q", q)
	}
}

func queryError(t *testing.T, ctx context.Context, w *webProc) {
	browse(t, ctx, "bad query", chromedp.Navigate(w.url+"/?since=1h"), loaded,
		chromedp.SendKeys("#q", "sshd hots:x"+kb.Enter), chromedp.WaitVisible(".error-caret"), loaded)
	msg := browserValue(t, ctx, "message", chromedp.Text("#error .error-text"))
	if !strings.Contains(msg, `unknown field "hots" at column 6`) {
		t.Errorf("the error: %q", msg)
	}
	caret := browserValue(t, ctx, "caret", chromedp.Evaluate[string](`document.querySelector("#error .error-caret").textContent`))
	if caret != "sshd hots:x\n     ^" {
		t.Errorf("the caret line: %q", caret)
	}
	browse(t, ctx, "focus", chromedp.Focus("#q"))
	at := browserValue(t, ctx, "selection", chromedp.Poll[int](
		`document.getElementById("q").selectionStart === 5 ? 5 : null`, chromedp.WithPollingTimeout(5*time.Second)))
	if at != 5 {
		t.Errorf("the caret of the query bar is at %d", at)
	}
}

// helpExpanded is the aria-expanded of the help's button.
var helpExpanded = chromedp.Evaluate[string](`document.getElementById("help-toggle").getAttribute("aria-expanded")`)

func queryHelp(t *testing.T, ctx context.Context, w *webProc) {
	browse(t, ctx, "open", chromedp.Navigate(w.url+"/?since=1h"), loaded, chromedp.Click("#help-toggle"),
		chromedp.WaitVisible("#help"))
	for _, field := range []string{"host:", "tag:", "app:", "program:", "pid:", "msgid:", "ip:", "facility:", "severity:", "level:", "message:", "msg:", "sd.ID.PARAM:"} {
		if !strings.Contains(browserValue(t, ctx, "help", chromedp.Text("#help")), field) {
			t.Errorf("the help does not show %s", field)
		}
	}
	if exp := browserValue(t, ctx, "expanded", helpExpanded); exp != "true" {
		t.Errorf("aria-expanded of the open help: %q", exp)
	}
	browse(t, ctx, "example", chromedp.Click(`#help button[data-example="severity:err"]`), chromedp.WaitNotVisible("#help"))
	if q := browserValue(t, ctx, "q", chromedp.Value("#q")); q != "severity:err" {
		t.Errorf("the query bar after a click on an example: %q", q)
	}
	browse(t, ctx, "escape", chromedp.Click("#help-toggle"), chromedp.WaitVisible("#help"),
		chromedp.Focus(`#help button.example`), chromedp.KeyEvent(kb.Escape), chromedp.WaitNotVisible("#help"))
	if exp := browserValue(t, ctx, "expanded", helpExpanded); exp != "false" {
		t.Errorf("aria-expanded of the closed help: %q", exp)
	}
}

// A field typed in the query bar, a filter box and a facet click give the
// same view, and the URL of each reproduces it.
func queryIsFilter(t *testing.T, ctx context.Context, w *webProc) {
	messages := chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#results td.msg"), td => td.textContent)`)
	view := func(path string) []string {
		browse(t, ctx, path, chromedp.Navigate(w.url+path), loaded)
		return browserValue(t, ctx, path, messages)
	}
	typed := view("/?since=1h&q=host%3Adb-01+-tag%3Anginx")
	boxes := view("/?since=1h&host=db-01&not_tag=nginx")
	if len(typed) != 1 || !slices.Equal(typed, boxes) {
		t.Errorf("typed %q, filter boxes %q", typed, boxes)
	}
	browse(t, ctx, "facet", chromedp.Navigate(w.url+"/?since=1h&q=-tag%3Anginx"), loaded,
		chromedp.Click(`//section[@data-field="host"]//button[@class="facet-add" and text()="db-01"]`),
		chromedp.WaitVisible(`input[name="host"][value="db-01"]`), loaded)
	url := browserValue(t, ctx, "location", chromedp.Location())
	if got := browserValue(t, ctx, "facet", messages); !slices.Equal(got, typed) {
		t.Errorf("after the facet click (%s): %q, want %q", url, got, typed)
	}
	if again := view(strings.TrimPrefix(url, w.url)); !slices.Equal(again, typed) {
		t.Errorf("the URL %s shows %q again, want %q", url, again, typed)
	}
}

// colorScheme emulates prefers-color-scheme: light or dark.
func colorScheme(scheme string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}})
		return err
	})
}

func queryScreenshots(t *testing.T, ctx context.Context, w *webProc) {
	dir := os.Getenv("AIOSYSLOGD_SCREENSHOT_DIR")
	if dir == "" {
		dir = t.TempDir()
	}
	shoot := func(name string) {
		png := browserValue(t, ctx, name, chromedp.CaptureScreenshot())
		if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil || len(png) < 5_000 {
			t.Fatalf("screenshot %s of %d bytes: %v", name, len(png), err)
		}
	}
	for _, width := range []int64{1440, 390} {
		for _, scheme := range []string{"light", "dark"} {
			name := fmt.Sprintf("-%d-%s", width, scheme)
			browse(t, ctx, "page"+name, colorScheme(scheme), chromedp.EmulateViewport(width, 900),
				chromedp.Navigate(w.url+"/?since=1h"), loaded, chromedp.Click("#help-toggle"), chromedp.WaitVisible("#help"))
			if sw := browserValue(t, ctx, "width", chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); sw > int(width) {
				t.Errorf("with the help open at %d px the page is %d px wide", width, sw)
			}
			shoot("query-help" + name)
			browse(t, ctx, "suggest"+name, chromedp.KeyEvent(kb.Escape), chromedp.WaitNotVisible("#help"),
				chromedp.SendKeys("#q", "sshd host:"), chromedp.WaitVisible("#suggest li"))
			shoot("query-suggest" + name)
			browse(t, ctx, "error"+name, chromedp.Navigate(w.url+"/?since=1h&q=sshd+hots%3Ax"), loaded, chromedp.WaitVisible(".error-caret"))
			shoot("query-error" + name)
		}
	}
	t.Logf("screenshots in %s", dir)
}
