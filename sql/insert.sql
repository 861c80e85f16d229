-- name: StageEvent :exec
-- StageEvent adds one row of a batch to the staging table.
INSERT INTO SystemEventsStaging (
    Facility, Priority, FromHost, ReceivedAt, DeviceReportedTime,
    SysLogTag, ProcessID, MsgID, StructuredData, Message, RawMessage
) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);

-- name: InsertStaged :execrows
-- InsertStaged moves the staged batch into a month table in ONE statement:
-- the FTS5 trigger fires per row, but FTS5 flushes its pending index once.
INSERT INTO SystemEvents (
    Facility, Priority, FromHost, ReceivedAt, DeviceReportedTime,
    SysLogTag, ProcessID, MsgID, StructuredData, Message, RawMessage
)
SELECT
    Facility, Priority, FromHost, ReceivedAt, DeviceReportedTime,
    SysLogTag, ProcessID, MsgID, StructuredData, Message, RawMessage
FROM SystemEventsStaging
ORDER BY rowid;

-- name: ClearStaged :exec
-- ClearStaged empties the staging table for the next batch.
DELETE FROM SystemEventsStaging;

-- name: CountEvents :one
-- CountEvents counts the rows of a month table.
SELECT count(*) FROM SystemEvents;

-- name: CountMatches :one
-- CountMatches counts the rows whose Message matches an FTS5 query.
SELECT count(*) FROM SystemEvents_FTS WHERE SystemEvents_FTS.Message MATCH sqlc.arg(query);

-- name: ListMonthTables :many
-- ListMonthTables lists the month tables, newest first.
SELECT name FROM sqlite_schema
WHERE type = 'table' AND name GLOB 'SystemEvents[0-9][0-9][0-9][0-9][0-9][0-9]'
ORDER BY name DESC;
