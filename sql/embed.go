// Package sqlsrc holds the SQL source of aiosyslogd, in the folder sql/:
// the template schema and the queries that sqlc compiles for package
// db/sqlite.
// Only the schema and the filters fragment are needed at run time, to make
// a month table from the template and to complete the statements that take
// the filters. (Not package sql: that would shadow database/sql.)
package sqlsrc

import _ "embed"

// Schema is sql/schema.sql: the template table SystemEvents, its index, its
// FTS5 table and triggers. Every statement is idempotent (IF NOT EXISTS).
//
//go:embed schema.sql
var Schema string

// Filters is sql/filters.sql: the optional field filters of the statements
// in sql/search.sql that have its template block, which db/sqlite/month.go
// replaces with it. It is a fragment, not a statement, so sqlc does not
// compile it.
//
//go:embed filters.sql
var Filters string

// Batch is sql/batch.sql: the columns of the virtual table InsertBatch
// reads a batch's rows from, which its module declares as its schema.
//
//go:embed batch.sql
var Batch string

// PostgresSchema is sql/postgres/schema.sql: the PostgreSQL store's parent
// table, its indexes, the batch keys and the function that makes a month's
// partition. Every statement is idempotent; the store runs it at open.
//
//go:embed postgres/schema.sql
var PostgresSchema string

// TimeIndex is sql/timeindex.sql: the upgrade that replaces the time index
// of an older month table, on ReceivedAt alone, by the one schema.sql has
// on ReceivedAt, ID and Priority.
//
//go:embed timeindex.sql
var TimeIndex string

// SpoolSchema is sql/spool_schema.sql: the table where the SQLite store
// keeps, in each batch's transaction, where the batch ends in serve's
// spool. It is idempotent; the store runs it at open.
//
//go:embed spool_schema.sql
var SpoolSchema string
