package alert

import (
	"context"
	"fmt"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db/search"
)

// Interval is one firing of a rule replayed over history.
type Interval struct {
	Since time.Time // when it fired
	// Until is when it resolved; zero when it still fired at the end of
	// the history replayed.
	Until time.Time
	Count int64 // the count that reached the threshold
	Peak  int64 // the highest count while it fired
}

// Replay runs r over the messages stored in h between since and until, as
// serve would have evaluated them, and returns when it would have fired
// and resolved.
func Replay(ctx context.Context, h History, r Rule, since, until time.Time) ([]Interval, error) {
	rs := newRuleState(r)
	var out []Interval
	var ts []Transition
	record := func(ts []Transition) {
		for _, t := range ts {
			if t.State == Firing {
				out = append(out, Interval{Since: t.At, Count: t.Count, Peak: t.Count})
			} else {
				out[len(out)-1].Until = t.At
			}
		}
	}
	q := search.Query{Expr: r.Expr, Since: since, Until: until, Order: search.OldestFirst}
	err := h.Search(ctx, q, func(ev search.Event) error {
		t := ev.ReceivedAt.UnixNano()
		ts = rs.add(t, ts[:0])
		record(ts)
		if rs.firing {
			last := &out[len(out)-1]
			last.Peak = max(last.Peak, rs.w.count(t))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("replay alert %q: %w", r.Name, err)
	}
	if !until.IsZero() {
		record(rs.advance(until.UnixNano(), ts[:0]))
	}
	return out, nil
}
