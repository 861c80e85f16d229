package sqlite

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/db/search/query"
	"github.com/aiosyslogd/aiosyslogd/syslog"
)

// The search benchmarks run on a generated database of 10 million events
// over three months (AIOSYSLOGD_BENCH_ROWS changes the number). It is made
// once, which takes several minutes and about 4 GB, and kept for later runs:
// at AIOSYSLOGD_BENCH_DB, or in the temporary directory. Benchmarks only run
// with -bench, so `go test` never makes it:
//
//	go test -run '^$' -bench BenchmarkSearch -benchtime 200x ./db/

// benchStart is when the generated events begin: three whole months follow.
var benchStart = time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC)

const benchMonths = 3

// benchRareWord is in one event of every thousand: a selective term.
const benchRareWord = "segfault"

// benchAttacker is the address of one in 200 failed ssh logins (0.05% of
// the events): an address that a search by bare IP finds.
const benchAttacker = "203.0.113.66"

var (
	benchOnce sync.Once
	benchPath string
	benchErr  error
)

// benchRows is the number of events to generate: AIOSYSLOGD_BENCH_ROWS or
// 10 million.
func benchRows() (int, error) {
	s := os.Getenv("AIOSYSLOGD_BENCH_ROWS")
	if s == "" {
		return 10_000_000, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1000 {
		return 0, fmt.Errorf("AIOSYSLOGD_BENCH_ROWS=%q: want a number of at least 1000", s)
	}
	return n, nil
}

// benchDatabase returns the path of the generated database, making it the
// first time.
func benchDatabase(b *testing.B) string {
	b.Helper()
	benchOnce.Do(func() {
		var rows int
		if rows, benchErr = benchRows(); benchErr != nil {
			return
		}
		benchPath = os.Getenv("AIOSYSLOGD_BENCH_DB")
		if benchPath == "" {
			benchPath = filepath.Join(os.TempDir(), fmt.Sprintf("aiosyslogd-bench-%d.db", rows))
		}
		if _, err := os.Stat(benchPath); err == nil {
			benchErr = upgradeBenchDatabase(benchPath)
			return
		}
		b.Logf("generating %d events into %s (once; several minutes)", rows, benchPath)
		start := time.Now()
		// Generate beside it and rename when complete: an interrupted run
		// leaves no half database to be measured later.
		tmp := benchPath + ".partial"
		os.Remove(tmp)
		if benchErr = generateBenchDatabase(tmp, rows); benchErr != nil {
			return
		}
		benchErr = os.Rename(tmp, benchPath)
		b.Logf("generated in %s", time.Since(start).Round(time.Second))
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchPath
}

// upgradeBenchDatabase opens a database made by an older version as serve
// does, which gives its month tables the indexes they lack (once; about a
// minute for 10 million rows).
func upgradeBenchDatabase(path string) error {
	s, err := Open(context.Background(), path)
	if err != nil {
		return err
	}
	return s.Close()
}

func generateBenchDatabase(path string, rows int) error {
	ctx := context.Background()
	s, err := Open(ctx, path)
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(1, 2))
	span := benchStart.AddDate(0, benchMonths, 0).Sub(benchStart)
	step := span / time.Duration(rows)
	const batchSize = 5000
	batch := make([]search.Row, 0, batchSize)
	for i := range rows {
		batch = append(batch, benchEvent(rng, i, benchStart.Add(time.Duration(i)*step)))
		if len(batch) == batchSize || i == rows-1 {
			if err := s.Write(ctx, batch); err != nil {
				s.Close()
				return err
			}
			batch = batch[:0]
		}
	}
	return s.Close()
}

var (
	benchUsers = []string{"root", "admin", "alice", "bob", "carol", "dave", "eve", "mallory", "oscar", "peggy",
		"trent", "victor", "walter", "deploy", "backup", "postgres", "www-data", "nagios", "git", "ubuntu"}
	benchPaths = []string{"/", "/index.html", "/api/v1/items", "/api/v1/orders", "/login", "/logout", "/static/app.js",
		"/static/style.css", "/health", "/metrics", "/api/v2/search", "/favicon.ico"}
	benchAgents = []string{"Mozilla/5.0 (X11; Linux x86_64)", "curl/8.5.0", "Prometheus/2.51", "Go-http-client/1.1",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64)", "kube-probe/1.29"}
)

// benchEvent is one realistic event: the mix of a small fleet's syslog
// (web servers, sshd, mail, cron, kernel, an application), with numbers,
// addresses and names that vary, so that the FTS5 index has a realistic
// vocabulary. One event in a thousand is a segfault report.
func benchEvent(rng *rand.Rand, i int, at time.Time) search.Row {
	host := fmt.Sprintf("web-%02d", rng.IntN(40))
	ip := fmt.Sprintf("%d.%d.%d.%d", 10+rng.IntN(200), rng.IntN(256), rng.IntN(256), 1+rng.IntN(254))
	user := benchUsers[rng.IntN(len(benchUsers))]
	var fac syslog.Facility
	var sev syslog.Severity
	var app, text string
	var sd []syslog.SDElement
	switch k := rng.IntN(1000); {
	case i%1000 == 500:
		host, app, fac, sev = fmt.Sprintf("app-%02d", rng.IntN(10)), "kernel", 0, 3
		text = fmt.Sprintf("myapp[%d]: %s at %x ip %012x sp %012x error 4 in libc.so.6[7f%x+16e000]",
			1000+rng.IntN(60000), benchRareWord, rng.Uint32(), rng.Uint64()>>16, rng.Uint64()>>16, rng.Uint32())
	case k < 450:
		app, fac, sev = "nginx", 16, 6
		status := []int{200, 200, 200, 200, 301, 304, 404, 500}[rng.IntN(8)]
		if status == 500 {
			sev = 3
		}
		text = fmt.Sprintf(`%s - - "GET %s HTTP/1.1" %d %d "-" "%s" rt=0.%03d`,
			ip, benchPaths[rng.IntN(len(benchPaths))], status, 200+rng.IntN(50000), benchAgents[rng.IntN(len(benchAgents))], rng.IntN(1000))
	case k < 600:
		host, app, fac = fmt.Sprintf("bastion-%d", rng.IntN(4)), "sshd", 4
		if rng.IntN(3) == 0 {
			sev, text = 6, fmt.Sprintf("Accepted publickey for %s from %s port %d ssh2: ED25519 SHA256:%016x", user, ip, 1024+rng.IntN(60000), rng.Uint64())
		} else {
			if rng.IntN(200) == 0 {
				ip = benchAttacker
			}
			sev, text = 5, fmt.Sprintf("Failed password for invalid user %s from %s port %d ssh2", user, ip, 1024+rng.IntN(60000))
		}
	case k < 750:
		host, app, fac, sev = fmt.Sprintf("mx-%d", rng.IntN(3)), "postfix/smtp", 2, 6
		text = fmt.Sprintf("%010X: to=<%s@example.com>, relay=mx%d.example.net[%s]:25, delay=%d.%d, status=sent (250 2.0.0 OK %x)",
			rng.Uint64()>>24, user, rng.IntN(9), ip, rng.IntN(5), rng.IntN(100), rng.Uint32())
	case k < 850:
		app, fac, sev = "CRON", 9, 6
		text = fmt.Sprintf("(%s) CMD (/usr/local/bin/backup.sh --target db-%02d --level %d)", user, rng.IntN(20), rng.IntN(3))
	case k < 950:
		host, app, fac, sev = fmt.Sprintf("app-%02d", rng.IntN(10)), "orders", 16+syslog.Facility(rng.IntN(3)), 6
		text = fmt.Sprintf("order %d processed in %d ms for customer %d (items=%d, total=%d.%02d EUR)",
			rng.IntN(10_000_000), rng.IntN(2000), rng.IntN(500_000), 1+rng.IntN(9), rng.IntN(900), rng.IntN(100))
		if rng.IntN(20) == 0 { // 0.5% of the events: the client behind a proxy, as RFC 5424 SD
			sd = []syslog.SDElement{{ID: "origin", Params: []syslog.SDParam{{Name: "ip", Value: fmt.Sprintf("10.1.2.%d", 1+rng.IntN(4))}}}}
		}
	case k < 990:
		app, fac, sev = "systemd", 3, 6
		text = fmt.Sprintf("Started Session %d of User %s.", rng.IntN(100000), user)
	default:
		host, app, fac, sev = fmt.Sprintf("db-%02d", rng.IntN(20)), "postgres", 3, syslog.Severity(2+rng.IntN(3))
		text = fmt.Sprintf("connection to %s refused: too many clients already (max_connections=%d)", ip, 100*(1+rng.IntN(5)))
	}
	return search.Row{
		ReceivedAt: at,
		Message: syslog.Message{
			Priority: syslog.NewPriority(fac, sev), Timestamp: at.Add(-time.Duration(rng.IntN(1000)) * time.Millisecond),
			Hostname: host, AppName: app, ProcID: strconv.Itoa(100 + rng.IntN(30000)), StructuredData: sd, Text: text,
		},
	}
}

// BenchmarkSearch measures searches on the generated database with a warm
// page cache. Besides ns/op it reports ms/query and the events found.
func BenchmarkSearch(b *testing.B) {
	path := benchDatabase(b)
	ctx := context.Background()
	r, err := OpenReader(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	mid := benchStart.AddDate(0, 1, 14) // the middle of the middle month
	tests := []struct {
		name  string
		q     search.Query
		count bool
	}{
		{"fts-selective-limit100", search.Query{Expr: query.MustParse(benchRareWord), Limit: 100}, false},
		{"fts-common-limit100", search.Query{Expr: query.MustParse("GET"), Limit: 100}, false},
		{"fts-phrase-limit100", search.Query{Expr: query.MustParse(`"Failed password" root`), Limit: 100}, false},
		{"fts-prefix-oldest-limit100", search.Query{Expr: query.MustParse("segf*"), Limit: 100, Order: search.OldestFirst}, false},
		{"fts-selective-1day-limit100", search.Query{Expr: query.MustParse(benchRareWord), Since: mid, Until: mid.Add(24 * time.Hour), Limit: 100}, false},
		{"fts-selective-severity-limit100", search.Query{Expr: query.MustParse(benchRareWord), Severity: ptr(syslog.Severity(3)), Limit: 100}, false},
		{"time-range-1h-limit100", search.Query{Since: mid, Until: mid.Add(time.Hour), Limit: 100}, false},
		{"time-range-1h-oldest-limit100", search.Query{Since: mid, Until: mid.Add(time.Hour), Limit: 100, Order: search.OldestFirst}, false},
		{"time-range-since-7d-limit100", search.Query{Since: benchStart.AddDate(0, benchMonths, -7), Limit: 100}, false},
		{"newest-limit100", search.Query{Limit: 100}, false},
		// By event time: every month table through its event time index.
		{"event-newest-limit100", search.Query{Time: search.EventTime, Limit: 100}, false},
		{"event-range-1h-limit100", search.Query{Time: search.EventTime, Since: mid, Until: mid.Add(time.Hour), Limit: 100}, false},
		{"event-range-1h-oldest-limit100", search.Query{Time: search.EventTime, Since: mid, Until: mid.Add(time.Hour), Limit: 100, Order: search.OldestFirst}, false},
		{"event-host-limit100", search.Query{Time: search.EventTime, Host: "db-07", Limit: 100}, false},
		{"event-fts-common-limit100", search.Query{Time: search.EventTime, Expr: query.MustParse("GET"), Limit: 100}, false},
		{"event-fts-selective-1day-limit100", search.Query{Time: search.EventTime, Expr: query.MustParse(benchRareWord), Since: mid, Until: mid.Add(24 * time.Hour), Limit: 100}, false},
		{"host-limit100", search.Query{Host: "db-07", Limit: 100}, false},
		{"host-common-limit100", search.Query{Host: "web-07", Limit: 100}, false},
		{"host-rare-limit100", search.Query{Host: "app-03", Limit: 100}, false},
		{"host-prefix-limit100", search.Query{Host: "web-1*", Limit: 100}, false},
		{"host-prefix-nomatch-limit100", search.Query{Host: "web1*", Limit: 100}, false},
		{"host-nomatch-limit100", search.Query{Host: "nosuch", Limit: 100}, false},
		{"tag-common-limit100", search.Query{Tag: "nginx", Limit: 100}, false},
		{"tag-rare-limit100", search.Query{Tag: "kernel", Limit: 100}, false},
		{"tag-nomatch-limit100", search.Query{Tag: "nosuch", Limit: 100}, false},
		{"tag-prefix-oldest-limit100", search.Query{Tag: "post*", Limit: 100, Order: search.OldestFirst}, false},
		{"count-fts-selective", search.Query{Expr: query.MustParse(benchRareWord)}, true},
		{"count-time-range-1h", search.Query{Since: mid, Until: mid.Add(time.Hour)}, true},
		// The query language: what people paste from a log line.
		{"ip-bare-limit100", search.Query{Expr: query.MustParse(benchAttacker), Limit: 100}, false},
		{"tag-sshd-failed-limit100", search.Query{Expr: query.MustParse("tag:sshd failed"), Limit: 100}, false},
		{"host-web07-severity-err-limit100", search.Query{Expr: query.MustParse("host:web-07 severity:err"), Limit: 100}, false},
		{"user-bob-limit100", search.Query{Expr: query.MustParse("user=bob"), Limit: 100}, false},
		{"sd-origin-ip-limit100", search.Query{Expr: query.MustParse("sd.origin.ip:10.1.2.3"), Limit: 100}, false},
		{"count-ip-bare", search.Query{Expr: query.MustParse(benchAttacker)}, true},
		// Over all time it takes some 20 s (every row goes through
		// aiosyslogd_match): a day, so that -benchtime 200x ends.
		{"count-sd-origin-ip-1day", search.Query{Expr: query.MustParse("sd.origin.ip:10.1.2.3"), Since: mid, Until: mid.Add(24 * time.Hour)}, true},
	}
	for _, tt := range tests {
		b.Run(tt.name, func(b *testing.B) {
			var found int64
			for b.Loop() {
				found = 0
				if tt.count {
					if found, err = r.Count(ctx, tt.q); err != nil {
						b.Fatal(err)
					}
					continue
				}
				if err := r.Search(ctx, tt.q, func(search.Event) error { found++; return nil }); err != nil {
					b.Fatal(err)
				}
			}
			noMatch := strings.Contains(tt.name, "nomatch")
			if rows, _ := benchRows(); rows == 10_000_000 && !noMatch && (found == 0 || !tt.count && found != int64(tt.q.Limit)) {
				b.Fatalf("found %d events in the 10M database", found)
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/query")
			b.ReportMetric(float64(found), "events")
		})
	}
}

// TestBenchEventIsRealistic keeps the generator honest without making the
// database: the rare word is rare, and messages vary.
func TestBenchEventIsRealistic(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const n = 100_000
	rare, attacker, withSD, errs := 0, 0, 0, 0
	texts, apps := map[string]bool{}, map[string]bool{}
	for i := range n {
		r := benchEvent(rng, i, benchStart)
		if strings.Contains(r.Message.Text, benchRareWord) {
			rare++
		}
		if strings.Contains(r.Message.Text, benchAttacker) {
			attacker++
		}
		if r.Message.StructuredData != nil {
			withSD++
		}
		if r.Message.AppName == "nginx" && r.Message.Priority.Severity() == 3 {
			errs++
		}
		texts[r.Message.Text] = true
		apps[r.Message.AppName] = true
	}
	if rare != n/1000 {
		t.Errorf("%q in %d of %d events, want 1 in 1000", benchRareWord, rare, n)
	}
	// Shares, with room for chance: 1 in 2,000, 1 in 200, 1 in 18.
	if attacker < n/4000 || attacker > n/1000 {
		t.Errorf("%q in %d of %d events, want about 1 in 2000", benchAttacker, attacker, n)
	}
	if withSD < n/400 || withSD > n/100 {
		t.Errorf("structured data in %d of %d events, want about 1 in 200", withSD, n)
	}
	if errs < n/30 || errs > n/10 {
		t.Errorf("nginx errors in %d of %d events, want about 1 in 18", errs, n)
	}
	if len(texts) < n*85/100 { // cron and systemd repeat, as they do
		t.Errorf("%d distinct messages of %d: not varied enough", len(texts), n)
	}
	if len(apps) < 7 {
		t.Errorf("%d distinct apps, want the whole mix", len(apps))
	}
}

// BenchmarkSummary measures what the web page asks besides the events:
// the histogram and each facet over 24 hours, without and with a
// full-text query, on the generated database.
func BenchmarkSummary(b *testing.B) {
	path := benchDatabase(b)
	ctx := context.Background()
	r, err := OpenReader(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	mid := benchStart.AddDate(0, 1, 14)
	day := search.Query{Since: mid, Until: mid.Add(24 * time.Hour)}
	term := day
	term.Expr = query.MustParse("password")
	week := search.Query{Since: mid, Until: mid.Add(7 * 24 * time.Hour)}
	eventDay := day
	eventDay.Time = search.EventTime
	for _, q := range []struct {
		name string
		q    search.Query
	}{{"24h", day}, {"24h-fts", term}, {"7d", week}, {"24h-event", eventDay}} {
		b.Run("histogram-"+q.name, func(b *testing.B) {
			for b.Loop() {
				if h, err := r.Histogram(ctx, q.q, 60); err != nil || h.Total == 0 {
					b.Fatal(h.Total, err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/query")
		})
		for _, f := range []search.Field{search.FieldHost, search.FieldTag, search.FieldSeverity, search.FieldFacility} {
			b.Run("facet-"+f.String()+"-"+q.name, func(b *testing.B) {
				for b.Loop() {
					if v, err := r.Facets(ctx, q.q, f, 10); err != nil || len(v) == 0 {
						b.Fatal(v, err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/query")
			})
		}
	}
}
