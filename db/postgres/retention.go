package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/aiosyslogd/aiosyslogd/db"
	"github.com/aiosyslogd/aiosyslogd/db/postgres/internal/pgsqlc"
)

// partitionPrefix starts every month partition's name: systemevents202612.
const partitionPrefix = "systemevents"

// partitionOf is the name of month m's partition.
func partitionOf(m db.Month) string {
	return fmt.Sprintf("%s%04d%02d", partitionPrefix, m.Year, int(m.Month))
}

// monthOfPartition reads a partition's name; false for another table.
func monthOfPartition(name string) (db.Month, bool) {
	digits, ok := strings.CutPrefix(name, partitionPrefix)
	if !ok || len(digits) != 6 {
		return db.Month{}, false
	}
	n, err := strconv.Atoi(digits)
	if err != nil || n%100 < 1 || n%100 > 12 {
		return db.Month{}, false
	}
	return db.Month{Year: n / 100, Month: time.Month(n % 100)}, true
}

// monthTemplate is where the statements of sql/postgres/retention.sql
// name a month's partition: a table name cannot be a bound parameter.
const monthTemplate = "/* TEMPLATE: month */ SystemEvents_Month"

// monthDBTX runs the generated statements with their month template
// replaced by one partition's name, made from a db.Month (digits only),
// never from input. A statement without the template is an error.
type monthDBTX struct {
	pgsqlc.DBTX
	m db.Month
}

func (d monthDBTX) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	if !strings.Contains(sql, monthTemplate) {
		return pgconn.CommandTag{}, errors.New("statement without the month template: " + strings.SplitN(sql, "\n", 2)[0])
	}
	return d.DBTX.Exec(ctx, strings.ReplaceAll(sql, monthTemplate, partitionOf(d.m)), args...)
}

// retention is the Store's retention_months; 0 keeps every month.
type retention struct{ months atomic.Int64 }

// SetRetentionMonths keeps only the newest n months when n is above 0:
// Prune detaches and drops the older partitions. Safe to call while
// another goroutine writes.
func (s *Store) SetRetentionMonths(n int) { s.retention.months.Store(int64(n)) }

// RetentionMonths returns what SetRetentionMonths set.
func (s *Store) RetentionMonths() int { return int(s.retention.months.Load()) }

// Prune finishes the detaches an interrupted Prune began, then detaches
// (CONCURRENTLY: the other partitions' writers and readers go on) and
// drops the partitions older than the newest RetentionMonths months,
// counting back from current: the partitions made ahead, empty, do not
// count. It returns the months dropped, oldest first.
func (s *Store) Prune(ctx context.Context, current db.Month) ([]db.Month, error) {
	parts, err := pgsqlc.New(s.pool).Partitions(ctx)
	if err != nil {
		return nil, fmt.Errorf("list partitions: %w", err)
	}
	n := s.RetentionMonths()
	oldestKept := current
	for range n - 1 {
		oldestKept = oldestKept.Prev()
	}
	var dropped []db.Month
	for _, p := range parts {
		m, ok := monthOfPartition(p.Name)
		switch {
		case !ok:
		case p.DetachPending:
			if err := s.finishDrop(ctx, m); err != nil {
				return dropped, err
			}
			dropped = append(dropped, m)
		case n > 0 && m.Before(oldestKept):
			if err := s.dropMonth(ctx, m); err != nil {
				return dropped, err
			}
			dropped = append(dropped, m)
			s.logger().Info("dropped month past retention", "table", partitionOf(m), "retention_months", n)
		}
	}
	slices.SortFunc(dropped, compareMonths)
	return dropped, nil
}

// dropMonth detaches month m's partition concurrently, then drops it. Each
// statement runs alone, outside a transaction block, as CONCURRENTLY
// needs; a crash between them leaves a pending detach, which the next
// Prune finishes.
func (s *Store) dropMonth(ctx context.Context, m db.Month) error {
	q := pgsqlc.New(monthDBTX{s.pool, m})
	if err := q.DetachMonth(ctx); err != nil {
		return fmt.Errorf("detach %s: %w", partitionOf(m), err)
	}
	if err := q.DropMonth(ctx); err != nil {
		return fmt.Errorf("drop %s: %w", partitionOf(m), err)
	}
	delete(s.known, m)
	return nil
}

// finishDrop finishes the interrupted detach of month m's partition and
// drops it.
func (s *Store) finishDrop(ctx context.Context, m db.Month) error {
	q := pgsqlc.New(monthDBTX{s.pool, m})
	// The interrupted detach may have ended since the list was read:
	// the table is then no partition (42P01), and is dropped as it is.
	var pe *pgconn.PgError
	if err := q.FinishDetachMonth(ctx); err != nil && !(errors.As(err, &pe) && pe.Code == "42P01") {
		return fmt.Errorf("finish detaching %s: %w", partitionOf(m), err)
	}
	if err := q.DropMonth(ctx); err != nil {
		return fmt.Errorf("drop %s: %w", partitionOf(m), err)
	}
	delete(s.known, m)
	s.logger().Info("finished an interrupted detach and dropped the month", "table", partitionOf(m))
	return nil
}

var _ pgsqlc.DBTX = monthDBTX{}
