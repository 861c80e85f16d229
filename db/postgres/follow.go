package postgres

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/aiosyslogd/aiosyslogd/db"
	"github.com/aiosyslogd/aiosyslogd/db/postgres/internal/pgsqlc"
	"github.com/aiosyslogd/aiosyslogd/db/search"
)

// FollowFrom is where FollowSnapshot goes on: the snapshot of the database the
// reader last read in. Every event whose transaction it did not see is
// new, whatever its ID: with several writers, a transaction that took its
// IDs first may commit last.
type FollowFrom struct{ snapshot string }

// receivedSince is the ReceivedAt a follower's statements read from: q's
// Since by received time; for a query by event time, every ReceivedAt
// (each event's time is checked against Since on its own).
func (q *request) receivedSince() time.Time {
	if q.Time == search.EventTime {
		return time.Time{}
	}
	return q.Since
}

// readTx runs f in a read-only REPEATABLE READ transaction: every
// statement sees one snapshot, the one Snapshot returns.
func (r *Reader) readTx(ctx context.Context, f func(*pgsqlc.Queries) error) error {
	err := pgx.BeginTxFunc(ctx, r.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		return f(pgsqlc.New(tx))
	})
	if err != nil {
		return fmt.Errorf("read: %w", err)
	}
	return nil
}

// TailSnapshot calls each for the newest n events that match q (none
// when n <= 0), oldest first, and returns the snapshot it read them in:
// FollowSnapshot from it misses nothing and repeats nothing. q.Limit,
// q.Order and q.After are ignored.
func (r *Reader) TailSnapshot(ctx context.Context, q search.Query, n int, each func(search.Event) error) (FollowFrom, error) {
	from, _, err := r.tail(ctx, q, n, each)
	return from, err
}

// Tail is TailSnapshot returning the cursor of the newest event stored
// (the highest ID), matching or not, read in the same snapshot: Follow
// after it goes on from there. It is the zero Cursor when nothing is
// stored.
func (r *Reader) Tail(ctx context.Context, q search.Query, n int, each func(search.Event) error) (search.Cursor, error) {
	_, c, err := r.tail(ctx, q, n, each)
	return c, err
}

// tail is TailSnapshot and Tail.
func (r *Reader) tail(ctx context.Context, q search.Query, n int, each func(search.Event) error) (FollowFrom, search.Cursor, error) {
	var from FollowFrom
	var newest search.Cursor
	var events []search.Event
	err := r.readTx(ctx, func(mq *pgsqlc.Queries) error {
		var err error
		if from.snapshot, err = mq.Snapshot(ctx); err != nil {
			return err
		}
		last, err := mq.NewestEvent(ctx)
		if err != nil {
			return err
		}
		if len(last) > 0 {
			at := last[0].ReceivedAt.UTC()
			newest = search.Cursor{Table: db.MonthOf(at).Table(), ReceivedAt: at, ID: last[0].ID}
		}
		if n <= 0 {
			return nil
		}
		q.Limit, q.Order, q.After = n, search.NewestFirst, search.Cursor{}
		_, err = walk(ctx, mq, compile(q), func(e search.Event) error { events = append(events, e); return nil })
		return err
	})
	if err != nil {
		return FollowFrom{}, search.Cursor{}, err
	}
	slices.Reverse(events)
	for _, e := range events {
		if err := each(e); err != nil {
			return FollowFrom{}, search.Cursor{}, err
		}
	}
	return from, newest, nil
}

// Follow calls each for every event that matches q with an ID above the
// cursor's (every event for the zero Cursor), in ID order, then goes on as
// FollowSnapshot from the snapshot it read them in, until ctx ends (it then
// returns nil). The cursor is the newest event's of Tail, or the last event
// a live tail passed before it was cut: IDs are taken at insert, so an
// event of a transaction that took its ID before the cursor's event and
// committed after Tail (or the cut tail) read is not passed. One serve
// writes one batch at a time, and that cannot happen; with several
// collectors it can, at that moment only. q.Until, q.Limit, q.Order and
// q.After are ignored.
func (r *Reader) Follow(ctx context.Context, q search.Query, after search.Cursor, interval time.Duration, each func(search.Event) error) error {
	from, err := r.afterID(ctx, compile(q), after.ID, each)
	if ctx.Err() != nil {
		return nil
	}
	if err != nil {
		return err
	}
	return r.FollowSnapshot(ctx, q, from, interval, each)
}

// pass calls each for e when e matches q and is not before q.Since (the
// statements read from receivedSince, which is wider by event time).
func (q *request) pass(e search.Event, each func(search.Event) error) error {
	if rec := e.Record(); !q.match(&rec) || e.At(q.Time).Before(q.Since) {
		return nil
	}
	return each(e)
}

// afterID passes the matches with an ID above id, in ID order, and
// returns the snapshot it read them in.
func (r *Reader) afterID(ctx context.Context, q *request, id int64, each func(search.Event) error) (FollowFrom, error) {
	var next FollowFrom
	err := r.readTx(ctx, func(mq *pgsqlc.Queries) error {
		var err error
		if next.snapshot, err = mq.Snapshot(ctx); err != nil {
			return err
		}
		p := pgsqlc.EventsAfterIDParams{KeyID: id, Since: q.receivedSince(), Words: q.words,
			Severities: q.severities, Facilities: q.facilities, Hosts: q.hosts, Tags: q.tags, Lim: pageSize}
		for {
			rows, err := mq.EventsAfterID(ctx, p)
			if err != nil {
				return err
			}
			for i := range rows {
				if err := q.pass(eventOf((*pgsqlc.SearchDescRow)(&rows[i])), each); err != nil {
					return err
				}
			}
			if len(rows) < pageSize {
				return nil
			}
			p.KeyID = rows[len(rows)-1].ID
		}
	})
	return next, err
}

// FollowSnapshot calls each for every event that matches q and that the
// snapshot of from did not see, then for those stored after, polling
// every interval until ctx ends (it then returns nil). Each poll passes
// what became visible since the last, oldest first. q.Until, q.Limit,
// q.Order and q.After are ignored.
func (r *Reader) FollowSnapshot(ctx context.Context, q search.Query, from FollowFrom, interval time.Duration, each func(search.Event) error) error {
	req := compile(q)
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		next, err := r.poll(ctx, req, from, each)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			return err
		}
		from = next
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

// poll passes the matches that from did not see and the database now
// shows, and returns the snapshot it read them in.
func (r *Reader) poll(ctx context.Context, q *request, from FollowFrom, each func(search.Event) error) (FollowFrom, error) {
	var next FollowFrom
	err := r.readTx(ctx, func(mq *pgsqlc.Queries) error {
		var err error
		if next.snapshot, err = mq.Snapshot(ctx); err != nil {
			return err
		}
		p := pgsqlc.FollowEventsParams{SeenBy: from.snapshot, KeyAt: q.receivedSince(), KeyID: -1, Since: q.receivedSince(),
			Words: q.words, Severities: q.severities, Facilities: q.facilities, Hosts: q.hosts, Tags: q.tags, Lim: pageSize}
		for {
			rows, err := mq.FollowEvents(ctx, p)
			if err != nil {
				return err
			}
			for i := range rows {
				if err := q.pass(eventOf((*pgsqlc.SearchDescRow)(&rows[i])), each); err != nil {
					return err
				}
			}
			if len(rows) < pageSize {
				return nil
			}
			p.KeyAt, p.KeyID = rows[len(rows)-1].ReceivedAt, rows[len(rows)-1].ID
		}
	})
	return next, err
}
