package ingest_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/syslog/ingest"
)

// BenchmarkPipeline is the cost of one message through the queue, the
// parser and the batcher to a store that keeps nothing: what the pipeline
// adds to each message.
func BenchmarkPipeline(b *testing.B) {
	p := ingest.New(ingest.Config{Store: discard{}, QueueSize: 1 << 16,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	in := p.Input("udp")
	data := []byte("<34>Oct 11 22:14:15 mymachine su[230]: 'su root' failed for lonvick on /dev/pts/8")
	now := time.Now()
	ctx := context.Background()
	b.ResetTimer()
	for range b.N {
		if err := in.Submit(ctx, ingest.Received{Data: data, At: now}); err != nil {
			b.Fatal(err)
		}
	}
	if err := p.Close(); err != nil {
		b.Fatal(err)
	}
}

type discard struct{}

func (discard) Write(context.Context, []search.Row) error { return nil }
