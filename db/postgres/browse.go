package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/aiosyslogd/aiosyslogd/db"
	"github.com/aiosyslogd/aiosyslogd/db/postgres/internal/pgsqlc"
	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/db/search/query"
)

// What the web UI reads besides searches (db.Browser): the histogram,
// facets, the query bar's values, one event, the newest time. A query by
// received time whose conditions the statements say exactly (words of one
// token each, exact hosts and tags, levels) is counted by PostgreSQL; any other is
// walked as a search is, each candidate checked against the whole tree,
// and counted here: the counts are the SQLite store's either way.

// The ends of an open range: before and after every stored time.
var (
	earliest = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	latest   = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
)

// exactly reports whether the statements' conditions say the whole of r:
// by received time, a tree of levels and of words that the tsquery says
// whole (wordsExact), exact hosts and tags, no excluded hosts or tags.
func (r *request) exactly() bool {
	if r.Time == search.EventTime || r.Host != "" && !exact(r.Host) || r.Tag != "" && !exact(r.Tag) || len(r.Not.Hosts) > 0 || len(r.Not.Tags) > 0 {
		return false
	}
	for _, n := range conjuncts(r.Expr) {
		if _, ok := levelField(n); !ok && !wordsExact(n) {
			return false
		}
	}
	return true
}

// wordsExact reports whether the tsquery of n (wordsOf) says all of n:
// terms of one token each, looked for anywhere (the message, the tag and
// the host: the words the writer indexes), combined by AND and OR. A
// phrase's order, message:, NOT and the fields need the matcher.
func wordsExact(n query.Node) bool {
	switch n := n.(type) {
	case *query.Text:
		toks := query.Tokens(n.Text)
		return n.Scope == query.Anywhere && len(toks) == 1 && len(toks[0]) <= maxWord
	case *query.And:
		return allWordsExact(n.Nodes)
	case *query.Or:
		return allWordsExact(n.Nodes)
	}
	return false
}

func allWordsExact(nodes []query.Node) bool {
	for _, c := range nodes {
		if !wordsExact(c) {
			return false
		}
	}
	return len(nodes) > 0
}

// rangeOf is r's range with open sides closed far away.
func (r *request) rangeOf() (since, until time.Time) {
	since, until = earliest, latest
	if !r.Since.IsZero() {
		since = r.Since
	}
	if !r.Until.IsZero() {
		until = r.Until
	}
	return since, until
}

// Histogram counts the events that match q in at most n buckets of time
// over q's range (search.NewHistogram chooses the step), in all and by
// severity. An open range ends now and begins at the oldest stored event
// (24 hours back in an empty database). q.Limit, q.Order and q.After are
// ignored.
func (r *Reader) Histogram(ctx context.Context, sq search.Query, n int) (search.Histogram, error) {
	mq := pgsqlc.New(r.pool)
	sq.Limit, sq.After = 0, search.Cursor{}
	if sq.Until.IsZero() {
		sq.Until = time.Now()
	}
	if sq.Since.IsZero() {
		sq.Since = sq.Until.Add(-24 * time.Hour)
		firstAt := mq.FirstReceivedAt
		if sq.Time == search.EventTime {
			firstAt = mq.FirstEventAt
		}
		first, err := firstAt(ctx)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
		case err != nil:
			return search.Histogram{}, fmt.Errorf("histogram: %w", err)
		case first.Before(sq.Until):
			sq.Since = first
		}
	}
	h := search.NewHistogram(sq.Since, sq.Until, n)
	q := compile(sq)
	origin, step := h.Start.Unix(), int64(h.Step/time.Second)
	if !q.exactly() {
		_, err := walk(ctx, mq, q, func(e search.Event) error {
			h.Add((e.At(q.Time).Unix()-origin)/step, int64(e.Severity), 1)
			return nil
		})
		return h, err
	}
	rows, err := mq.HistogramCounts(ctx, pgsqlc.HistogramCountsParams{Origin: origin, Step: step, Since: q.Since, Until: q.Until, Words: q.words,
		Severities: q.severities, Facilities: q.facilities, Hosts: q.hosts, Tags: q.tags})
	if err != nil {
		return h, fmt.Errorf("histogram: %w", err)
	}
	for _, row := range rows {
		h.Add(row.Bucket, row.Severity, row.N)
	}
	return h, nil
}

// facetValues is how many values of a field PostgreSQL returns to Facets
// at most, and the most a walk counts: the counts are exact for fields
// with fewer distinct values in the range (the SQLite store's per month).
const facetValues = 1000

// Facets returns the top values of field among the events that match q,
// most frequent first (ties by value), at most top of them. Severities
// and facilities are their codes in decimal. q.Limit, q.Order and q.After
// are ignored.
func (r *Reader) Facets(ctx context.Context, sq search.Query, field search.Field, top int) ([]search.FacetValue, error) {
	if field > search.FieldFacility {
		return nil, fmt.Errorf("facets of %s: no such field", field)
	}
	sq.Limit, sq.After = 0, search.Cursor{}
	q := compile(sq)
	counts := map[string]int64{}
	if q.exactly() {
		since, until := q.rangeOf()
		rows, err := pgsqlc.New(r.pool).FacetCounts(ctx, pgsqlc.FacetCountsParams{Field: int32(field), Since: since, Until: until, Words: q.words,
			Severities: q.severities, Facilities: q.facilities, Hosts: q.hosts, Tags: q.tags, Lim: facetValues})
		if err != nil {
			return nil, fmt.Errorf("facets of %s: %w", field, err)
		}
		for _, row := range rows {
			counts[row.Value] = row.N
		}
	} else if _, err := walk(ctx, pgsqlc.New(r.pool), q, func(e search.Event) error {
		if v := valueOf(&e, field); counts[v] > 0 || len(counts) < facetValues {
			counts[v]++
		}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("facets of %s: %w", field, err)
	}
	return search.TopFacets(counts, top), nil
}

// valueOf is the value of field in e, as Facets counts it.
func valueOf(e *search.Event, field search.Field) string {
	switch field {
	case search.FieldHost:
		return e.FromHost
	case search.FieldTag:
		return e.SysLogTag
	case search.FieldSeverity:
		return strconv.Itoa(int(e.Severity))
	}
	return strconv.Itoa(int(e.Facility))
}

// valueMonths is how many of the newest months Values reads, as the
// SQLite store does.
const valueMonths = 2

// Values returns the distinct hosts (search.FieldHost) or tags
// (search.FieldTag) of the events received in the newest months that
// start with prefix, in byte order, at most limit of them: what the query
// bar offers after host: or tag:. Each value costs one index seek.
func (r *Reader) Values(ctx context.Context, field search.Field, prefix string, limit int) ([]string, error) {
	if field != search.FieldHost && field != search.FieldTag {
		return nil, fmt.Errorf("values of %s: only host and tag are offered", field)
	}
	mq := pgsqlc.New(r.pool)
	last, err := mq.LastReceivedAt(ctx)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("values of %s: %w", field, err)
	}
	since := db.MonthOf(last).Start().AddDate(0, 1-valueMonths, 0)
	var values []string
	if field == search.FieldHost {
		values, err = mq.HostValues(ctx, pgsqlc.HostValuesParams{Prefix: prefix, Since: since, Lim: int32(limit)})
	} else {
		values, err = mq.TagValues(ctx, pgsqlc.TagValuesParams{Prefix: prefix, Since: since, Lim: int32(limit)})
	}
	if err != nil {
		return nil, fmt.Errorf("values of %s: %w", field, err)
	}
	slices.Sort(values) // the index's order is the database's collation
	return values, nil
}

// Event returns the event with ID id in the month table called table (as
// in search.Event.Table: SystemEvents202611); ok is false when there is
// no such event.
func (r *Reader) Event(ctx context.Context, table string, id int64) (e search.Event, ok bool, err error) {
	month, err := time.Parse("200601", strings.TrimPrefix(table, db.TemplateTable))
	if err != nil || !strings.HasPrefix(table, db.TemplateTable) {
		return e, false, nil
	}
	m := db.MonthOf(month)
	rows, err := pgsqlc.New(r.pool).GetEvent(ctx, pgsqlc.GetEventParams{ID: id, Since: m.Start(), Until: m.Next().Start()})
	if err != nil {
		return e, false, fmt.Errorf("read event %d of %s: %w", id, table, err)
	}
	if len(rows) == 0 {
		return e, false, nil
	}
	return eventOf((*pgsqlc.SearchDescRow)(&rows[0])), true, nil
}

// Newest returns when the newest stored event was received; ok is false
// when nothing is stored.
func (r *Reader) Newest(ctx context.Context) (t time.Time, ok bool, err error) {
	t, err = pgsqlc.New(r.pool).LastReceivedAt(ctx)
	if errors.Is(err, pgx.ErrNoRows) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("newest event: %w", err)
	}
	return t.UTC(), true, nil
}
