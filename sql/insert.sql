-- name: InsertBatch :execrows
-- InsertBatch stores a whole batch in a month table in ONE statement, so that
-- FTS5 (fed row by row by the AFTER INSERT trigger) flushes its pending index
-- once per batch rather than once per row; one statement per row is about
-- half as fast. rows is a JSON array with one array per row, its elements in
-- the column order below; RawMessage is hex (unhex(NULL) is NULL).
-- jsonb_each, not json_each: it hands each row over as JSONB, which ->> reads
-- directly, where json_each would print each row as text and ->> reparse it,
-- twelve times per row (measured: 30% of the insert's time). No ORDER BY:
-- jsonb_each walks the array in order, so IDs follow arrival order, and
-- ORDER BY key would add a sort (TestWriteKeepsOrder holds it to this).
INSERT INTO SystemEvents (
    Facility, Priority, FromHost, ReceivedAt, DeviceReportedTime,
    SysLogTag, ProcessID, MsgID, StructuredData, Message, RawMessage,
    FromHostIP
)
SELECT
    value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4,
    value ->> 5, value ->> 6, value ->> 7, value ->> 8, value ->> 9,
    unhex(value ->> 10), value ->> 11
FROM jsonb_each(sqlc.arg(rows));

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
