package db

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	sqlsrc "github.com/aiosyslogd/aiosyslogd/sql"
)

// TemplateTable is the name of the template table in sql/schema.sql and in
// every generated query. It is never written to: ForMonth rewrites it to a
// month table's name.
const TemplateTable = "SystemEvents"

// Month is a calendar month in UTC; it names a month table.
type Month struct {
	Year  int
	Month time.Month
}

// MonthOf returns the UTC month of t.
func MonthOf(t time.Time) Month {
	t = t.UTC()
	return Month{Year: t.Year(), Month: t.Month()}
}

// Table returns the month's table name, SystemEventsYYYYMM.
func (m Month) Table() string {
	return TemplateTable + fmt.Sprintf("%04d%02d", m.Year, int(m.Month))
}

// String returns the month as YYYY-MM.
func (m Month) String() string { return fmt.Sprintf("%04d-%02d", m.Year, int(m.Month)) }

// Start returns the first instant of the month (UTC).
func (m Month) Start() time.Time { return time.Date(m.Year, m.Month, 1, 0, 0, 0, 0, time.UTC) }

// Next returns the following month.
func (m Month) Next() Month { return MonthOf(m.Start().AddDate(0, 1, 0)) }

// Prev returns the preceding month.
func (m Month) Prev() Month { return MonthOf(m.Start().AddDate(0, -1, 0)) }

// Before reports whether m is earlier than o.
func (m Month) Before(o Month) bool {
	return m.Year < o.Year || m.Year == o.Year && m.Month < o.Month
}

// ParseMonthTable returns the month of a table named SystemEventsYYYYMM. Only
// names of exactly that form, with a month 01–12, are accepted: table names
// are built from validated months only.
func ParseMonthTable(name string) (Month, error) {
	digits, ok := strings.CutPrefix(name, TemplateTable)
	if !ok || len(digits) != 6 {
		return Month{}, fmt.Errorf("%q is not a month table name (SystemEventsYYYYMM)", name)
	}
	n, err := strconv.Atoi(digits)
	if err != nil || n < 0 {
		return Month{}, fmt.Errorf("%q is not a month table name (SystemEventsYYYYMM)", name)
	}
	m := Month{Year: n / 100, Month: time.Month(n % 100)}
	if m.Month < 1 || m.Month > 12 {
		return Month{}, fmt.Errorf("%q names month %d, not 01-12", name, m.Month)
	}
	return m, nil
}

// replaceTemplate replaces the template's name where it starts an identifier
// (SystemEvents, SystemEvents_FTS, SystemEvents_FTS_Insert, 'SystemEvents' in
// the FTS options) but not inside another word or an existing month name. It
// reports how many names it replaced.
func replaceTemplate(query, table string) (string, int) {
	var b strings.Builder
	n, last := 0, 0
	for i := 0; ; {
		j := strings.Index(query[i:], TemplateTable)
		if j < 0 {
			break
		}
		start, end := i+j, i+j+len(TemplateTable)
		i = end
		if start > 0 && isIdentByte(query[start-1]) {
			continue
		}
		if end < len(query) && isIdentByte(query[end]) && query[end] != '_' {
			continue
		}
		b.WriteString(query[last:start])
		b.WriteString(table)
		last = end
		n++
	}
	b.WriteString(query[last:])
	return b.String(), n
}

func isIdentByte(c byte) bool {
	return c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// rewriteCache remembers rewritten SQL: the same few queries run for every
// batch, and scanning them for the template's name is not free.
var rewriteCache sync.Map // rewriteKey → string

type rewriteKey struct {
	query string
	month Month
}

// everyColumn is the template of a MATCH on every column of an FTS5 table
// (sql/search.sql): sqlc knows no MATCH on the table's hidden column, so
// the statements say SystemEvents_FTS.Message with this mark after it, and
// rewrite removes both, leaving SystemEventsYYYYMM_FTS MATCH.
const everyColumn = ".Message /* TEMPLATE: every column */"

// rewrite returns query with the template table's names replaced by month's,
// and the everyColumn template applied. It fails when the query does not
// name the template table at all (running such a query against "a month"
// would silently read or write something else) and when a template is
// left over.
func rewrite(query string, month Month) (string, error) {
	key := rewriteKey{query, month}
	if s, ok := rewriteCache.Load(key); ok {
		return s.(string), nil
	}
	out, n := replaceTemplate(query, month.Table())
	if n == 0 {
		return "", fmt.Errorf("query does not name the template table %s: %.60q", TemplateTable, query)
	}
	out = strings.ReplaceAll(out, everyColumn, "")
	if strings.Contains(out, "TEMPLATE:") {
		return "", fmt.Errorf("query has a template rewrite does not know: %.60q", query)
	}
	rewriteCache.Store(key, out)
	return out, nil
}

// monthDBTX is a DBTX that runs the generated statements, written against the
// template table, on one month's tables.
type monthDBTX struct {
	db    DBTX
	month Month
}

func (m monthDBTX) ExecContext(ctx context.Context, query string, args ...interface{}) (sql.Result, error) {
	q, err := rewrite(query, m.month)
	if err != nil {
		return nil, err
	}
	return m.db.ExecContext(ctx, q, args...)
}

func (m monthDBTX) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	q, err := rewrite(query, m.month)
	if err != nil {
		return nil, err
	}
	return m.db.PrepareContext(ctx, q)
}

func (m monthDBTX) QueryContext(ctx context.Context, query string, args ...interface{}) (*sql.Rows, error) {
	q, err := rewrite(query, m.month)
	if err != nil {
		return nil, err
	}
	return m.db.QueryContext(ctx, q, args...)
}

// QueryRowContext cannot return an error of its own; a query that does not
// name the template is run as an invalid statement, so the error surfaces at
// Scan.
func (m monthDBTX) QueryRowContext(ctx context.Context, query string, args ...interface{}) *sql.Row {
	q, err := rewrite(query, m.month)
	if err != nil {
		q = "SELECT RAISE(ABORT, 'aiosyslogd: query does not name the template table')"
	}
	return m.db.QueryRowContext(ctx, q, args...)
}

// ForMonth returns the generated queries bound to month's tables.
func ForMonth(db DBTX, month Month) *Queries {
	return New(monthDBTX{db: db, month: month})
}

// Months returns the months that have a table in the database, newest
// first.
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

// CreateMonth makes month's table, index, FTS5 table and triggers from the
// template schema, if they do not exist yet.
func CreateMonth(ctx context.Context, db DBTX, month Month) error {
	q, err := rewrite(sqlsrc.Schema, month)
	if err != nil {
		return err
	}
	if _, err := db.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("create month table %s: %w", month.Table(), err)
	}
	return nil
}
