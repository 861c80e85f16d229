-- Upgrades of month tables made by an older schema. Store.Open runs them on
-- every month table that lacks what they add; the template (schema.sql)
-- already has it, so new months need none.

-- name: HasFromHostIP :one
-- HasFromHostIP counts (0 or 1) the FromHostIP column of a month table.
SELECT count(*) FROM pragma_table_info WHERE arg = 'SystemEvents' AND name = 'FromHostIP';

-- name: AddFromHostIP :exec
-- AddFromHostIP adds the FromHostIP column (NULL in the rows already
-- there) at the end of a month table, where schema.sql has it.
ALTER TABLE SystemEvents ADD COLUMN FromHostIP TEXT;

-- name: HasEventTimeIndex :one
-- HasEventTimeIndex counts (0 or 1) the event time index of a month
-- table. A table without it gets it from schema.sql (sqlite.CreateMonth runs
-- its statements, each IF NOT EXISTS): sqlc compiles no CREATE INDEX.
SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name = 'SystemEvents_EventTime';


-- name: HasReceivedAtIndex :one
-- HasReceivedAtIndex counts (0 or 1) the time index of older month tables,
-- on ReceivedAt alone, which SystemEvents_ReceivedAtSeverity replaces
-- (sql/timeindex.sql).
SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name = 'SystemEvents_ReceivedAt';
