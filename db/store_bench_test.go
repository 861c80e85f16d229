package db

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/aiosyslogd/aiosyslogd/syslog/ingest"
)

// benchBatch is n records of about 200 bytes each, as a typical batch.
func benchBatch(n int, at time.Time) []ingest.Record {
	batch := make([]ingest.Record, n)
	for i := range batch {
		batch[i] = record(at, "web-frontend-01.example.com", "nginx",
			fmt.Sprintf("192.0.2.%d - - \"GET /api/v1/items/%d HTTP/1.1\" 200 %d \"-\" \"Mozilla/5.0 (X11; Linux x86_64)\" rt=0.%03d", i%250, i, 1000+i, i%1000))
	}
	return batch
}

// BenchmarkWriteBatch measures storing 1,000-record batches (one
// transaction, one INSERT, FTS5 triggers) into a real database file.
func BenchmarkWriteBatch(b *testing.B) {
	for _, size := range []int{100, 1000, 5000} {
		b.Run(fmt.Sprintf("batch=%d", size), func(b *testing.B) {
			s, err := Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"))
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			batch := benchBatch(size, time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC))
			b.ReportAllocs()
			for b.Loop() {
				if err := s.Write(context.Background(), batch); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*size)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
