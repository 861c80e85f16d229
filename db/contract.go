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
