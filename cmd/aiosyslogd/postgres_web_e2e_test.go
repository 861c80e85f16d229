//go:build e2e

package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/aiosyslogd/aiosyslogd/internal/testpg"
)

// TestWebOnPostgres runs `aiosyslogd web` reading a throwaway PostgreSQL
// cluster (postgresql.enabled, no --database), first before serve has
// written to it (no database yet), then with serve storing in it: the
// API's search (by received and by event time), histogram by
// severity, facets, values, one event, export and live tail answer from
// PostgreSQL, and a browser shows a stored row.
func TestWebOnPostgres(t *testing.T) {
	dsn := testpg.Shared(t).NewDatabase(t)
	// web first, on a database serve has not written to: no database yet.
	webDir := t.TempDir()
	pythonUsers(t, webDir)
	w := startWeb(t, webDir, postgresConfig(dsn)+"[web_server]\nbind_ip = \"127.0.0.1\"\nbind_port = 0\n")
	if !strings.Contains(w.Stderr(), "store=postgresql") || !strings.Contains(w.Stderr(), "no database yet") {
		t.Errorf("web does not say it reads PostgreSQL, with no database yet:\n%s", w.Stderr())
	}
	c := webClient()
	if res := w.webLogin(c, "alice", "alice-password"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: %s", res.Status)
	}
	if code, body := w.webGet(c, "/api/search?since=1h"); code != http.StatusServiceUnavailable || !strings.Contains(body, "no database") {
		t.Errorf("/api/search before serve wrote: %d %s", code, body)
	}
	if code, body := w.webGet(c, "/healthz"); code != http.StatusOK {
		t.Errorf("/healthz before serve wrote: %d %s", code, body)
	}

	// serve makes the schema and stores; web reads it without a restart.
	d := startDaemon(t, func(string) string { return postgresConfig(dsn) })
	d.send("<11>1 - pgweb1 kernel - - - okapi disk error one",
		"<14>1 - pgweb2 sshd - - - okapi info two",
		"<12>1 - pgweb1 cron - - - okapi warning three")
	getJSON := func(path string, v any) {
		t.Helper()
		code, body := w.webGet(c, path)
		if code != http.StatusOK {
			t.Fatalf("%s: %d %s", path, code, body)
		}
		if err := json.Unmarshal([]byte(body), v); err != nil {
			t.Fatalf("%s: %v\n%s", path, err, body)
		}
	}

	var page struct{ Events []searchJSONEvent }
	eventually(t, 30*time.Second, func() error {
		getJSON("/api/search?since=1h&q=okapi", &page)
		if len(page.Events) != 3 {
			return fmt.Errorf("/api/search found %d events, want 3", len(page.Events))
		}
		return nil
	})
	if e := page.Events[0]; e.Message != "okapi warning three" || e.FromHost != "pgweb1" || e.Priority != 4 {
		t.Errorf("the newest event: %+v", e)
	}

	var byEventTime struct{ Events []searchJSONEvent }
	getJSON("/api/search?since=1h&time=event&q=okapi&order=asc", &byEventTime)
	if len(byEventTime.Events) != 3 || byEventTime.Events[0].Message != "okapi disk error one" {
		t.Errorf("/api/search by event time, oldest first: %+v", byEventTime.Events)
	}

	var hist struct {
		Total      int64
		Severities [8]int64
		Buckets    []struct{ Count int64 }
	}
	getJSON("/api/histogram?since=1h&q=okapi", &hist)
	if hist.Total != 3 || hist.Severities != [8]int64{3: 1, 4: 1, 6: 1} || len(hist.Buckets) == 0 {
		t.Errorf("/api/histogram: total %d, severities %v, %d buckets", hist.Total, hist.Severities, len(hist.Buckets))
	}

	var facets struct {
		Values []struct {
			Value any
			Count int64
		}
	}
	getJSON("/api/facets?since=1h&q=okapi&field=host", &facets)
	if got := fmt.Sprint(facets.Values); got != "[{pgweb1 2} {pgweb2 1}]" {
		t.Errorf("/api/facets of host: %s", got)
	}
	getJSON("/api/facets?since=1h&field=severity", &facets)
	if got := fmt.Sprint(facets.Values); got != "[{3 1} {4 1} {6 1}]" {
		t.Errorf("/api/facets of severity: %s", got)
	}

	var values struct{ Values []string }
	getJSON("/api/values?field=host&prefix=pgw", &values)
	if !slices.Equal(values.Values, []string{"pgweb1", "pgweb2"}) {
		t.Errorf("/api/values: %q", values.Values)
	}

	var one searchJSONEvent
	e := page.Events[1]
	getJSON(fmt.Sprintf("/api/event?table=%s&id=%d", e.Table, e.ID), &one)
	if one.Message != e.Message || one.ID != e.ID {
		t.Errorf("/api/event: %+v, want %+v", one, e)
	}

	code, csv := w.webGet(c, "/api/export?format=csv&since=1h&q=okapi")
	if lines := strings.Split(strings.TrimSpace(csv), "\n"); code != http.StatusOK || len(lines) != 4 || !strings.Contains(lines[3], "okapi disk error one") {
		t.Errorf("/api/export: %d\n%s", code, csv)
	}

	t.Run("live tail", func(t *testing.T) { webTailOnPostgres(t, d, w, c) })
	t.Run("browser", func(t *testing.T) {
		ctx := newBrowser(t)
		browserLogin(t, ctx, w)
		browse(t, ctx, "results", chromedp.Navigate(w.url+"/?since=1h&q=okapi"), loaded)
		if text := browserValue(t, ctx, "results", chromedp.Text("#results tbody")); !strings.Contains(text, "okapi disk error one") {
			t.Errorf("results:\n%s", text)
		}
	})
}

// webTailOnPostgres opens /api/tail with c and checks that a message
// sent after the stream started arrives on it, and one that does not
// match does not.
func webTailOnPostgres(t *testing.T, d *daemon, w *webProc, c *http.Client) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", w.url+"/api/tail?q=okapi", nil)
	stream := *c
	stream.Timeout = 0 // the context bounds it
	res, err := stream.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("/api/tail: %s", res.Status)
	}
	lines := bufio.NewScanner(res.Body)
	if !lines.Scan() || !strings.HasPrefix(lines.Text(), "retry:") {
		t.Fatalf("/api/tail began with %q", lines.Text())
	}
	d.send("<13>1 - pgweb3 app - - - zebu not followed", "<13>1 - pgweb3 app - - - okapi after the tail started")
	for lines.Scan() {
		line := lines.Text()
		if strings.Contains(line, "zebu") {
			t.Errorf("the tail passed what its query leaves out: %s", line)
		}
		if strings.HasPrefix(line, "data: ") && strings.Contains(line, "okapi after the tail started") {
			return
		}
	}
	t.Fatalf("the message sent after the tail started did not arrive: %v", lines.Err())
}
