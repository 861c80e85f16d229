-- name: InsertBatch :execrows
-- InsertBatch writes a whole batch in ONE statement, so that FTS5 flushes its
-- pending index once per batch instead of once per row. batch is a JSON array
-- of rows, each an array in the column order below; RawMessage travels as hex.
INSERT INTO SystemEvents (
    Facility, Priority, FromHost, ReceivedAt, DeviceReportedTime,
    SysLogTag, ProcessID, MsgID, StructuredData, Message, RawMessage
)
SELECT
    json_extract(value, '$[0]'),
    json_extract(value, '$[1]'),
    json_extract(value, '$[2]'),
    json_extract(value, '$[3]'),
    json_extract(value, '$[4]'),
    json_extract(value, '$[5]'),
    json_extract(value, '$[6]'),
    json_extract(value, '$[7]'),
    json_extract(value, '$[8]'),
    json_extract(value, '$[9]'),
    unhex(json_extract(value, '$[10]'))
FROM json_each(CAST(sqlc.arg(batch) AS TEXT));

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
