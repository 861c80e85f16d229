package db

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"
	"unicode/utf8"

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
	// SQLDump, when set, receives each batch's SQL and its parameter.
	SQLDump io.Writer

	months map[Month]bool // month tables known to exist
	bufs   []monthBatch   // reused encoding buffers, one per month in a batch
}

type monthBatch struct {
	month Month
	rows  int
	json  []byte
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
	s := &Store{db: db, path: path, months: map[Month]bool{}}
	if err := s.loadMonths(ctx); err != nil {
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

func (s *Store) loadMonths(ctx context.Context) error {
	names, err := New(s.db).ListMonthTables(ctx)
	if err != nil {
		return fmt.Errorf("list month tables: %w", err)
	}
	for _, name := range names {
		if m, err := ParseMonthTable(name); err == nil {
			s.months[m] = true
		}
	}
	return nil
}

// DB returns the underlying database handle.
func (s *Store) DB() *sql.DB { return s.db }

// Close closes the database.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close %s: %w", s.path, err)
	}
	return nil
}

// Write stores batch in one transaction: each record in the table of the UTC
// month it was received in, with one INSERT statement per month.
func (s *Store) Write(ctx context.Context, batch []syslog.Record) (err error) {
	if len(batch) == 0 {
		return nil
	}
	s.encode(batch)
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction on %s: %w", s.path, err)
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	var created []Month
	for i := range s.bufs {
		b := &s.bufs[i]
		if !s.months[b.month] {
			if err := CreateMonth(ctx, tx, b.month); err != nil {
				return err
			}
			created = append(created, b.month)
		}
		if err := s.insert(ctx, tx, b); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit batch of %d to %s: %w", len(batch), s.path, err)
	}
	for _, m := range created {
		s.months[m] = true
	}
	return nil
}

func (s *Store) insert(ctx context.Context, tx *sql.Tx, b *monthBatch) error {
	if s.SQLDump != nil {
		q, _ := rewrite(insertBatch, b.month)
		fmt.Fprintf(s.SQLDump, "%s;\n-- ?1 = %s\n", q, b.json)
	}
	n, err := ForMonth(tx, b.month).InsertBatch(ctx, string(b.json))
	if err != nil {
		return fmt.Errorf("insert %d rows into %s: %w", b.rows, b.month.Table(), err)
	}
	if n != int64(b.rows) {
		return fmt.Errorf("insert into %s: stored %d rows of %d", b.month.Table(), n, b.rows)
	}
	return nil
}

// encode fills s.bufs with the batch as InsertBatch's JSON, one array per
// month. Buffers are reused from batch to batch.
func (s *Store) encode(batch []syslog.Record) {
	for i := range s.bufs {
		s.bufs[i].rows = 0
	}
	for i := range batch {
		r := &batch[i]
		b := s.monthBuffer(MonthOf(r.ReceivedAt))
		if b.rows == 0 {
			b.json = append(b.json[:0], '[')
		} else {
			b.json = append(b.json, ',')
		}
		b.json = appendRow(b.json, r)
		b.rows++
	}
	// Drop months that got no rows this time; close the arrays.
	kept := s.bufs[:0]
	for _, b := range s.bufs {
		if b.rows > 0 {
			b.json = append(b.json, ']')
			kept = append(kept, b)
		}
	}
	s.bufs = kept
}

func (s *Store) monthBuffer(m Month) *monthBatch {
	for i := range s.bufs {
		if s.bufs[i].month == m {
			return &s.bufs[i]
		}
	}
	for i := range s.bufs {
		if s.bufs[i].rows == 0 { // reuse a buffer of another month
			s.bufs[i].month = m
			return &s.bufs[i]
		}
	}
	s.bufs = append(s.bufs, monthBatch{month: m})
	return &s.bufs[len(s.bufs)-1]
}

// appendRow appends one record as the JSON array InsertBatch expects.
func appendRow(dst []byte, r *syslog.Record) []byte {
	m := &r.Message
	dst = append(dst, '[')
	dst = strconv.AppendUint(dst, uint64(m.Priority.Facility()), 10)
	dst = append(dst, ',')
	dst = strconv.AppendUint(dst, uint64(m.Priority.Severity()), 10)
	dst = append(dst, ',')
	dst = appendJSONString(dst, r.Host())
	dst = append(dst, ',')
	dst = appendTime(dst, r.ReceivedAt)
	dst = append(dst, ',')
	if m.Timestamp.IsZero() {
		dst = append(dst, "null"...)
	} else {
		dst = appendTime(dst, m.Timestamp)
	}
	dst = append(dst, ',')
	dst = appendJSONString(dst, m.AppName)
	dst = append(dst, ',')
	dst = appendJSONString(dst, m.ProcID)
	dst = append(dst, ',')
	dst = appendJSONString(dst, m.MsgID)
	dst = append(dst, ',')
	if len(m.StructuredData) == 0 {
		dst = append(dst, "null"...)
	} else {
		sd := syslog.AppendStructuredData(nil, m.StructuredData)
		dst = appendJSONString(dst, string(sd))
	}
	dst = append(dst, ',')
	dst = appendJSONString(dst, m.Text)
	dst = append(dst, ',')
	if r.Raw == nil {
		dst = append(dst, "null"...)
	} else {
		dst = append(dst, '"')
		dst = hex.AppendEncode(dst, r.Raw)
		dst = append(dst, '"')
	}
	return append(dst, ']')
}

func appendTime(dst []byte, t time.Time) []byte {
	dst = append(dst, '"')
	dst = t.UTC().AppendFormat(dst, TimeLayout)
	return append(dst, '"')
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string. Bytes that are not valid UTF-8
// become U+FFFD (JSON cannot carry them; Record.Raw keeps the originals), and
// NUL and other control characters are escaped.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, "\\ufffd"...)
			i++
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// ensure Store satisfies the interface the batcher needs.
var _ syslog.Store = (*Store)(nil)
