package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/aiosyslogd/aiosyslogd/db"
	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/db/sqlite/internal/dbsqlc"
)

// fieldLists is where each host and each tag of one batch is: the JSON
// objects of SystemEvents_Batches (sql/schema.sql), built from the records
// as they are stored, with no read of the database.
type fieldLists struct {
	index [2]map[string]int  // each field's values → their place in lists
	order [2][]string        // each field's values in order of first use
	lists [2][][]int64       // their IDs; kept between batches for reuse
	codes [2]map[int64]int64 // the count of each severity and facility
	buf   [6][]byte          // the objects, reused
}

func (f *fieldLists) reset() {
	for i := range f.index {
		if f.index[i] == nil {
			f.index[i], f.codes[i] = map[string]int{}, map[int64]int64{}
		}
		clear(f.index[i])
		clear(f.codes[i])
		f.order[i] = f.order[i][:0]
	}
}

// addCodes counts one event of severity sev and facility fac.
func (f *fieldLists) addCodes(sev, fac int64) {
	f.codes[0][sev]++
	f.codes[1][fac]++
}

// encodeCodes returns the severity and facility counts as JSON objects
// {"6": n}, in code order.
func (f *fieldLists) encodeCodes() (sev, fac string) {
	for i, m := range f.codes {
		b := append(f.buf[4+i][:0], '{')
		for _, code := range slices.Sorted(maps.Keys(m)) {
			if len(b) > 1 {
				b = append(b, ',')
			}
			b = append(b, '"')
			b = strconv.AppendInt(b, code, 10)
			b = append(b, '"', ':')
			b = strconv.AppendInt(b, m[code], 10)
		}
		f.buf[4+i] = append(b, '}')
	}
	return string(f.buf[4]), string(f.buf[5])
}

// add records that the event with ID id has value in field i (0: hosts,
// 1: tags).
func (f *fieldLists) add(i int, value string, id int64) {
	k, ok := f.index[i][value]
	if !ok {
		k = len(f.order[i])
		f.index[i][value] = k
		f.order[i] = append(f.order[i], value)
		if k == len(f.lists[i]) {
			f.lists[i] = append(f.lists[i], nil)
		}
		f.lists[i][k] = f.lists[i][k][:0]
	}
	f.lists[i][k] = append(f.lists[i][k], id)
}

// encode returns the objects of SystemEvents_Batches as JSON text: each
// field's counts {value: n} and lists {value: [OFFSET, ...]}, offsets
// from first (shorter than IDs, and so faster to write and read).
func (f *fieldLists) encode(first int64) (counts, lists [2]string) {
	for i := range f.order {
		c := append(f.buf[2*i][:0], '{')
		b := append(f.buf[2*i+1][:0], '{')
		for k, v := range f.order[i] {
			if k > 0 {
				c, b = append(c, ','), append(b, ',')
			}
			c = appendJSONString(c, v)
			c = append(c, ':')
			c = strconv.AppendInt(c, int64(len(f.lists[i][k])), 10)
			b = appendJSONString(b, v)
			b = append(b, ':', '[')
			for j, id := range f.lists[i][k] {
				if j > 0 {
					b = append(b, ',')
				}
				b = strconv.AppendInt(b, id-first, 10)
			}
			b = append(b, ']')
		}
		f.buf[2*i], f.buf[2*i+1] = append(c, '}'), append(b, '}')
		counts[i], lists[i] = string(f.buf[2*i]), string(f.buf[2*i+1])
	}
	return counts, lists
}

// write records the lists of the rows first to last in month m's tables.
func (f *fieldLists) write(ctx context.Context, dbtx DBTX, m db.Month, first, last int64) error {
	counts, lists := f.encode(first)
	sev, fac := f.encodeCodes()
	q := forMonth(dbtx, m)
	if err := q.InsertBatchFields(ctx, dbsqlc.InsertBatchFieldsParams{FirstID: first, LastID: last,
		HostCounts: counts[0], TagCounts: counts[1], SevCounts: sev, FacCounts: fac, Hosts: lists[0], Tags: lists[1]}); err != nil {
		return fmt.Errorf("record the hosts and tags of %s: %w", m.Table(), err)
	}
	if err := q.InsertFieldValues(ctx, dbsqlc.InsertFieldValuesParams{HostCounts: counts[0], TagCounts: counts[1]}); err != nil {
		return fmt.Errorf("record the hosts and tags of %s: %w", m.Table(), err)
	}
	return nil
}

// minFieldRows is how many IDs a record of SystemEvents_Batches covers
// before the next batch starts a new one: a quiet server's small batches
// share records, so a search walks past few of them.
const minFieldRows = 1000

// fieldRecord is the record of SystemEvents_Batches the store extends:
// the month and the IDs it covers, and its lists.
type fieldRecord struct {
	month       db.Month
	first, last int64
	lists       fieldLists
}

// writeBatchFields records where the hosts and tags of the rows of batch
// in month m are; they were just stored, n of them, by the connection of
// tx, with consecutive IDs (one INSERT, AUTOINCREMENT, one writer). Rows
// that follow the store's current record, while it covers fewer than
// minFieldRows IDs, extend it. If the transaction fails, forgetFields
// must be called: the record in memory would name rows never stored.
func (s *Store) writeBatchFields(ctx context.Context, tx *sql.Tx, m db.Month, batch []search.Row, n int64) error {
	last, err := dbsqlc.New(tx).LastInsertID(ctx)
	if err != nil {
		return fmt.Errorf("last ID of %s: %w", m.Table(), err)
	}
	first := last - n + 1
	f := &s.fields
	if f.month != m || f.last != first-1 || f.last-f.first+1 >= minFieldRows {
		f.lists.reset()
		f.month, f.first = m, first
	}
	f.last = last
	id := first
	for i := range batch {
		r := &batch[i]
		if db.MonthOf(r.ReceivedAt) != m {
			continue
		}
		// As stored: appendJSONString makes each run of invalid UTF-8 one
		// U+FFFD, as ToValidUTF8 does.
		f.lists.add(0, strings.ToValidUTF8(db.FromHost(r), "\uFFFD"), id)
		f.lists.add(1, strings.ToValidUTF8(r.Message.AppName, "\uFFFD"), id)
		f.lists.addCodes(int64(r.Message.Priority.Severity()), int64(r.Message.Priority.Facility()))
		id++
	}
	return f.lists.write(ctx, tx, m, f.first, f.last)
}

// forgetFields drops the record being extended, after a failed write.
func (s *Store) forgetFields() { s.fields = fieldRecord{lists: s.fields.lists} }

// fillBatchFields fills SystemEvents_Batches for a month table made before
// it, from its rows, in chunks of 1000 IDs: once, when the store opens.
func fillBatchFields(ctx context.Context, dbtx DBTX, m db.Month) error {
	q := forMonth(dbtx, m)
	var f fieldLists
	for after := int64(0); ; {
		rows, err := q.FieldsAfter(ctx, dbsqlc.FieldsAfterParams{After: after, Lim: 1000})
		if err != nil || len(rows) == 0 {
			return err
		}
		f.reset()
		for _, r := range rows {
			f.add(0, r.FromHost, r.ID)
			f.add(1, r.SysLogTag, r.ID)
			f.addCodes(r.Priority, r.Facility)
		}
		first, last := rows[0].ID, rows[len(rows)-1].ID
		if err := f.write(ctx, dbtx, m, first, last); err != nil {
			return err
		}
		after = last
	}
}
