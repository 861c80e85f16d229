//go:build e2e

package postgres

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db/search"
)

// benchBatch is n rows of about 200 bytes each, as the SQLite store's
// BenchmarkWriteBatch writes; mixed, from 200 hosts with 20 tags.
func benchBatch(n int, at time.Time, mixed bool) []search.Row {
	batch := make([]search.Row, n)
	for i := range batch {
		batch[i] = row(at, "web-frontend-01.example.com", "nginx",
			fmt.Sprintf("192.0.2.%d - - \"GET /api/v1/items/%d HTTP/1.1\" 200 %d \"-\" \"Mozilla/5.0 (X11; Linux x86_64)\" rt=0.%03d", i%250, i, 1000+i, i%1000))
		if mixed {
			batch[i].Message.Hostname = fmt.Sprintf("host-%03d.example.com", (i*37)%200)
			batch[i].Message.AppName = fmt.Sprintf("app%02d", (i*7)%20)
		}
	}
	return batch
}

// BenchmarkWriteBatch measures storing 1,000-row batches (one
// transaction: the batch key, COPY, the GIN and B-tree indexes) into the
// test cluster, which runs with fsync off: the figure leaves out the
// disk's flush at each commit.
func BenchmarkWriteBatch(b *testing.B) {
	start := time.Now().UTC()
	for _, bm := range []struct {
		name  string
		batch []search.Row
	}{
		{"batch=1000", benchBatch(1000, start, false)}, {"batch=1000-mixed", benchBatch(1000, start, true)},
	} {
		b.Run(bm.name, func(b *testing.B) {
			s, err := Open(context.Background(), Options{DSN: sharedDSN(b)})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			b.ReportAllocs()
			for b.Loop() {
				if err := s.Write(context.Background(), bm.batch); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*len(bm.batch))/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
