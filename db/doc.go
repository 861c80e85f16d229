// Package db is what every store of aiosyslogd shares: the contract a store
// fulfils for the pipeline (Writer) and for readers (Searcher), the month a
// row belongs to and the table name both engines give it
// (SystemEventsYYYYMM: Month, MonthOf, ParseMonthTable, CheckCursor), what a
// query reads of a stored row (QueryRecord), and ErrNoDatabase. The search
// model the stores speak is package db/search, and the suite every store
// must pass alike is db/storetest.
//
// Each engine is a package below it, with its generated code inside:
// db/sqlite (one SQLite file, a table per month with its FTS5 index) and
// db/postgres (one PostgreSQL parent table partitioned by month). The
// command picks one from the configuration. This package holds no SQL and
// imports no database driver.
package db
