package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aiosyslogd/aiosyslogd/db"
	"github.com/aiosyslogd/aiosyslogd/db/postgres/internal/pgsqlc"
	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/syslog"
)

// Reader searches a database that a Store writes (or a hot standby of
// it). It answers the queries of package search.
type Reader struct {
	pool *pgxpool.Pool
}

// ErrNoSchema is what OpenReader returns, wrapped, when the database has
// no SystemEvents table: serve has not written to it.
var ErrNoSchema = errors.New("no SystemEvents table")

// OpenReader connects to the database of o for searching. It never makes
// the schema, and its connections cannot write (every transaction is
// read-only): search and web only read.
func OpenReader(ctx context.Context, o Options) (*Reader, error) {
	o.readOnly = true
	return openReader(ctx, o)
}

// OpenLeadReader is OpenReader for the alert lead, on the primary: its
// connections may write, since the lead keeps the rules' state there
// (AlertStates.SaveState). search and web use OpenReader.
func OpenLeadReader(ctx context.Context, o Options) (*Reader, error) {
	o.readOnly = false
	return openReader(ctx, o)
}

// openReader connects with o and checks that the schema is there.
func openReader(ctx context.Context, o Options) (*Reader, error) {
	pool, err := open(ctx, o)
	if err != nil {
		return nil, err
	}
	r := &Reader{pool: pool}
	if _, err := r.Months(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return r, nil
}

// Reader returns a Reader on the Store's connections.
func (s *Store) Reader() *Reader { return &Reader{pool: s.pool} }

// Close closes every connection.
func (r *Reader) Close() error {
	r.pool.Close()
	return nil
}

// Months returns the month partitions, newest first, named as the SQLite
// store names its month tables (SystemEvents202612).
func (r *Reader) Months(ctx context.Context) ([]string, error) {
	names, err := pgsqlc.New(r.pool).Months(ctx)
	if err != nil {
		var pe *pgconn.PgError
		if errors.As(err, &pe) && pe.Code == "42P01" { // undefined_table: 'systemevents'::regclass
			return nil, fmt.Errorf("%w: has serve written to this database?", ErrNoSchema)
		}
		return nil, fmt.Errorf("list month partitions: %w", err)
	}
	for i, n := range names {
		names[i] = db.TemplateTable + strings.TrimPrefix(n, "systemevents")
	}
	return names, nil
}

// pageSize is how many candidates one statement returns at most, and
// minPage how many it asks for at least.
const (
	pageSize = 1000
	minPage  = 64
)

// The walk through time: a search reads windows of time one after the
// other, newest first (oldest first for OldestFirst), each a bounded
// statement, the first firstWindow wide, each next one four times wider
// up to maxWindow: a term the planner thinks common can then never make
// it walk the whole time index for a few rows.
const (
	firstWindow = time.Hour
	maxWindow   = 32 * 24 * time.Hour
	// A walk by event time has no such bound: the event times of
	// backfilled messages may lie years apart, and windows of a month
	// would take a statement for each month between.
	maxEventWindow = 50 * 365 * 24 * time.Hour
)

// Search calls each for the events that match q, in q.Order, until
// q.Limit events or the end. An error from each ends the search and is
// returned.
func (r *Reader) Search(ctx context.Context, q search.Query, each func(search.Event) error) error {
	_, err := walk(ctx, pgsqlc.New(r.pool), compile(q), each)
	return err
}

// Count returns how many events match q, ignoring q.Limit and q.After.
func (r *Reader) Count(ctx context.Context, q search.Query) (int64, error) {
	q.Limit, q.After = 0, search.Cursor{}
	if everything(&q) {
		n, err := pgsqlc.New(r.pool).CountAll(ctx)
		if err != nil {
			return 0, fmt.Errorf("count: %w", err)
		}
		return n, nil
	}
	return walk(ctx, pgsqlc.New(r.pool), compile(q), func(search.Event) error { return nil })
}

// everything reports whether q keeps every event.
func everything(q *search.Query) bool {
	return q.Expr == nil && q.Since.IsZero() && q.Until.IsZero() && q.Host == "" && q.Tag == "" &&
		q.Facility == nil && q.Severity == nil && q.Not.IsZero()
}

// walk reads the windows of q's range in order and passes each match to
// each; it returns how many it passed.
func walk(ctx context.Context, mq *pgsqlc.Queries, q *request, each func(search.Event) error) (int64, error) {
	since, until, ok, err := span(ctx, mq, q)
	if err != nil || !ok {
		return 0, err
	}
	if since, until, ok, err = narrow(ctx, mq, q, since, until); err != nil || !ok {
		return 0, err
	}
	var n int64
	width := firstWindow
	widest := maxWindow
	if q.Time == search.EventTime {
		widest = maxEventWindow
	}
	for lo, hi := since, until; lo.Before(hi); width = min(4*width, widest) {
		p := pgsqlc.SearchDescParams{Since: lo, Until: hi, Words: q.words,
			Severities: q.severities, Facilities: q.facilities, Hosts: q.hosts, Tags: q.tags}
		if q.Order == search.OldestFirst {
			p.Until = minTime(hi, lo.Add(width))
			p.KeyAt, p.KeyID = lo, -1
			if !q.After.IsZero() && q.After.ReceivedAt.Equal(lo) {
				p.KeyID = q.After.ID
			}
			lo = p.Until
		} else {
			p.Since = maxTime(lo, hi.Add(-width))
			p.KeyAt, p.KeyID = hi, 0
			if !q.After.IsZero() && q.After.ReceivedAt.Add(time.Microsecond).Equal(hi) {
				p.KeyAt, p.KeyID = q.After.ReceivedAt, q.After.ID
			}
			hi = p.Since
		}
		done, err := window(ctx, mq, q, p, &n, each)
		if err != nil || done {
			return n, err
		}
	}
	return n, nil
}

// span is the range a search of q walks: q's, clamped to what is stored
// and to its cursor. ok is false when nothing is in it.
func span(ctx context.Context, mq *pgsqlc.Queries, q *request) (since, until time.Time, ok bool, err error) {
	firstAt, lastAt := mq.FirstReceivedAt, mq.LastReceivedAt
	if q.Time == search.EventTime {
		firstAt, lastAt = mq.FirstEventAt, mq.LastEventAt
	}
	first, err := firstAt(ctx)
	if errors.Is(err, pgx.ErrNoRows) {
		return since, until, false, nil
	}
	if err != nil {
		return since, until, false, fmt.Errorf("search: %w", err)
	}
	last, err := lastAt(ctx)
	if err != nil {
		return since, until, false, fmt.Errorf("search: %w", err)
	}
	since, until = maxTime(first, q.Since), last.Add(time.Microsecond)
	if !q.Until.IsZero() {
		until = minTime(until, q.Until)
	}
	if c := q.After; !c.IsZero() {
		at := c.ReceivedAt.UTC().Truncate(time.Microsecond)
		q.After.ReceivedAt = at
		if q.Order == search.OldestFirst {
			since = maxTime(since, at)
		} else {
			until = minTime(until, at.Add(time.Microsecond))
		}
	}
	return since, until, since.Before(until), nil
}

// window reads the candidates of one window page by page, passing the
// matches to each and counting them in n; done is true when the limit is
// met.
func window(ctx context.Context, mq *pgsqlc.Queries, q *request, p pgsqlc.SearchDescParams, n *int64, each func(search.Event) error) (done bool, err error) {
	for {
		// The rows the limit still wants, and some more for the
		// candidates the check may turn down.
		want := pageSize
		if q.Limit > 0 {
			want = min(pageSize, max(q.Limit-int(*n), minPage))
		}
		p.Lim = int32(want)
		rows, err := page(ctx, mq, q, p)
		if err != nil {
			return false, fmt.Errorf("search %s to %s: %w", p.Since.Format(time.RFC3339), p.Until.Format(time.RFC3339), err)
		}
		for i := range rows {
			e := eventOf(&rows[i])
			rec := e.Record()
			if !q.match(&rec) {
				continue
			}
			if err := each(e); err != nil {
				return true, err
			}
			if *n++; q.Limit > 0 && *n >= int64(q.Limit) {
				return true, nil
			}
		}
		if len(rows) < want {
			return false, nil
		}
		last := rows[len(rows)-1]
		p.KeyAt, p.KeyID = last.ReceivedAt, last.ID
		if q.Time == search.EventTime && last.DeviceReportedTime.Valid {
			p.KeyAt = last.DeviceReportedTime.Time
		}
	}
}

// page runs the statement of q's order and time.
func page(ctx context.Context, mq *pgsqlc.Queries, q *request, p pgsqlc.SearchDescParams) ([]pgsqlc.SearchDescRow, error) {
	asc := q.Order == search.OldestFirst
	switch {
	case q.Time == search.EventTime && asc:
		return rowsOf(mq.SearchEventAsc(ctx, pgsqlc.SearchEventAscParams(p)))
	case q.Time == search.EventTime:
		return rowsOf(mq.SearchEventDesc(ctx, pgsqlc.SearchEventDescParams(p)))
	case asc:
		return rowsOf(mq.SearchAsc(ctx, pgsqlc.SearchAscParams(p)))
	}
	return mq.SearchDesc(ctx, p)
}

// rowsOf is the rows of another search statement as SearchDesc's, which
// have the same columns.
func rowsOf[R pgsqlc.SearchAscRow | pgsqlc.SearchEventAscRow | pgsqlc.SearchEventDescRow](rows []R, err error) ([]pgsqlc.SearchDescRow, error) {
	out := make([]pgsqlc.SearchDescRow, len(rows))
	for i := range rows {
		out[i] = pgsqlc.SearchDescRow(rows[i])
	}
	return out, err
}

// eventOf is a row as a search.Event; its Table is the month's, named as
// the SQLite store names it.
func eventOf(r *pgsqlc.SearchDescRow) search.Event {
	e := search.Event{
		Table: db.MonthOf(r.ReceivedAt).Table(), ID: r.ID,
		Facility: syslog.Facility(r.Facility), Severity: syslog.Severity(r.Priority),
		FromHost: r.FromHost, InfoUnitID: int64(r.InfoUnitID), ReceivedAt: r.ReceivedAt.UTC(),
		SysLogTag: r.SysLogTag, ProcessID: r.ProcessID, MsgID: r.MsgID,
		StructuredData: r.StructuredData.String, Message: r.Message, RawMessage: r.RawMessage,
		FromHostIP: r.FromHostIP.String,
	}
	if r.DeviceReportedTime.Valid {
		e.DeviceReportedTime = r.DeviceReportedTime.Time.UTC()
	}
	return e
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

var (
	_ db.Writer   = (*Store)(nil)
	_ db.Searcher = (*Reader)(nil)
	_ db.Browser  = (*Reader)(nil)
)
