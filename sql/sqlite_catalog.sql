-- SQLite's own catalog, declared for sqlc only (sqlc does not know built-in
-- tables). This file is never executed: SQLite has the table already.
CREATE TABLE sqlite_schema (
    type     TEXT NOT NULL,
    name     TEXT NOT NULL,
    tbl_name TEXT NOT NULL,
    rootpage INTEGER NOT NULL,
    sql      TEXT
);

