package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"modernc.org/sqlite/vtab"

	"github.com/aiosyslogd/aiosyslogd/db"
	"github.com/aiosyslogd/aiosyslogd/db/search"
	sqlsrc "github.com/aiosyslogd/aiosyslogd/sql"
	"github.com/aiosyslogd/aiosyslogd/syslog"
)

// batchModule is the virtual table InsertBatch reads a batch's rows from
// (sql/batch.sql): the columns of a stored row, computed from the records
// in memory as SQLite asks for them. The module is registered with the
// driver for every connection; the writer makes its table with
// createBatchTable.
const batchModule = "aiosyslogd_batch"

// createBatchTable makes the writer connection's instance of the module, a
// TEMP table that lives as long as the connection. A constant, not input;
// not in sql/ because sqlc does not compile CREATE VIRTUAL TABLE.
const createBatchTable = "CREATE VIRTUAL TABLE IF NOT EXISTS temp." + batchModule + " USING " + batchModule

func init() {
	if err := vtab.RegisterModule(nil, batchModule, batchTableModule{}); err != nil {
		panic(fmt.Sprintf("register SQLite module %s: %v", batchModule, err))
	}
}

// pendingRows is what one InsertBatch call stores: the records of batch
// received in month.
type pendingRows struct {
	batch []search.Row
	month db.Month
	sd    []byte   // scratch for one row's structured data
	times timeText // ReceivedAt and DeviceReportedTime as text
	// The last sender's address and its text: a batch comes from a few
	// senders, and the text would be made anew for each row.
	addr     netip.Addr
	addrText string
}

// addrString returns a.String(), made once for a run of rows from a.
func (p *pendingRows) addrString(a netip.Addr) string {
	if a != p.addr || p.addrText == "" {
		p.addr, p.addrText = a, a.String()
	}
	return p.addrText
}

// pending holds the batches being inserted, by the handle InsertBatch
// binds to the table's hidden column batch. Each Store inserts one batch
// at a time; the map lets several stores share the module.
var pending struct {
	rows sync.Map // int64 → *pendingRows
	last atomic.Int64
}

// insertRows stores the records of batch received in month into its table
// with one InsertBatch, and returns how many rows it stored.
func insertRows(ctx context.Context, tx *sql.Tx, month db.Month, batch []search.Row, sd []byte) (int64, []byte, error) {
	if _, err := tx.ExecContext(ctx, createBatchTable); err != nil {
		return 0, sd, fmt.Errorf("create table %s: %w", batchModule, err)
	}
	p := &pendingRows{batch: batch, month: month, sd: sd}
	h := pending.last.Add(1)
	pending.rows.Store(h, p)
	defer pending.rows.Delete(h)
	n, err := forMonth(tx, month).InsertBatch(ctx, h)
	return n, p.sd, err
}

// batchTableModule makes the tables of the module: every instance reads
// whichever pending batch its statement names.
type batchTableModule struct{}

// Create is Connect: the table keeps nothing of its own.
func (batchTableModule) Create(ctx vtab.Context, args []string) (vtab.Table, error) {
	return batchTableModule{}.Connect(ctx, args)
}

// Connect declares the columns of sql/batch.sql.
func (batchTableModule) Connect(ctx vtab.Context, _ []string) (vtab.Table, error) {
	if err := ctx.Declare(sqlsrc.Batch); err != nil {
		return nil, fmt.Errorf("declare %s: %w", batchModule, err)
	}
	return batchTable{}, nil
}

// batchTable is one instance of the module.
type batchTable struct{}

// batchColumn is the hidden column batch, after the twelve of a row.
const batchColumn = 12

// errNoBatch is the answer to a statement that reads the table without
// naming a batch: there is nothing else to read.
var errNoBatch = errors.New(batchModule + ": the statement names no batch (WHERE batch = ?)")

// BestIndex takes batch = ? as the only way in.
func (batchTable) BestIndex(info *vtab.IndexInfo) error {
	for i, c := range info.Constraints {
		if c.Column == batchColumn && c.Op == vtab.OpEQ && c.Usable {
			info.Constraints[i].ArgIndex, info.Constraints[i].Omit = 0, true
			info.IdxNum, info.EstimatedCost = 1, 1
			return nil
		}
	}
	info.IdxNum, info.EstimatedCost = 0, 1e18
	return nil
}

// Open starts a read.
func (batchTable) Open() (vtab.Cursor, error) { return &batchCursor{}, nil }

// Disconnect has nothing to release.
func (batchTable) Disconnect() error { return nil }

// Destroy has nothing to release.
func (batchTable) Destroy() error { return nil }

// batchCursor walks the records of one pending batch that belong to its
// month.
type batchCursor struct {
	p *pendingRows
	i int
}

// Filter starts at the first record of the batch bound to batch.
func (c *batchCursor) Filter(idxNum int, _ string, vals []vtab.Value) error {
	if idxNum != 1 || len(vals) != 1 {
		return errNoBatch
	}
	h, _ := vals[0].(int64)
	p, ok := pending.rows.Load(h)
	if !ok {
		return fmt.Errorf("%s: no pending batch %d", batchModule, h)
	}
	c.p, c.i = p.(*pendingRows), -1
	return c.Next()
}

// Next moves to the next record of the month.
func (c *batchCursor) Next() error {
	c.i++
	for c.i < len(c.p.batch) && db.MonthOf(c.p.batch[c.i].ReceivedAt) != c.p.month {
		c.i++
	}
	return nil
}

// Eof reports the end of the batch.
func (c *batchCursor) Eof() bool { return c.i >= len(c.p.batch) }

// Rowid is the record's place in the batch.
func (c *batchCursor) Rowid() (int64, error) { return int64(c.i), nil }

// Close has nothing to release.
func (c *batchCursor) Close() error { return nil }

// Column is column col of the current record, as sql/batch.sql lists them.
// Text is valid UTF-8: each run of invalid bytes becomes one U+FFFD, so
// that SQLite's functions and FTS5 handle every TEXT column; RawMessage
// keeps the exact bytes.
func (c *batchCursor) Column(col int) (vtab.Value, error) {
	r := &c.p.batch[c.i]
	m := &r.Message
	switch col {
	case 0:
		return int64(m.Priority.Facility()), nil
	case 1:
		return int64(m.Priority.Severity()), nil
	case 2:
		return db.ValidText(db.FromHost(r)), nil
	case 3:
		return c.p.times.format(r.ReceivedAt), nil
	case 4:
		return optional(!m.Timestamp.IsZero(), func() string { return c.p.times.format(m.Timestamp) }), nil
	case 5:
		return db.ValidText(m.AppName), nil
	case 6:
		return db.ValidText(m.ProcID), nil
	case 7:
		return db.ValidText(m.MsgID), nil
	case 8:
		return optional(len(m.StructuredData) > 0, func() string {
			c.p.sd = syslog.AppendStructuredData(c.p.sd[:0], m.StructuredData)
			return db.ValidText(string(c.p.sd))
		}), nil
	case 9:
		return db.ValidText(m.Text), nil
	case 10:
		if r.Raw == nil {
			return nil, nil
		}
		return r.Raw, nil
	case 11:
		return optional(r.Source.IsValid(), func() string { return c.p.addrString(r.Source.Addr().Unmap()) }), nil
	}
	return nil, fmt.Errorf("%s: no column %d", batchModule, col)
}

// optional is text() when ok, else NULL.
func optional(ok bool, text func() string) vtab.Value {
	if !ok {
		return nil
	}
	return text()
}

// timeText formats times as TimeLayout, remembering the text of the last
// second it formatted: the rows of a batch mostly share their second, so
// only the microseconds are new. The zero value is ready to use; it is not
// safe for concurrent use.
type timeText struct {
	sec  int64 // the Unix second of prefix; valid when ok
	ok   bool
	text [len(TimeLayout)]byte // "2006-01-02 15:04:05.000000"
}

// prefixLen is the length of the second's part of TimeLayout, up to and
// with the dot.
const prefixLen = len("2006-01-02 15:04:05.")

// format returns t in UTC as TimeLayout, as t.UTC().Format(TimeLayout)
// does.
func (f *timeText) format(t time.Time) string {
	t = t.UTC()
	if y := t.Year(); y < 0 || y > 9999 {
		return t.Format(TimeLayout) // not fixed width: leave it to time
	}
	if sec := t.Unix(); !f.ok || sec != f.sec {
		t.Truncate(time.Second).AppendFormat(f.text[:0], TimeLayout[:prefixLen])
		f.sec, f.ok = sec, true
	}
	us := t.Nanosecond() / 1000
	for i := len(f.text) - 1; i >= prefixLen; i-- {
		f.text[i] = byte('0' + us%10)
		us /= 10
	}
	return string(f.text[:])
}
