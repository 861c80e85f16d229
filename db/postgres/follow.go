package postgres

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/aiosyslogd/aiosyslogd/db/postgres/internal/pgsqlc"
	"github.com/aiosyslogd/aiosyslogd/db/search"
)

// FollowFrom is where Follow goes on: the snapshot of the database the
// reader last read in. Every event whose transaction it did not see is
// new, whatever its ID: with several writers, a transaction that took its
// IDs first may commit last.
type FollowFrom struct{ snapshot string }

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

// Tail calls each for the newest n events that match q (none when n <=
// 0), oldest first, and returns the snapshot it read them in: Follow from
// it misses nothing and repeats nothing. q.Limit, q.Order and q.After are
// ignored.
func (r *Reader) Tail(ctx context.Context, q search.Query, n int, each func(search.Event) error) (FollowFrom, error) {
	var from FollowFrom
	var events []search.Event
	err := r.readTx(ctx, func(mq *pgsqlc.Queries) error {
		var err error
		if from.snapshot, err = mq.Snapshot(ctx); err != nil || n <= 0 {
			return err
		}
		q.Limit, q.Order, q.After = n, search.NewestFirst, search.Cursor{}
		_, err = walk(ctx, mq, compile(q), func(e search.Event) error { events = append(events, e); return nil })
		return err
	})
	if err != nil {
		return FollowFrom{}, err
	}
	slices.Reverse(events)
	for _, e := range events {
		if err := each(e); err != nil {
			return FollowFrom{}, err
		}
	}
	return from, nil
}

// Follow calls each for every event that matches q and that the snapshot
// of from did not see, then for those stored after, polling every
// interval until ctx ends (it then returns nil). Each poll passes what
// became visible since the last, oldest first. q.Until, q.Limit, q.Order
// and q.After are ignored.
func (r *Reader) Follow(ctx context.Context, q search.Query, from FollowFrom, interval time.Duration, each func(search.Event) error) error {
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
		p := pgsqlc.FollowEventsParams{SeenBy: from.snapshot, KeyAt: q.Since, KeyID: -1, Since: q.Since,
			Words: q.words, Severities: q.severities, Facilities: q.facilities, Hosts: q.hosts, Tags: q.tags, Lim: pageSize}
		for {
			rows, err := mq.FollowEvents(ctx, p)
			if err != nil {
				return err
			}
			for i := range rows {
				e := eventOf((*pgsqlc.SearchDescRow)(&rows[i]))
				if rec := e.Record(); !q.match(&rec) {
					continue
				}
				if err := each(e); err != nil {
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
