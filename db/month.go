package db

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db/search"
)

// TemplateTable is the name every store gives its events: the SQLite
// store's template table (sql/schema.sql), whose name its generated queries
// carry and rewrite to a month's, and the PostgreSQL store's parent table.
// A month's table or partition is TemplateTable followed by YYYYMM.
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

// ParseMonthTable returns the month of a table named SystemEventsYYYYMM.
// Only names of exactly that form, with a month 01–12, are accepted: table
// names are built from validated months only.
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

// CheckCursor returns why c, read from a front end's input, cannot point
// into a store, whose searches and Follow would refuse it; nil when it can,
// and for the zero Cursor. Every store names a cursor's table as a month's
// (Month.Table). A front end checks with it before it answers, so that a
// bad cursor is the request's error, not the stream's.
func CheckCursor(c search.Cursor) error {
	if c.IsZero() {
		return nil
	}
	_, err := ParseMonthTable(c.Table)
	return err
}
