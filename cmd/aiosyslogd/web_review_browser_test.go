//go:build e2e

package main

import (
	"context"
	"fmt"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/syslog"
)

// The defects of the page's review (issue 23), each shown in a real
// browser over a few messages written straight into the database: §N is
// the defect's number in the issue, §+ what the issue asks for besides.

// reviewRecord is a message from host received ago before now.
func reviewRecord(now time.Time, ago time.Duration, f syslog.Facility, s syslog.Severity, host, app, text string) search.Row {
	at := now.Add(-ago)
	return search.Row{ReceivedAt: at, Message: syslog.Message{Priority: syslog.NewPriority(f, s), Timestamp: at,
		Hostname: host, AppName: app, Text: text}}
}

// longText is a message of 27 KB, one long line as a stack trace dumped
// into a log is.
var longText = "long: " + strings.Repeat("0123456789 abcdefghij klmnopqrst ", 820)

// reviewRecords are the messages of the review: a bidi override, an empty
// tag, a message of 27 KB, one stored raw, and a few ordinary ones.
func reviewRecords(now time.Time) []search.Row {
	raw := reviewRecord(now, 4*time.Minute, 1, 5, "raw-01", "", "not syslog \uFFFD at all")
	raw.Raw = []byte("not syslog \xff at all, sixteen bytes a line and some more")
	return []search.Row{
		reviewRecord(now, 9*time.Minute, 16, 7, "web-03", "nginx", "GET /health 200"),
		reviewRecord(now, 8*time.Minute, 4, 3, "db-01", "postgres", "connection refused"),
		reviewRecord(now, 7*time.Minute, 2, 6, "bidi-01", "mail", "attachment invoice-\u202Eexe.live"),
		reviewRecord(now, 6*time.Minute, 1, 6, "notag-01", "", "a message without a tag"),
		reviewRecord(now, 5*time.Minute, 1, 6, "long-01", "app", longText),
		raw,
	}
}

// reviewPage starts web over the review's messages and logs alice in; it
// returns the browser, web and the database's path.
func reviewPage(t *testing.T) (context.Context, *webProc, string) {
	t.Helper()
	ctx := newBrowser(t)
	dir := t.TempDir()
	pythonUsers(t, dir)
	dbPath := filepath.Join(dir, "syslog.db")
	searchWriteFixture(t, dbPath, reviewRecords(time.Now()))
	w := startWeb(t, dir, webConfig(dbPath, ""))
	browserLogin(t, ctx, w)
	return ctx, w, dbPath
}

// rowOf is the JavaScript expression of the result row of host.
func rowOf(host string) string {
	return `Array.from(document.querySelectorAll("#results tbody tr")).find(tr => tr.querySelector("td.host").textContent === "` + host + `")`
}

// openDetail clicks the host cell of host's row and waits for the panel.
func openDetail(t *testing.T, ctx context.Context, host string) {
	t.Helper()
	browse(t, ctx, "detail of "+host, chromedp.Evaluate[chromedp.Void](rowOf(host)+`.querySelector("td.host").click()`),
		chromedp.WaitVisible("#detail"))
}

// detailField is the JavaScript expression of a field's value in the
// detail panel.
func detailField(name string) string {
	return `Array.from(document.querySelectorAll("#detail-fields tr")).find(tr => tr.querySelector("th").textContent === "` + name + `").querySelector("td")`
}

// §1 A bidi control is shown as a mark, never applied: "invoice-\u202Eexe.live"
// would read "invoice-evil.exe".
func TestWebBidiShown(t *testing.T) {
	ctx, w, _ := reviewPage(t)
	browse(t, ctx, "page", chromedp.Navigate(w.url+"/?since=1h"), loaded)
	cell := browserValue(t, ctx, "cell", chromedp.Evaluate[string](rowOf("bidi-01")+`.querySelector("td.msg").textContent`))
	if strings.ContainsRune(cell, '\u202E') || !strings.Contains(cell, "U+202E") {
		t.Errorf("the message cell shows %q", cell)
	}
	mark := browserValue(t, ctx, "mark", chromedp.Evaluate[string](rowOf("bidi-01")+`.querySelector("td.msg .ctl").title`))
	if !strings.Contains(mark, "RIGHT-TO-LEFT OVERRIDE") {
		t.Errorf("the mark's title: %q", mark)
	}
	openDetail(t, ctx, "bidi-01")
	if got := browserValue(t, ctx, "detail", chromedp.Evaluate[string](detailField("Message")+`.textContent`)); got != cell {
		t.Errorf("the detail panel shows %q, the row %q", got, cell)
	}
}

// §2 An empty tag is a facet value "(none)" that filters like tag:"" typed.
func TestWebEmptyTagFacet(t *testing.T) {
	ctx, w, _ := reviewPage(t)
	browse(t, ctx, "page", chromedp.Navigate(w.url+"/?since=1h"), loaded,
		chromedp.Click(`//section[@data-field="tag"]//button[@class="facet-add" and text()="(none)"]`),
		chromedp.WaitVisible(`#q[value='tag:""']`), loaded)
	if hosts := browserValue(t, ctx, "hosts", shownHosts); strings.Join(hosts, " ") != "raw-01 notag-01" {
		t.Errorf("hosts of the empty tag: %q", hosts)
	}
	browse(t, ctx, "exclude", chromedp.Navigate(w.url+"/?since=1h&q=without+OR+syslog+OR+GET+OR+connection"), loaded,
		chromedp.Click(`//section[@data-field="tag"]//li[button[text()="(none)"]]/button[@class="facet-not"]`),
		chromedp.WaitVisible(`#q[value='(without OR syslog OR GET OR connection) -tag:""']`), loaded)
	if hosts := browserValue(t, ctx, "hosts", shownHosts); strings.Join(hosts, " ") != "db-01 web-03" {
		t.Errorf("hosts without the empty tag: %q", hosts)
	}
}

// §3 A message of 27 KB is a few lines with "more"; the detail panel shows
// it whole, and the hex dump of a raw message fits the panel.
func TestWebLongMessage(t *testing.T) {
	ctx, w, _ := reviewPage(t)
	browse(t, ctx, "page", chromedp.Navigate(w.url+"/?since=1h"), loaded)
	height := chromedp.Evaluate[int](rowOf("long-01") + `.getBoundingClientRect().height | 0`)
	if h := browserValue(t, ctx, "height", height); h > 120 {
		t.Errorf("the row of 27 KB is %d px tall", h)
	}
	browse(t, ctx, "more", chromedp.Evaluate[chromedp.Void](rowOf("long-01")+`.querySelector("button.more").click()`))
	if h := browserValue(t, ctx, "height", height); h < 400 {
		t.Errorf("after more the row is %d px tall", h)
	}
	if open := browserValue(t, ctx, "detail", chromedp.Evaluate[bool](`!document.getElementById("detail").offsetParent`)); !open {
		t.Error("more opened the detail panel")
	}
	openDetail(t, ctx, "long-01")
	if got := browserValue(t, ctx, "message", chromedp.Evaluate[string](detailField("Message")+`.textContent`)); got != longText {
		t.Errorf("the detail panel shows %d of %d bytes", len(got), len(longText))
	}
	openDetail(t, ctx, "raw-01")
	fits := browserValue(t, ctx, "hex", chromedp.Evaluate[[]int](`(() => { const p = document.getElementById("detail-raw"); return [p.scrollWidth, p.clientWidth]; })()`))
	if fits[0] > fits[1] {
		t.Errorf("the hex dump is %d px wide in %d px", fits[0], fits[1])
	}
	if dump := browserValue(t, ctx, "dump", chromedp.Text("#detail-raw")); !strings.Contains(dump, "  not syslog . at \n00000010") {
		t.Errorf("the hex dump's text column: %q", dump)
	}
}

// §4 Live tail keeps the total and the histogram live, keeps at most 500
// rows, and its "N new" button in view while the reader is scrolled down.
func TestWebLiveTailLive(t *testing.T) {
	ctx, w, dbPath := reviewPage(t)
	browse(t, ctx, "live", chromedp.EmulateViewport(1280, 700), chromedp.Navigate(w.url+"/?since=1h&live=1"), loaded,
		chromedp.WaitVisible(`//span[@id="live-status" and text()="live"]`))
	var burst []search.Row
	for i := range 600 {
		burst = append(burst, reviewRecord(time.Now(), time.Duration(600-i)*time.Millisecond, 1, 6, "burst-01", "app", "burst "+strings.Repeat("x", i%7)))
	}
	burst[len(burst)-1].Message.Text = "the last of the burst"
	searchWriteFixture(t, dbPath, burst)
	browse(t, ctx, "burst", chromedp.WaitVisible(`//td[@class="msg" and text()="the last of the burst"]`))
	counts := chromedp.Poll[[]int](`(() => {
		const sum = Array.from(document.querySelectorAll("#histogram g.bar"), r => +r.dataset.count).reduce((a, b) => a + b, 0);
		const total = +document.getElementById("total").dataset.total;
		return total === 606 && sum === 606 ? [total, sum] : null;
	})()`, chromedp.WithPollingTimeout(15*time.Second))
	if got := browserValue(t, ctx, "total and bars", counts); got[0] != 606 {
		t.Errorf("total and bars: %v", got)
	}
	if n := browserValue(t, ctx, "rows", chromedp.Evaluate[int](`document.querySelectorAll("#results tbody tr").length`)); n != 500 {
		t.Errorf("%d rows after 606 messages, want 500", n)
	}
	browse(t, ctx, "scroll", chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 3000)`))
	searchWriteFixture(t, dbPath, []search.Row{reviewRecord(time.Now(), 0, 1, 6, "late-01", "app", "arrived scrolled down")})
	browse(t, ctx, "held", chromedp.WaitVisible(`//button[@id="new-events" and text()="1 new — show"]`))
	top := browserValue(t, ctx, "button", chromedp.Evaluate[[]int](`(() => { const r = document.getElementById("new-events").getBoundingClientRect(); return [r.top | 0, Math.ceil(r.bottom), innerHeight]; })()`))
	if top[0] < 0 || top[1] > top[2] {
		t.Errorf("the new-messages button is at %d–%d px of a %d px window", top[0], top[1], top[2])
	}
	browserValue(t, ctx, "total", chromedp.Poll[bool](`+document.getElementById("total").dataset.total === 607 || null`, chromedp.WithPollingTimeout(15*time.Second)))
	browse(t, ctx, "show", chromedp.Click("#new-events"), chromedp.WaitVisible(`//td[@class="msg" and text()="arrived scrolled down"]`))
	if n := browserValue(t, ctx, "rows", chromedp.Evaluate[int](`document.querySelectorAll("#results tbody tr").length`)); n != 500 {
		t.Errorf("%d rows after 607 messages, want 500", n)
	}
}

// §5 On a phone every row keeps its host and a bar of its severity's
// colour, and the results come before the facets.
func TestWebPhoneRows(t *testing.T) {
	ctx, w, _ := reviewPage(t)
	browse(t, ctx, "phone", chromedp.EmulateViewport(390, 844), chromedp.Navigate(w.url+"/?since=1h"), loaded)
	host := browserValue(t, ctx, "host", chromedp.Evaluate[int](rowOf("db-01")+`.querySelector("td.host").getBoundingClientRect().width | 0`))
	if host < 40 {
		t.Errorf("the host column is %d px wide", host)
	}
	bar := func(host string) string {
		return browserValue(t, ctx, "bar", chromedp.Evaluate[string](`(() => { const s = getComputedStyle(`+rowOf(host)+`.cells[0]); return s.borderLeftWidth + " " + s.borderLeftColor; })()`))
	}
	errBar, infoBar := bar("db-01"), bar("notag-01")
	if !strings.HasPrefix(errBar, "4px") || errBar == infoBar {
		t.Errorf("severity bars: err %q, info %q", errBar, infoBar)
	}
	order := browserValue(t, ctx, "order", chromedp.Evaluate[[]int](`[document.querySelector("section.results").getBoundingClientRect().top | 0, document.getElementById("facets").getBoundingClientRect().top | 0]`))
	if order[0] > order[1] {
		t.Errorf("results at %d px, facets at %d px", order[0], order[1])
	}
	if width := browserValue(t, ctx, "width", chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); width > 390 {
		t.Errorf("on a phone the page is %d px wide", width)
	}
}

// §6 The detail panel names the facility beside its number.
func TestWebFacilityNamed(t *testing.T) {
	ctx, w, _ := reviewPage(t)
	browse(t, ctx, "page", chromedp.Navigate(w.url+"/?since=1h"), loaded)
	openDetail(t, ctx, "web-03")
	facility := browserValue(t, ctx, "facility", chromedp.Evaluate[string](detailField("Facility")+`.textContent`))
	priority := browserValue(t, ctx, "priority", chromedp.Evaluate[string](detailField("Priority")+`.textContent`))
	if facility != "16 local0" || priority != "7 debug" {
		t.Errorf("facility %q, priority %q", facility, priority)
	}
}

// §6 Times are shown in one zone, named, in the table, the detail panel
// and the histogram: the browser's, or UTC when the user chose it; the
// choice is kept for the user.
func TestWebTimeZone(t *testing.T) {
	ctx, w, _ := reviewPage(t)
	kolkata := chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: "Asia/Kolkata"})
		return err
	})
	received := browserValue(t, ctx, "received", chromedp.Evaluate[string](`fetch("/api/search?since=1h&host=web-03").then(r => r.json()).then(b => b.events[0].ReceivedAt)`, chromedp.EvalAwaitPromise))
	at, err := time.Parse(time.RFC3339Nano, received)
	if err != nil {
		t.Fatal(err)
	}
	shown := func(zone string, loc *time.Location) {
		t.Helper()
		head := browserValue(t, ctx, "head", chromedp.Text("#results thead th.time"))
		cell := browserValue(t, ctx, "cell", chromedp.Evaluate[string](rowOf("web-03")+`.cells[0].textContent`))
		want := at.In(loc).Format("2006-01-02 15:04:05.000")
		if head != "Time ("+zone+")" || cell != want {
			t.Errorf("%s: head %q, cell %q, want %q", zone, head, cell, want)
		}
		openDetail(t, ctx, "web-03")
		detail := browserValue(t, ctx, "detail", chromedp.Evaluate[string](detailField("ReceivedAt")+`.textContent`))
		if detail != want+" "+zone {
			t.Errorf("%s: the detail panel shows %q, want %q", zone, detail, want+" "+zone)
		}
		axis := browserValue(t, ctx, "axis", chromedp.Text("#axis"))
		if !strings.Contains(axis, zone) {
			t.Errorf("%s: the histogram's axis %q", zone, axis)
		}
	}
	ist, _ := time.LoadLocation("Asia/Kolkata")
	browse(t, ctx, "local", kolkata, chromedp.Navigate(w.url+"/?since=1h"), loaded)
	// Chromium's name of the zone may be the older Asia/Calcutta.
	shown(browserValue(t, ctx, "zone", chromedp.Evaluate[string](`Intl.DateTimeFormat().resolvedOptions().timeZone`)), ist)
	browse(t, ctx, "UTC", chromedp.Evaluate[chromedp.Void](`(() => { const z = document.getElementById("zone"); z.value = "UTC"; z.dispatchEvent(new Event("change")); })()`),
		chromedp.WaitVisible(`//th[contains(@class,"time") and text()="Time (UTC)"]`))
	shown("UTC", time.UTC)
	browse(t, ctx, "again", chromedp.Navigate(w.url+"/?since=1h"), loaded)
	shown("UTC", time.UTC)
}

// §6 The users page: a non-admin's 403 is a page of the site, deleting a
// user asks first, and an admin changes their own password on it.
func TestWebUsersPage(t *testing.T) {
	ctx, w, _ := reviewPage(t)
	rowNames := chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll(".users tbody td:first-child"), td => td.textContent)`)
	deleteCarol := chromedp.Click(`//tr[td[1][text()="carol"]]//button[text()="Delete"]`)
	browse(t, ctx, "ask", chromedp.Navigate(w.url+"/admin/users"), chromedp.WaitVisible(".users table"), deleteCarol,
		chromedp.WaitVisible("#confirm-delete"))
	if q := browserValue(t, ctx, "question", chromedp.Text("#confirm-delete")); !strings.Contains(q, `Delete the user "carol"?`) {
		t.Errorf("the question: %q", q)
	}
	browse(t, ctx, "cancel", chromedp.Click("#confirm-delete button.cancel"), chromedp.WaitNotVisible("#confirm-delete"),
		chromedp.Navigate(w.url+"/admin/users"), chromedp.WaitVisible(".users table"))
	if names := browserValue(t, ctx, "names", rowNames); !strings.Contains(strings.Join(names, " "), "carol") {
		t.Fatalf("carol went after Cancel: %q", names)
	}
	browse(t, ctx, "delete", deleteCarol, chromedp.WaitVisible("#confirm-delete"), chromedp.Click("#confirm-delete button.danger"),
		chromedp.WaitVisible(`//p[@class="notice" and text()='Deleted "carol".']`))

	// Her own password, typed twice.
	browse(t, ctx, "mismatch", chromedp.SendKeys(`#own-password input[name="password"]`, "alice-new-password"),
		chromedp.SendKeys(`#own-password input[name="again"]`, "alice-other-password"), chromedp.Click(`#own-password button`))
	if msg := browserValue(t, ctx, "validity", chromedp.Evaluate[string](`document.querySelector('#own-password input[name="again"]').validationMessage`)); msg == "" {
		t.Error("two different passwords are not refused")
	}
	browse(t, ctx, "own password", chromedp.Evaluate[chromedp.Void](`document.querySelector('#own-password input[name="again"]').value = "alice-new-password"`),
		chromedp.Click(`#own-password button`), chromedp.WaitVisible(`//p[@class="notice" and text()='Set a new password for "alice".']`),
		chromedp.Click("#logout"), chromedp.WaitVisible(`input[name="username"]`),
		chromedp.SendKeys(`input[name="username"]`, "alice"), chromedp.SendKeys(`input[name="password"]`, "alice-new-password"),
		chromedp.Submit(`input[name="password"]`), loaded)

	// Bob is no admin: the users page is a page that says so.
	browse(t, ctx, "bob", chromedp.Click("#logout"), chromedp.WaitVisible(`input[name="username"]`),
		chromedp.SendKeys(`input[name="username"]`, "bob"), chromedp.SendKeys(`input[name="password"]`, "bob-password"),
		chromedp.Submit(`input[name="password"]`), loaded, chromedp.Navigate(w.url+"/admin/users"), chromedp.WaitVisible("main h1"))
	h1 := browserValue(t, ctx, "h1", chromedp.Text("main h1"))
	links := browserValue(t, ctx, "links", chromedp.Evaluate[int](`document.querySelectorAll('header.top #logout, main a[href="/"]').length`))
	if h1 != "Not allowed" || links != 2 {
		t.Errorf("bob's users page: h1 %q, %d of the links", h1, links)
	}
	status := browserValue(t, ctx, "status", chromedp.Evaluate[int](`fetch("/admin/users").then(r => r.status)`, chromedp.EvalAwaitPromise))
	if status != 403 {
		t.Errorf("bob's users page is %d", status)
	}

	// Bob changes his own password from his name in the header; it ends
	// his session, and the new one logs him in.
	form := func(name string) string { return `#account-password input[name="` + name + `"]` }
	browse(t, ctx, "bob's password", chromedp.Click(`header.top a.name`), chromedp.WaitVisible("#account-password"),
		chromedp.SendKeys(form("current"), "bob-password"), chromedp.SendKeys(form("password"), "bob-new-password"),
		chromedp.SendKeys(form("again"), "bob-new-password"), chromedp.Click(`#account-password button`),
		chromedp.WaitVisible(`input[name="username"]`),
		chromedp.SendKeys(`input[name="username"]`, "bob"), chromedp.SendKeys(`input[name="password"]`, "bob-new-password"),
		chromedp.Submit(`input[name="password"]`), loaded)
	if url := browserValue(t, ctx, "location", chromedp.Location()); strings.Contains(url, "/login") {
		t.Errorf("bob's new password did not log him in: %s", url)
	}
}

// §7 Back and Forward show the form of the view they go to, not what was
// typed in it before.
func TestWebBackKeepsForm(t *testing.T) {
	ctx, w, _ := reviewPage(t)
	hostBox := `input[name="host"]`
	browse(t, ctx, "web-03", chromedp.Navigate(w.url+"/?host=web-03&since=24h"), loaded,
		chromedp.Evaluate[chromedp.Void](`document.querySelector('input[name="host"]').value = ""`), chromedp.SendKeys(hostBox, "db-01"), chromedp.SendKeys("#q", "refused"),
		chromedp.Submit(hostBox), chromedp.WaitVisible(`//td[@class="host" and text()="db-01"]`), loaded)
	hostIs := func(host string) chromedp.Action[bool] {
		return chromedp.Poll[bool](`(document.querySelector('input[name="host"]').value === "`+host+`" && document.body.dataset.loaded === "true") || null`,
			chromedp.WithPollingTimeout(10*time.Second))
	}
	form := chromedp.Evaluate[string](`document.querySelector('input[name="host"]').value + "|" + document.getElementById("q").value`)
	back := func(step, want string, nav chromedp.Action[chromedp.Void]) {
		t.Helper()
		browse(t, ctx, step, nav)
		browserValue(t, ctx, step, hostIs(strings.Split(want, "|")[0]))
		if got := browserValue(t, ctx, step, form); got != want {
			t.Errorf("%s: the form holds %q, want %q", step, got, want)
		}
		if hosts := browserValue(t, ctx, "hosts", shownHosts); len(hosts) != 1 || hosts[0] != strings.Split(want, "|")[0] {
			t.Errorf("%s: the results are of %q", step, hosts)
		}
	}
	back("back", "web-03|", chromedp.NavigateBack())
	back("forward", "db-01|refused", chromedp.NavigateForward())
	// The search after Back is the view's, changed by what is typed then.
	browse(t, ctx, "back again", chromedp.NavigateBack())
	browserValue(t, ctx, "back again", hostIs("web-03"))
	browse(t, ctx, "search again", chromedp.SendKeys("#q", "GET"), chromedp.Submit("#q"), chromedp.WaitVisible(`//td[@class="msg" and text()="GET /health 200"]`), loaded)
	if url := browserValue(t, ctx, "location", chromedp.Location()); !strings.Contains(url, "host=web-03") || !strings.Contains(url, "q=GET") {
		t.Errorf("the search after Back: %s", url)
	}
}

// §+ Filter for and filter out from the detail panel give the query typed:
// a host, an exact severity, a structured-data parameter.
func TestWebFilterFromDetail(t *testing.T) {
	ctx, w, dbPath := reviewPage(t)
	sd := reviewRecord(time.Now(), 3*time.Minute, 1, 6, "sd-01", "orders", "order processed")
	sd.Message.StructuredData, _ = syslog.ParseStructuredData(`[origin@32473 software="e2e browser"]`)
	searchWriteFixture(t, dbPath, []search.Row{sd})
	view := func(path string) []string {
		browse(t, ctx, path, chromedp.Navigate(w.url+path), loaded)
		return browserValue(t, ctx, path, shownHosts)
	}
	cases := []struct{ host, field, button, q string }{
		{"web-03", "FromHost", "filter-for", "host:web-03"},
		{"db-01", "Priority", "filter-out", "-(severity:err -severity:crit)"},
		{"web-03", "Facility", "filter-for", "facility:local0"},
		{"sd-01", "origin@32473 software", "filter-for", `sd.origin@32473.software:"e2e browser"`},
		{"notag-01", "SysLogTag", "filter-out", `-tag:""`},
	}
	for _, c := range cases {
		view("/?since=1h")
		openDetail(t, ctx, c.host)
		browse(t, ctx, c.field, chromedp.Evaluate[chromedp.Void](`Array.from(document.querySelectorAll("#detail tr")).find(tr => tr.querySelector("th").textContent === "`+c.field+`").querySelector("button.`+c.button+`").click()`),
			chromedp.WaitVisible(`//input[@id="q" and @value='`+c.q+`']`), loaded)
		got := browserValue(t, ctx, "hosts", shownHosts)
		typed := view("/?since=1h&q=" + url.QueryEscape(c.q))
		if !slices.Equal(got, typed) || len(got) == 0 {
			t.Errorf("%s %s of %s: %q; typing %s: %q", c.button, c.field, c.host, got, c.q, typed)
		}
	}
}

// §+ The keyboard: / goes to the query bar, j and k move through the results
// with the detail panel following, Escape closes it.
func TestWebKeyboard(t *testing.T) {
	ctx, w, _ := reviewPage(t)
	focused := chromedp.Evaluate[string](`(() => { const a = document.activeElement; return a.id || (a.querySelector("td.host") || {}).textContent || a.tagName; })()`)
	browse(t, ctx, "slash", chromedp.Navigate(w.url+"/?since=1h"), loaded, chromedp.KeyEvent("/"))
	if got := browserValue(t, ctx, "focus", focused); got != "q" {
		t.Errorf("after / the focus is on %q", got)
	}
	browse(t, ctx, "j", chromedp.Evaluate[chromedp.Void](`document.activeElement.blur()`), chromedp.KeyEvent("jj"))
	if got := browserValue(t, ctx, "focus", focused); got != "long-01" { // the first j goes to the first row
		t.Errorf("after j j the focus is on %q", got)
	}
	browse(t, ctx, "k", chromedp.KeyEvent("k"), chromedp.KeyEvent(kb.Enter), chromedp.WaitVisible("#detail"), chromedp.KeyEvent("j"))
	host := browserValue(t, ctx, "host", chromedp.Poll[string](`(`+detailField("FromHost")+`.textContent === "long-01") ? "long-01" : null`, chromedp.WithPollingTimeout(5*time.Second)))
	if host != "long-01" {
		t.Errorf("the detail panel shows %q", host)
	}
	browse(t, ctx, "escape", chromedp.KeyEvent(kb.Escape), chromedp.WaitNotVisible("#detail"))
}

// §+ The context of a message: from the detail panel to the messages
// around it from its host, highlighted; then from all hosts; the URL
// keeps the view.
func TestWebContextView(t *testing.T) {
	ctx, w, dbPath := reviewPage(t)
	var around []search.Row
	now := time.Now()
	for i := range 12 {
		at := time.Duration(120-10*i) * time.Second
		around = append(around, reviewRecord(now, at, 1, 6, "ctx-01", "app", fmt.Sprintf("ctx %02d", i)),
			reviewRecord(now, at-time.Second, 1, 6, "other-01", "app", fmt.Sprintf("other %02d", i)))
	}
	searchWriteFixture(t, dbPath, around)
	messages := chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#results td.msg"), td => td.textContent)`)
	highlighted := chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#results tr.context-event td.msg"), td => td.textContent)`)
	browse(t, ctx, "search", chromedp.Navigate(w.url+"/?since=1h&q=message:%22ctx+05%22"), loaded)
	openDetail(t, ctx, "ctx-01")
	browse(t, ctx, "context", chromedp.Click("#detail-context"), chromedp.WaitVisible("#context-bar"), loaded)
	var want []string
	for i := 11; i >= 0; i-- {
		want = append(want, fmt.Sprintf("ctx %02d", i))
	}
	if got := browserValue(t, ctx, "messages", messages); !slices.Equal(got, want) {
		t.Errorf("the context from its host: %q", got)
	}
	if got := browserValue(t, ctx, "highlighted", highlighted); !slices.Equal(got, []string{"ctx 05"}) {
		t.Errorf("highlighted: %q", got)
	}
	link := browserValue(t, ctx, "location", chromedp.Location())
	browse(t, ctx, "all hosts", chromedp.Click(`//p[@id="context-bar"]/a[text()="All hosts"]`), chromedp.WaitVisible(`//p[@id="context-bar"]/a[text()="Only its host"]`), loaded)
	all := browserValue(t, ctx, "messages", messages)
	if len(all) < 30 || !slices.Contains(all, "other 05") || !slices.Contains(all, "connection refused") {
		t.Errorf("the context from all hosts: %q", all)
	}
	if got := browserValue(t, ctx, "highlighted", highlighted); !slices.Equal(got, []string{"ctx 05"}) {
		t.Errorf("highlighted among all hosts: %q", got)
	}
	browse(t, ctx, "link", chromedp.Navigate(link), loaded)
	if got := browserValue(t, ctx, "highlighted", highlighted); !slices.Equal(got, []string{"ctx 05"}) {
		t.Errorf("the link of the view highlights %q", got)
	}
}

// §+ A time shows how long ago it was under the pointer.
func TestWebRelativeTime(t *testing.T) {
	ctx, w, _ := reviewPage(t)
	browse(t, ctx, "page", chromedp.Navigate(w.url+"/?since=1h"), loaded)
	title := browserValue(t, ctx, "title", chromedp.Evaluate[string](`(() => {
		const td = `+rowOf("web-03")+`.cells[0];
		td.dispatchEvent(new MouseEvent("mouseover", { bubbles: true }));
		return td.title;
	})()`))
	// 9 minutes before the fixture was written; the page may be a minute
	// later on a slow machine.
	if title != "9 min ago" && title != "10 min ago" {
		t.Errorf("web-03, received 9 minutes ago, hovered: %q", title)
	}
}

// §+ The histogram's y-axis, its buttons to move and widen the range, and
// a drag with a finger.
func TestWebHistogramMoves(t *testing.T) {
	ctx, w, _ := reviewPage(t)
	from, to := time.Now().Add(-3*time.Hour).UTC().Truncate(time.Minute), time.Now().Add(-time.Hour).UTC().Truncate(time.Minute)
	view := "/?since=" + from.Format(time.RFC3339) + "&until=" + to.Format(time.RFC3339)
	rangeOf := func() (time.Time, time.Time) {
		u, _ := url.Parse(browserValue(t, ctx, "location", chromedp.Location()))
		since, _ := time.Parse(time.RFC3339, u.Query().Get("since"))
		until, _ := time.Parse(time.RFC3339, u.Query().Get("until"))
		return since, until
	}
	// left waits for the page to leave the view and load another.
	// (It asks again while the old page goes and the new one comes.)
	left := func(step, view string) {
		t.Helper()
		eventually(t, 15*time.Second, func() error {
			sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			defer cancel()
			done, err := chromedp.Run(sctx, chromedp.Evaluate[bool](`location.href !== "`+w.url+view+`" && document.body.dataset.loaded === "true"`))
			if err == nil && !done {
				err = fmt.Errorf("%s: still at %s or loading", step, view)
			}
			return err
		})
	}
	moved := func(button string) (time.Time, time.Time) {
		browse(t, ctx, button, chromedp.Navigate(w.url+view), loaded, chromedp.Click("#"+button))
		left(button, view)
		return rangeOf()
	}
	if s, u := moved("zoom-out"); !s.Equal(from.Add(-time.Hour)) || !u.Equal(to.Add(time.Hour)) {
		t.Errorf("zoom out of %s–%s: %s–%s", from, to, s, u)
	}
	if s, u := moved("shift-earlier"); !s.Equal(from.Add(-time.Hour)) || !u.Equal(to.Add(-time.Hour)) {
		t.Errorf("earlier than %s–%s: %s–%s", from, to, s, u)
	}
	if s, u := moved("shift-later"); !s.Equal(from.Add(time.Hour)) || !u.Equal(to.Add(time.Hour)) {
		t.Errorf("later than %s–%s: %s–%s", from, to, s, u)
	}
	// Moved past now, the range is left open: it goes on.
	recent := "/?since=" + to.Format(time.RFC3339) + "&until=" + to.Add(50*time.Minute).Format(time.RFC3339)
	browse(t, ctx, "later to now", chromedp.Navigate(w.url+recent), loaded, chromedp.Click("#shift-later"))
	left("later to now", recent)
	if u, _ := url.Parse(browserValue(t, ctx, "location", chromedp.Location())); u.Query().Get("since") != to.Add(25*time.Minute).Format(time.RFC3339) || u.Query().Has("until") {
		t.Errorf("later than %s + 50 min, past now: %s", to, u)
	}

	// The y-axis names the tallest bar; a finger dragged across the bars
	// zooms into them.
	browse(t, ctx, "hour", chromedp.Navigate(w.url+"/?since=1h"), loaded)
	ymax := browserValue(t, ctx, "ymax", chromedp.Text("#ymax"))
	top := browserValue(t, ctx, "top", chromedp.Evaluate[int](`Math.max(...Array.from(document.querySelectorAll("#histogram g.bar"), r => +r.dataset.count))`))
	if ymax != strconv.Itoa(top) {
		t.Errorf("the y-axis says %q, the tallest bar is %d", ymax, top)
	}
	box := browserValue(t, ctx, "box", chromedp.Evaluate[[]float64](`(() => { const b = document.getElementById("histogram").getBoundingClientRect(); return [b.left, b.top, b.width, b.height]; })()`))
	x0, x1, y := box[0]+box[2]*0.10, box[0]+box[2]*0.40, box[1]+box[3]/2
	touch := func(typ input.DispatchTouchEventType, x float64) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			points := []*input.TouchPoint{{X: x, Y: y}}
			if typ == input.DispatchTouchEventTypeTouchEnd {
				points = []*input.TouchPoint{}
			}
			_, err := chromedp.Call(ctx, input.DispatchTouchEvent, input.DispatchTouchEventParams{Type: typ, TouchPoints: points})
			return err
		})
	}
	browse(t, ctx, "finger", touch(input.DispatchTouchEventTypeTouchStart, x0), touch(input.DispatchTouchEventTypeTouchMove, (x0+x1)/2),
		touch(input.DispatchTouchEventTypeTouchMove, x1), touch(input.DispatchTouchEventTypeTouchEnd, x1))
	left("finger", "/?since=1h")
	if s, u := rangeOf(); s.IsZero() || u.Sub(s) < 10*time.Minute || u.Sub(s) > 25*time.Minute {
		t.Errorf("a finger across a third of an hour's bars: %s–%s", s, u)
	}
}

// §+ The histogram is stacked by severity in the rows' colours: each
// severity's segments add up to the number of its messages, which the
// legend names, and each bar's segments to the bar's count.
func TestWebHistogramSeverities(t *testing.T) {
	ctx, w, dbPath := reviewPage(t)
	now := time.Now()
	var want [8]int
	for _, r := range reviewRecords(now) {
		want[r.Message.Priority.Severity()]++
	}
	var more []search.Row
	for i := range 400 {
		s := syslog.Severity(i * i % 8)
		want[s]++
		more = append(more, reviewRecord(now, time.Duration(10+i%45)*time.Minute+time.Duration(i)*time.Millisecond, 3, s, fmt.Sprintf("sev-%02d", i%9), "app", fmt.Sprintf("stacked %d", i)))
	}
	searchWriteFixture(t, dbPath, more)
	browse(t, ctx, "hour", chromedp.EmulateViewport(1280, 800), chromedp.Navigate(w.url+"/?since=1h"), loaded)
	type stacked struct {
		Segments, Legend []int // per severity
		Bad              []string
		Total            int
	}
	got := browserValue(t, ctx, "segments", chromedp.Evaluate[stacked](`(() => {
		const names = ["emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"];
		const out = {Segments: names.map(() => 0), Legend: names.map(() => 0), Bad: [], Total: 0};
		for (const g of document.querySelectorAll("#histogram g.bar")) {
			let n = 0;
			for (const r of g.querySelectorAll("rect")) {
				out.Segments[names.indexOf(r.dataset.severity)] += +r.dataset.count;
				n += +r.dataset.count;
			}
			if (n !== +g.dataset.count) out.Bad.push(g.querySelector("title").textContent);
			out.Total += +g.dataset.count;
		}
		for (const s of document.querySelectorAll("#legend [data-severity]")) out.Legend[names.indexOf(s.dataset.severity)] = +s.dataset.count;
		return out;
	})()`))
	if !slices.Equal(got.Segments, want[:]) || !slices.Equal(got.Legend, want[:]) || len(got.Bad) > 0 || got.Total != 406 {
		t.Errorf("segments by severity %v, legend %v, want %v; total %d; bars whose segments do not add up: %q", got.Segments, got.Legend, want, got.Total, got.Bad)
	}
	// A bar's title says its counts by severity.
	title := browserValue(t, ctx, "title", chromedp.Evaluate[string](`Array.from(document.querySelectorAll("#histogram g.bar")).find(g => g.querySelector("rect.sev-3")).querySelector("title").textContent`))
	if !strings.Contains(title, "\nerr ") {
		t.Errorf("the title of a bar with an err: %q", title)
	}
	// The colours are the rows' severity bars'.
	for _, sev := range []int{3, 6, 7} {
		colours := browserValue(t, ctx, "colours", chromedp.Evaluate[[]string](fmt.Sprintf(`[
			getComputedStyle(document.querySelector("#histogram rect.sev-%[1]d")).fill,
			getComputedStyle(document.querySelector("#results tr.sev-%[1]d td.time")).borderLeftColor,
			getComputedStyle(document.querySelector("#legend .sev-%[1]d .swatch")).backgroundColor]`, sev)))
		if colours[0] != colours[1] || colours[1] != colours[2] || colours[0] == "" {
			t.Errorf("severity %d: segment %s, row bar %s, legend %s", sev, colours[0], colours[1], colours[2])
		}
	}
}

// §+ The event time switch: by received time a log that arrived late is
// the newest; by event time it sits where its device stamped it, in the
// rows and in the histogram. The choice is in the URL (time=event) and
// kept for the user: the page opened again without it goes by event time.
func TestWebEventTime(t *testing.T) {
	ctx, w, dbPath := reviewPage(t)
	now := time.Now()
	late := reviewRecord(now, time.Minute, 1, 4, "late-01", "router", "backfilled from the router")
	late.Message.Timestamp = now.Add(-3 * time.Hour)
	searchWriteFixture(t, dbPath, []search.Row{late})
	type view struct {
		First, Last, Head, Time string
		Earlier                 int // messages in the bars more than two hours back
	}
	look := func(step string) view {
		return browserValue(t, ctx, step, chromedp.Evaluate[view](`(() => {
			const rows = document.querySelectorAll("#results tbody tr");
			const earlier = Array.from(document.querySelectorAll("#histogram g.bar"))
				.filter(g => Date.parse(g.dataset.start) < Date.now() - 2 * 3600e3).reduce((n, g) => n + +g.dataset.count, 0);
			return {First: rows[0].querySelector("td.host").textContent, Last: rows[rows.length - 1].querySelector("td.host").textContent,
				Head: document.getElementById("time-head").textContent, Time: new URLSearchParams(location.search).get("time") || "", Earlier: earlier};
		})()`))
	}
	// choose picks a time in the switch, as a click on it does, on the
	// page once it has loaded (polled: one step, whatever page is there).
	choose := func(v string) chromedp.Action[bool] {
		return chromedp.Poll[bool](`(() => {
			const s = document.getElementById("timeby");
			if (!s || document.body.dataset.loaded !== "true") return null;
			s.value = "`+v+`";
			s.dispatchEvent(new Event("change"));
			return true;
		})()`, chromedp.WithPollingTimeout(10*time.Second))
	}
	browse(t, ctx, "received", chromedp.EmulateViewport(1280, 800), chromedp.Navigate(w.url+"/?since=6h"), loaded)
	if v := look("by received time"); v.First != "late-01" || v.Earlier != 0 || !strings.HasPrefix(v.Head, "Time (") || v.Time != "" {
		t.Errorf("by received time: %+v", v)
	}
	browserValue(t, ctx, "switch", choose("event"))
	browse(t, ctx, "switched", chromedp.WaitVisible(`//th[@id="time-head" and starts-with(text(), "Event time")]`), loaded)
	if v := look("by event time"); v.First != "raw-01" || v.Last != "late-01" || v.Earlier != 1 || v.Time != "event" {
		t.Errorf("by event time: %+v", v)
	}
	shown := browserValue(t, ctx, "late time", chromedp.Evaluate[string](rowOf("late-01")+`.querySelector("td.time").textContent`))
	if want := now.Add(-3 * time.Hour).Format("15:04"); !strings.Contains(shown, want) {
		t.Errorf("the late message's time %q, want its device's %s", shown, want)
	}
	// Opened again without time=: the user's choice holds.
	browse(t, ctx, "again", chromedp.Navigate(w.url+"/?since=6h"), loaded)
	if v := look("again"); v.Time != "event" || v.Last != "late-01" {
		t.Errorf("opened again: %+v", v)
	}
	browserValue(t, ctx, "back to received", choose("received"))
	browse(t, ctx, "switched back", chromedp.WaitVisible(`//th[@id="time-head" and starts-with(text(), "Time")]`), loaded)
	if v := look("received again"); v.First != "late-01" || v.Time != "received" {
		t.Errorf("back to received time: %+v", v)
	}
}
