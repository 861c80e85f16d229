-- name: DropMonthFTS :exec
-- DropMonthFTS drops a month's FTS5 table with its shadow tables.
DROP TABLE IF EXISTS SystemEvents_FTS;

-- name: DropMonthTable :exec
-- DropMonthTable drops a month's table with its index and triggers.
DROP TABLE IF EXISTS SystemEvents;
