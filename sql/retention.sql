-- name: DropMonthFTS :exec
-- DropMonthFTS drops a month's FTS5 table with its shadow tables.
DROP TABLE IF EXISTS SystemEvents_FTS;

-- name: DropMonthTable :exec
-- DropMonthTable drops a month's table with its index and triggers.
DROP TABLE IF EXISTS SystemEvents;

-- name: DropMonthBatches :exec
-- DropMonthBatches drops a month's table of where each host and tag is.
DROP TABLE IF EXISTS SystemEvents_Batches;

-- name: DropMonthValues :exec
-- DropMonthValues drops a month's table of its distinct hosts and tags.
DROP TABLE IF EXISTS SystemEvents_Values;
