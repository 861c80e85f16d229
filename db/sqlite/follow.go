package sqlite

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db"
	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/db/sqlite/internal/dbsqlc"
)

// Tail calls each for the newest n events that match q (none when n <= 0),
// oldest first, and returns the cursor of the newest event stored, matching
// or not, read in the same snapshot: Follow after it misses nothing and
// repeats nothing. It is the zero Cursor when nothing is stored. q.Limit,
// q.Order and q.After are ignored.
func (r *Reader) Tail(ctx context.Context, q search.Query, n int, each func(search.Event) error) (search.Cursor, error) {
	tx, err := r.db.BeginTx(ctx, nil)
	if err != nil {
		return search.Cursor{}, fmt.Errorf("begin read: %w", err)
	}
	defer tx.Rollback()
	newest, err := newestCursor(ctx, tx)
	if err != nil || n <= 0 {
		return newest, err
	}
	q.Limit, q.Order, q.After = n, search.NewestFirst, search.Cursor{}
	var events []search.Event
	if err := searchEvents(ctx, tx, q, func(e search.Event) error { events = append(events, e); return nil }); err != nil {
		return search.Cursor{}, err
	}
	for i := len(events) - 1; i >= 0; i-- {
		if err := each(events[i]); err != nil {
			return search.Cursor{}, err
		}
	}
	return newest, nil
}

// newestCursor is the cursor of the newest event stored: of the newest
// month's last ID (and the start of that month when its table is empty).
func newestCursor(ctx context.Context, dbtx DBTX) (search.Cursor, error) {
	months, err := Months(ctx, dbtx)
	if err != nil || len(months) == 0 {
		return search.Cursor{}, err
	}
	m := months[0]
	q := forMonth(dbtx, m)
	c := search.Cursor{Table: m.Table(), ReceivedAt: m.Start()}
	if c.ID, err = q.LastID(ctx); err != nil {
		return search.Cursor{}, fmt.Errorf("last ID of %s: %w", m.Table(), err)
	}
	if c.ID > 0 {
		e, err := q.GetEvent(ctx, c.ID)
		if err != nil {
			return search.Cursor{}, fmt.Errorf("event %d of %s: %w", c.ID, m.Table(), err)
		}
		c.ReceivedAt = eventOf(m, &e).ReceivedAt
	}
	return c, nil
}

// Follow calls each, in arrival order, for every event that matches q and
// is stored after the event after points to (every event when after is
// the zero Cursor), polling the database every interval until ctx ends (it
// then returns nil). When a newer month table appears, Follow finishes the
// current month and moves on to it. q.Until, q.Limit, q.Order and q.After
// are ignored.
func (r *Reader) Follow(ctx context.Context, q search.Query, after search.Cursor, interval time.Duration, each func(search.Event) error) error {
	pos, err := cursorPosition(after)
	if err != nil {
		return err
	}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	q.Until = time.Time{}
	f := follower{dbtx: r.db, q: compile(q), each: each}
	if pos != nil {
		f.month, f.id = pos.month, pos.c.ID
	}
	for {
		if err := f.poll(ctx); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

// follower is the state of Follow between polls.
type follower struct {
	dbtx    DBTX
	q       *request
	month   db.Month // after the event with ID id in month's table; the
	id      int64    // zero db.Month is before every month
	each    func(search.Event) error
	checked bool // q.match has been validated
}

// poll passes each event stored since the last poll, month by month.
func (f *follower) poll(ctx context.Context) error {
	months, err := Months(ctx, f.dbtx)
	if err != nil {
		return err
	}
	slices.Reverse(months) // oldest first
	for _, m := range months {
		if m.Before(f.month) {
			continue
		}
		if f.q.match != "" && !f.checked {
			if err := validateMatch(ctx, f.dbtx, m, f.q.match); err != nil {
				return err
			}
			f.checked = true
		}
		if m != f.month {
			f.month, f.id = m, 0
		}
		if f.id, err = f.follow(ctx); err != nil {
			return err
		}
	}
	return nil
}

// follow passes each event of f.month after f.id that matches the query,
// and returns the ID it got to. That is the month's last ID when it
// began, matching or not: rows that do not match are read once, not at
// every poll. Rows up to that ID are all committed (one writer, IDs
// ascending), so none is skipped.
func (f *follower) follow(ctx context.Context) (int64, error) {
	m, pos := f.month, f.id
	mq := forMonth(f.dbtx, m)
	last, err := mq.LastID(ctx)
	if err != nil {
		return pos, fmt.Errorf("follow %s: %w", m.Table(), err)
	}
	args := matchArgs(m, f.q)
	for pos < last {
		args.KeyID, args.BoundID, args.Lim = pos, last, pageSize
		var rows []dbsqlc.SystemEvent
		if f.q.match == "" {
			rows, err = mq.FollowEvents(withFilters(ctx, f.q.f), followArgs(args))
		} else {
			rows, err = mq.SearchMatchAsc(withFilters(ctx, f.q.f), dbsqlc.SearchMatchAscParams(args))
		}
		if err != nil {
			return pos, fmt.Errorf("follow %s: %w", m.Table(), err)
		}
		for _, r := range rows {
			if err := f.each(eventOf(m, &r)); err != nil {
				return pos, err
			}
			pos = r.ID
		}
		if len(rows) < pageSize {
			pos = last
		}
	}
	return pos, nil
}

// followArgs are the parameters of a full-text search's page for
// FollowEvents, which has no full-text query.
func followArgs(a dbsqlc.SearchMatchDescParams) dbsqlc.FollowEventsParams {
	return dbsqlc.FollowEventsParams{KeyID: a.KeyID, BoundID: a.BoundID, Since: a.Since, Lim: a.Lim}
}
