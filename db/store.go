package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strings"
	"unicode/utf8"

	sqlsrc "github.com/aiosyslogd/aiosyslogd/sql"
	"github.com/aiosyslogd/aiosyslogd/syslog"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// TimeLayout is how ReceivedAt and DeviceReportedTime are stored: UTC, fixed
// width, so that text order is time order and SQLite's date functions read it.
const TimeLayout = "2006-01-02 15:04:05.000000"

// sqliteHeader starts every SQLite database file.
const sqliteHeader = "SQLite format 3\x00"

// Store writes batches of records into the month tables of one SQLite
// database. It implements syslog.Store. A Store is used by one goroutine at a
// time.
type Store struct {
	db   *sql.DB
	path string
	// SQLDump, when set, receives each batch's SQL and its parameters.
	SQLDump io.Writer
	// RetentionMonths, when above 0, keeps only the newest that many month
	// tables: older ones are dropped by Prune, and by Write whenever a new
	// month begins.
	RetentionMonths int
	// Logger reports what Write does besides writing (pruning); nil =
	// slog.Default().
	Logger *slog.Logger

	known     map[Month]bool // month tables known to exist
	months    []Month        // the months of the batch being written
	stageStmt *sql.Stmt      // StageEvent, prepared once
}

// Open opens (creating if needed) the database at path for writing, in WAL
// mode. A file that exists but is not an SQLite database is an error and is
// left untouched.
func Open(ctx context.Context, path string) (*Store, error) {
	if err := checkSQLiteFile(path); err != nil {
		return nil, err
	}
	db, err := sql.Open("sqlite", writerDSN(path))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	// One connection: SQLite has one writer anyway, and the pragmas above
	// then hold for every statement.
	db.SetMaxOpenConns(1)
	db.SetConnMaxIdleTime(0)
	s := &Store{db: db, path: path, known: map[Month]bool{}}
	if err := s.prepare(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return s, nil
}

// writerDSN sets the pragmas on every connection: WAL so that readers
// (search) never block the writer, synchronous=NORMAL (durable at each WAL
// checkpoint, safe against corruption), a busy timeout for a competing
// writer, and BEGIN IMMEDIATE so a transaction takes the write lock up front.
func writerDSN(path string) string {
	return "file:" + path +
		"?_pragma=busy_timeout(10000)" +
		"&_pragma=journal_mode(WAL)" +
		"&_pragma=synchronous(NORMAL)" +
		"&_pragma=cache_size(-32768)" + // 32 MiB: FTS5 merges reread recent pages
		"&_pragma=temp_store(MEMORY)" + // the staging table never touches a file
		// Takes effect only in a new database: lets Prune give the pages of
		// dropped months back to the file system.
		"&_pragma=auto_vacuum(INCREMENTAL)" +
		"&_txlock=immediate"
}

// checkSQLiteFile refuses a non-empty file that is not an SQLite database, so
// that a wrong path never gets overwritten.
func checkSQLiteFile(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	head := make([]byte, len(sqliteHeader))
	n, err := io.ReadFull(f, head)
	if n == 0 && (err == io.EOF) {
		return nil // empty file: SQLite makes a database of it
	}
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("read %s: %w", path, err)
	}
	if string(head[:n]) != sqliteHeader {
		return fmt.Errorf("%s is not an SQLite database (it does not start with %q); refusing to touch it", path, sqliteHeader[:15])
	}
	return nil
}

// prepare learns which month tables exist, makes the staging table and
// prepares the statement run for every row.
func (s *Store) prepare(ctx context.Context) error {
	names, err := New(s.db).ListMonthTables(ctx)
	if err != nil {
		return fmt.Errorf("list month tables: %w", err)
	}
	for _, name := range names {
		if m, err := ParseMonthTable(name); err == nil {
			s.known[m] = true
		}
	}
	if _, err := s.db.ExecContext(ctx, sqlsrc.Staging); err != nil {
		return fmt.Errorf("create staging table: %w", err)
	}
	if s.stageStmt, err = s.db.PrepareContext(ctx, stageEvent); err != nil {
		return fmt.Errorf("prepare: %w", err)
	}
	return nil
}

// DB returns the underlying database handle.
func (s *Store) DB() *sql.DB { return s.db }

// Close closes the database.
func (s *Store) Close() error {
	s.stageStmt.Close()
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close %s: %w", s.path, err)
	}
	return nil
}

// Write stores batch in one transaction: each record in the table of the UTC
// month it was received in. Per month, the rows are staged one by one in a
// TEMP table and moved into the month table by one INSERT … SELECT, so that
// FTS5 flushes its index once per batch, not once per row.
func (s *Store) Write(ctx context.Context, batch []syslog.Record) (err error) {
	if len(batch) == 0 {
		return nil
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction on %s: %w", s.path, err)
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	// The staging table is per connection: make sure this one has it.
	if _, err := tx.ExecContext(ctx, sqlsrc.Staging); err != nil {
		return fmt.Errorf("create staging table: %w", err)
	}
	stage := New(preparedDBTX{DBTX: tx, stmts: map[string]*sql.Stmt{stageEvent: tx.StmtContext(ctx, s.stageStmt)}})
	s.months = s.months[:0]
	for i := range batch {
		if m := MonthOf(batch[i].ReceivedAt); !slices.Contains(s.months, m) {
			s.months = append(s.months, m)
		}
	}
	var created []Month
	for _, m := range s.months {
		if !s.known[m] {
			if err := CreateMonth(ctx, tx, m); err != nil {
				return err
			}
			created = append(created, m)
		}
		if err := s.insertMonth(ctx, tx, stage, m, batch); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit batch of %d to %s: %w", len(batch), s.path, err)
	}
	for _, m := range created {
		s.known[m] = true
	}
	if len(created) > 0 && s.RetentionMonths > 0 {
		// A new month began: the batch is stored, so a failure here is only
		// logged, and pruning is tried again at the next new month.
		if _, err := s.Prune(ctx, slices.MaxFunc(created, compareMonths)); err != nil {
			s.logger().Error("prune old months", "error", err)
		}
	}
	return nil
}

func compareMonths(a, b Month) int {
	if a.Before(b) {
		return -1
	}
	if b.Before(a) {
		return 1
	}
	return 0
}

func (s *Store) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

// incrementalVacuum returns free pages to the file system. It is a pragma,
// which sqlc does not compile, so it lives here.
const incrementalVacuum = "PRAGMA incremental_vacuum"

// Prune drops the month tables (with their FTS5 tables, index and triggers)
// older than the newest RetentionMonths months, counting back from the
// newest of current and the existing tables, and gives their space back to
// the file system. It returns the months dropped.
func (s *Store) Prune(ctx context.Context, current Month) ([]Month, error) {
	if s.RetentionMonths <= 0 {
		return nil, nil
	}
	newest := current
	for m := range s.known {
		if newest.Before(m) {
			newest = m
		}
	}
	oldestKept := newest
	for range s.RetentionMonths - 1 {
		oldestKept = oldestKept.Prev()
	}
	var dropped []Month
	for m := range s.known {
		if m.Before(oldestKept) {
			dropped = append(dropped, m)
		}
	}
	if len(dropped) == 0 {
		return nil, nil
	}
	slices.SortFunc(dropped, compareMonths)
	for _, m := range dropped {
		if err := s.dropMonth(ctx, m); err != nil {
			return nil, err
		}
		delete(s.known, m)
		s.logger().Info("dropped month past retention", "table", m.Table(), "retention_months", s.RetentionMonths)
	}
	if _, err := s.db.ExecContext(ctx, incrementalVacuum); err != nil {
		return dropped, fmt.Errorf("give space back after dropping %d months: %w", len(dropped), err)
	}
	return dropped, nil
}

func (s *Store) dropMonth(ctx context.Context, m Month) (err error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("drop %s: %w", m.Table(), err)
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	q := ForMonth(tx, m)
	if err := q.DropMonthFTS(ctx); err != nil {
		return fmt.Errorf("drop %s_FTS: %w", m.Table(), err)
	}
	if err := q.DropMonthTable(ctx); err != nil {
		return fmt.Errorf("drop %s: %w", m.Table(), err)
	}
	return tx.Commit()
}

// insertMonth stages the records of batch received in month and moves them
// into the month's table.
func (s *Store) insertMonth(ctx context.Context, tx *sql.Tx, stage *Queries, month Month, batch []syslog.Record) error {
	rows := 0
	for i := range batch {
		r := &batch[i]
		if MonthOf(r.ReceivedAt) != month {
			continue
		}
		p := rowParams(r)
		if s.SQLDump != nil {
			fmt.Fprintf(s.SQLDump, "%s; -- %+v\n", stageEvent, p)
		}
		if err := stage.StageEvent(ctx, p); err != nil {
			return fmt.Errorf("stage a row for %s: %w", month.Table(), err)
		}
		rows++
	}
	if s.SQLDump != nil {
		q, _ := rewrite(insertStaged, month)
		fmt.Fprintf(s.SQLDump, "%s;\n%s;\n", q, clearStaged)
	}
	n, err := ForMonth(tx, month).InsertStaged(ctx)
	if err != nil {
		return fmt.Errorf("insert %d rows into %s: %w", rows, month.Table(), err)
	}
	if n != int64(rows) {
		return fmt.Errorf("insert into %s: stored %d rows of %d", month.Table(), n, rows)
	}
	if err := New(tx).ClearStaged(ctx); err != nil {
		return fmt.Errorf("clear staging table: %w", err)
	}
	return nil
}

// rowParams maps a record to its row.
func rowParams(r *syslog.Record) StageEventParams {
	m := &r.Message
	p := StageEventParams{
		Facility:   int64(m.Priority.Facility()),
		Priority:   int64(m.Priority.Severity()),
		FromHost:   validUTF8(r.Host()),
		ReceivedAt: r.ReceivedAt.UTC().Format(TimeLayout),
		SysLogTag:  validUTF8(m.AppName),
		ProcessID:  validUTF8(m.ProcID),
		MsgID:      validUTF8(m.MsgID),
		Message:    validUTF8(m.Text),
		RawMessage: r.Raw,
	}
	if !m.Timestamp.IsZero() {
		p.DeviceReportedTime = sql.NullString{String: m.Timestamp.UTC().Format(TimeLayout), Valid: true}
	}
	if len(m.StructuredData) > 0 {
		sd := syslog.AppendStructuredData(nil, m.StructuredData)
		p.StructuredData = sql.NullString{String: validUTF8(string(sd)), Valid: true}
	}
	return p
}

// validUTF8 replaces invalid UTF-8 by U+FFFD, so that every TEXT column is
// text that SQLite's functions and FTS5 handle; Record.Raw keeps the bytes.
func validUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

// preparedDBTX runs the queries it holds prepared statements for through
// them, sparing SQLite a prepare per row, and passes the rest through.
type preparedDBTX struct {
	DBTX
	stmts map[string]*sql.Stmt
}

func (p preparedDBTX) ExecContext(ctx context.Context, query string, args ...interface{}) (sql.Result, error) {
	if st, ok := p.stmts[query]; ok {
		return st.ExecContext(ctx, args...)
	}
	return p.DBTX.ExecContext(ctx, query, args...)
}

// ensure Store satisfies the interface the batcher needs.
var _ syslog.Store = (*Store)(nil)
