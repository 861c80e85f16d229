package alert_test

import (
	"context"
	"fmt"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/db/search/alert"
)

// stored is a history of five failed logins, for Replay.
type stored []time.Time

func (s stored) Search(_ context.Context, q search.Query, each func(search.Event) error) error {
	for _, t := range s {
		if !t.Before(q.Since) && (q.Until.IsZero() || t.Before(q.Until)) {
			if err := each(search.Event{ReceivedAt: t, SysLogTag: "sshd", Message: "Failed password"}); err != nil {
				return err
			}
		}
	}
	return nil
}

func ExampleReplay() {
	rule, err := alert.NewRule("ssh brute force", `tag:sshd "Failed password"`)
	if err != nil {
		panic(err)
	}
	rule.Threshold, rule.Window = 3, time.Minute
	t0 := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	history := stored{t0, t0.Add(10 * time.Second), t0.Add(20 * time.Second), t0.Add(30 * time.Second), t0.Add(5 * time.Minute)}
	firings, err := alert.Replay(context.Background(), history, rule, t0, t0.Add(time.Hour))
	if err != nil {
		panic(err)
	}
	for _, f := range firings {
		fmt.Printf("fired %s, resolved %s, count %d, peak %d\n", f.Since.Format("15:04:05"), f.Until.Format("15:04:05"), f.Count, f.Peak)
	}
	// Output:
	// fired 10:00:20, resolved 10:01:10, count 3, peak 4
}
