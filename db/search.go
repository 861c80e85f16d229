package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/aiosyslogd/aiosyslogd/syslog"
)

// Query says which stored events to find. The zero Query finds every event,
// newest first.
type Query struct {
	// Match is an FTS5 query on Message ("sshd AND failed", "\"disk full\"",
	// "auth*", "NEAR(a b)"); "" matches every event.
	Match string
	// Since (inclusive) and Until (exclusive) bound ReceivedAt; a zero time
	// leaves that side open.
	Since, Until time.Time
	// Host and Tag are GLOB patterns on FromHost and SysLogTag ("web*");
	// without a wildcard they must match exactly. "" means any.
	Host, Tag string
	// Facility, when set, keeps the events of that facility only.
	Facility *syslog.Facility
	// Severity, when set, keeps the events of that severity or a more severe
	// one (a lower number), like journalctl -p.
	Severity *syslog.Severity
	// Limit is the most events Search returns; 0 means no limit.
	Limit int
	// Oldest returns the oldest events first instead of the newest.
	Oldest bool
}

// Event is one stored row and the month table it was read from; IDs are
// unique within a month only.
type Event struct {
	Month Month
	SystemEvent
}

// Position is where Follow continues: after the event with ID in Month's
// table. The zero Position is before every month.
type Position struct {
	Month Month
	ID    int64
}

// BadQueryError is an FTS5 query that SQLite rejects.
type BadQueryError struct {
	Query string
	// Reason is SQLite's own words: `fts5: syntax error near "."`.
	Reason string
}

// Error says which query and why: bad query "a AND": fts5: syntax error near "".
func (e *BadQueryError) Error() string {
	return fmt.Sprintf("bad query %q: %s", e.Query, e.Reason)
}

// pageSize is how many rows one statement returns when Search has no limit
// (or a larger one): memory stays bounded whatever the month holds.
const pageSize = 1000

// OpenReadOnly opens the database at path for searching. It never creates
// one: a missing file, an empty file or a file that is not an SQLite
// database is an error that says so. Reading a WAL database never blocks its
// writer (serve), and the writer never makes a reader fail: the busy timeout
// covers the short moments SQLite needs exclusive access to the WAL index.
func OpenReadOnly(ctx context.Context, path string) (*sql.DB, error) {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil, fmt.Errorf("database %s does not exist (is this where serve writes? see sqlite.database in the config, or --db)", path)
	case err != nil:
		return nil, fmt.Errorf("database %s: %w", path, err)
	case fi.IsDir():
		return nil, fmt.Errorf("database %s is a directory, not an SQLite database", path)
	case fi.Size() == 0:
		return nil, fmt.Errorf("database %s is empty: serve has not written to it yet", path)
	}
	if err := checkSQLiteFile(path); err != nil {
		return nil, err
	}
	db, err := sql.Open("sqlite", readerDSN(path))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	// One connection: a search runs one statement at a time, and Tail's
	// snapshot must be the connection that Follow continues on.
	db.SetMaxOpenConns(1)
	if _, err := New(db).ListMonthTables(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return db, nil
}

// readerDSN opens path read-only (mode=ro: SQLite never creates or writes
// the database) with a busy timeout. The path is escaped: SQLite reads the
// part after "file:" as a URI.
func readerDSN(path string) string {
	u := url.URL{Path: path}
	return "file:" + u.EscapedPath() + "?mode=ro&_pragma=busy_timeout(5000)"
}

// ParseTime reads a ReceivedAt or DeviceReportedTime value (TimeLayout, UTC).
func ParseTime(s string) (time.Time, error) {
	t, err := time.ParseInLocation(TimeLayout, s, time.UTC)
	if err != nil {
		return time.Time{}, fmt.Errorf("stored time %q: %w", s, err)
	}
	return t, nil
}

// Months returns the months that have a table in the database, newest first.
func Months(ctx context.Context, dbtx DBTX) ([]Month, error) {
	names, err := New(dbtx).ListMonthTables(ctx)
	if err != nil {
		return nil, fmt.Errorf("list month tables: %w", err)
	}
	months := make([]Month, 0, len(names))
	for _, name := range names {
		if m, err := ParseMonthTable(name); err == nil {
			months = append(months, m)
		}
	}
	return months, nil
}

// overlaps reports whether some instant of month m is in [since, until).
func (q *Query) overlaps(m Month) bool {
	return (q.Until.IsZero() || m.Start().Before(q.Until)) &&
		(q.Since.IsZero() || m.Next().Start().After(q.Since))
}

// months picks, from the existing months (newest first), those that overlap
// the query's time range, in the order the query reads them.
func (q *Query) months(all []Month) []Month {
	var ms []Month
	for _, m := range all {
		if q.overlaps(m) {
			ms = append(ms, m)
		}
	}
	if q.Oldest {
		slices.Reverse(ms)
	}
	return ms
}

// bounds returns the query's time range clamped to month m, as stored text.
// Every row of m's table is inside [m.Start(), m.Next().Start()), so the
// clamped range always bounds the ReceivedAt index.
func (q *Query) bounds(m Month) (since, until string) {
	s, u := m.Start(), m.Next().Start()
	if q.Since.After(s) {
		s = q.Since
	}
	if !q.Until.IsZero() && q.Until.Before(u) {
		u = q.Until
	}
	return s.UTC().Format(TimeLayout), u.UTC().Format(TimeLayout)
}

// filters are the optional field filters of q as query parameters.
type filters struct {
	host, tag          sql.NullString
	facility, severity sql.NullInt64
}

func (q *Query) filters() filters {
	var f filters
	if q.Host != "" {
		f.host = sql.NullString{String: q.Host, Valid: true}
	}
	if q.Tag != "" {
		f.tag = sql.NullString{String: q.Tag, Valid: true}
	}
	if q.Facility != nil {
		f.facility = sql.NullInt64{Int64: int64(*q.Facility), Valid: true}
	}
	if q.Severity != nil {
		f.severity = sql.NullInt64{Int64: int64(*q.Severity), Valid: true}
	}
	return f
}

// Search calls each for the events that match q, newest first (oldest first
// with q.Oldest), until q.Limit events or the end. It reads only the month
// tables that overlap q's time range, one after the other in that order,
// and stops as soon as the limit is met: a search that the newest month
// satisfies never reads an older one. An invalid q.Match is a
// *BadQueryError. An error from each ends the search and is returned.
func Search(ctx context.Context, dbtx DBTX, q Query, each func(Event) error) error {
	all, err := Months(ctx, dbtx)
	if err != nil {
		return err
	}
	months := q.months(all)
	if q.Match != "" && len(months) > 0 {
		if err := validateMatch(ctx, dbtx, months[0], q.Match); err != nil {
			return err
		}
	}
	left := q.Limit
	for _, m := range months {
		n, err := searchMonth(ctx, dbtx, m, &q, left, each)
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

// searchMonth runs q on month m's table, page by page, calling each for at
// most limit events (0: all). It returns how many it passed to each.
func searchMonth(ctx context.Context, dbtx DBTX, m Month, q *Query, limit int, each func(Event) error) (int, error) {
	var page pager
	if q.Match == "" {
		page = newTimePager(m, q)
	} else {
		var ok bool
		var err error
		if page, ok, err = newMatchPager(ctx, dbtx, m, q); err != nil || !ok {
			return 0, err
		}
	}
	mq := ForMonth(dbtx, m)
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
			if err := each(Event{Month: m, SystemEvent: r}); err != nil {
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
	next(ctx context.Context, mq *Queries, limit int64) ([]SystemEvent, error)
}

// timePager pages through the ReceivedAt index, keyed by (ReceivedAt, ID).
type timePager struct {
	since, until string
	f            filters
	oldest       bool
	keyAt        string // the last row's ReceivedAt, or the range's end
	keyID        int64
}

func newTimePager(m Month, q *Query) *timePager {
	p := &timePager{f: q.filters(), oldest: q.Oldest}
	p.since, p.until = q.bounds(m)
	if p.oldest {
		p.keyAt, p.keyID = p.since, -1 // (ReceivedAt, ID) > (since, -1): ReceivedAt >= since
	} else {
		p.keyAt, p.keyID = p.until, 0 // (ReceivedAt, ID) < (until, 0): ReceivedAt < until
	}
	return p
}

func (p *timePager) next(ctx context.Context, mq *Queries, limit int64) ([]SystemEvent, error) {
	var rows []SystemEvent
	var err error
	if p.oldest {
		rows, err = mq.SearchAsc(ctx, SearchAscParams{
			AfterAt: p.keyAt, AfterID: p.keyID, Until: p.until,
			Host: p.f.host, Tag: p.f.tag, Facility: p.f.facility, Severity: p.f.severity, Lim: limit,
		})
	} else {
		rows, err = mq.SearchDesc(ctx, SearchDescParams{
			BeforeAt: p.keyAt, BeforeID: p.keyID, Since: p.since,
			Host: p.f.host, Tag: p.f.tag, Facility: p.f.facility, Severity: p.f.severity, Lim: limit,
		})
	}
	if len(rows) > 0 {
		last := rows[len(rows)-1]
		p.keyAt, p.keyID = last.ReceivedAt, last.ID
	}
	return rows, err
}

// matchPager pages through the FTS5 index in rowid (arrival) order, within
// an ID window [minID, maxID].
type matchPager struct {
	query        string
	since, until string
	f            filters
	oldest       bool
	minID, maxID int64
}

// newMatchPager prepares a full-text search of month m. FTS5 cannot use the
// ReceivedAt index, so the time range becomes a window of IDs (rowids) that
// FTS5 can seek to: the first ID received at or after since and the last
// received before until, two lookups in the ReceivedAt index. IDs follow
// arrival and ReceivedAt is the arrival time, so the window holds the range;
// the rows are still checked against the range itself. ok is false when no
// event of m is in the range.
func newMatchPager(ctx context.Context, dbtx DBTX, m Month, q *Query) (_ *matchPager, ok bool, err error) {
	p := &matchPager{query: q.Match, f: q.filters(), oldest: q.Oldest, minID: 0, maxID: math.MaxInt64}
	p.since, p.until = q.bounds(m)
	mq := ForMonth(dbtx, m)
	if q.Since.After(m.Start()) {
		p.minID, err = mq.FirstIDSince(ctx, p.since)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, false, nil
		}
		if err != nil {
			return nil, false, fmt.Errorf("search %s: %w", m.Table(), err)
		}
	}
	if !q.Until.IsZero() && q.Until.Before(m.Next().Start()) {
		p.maxID, err = mq.LastIDBefore(ctx, p.until)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, false, nil
		}
		if err != nil {
			return nil, false, fmt.Errorf("search %s: %w", m.Table(), err)
		}
	}
	return p, p.minID <= p.maxID, nil
}

func (p *matchPager) next(ctx context.Context, mq *Queries, limit int64) ([]SystemEvent, error) {
	if p.minID > p.maxID {
		return nil, nil
	}
	var rows []SystemEvent
	var err error
	if p.oldest {
		rows, err = mq.SearchMatchAsc(ctx, SearchMatchAscParams{
			Query: p.query, MinID: p.minID, MaxID: p.maxID, Since: p.since, Until: p.until,
			Host: p.f.host, Tag: p.f.tag, Facility: p.f.facility, Severity: p.f.severity, Lim: limit,
		})
		if len(rows) > 0 {
			p.minID = rows[len(rows)-1].ID + 1
		}
	} else {
		rows, err = mq.SearchMatchDesc(ctx, SearchMatchDescParams{
			Query: p.query, MinID: p.minID, MaxID: p.maxID, Since: p.since, Until: p.until,
			Host: p.f.host, Tag: p.f.tag, Facility: p.f.facility, Severity: p.f.severity, Lim: limit,
		})
		if len(rows) > 0 {
			p.maxID = rows[len(rows)-1].ID - 1
		}
	}
	return rows, err
}

// validateMatch returns a *BadQueryError when SQLite rejects query, as it
// would in every month (the FTS5 tables are alike).
func validateMatch(ctx context.Context, dbtx DBTX, m Month, query string) error {
	_, err := ForMonth(dbtx, m).CheckMatch(ctx, query)
	var se *sqlite.Error
	if errors.As(err, &se) && se.Code() == sqlite3.SQLITE_ERROR {
		return &BadQueryError{Query: query, Reason: sqliteReason(se)}
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

// Count returns how many events match q, ignoring q.Limit, over the month
// tables that overlap q's time range.
func Count(ctx context.Context, dbtx DBTX, q Query) (int64, error) {
	all, err := Months(ctx, dbtx)
	if err != nil {
		return 0, err
	}
	months := q.months(all)
	if q.Match != "" && len(months) > 0 {
		if err := validateMatch(ctx, dbtx, months[0], q.Match); err != nil {
			return 0, err
		}
	}
	var total int64
	for _, m := range months {
		n, err := countMonth(ctx, dbtx, m, &q)
		if err != nil {
			return 0, fmt.Errorf("count in %s: %w", m.Table(), err)
		}
		total += n
	}
	return total, nil
}

func countMonth(ctx context.Context, dbtx DBTX, m Month, q *Query) (int64, error) {
	f := q.filters()
	if q.Match == "" {
		since, until := q.bounds(m)
		return ForMonth(dbtx, m).CountSearch(ctx, CountSearchParams{
			Since: since, Until: until,
			Host: f.host, Tag: f.tag, Facility: f.facility, Severity: f.severity,
		})
	}
	p, ok, err := newMatchPager(ctx, dbtx, m, q)
	if err != nil || !ok {
		return 0, err
	}
	return ForMonth(dbtx, m).CountSearchMatch(ctx, CountSearchMatchParams{
		Query: p.query, MinID: p.minID, MaxID: p.maxID, Since: p.since, Until: p.until,
		Host: f.host, Tag: f.tag, Facility: f.facility, Severity: f.severity,
	})
}

// Tail calls each for the newest n events that match q (none when n <= 0),
// oldest first, and returns the Position of the newest event stored, matching or
// not, read in the same snapshot: Follow from there misses nothing and
// repeats nothing. q.Limit and q.Oldest are ignored.
func Tail(ctx context.Context, conn *sql.DB, q Query, n int, each func(Event) error) (Position, error) {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return Position{}, fmt.Errorf("begin read: %w", err)
	}
	defer tx.Rollback()
	var pos Position
	months, err := Months(ctx, tx)
	if err != nil {
		return Position{}, err
	}
	if len(months) > 0 {
		pos.Month = months[0]
		if pos.ID, err = ForMonth(tx, pos.Month).LastID(ctx); err != nil {
			return Position{}, fmt.Errorf("last ID of %s: %w", pos.Month.Table(), err)
		}
	}
	if n <= 0 {
		return pos, nil
	}
	q.Limit, q.Oldest = n, false
	var newest []Event
	if err := Search(ctx, tx, q, func(e Event) error { newest = append(newest, e); return nil }); err != nil {
		return Position{}, err
	}
	for i := len(newest) - 1; i >= 0; i-- {
		if err := each(newest[i]); err != nil {
			return Position{}, err
		}
	}
	return pos, nil
}

// Follow calls each, in arrival order, for every event that matches q and
// is stored after pos, polling the database every interval until ctx ends
// (it then returns nil). When a newer month table appears, Follow finishes
// the current month and moves on to it. q.Until, q.Limit and q.Oldest are
// ignored.
func Follow(ctx context.Context, dbtx DBTX, q Query, pos Position, interval time.Duration, each func(Event) error) error {
	checked := false
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		months, err := Months(ctx, dbtx)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		slices.Reverse(months) // oldest first
		for _, m := range months {
			if m.Before(pos.Month) {
				continue
			}
			if q.Match != "" && !checked {
				if err := validateMatch(ctx, dbtx, m, q.Match); err != nil {
					if ctx.Err() != nil {
						return nil
					}
					return err
				}
				checked = true
			}
			if m != pos.Month {
				pos = Position{Month: m}
			}
			if pos.ID, err = followMonth(ctx, dbtx, pos, &q, each); err != nil {
				if ctx.Err() != nil {
					return nil
				}
				return err
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

// followMonth passes each event of pos.Month after pos.ID that matches q to
// each, and returns the ID it got to. That is the month's last ID when it
// began, matching or not: rows that do not match are read once, not at every
// poll. Rows up to that ID are all committed (one writer, IDs ascending), so
// none is skipped.
func followMonth(ctx context.Context, dbtx DBTX, pos Position, q *Query, each func(Event) error) (int64, error) {
	mq := ForMonth(dbtx, pos.Month)
	last, err := mq.LastID(ctx)
	if err != nil {
		return pos.ID, fmt.Errorf("follow %s: %w", pos.Month.Table(), err)
	}
	f := q.filters()
	since, until := q.bounds(pos.Month)
	for pos.ID < last {
		var rows []SystemEvent
		if q.Match == "" {
			rows, err = mq.FollowEvents(ctx, FollowEventsParams{
				MinID: pos.ID + 1, MaxID: last, Since: since,
				Host: f.host, Tag: f.tag, Facility: f.facility, Severity: f.severity, Lim: pageSize,
			})
		} else {
			rows, err = mq.SearchMatchAsc(ctx, SearchMatchAscParams{
				Query: q.Match, MinID: pos.ID + 1, MaxID: last, Since: since, Until: until,
				Host: f.host, Tag: f.tag, Facility: f.facility, Severity: f.severity, Lim: pageSize,
			})
		}
		if err != nil {
			return pos.ID, fmt.Errorf("follow %s: %w", pos.Month.Table(), err)
		}
		for _, r := range rows {
			if err := each(Event{Month: pos.Month, SystemEvent: r}); err != nil {
				return pos.ID, err
			}
			pos.ID = r.ID
		}
		if len(rows) < pageSize {
			pos.ID = last
		}
	}
	return pos.ID, nil
}
