package storetest

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/db/search/query"
	"github.com/aiosyslogd/aiosyslogd/syslog"
)

// The search benchmarks of every store run on the same generated events
// and time the same queries: BenchEvent makes the events, BenchQueries
// lists the queries, so that the stores' figures compare.

// BenchStart is when the generated events begin: BenchMonths whole months
// follow.
var BenchStart = time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC)

// BenchMonths is how many months the generated events span.
const BenchMonths = 3

// BenchRareWord is in one event of every thousand: a selective term.
const BenchRareWord = "segfault"

// BenchAttacker is the address of one in 200 failed ssh logins (0.05% of
// the events): an address that a search by bare IP finds.
const BenchAttacker = "203.0.113.66"

// BenchRNG is the generator's random source: the same seed makes the same
// events in every store.
func BenchRNG() *rand.Rand { return rand.New(rand.NewPCG(1, 2)) }

// BenchAt is when event i of n is received: evenly over the BenchMonths
// months from BenchStart.
func BenchAt(i, n int) time.Time {
	span := BenchStart.AddDate(0, BenchMonths, 0).Sub(BenchStart)
	return BenchStart.Add(time.Duration(i) * (span / time.Duration(n)))
}

var (
	benchUsers = []string{"root", "admin", "alice", "bob", "carol", "dave", "eve", "mallory", "oscar", "peggy",
		"trent", "victor", "walter", "deploy", "backup", "postgres", "www-data", "nagios", "git", "ubuntu"}
	benchPaths = []string{"/", "/index.html", "/api/v1/items", "/api/v1/orders", "/login", "/logout", "/static/app.js",
		"/static/style.css", "/health", "/metrics", "/api/v2/search", "/favicon.ico"}
	benchAgents = []string{"Mozilla/5.0 (X11; Linux x86_64)", "curl/8.5.0", "Prometheus/2.51", "Go-http-client/1.1",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64)", "kube-probe/1.29"}
)

// BenchEvent is one realistic event: the mix of a small fleet's syslog
// (web servers, sshd, mail, cron, kernel, an application), with numbers,
// addresses and names that vary, so that the FTS5 index has a realistic
// vocabulary. One event in a thousand is a segfault report.
func BenchEvent(rng *rand.Rand, i int, at time.Time) search.Row {
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
			1000+rng.IntN(60000), BenchRareWord, rng.Uint32(), rng.Uint64()>>16, rng.Uint64()>>16, rng.Uint32())
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
				ip = BenchAttacker
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

// BenchQuery is one query of the search benchmarks: Count asks for the
// count of the events it matches instead of the events.
type BenchQuery struct {
	Name  string
	Query search.Query
	Count bool
}

// BenchQueries are the searches `search` runs that the benchmarks time,
// with mid (the middle of the generated months) as the time of those
// bounded by time.
func BenchQueries() []BenchQuery {
	mid := BenchStart.AddDate(0, 1, 14) // the middle of the middle month
	return []BenchQuery{
		{"fts-selective-limit100", search.Query{Expr: query.MustParse(BenchRareWord), Limit: 100}, false},
		{"fts-common-limit100", search.Query{Expr: query.MustParse("GET"), Limit: 100}, false},
		{"fts-phrase-limit100", search.Query{Expr: query.MustParse(`"Failed password" root`), Limit: 100}, false},
		{"fts-prefix-oldest-limit100", search.Query{Expr: query.MustParse("segf*"), Limit: 100, Order: search.OldestFirst}, false},
		{"fts-selective-1day-limit100", search.Query{Expr: query.MustParse(BenchRareWord), Since: mid, Until: mid.Add(24 * time.Hour), Limit: 100}, false},
		{"fts-selective-severity-limit100", search.Query{Expr: query.MustParse(BenchRareWord), Severity: ptr(syslog.Severity(3)), Limit: 100}, false},
		{"time-range-1h-limit100", search.Query{Since: mid, Until: mid.Add(time.Hour), Limit: 100}, false},
		{"time-range-1h-oldest-limit100", search.Query{Since: mid, Until: mid.Add(time.Hour), Limit: 100, Order: search.OldestFirst}, false},
		{"time-range-since-7d-limit100", search.Query{Since: BenchStart.AddDate(0, BenchMonths, -7), Limit: 100}, false},
		{"newest-limit100", search.Query{Limit: 100}, false},
		// By event time: every month table through its event time index.
		{"event-newest-limit100", search.Query{Time: search.EventTime, Limit: 100}, false},
		{"event-range-1h-limit100", search.Query{Time: search.EventTime, Since: mid, Until: mid.Add(time.Hour), Limit: 100}, false},
		{"event-range-1h-oldest-limit100", search.Query{Time: search.EventTime, Since: mid, Until: mid.Add(time.Hour), Limit: 100, Order: search.OldestFirst}, false},
		{"event-host-limit100", search.Query{Time: search.EventTime, Host: "db-07", Limit: 100}, false},
		{"event-fts-common-limit100", search.Query{Time: search.EventTime, Expr: query.MustParse("GET"), Limit: 100}, false},
		{"event-fts-selective-1day-limit100", search.Query{Time: search.EventTime, Expr: query.MustParse(BenchRareWord), Since: mid, Until: mid.Add(24 * time.Hour), Limit: 100}, false},
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
		{"count-fts-selective", search.Query{Expr: query.MustParse(BenchRareWord)}, true},
		{"count-time-range-1h", search.Query{Since: mid, Until: mid.Add(time.Hour)}, true},
		// The query language: what people paste from a log line.
		{"ip-bare-limit100", search.Query{Expr: query.MustParse(BenchAttacker), Limit: 100}, false},
		{"tag-sshd-failed-limit100", search.Query{Expr: query.MustParse("tag:sshd failed"), Limit: 100}, false},
		{"host-web07-severity-err-limit100", search.Query{Expr: query.MustParse("host:web-07 severity:err"), Limit: 100}, false},
		{"user-bob-limit100", search.Query{Expr: query.MustParse("user=bob"), Limit: 100}, false},
		{"sd-origin-ip-limit100", search.Query{Expr: query.MustParse("sd.origin.ip:10.1.2.3"), Limit: 100}, false},
		{"count-ip-bare", search.Query{Expr: query.MustParse(BenchAttacker)}, true},
		// Over all time it takes some 20 s (every row goes through
		// aiosyslogd_match): a day, so that -benchtime 200x ends.
		{"count-sd-origin-ip-1day", search.Query{Expr: query.MustParse("sd.origin.ip:10.1.2.3"), Since: mid, Until: mid.Add(24 * time.Hour)}, true},
	}
}
