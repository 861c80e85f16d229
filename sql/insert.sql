-- name: InsertBatch :execrows
-- InsertBatch stores the rows of a batch received in one month in a month
-- table in ONE statement, so that FTS5 (fed row by row by the AFTER INSERT
-- trigger) flushes its pending index once per batch rather than once per
-- row; one statement per row is about half as fast. The rows come from the
-- virtual table aiosyslogd_batch (sql/batch.sql), which reads them from
-- the records in memory: no encoding of each row into a parameter and no
-- parsing of it back (a JSON array read by jsonb_each took a fifth of the
-- writer's time). No ORDER BY: the table hands the rows over in arrival
-- order, so IDs follow arrival (TestWriteKeepsOrder holds it to this).
INSERT INTO SystemEvents (
    Facility, Priority, FromHost, ReceivedAt, DeviceReportedTime,
    SysLogTag, ProcessID, MsgID, StructuredData, Message, RawMessage,
    FromHostIP
)
SELECT
    Facility, Priority, FromHost, ReceivedAt, DeviceReportedTime,
    SysLogTag, ProcessID, MsgID, StructuredData, Message, RawMessage,
    FromHostIP
FROM aiosyslogd_batch
WHERE batch = CAST(sqlc.arg(batch) AS INTEGER);

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
