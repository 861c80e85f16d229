// Package sqlite is the SQLite store of aiosyslogd: one database file with
// one table per UTC month (SystemEventsYYYYMM, each with its FTS5 index),
// the Store that writes batches of rows into it, and the Reader that answers
// searches. Both speak the types of package db/search (search.Row,
// search.Query, search.Event, search.Cursor), not the ingest pipeline's, and
// fulfil the contracts of package db (db.Writer, db.Searcher).
//
// Every statement is in the .sql files under sql/, compiled by sqlc into
// package db/sqlite/internal/dbsqlc, which only this package uses: the
// generated statements name the template table SystemEvents, which the DBTX
// wrapper in month.go renames to a month's table at run time. It knows
// nothing of sockets or of the command line.
package sqlite
