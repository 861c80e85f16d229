package db

import (
	"context"
	"errors"

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
