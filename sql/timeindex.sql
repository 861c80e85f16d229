-- The upgrade of a month table made before the time index carried the
-- severity (schema.sql): it makes SystemEvents_ReceivedAtSeverity and
-- drops SystemEvents_ReceivedAt, the index on ReceivedAt alone that it
-- replaces. sqlite.Store runs it, in one transaction, on every month table
-- that still has the old index. Not compiled by sqlc, which skips DROP
-- INDEX; every statement is idempotent.
CREATE INDEX IF NOT EXISTS SystemEvents_ReceivedAtSeverity ON SystemEvents (ReceivedAt, ID, Priority);
DROP INDEX IF EXISTS SystemEvents_ReceivedAt;
