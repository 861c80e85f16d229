package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/aiosyslogd/aiosyslogd/db/search"
)

// A search with --host or --tag and no full-text query reads the FromHost
// (SysLogTag) index, whatever share of the rows match: a rare host's
// newest events are a short range of the index, where the time index would
// be walked to its end. Those indexes end with the rowid, so within one
// value the rows come in ID (arrival) order, newest first or oldest first,
// with no sort. A pattern ("web1*") becomes the few distinct values it
// matches, each read as a range and merged by ID. The plan falls back to
// walking the time index when the pattern starts with a wildcard (no range
// of the index holds its values) or matches more than maxFieldValues
// values, and for month tables without the index (made by an older
// version, before serve added it).

// maxFieldValues is how many distinct values the index plan merges at most.
const maxFieldValues = 64

// fieldIndex is the statements of one field's index.
type fieldIndex struct {
	next func(mq *Queries, ctx context.Context, from, below, pattern string) (value string, matches bool, err error)
	desc func(mq *Queries, ctx context.Context, a SearchHostDescParams) ([]SystemEvent, error)
	asc  func(mq *Queries, ctx context.Context, a SearchHostDescParams) ([]SystemEvent, error)
	// count counts one value's events in a window of IDs.
	count func(mq *Queries, ctx context.Context, value string, w idWindow) (int64, error)
}

var hostIndex = fieldIndex{
	next: func(mq *Queries, ctx context.Context, from, below, pattern string) (string, bool, error) {
		r, err := mq.NextHost(ctx, NextHostParams{Pattern: pattern, From: from, Below: below})
		return r.FromHost, r.Matches == 1, err
	},
	desc: (*Queries).SearchHostDesc,
	asc: func(mq *Queries, ctx context.Context, a SearchHostDescParams) ([]SystemEvent, error) {
		return mq.SearchHostAsc(ctx, SearchHostAscParams(a))
	},
	count: func(mq *Queries, ctx context.Context, value string, w idWindow) (int64, error) {
		return mq.CountHostInWindow(ctx, CountHostInWindowParams{Value: value, MinID: w.min, MaxID: w.max})
	},
}

var tagIndex = fieldIndex{
	next: func(mq *Queries, ctx context.Context, from, below, pattern string) (string, bool, error) {
		r, err := mq.NextTag(ctx, NextTagParams{Pattern: pattern, From: from, Below: below})
		return r.SysLogTag, r.Matches == 1, err
	},
	desc: func(mq *Queries, ctx context.Context, a SearchHostDescParams) ([]SystemEvent, error) {
		return mq.SearchTagDesc(ctx, SearchTagDescParams(a))
	},
	asc: func(mq *Queries, ctx context.Context, a SearchHostDescParams) ([]SystemEvent, error) {
		return mq.SearchTagAsc(ctx, SearchTagAscParams(a))
	},
	count: func(mq *Queries, ctx context.Context, value string, w idWindow) (int64, error) {
		return mq.CountTagInWindow(ctx, CountTagInWindowParams{Value: value, MinID: w.min, MaxID: w.max})
	},
}

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

// fieldValues returns the distinct values of idx's field that pattern
// matches, in month mq's table. ok is false when the index cannot serve
// the pattern: no literal prefix, or more than maxFieldValues values (or
// four times as many values in the prefix's range, matching or not).
func fieldValues(ctx context.Context, mq *Queries, idx fieldIndex, pattern string) (values []string, ok bool, err error) {
	prefix := literalPrefix(pattern)
	if prefix == pattern {
		return []string{pattern}, true, nil
	}
	below, ok := successor(prefix)
	if prefix == "" || !ok {
		return nil, false, nil
	}
	from := prefix
	for range 4 * maxFieldValues {
		v, matches, err := idx.next(mq, ctx, from, below, pattern)
		if errors.Is(err, sql.ErrNoRows) {
			return values, true, nil
		}
		if err != nil {
			return nil, false, err
		}
		if matches {
			if len(values) == maxFieldValues {
				return nil, false, nil
			}
			values = append(values, v)
		}
		from = v + "\x00" // the least string above v
	}
	return nil, false, nil
}

// fieldPager merges the index ranges of a field's values by ID.
type fieldPager struct {
	idx     fieldIndex
	args    SearchHostDescParams
	oldest  bool // OldestFirst: ascending IDs
	streams []fieldStream
}

// fieldStream is one value's range: the rows read and not yet passed on,
// the ID to continue after, and whether the range is exhausted.
type fieldStream struct {
	value string
	key   int64
	buf   []SystemEvent
	done  bool
}

// newFieldPager returns the index plan for q in month m when it has one
// (use is false otherwise); ok is false when no event of m can match.
func newFieldPager(ctx context.Context, dbtx DBTX, m Month, q *search.Query, after *search.Cursor) (p *fieldPager, use, ok bool, err error) {
	mq := ForMonth(dbtx, m)
	if n, err := mq.HasHostIndex(ctx); err != nil || n == 0 {
		return nil, false, false, err
	}
	idx, pattern := hostIndex, q.Host
	if pattern == "" {
		idx, pattern = tagIndex, q.Tag
	}
	values, use, err := fieldValues(ctx, mq, idx, pattern)
	if err != nil || !use {
		return nil, false, false, err
	}
	w, ok, err := window(ctx, dbtx, m, q)
	if err != nil || !ok || len(values) == 0 {
		return nil, true, false, err
	}
	a := matchArgs(m, q)
	p = &fieldPager{idx: idx, oldest: q.Order == search.OldestFirst, args: SearchHostDescParams{
		Since: a.Since, Until: a.Until, Host: a.Host, Tag: a.Tag, Facility: a.Facility, Severity: a.Severity,
		NotHosts: a.NotHosts, NotTags: a.NotTags, Excluded: a.Excluded}}
	key := w.max
	if key < math.MaxInt64 {
		key++ // exclusive
	}
	if after != nil {
		key = min(key, after.ID)
	}
	p.args.BoundID = w.min
	if p.oldest {
		key, p.args.BoundID = w.min-1, w.max
		if after != nil {
			key = max(key, after.ID)
		}
	}
	for _, v := range values {
		p.streams = append(p.streams, fieldStream{value: v, key: key})
	}
	return p, true, true, nil
}

// next returns the next limit rows of the merged ranges, in ID order.
func (p *fieldPager) next(ctx context.Context, mq *Queries, limit int64) ([]SystemEvent, error) {
	chunk := min(max(16, limit/int64(len(p.streams))+1), pageSize)
	var out []SystemEvent
	for int64(len(out)) < limit {
		best := -1
		for i := range p.streams {
			s := &p.streams[i]
			if len(s.buf) == 0 && !s.done {
				if err := p.fill(ctx, mq, s, chunk); err != nil {
					return out, err
				}
			}
			if len(s.buf) > 0 && (best < 0 || p.first(s.buf[0].ID, p.streams[best].buf[0].ID)) {
				best = i
			}
		}
		if best < 0 {
			break
		}
		s := &p.streams[best]
		out = append(out, s.buf[0])
		s.buf = s.buf[1:]
	}
	return out, nil
}

// first reports whether ID a comes before ID b in the pager's order.
func (p *fieldPager) first(a, b int64) bool {
	if p.oldest {
		return a < b
	}
	return a > b
}

// fill reads up to n more rows of stream s.
func (p *fieldPager) fill(ctx context.Context, mq *Queries, s *fieldStream, n int64) error {
	a := p.args
	a.Value, a.KeyID, a.Lim = s.value, s.key, n
	page := p.idx.desc
	if p.oldest {
		page = p.idx.asc
	}
	rows, err := page(mq, ctx, a)
	if err != nil {
		return fmt.Errorf("search %q: %w", s.value, err)
	}
	if len(rows) > 0 {
		s.key = rows[len(rows)-1].ID
	}
	s.buf, s.done = rows, int64(len(rows)) < n
	return nil
}

// maxIndexFacetValues is how many distinct values indexFacet counts one by
// one at most; a field with more is counted by one pass over the rows.
const maxIndexFacetValues = 2000

// indexFacet counts the events of each value of idx's field with IDs in
// w, from the index alone: one seek to each distinct value and a walk over
// its entries in the window. ok is false when the field has too many
// distinct values in the month for that to be the cheaper way.
func indexFacet(ctx context.Context, mq *Queries, idx fieldIndex, w idWindow) (counts map[string]int64, ok bool, err error) {
	counts = map[string]int64{}
	from, below := "", "\xff\xff\xff\xff"
	for range maxIndexFacetValues {
		v, _, err := idx.next(mq, ctx, from, below, "*")
		if errors.Is(err, sql.ErrNoRows) {
			return counts, true, nil
		}
		if err != nil {
			return nil, false, err
		}
		n, err := idx.count(mq, ctx, v, w)
		if err != nil {
			return nil, false, err
		}
		if n > 0 {
			counts[v] = n
		}
		from = v + "\x00"
	}
	return nil, false, nil
}
