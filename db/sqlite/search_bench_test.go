package sqlite

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/db/search/query"
	"github.com/aiosyslogd/aiosyslogd/db/storetest"
)

// The search benchmarks run on a generated database of 10 million events
// over three months (AIOSYSLOGD_BENCH_ROWS changes the number). It is made
// once, which takes several minutes and about 4 GB, and kept for later runs:
// at AIOSYSLOGD_BENCH_DB, or in the temporary directory. Benchmarks only run
// with -bench, so `go test` never makes it:
//
//	go test -run '^$' -bench BenchmarkSearch -benchtime 200x ./db/

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
	rng := storetest.BenchRNG()
	const batchSize = 5000
	batch := make([]search.Row, 0, batchSize)
	for i := range rows {
		batch = append(batch, storetest.BenchEvent(rng, i, storetest.BenchAt(i, rows)))
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
	for _, tt := range storetest.BenchQueries() {
		b.Run(tt.Name, func(b *testing.B) {
			var found int64
			for b.Loop() {
				found = 0
				if tt.Count {
					if found, err = r.Count(ctx, tt.Query); err != nil {
						b.Fatal(err)
					}
					continue
				}
				if err := r.Search(ctx, tt.Query, func(search.Event) error { found++; return nil }); err != nil {
					b.Fatal(err)
				}
			}
			noMatch := strings.Contains(tt.Name, "nomatch")
			if rows, _ := benchRows(); rows == 10_000_000 && !noMatch && (found == 0 || !tt.Count && found != int64(tt.Query.Limit)) {
				b.Fatalf("found %d events in the 10M database", found)
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/query")
			b.ReportMetric(float64(found), "events")
		})
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
	mid := storetest.BenchStart.AddDate(0, 1, 14)
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
