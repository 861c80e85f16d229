package db

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db/internal/dbsqlc"
	"github.com/aiosyslogd/aiosyslogd/db/search"
)

// Position is where Follow continues: after the event with ID in Month's
// table. The zero Position is before every month.
type Position struct {
	Month Month
	ID    int64
}

// Tail calls each for the newest n events that match q (none when n <= 0),
// oldest first, and returns the Position of the newest event stored,
// matching or not, read in the same snapshot: Follow from there misses
// nothing and repeats nothing. q.Limit, q.Order and q.After are ignored.
func (r *Reader) Tail(ctx context.Context, q search.Query, n int, each func(search.Event) error) (Position, error) {
	tx, err := r.db.BeginTx(ctx, nil)
	if err != nil {
		return Position{}, fmt.Errorf("begin read: %w", err)
	}
	defer tx.Rollback()
	pos, err := newestPosition(ctx, tx)
	if err != nil || n <= 0 {
		return pos, err
	}
	q.Limit, q.Order, q.After = n, search.NewestFirst, search.Cursor{}
	var newest []search.Event
	if err := searchEvents(ctx, tx, q, func(e search.Event) error { newest = append(newest, e); return nil }); err != nil {
		return Position{}, err
	}
	for i := len(newest) - 1; i >= 0; i-- {
		if err := each(newest[i]); err != nil {
			return Position{}, err
		}
	}
	return pos, nil
}

// newestPosition is the Position of the newest event stored.
func newestPosition(ctx context.Context, dbtx DBTX) (Position, error) {
	months, err := Months(ctx, dbtx)
	if err != nil || len(months) == 0 {
		return Position{}, err
	}
	pos := Position{Month: months[0]}
	if pos.ID, err = forMonth(dbtx, pos.Month).LastID(ctx); err != nil {
		return Position{}, fmt.Errorf("last ID of %s: %w", pos.Month.Table(), err)
	}
	return pos, nil
}

// Follow calls each, in arrival order, for every event that matches q and
// is stored after pos, polling the database every interval until ctx ends
// (it then returns nil). When a newer month table appears, Follow finishes
// the current month and moves on to it. q.Until, q.Limit, q.Order and
// q.After are ignored.
func (r *Reader) Follow(ctx context.Context, q search.Query, pos Position, interval time.Duration, each func(search.Event) error) error {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	q.Until = time.Time{}
	f := follower{dbtx: r.db, q: compile(q), pos: pos, each: each}
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
	pos     Position
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
		if m.Before(f.pos.Month) {
			continue
		}
		if f.q.match != "" && !f.checked {
			if err := validateMatch(ctx, f.dbtx, m, f.q.match); err != nil {
				return err
			}
			f.checked = true
		}
		if m != f.pos.Month {
			f.pos = Position{Month: m}
		}
		if f.pos.ID, err = f.month(ctx); err != nil {
			return err
		}
	}
	return nil
}

// month passes each event of f.pos.Month after f.pos.ID that matches the
// query, and returns the ID it got to. That is the month's last ID when it
// began, matching or not: rows that do not match are read once, not at
// every poll. Rows up to that ID are all committed (one writer, IDs
// ascending), so none is skipped.
func (f *follower) month(ctx context.Context) (int64, error) {
	m, pos := f.pos.Month, f.pos.ID
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
