//go:build e2e

package postgres

import (
	"context"
	"testing"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/db/search/query"
)

// BenchmarkBrowse measures what the web's page asks of the store on each
// load, over 100,000 events received in the last 24 hours (200 hosts, 20
// tags): the histogram of 60 buckets by severity and the facets of host,
// counted by PostgreSQL, alone and for a word every event holds; the
// histogram of a phrase every event holds, walked and checked row by row;
// a page of the 100 newest; the query bar's hosts.
func BenchmarkBrowse(b *testing.B) {
	ctx := context.Background()
	s, err := Open(ctx, Options{DSN: sharedDSN(b)})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	const events = 100_000
	now := time.Now().UTC()
	for i := range events / 1000 {
		batch := benchBatch(1000, now, true)
		for j := range batch {
			batch[j].ReceivedAt = now.Add(-24 * time.Hour).Add(time.Duration(i*1000+j) * 24 * time.Hour / events)
		}
		if err := s.Write(ctx, batch); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := s.pool.Exec(ctx, "ANALYZE"); err != nil {
		b.Fatal(err)
	}
	r := s.Reader()
	day := search.Query{Since: now.Add(-24 * time.Hour), Until: now}
	word := day
	word.Expr = query.MustParse("mozilla")
	phrase := day
	phrase.Expr = query.MustParse(`"linux x86_64"`)
	for _, bm := range []struct {
		name string
		run  func() error
	}{
		{"histogram-24h", func() error { _, err := r.Histogram(ctx, day, 60); return err }},
		{"facets-host-24h", func() error { _, err := r.Facets(ctx, day, search.FieldHost, 10); return err }},
		{"histogram-24h-word", func() error { _, err := r.Histogram(ctx, word, 60); return err }},
		{"facets-host-24h-word", func() error { _, err := r.Facets(ctx, word, search.FieldHost, 10); return err }},
		{"histogram-24h-phrase", func() error { _, err := r.Histogram(ctx, phrase, 60); return err }},
		{"search-page-100", func() error {
			return r.Search(ctx, search.Query{Limit: 100}, func(search.Event) error { return nil })
		}},
		{"values-host", func() error { _, err := r.Values(ctx, search.FieldHost, "host-1", 20); return err }},
	} {
		b.Run(bm.name, func(b *testing.B) {
			for b.Loop() {
				if err := bm.run(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
