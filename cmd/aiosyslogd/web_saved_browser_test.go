//go:build e2e

package main

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// Saved searches in a real browser: the view saved from the search page
// (as the page's script has changed its URL), listed as a link whose name
// is shown as text, opened, renamed and deleted.
func TestWebSavedSearches(t *testing.T) {
	ctx, w, _ := reviewPage(t)
	const name = `pg <img src=x onerror=alert(1)>`
	browse(t, ctx, "search", chromedp.Navigate(w.url+"/?q=postgres&since=1h"), loaded,
		chromedp.Click("#zoom-out"), loaded)
	view := strings.TrimPrefix(browserValue(t, ctx, "view", chromedp.Evaluate[string](`location.search`)), "?")
	if !strings.Contains(view, "q=postgres") || view == "q=postgres&since=1h" {
		t.Fatalf("after zoom out the page's view is %q", view)
	}
	browse(t, ctx, "save", chromedp.SendKeys(`#save-search input[name="name"]`, name),
		chromedp.Click("#save-button"), chromedp.WaitVisible("#saved-list"))
	if n := browserValue(t, ctx, "img", chromedp.Evaluate[int](`document.querySelectorAll("main img").length`)); n != 0 {
		t.Errorf("the stored name made %d img elements", n)
	}
	text := browserValue(t, ctx, "name", chromedp.Text(".saved-link"))
	href := browserValue(t, ctx, "link", chromedp.Evaluate[string](`document.querySelector(".saved-link").getAttribute("href")`))
	if text != name || !strings.HasPrefix(href, "/?") || !strings.Contains(href, "q=postgres") {
		t.Errorf("the saved search reads %q and links %q", text, href)
	}

	// A relative range stays relative.
	browse(t, ctx, "relative", chromedp.Navigate(w.url+"/?q=postgres&since=1h"), loaded,
		chromedp.SendKeys(`#save-search input[name="name"]`, "last hour"),
		chromedp.Click("#save-button"), chromedp.WaitVisible("#saved-list"),
		chromedp.Click(`//a[@class="saved-link" and text()="last hour"]`), loaded)
	if loc := browserValue(t, ctx, "location", chromedp.Location()); !strings.HasSuffix(loc, "/?q=postgres&since=1h") {
		t.Errorf("the saved link opened %s", loc)
	}
	if hosts := browserValue(t, ctx, "hosts", shownHosts); strings.Join(hosts, " ") != "db-01" {
		t.Errorf("the saved search shows %q", hosts)
	}

	// Rename, then delete.
	browse(t, ctx, "rename", chromedp.Click("#nav-saved"), chromedp.WaitVisible("#saved-list"),
		chromedp.SetValue(`//form[input[@name="name" and @value="last hour"]]/input[@name="new_name"]`, "postgres, last hour"),
		chromedp.Click(`//form[input[@name="name" and @value="last hour"]]/button`),
		chromedp.WaitVisible(`//a[@class="saved-link" and text()="postgres, last hour"]`))
	browse(t, ctx, "delete", chromedp.Click(`//form[@class="inline delete-saved" and input[@name="name" and @value="postgres, last hour"]]/button`),
		chromedp.WaitVisible(`//p[@class="notice" and contains(text(), "Deleted")]`))
	if n := browserValue(t, ctx, "left", chromedp.Evaluate[int](`document.querySelectorAll(".saved-link").length`)); n != 1 {
		t.Errorf("%d saved searches left, want 1", n)
	}
}
