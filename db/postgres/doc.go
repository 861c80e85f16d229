// Package postgres is the PostgreSQL store of aiosyslogd: one parent table
// SystemEvents partitioned by UTC month of ReceivedAt (systemeventsYYYYMM),
// the Store that writes batches of rows into it with COPY, and the Reader
// that answers the searches of package db/search over a full-text (GIN)
// index whose words are cut as the SQLite store's FTS5 index cuts them.
//
// Every statement is in sql/postgres/*.sql, compiled by sqlc for pgx/v5
// into db/postgres/internal/pgsqlc; the only other SQL it sends is the
// schema file itself. Nothing is built from input: query words are a bound
// tsquery parameter, and month partitions are made by a PL/pgSQL function
// of the schema that takes a time.
package postgres
