package postgres

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db"
	"github.com/aiosyslogd/aiosyslogd/db/postgres/internal/pgsqlc"
	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/db/search/query"
)

// maxMonthValues bounds the distinct hosts (tags) narrow reads of one
// month: past it the month is walked, as if a value matched.
const maxMonthValues = 10_000

// narrow bounds a search whose host or tag is a pattern (web1*), which
// the statement cannot say through an index: before walking the time
// windows of [since, until) it asks the host (tag) index of each month in
// the range, in the walk's order, which values the month holds (a skip
// scan, one seek a value) until one matches. ok is false when none does:
// a pattern that matches no host costs a seek per host and month, not a
// walk of every window. By received time the walk then starts at the
// first month that holds a match (the newest, newest first); by event
// time, whose range says nothing of the months, only the answer "none
// anywhere" is used.
func narrow(ctx context.Context, mq *pgsqlc.Queries, q *request, since, until time.Time) (time.Time, time.Time, bool, error) {
	if !pattern(q.Host) && !pattern(q.Tag) {
		return since, until, true, nil
	}
	months, err := monthsToAsk(ctx, mq, q, since, until)
	if err != nil {
		return since, until, false, err
	}
	for _, m := range months {
		ok, err := monthMayMatch(ctx, mq, q, m)
		if err != nil {
			return since, until, false, err
		}
		if !ok {
			continue
		}
		switch {
		case q.Time == search.EventTime:
		case q.Order == search.OldestFirst:
			since = maxTime(since, m.Start())
		default:
			until = minTime(until, m.Next().Start())
		}
		return since, until, since.Before(until), nil
	}
	return since, until, false, nil
}

// pattern reports whether p is a host or tag pattern with a wildcard.
func pattern(p string) bool { return p != "" && !exact(p) }

// monthsToAsk are the months narrow asks, in the walk's order: by
// received time those of [since, until); by event time every month
// stored.
func monthsToAsk(ctx context.Context, mq *pgsqlc.Queries, q *request, since, until time.Time) ([]db.Month, error) {
	if q.Time == search.ReceivedTime {
		var out []db.Month
		for m := db.MonthOf(since); m.Start().Before(until); m = m.Next() {
			out = append(out, m)
		}
		if q.Order != search.OldestFirst {
			slices.Reverse(out)
		}
		return out, nil
	}
	names, err := mq.Months(ctx)
	if err != nil {
		return nil, fmt.Errorf("list month partitions: %w", err)
	}
	out := make([]db.Month, 0, len(names))
	for _, n := range names {
		m, err := db.ParseMonthTable(db.TemplateTable + strings.TrimPrefix(n, "systemevents"))
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

// monthMayMatch reports whether month m holds a host and a tag that q's
// patterns match (each one that is a pattern); true too when m holds more
// distinct values than narrow reads.
func monthMayMatch(ctx context.Context, mq *pgsqlc.Queries, q *request, m db.Month) (bool, error) {
	p := pgsqlc.MonthHostsParams{Since: m.Start(), Until: m.Next().Start(), Lim: maxMonthValues + 1}
	if pattern(q.Host) {
		hosts, err := mq.MonthHosts(ctx, p)
		if err != nil {
			return false, fmt.Errorf("hosts of %s: %w", m, err)
		}
		if !anyMatch(q.Host, hosts) {
			return false, nil
		}
	}
	if pattern(q.Tag) {
		tags, err := mq.MonthTags(ctx, pgsqlc.MonthTagsParams(p))
		if err != nil {
			return false, fmt.Errorf("tags of %s: %w", m, err)
		}
		if !anyMatch(q.Tag, tags) {
			return false, nil
		}
	}
	return true, nil
}

// anyMatch reports whether the pattern p matches one of values, or
// values are more than maxMonthValues (not all of the month's read).
func anyMatch(p string, values []string) bool {
	if len(values) > maxMonthValues {
		return true
	}
	for _, v := range values {
		if query.Glob(p, v) {
			return true
		}
	}
	return false
}
