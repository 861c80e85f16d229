package postgres

import (
	"context"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db/search"
)

// FeedBatch bounds the events Feed passes at once.
const FeedBatch = 1000

// Feed passes every event committed after from, by whichever collector,
// in batches of at most FeedBatch: each poll's events (what became visible
// since the poll before), oldest first, then those committed after,
// polling every interval until ctx ends (it then returns nil). It is
// Follow without a query, for the alert evaluator of the collector that
// leads.
func (r *Reader) Feed(ctx context.Context, from FollowFrom, interval time.Duration, each func([]search.Event)) error {
	var batch []search.Event
	flush := func() {
		if len(batch) > 0 {
			each(batch)
			batch = nil // each keeps it
		}
	}
	req := compile(search.Query{})
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		next, err := r.poll(ctx, req, from, func(e search.Event) error {
			if batch = append(batch, e); len(batch) == FeedBatch {
				flush()
			}
			return nil
		})
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			return err
		}
		flush()
		from = next
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}
