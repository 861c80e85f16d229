package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aiosyslogd/aiosyslogd/db/postgres/internal/pgsqlc"
	"github.com/aiosyslogd/aiosyslogd/db/search/alert"
)

// AlertStates keeps each alert rule's firing in the table AlertStates: it
// implements alert.StateStore, so that a restart, or another collector
// taking over the evaluation, neither notifies a firing rule again nor
// forgets to resolve it.
type AlertStates struct{ pool *pgxpool.Pool }

// AlertStates is the rules' state in r's database. Only the primary can
// save it; a standby can load it.
func (r *Reader) AlertStates() *AlertStates { return &AlertStates{pool: r.pool} }

// LoadState reads every rule's saved state, by rule name.
func (s *AlertStates) LoadState(ctx context.Context) (map[string]alert.SavedRule, error) {
	rows, err := pgsqlc.New(s.pool).AlertStates(ctx)
	if err != nil {
		return nil, fmt.Errorf("read alert state: %w", err)
	}
	m := make(map[string]alert.SavedRule, len(rows))
	for _, r := range rows {
		saved := alert.SavedRule{Key: string(r.Key), Firing: r.Firing, Since: timeOf(r.Since), Notified: timeOf(r.Notified)}
		if err := json.Unmarshal(r.Deliveries, &saved.Deliveries); err != nil {
			return nil, fmt.Errorf("read alert state of %q: deliveries: %w", r.Rule, err)
		}
		if len(saved.Deliveries) == 0 {
			saved.Deliveries = nil // as the state file has it
		}
		m[r.Rule] = saved
	}
	return m, nil
}

// SaveState replaces the saved state with rules, in one transaction: the
// rules not in it are forgotten.
func (s *AlertStates) SaveState(ctx context.Context, rules map[string]alert.SavedRule) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		q := pgsqlc.New(tx)
		names := make([]string, 0, len(rules))
		for name, r := range rules {
			names = append(names, name)
			ds, err := json.Marshal(r.Deliveries)
			if err != nil {
				return fmt.Errorf("deliveries of %q: %w", name, err)
			}
			if r.Deliveries == nil {
				ds = []byte("[]")
			}
			p := pgsqlc.SaveAlertStateParams{Rule: name, Key: []byte(r.Key), Firing: r.Firing,
				Since: timestamptz(r.Since), Notified: timestamptz(r.Notified), Deliveries: ds}
			if err := q.SaveAlertState(ctx, p); err != nil {
				return fmt.Errorf("rule %q: %w", name, err)
			}
		}
		return q.ForgetAlertStates(ctx, names)
	})
	if err != nil {
		return fmt.Errorf("save alert state: %w", err)
	}
	return nil
}

// timestamptz is t, NULL when zero.
func timestamptz(t time.Time) pgtype.Timestamptz {
	return pgtype.Timestamptz{Time: t, Valid: !t.IsZero()}
}

// timeOf is t's time, zero when NULL.
func timeOf(t pgtype.Timestamptz) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time
}
