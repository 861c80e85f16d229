// Package alert owns alert rules: a query of the query language that must
// match at least Threshold stored messages within a Window. It watches the
// stream of stored batches beside the ingest pipeline (an
// ingest.Observer), keeps a bounded count per rule, decides when a rule
// fires, repeats and resolves, keeps that state across restarts, and
// replays a rule over stored history (the backtest). Sending the notices
// is package notify's job.
package alert

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db/search/query"
)

// Defaults of a rule's optional settings.
const (
	DefaultThreshold = 1
	DefaultWindow    = time.Minute
	DefaultRepeat    = time.Hour
	// MaxThreshold bounds Threshold: a rule keeps the times of its newest
	// Threshold matches.
	MaxThreshold = 100_000
)

// Rule is one alert: it fires when at least Threshold messages matching
// Query were received within Window, and resolves when fewer were.
type Rule struct {
	Name      string
	Query     string     // as written: the same string works in search
	Expr      query.Node // Query parsed; nil matches every message
	Threshold int
	Window    time.Duration
	// Repeat is how often a rule that stays firing is notified again, at
	// most.
	Repeat time.Duration
	// Notify names the notifiers of the rule.
	Notify []string
	// NotifyResolved says whether resolving is notified too.
	NotifyResolved bool
	// MutedUntil, when after now, holds the rule's notices back: it is
	// still evaluated, fires and resolves, but tells nobody. Forever is
	// muted until unmuted.
	MutedUntil time.Time
}

// Forever is the MutedUntil of a rule muted until it is unmuted.
var Forever = time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)

// Muted tells whether r's notices are held back at now.
func (r *Rule) Muted(now time.Time) bool { return now.Before(r.MutedUntil) }

// NewRule parses q into a rule named name, with the defaults set; the
// error of a query that does not parse is a *query.Error (with its column).
func NewRule(name, q string) (Rule, error) {
	expr, err := query.Parse(q)
	if err != nil {
		return Rule{}, err
	}
	return Rule{Name: name, Query: q, Expr: expr, Threshold: DefaultThreshold, Window: DefaultWindow,
		Repeat: DefaultRepeat, NotifyResolved: true}, nil
}

// Validate reports the first setting of r that cannot work.
func (r *Rule) Validate() error {
	switch {
	case r.Name == "":
		return fmt.Errorf("an alert needs a name")
	case r.Threshold < 1 || r.Threshold > MaxThreshold:
		return fmt.Errorf("threshold = %d: want 1 to %d", r.Threshold, MaxThreshold)
	case r.Window < time.Second:
		return fmt.Errorf("window = %s: want at least 1s", r.Window)
	case r.Repeat < time.Second:
		return fmt.Errorf("repeat = %s: want at least 1s", r.Repeat)
	}
	return nil
}

// key identifies what a rule counts: a rule whose key changed starts
// over.
func (r *Rule) key() string {
	return fmt.Sprintf("%s\x00%d\x00%d", r.Query, r.Threshold, r.Window)
}

// FormatDuration writes d as people write it in the configuration: "5m",
// "1h30m", "90s", not "5m0s".
func FormatDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// maxDays is the most days a time.Duration holds.
const maxDays = int(math.MaxInt64 / int64(24*time.Hour))

// ParseDuration reads a window or a repeat: a Go duration ("90s", "5m",
// "1h30m") or a number of days ("7d").
func ParseDuration(s string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		if n, err := strconv.Atoi(days); err == nil && n > 0 && n <= maxDays {
			return time.Duration(n) * 24 * time.Hour, nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration (90s, 5m, 1h30m, 7d)", s)
	}
	return d, nil
}
