package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db"
	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/db/sqlite/internal/dbsqlc"
	"github.com/aiosyslogd/aiosyslogd/syslog"
)

// Reader searches a database that a Store writes, read-only. It answers
// the queries of package search.
type Reader struct {
	db   *sql.DB
	path string
}

// OpenReader opens the database at path for searching. It never creates
// one: a missing file (ErrNoDatabase), an empty file or a file that is not
// an SQLite database is an error that says so. Reading a WAL database never
// blocks its writer, and the writer never makes a reader fail: the busy
// timeout covers the short moments SQLite needs exclusive access to the WAL
// index.
func OpenReader(ctx context.Context, path string) (*Reader, error) {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil, fmt.Errorf("database %s does not exist: %w", path, db.ErrNoDatabase)
	case err != nil:
		return nil, fmt.Errorf("database %s: %w", path, err)
	case fi.IsDir():
		return nil, fmt.Errorf("database %s is a directory, not an SQLite database", path)
	case fi.Size() == 0:
		return nil, fmt.Errorf("database %s is empty: nothing has been stored in it yet", path)
	}
	// One connection: a search runs one statement at a time.
	db, err := openSQLite(path, readerDSN(path))
	if err != nil {
		return nil, err
	}
	if err := checkMonths(ctx, db); err != nil {
		db.Close()
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return &Reader{db: db, path: path}, nil
}

// checkMonths checks that every month table has the current schema's
// columns: a Reader does not write, and a table made by an older version
// is upgraded when serve opens the database.
func checkMonths(ctx context.Context, dbtx DBTX) error {
	months, err := Months(ctx, dbtx)
	if err != nil {
		return err
	}
	for _, m := range months {
		n, err := forMonth(dbtx, m).HasFromHostIP(ctx)
		if err != nil {
			return fmt.Errorf("columns of %s: %w", m.Table(), err)
		}
		if n == 0 {
			return fmt.Errorf("table %s was made by an older aiosyslogd (no FromHostIP column); run `aiosyslogd serve` on the database once to upgrade it", m.Table())
		}
	}
	return nil
}

// readerDSN opens path read-only (mode=ro: SQLite never creates or writes
// the database) with a busy timeout and a 32 MiB page cache per connection
// (the histogram and facets of a day read some 100,000 rows; SQLite's
// default 2 MiB sends most of them back to the file system each time). The path is escaped: SQLite reads the
// part after "file:" as a URI.
func readerDSN(path string) string {
	u := url.URL{Path: path}
	return "file:" + u.EscapedPath() + "?mode=ro&_pragma=busy_timeout(5000)&_pragma=cache_size(-32768)"
}

// DB returns the underlying database handle.
func (r *Reader) DB() *sql.DB { return r.db }

// Close closes the database.
func (r *Reader) Close() error {
	if err := r.db.Close(); err != nil {
		return fmt.Errorf("close %s: %w", r.path, err)
	}
	return nil
}

// formatTime is t as stored: UTC, in TimeLayout.
func formatTime(t time.Time) string { return t.UTC().Format(TimeLayout) }

// ParseTime reads a ReceivedAt or DeviceReportedTime value (TimeLayout, UTC;
// the fraction may be shorter or missing, as other writers store it).
func ParseTime(s string) (time.Time, error) {
	t, err := time.ParseInLocation("2006-01-02 15:04:05.999999999", s, time.UTC)
	if err != nil {
		return time.Time{}, fmt.Errorf("stored time %q: %w", s, err)
	}
	return t, nil
}

// eventOf turns a row of month m's table into a search.Event. A stored
// time that does not parse (another writer's) is left zero.
func eventOf(m db.Month, r *dbsqlc.SystemEvent) search.Event {
	e := search.Event{
		Table: m.Table(), ID: r.ID,
		Facility: syslog.Facility(r.Facility), Severity: syslog.Severity(r.Priority),
		FromHost: r.FromHost, InfoUnitID: r.InfoUnitID,
		SysLogTag: r.SysLogTag, ProcessID: r.ProcessID, MsgID: r.MsgID,
		StructuredData: r.StructuredData.String, Message: r.Message, RawMessage: r.RawMessage,
		FromHostIP: r.FromHostIP.String,
	}
	e.ReceivedAt, _ = ParseTime(r.ReceivedAt)
	if r.DeviceReportedTime.Valid {
		e.DeviceReportedTime, _ = ParseTime(r.DeviceReportedTime.String)
	}
	return e
}

var (
	_ db.Writer      = (*Store)(nil)
	_ db.SpoolWriter = (*Store)(nil)
	_ db.Searcher    = (*Reader)(nil)
	_ db.Browser     = (*Reader)(nil)
)
