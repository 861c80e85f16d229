package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/aiosyslogd/aiosyslogd/db"
	"github.com/aiosyslogd/aiosyslogd/db/sqlite/internal/dbsqlc"
	sqlsrc "github.com/aiosyslogd/aiosyslogd/sql"
)

// replaceTemplate replaces the template's name where it starts an identifier
// (SystemEvents, SystemEvents_FTS, SystemEvents_FTS_Insert, 'SystemEvents' in
// the FTS options) but not inside another word or an existing month name. It
// reports how many names it replaced.
func replaceTemplate(query, table string) (string, int) {
	var b strings.Builder
	n, last := 0, 0
	for i := 0; ; {
		j := strings.Index(query[i:], db.TemplateTable)
		if j < 0 {
			break
		}
		start, end := i+j, i+j+len(db.TemplateTable)
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
var rewriteCache sync.Map // rewriteKey → statement

type rewriteKey struct {
	query string
	month db.Month
}

// everyColumn is the template of a MATCH on every column of an FTS5 table
// (sql/search.sql): sqlc knows no MATCH on the table's hidden column, so
// the statements say SystemEvents_FTS.Message with this mark after it, and
// rewrite removes both, leaving SystemEventsYYYYMM_FTS MATCH.
const everyColumn = ".Message /* TEMPLATE: every column */"

// filtersBlock is the template block of the statements that take the
// optional field filters (sql/search.sql): rewrite replaces it with
// sql/filters.sql, and monthDBTX binds that fragment's parameters to the
// filters of the statement's context (withFilters).
const filtersBlock = "/* TEMPLATE_BEGIN: filters */ 1 /* TEMPLATE_END */"

// filtersSQL is sql/filters.sql without its comment lines, in parentheses,
// and the names of its parameters in order of first use.
var filtersSQL, filterNames = func() (string, []string) {
	var lines []string
	for line := range strings.Lines(sqlsrc.Filters) {
		if t := strings.TrimSpace(line); t != "" && !strings.HasPrefix(t, "--") {
			lines = append(lines, "    "+strings.TrimRight(line, "\n"))
		}
	}
	var names []string
	for _, m := range namedParam.FindAllString(strings.Join(lines, "\n"), -1) {
		if !slices.Contains(names, m[1:]) {
			names = append(names, m[1:])
		}
	}
	return "(\n" + strings.Join(lines, "\n") + "\n  )", names
}()

var (
	namedParam    = regexp.MustCompile(`:[A-Za-z_][A-Za-z0-9_]*`)
	numberedParam = regexp.MustCompile(`\?([0-9]*)`)
)

// statement is a generated statement rewritten for a month table.
type statement struct {
	sql string
	// filters is how many parameters the generated statement has when it
	// has the filters block, whose parameters come after them; -1 when it
	// has no block.
	filters int
}

// rewrite returns query with the template table's names replaced by month's,
// and the everyColumn and filters templates applied (see rewriteStatement).
func rewrite(query string, month db.Month) (string, error) {
	s, err := rewriteStatement(query, month)
	return s.sql, err
}

// rewriteStatement returns query with the template table's names replaced
// by month's, and the everyColumn and filters templates applied. It fails
// when the query does not name the template table at all (running such a
// query against "a month" would silently read or write something else) and
// when a template is left over.
//
// The filters block becomes sql/filters.sql with its named parameters
// numbered after the statement's own (?N+1 for the first of N): SQLite
// numbers a named parameter after the largest number it has read so far,
// so :host before a statement's LIMIT ?12 would be ?5 and ?12 at once.
func rewriteStatement(query string, month db.Month) (statement, error) {
	key := rewriteKey{query, month}
	if s, ok := rewriteCache.Load(key); ok {
		return s.(statement), nil
	}
	out, n := replaceTemplate(query, month.Table())
	if n == 0 {
		return statement{}, fmt.Errorf("query does not name the template table %s: %.60q", db.TemplateTable, query)
	}
	out = strings.ReplaceAll(out, everyColumn, "")
	s := statement{filters: -1}
	if strings.Count(out, filtersBlock) > 1 {
		return statement{}, fmt.Errorf("query has the filters block more than once: %.60q", query)
	}
	if before, after, ok := strings.Cut(out, filtersBlock); ok {
		params := 0
		for _, m := range numberedParam.FindAllStringSubmatch(out, -1) {
			k, err := strconv.Atoi(m[1])
			if err != nil {
				return statement{}, fmt.Errorf("query with the filters block has an unnumbered parameter: %.60q", query)
			}
			params = max(params, k)
		}
		frag := namedParam.ReplaceAllStringFunc(filtersSQL, func(name string) string {
			return "?" + strconv.Itoa(params+1+slices.Index(filterNames, name[1:]))
		})
		out, s.filters = before+frag+after, params
	}
	if strings.Contains(out, "TEMPLATE:") || strings.Contains(out, "TEMPLATE_") {
		return statement{}, fmt.Errorf("query has a template rewrite does not know: %.60q", query)
	}
	s.sql = out
	rewriteCache.Store(key, s)
	return s, nil
}

// filtersKey is the context key of the filters of a statement.
type filtersKey struct{}

// withFilters returns ctx carrying f, for the one statement with the
// filters block run with it: monthDBTX binds the block's parameters to f.
// A statement without the block refuses a context with filters.
func withFilters(ctx context.Context, f filters) context.Context {
	return context.WithValue(ctx, filtersKey{}, f)
}

// bind returns the arguments of s: the generated statement's args, then,
// when s has the filters block, the values of f (nil: the context has no
// filters) for its parameters.
func (s statement) bind(args []any, f *filters) ([]any, error) {
	switch {
	case s.filters < 0 && f == nil:
		return args, nil
	case s.filters < 0:
		return nil, fmt.Errorf("filters given to a statement without the filters block: %.60q", s.sql)
	case f == nil:
		return nil, fmt.Errorf("statement with the filters block run without filters: %.60q", s.sql)
	case len(args) != s.filters:
		return nil, fmt.Errorf("statement with the filters block has %d arguments, want %d: %.60q", len(args), s.filters, s.sql)
	}
	named := f.params()
	out := append(slices.Clip(args), make([]any, len(filterNames))...)
	for _, a := range named {
		i := slices.Index(filterNames, a.Name)
		if i < 0 {
			return nil, fmt.Errorf("filter %s is not a parameter of sql/filters.sql", a.Name)
		}
		out[s.filters+i] = a.Value
	}
	if len(named) != len(filterNames) {
		return nil, fmt.Errorf("sql/filters.sql has %d parameters, the filters %d", len(filterNames), len(named))
	}
	return out, nil
}

// DBTX is what the store's statements run on: a *sql.DB, *sql.Conn or
// *sql.Tx.
type DBTX interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
	PrepareContext(context.Context, string) (*sql.Stmt, error)
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
	QueryRowContext(context.Context, string, ...any) *sql.Row
}

// monthDBTX is a DBTX that runs the generated statements, written against the
// template table, on one month's tables.
type monthDBTX struct {
	db    DBTX
	month db.Month
}

// prepare returns the statement SQLite runs for query and its arguments.
func (m monthDBTX) prepare(ctx context.Context, query string, args []any) (string, []any, error) {
	s, err := rewriteStatement(query, m.month)
	if err != nil {
		return "", nil, err
	}
	var fp *filters
	if f, ok := ctx.Value(filtersKey{}).(filters); ok {
		fp = &f
	}
	args, err = s.bind(args, fp)
	return s.sql, args, err
}

func (m monthDBTX) ExecContext(ctx context.Context, query string, args ...interface{}) (sql.Result, error) {
	q, args, err := m.prepare(ctx, query, args)
	if err != nil {
		return nil, err
	}
	return m.db.ExecContext(ctx, q, args...)
}

// PrepareContext refuses a statement with the filters block: a prepared
// statement's arguments are given later, without the context's filters.
func (m monthDBTX) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	s, err := rewriteStatement(query, m.month)
	if err != nil {
		return nil, err
	}
	if s.filters >= 0 {
		return nil, fmt.Errorf("cannot prepare a statement with the filters block: %.60q", query)
	}
	return m.db.PrepareContext(ctx, s.sql)
}

func (m monthDBTX) QueryContext(ctx context.Context, query string, args ...interface{}) (*sql.Rows, error) {
	q, args, err := m.prepare(ctx, query, args)
	if err != nil {
		return nil, err
	}
	return m.db.QueryContext(ctx, q, args...)
}

// QueryRowContext cannot return an error of its own; a query that does not
// name the template, or whose filters do not fit its filters block, is run
// as an invalid statement, so the error surfaces at Scan.
func (m monthDBTX) QueryRowContext(ctx context.Context, query string, args ...interface{}) *sql.Row {
	q, args, err := m.prepare(ctx, query, args)
	if err != nil {
		q, args = "SELECT RAISE(ABORT, 'aiosyslogd: query does not name the template table or does not fit its filters')", nil
	}
	return m.db.QueryRowContext(ctx, q, args...)
}

// forMonth returns the generated queries bound to month's tables.
func forMonth(dbtx DBTX, month db.Month) *dbsqlc.Queries {
	return dbsqlc.New(monthDBTX{db: dbtx, month: month})
}

// Months returns the months that have a table in the database, newest
// first.
func Months(ctx context.Context, dbtx DBTX) ([]db.Month, error) {
	names, err := dbsqlc.New(dbtx).ListMonthTables(ctx)
	if err != nil {
		return nil, fmt.Errorf("list month tables: %w", err)
	}
	months := make([]db.Month, 0, len(names))
	for _, name := range names {
		if m, err := db.ParseMonthTable(name); err == nil {
			months = append(months, m)
		}
	}
	return months, nil
}

// CreateMonth makes month's table, index, FTS5 table and triggers from the
// template schema, if they do not exist yet.
func CreateMonth(ctx context.Context, dbtx DBTX, month db.Month) error {
	q, err := rewrite(sqlsrc.Schema, month)
	if err != nil {
		return err
	}
	if _, err := dbtx.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("create month table %s: %w", month.Table(), err)
	}
	return nil
}

// CountEvents returns how many events month's table holds.
func CountEvents(ctx context.Context, dbtx DBTX, month db.Month) (int64, error) {
	return forMonth(dbtx, month).CountEvents(ctx)
}

// CountMatches returns how many events of month's table have a Message that
// matches, a full-text query in FTS5's syntax (not the query language of
// db/search/query).
func CountMatches(ctx context.Context, dbtx DBTX, month db.Month, match string) (int64, error) {
	return forMonth(dbtx, month).CountMatches(ctx, match)
}
