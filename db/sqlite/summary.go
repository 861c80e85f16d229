package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db"
	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/db/sqlite/internal/dbsqlc"
)

// Histogram counts the events that match q in at most n buckets of time
// over q's range (search.NewHistogram chooses the step), in all and by
// severity. An open range ends now and begins at the oldest stored event
// (by q.Time; 24 hours back in an empty database). q.Limit, q.Order and
// q.After are ignored.
func (r *Reader) Histogram(ctx context.Context, sq search.Query, n int) (search.Histogram, error) {
	return histogram(ctx, r.db, sq, n)
}

// histogram is Histogram on dbtx.
func histogram(ctx context.Context, dbtx DBTX, sq search.Query, n int) (search.Histogram, error) {
	sq.After = search.Cursor{}
	if sq.Until.IsZero() {
		sq.Until = time.Now()
	}
	if sq.Since.IsZero() {
		oldest, ok, err := edge(ctx, dbtx, false)
		if sq.Time == search.EventTime {
			oldest, ok, err = oldestEventTime(ctx, dbtx)
		}
		if err != nil {
			return search.Histogram{}, err
		}
		sq.Since = sq.Until.Add(-24 * time.Hour)
		if ok && oldest.Before(sq.Until) {
			sq.Since = oldest
		}
	}
	h := search.NewHistogram(sq.Since, sq.Until, n)
	if sq.Time == search.EventTime {
		return h, histogramByEventTime(ctx, dbtx, sq, &h)
	}
	q, months, _, err := plan(ctx, dbtx, sq)
	if err != nil {
		return h, err
	}
	for _, m := range months {
		if err := histogramMonth(ctx, dbtx, m, q, &h); err != nil {
			return h, fmt.Errorf("histogram of %s: %w", m.Table(), err)
		}
	}
	return h, nil
}

// plain reports whether q has no filter but its time range: its counts
// need no row, only the ReceivedAt index.
func plain(q *request) bool {
	return q.match == "" && q.f.isZero()
}

// histogramMonth adds the counts of month m to h.
func histogramMonth(ctx context.Context, dbtx DBTX, m db.Month, q *request, h *search.Histogram) error {
	mq := forMonth(dbtx, m)
	if plain(q) {
		return plainHistogramMonth(ctx, mq, m, q, h)
	}
	a := matchArgs(m, q)
	origin, step := h.Start.Unix(), int64(h.Step/time.Second)
	w, ok, err := window(ctx, dbtx, m, q)
	if err != nil || !ok {
		return err
	}
	if q.match == "" {
		rows, err := mq.HistogramTime(withFilters(ctx, q.f), dbsqlc.HistogramTimeParams{Origin: origin, Step: step, MinID: w.min, MaxID: w.max,
			Since: a.Since, Until: a.Until})
		for _, r := range rows {
			h.Add(r.Bucket, r.Severity, r.N)
		}
		return err
	}
	rows, err := mq.HistogramMatch(withFilters(ctx, q.f), dbsqlc.HistogramMatchParams{Origin: origin, Step: step, Query: a.Query, MinID: w.min, MaxID: w.max,
		Since: a.Since, Until: a.Until})
	for _, r := range rows {
		h.Add(r.Bucket, r.Severity, r.N)
	}
	return err
}

// plainHistogramMonth counts each bucket's part of month m by severity.
// A bucket that holds whole batches is counted from their batch records
// and the rows of the two batches across its edges (severityBatches),
// checked against the bucket's count in the time index (a walk over index
// entries, no row read). Any other bucket (narrower than a batch, no
// complete records, or counts that disagree because rows were stored out
// of time order) is counted by severity from the time index alone, which
// carries each row's severity (SeveritiesTimeRange, no row read either):
// the counts are exact either way.
func plainHistogramMonth(ctx context.Context, mq *dbsqlc.Queries, m db.Month, q *request, h *search.Histogram) error {
	batched, err := batchesComplete(ctx, mq)
	if err != nil {
		return err
	}
	lo, hi := boundTimes(q, m)
	for i := range h.Counts {
		start := h.Start.Add(time.Duration(i) * h.Step)
		since, until := start, start.Add(h.Step)
		if lo.After(since) {
			since = lo
		}
		if hi.Before(until) {
			until = hi
		}
		if !since.Before(until) {
			continue
		}
		s, u := formatTime(since), formatTime(until)
		sev, ok := search.Severities{}, false
		if batched {
			if sev, ok, err = severityBatches(ctx, mq, s, u); err != nil {
				return err
			}
		}
		if ok {
			n, err := mq.CountTimeRange(ctx, dbsqlc.CountTimeRangeParams{Since: s, Until: u})
			if err != nil {
				return err
			}
			ok = sum(sev) == n
		}
		if !ok {
			if sev, err = severityRows(ctx, mq, s, u); err != nil {
				return err
			}
		}
		for s, c := range sev {
			h.Add(int64(i), int64(s), c)
		}
	}
	return nil
}

// severityBatches counts by severity the events received in [since,
// until) of a month whose batch records are complete: the records' counts
// for the batches inside the IDs of the range, and the time index's
// entries for the rest (SeveritiesTimeIDs). ok is false when the range
// has no event or no whole batch. Rows stored out of time order may be
// missed here: the caller checks the total.
func severityBatches(ctx context.Context, mq *dbsqlc.Queries, since, until string) (sev search.Severities, ok bool, err error) {
	var w idWindow
	if w.min, err = mq.FirstIDSince(ctx, since); err != nil {
		return sev, false, ignoreNoRows(err)
	}
	if w.max, err = mq.LastIDBefore(ctx, until); err != nil {
		return sev, false, ignoreNoRows(err)
	}
	if w.min > w.max {
		return sev, false, nil
	}
	inside, err := mq.BatchesInside(ctx, dbsqlc.BatchesInsideParams{MinID: w.min, MaxID: w.max})
	if err != nil || inside.InsideFirst > inside.InsideLast {
		return sev, false, err
	}
	rows, err := mq.FieldCounts(ctx, dbsqlc.FieldCountsParams{Field: int64(search.FieldSeverity), MinID: w.min, MaxID: w.max})
	if err != nil {
		return sev, false, err
	}
	for _, r := range rows {
		addSeverity(&sev, r.Value, r.N)
	}
	// The batches across the edges, from the time index: their rows
	// before the first whole batch's first event, and after the last
	// one's last event.
	first, err := mq.ReceivedAtOf(ctx, inside.InsideFirst)
	if err != nil {
		return sev, false, ignoreNoRows(err)
	}
	last, err := mq.ReceivedAtOf(ctx, inside.InsideLast)
	if err != nil {
		return sev, false, ignoreNoRows(err)
	}
	for _, edge := range []dbsqlc.SeveritiesTimeIDsParams{
		{Since: since, Through: first, Until: until, MinID: w.min, MaxID: inside.InsideFirst - 1},
		{Since: last, Through: until, Until: until, MinID: inside.InsideLast + 1, MaxID: w.max},
	} {
		if edge.MinID > edge.MaxID {
			continue
		}
		rows, err := mq.SeveritiesTimeIDs(ctx, edge)
		if err != nil {
			return sev, false, err
		}
		for _, r := range rows {
			sev[r.Severity&7] += r.N
		}
	}
	return sev, true, nil
}

// severityRows counts by severity the events received in [since, until),
// row by row.
func severityRows(ctx context.Context, mq *dbsqlc.Queries, since, until string) (search.Severities, error) {
	var sev search.Severities
	rows, err := mq.SeveritiesTimeRange(ctx, dbsqlc.SeveritiesTimeRangeParams{Since: since, Until: until})
	for _, r := range rows {
		sev[r.Severity&7] += r.N
	}
	return sev, err
}

// addSeverity adds n to the count of the severity whose code is the
// decimal text code; a code outside 0-7 is left out.
func addSeverity(sev *search.Severities, code string, n int64) {
	if c, err := strconv.Atoi(code); err == nil && c >= 0 && c < len(sev) {
		sev[c] += n
	}
}

// sum is the total of sev.
func sum(sev search.Severities) int64 {
	var n int64
	for _, c := range sev {
		n += c
	}
	return n
}

// ignoreNoRows is nil for sql.ErrNoRows, else err.
func ignoreNoRows(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	return err
}

// facetsPerMonth is how many values of a field each month contributes to
// Facets: the counts are exact for fields with fewer distinct values in
// each month of the range, and the top ones of any field come out right
// unless their counts are spread thinly over many months.
const facetsPerMonth = 1000

// Facets returns the top values of field among the events that match q,
// most frequent first (ties by value), at most top of them. q.Limit,
// q.Order and q.After are ignored.
func (r *Reader) Facets(ctx context.Context, sq search.Query, field search.Field, top int) ([]search.FacetValue, error) {
	sq.After = search.Cursor{}
	counts := map[string]int64{}
	if sq.Time == search.EventTime {
		if err := facetsByEventTime(ctx, r.db, sq, field, counts); err != nil {
			return nil, err
		}
	} else if err := r.facets(ctx, sq, field, counts); err != nil {
		return nil, err
	}
	return search.TopFacets(counts, top), nil
}

// facets adds to counts the values of field among the events that match
// sq by ReceivedAt, month by month.
func (r *Reader) facets(ctx context.Context, sq search.Query, field search.Field, counts map[string]int64) error {
	q, months, _, err := plan(ctx, r.db, sq)
	if err != nil {
		return err
	}
	for _, m := range months {
		if err := facetMonth(ctx, r.db, m, q, field, counts); err != nil {
			return fmt.Errorf("facets of %s: %w", m.Table(), err)
		}
	}
	return nil
}

// facetMonth adds the counts of field's values in month m to counts.
func facetMonth(ctx context.Context, dbtx DBTX, m db.Month, q *request, field search.Field, counts map[string]int64) error {
	mq := forMonth(dbtx, m)
	a := matchArgs(m, q)
	f := int64(field)
	w, ok, err := window(ctx, dbtx, m, q)
	if err != nil || !ok {
		return err
	}
	if plain(q) {
		return plainFacetMonth(ctx, mq, m, q, field, w, counts)
	}
	if q.match == "" {
		rows, err := mq.FacetTime(withFilters(ctx, q.f), dbsqlc.FacetTimeParams{Field: f, MinID: w.min, MaxID: w.max, Since: a.Since, Until: a.Until, Lim: facetsPerMonth})
		for _, r := range rows {
			counts[r.Value] += r.N
		}
		return err
	}
	rows, err := mq.FacetMatch(withFilters(ctx, q.f), dbsqlc.FacetMatchParams{Field: f, Query: a.Query, MinID: w.min, MaxID: w.max, Since: a.Since, Until: a.Until, Lim: facetsPerMonth})
	for _, r := range rows {
		counts[r.Value] += r.N
	}
	return err
}

// plainFacetMonth counts the facet of a query without filters in month m
// from the batch records' counts for the batches inside the window w, and
// from the rows for the rest of it (the batches across its edges, and all
// of it for a month without complete records).
func plainFacetMonth(ctx context.Context, mq *dbsqlc.Queries, m db.Month, q *request, f search.Field, w idWindow, counts map[string]int64) error {
	rest := []idWindow{w}
	if ok, err := batchesComplete(ctx, mq); err != nil {
		return err
	} else if ok {
		inside, err := mq.BatchesInside(ctx, dbsqlc.BatchesInsideParams{MinID: w.min, MaxID: w.max})
		if err != nil {
			return err
		}
		if inside.InsideFirst <= inside.InsideLast {
			rows, err := mq.FieldCounts(ctx, dbsqlc.FieldCountsParams{Field: int64(f), MinID: w.min, MaxID: w.max})
			if err != nil {
				return err
			}
			for _, r := range rows {
				counts[r.Value] += r.N
			}
			rest = []idWindow{{w.min, inside.InsideFirst - 1}, {inside.InsideLast + 1, w.max}}
		}
	}
	since, until := bounds(q, m)
	for _, part := range rest {
		if part.min > part.max {
			continue
		}
		rows, err := mq.FacetPlain(ctx, dbsqlc.FacetPlainParams{Field: int64(f), MinID: part.min, MaxID: part.max, Since: since, Until: until, Lim: facetsPerMonth})
		if err != nil {
			return err
		}
		for _, r := range rows {
			counts[r.Value] += r.N
		}
	}
	return nil
}

// Newest returns when the newest stored event was received; ok is false
// when nothing is stored.
func (r *Reader) Newest(ctx context.Context) (t time.Time, ok bool, err error) {
	return edge(ctx, r.db, true)
}

// edge returns when the newest (or oldest) stored event was received.
func edge(ctx context.Context, dbtx DBTX, newest bool) (time.Time, bool, error) {
	months, err := Months(ctx, dbtx)
	if err != nil {
		return time.Time{}, false, err
	}
	if !newest {
		slices.Reverse(months)
	}
	for _, m := range months {
		mq := forMonth(dbtx, m)
		at, err := mq.OldestReceivedAt(ctx)
		if newest {
			at, err = mq.NewestReceivedAt(ctx)
		}
		if errors.Is(err, sql.ErrNoRows) {
			continue // an empty month table
		}
		if err != nil {
			return time.Time{}, false, fmt.Errorf("read %s: %w", m.Table(), err)
		}
		t, err := ParseTime(at)
		return t, err == nil, err
	}
	return time.Time{}, false, nil
}

// SetMaxConns lets up to n searches run at once, each on its own read
// connection (OpenReader's Reader has one). Searches beyond n wait for a
// connection, or for their context.
func (r *Reader) SetMaxConns(n int) {
	r.db.SetMaxOpenConns(max(n, 1))
	r.db.SetMaxIdleConns(max(n, 1))
}

// Event returns the event with ID id in the month table called table (as
// in search.Event.Table); ok is false when there is no such event.
func (r *Reader) Event(ctx context.Context, table string, id int64) (e search.Event, ok bool, err error) {
	m, err := db.ParseMonthTable(table)
	if err != nil {
		return e, false, nil
	}
	months, err := Months(ctx, r.db)
	if err != nil || !slices.Contains(months, m) {
		return e, false, err
	}
	row, err := forMonth(r.db, m).GetEvent(ctx, id)
	if errors.Is(err, sql.ErrNoRows) {
		return e, false, nil
	}
	if err != nil {
		return e, false, fmt.Errorf("read event %d of %s: %w", id, table, err)
	}
	return eventOf(m, &row), true, nil
}
