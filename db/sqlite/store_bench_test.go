package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db"
	"github.com/aiosyslogd/aiosyslogd/db/search"
)

// benchBatch is n records of about 200 bytes each, as a typical batch.
func benchBatch(n int, at time.Time) []search.Row {
	batch := make([]search.Row, n)
	for i := range batch {
		batch[i] = record(at, "web-frontend-01.example.com", "nginx",
			fmt.Sprintf("192.0.2.%d - - \"GET /api/v1/items/%d HTTP/1.1\" 200 %d \"-\" \"Mozilla/5.0 (X11; Linux x86_64)\" rt=0.%03d", i%250, i, 1000+i, i%1000))
	}
	return batch
}

// benchMixedBatch is benchBatch from 200 hosts with 20 tags, so that the
// FromHost and SysLogTag indexes take inserts all over, not at one end.
func benchMixedBatch(n int, at time.Time) []search.Row {
	batch := benchBatch(n, at)
	for i := range batch {
		batch[i].Message.Hostname = fmt.Sprintf("host-%03d.example.com", (i*37)%200)
		batch[i].Message.AppName = fmt.Sprintf("app%02d", (i*7)%20)
	}
	return batch
}

// BenchmarkWriteBatch measures storing 1,000-record batches (one
// transaction, one INSERT, FTS5 triggers) into a real database file; -mixed
// from many hosts and tags.
func BenchmarkWriteBatch(b *testing.B) {
	start := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	for _, bm := range []struct {
		name  string
		batch []search.Row
	}{
		{"batch=100", benchBatch(100, start)}, {"batch=1000", benchBatch(1000, start)},
		{"batch=5000", benchBatch(5000, start)}, {"batch=1000-mixed", benchMixedBatch(1000, start)},
	} {
		b.Run(bm.name, func(b *testing.B) {
			s, err := Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"))
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

// BenchmarkWriteSpooledBatch is BenchmarkWriteBatch/batch=1000 as serve
// writes with its spool: each batch's spool position kept in its
// transaction (WriteSpooled), one position further at every batch.
func BenchmarkWriteSpooledBatch(b *testing.B) {
	start := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	batch := benchBatch(1000, start)
	b.Run("batch=1000", func(b *testing.B) {
		s, err := Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"))
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		b.ReportAllocs()
		end := db.SpoolPosition{Spool: "0123456789abcdef0123456789abcdef", Segment: 1}
		for b.Loop() {
			end.Offset += 250_000
			if err := s.WriteSpooled(context.Background(), batch, end); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N*len(batch))/b.Elapsed().Seconds(), "rows/s")
	})
}
