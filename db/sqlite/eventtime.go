package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db"
	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/db/sqlite/internal/dbsqlc"
)

// Searches by event time (search.EventTime): the device's own timestamp
// where the message had one, else ReceivedAt. A month table holds the rows
// received in its month, and a backfilled or delayed message may carry
// any event time, so these read every month table, each through its event
// time index (sql/eventtime.sql), and merge what they find. The cost grows
// with the number of month tables (one index seek each), not with how far
// an event time lies from when it was received.

// Event time bounds of an open range, as stored text: every stored time
// sorts between them.
const (
	earliestStored = "0000-01-01 00:00:00"
	latestStored   = "9999-12-31 23:59:59.999999"
)

// eventRange returns q's range as stored text, open sides made the
// earliest and latest stored times.
func eventRange(q *request) (since, until sql.NullString) {
	since, until = sql.NullString{String: earliestStored, Valid: true}, sql.NullString{String: latestStored, Valid: true}
	if !q.Since.IsZero() {
		since.String = formatTime(q.Since)
	}
	if !q.Until.IsZero() {
		until.String = formatTime(q.Until)
	}
	return since, until
}

// eventTime is the event time of row r as stored: the text the index
// orders by.
func eventTime(r *dbsqlc.SystemEvent) string {
	if r.DeviceReportedTime.Valid {
		return r.DeviceReportedTime.String
	}
	return r.ReceivedAt
}

// eventPager reads one month's part of a search by event time, a page at
// a time, in the search's order.
type eventPager struct {
	m       db.Month
	q       *request
	args    dbsqlc.SearchEventMatchDescParams // the other three statements' are alike
	rows    []dbsqlc.SystemEvent
	done    bool
	planned bool // whether plan has run
}

// denseMatches is how many matches of a full-text query a month may have
// for a search by event time to list them first (SearchEventMatchDesc
// holds them while it walks the index); from this many on, the query is
// checked on each row along the index instead (by aiosyslogd_match, as
// the filters are), which finds a page after a few thousand rows when a
// word is that common. Measured on 10 million rows: GET, in 45% of them,
// took 1.7 s listed first.
var denseMatches int64 = 20_000

// plan chooses, once, how p's month runs a full-text query: matches
// listed first, or the query checked on each row. A month without a match,
// or without a value of the host or tag filter, is done.
func (p *eventPager) plan(ctx context.Context, dbtx DBTX) error {
	if p.planned {
		return nil
	}
	p.planned = true
	if has, err := hasFieldValue(ctx, dbtx, p.m, p.q); err != nil || !has {
		p.done = !has
		return err
	}
	if p.q.match == "" {
		return nil
	}
	n, err := forMonth(dbtx, p.m).CountMatchesUpTo(ctx, dbsqlc.CountMatchesUpToParams{Query: p.q.match, Lim: denseMatches})
	if err != nil {
		return fmt.Errorf("count matches in %s: %w", p.m.Table(), err)
	}
	switch {
	case n == 0:
		p.done = true // nothing in this month can match
	case n >= denseMatches:
		p.q = rowByRow(p.q)
		p.args.Query = ""
	}
	return nil
}

// hasFieldValue reports whether month m has a value of q's host (or,
// without one, tag) filter, from its list of values (see field.go); true
// when it has no such filter or the list cannot say. A search by event
// time checks the filter on each row along the index, as the batch records
// that serve a search by received time would be read whole (measured on
// 10 million rows: slower than the walk); a month without the host at all
// costs a lookup.
func hasFieldValue(ctx context.Context, dbtx DBTX, m db.Month, q *request) (bool, error) {
	if !q.f.host.Valid && !q.f.tag.Valid {
		return true, nil
	}
	mq := forMonth(dbtx, m)
	if complete, err := batchesComplete(ctx, mq); err != nil || !complete {
		return true, err
	}
	f, pattern := hostField, q.f.host.String
	if !q.f.host.Valid {
		f, pattern = tagField, q.f.tag.String
	}
	paths, use, err := fieldPaths(ctx, mq, f, pattern)
	return !use || paths != "[]", err
}

// rowByRow is q with its whole tree, full text included, checked by
// aiosyslogd_match on each row, and no FTS5 query.
func rowByRow(q *request) *request {
	w := *q
	w.match = ""
	w.f.rest = sql.NullString{String: q.Expr.String(), Valid: true}
	return &w
}

// newEventPager starts month m's part of q after the cursor after (nil:
// from the start). Events with the same event time go in month order,
// then ID order, so the cursor's month tells where m's part resumes.
func newEventPager(m db.Month, q *request, after *position) *eventPager {
	since, until := eventRange(q)
	p := &eventPager{m: m, q: q, args: dbsqlc.SearchEventMatchDescParams{Since: since, Until: until, Query: q.match}}
	asc := q.Order == search.OldestFirst
	p.args.KeyAt, p.args.KeyID = until, 0 // below (until, 0): before until
	if asc {
		p.args.KeyAt, p.args.KeyID = since, -1 // above (since, -1): from since
	}
	if after == nil {
		return p
	}
	p.args.KeyAt = sql.NullString{String: formatTime(after.c.ReceivedAt), Valid: true}
	switch {
	case m == after.month:
		p.args.KeyID = after.c.ID
	case m.Before(after.month): // at the cursor's time, an earlier month's rows follow the cursor's (desc) or went before (asc): (at, MaxInt64) says both
		p.args.KeyID = math.MaxInt64
	case asc: // a later month: its rows at the cursor's time are still to come
		p.args.KeyID = -1
	default: // a later month, newest first: its rows at the cursor's time were read
		p.args.KeyID = 0
	}
	return p
}

// fill reads the next page when the last one is used up.
func (p *eventPager) fill(ctx context.Context, dbtx DBTX, page int64) error {
	if len(p.rows) > 0 || p.done {
		return nil
	}
	if err := p.plan(ctx, dbtx); err != nil || p.done {
		return err
	}
	mq, ctx := forMonth(dbtx, p.m), withFilters(ctx, p.q.f)
	a := p.args
	a.Lim = page
	var err error
	switch asc := p.q.Order == search.OldestFirst; {
	case p.q.match != "" && asc:
		p.rows, err = mq.SearchEventMatchAsc(ctx, dbsqlc.SearchEventMatchAscParams(a))
	case p.q.match != "":
		p.rows, err = mq.SearchEventMatchDesc(ctx, a)
	case asc:
		p.rows, err = mq.SearchEventAsc(ctx, dbsqlc.SearchEventAscParams{Since: a.Since, Until: a.Until, KeyAt: a.KeyAt, KeyID: a.KeyID, Lim: a.Lim})
	default:
		p.rows, err = mq.SearchEventDesc(ctx, dbsqlc.SearchEventDescParams{Since: a.Since, Until: a.Until, KeyAt: a.KeyAt, KeyID: a.KeyID, Lim: a.Lim})
	}
	if err != nil {
		return fmt.Errorf("search %s by event time: %w", p.m.Table(), err)
	}
	p.done = int64(len(p.rows)) < page
	if n := len(p.rows); n > 0 {
		p.args.KeyAt = sql.NullString{String: eventTime(&p.rows[n-1]), Valid: true}
		p.args.KeyID = p.rows[n-1].ID
	}
	return nil
}

// first reports whether p's next row comes before o's in order asc (or
// not): by event time, then month, then ID.
func (p *eventPager) first(o *eventPager, asc bool) bool {
	a, b := &p.rows[0], &o.rows[0]
	c := strings.Compare(eventTime(a), eventTime(b))
	if c == 0 && p.m != o.m {
		c = -1
		if o.m.Before(p.m) {
			c = 1
		}
	}
	if c == 0 {
		c = int(a.ID - b.ID)
	}
	return c < 0 == asc && c != 0
}

// searchByEventTime is searchEvents for a query by event time: each month
// table's rows in order through its index, merged. It holds at most a
// page (the limit, at most pageSize) of each month.
func searchByEventTime(ctx context.Context, dbtx DBTX, sq search.Query, each func(search.Event) error) error {
	q, months, err := planEventTime(ctx, dbtx, sq)
	if err != nil {
		return err
	}
	after, err := cursorPosition(q.After)
	if err != nil {
		return err
	}
	page := int64(pageSize)
	if q.Limit > 0 && q.Limit < pageSize {
		page = int64(q.Limit)
	}
	pagers := make([]*eventPager, len(months))
	for i, m := range months {
		pagers[i] = newEventPager(m, q, after)
	}
	asc := q.Order == search.OldestFirst
	for n := 0; q.Limit == 0 || n < q.Limit; n++ {
		var best *eventPager
		for _, p := range pagers {
			if err := p.fill(ctx, dbtx, page); err != nil {
				return err
			}
			if len(p.rows) > 0 && (best == nil || p.first(best, asc)) {
				best = p
			}
		}
		if best == nil {
			return nil
		}
		e := eventOf(best.m, &best.rows[0])
		best.rows = best.rows[1:]
		if err := each(e); err != nil {
			return err
		}
	}
	return nil
}

// planEventTime compiles sq and returns every month table, newest first:
// an event time may be in any of them.
func planEventTime(ctx context.Context, dbtx DBTX, sq search.Query) (*request, []db.Month, error) {
	q := compile(sq)
	months, err := Months(ctx, dbtx)
	if err != nil {
		return nil, nil, err
	}
	if q.match != "" && len(months) > 0 {
		if err := validateMatch(ctx, dbtx, months[0], q.match); err != nil {
			return nil, nil, err
		}
	}
	return q, months, nil
}

// countByEventTime is countMatching for a query by event time.
func countByEventTime(ctx context.Context, dbtx DBTX, sq search.Query) (int64, error) {
	q, months, err := planEventTime(ctx, dbtx, sq)
	if err != nil {
		return 0, err
	}
	since, until := eventRange(q)
	var total int64
	for _, m := range months {
		mq, fctx := forMonth(dbtx, m), withFilters(ctx, q.f)
		var n int64
		if q.match == "" {
			n, err = mq.CountEvent(fctx, dbsqlc.CountEventParams{Since: since, Until: until})
		} else {
			n, err = mq.CountEventMatch(fctx, dbsqlc.CountEventMatchParams{Query: q.match, Since: since, Until: until})
		}
		if err != nil {
			return 0, fmt.Errorf("count in %s by event time: %w", m.Table(), err)
		}
		total += n
	}
	return total, nil
}

// histogramByEventTime fills h, made for sq's range, with the events that
// match sq by event time.
func histogramByEventTime(ctx context.Context, dbtx DBTX, sq search.Query, h *search.Histogram) error {
	q, months, err := planEventTime(ctx, dbtx, sq)
	if err != nil {
		return err
	}
	since, until := eventRange(q)
	origin, step := h.Start.Unix(), int64(h.Step/time.Second)
	for _, m := range months {
		mq, fctx := forMonth(dbtx, m), withFilters(ctx, q.f)
		if q.match == "" {
			rows, err := mq.HistogramEvent(fctx, dbsqlc.HistogramEventParams{Origin: origin, Step: step, Since: since, Until: until})
			for _, r := range rows {
				h.Add(r.Bucket, r.Severity, r.N)
			}
			if err != nil {
				return fmt.Errorf("histogram of %s by event time: %w", m.Table(), err)
			}
			continue
		}
		rows, err := mq.HistogramEventMatch(fctx, dbsqlc.HistogramEventMatchParams{Origin: origin, Step: step, Query: q.match, Since: since, Until: until})
		for _, r := range rows {
			h.Add(r.Bucket, r.Severity, r.N)
		}
		if err != nil {
			return fmt.Errorf("histogram of %s by event time: %w", m.Table(), err)
		}
	}
	return nil
}

// facetsByEventTime adds to counts the values of field among the events
// that match sq by event time, at most facetsPerMonth of each month.
func facetsByEventTime(ctx context.Context, dbtx DBTX, sq search.Query, field search.Field, counts map[string]int64) error {
	q, months, err := planEventTime(ctx, dbtx, sq)
	if err != nil {
		return err
	}
	since, until := eventRange(q)
	for _, m := range months {
		mq, fctx := forMonth(dbtx, m), withFilters(ctx, q.f)
		if q.match == "" {
			rows, err := mq.FacetEvent(fctx, dbsqlc.FacetEventParams{Field: int64(field), Since: since, Until: until, Lim: facetsPerMonth})
			for _, r := range rows {
				counts[r.Value] += r.N
			}
			if err != nil {
				return fmt.Errorf("facets of %s by event time: %w", m.Table(), err)
			}
			continue
		}
		rows, err := mq.FacetEventMatch(fctx, dbsqlc.FacetEventMatchParams{Field: int64(field), Query: q.match, Since: since, Until: until, Lim: facetsPerMonth})
		for _, r := range rows {
			counts[r.Value] += r.N
		}
		if err != nil {
			return fmt.Errorf("facets of %s by event time: %w", m.Table(), err)
		}
	}
	return nil
}

// oldestEventTime is the earliest event time stored; ok is false when
// nothing is.
func oldestEventTime(ctx context.Context, dbtx DBTX) (t time.Time, ok bool, err error) {
	months, err := Months(ctx, dbtx)
	if err != nil {
		return t, false, err
	}
	for _, m := range months {
		at, err := forMonth(dbtx, m).OldestEventTime(ctx)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return t, false, fmt.Errorf("read %s: %w", m.Table(), err)
		}
		mt, err := ParseTime(at)
		if err != nil {
			return t, false, err
		}
		if !ok || mt.Before(t) {
			t, ok = mt, true
		}
	}
	return t, ok, nil
}
