-- name: CreateMonth :one
-- CreateMonth makes the partition of month's UTC month unless it exists
-- (aiosyslogd_create_month), and reports whether it made it.
SELECT aiosyslogd_create_month(sqlc.arg(month)::timestamptz)::boolean AS created;

-- name: InsertEvents :copyfrom
-- InsertEvents stores a batch's events with COPY; PostgreSQL routes each
-- row to its month's partition.
INSERT INTO SystemEvents (
    Facility, Priority, FromHost, ReceivedAt, DeviceReportedTime,
    SysLogTag, ProcessID, MsgID, StructuredData, Message, RawMessage,
    FromHostIP, Words
) VALUES (
    $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13
);

-- name: AddBatch :execrows
-- AddBatch records a batch's key; 0 rows when it is there already (the
-- batch was stored by an attempt whose COMMIT's answer was lost).
INSERT INTO Batches (ID, Events) VALUES (sqlc.arg(id), sqlc.arg(events))
ON CONFLICT (ID) DO NOTHING;

-- name: DeleteBatchesBefore :execrows
-- DeleteBatchesBefore forgets the keys of batches stored before a time.
DELETE FROM Batches WHERE StoredAt < sqlc.arg(before);

-- name: Months :many
-- Months lists the partitions of SystemEvents, newest first.
SELECT c.relname::text AS name
FROM pg_catalog.pg_inherits i
JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid
WHERE i.inhparent = 'systemevents'::regclass
ORDER BY c.relname DESC;

-- name: StoredBytes :one
-- StoredBytes is the disk the month partitions take, their indexes and
-- TOAST included (what the benchmarks divide by the rows stored).
SELECT COALESCE(sum(pg_catalog.pg_total_relation_size(i.inhrelid)), 0)::bigint AS bytes
FROM pg_catalog.pg_inherits i
WHERE i.inhparent = 'systemevents'::regclass;

-- name: DataDirectory :one
-- DataDirectory is the server's data directory (superusers and members of
-- pg_read_all_settings only): the benchmarks read its postmaster.pid to
-- count the server's CPU.
SELECT pg_catalog.current_setting('data_directory')::text AS dir;
