// Package dbsqlc is the code sqlc generates from the statements in sql/
// (sqlc.yaml): one method per statement, with its parameter and row types.
// Every file here but this one and statements.go is generated; none is
// edited by hand. Only package db/sqlite uses it, through the wrapper in
// db/sqlite/month.go that runs each statement, written against the template
// table SystemEvents, on one month's tables.
package dbsqlc
