package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/aiosyslogd/aiosyslogd/db"
	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/db/sqlite/internal/dbsqlc"
)

// pageSize is how many rows one statement returns when a search has no
// limit (or a larger one): memory stays bounded whatever the month holds.
const pageSize = 1000

// Search calls each for the events that match q, in q.Order, until q.Limit
// events or the end. It reads only the month tables that overlap q's time
// range (and, with q.After, those not before the cursor), one after the
// other in that order, and stops as soon as the limit is met: a search that
// the newest month satisfies never reads an older one. By event time
// (q.Time), an event may be in any month table, and it reads them all at
// once, merged (eventtime.go). An invalid q.match is a
// *search.BadQueryError. An error from each ends the search and is
// returned.
func (r *Reader) Search(ctx context.Context, q search.Query, each func(search.Event) error) error {
	return searchEvents(ctx, r.db, q, each)
}

// Count returns how many events match q, ignoring q.Limit and q.After,
// over the month tables that overlap q's time range.
func (r *Reader) Count(ctx context.Context, q search.Query) (int64, error) {
	return countMatching(ctx, r.db, q)
}

func searchEvents(ctx context.Context, dbtx DBTX, sq search.Query, each func(search.Event) error) error {
	if sq.Time == search.EventTime {
		return searchByEventTime(ctx, dbtx, sq, each)
	}
	q, months, after, err := plan(ctx, dbtx, sq)
	if err != nil {
		return err
	}
	left := q.Limit
	for _, m := range months {
		n, err := searchMonth(ctx, dbtx, m, q, cursorIn(after, m), left, each)
		if err != nil {
			return err
		}
		if q.Limit > 0 {
			if left -= n; left <= 0 {
				return nil
			}
		}
	}
	return nil
}

// plan compiles sq, and returns the months it reads, in order, with the
// month and ID its cursor points to.
func plan(ctx context.Context, dbtx DBTX, sq search.Query) (*request, []db.Month, *position, error) {
	q := compile(sq)
	all, err := Months(ctx, dbtx)
	if err != nil {
		return nil, nil, nil, err
	}
	after, err := cursorPosition(q.After)
	if err != nil {
		return nil, nil, nil, err
	}
	months := queryMonths(q, all, after)
	if q.match != "" && len(months) > 0 {
		if err := validateMatch(ctx, dbtx, months[0], q.match); err != nil {
			return nil, nil, nil, err
		}
	}
	return q, months, after, nil
}

// position is where a cursor points: an event of a month table.
type position struct {
	month db.Month
	c     search.Cursor
}

func cursorPosition(c search.Cursor) (*position, error) {
	if c.IsZero() {
		return nil, nil
	}
	m, err := db.ParseMonthTable(c.Table)
	if err != nil {
		return nil, fmt.Errorf("cursor: %w", err)
	}
	return &position{month: m, c: c}, nil
}

// cursorIn is the cursor of after when it points into month m; nil when
// the search of m starts at the beginning.
func cursorIn(after *position, m db.Month) *search.Cursor {
	if after == nil || after.month != m {
		return nil
	}
	return &after.c
}

// overlaps reports whether some instant of month m is in q's time range.
func overlaps(q *request, m db.Month) bool {
	return (q.Until.IsZero() || m.Start().Before(q.Until)) &&
		(q.Since.IsZero() || m.Next().Start().After(q.Since))
}

// queryMonths picks, from the existing months (newest first), those that
// overlap q's time range and are not before the cursor, in the order q
// reads them.
func queryMonths(q *request, all []db.Month, after *position) []db.Month {
	var ms []db.Month
	for _, m := range all {
		if !overlaps(q, m) || after != nil && afterCursor(q.Order, m, after.month) {
			continue
		}
		ms = append(ms, m)
	}
	if q.Order == search.OldestFirst {
		slices.Reverse(ms)
	}
	return ms
}

// afterCursor reports whether month m was read, in order o, before the
// month the cursor points into.
func afterCursor(o search.Order, m, cursor db.Month) bool {
	if o == search.OldestFirst {
		return m.Before(cursor)
	}
	return cursor.Before(m)
}

// bounds returns q's time range clamped to month m, as stored text. Every
// row of m's table is inside [m.Start(), m.Next().Start()), so the clamped
// range always bounds the ReceivedAt index.
func bounds(q *request, m db.Month) (since, until string) {
	s, u := boundTimes(q, m)
	return formatTime(s), formatTime(u)
}

// boundTimes is bounds as times.
func boundTimes(q *request, m db.Month) (since, until time.Time) {
	since, until = m.Start(), m.Next().Start()
	if q.Since.After(since) {
		since = q.Since
	}
	if !q.Until.IsZero() && q.Until.Before(until) {
		until = q.Until
	}
	return since, until
}

// filters are the optional field filters of a query, for the parameters
// of sql/filters.sql (see params). A statement with the filters block gets
// them from its context (withFilters).
type filters struct {
	host, tag sql.NullString
	// notHosts and notTags are patterns left out; excluded has bit s set
	// for a severity s left out, and bit 8+f for a facility f.
	notHosts, notTags []string
	excluded          int64
	// rest is what the others cannot say, for aiosyslogd_match; hasSD is
	// 1 when rest needs structured data to hold (NULL otherwise), so that
	// rows without any are passed over first.
	rest  sql.NullString
	hasSD sql.NullInt64
}

// isZero reports whether f keeps every event.
func (f *filters) isZero() bool {
	return !f.host.Valid && !f.tag.Valid && len(f.notHosts) == 0 && len(f.notTags) == 0 && f.excluded == 0 && !f.rest.Valid
}

const (
	allSeverities = 0xff       // bits 0-7
	allFacilities = 0xffffff00 // bits 8-31: facilities 0-23
)

// filtersOf returns the filters of q's shortcuts (Host, Tag, Facility,
// Severity, Not): those above q.Severity are excluded, and all facilities
// but q.Facility.
func filtersOf(q *search.Query) filters {
	var f filters
	if q.Host != "" {
		f.host = sql.NullString{String: q.Host, Valid: true}
	}
	if q.Tag != "" {
		f.tag = sql.NullString{String: q.Tag, Valid: true}
	}
	if q.Facility != nil {
		f.excluded |= allFacilities &^ (256 << (*q.Facility % 24))
	}
	if q.Severity != nil {
		f.excluded |= allSeverities &^ (2<<(*q.Severity&7) - 1)
	}
	f.notHosts, f.notTags = slices.Clone(q.Not.Hosts), slices.Clone(q.Not.Tags)
	for _, s := range q.Not.Severities {
		f.excluded |= 1 << (s & 7)
	}
	for _, fac := range q.Not.Facilities {
		f.excluded |= 256 << (fac % 24)
	}
	return f
}

// params returns the parameters of sql/filters.sql, by name.
func (f *filters) params() []sql.NamedArg {
	return []sql.NamedArg{
		sql.Named("host", f.host),
		sql.Named("tag", f.tag),
		sql.Named("not_hosts", jsonList(f.notHosts)),
		sql.Named("not_tags", jsonList(f.notTags)),
		sql.Named("excluded", f.excluded),
		sql.Named("has_sd", f.hasSD),
		sql.Named("rest", f.rest),
	}
}

// jsonList is patterns as a JSON array, for json_each; NULL when empty.
func jsonList(patterns []string) sql.NullString {
	if len(patterns) == 0 {
		return sql.NullString{}
	}
	b, _ := json.Marshal(patterns) // strings always encode
	return sql.NullString{String: string(b), Valid: true}
}

// searchMonth runs q on month m's table, page by page, from after (nil:
// the start), calling each for at most limit events (0: all). It returns
// how many it passed to each.
func searchMonth(ctx context.Context, dbtx DBTX, m db.Month, q *request, after *search.Cursor, limit int, each func(search.Event) error) (int, error) {
	page, ok, err := newPager(ctx, dbtx, m, q, after)
	if err != nil || !ok {
		return 0, err
	}
	mq := forMonth(dbtx, m)
	n := 0
	for {
		want := pageSize
		if limit > 0 && limit-n < want {
			want = limit - n
		}
		rows, err := page.next(ctx, mq, int64(want))
		if err != nil {
			return n, fmt.Errorf("search %s: %w", m.Table(), err)
		}
		for _, r := range rows {
			if err := each(eventOf(m, &r)); err != nil {
				return n, err
			}
			n++
		}
		if len(rows) < want || limit > 0 && n >= limit {
			return n, nil
		}
	}
}

// A pager reads the rows of one month's search page by page, each page
// starting after the last row of the previous one.
type pager interface {
	next(ctx context.Context, mq *dbsqlc.Queries, limit int64) ([]dbsqlc.SystemEvent, error)
}

// newPager returns the pager for q in month m: through the FTS5 index with
// a full-text query; without one, by where each host and tag is for
// --host or --tag when that can serve the pattern (see field.go), else
// through the ReceivedAt index. ok is false when no event of m can match.
func newPager(ctx context.Context, dbtx DBTX, m db.Month, q *request, after *search.Cursor) (_ pager, ok bool, err error) {
	if q.match != "" {
		return newMatchPager(ctx, dbtx, m, q, after)
	}
	if q.f.host.Valid || q.f.tag.Valid {
		p, use, ok, err := newFieldPager(ctx, dbtx, m, q, after)
		if err != nil || use && !ok {
			return nil, false, err
		}
		if use {
			return p, true, nil
		}
	}
	return newTimePager(m, q, after), true, nil
}

// timePager pages through the ReceivedAt index, keyed by (ReceivedAt, ID):
// the key of the last row read, or the range's end.
type timePager struct {
	args dbsqlc.SearchDescParams // SearchAsc's are the same
	f    filters
	page func(*dbsqlc.Queries, context.Context, dbsqlc.SearchDescParams) ([]dbsqlc.SystemEvent, error)
}

func newTimePager(m db.Month, q *request, after *search.Cursor) *timePager {
	p := &timePager{args: timeArgs(m, q), f: q.f, page: (*dbsqlc.Queries).SearchDesc}
	if q.Order == search.OldestFirst {
		p.page = func(mq *dbsqlc.Queries, ctx context.Context, a dbsqlc.SearchDescParams) ([]dbsqlc.SystemEvent, error) {
			return mq.SearchAsc(ctx, dbsqlc.SearchAscParams(a))
		}
		p.args.KeyAt, p.args.KeyID = p.args.Since, -1 // (ReceivedAt, ID) > (since, -1): ReceivedAt >= since
	}
	if after != nil {
		p.args.KeyAt, p.args.KeyID = formatTime(after.ReceivedAt), after.ID
	}
	return p
}

// timeArgs returns the parameters of a search of q in month m without a
// full-text query, keyed to start at the end of the range: (until, 0), so
// that (ReceivedAt, ID) < key means ReceivedAt < until.
func timeArgs(m db.Month, q *request) dbsqlc.SearchDescParams {
	since, until := bounds(q, m)
	return dbsqlc.SearchDescParams{KeyAt: until, KeyID: 0, Since: since, Until: until}
}

func (p *timePager) next(ctx context.Context, mq *dbsqlc.Queries, limit int64) ([]dbsqlc.SystemEvent, error) {
	p.args.Lim = limit
	rows, err := p.page(mq, withFilters(ctx, p.f), p.args)
	if n := len(rows); n > 0 {
		p.args.KeyAt, p.args.KeyID = rows[n-1].ReceivedAt, rows[n-1].ID
	}
	return rows, err
}

// matchPager pages through the FTS5 index in rowid (arrival) order: each
// page starts after KeyID (the last row read) and the walk ends at BoundID,
// the far end of the ID window.
type matchPager struct {
	args dbsqlc.SearchMatchDescParams // SearchMatchAsc's are the same
	f    filters
	page func(*dbsqlc.Queries, context.Context, dbsqlc.SearchMatchDescParams) ([]dbsqlc.SystemEvent, error)
}

// newMatchPager prepares a full-text search of month m, within the ID
// window of q's time range (see window), after the cursor when there is
// one. ok is false when no ID is left to read.
func newMatchPager(ctx context.Context, dbtx DBTX, m db.Month, q *request, after *search.Cursor) (_ *matchPager, ok bool, err error) {
	w, ok, err := window(ctx, dbtx, m, q)
	if err != nil || !ok {
		return nil, false, err
	}
	p := &matchPager{args: matchArgs(m, q), f: q.f}
	if q.Order == search.OldestFirst {
		p.page = func(mq *dbsqlc.Queries, ctx context.Context, a dbsqlc.SearchMatchDescParams) ([]dbsqlc.SystemEvent, error) {
			return mq.SearchMatchAsc(ctx, dbsqlc.SearchMatchAscParams(a))
		}
		p.args.KeyID, p.args.BoundID = w.min-1, w.max
		if after != nil {
			p.args.KeyID = max(p.args.KeyID, after.ID)
		}
		return p, p.args.KeyID < p.args.BoundID, nil
	}
	p.page = (*dbsqlc.Queries).SearchMatchDesc
	p.args.KeyID, p.args.BoundID = w.max, w.min
	if w.max < math.MaxInt64 {
		p.args.KeyID++ // the key is exclusive
	}
	if after != nil {
		p.args.KeyID = min(p.args.KeyID, after.ID)
	}
	return p, p.args.KeyID > p.args.BoundID, nil
}

// matchArgs returns the parameters of a full-text search of q in month m,
// without its ID window.
func matchArgs(m db.Month, q *request) dbsqlc.SearchMatchDescParams {
	since, until := bounds(q, m)
	return dbsqlc.SearchMatchDescParams{Query: q.match, Since: since, Until: until}
}

// idWindow is a range of IDs, min to max inclusive.
type idWindow struct{ min, max int64 }

// window returns the IDs of month m received in q's time range. FTS5
// cannot use the ReceivedAt index, so the time range becomes a window of
// IDs (rowids) that FTS5 can seek to: the first ID received at or after
// since and the last received before until, two lookups in the ReceivedAt
// index. IDs follow arrival and ReceivedAt is the arrival time, so the
// window holds the range; the rows are still checked against the range
// itself. ok is false when no event of m is in the range.
func window(ctx context.Context, dbtx DBTX, m db.Month, q *request) (w idWindow, ok bool, err error) {
	w = idWindow{0, math.MaxInt64}
	since, until := bounds(q, m)
	mq := forMonth(dbtx, m)
	if q.Since.After(m.Start()) {
		if w.min, err = mq.FirstIDSince(ctx, since); err != nil {
			return w, false, noRows(m, err)
		}
	}
	if !q.Until.IsZero() && q.Until.Before(m.Next().Start()) {
		if w.max, err = mq.LastIDBefore(ctx, until); err != nil {
			return w, false, noRows(m, err)
		}
	}
	return w, w.min <= w.max, nil
}

// noRows is nil for sql.ErrNoRows (nothing in range), else err with the
// month's table named.
func noRows(m db.Month, err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	return fmt.Errorf("search %s: %w", m.Table(), err)
}

func (p *matchPager) next(ctx context.Context, mq *dbsqlc.Queries, limit int64) ([]dbsqlc.SystemEvent, error) {
	p.args.Lim = limit
	rows, err := p.page(mq, withFilters(ctx, p.f), p.args)
	if n := len(rows); n > 0 {
		p.args.KeyID = rows[n-1].ID
	}
	return rows, err
}

// validateMatch returns a *search.BadQueryError when SQLite rejects query,
// as it would in every month (the FTS5 tables are alike).
func validateMatch(ctx context.Context, dbtx DBTX, m db.Month, query string) error {
	_, err := forMonth(dbtx, m).CheckMatch(ctx, query)
	var se *sqlite.Error
	if errors.As(err, &se) && se.Code() == sqlite3.SQLITE_ERROR {
		return &search.BadQueryError{Query: query, Reason: sqliteReason(se)}
	}
	if err != nil {
		return fmt.Errorf("check query %q on %s: %w", query, m.Table(), err)
	}
	return nil
}

// sqliteReason is SQLite's message without the driver's decoration:
// `fts5: syntax error near "."`, not `SQL logic error: … (1)`.
func sqliteReason(se *sqlite.Error) string {
	msg := se.Error()
	msg = strings.TrimPrefix(msg, "SQL logic error: ")
	msg = strings.TrimSuffix(msg, fmt.Sprintf(" (%d)", se.Code()))
	return strings.TrimSpace(msg)
}

func countMatching(ctx context.Context, dbtx DBTX, sq search.Query) (int64, error) {
	sq.After = search.Cursor{}
	if sq.Time == search.EventTime {
		return countByEventTime(ctx, dbtx, sq)
	}
	q, months, _, err := plan(ctx, dbtx, sq)
	if err != nil {
		return 0, err
	}
	var total int64
	for _, m := range months {
		n, err := countMonth(ctx, dbtx, m, q)
		if err != nil {
			return 0, fmt.Errorf("count in %s: %w", m.Table(), err)
		}
		total += n
	}
	return total, nil
}

// countMonth counts the events of month m that match q.
func countMonth(ctx context.Context, dbtx DBTX, m db.Month, q *request) (int64, error) {
	mq := forMonth(dbtx, m)
	if q.match == "" {
		a := timeArgs(m, q)
		return mq.CountSearch(withFilters(ctx, q.f), dbsqlc.CountSearchParams{Since: a.Since, Until: a.Until})
	}
	w, ok, err := window(ctx, dbtx, m, q)
	if err != nil || !ok {
		return 0, err
	}
	a := matchArgs(m, q)
	return mq.CountSearchMatch(withFilters(ctx, q.f), dbsqlc.CountSearchMatchParams{Query: a.Query, MinID: w.min, MaxID: w.max,
		Since: a.Since, Until: a.Until})
}
