package web

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/db/search/query"
	"github.com/aiosyslogd/aiosyslogd/db/sqlite"
)

const (
	alice   = "Accepted password for alice from 10.0.0.5"
	refused = "connection refused on port 5432"
	index   = "GET /index.html 200 user=bob"
	root    = "Failed password for root from 203.0.113.9"
	script  = `<script>alert(1)</script>`
	img     = `"><img src=x onerror=alert(2)> from fe80::1 mac 00:1a:2b:3c:4d:5e`
)

func TestAPISearchFilters(t *testing.T) {
	ts := newTestServer(t, fixture, nil)
	c := ts.login(t, "bob")
	tests := []struct {
		query string
		want  []string
	}{
		{"", []string{img, script, root, index, refused, alice}},
		{"order=asc&limit=2", []string{alice, refused}},
		{"q=password", []string{root, alice}},
		{"q=%22Failed+password%22", []string{root}},
		{"q=pass*+NOT+root", []string{alice}},
		{"since=2026-10-31&until=2026-11-01&tz=UTC", []string{index, refused}},
		{"since=2026-10-31T23:00:00Z", []string{img, script, root, index}},
		{"since=2026-11-01+01:00&tz=Europe/Berlin", []string{img, script, root}},
		{"host=web*", []string{img, root, index, alice}},
		{"host=web1&tag=sshd", []string{root, alice}},
		{"tag=ng*", []string{img, index}},
		{"facility=auth", []string{root, alice}},
		{"facility=16", []string{img, index}},
		{"severity=warning", []string{index, refused}},
		{"severity=5&host=web1", []string{root}},
		{"not_host=web1&not_host=web2", []string{script, refused}},
		{"not_tag=nginx&q=password", []string{root, alice}},
		{"not_severity=info&not_severity=debug", []string{root, index, refused}},
		{"not_facility=auth&not_facility=local0", []string{script, refused}},
		{"host=nosuch", nil},
	}
	for _, tt := range tests {
		got, _ := searchMessages(t, ts, c, tt.query)
		if !slices.Equal(got, tt.want) {
			t.Errorf("/api/search?%s:\n got %q\nwant %q", tt.query, got, tt.want)
		}
	}
}

// The API's events are, byte for byte, the objects of search -o json
// (search.Event's MarshalJSON), and the same query finds the same events.
func TestAPISearchIsTheSearchModel(t *testing.T) {
	ts := newTestServer(t, fixture, nil)
	_, body := ts.get(t, ts.login(t, "bob"), "/api/search?q=password+OR+alert&host=*")
	var page struct{ Events []json.RawMessage }
	if err := json.Unmarshal([]byte(body), &page); err != nil {
		t.Fatal(err)
	}
	r, err := sqlite.OpenReader(context.Background(), ts.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var want []string
	r.Search(context.Background(), search.Query{Expr: query.MustParse("password OR alert"), Host: "*", Limit: 100}, func(e search.Event) error {
		b, _ := e.MarshalJSON()
		want = append(want, string(b))
		return nil
	})
	var got []string
	for _, e := range page.Events {
		got = append(got, string(e))
	}
	if len(want) != 4 || !slices.Equal(got, want) {
		t.Errorf("API events:\n%s\nsearch -o json:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// Pages of every size walk every event once, across the month boundary,
// in both orders, by keyset cursor.
func TestAPISearchCursorAcrossMonths(t *testing.T) {
	ts := newTestServer(t, fixture, nil)
	c := ts.login(t, "bob")
	for _, base := range []string{"", "order=asc", "q=password+OR+GET+OR+alert", "host=web*"} {
		all, _ := searchMessages(t, ts, c, base)
		for _, size := range []int{1, 2, 4} {
			var got []string
			next := ""
			for pages := 0; pages <= len(all); pages++ {
				q := base + "&limit=" + strconv.Itoa(size)
				if next != "" {
					q += "&cursor=" + url.QueryEscape(next)
				}
				page, n := searchMessages(t, ts, c, q)
				got = append(got, page...)
				if n == nil {
					break
				}
				next = *n
			}
			if !slices.Equal(got, all) {
				t.Errorf("%q in pages of %d: %q, want %q", base, size, got, all)
			}
		}
	}
}

func TestAPIBadRequests(t *testing.T) {
	ts := newTestServer(t, fixture, nil)
	c := ts.login(t, "bob")
	tests := []struct{ path, want string }{
		{"/api/search?q=a+AND", `bad query: expected a term after AND at column 3`},
		{"/api/search?q=hots:web1", `bad query: unknown field "hots" at column 1; fields are host, tag`},
		{"/api/histogram?q=(a", `bad query: missing ) for ( at column 1`},
		{"/api/facets?field=host&q=ip:10.0.0.0/33", `bad network "10.0.0.0/33"`},
		{"/api/search?since=yesteryear", `since: "yesteryear" is not a time`},
		{"/api/search?since=2026-11-02&until=2026-11-01", "is not before until"},
		{"/api/search?limit=0", "limit"},
		{"/api/search?limit=5000", "limit"},
		{"/api/search?order=sideways", "order"},
		{"/api/search?cursor=nonsense", "cursor"},
		{"/api/search?facility=cosmic", "facility"},
		{"/api/search?severity=9", "severity"},
		{"/api/search?not_severity=loud", "not_severity"},
		{"/api/search?tz=Mars/Olympus", "tz"},
		{"/api/search?q=" + strings.Repeat("x", maxParamBytes+1), "longer than"},
		{"/api/histogram?buckets=0", "buckets"},
		{"/api/facets?field=color", "field"},
		{"/api/facets?field=host&top=1000", "top"},
		{"/api/export?format=xml", "format"},
		{"/api/tail?backlog=-1", "backlog"},
		{"/api/tail?from=nonsense", "from"},
		{"/api/event?table=SystemEvents202611&id=x", "id"},
	}
	for _, tt := range tests {
		var e apiError
		ts.getJSON(t, c, tt.path, http.StatusBadRequest, &e)
		if !strings.Contains(e.Error, tt.want) {
			t.Errorf("%s: error %q, want it to contain %q", tt.path, e.Error, tt.want)
		}
	}
	var e apiError
	ts.getJSON(t, c, "/api/event?table=SystemEvents202611&id=999", http.StatusNotFound, &e)
	if ts.getJSON(t, c, "/api/search?q=sshd+hots:x", http.StatusBadRequest, &e); e.Column != 6 {
		t.Errorf("column of a bad field: %d, want 6", e.Column)
	}
}

func TestAPIHistogram(t *testing.T) {
	ts := newTestServer(t, fixture, nil)
	c := ts.login(t, "bob")
	var h histogramAnswer
	ts.getJSON(t, c, "/api/histogram?since=2026-10-30&until=2026-11-02&tz=UTC&buckets=3", http.StatusOK, &h)
	var counts []int64
	for _, b := range h.Buckets {
		counts = append(counts, b.Count)
	}
	if h.Total != 6 || h.Step != 86400 || !slices.Equal(counts, []int64{1, 2, 3}) || h.Buckets[0].Start != "2026-10-30T00:00:00Z" {
		t.Errorf("histogram %+v", h)
	}
	// The counts by severity: each bucket's add up to its count, and the
	// answer's to what the severity facet counts.
	var facets facetsAnswer
	ts.getJSON(t, c, "/api/facets?field=severity&since=2026-10-30&until=2026-11-02&tz=UTC", http.StatusOK, &facets)
	var want search.Severities
	for _, v := range facets.Values {
		s, _ := strconv.Atoi(fmt.Sprint(v.Value))
		want[s] = v.Count
	}
	var sum search.Severities
	for _, b := range h.Buckets {
		var n int64
		for s, c := range b.Severities {
			n += c
			sum[s] += c
		}
		if n != b.Count {
			t.Errorf("bucket %s: severities %v, count %d", b.Start, b.Severities, b.Count)
		}
	}
	if sum != want || h.Severities != want {
		t.Errorf("by severity: buckets %v, answer %v, facet %v", sum, h.Severities, want)
	}
	ts.getJSON(t, c, "/api/histogram?since=2026-10-30&until=2026-11-02&tz=UTC&buckets=72&q=password", http.StatusOK, &h)
	if h.Total != 2 || h.Step != 3600 || len(h.Buckets) != 72 || h.Buckets[10].Count != 1 || h.Buckets[49].Count != 1 {
		t.Errorf("histogram of a query: total %d step %d, %d buckets", h.Total, h.Step, len(h.Buckets))
	}
}

func TestAPIFacets(t *testing.T) {
	ts := newTestServer(t, fixture, nil)
	c := ts.login(t, "bob")
	tests := []struct{ query, want string }{
		{"field=host", `{"field":"host","values":[{"value":"web1","count":2},{"value":"web2","count":2},{"value":"db1","count":1},{"value":"mail","count":1}]}`},
		{"field=host&top=1&q=password", `{"field":"host","values":[{"value":"web1","count":2}]}`},
		{"field=tag&not_tag=sshd&not_tag=nginx", `{"field":"tag","values":[{"value":"postfix","count":1},{"value":"postgres","count":1}]}`},
		{"field=severity&host=web*", `{"field":"severity","values":[{"value":6,"name":"info","count":2},{"value":4,"name":"warning","count":1},{"value":5,"name":"notice","count":1}]}`},
		{"field=facility&since=2026-11-01&tz=UTC", `{"field":"facility","values":[{"value":16,"name":"local0","count":1},{"value":2,"name":"mail","count":1},{"value":4,"name":"auth","count":1}]}`},
	}
	for _, tt := range tests {
		res, body := ts.get(t, c, "/api/facets?"+tt.query)
		if res.StatusCode != 200 || strings.TrimSpace(body) != tt.want {
			t.Errorf("/api/facets?%s: %s\n%s\nwant\n%s", tt.query, res.Status, body, tt.want)
		}
	}
}

func TestAPIExport(t *testing.T) {
	ts := newTestServer(t, fixture, nil)
	c := ts.login(t, "bob")
	res, body := ts.get(t, c, "/api/export?format=ndjson&host=web*")
	lines := strings.Split(strings.TrimSpace(body), "\n")
	if res.Header.Get("Content-Type") != "application/x-ndjson" || len(lines) != 4 ||
		!strings.HasPrefix(res.Header.Get("Content-Disposition"), `attachment; filename="aiosyslogd-`) {
		t.Errorf("ndjson export: %v\n%s", res.Header, body)
	}
	for _, l := range lines {
		var e apiEvent
		if err := json.Unmarshal([]byte(l), &e); err != nil || !strings.HasPrefix(e.FromHost, "web") {
			t.Errorf("line %s: %v", l, err)
		}
	}
	// More than one page of the store's reads, and no default limit.
	var many []search.Row
	for i := range 2500 {
		many = append(many, record("2026-11-02 00:00:00", "bulk", "bulk", 1, 6, "bulk message "+strconv.Itoa(i)))
	}
	if err := ts.store.Write(context.Background(), many); err != nil {
		t.Fatal(err)
	}
	res, body = ts.get(t, c, "/api/export?format=csv")
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil || res.Header.Get("Content-Type") != "text/csv; charset=utf-8" {
		t.Fatalf("csv: %v %v", err, res.Header)
	}
	if len(rows) != 1+2500+len(fixture) || !slices.Equal(rows[0], search.CSVHeader) {
		t.Errorf("csv export: %d rows, header %q", len(rows), rows[0])
	}
	if !slices.ContainsFunc(rows, func(r []string) bool { return r[13] == script }) {
		t.Errorf("the CSV lacks the message %q as it is", script)
	}
	_, body = ts.get(t, c, "/api/export?format=ndjson&q=bulk&limit=7")
	if n := strings.Count(body, "\n"); n != 7 {
		t.Errorf("export with limit=7: %d lines", n)
	}
}

func TestAPIEvent(t *testing.T) {
	ts := newTestServer(t, fixture, nil)
	c := ts.login(t, "bob")
	res, body := ts.get(t, c, "/api/event?table=SystemEvents202611&id=1&format=rfc5424")
	if res.StatusCode != 200 || !strings.HasPrefix(body, "<37>1 2026-11-01T01:00:00") || !strings.Contains(body, " web1 sshd 42 - - Failed password for root") {
		t.Errorf("rfc5424: %s %q", res.Status, body)
	}
	var e apiEvent
	ts.getJSON(t, c, "/api/event?table=SystemEvents202610&id=2", http.StatusOK, &e)
	if e.Message != refused {
		t.Errorf("event: %+v", e)
	}
}

func TestHealthz(t *testing.T) {
	ts := newTestServer(t, fixture, nil)
	var h health
	ts.getJSON(t, ts.client(t), "/healthz", http.StatusOK, &h)
	if !h.OK || h.Newest == nil || *h.Newest != "2026-11-01T03:00:00Z" {
		t.Errorf("healthz %+v", h)
	}
}

// Without a database, web answers: the API 503 saying what to do, the
// page with a notice, /healthz ok with no newest; and once serve has
// made it, everything works without a restart.
func TestNoDatabaseYet(t *testing.T) {
	ts := newTestServer(t, nil, nil)
	c := ts.login(t, "bob")
	var e apiError
	ts.getJSON(t, c, "/api/search", http.StatusServiceUnavailable, &e)
	if !strings.Contains(e.Error, "no database at") || !strings.Contains(e.Error, "aiosyslogd serve") {
		t.Errorf("error %q", e.Error)
	}
	if _, body := ts.get(t, c, "/?since=24h"); !strings.Contains(body, "No database at") {
		t.Errorf("page: %s", body)
	}
	var h health
	ts.getJSON(t, c, "/healthz", http.StatusOK, &h)
	if !h.OK || h.Newest != nil {
		t.Errorf("healthz %+v", h)
	}
	store, err := sqlite.Open(context.Background(), ts.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	store.Write(context.Background(), fixture[:1])
	if got, _ := searchMessages(t, ts, c, ""); !slices.Equal(got, []string{alice}) {
		t.Errorf("after serve made the database: %q", got)
	}
}

// tailStream reads the events of an SSE stream.
type tailStream struct {
	t      *testing.T
	sc     *bufio.Scanner
	cancel context.CancelFunc
}

func openTail(t *testing.T, ts *testServer, c *http.Client, query string, header ...string) (*tailStream, *http.Response) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	req, _ := http.NewRequestWithContext(ctx, "GET", ts.URL+"/api/tail?"+query, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := c.Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); res.Body.Close() })
	return &tailStream{t: t, sc: bufio.NewScanner(res.Body), cancel: cancel}, res
}

// next returns the id and message of the next event.
func (s *tailStream) next() (id, message string) {
	s.t.Helper()
	for s.sc.Scan() {
		line := s.sc.Text()
		if v, ok := strings.CutPrefix(line, "id: "); ok {
			id = v
		}
		if v, ok := strings.CutPrefix(line, "data: "); ok {
			var e apiEvent
			if err := json.Unmarshal([]byte(v), &e); err != nil {
				s.t.Fatalf("data %s: %v", v, err)
			}
			return id, e.Message
		}
	}
	s.t.Fatalf("stream ended: %v", s.sc.Err())
	return "", ""
}

func TestAPITail(t *testing.T) {
	ts := newTestServer(t, fixture, func(c *Config) { c.MaxStreams = 1 })
	c := ts.login(t, "bob")
	stream, res := openTail(t, ts, c, "backlog=2&host=web*")
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("tail: %s %v", res.Status, res.Header)
	}
	if _, m := stream.next(); m != root {
		t.Errorf("backlog: %q", m)
	}
	id, m := stream.next()
	if m != img {
		t.Errorf("backlog: %q", m)
	}
	var e apiError
	ts.getJSON(t, c, "/api/tail", http.StatusServiceUnavailable, &e) // one stream at most
	ts.store.Write(context.Background(), []search.Row{
		record("2026-11-05 00:00:00", "db1", "x", 1, 6, "not for this stream"),
		record("2026-11-05 00:00:01", "web9", "x", 1, 6, "new on web9"),
		record("2026-12-01 00:00:00", "web9", "x", 1, 6, "in a new month"),
	})
	if _, m := stream.next(); m != "new on web9" {
		t.Errorf("new: %q", m)
	}
	if _, m := stream.next(); m != "in a new month" {
		t.Errorf("next month: %q", m)
	}
	stream.cancel()
	// A browser reconnecting sends the last id it saw: the stream goes on
	// after it, without a gap.
	waitFor(t, func() bool { return len(ts.srv.streams) == 0 })
	again, _ := openTail(t, ts, c, "host=web*", "Last-Event-ID", id)
	if _, m := again.next(); m != "new on web9" {
		t.Errorf("after reconnecting: %q", m)
	}
}

// waitFor waits, at most 10 s, until cond holds.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	eventually(t, 10*time.Second, func() error {
		if cond() {
			return nil
		}
		return errors.New("condition not met")
	})
}

// Serve's shutdown ends open live tails: their requests' contexts end.
func TestServeShutdownEndsTails(t *testing.T) {
	ts := newTestServer(t, fixture, nil)
	ts.Close() // serve the same Server through Serve instead
	ctx, cancel := context.WithCancel(context.Background())
	ln := newLocalListener(t)
	done := make(chan error, 1)
	go func() { done <- ts.srv.Serve(ctx, ln, nil) }()
	ts.URL = "http://" + ln.Addr().String()
	stream, _ := openTail(t, ts, ts.login(t, "bob"), "backlog=1")
	stream.next()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return within 10s of its context ending")
	}
	if stream.sc.Scan() && !strings.HasPrefix(stream.sc.Text(), ":") && stream.sc.Text() != "" {
		t.Errorf("after shutdown the stream sent %q", stream.sc.Text())
	}
}

// Exports beyond MaxExports wait for none: 429 with Retry-After.
func TestAPIExportLimit(t *testing.T) {
	ts := newTestServer(t, fixture, func(c *Config) { c.MaxExports = 1 })
	c := ts.login(t, "bob")
	ts.srv.exports <- struct{}{} // one export running
	res, body := ts.get(t, c, "/api/export")
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" || !strings.Contains(body, "exports are running") {
		t.Errorf("a second export: %s %q", res.Status, body)
	}
	<-ts.srv.exports
	if res, _ := ts.get(t, c, "/api/export"); res.StatusCode != 200 {
		t.Errorf("once it ended: %s", res.Status)
	}
}
