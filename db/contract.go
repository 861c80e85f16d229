package db

import (
	"context"
	"errors"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db/search"
)

// ErrNoDatabase is what a store's OpenReader returns, wrapped, when the
// database it was told to read does not exist: the caller may say where the
// database was expected.
var ErrNoDatabase = errors.New("no database")

// Writer is what serve needs of a store, whichever engine it is: the
// pipeline's Write (the contract of ingest.Store: the whole batch or an
// error, safe to call again with the same batch) and Close. sqlite.Store
// and postgres.Store fulfil it.
type Writer interface {
	Write(ctx context.Context, batch []search.Row) error
	Close() error
}

// Searcher is what the search command needs of a store's reader: the
// events that match a query, in its order, and how many. sqlite.Reader
// and postgres.Reader fulfil it.
type Searcher interface {
	Search(ctx context.Context, q search.Query, each func(search.Event) error) error
	Count(ctx context.Context, q search.Query) (int64, error)
	Close() error
}

// SpoolPosition is where a batch ends in the spool serve read it from: the
// spool's identity, and the segment and offset of the end of the batch's
// last record there.
type SpoolPosition struct {
	Spool   string
	Segment uint64
	Offset  int64
}

// SpoolWriter is a Writer that keeps, in the transaction of each batch,
// where the batch ends in its spool. The spool notes how far it is stored
// only after the COMMIT; a crash between the two would store the batch
// again at the next start, but the spool reads on from the position the
// store kept instead. sqlite.Store fulfils it.
type SpoolWriter interface {
	Writer
	// WriteSpooled is Write with end stored in the same transaction. A
	// batch that ends at or before the position stored already for its
	// spool was stored by an earlier attempt: it is not stored again, and
	// WriteSpooled returns nil.
	WriteSpooled(ctx context.Context, batch []search.Row, end SpoolPosition) error
	// SpoolPosition returns the position stored for the spool with
	// identity spool; false when there is none.
	SpoolPosition(ctx context.Context, spool string) (SpoolPosition, bool, error)
}

// Browser is what the web UI and its HTTP API need of a store's reader,
// whichever engine it is: searches with cursors and pages, counts, the
// histogram by severity, facets, the values the query bar suggests, one
// event by its table and ID, the newest event's time, and the live tail.
// Every method that takes a search.Query honours its Time (ReceivedTime
// or EventTime) or says it cannot. Reader (SQLite) and postgres.Reader
// fulfil it.
type Browser interface {
	Searcher
	// Histogram counts the events that match q in at most n buckets of
	// time (search.NewHistogram's step), in all and by severity.
	Histogram(ctx context.Context, q search.Query, n int) (search.Histogram, error)
	// Facets returns the top values of field among the events that
	// match q, most frequent first (ties by value).
	Facets(ctx context.Context, q search.Query, field search.Field, top int) ([]search.FacetValue, error)
	// Values returns known hosts or tags that start with prefix, in
	// order, at most limit of them.
	Values(ctx context.Context, field search.Field, prefix string, limit int) ([]string, error)
	// Event returns the event with ID id in the month table called
	// table (search.Event.Table); ok is false when there is none.
	Event(ctx context.Context, table string, id int64) (e search.Event, ok bool, err error)
	// Newest returns when the newest stored event was received; ok is
	// false when nothing is stored.
	Newest(ctx context.Context) (t time.Time, ok bool, err error)
	// Tail calls each for the newest n events that match q, oldest
	// first, and returns the cursor Follow goes on from.
	Tail(ctx context.Context, q search.Query, n int, each func(search.Event) error) (search.Cursor, error)
	// Follow calls each for the events that match q stored after the
	// cursor, as they are stored, until ctx ends.
	Follow(ctx context.Context, q search.Query, after search.Cursor, interval time.Duration, each func(search.Event) error) error
}
