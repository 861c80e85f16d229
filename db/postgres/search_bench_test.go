//go:build e2e

package postgres

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/db/storetest"
)

// The search benchmark of this store runs the SQLite store's query set
// (storetest.BenchQueries) on the same generated events
// (storetest.BenchEvent), so that the two compare at equal row counts:
//
//	AIOSYSLOGD_BENCH_ROWS=1000000 go test -tags e2e -run '^$' -bench BenchmarkSearch -benchtime 10x ./db/postgres/
//
// The events go into a new database of the test cluster (fsync off), or
// into AIOSYSLOGD_BENCH_PG_DSN when set: an empty database is filled, one
// that holds exactly AIOSYSLOGD_BENCH_ROWS events is used as it is (made
// once).

// pgBenchRows is AIOSYSLOGD_BENCH_ROWS, or a million: at the store's
// 20,000-odd rows/s here, a million takes about a minute to write.
func pgBenchRows(b *testing.B) int {
	s := os.Getenv("AIOSYSLOGD_BENCH_ROWS")
	if s == "" {
		return 1_000_000
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1000 {
		b.Fatalf("AIOSYSLOGD_BENCH_ROWS=%q: want a number of at least 1000", s)
	}
	return n
}

// pgBenchDatabase returns the DSN of a database holding rows generated
// events, writing them if it is empty, and ANALYZEd.
func pgBenchDatabase(b *testing.B, rows int) string {
	b.Helper()
	ctx := context.Background()
	dsn := os.Getenv("AIOSYSLOGD_BENCH_PG_DSN")
	if dsn == "" {
		dsn = sharedDSN(b)
	}
	s, err := Open(ctx, Options{DSN: dsn})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	have, err := s.Reader().Count(ctx, search.Query{})
	if err != nil {
		b.Fatal(err)
	}
	switch have {
	case int64(rows):
		return dsn
	case 0:
	default:
		b.Fatalf("the database holds %d events, want 0 (to fill it) or %d", have, rows)
	}
	b.Logf("writing %d events (once)", rows)
	rng := storetest.BenchRNG()
	const batchSize = 5000
	batch := make([]search.Row, 0, batchSize)
	for i := range rows {
		batch = append(batch, storetest.BenchEvent(rng, i, storetest.BenchAt(i, rows)))
		if len(batch) == batchSize || i == rows-1 {
			if err := s.Write(ctx, batch); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	// What autovacuum would do by the time anyone searches: the planner's
	// statistics and the visibility map.
	if _, err := s.pool.Exec(ctx, "VACUUM ANALYZE"); err != nil {
		b.Fatal(err)
	}
	return dsn
}

// BenchmarkSearch measures the searches of storetest.BenchQueries with a
// warm cache. Besides ns/op it reports ms/query and the events found, and
// logs the bytes per stored row.
func BenchmarkSearch(b *testing.B) {
	rows := pgBenchRows(b)
	dsn := pgBenchDatabase(b, rows)
	ctx := context.Background()
	r, err := OpenReader(ctx, Options{DSN: dsn})
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	if size, err := r.StoredBytes(ctx); err == nil {
		b.Logf("%d events in %d bytes: %d bytes per row, indexes included", rows, size, size/int64(rows))
	}
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
			if rows == 10_000_000 && !strings.Contains(tt.Name, "nomatch") && (found == 0 || !tt.Count && found != int64(tt.Query.Limit)) {
				b.Fatalf("found %d events in %d", found, rows)
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/query")
			b.ReportMetric(float64(found), "events")
		})
	}
}
