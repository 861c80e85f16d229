package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/aiosyslogd/aiosyslogd/db"
	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/db/sqlite/internal/dbsqlc"
)

// A search with --host or --tag and no full-text query reads where each
// host and tag is (SystemEvents_Batches, sql/schema.sql), not the time
// index: the newest batches that name the host give the IDs of its
// events, which are then read by ID, whatever share of the rows they are;
// a host that no batch names costs one pass over the batches' rows (one
// per stored batch, some thousands a month). A pattern ("web1*") first
// becomes the distinct values it matches (SystemEvents_Values), at most
// maxFieldValues of them. Every row found is checked against every filter
// again. The plan falls back to walking the time index when a pattern
// matches more than maxFieldValues values or a value that a JSON path
// cannot name (one with " or \), and for month tables made by an older
// version before serve gave them SystemEvents_Batches.

// maxFieldValues is how many values the batch plan looks up at most.
const maxFieldValues = 64

// field is a column that SystemEvents_Batches and SystemEvents_Values
// record, by their Field code.
type field int64

const (
	hostField field = 0
	tagField  field = 1
)

// literalPrefix is the part of a GLOB pattern before its first wildcard.
func literalPrefix(pattern string) string {
	if i := strings.IndexAny(pattern, "*?["); i >= 0 {
		return pattern[:i]
	}
	return pattern
}

// successor is the least string above every string that starts with
// prefix; ok is false when there is none (prefix is all 0xFF bytes).
func successor(prefix string) (string, bool) {
	b := []byte(prefix)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < 0xFF {
			b[i]++
			return string(b[:i+1]), true
		}
	}
	return "", false
}

// anyString is above every host and tag: the end of a range without one.
const anyString = "\xff\xff\xff\xff"

// fieldPaths returns the JSON paths ('$."web-07"') of the values of f that
// pattern matches in month mq's table, as a JSON array. ok is false when
// the batch plan cannot serve the pattern; an empty array matches nothing.
func fieldPaths(ctx context.Context, mq *dbsqlc.Queries, f field, pattern string) (paths string, ok bool, err error) {
	// The month's values that pattern matches; for an exact value, the
	// value itself if the month has it (a value it lacks costs nothing).
	from, below := literalPrefix(pattern), anyString
	if from == pattern {
		below = pattern + "\x00"
	} else if b, ok := successor(from); ok {
		below = b
	}
	values, err := mq.FieldValues(ctx, dbsqlc.FieldValuesParams{Field: int64(f), From: from, Below: below, Pattern: pattern, Lim: maxFieldValues + 1})
	if err != nil || len(values) > maxFieldValues {
		return "", false, err
	}
	list := make([]string, 0, len(values))
	for _, v := range values {
		if strings.ContainsAny(v, `"\`) {
			return "", false, nil
		}
		list = append(list, `$."`+v+`"`)
	}
	b, _ := json.Marshal(list) // strings always encode
	return string(b), true, nil
}

// fieldPager reads the events of the batches that name a field's values,
// a few batches at a time, in ID order.
type fieldPager struct {
	batches dbsqlc.FieldBatchesDescParams // FieldBatchesAsc's are the same
	events  dbsqlc.EventsByIDParams
	f       filters // the events' filters
	oldest  bool    // OldestFirst: ascending IDs
	lo, hi  int64
	pending []int64 // IDs named by the batches read, in the pager's order, not yet read
	buf     []dbsqlc.SystemEvent
	done    bool // no batch is left
}

// newFieldPager returns the batch plan for q in month m when it has one
// (use is false otherwise); ok is false when no event of m can match.
func newFieldPager(ctx context.Context, dbtx DBTX, m db.Month, q *request, after *search.Cursor) (p *fieldPager, use, ok bool, err error) {
	mq := forMonth(dbtx, m)
	if ok, err := batchesComplete(ctx, mq); err != nil || !ok {
		return nil, false, false, err
	}
	f, pattern := hostField, q.f.host.String
	if !q.f.host.Valid {
		f, pattern = tagField, q.f.tag.String
	}
	paths, use, err := fieldPaths(ctx, mq, f, pattern)
	if err != nil || !use {
		return nil, false, false, err
	}
	w, ok, err := window(ctx, dbtx, m, q)
	if err != nil || !ok || paths == "[]" {
		return nil, true, false, err
	}
	a := matchArgs(m, q)
	p = &fieldPager{oldest: q.Order == search.OldestFirst, lo: w.min, hi: w.max,
		batches: dbsqlc.FieldBatchesDescParams{Field: int64(f), Paths: paths, Lim: 4},
		events:  dbsqlc.EventsByIDParams{Since: a.Since, Until: a.Until}, f: q.f}
	if after != nil { // the window ends at the cursor, which is excluded
		if p.oldest {
			p.lo = max(p.lo, after.ID+1)
		} else {
			p.hi = min(p.hi, after.ID-1)
		}
	}
	p.batches.KeyID, p.batches.BoundID = satAdd(p.hi, 1), p.lo
	if p.oldest {
		p.batches.KeyID, p.batches.BoundID = p.lo-1, p.hi
	}
	return p, true, p.lo <= p.hi, nil
}

// batchesComplete reports whether the month of mq has batch records for
// all its rows: it has the table (an older version made the month, and no
// serve of this one has opened it yet, when it does not), and the last
// record reaches the table's last ID (another program, an older aiosyslogd
// or the Python one, stored rows after it, when it does not).
func batchesComplete(ctx context.Context, mq *dbsqlc.Queries) (bool, error) {
	if n, err := mq.HasFieldIndex(ctx); err != nil || n == 0 {
		return false, err
	}
	batched, err := mq.LastBatchedID(ctx)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return false, err
	}
	last, err := mq.LastID(ctx)
	return err == nil && last <= batched, err
}

// satAdd is a+b without overflow past math.MaxInt64.
func satAdd(a, b int64) int64 {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

// next returns the next limit rows, in the pager's order.
func (p *fieldPager) next(ctx context.Context, mq *dbsqlc.Queries, limit int64) ([]dbsqlc.SystemEvent, error) {
	var out []dbsqlc.SystemEvent
	for int64(len(out)) < limit {
		if len(p.buf) == 0 {
			if len(p.pending) == 0 && p.done {
				break
			}
			if err := p.fill(ctx, mq, limit-int64(len(out))); err != nil {
				return out, err
			}
			continue
		}
		n := min(int64(len(p.buf)), limit-int64(len(out)))
		out = append(out, p.buf[:n]...)
		p.buf = p.buf[n:]
	}
	return out, nil
}

// fill reads the events of the next want IDs (at least 64), first taking
// the IDs of the next batches that name the values when none are pending.
func (p *fieldPager) fill(ctx context.Context, mq *dbsqlc.Queries, want int64) error {
	if len(p.pending) == 0 {
		if err := p.readBatches(ctx, mq); err != nil || len(p.pending) == 0 {
			return err
		}
	}
	n := min(len(p.pending), int(max(want, 64)))
	ids, _ := json.Marshal(p.pending[:n]) // numbers always encode
	p.pending = p.pending[n:]
	events := p.events
	events.IDs = string(ids)
	var err error
	if p.buf, err = mq.EventsByID(withFilters(ctx, p.f), events); err != nil {
		return fmt.Errorf("events of %s: %w", p.batches.Paths, err)
	}
	if !p.oldest {
		slices.Reverse(p.buf)
	}
	return nil
}

// readBatches reads the next few batches that name the values into
// pending, and asks for twice as many batches the next time (up to 256):
// a rare value takes few round trips, a common one reads no more than it
// needs.
func (p *fieldPager) readBatches(ctx context.Context, mq *dbsqlc.Queries) error {
	var rows []dbsqlc.FieldBatchesDescRow
	var err error
	if p.oldest {
		var asc []dbsqlc.FieldBatchesAscRow
		asc, err = mq.FieldBatchesAsc(ctx, dbsqlc.FieldBatchesAscParams(p.batches))
		for _, r := range asc {
			rows = append(rows, dbsqlc.FieldBatchesDescRow(r))
		}
	} else {
		rows, err = mq.FieldBatchesDesc(ctx, p.batches)
	}
	if err != nil {
		return fmt.Errorf("batches of %s: %w", p.batches.Paths, err)
	}
	if int64(len(rows)) < p.batches.Lim {
		p.done = true
	}
	if len(rows) == 0 {
		return nil
	}
	p.batches.Lim = min(p.batches.Lim*2, 256)
	return p.ids(rows)
}

// ids puts the IDs of rows' lists inside the window into pending, in the
// pager's order, and moves the batch key past the last batch.
func (p *fieldPager) ids(rows []dbsqlc.FieldBatchesDescRow) error {
	for _, r := range rows {
		var lists [][]int64
		if err := json.Unmarshal([]byte(r.IDs), &lists); err != nil {
			return fmt.Errorf("batch %d: %w", r.ID, err)
		}
		for _, l := range lists {
			for _, offset := range l {
				if id := r.ID + offset; id >= p.lo && id <= p.hi {
					p.pending = append(p.pending, id)
				}
			}
		}
	}
	slices.Sort(p.pending)
	if !p.oldest {
		slices.Reverse(p.pending)
	}
	// The next batches: below the last one's first ID, or (oldest first)
	// past its last ID.
	p.batches.KeyID = rows[len(rows)-1].ID
	if p.oldest {
		p.batches.KeyID = rows[len(rows)-1].LastID
	}
	return nil
}

// valueMonths is how many of the newest months Values reads.
const valueMonths = 2

// Values returns the distinct hosts (search.FieldHost) or tags
// (search.FieldTag) of the newest months that start with prefix, in
// order, at most limit of them: what the query bar offers after host: or
// tag:. Months made before the values were recorded offer none.
func (r *Reader) Values(ctx context.Context, field search.Field, prefix string, limit int) ([]string, error) {
	f := hostField
	switch field {
	case search.FieldHost:
	case search.FieldTag:
		f = tagField
	default:
		return nil, fmt.Errorf("values of %s: only host and tag are recorded", field)
	}
	months, err := Months(ctx, r.db)
	if err != nil {
		return nil, err
	}
	below := anyString
	if b, ok := successor(prefix); ok {
		below = b
	}
	var all []string
	for _, m := range months[:min(len(months), valueMonths)] {
		mq := forMonth(r.db, m)
		if n, err := mq.HasFieldIndex(ctx); err != nil || n == 0 {
			continue
		}
		vs, err := mq.FieldValues(ctx, dbsqlc.FieldValuesParams{Field: int64(f), From: prefix, Below: below, Pattern: "*", Lim: int64(limit)})
		if err != nil {
			return nil, fmt.Errorf("values of %s in %s: %w", field, m.Table(), err)
		}
		all = append(all, vs...)
	}
	slices.Sort(all)
	all = slices.Compact(all)
	return all[:min(len(all), limit)], nil
}
