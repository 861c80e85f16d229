// Package db owns the storage of aiosyslogd: the SQLite database with one
// table per UTC month (SystemEventsYYYYMM, each with its FTS5 index), the
// Store that writes batches of rows into it, and the Reader that answers
// searches. Both speak the types of package db/search (search.Row,
// search.Query, search.Event, search.Cursor), not the ingest pipeline's.
//
// Every statement is in the .sql files under sql/, compiled by sqlc into
// package db/internal/dbsqlc, which only this package uses: the generated
// statements name the template table SystemEvents, which the DBTX wrapper in
// month.go renames to a month's table at run time. It knows nothing of
// sockets or of the command line.
//
// It also holds what every store shares: Writer and Searcher, the
// contracts serve and search need of a store, which this SQLite store and
// the PostgreSQL store of db/postgres both fulfil.
package db
