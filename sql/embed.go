// Package sql holds the SQL source of aiosyslogd: the template schema and the
// queries that sqlc compiles into package db. Only the schema files are needed
// at run time, to make a month table from the template.
package sql

import _ "embed"

// Schema is sql/schema.sql: the template table SystemEvents, its index, its
// FTS5 table and triggers. Every statement is idempotent (IF NOT EXISTS).
//
//go:embed schema.sql
var Schema string
