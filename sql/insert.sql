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

-- name: HasFieldIndex :one
-- HasFieldIndex reports whether a month table has its table of where each
-- host and tag is (SystemEvents_Batches): those made before it existed gain
-- it when the store opens.
SELECT count(*) FROM sqlite_schema
WHERE type = 'table' AND name = 'SystemEvents_Batches';

-- name: InsertBatchFields :exec
-- InsertBatchFields records where each host and tag of stored rows is
-- (host_counts, tag_counts, sev_counts, fac_counts: JSON objects {value:
-- count}; hosts and
-- tags: {value: [OFFSET, ...]}), replacing the record of the same first ID:
-- small batches extend one record.
INSERT OR REPLACE INTO SystemEvents_Batches (ID, LastID, HostCounts, TagCounts, SevCounts, FacCounts, Hosts, Tags)
SELECT CAST(sqlc.arg(first_id) AS INTEGER), CAST(sqlc.arg(last_id) AS INTEGER),
       jsonb(CAST(sqlc.arg(host_counts) AS TEXT)), jsonb(CAST(sqlc.arg(tag_counts) AS TEXT)),
       jsonb(CAST(sqlc.arg(sev_counts) AS TEXT)), jsonb(CAST(sqlc.arg(fac_counts) AS TEXT)),
       CAST(sqlc.arg(hosts) AS TEXT), CAST(sqlc.arg(tags) AS TEXT);

-- name: InsertFieldValues :exec
-- InsertFieldValues adds the keys of host_counts and tag_counts (as
-- InsertBatchFields takes them) to the month's distinct values.
INSERT OR IGNORE INTO SystemEvents_Values (Field, Value)
SELECT 0, key FROM json_each(CAST(sqlc.arg(host_counts) AS TEXT))
UNION ALL
SELECT 1, key FROM json_each(CAST(sqlc.arg(tag_counts) AS TEXT));

-- name: FieldsAfter :many
-- FieldsAfter lists the hosts and tags of the rows after ID after, in ID
-- order: how the store fills SystemEvents_Batches for a month table made
-- before it (once, when it opens).
SELECT e.ID, e.FromHost, e.SysLogTag, e.Priority, e.Facility FROM SystemEvents e
WHERE e.ID > sqlc.arg(after)
ORDER BY e.ID
LIMIT sqlc.arg(lim);

-- name: LastInsertID :one
-- LastInsertID is the ID of the last row the connection inserted (the
-- statement's own, not its triggers').
SELECT CAST(last_insert_rowid() AS INTEGER);
