-- SQLite's own catalog, declared for sqlc only (sqlc does not know built-in
-- tables). This file is never executed: SQLite has the table already.
CREATE TABLE sqlite_schema (
    type     TEXT NOT NULL,
    name     TEXT NOT NULL,
    tbl_name TEXT NOT NULL,
    rootpage INTEGER NOT NULL,
    sql      TEXT
);

-- The table-valued function behind PRAGMA table_info, with its hidden
-- argument column arg (the table's name), so that a query can ask for a
-- table's columns with WHERE arg = '…'.
CREATE TABLE pragma_table_info (
    cid        INTEGER NOT NULL,
    name       TEXT    NOT NULL,
    type       TEXT    NOT NULL,
    "notnull"  INTEGER NOT NULL,
    dflt_value TEXT,
    pk         INTEGER NOT NULL,
    arg        TEXT    NOT NULL,
    schema     TEXT
);
