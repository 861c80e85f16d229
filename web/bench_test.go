package web

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/aiosyslogd/aiosyslogd/web/session"
	"github.com/aiosyslogd/aiosyslogd/web/user"
)

// The benchmarks of the web server run on the search benchmarks'
// 10-million-row database (make bench-search makes it, once): at
// AIOSYSLOGD_BENCH_DB or in the temporary directory. Its events span
// 2026-08-01 to 2026-11-01; "a day" is 2026-09-15.
//
//	go test -run '^$' -bench . -benchtime 20x ./web/

const benchDay = "since=2026-09-15T00:00:00Z&until=2026-09-16T00:00:00Z"

// benchServer serves the benchmark database on httptest with one user,
// and returns the server and an API token.
func benchServer(b *testing.B) (*httptest.Server, string) {
	b.Helper()
	path := os.Getenv("AIOSYSLOGD_BENCH_DB")
	if path == "" {
		path = filepath.Join(os.TempDir(), "aiosyslogd-bench-10000000.db")
	}
	if _, err := os.Stat(path); err != nil {
		b.Skipf("no benchmark database at %s: make bench-search makes it (once, ~2 minutes)", path)
	}
	usersFile := filepath.Join(b.TempDir(), "users.json")
	users, _, err := user.Bootstrap(usersFile)
	if err != nil {
		b.Fatal(err)
	}
	if err := users.Add("bench", "bench-password", false); err != nil {
		b.Fatal(err)
	}
	token, _ := users.NewToken("bench")
	key, _ := session.LoadKey(session.KeyPath(usersFile))
	sessions, _ := session.NewManager(key, users)
	srv, err := New(Config{Database: path, Open: openSQLite(path), Users: users, Sessions: sessions})
	if err != nil {
		b.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	b.Cleanup(func() { ts.Close(); srv.Close() })
	return ts, token
}

// BenchmarkAPI measures the API's answers over HTTP on loopback, as the
// page asks them: ms/request besides ns/op.
func BenchmarkAPI(b *testing.B) {
	ts, token := benchServer(b)
	for _, bm := range []struct{ name, path string }{
		{"search-selective", "/api/search?q=segfault&limit=100"},
		{"search-selective-day", "/api/search?q=segfault&limit=100&" + benchDay},
		{"search-host-day", "/api/search?host=db-07&limit=100&" + benchDay},
		{"histogram-day", "/api/histogram?" + benchDay},
		{"histogram-day-query", "/api/histogram?q=password&" + benchDay},
		{"facet-host-day", "/api/facets?field=host&" + benchDay},
		{"facet-tag-day", "/api/facets?field=tag&" + benchDay},
		{"facet-severity-day", "/api/facets?field=severity&" + benchDay},
		{"facet-facility-day", "/api/facets?field=facility&" + benchDay},
		{"facet-host-day-query", "/api/facets?field=host&q=password&" + benchDay},
		{"facet-severity-day-query", "/api/facets?field=severity&q=password&" + benchDay},
	} {
		b.Run(bm.name, func(b *testing.B) {
			for b.Loop() {
				req, _ := http.NewRequest("GET", ts.URL+bm.path, nil)
				req.Header.Set("Authorization", "Bearer "+token)
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != 200 {
					b.Fatalf("%s: %s", bm.path, res.Status)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/request")
		})
	}
}

// BenchmarkPageLoad measures the search page of a day in headless
// Chromium: the HTML, the script and styles, and the first answers of the
// API (results, histogram, four facets), until the page has drawn them.
func BenchmarkPageLoad(b *testing.B) {
	ts, _ := benchServer(b)
	chromium := os.Getenv("AIOSYSLOGD_CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	if _, err := os.Stat(chromium); err != nil {
		b.Skipf("no browser at %s", chromium)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromium), chromedp.UserDataDir(b.TempDir()),
		chromedp.NoSandbox, chromedp.DisableGPU, chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(alloc)
	defer cancel()
	login := []chromedp.Action[chromedp.Void]{chromedp.Navigate(ts.URL + "/login"),
		chromedp.SendKeys(`input[name="username"]`, "bench"), chromedp.SendKeys(`input[name="password"]`, "bench-password"),
		chromedp.Submit(`input[name="password"]`), chromedp.WaitVisible(`body[data-loaded="true"]`)}
	if err := chromedp.Do(ctx, login...); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		lctx, done := context.WithTimeout(ctx, 30*time.Second)
		// A new query each time, so that no answer comes from a cache.
		err := chromedp.Do(lctx, chromedp.Navigate(ts.URL+"/?"+benchDay+"&tz=UTC&q=segfault+OR+refused&n="+time.Now().Format("150405.000000")),
			chromedp.WaitVisible(`body[data-loaded="true"]`))
		done()
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/load")
}
