package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"sync/atomic"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db"
	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/db/sqlite/internal/dbsqlc"
	sqlsrc "github.com/aiosyslogd/aiosyslogd/sql"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// TimeLayout is how ReceivedAt and DeviceReportedTime are stored: UTC, fixed
// width, so that text order is time order and SQLite's date functions read it.
const TimeLayout = "2006-01-02 15:04:05.000000"

// sqliteHeader starts every SQLite database file.
const sqliteHeader = "SQLite format 3\x00"

// Store writes batches of records into the month tables of one SQLite
// database. It implements ingest.Store. A Store is used by one goroutine at a
// time.
type Store struct {
	db   *sql.DB
	path string
	// SQLDump, when set, receives each batch's SQL and its parameters.
	SQLDump io.Writer
	// Logger reports what Write does besides writing (pruning, checkpoint
	// failures); nil = slog.Default().
	Logger *slog.Logger

	known  map[db.Month]bool // month tables known to exist
	months []db.Month        // the months of the batch being written
	sd     []byte            // scratch for one row's structured data, reused
	ckpt   *checkpointer     // copies the WAL into the database file
	fields fieldRecord       // where each host and tag of recent rows is

	retention atomic.Int64 // SetRetentionMonths
	reprune   atomic.Bool  // the retention changed since the last Prune
}

// SetRetentionMonths keeps only the newest n month tables when n is above
// 0: older ones are dropped by Prune, and by Write whenever a new month
// begins or after the retention changed. Unlike the Store's other methods,
// it is safe to call while another goroutine writes (a reload).
func (s *Store) SetRetentionMonths(n int) {
	if s.retention.Swap(int64(n)) != int64(n) {
		s.reprune.Store(true)
	}
}

// RetentionMonths returns what SetRetentionMonths set; 0 keeps every month.
func (s *Store) RetentionMonths() int { return int(s.retention.Load()) }

// Open opens (creating if needed) the database at path for writing, in WAL
// mode. A file that exists but is not an SQLite database is an error and is
// left untouched.
func Open(ctx context.Context, path string) (*Store, error) {
	// One connection: SQLite has one writer anyway, and the pragmas of
	// writerDSN (below) then hold for every statement.
	conn, err := openSQLite(path, writerDSN(path))
	if err != nil {
		return nil, err
	}
	conn.SetConnMaxIdleTime(0)
	s := &Store{db: conn, path: path, known: map[db.Month]bool{}}
	if err := s.prepare(ctx); err != nil {
		conn.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if s.ckpt, err = newCheckpointer(path); err != nil {
		conn.Close()
		return nil, err
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
		fmt.Sprintf("&_pragma=wal_autocheckpoint(%d)", writerAutoCheckpoint) +
		// 16 MiB: FTS5 merges reread recent pages. Each 4 KiB page takes
		// 8 KiB of memory (the allocator rounds its header up), so 32 MiB
		// took 64 MiB of RSS beside Go's heap with large messages, and
		// made no difference to the write rate (BenchmarkWriteBatch, 1.5 M
		// rows: 21 to 26 s of CPU with 32 MiB, 22 to 23 with 16).
		"&_pragma=cache_size(-16384)" +
		// Takes effect only in a new database: lets Prune give the pages of
		// dropped months back to the file system.
		"&_pragma=auto_vacuum(INCREMENTAL)" +
		"&_txlock=immediate"
}

// openSQLite opens the database at path with dsn, on one connection, after
// checking that a file already there is an SQLite database.
func openSQLite(path, dsn string) (*sql.DB, error) {
	if err := checkSQLiteFile(path); err != nil {
		return nil, err
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	return db, nil
}

// CheckFile returns the error Open gives for the file at path when it is
// not an SQLite database; nil when it is one, is empty or does not exist.
func CheckFile(path string) error { return checkSQLiteFile(path) }

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

// prepare makes the table of spool positions when it is missing, learns
// which month tables exist, and upgrades those an older
// schema made: FromHostIP, the event time index, and the records of where
// each host and tag is.
func (s *Store) prepare(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, sqlsrc.SpoolSchema); err != nil {
		return fmt.Errorf("create the spool positions (sql/spool_schema.sql): %w", err)
	}
	months, err := Months(ctx, s.db)
	if err != nil {
		return err
	}
	for _, m := range months {
		if err := upgradeMonth(ctx, s.db, m); err != nil {
			return err
		}
		n, err := forMonth(s.db, m).HasFieldIndex(ctx)
		if err != nil {
			return fmt.Errorf("indexes of %s: %w", m.Table(), err)
		}
		if n == 0 {
			s.logger().Info("recording where each host and tag is (once; seconds per million rows)", "table", m.Table())
			if err := s.upgradeBatchFields(ctx, m); err != nil {
				return err
			}
		}
		// After the batch records: it runs the whole schema, which would
		// make their table empty and have it taken for filled.
		if err := s.upgradeEventTime(ctx, m); err != nil {
			return err
		}
		if err := s.upgradeTimeIndex(ctx, m); err != nil {
			return err
		}
		s.known[m] = true
	}
	return nil
}

// upgradeMonth adds to month's table what the current schema has and it
// lacks (FromHostIP).
func upgradeMonth(ctx context.Context, dbtx DBTX, m db.Month) error {
	q := forMonth(dbtx, m)
	n, err := q.HasFromHostIP(ctx)
	if err != nil {
		return fmt.Errorf("columns of %s: %w", m.Table(), err)
	}
	if n == 0 {
		if err := q.AddFromHostIP(ctx); err != nil {
			return fmt.Errorf("add FromHostIP to %s: %w", m.Table(), err)
		}
	}
	return nil
}

// upgradeEventTime gives month m's table, made by an older version, the
// index of event times.
func (s *Store) upgradeEventTime(ctx context.Context, m db.Month) error {
	q := forMonth(s.db, m)
	n, err := q.HasEventTimeIndex(ctx)
	if err != nil {
		return fmt.Errorf("indexes of %s: %w", m.Table(), err)
	}
	if n > 0 {
		return nil
	}
	s.logger().Info("indexing event times (once; seconds per million rows)", "table", m.Table())
	return CreateMonth(ctx, s.db, m) // schema.sql: every statement IF NOT EXISTS
}

// upgradeTimeIndex replaces the time index of month m's table, made by an
// older version on ReceivedAt alone, by the one on ReceivedAt and
// Priority, in one transaction: searches by time have one of them at
// every moment.
func (s *Store) upgradeTimeIndex(ctx context.Context, m db.Month) error {
	n, err := forMonth(s.db, m).HasReceivedAtIndex(ctx)
	if err != nil {
		return fmt.Errorf("indexes of %s: %w", m.Table(), err)
	}
	if n == 0 {
		return nil
	}
	s.logger().Info("indexing times with severities (once; seconds per million rows)", "table", m.Table())
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("upgrade %s: %w", m.Table(), err)
	}
	defer tx.Rollback()
	q, err := rewrite(sqlsrc.TimeIndex, m)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("replace the time index of %s: %w", m.Table(), err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("upgrade %s: %w", m.Table(), err)
	}
	return nil
}

// upgradeBatchFields gives month m's table, made by an older version, the
// tables of where each host and tag is, and fills them, in one transaction.
func (s *Store) upgradeBatchFields(ctx context.Context, m db.Month) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("upgrade %s: %w", m.Table(), err)
	}
	defer tx.Rollback()
	if err := CreateMonth(ctx, tx, m); err != nil {
		return err
	}
	if err := fillBatchFields(ctx, tx, m); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("upgrade %s: %w", m.Table(), err)
	}
	return nil
}

// DB returns the underlying database handle.
func (s *Store) DB() *sql.DB { return s.db }

// Close closes the database.
func (s *Store) Close() error {
	ckptErr := s.ckpt.stop()
	// The last connection to close checkpoints the whole WAL.
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close %s: %w", s.path, err)
	}
	if ckptErr != nil {
		return fmt.Errorf("close %s: checkpointer: %w", s.path, ckptErr)
	}
	return nil
}

// Write stores batch in one transaction: each record in the table of the UTC
// month it was received in, by one INSERT per month (InsertBatch), so that
// FTS5 flushes its index once per batch, not once per row.
func (s *Store) Write(ctx context.Context, batch []search.Row) error {
	return s.write(ctx, batch, nil)
}

// WriteSpooled is Write, with end, where the batch ends in serve's spool,
// stored in the same transaction (SpoolPositions, sql/spool.sql). When the
// position stored for the spool is at or past end, an earlier attempt
// stored the batch: nothing is stored, and it returns nil.
func (s *Store) WriteSpooled(ctx context.Context, batch []search.Row, end db.SpoolPosition) error {
	return s.write(ctx, batch, &end)
}

// SpoolPosition returns the position stored for the spool with identity
// spool; false when there is none.
func (s *Store) SpoolPosition(ctx context.Context, spool string) (db.SpoolPosition, bool, error) {
	r, err := dbsqlc.New(s.db).SpoolPosition(ctx, spool)
	if errors.Is(err, sql.ErrNoRows) {
		return db.SpoolPosition{}, false, nil
	}
	if err != nil {
		return db.SpoolPosition{}, false, fmt.Errorf("spool position in %s: %w", s.path, err)
	}
	return db.SpoolPosition{Spool: spool, Segment: uint64(r.Segment), Offset: r.EndOffset}, true, nil
}

// errStored ends the transaction of a spooled batch stored before.
var errStored = errors.New("batch stored already")

// write stores batch, and end when it is not nil, in one transaction.
func (s *Store) write(ctx context.Context, batch []search.Row, end *db.SpoolPosition) error {
	if len(batch) == 0 {
		return nil
	}
	err := s.writeTx(ctx, batch, end)
	if errors.Is(err, errStored) {
		s.logger().Info("batch stored already by an earlier attempt (the database's spool position is past it): not storing it again",
			"events", len(batch), "spool", end.Spool, "segment", end.Segment, "offset", end.Offset)
		return nil
	}
	return err
}

func (s *Store) writeTx(ctx context.Context, batch []search.Row, end *db.SpoolPosition) (err error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction on %s: %w", s.path, err)
	}
	defer func() {
		if err != nil {
			tx.Rollback()
			s.forgetFields()
		}
	}()
	if end != nil {
		if err := advanceSpool(ctx, tx, *end); err != nil {
			return err
		}
	}
	s.months = s.months[:0]
	for i := range batch {
		if m := db.MonthOf(batch[i].ReceivedAt); !slices.Contains(s.months, m) {
			s.months = append(s.months, m)
		}
	}
	var created []db.Month
	for _, m := range s.months {
		if !s.known[m] {
			if err := CreateMonth(ctx, tx, m); err != nil {
				return err
			}
			created = append(created, m)
		}
		if err := s.insertMonth(ctx, tx, m, batch); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit batch of %d to %s: %w", len(batch), s.path, err)
	}
	s.ckpt.poke()
	if err := s.ckpt.takeError(); err != nil {
		s.logger().Warn("checkpoint the WAL (the writer's own checkpoints go on)", "database", s.path, "error", err)
	}
	for _, m := range created {
		s.known[m] = true
	}
	if (len(created) > 0 || s.reprune.Load()) && s.RetentionMonths() > 0 {
		// A new month began, or the retention changed: the batch is stored,
		// so a failure here is only logged, and pruning is tried again at
		// the next new month.
		if _, err := s.Prune(ctx, slices.MaxFunc(s.months, compareMonths)); err != nil {
			s.logger().Error("prune old months", "error", err)
		}
	}
	return nil
}

// advanceSpool records end as the spool's position in tx; errStored when
// the position stored is at or past it already.
func advanceSpool(ctx context.Context, tx *sql.Tx, end db.SpoolPosition) error {
	n, err := dbsqlc.New(tx).AdvanceSpoolPosition(ctx, dbsqlc.AdvanceSpoolPositionParams{
		Spool: end.Spool, Segment: int64(end.Segment), EndOffset: end.Offset,
		StoredAt: formatTime(time.Now()),
	})
	if err != nil {
		return fmt.Errorf("record the spool position: %w", err)
	}
	if n == 0 {
		return errStored
	}
	return nil
}

func compareMonths(a, b db.Month) int {
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
func (s *Store) Prune(ctx context.Context, current db.Month) ([]db.Month, error) {
	s.reprune.Store(false)
	retention := s.RetentionMonths()
	if retention <= 0 {
		return nil, nil
	}
	newest := current
	for m := range s.known {
		if newest.Before(m) {
			newest = m
		}
	}
	oldestKept := newest
	for range retention - 1 {
		oldestKept = oldestKept.Prev()
	}
	var dropped []db.Month
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
		s.logger().Info("dropped month past retention", "table", m.Table(), "retention_months", retention)
	}
	if _, err := s.db.ExecContext(ctx, incrementalVacuum); err != nil {
		return dropped, fmt.Errorf("give space back after dropping %d months: %w", len(dropped), err)
	}
	return dropped, nil
}

func (s *Store) dropMonth(ctx context.Context, m db.Month) (err error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("drop %s: %w", m.Table(), err)
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	q := forMonth(tx, m)
	for _, drop := range []struct {
		name string
		exec func(*dbsqlc.Queries, context.Context) error
	}{{"_FTS", (*dbsqlc.Queries).DropMonthFTS}, {"_Batches", (*dbsqlc.Queries).DropMonthBatches}, {"_Values", (*dbsqlc.Queries).DropMonthValues}} {
		if err := drop.exec(q, ctx); err != nil {
			return fmt.Errorf("drop %s%s: %w", m.Table(), drop.name, err)
		}
	}
	if err := q.DropMonthTable(ctx); err != nil {
		return fmt.Errorf("drop %s: %w", m.Table(), err)
	}
	return tx.Commit()
}

// insertMonth stores the records of batch received in month into the
// month's table, in one statement.
func (s *Store) insertMonth(ctx context.Context, tx *sql.Tx, month db.Month, batch []search.Row) error {
	rows := 0
	for i := range batch {
		if db.MonthOf(batch[i].ReceivedAt) == month {
			rows++
		}
	}
	if s.SQLDump != nil {
		s.dumpRows(month, batch)
	}
	n, sd, err := insertRows(ctx, tx, month, batch, s.sd)
	s.sd = sd
	if err != nil {
		return fmt.Errorf("insert %d rows into %s: %w", rows, month.Table(), err)
	}
	if n != int64(rows) {
		return fmt.Errorf("insert into %s: stored %d rows of %d", month.Table(), n, rows)
	}
	return s.writeBatchFields(ctx, tx, month, batch, n)
}

// dumpRows prints InsertBatch for month to SQLDump, and the rows its
// virtual table hands over as a JSON array of arrays in the order of
// sql/batch.sql.
func (s *Store) dumpRows(month db.Month, batch []search.Row) {
	q, _ := rewrite(dbsqlc.InsertBatchSQL, month)
	buf := []byte("[")
	for i := range batch {
		if db.MonthOf(batch[i].ReceivedAt) != month {
			continue
		}
		if len(buf) > 1 {
			buf = append(buf, ',')
		}
		buf, s.sd = appendRow(buf, s.sd, &batch[i])
	}
	fmt.Fprintf(s.SQLDump, "%s;\n-- rows: %s]\n", q, buf)
}
