package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aiosyslogd/aiosyslogd/db/postgres/internal/pgsqlc"
)

// Candidate is one collector's bid to evaluate the alert rules: the
// collectors writing one database take turns, one at a time, through a
// session-level advisory lock (key 0x616c657274, "alert" in ASCII; see
// sql/postgres/alerts.sql) held on a connection of its own for as long as
// the collector leads. When that session ends (the collector stops, is
// killed, or loses its connection) PostgreSQL releases the lock and the
// next candidate to ask takes it.
type Candidate struct {
	pool *pgxpool.Pool // at most one connection: the session that leads
	conn *pgxpool.Conn // held while leading; nil otherwise
}

// NewCandidate connects to the database of o (its primary: a standby's
// locks are its own) with one connection for the lock.
func NewCandidate(ctx context.Context, o Options) (*Candidate, error) {
	o.MaxConns = 1
	pool, err := open(ctx, o)
	if err != nil {
		return nil, err
	}
	return &Candidate{pool: pool}, nil
}

// TryLead takes the lock without waiting and reports whether this
// candidate's session holds it. While it leads, TryLead checks that the
// session is alive: an error, or false, says the lead is lost (the session
// ended, and PostgreSQL released the lock).
func (c *Candidate) TryLead(ctx context.Context) (bool, error) {
	if c.conn != nil {
		if err := c.conn.Ping(ctx); err != nil {
			c.drop()
			return false, fmt.Errorf("alert lead lost: %w", err)
		}
		return true, nil
	}
	conn, err := c.pool.Acquire(ctx)
	if err != nil {
		return false, fmt.Errorf("ask for the alert lead: %w", err)
	}
	led, err := pgsqlc.New(conn).TryLeadAlerts(ctx)
	if err != nil || !led {
		conn.Release()
		if err != nil {
			return false, fmt.Errorf("ask for the alert lead: %w", err)
		}
		return false, nil
	}
	c.conn = conn
	return true, nil
}

// drop closes the session that led: its lock, if it still had it, goes
// with it.
func (c *Candidate) drop() {
	if c.conn == nil {
		return
	}
	_ = c.conn.Conn().Close(context.Background())
	c.conn.Release()
	c.conn = nil
}

// Resign releases the lock, when held, so that another candidate may
// lead at once.
func (c *Candidate) Resign(ctx context.Context) {
	if c.conn == nil {
		return
	}
	if _, err := pgsqlc.New(c.conn).UnleadAlerts(ctx); err != nil {
		c.drop() // closing the session releases it
		return
	}
	c.conn.Release()
	c.conn = nil
}

// Close resigns and closes the connection.
func (c *Candidate) Close() error {
	c.drop()
	c.pool.Close()
	return nil
}
