-- name: Partitions :many
-- Partitions lists the month partitions, oldest first, and whether a
-- detach of each was begun and not finished.
SELECT c.relname::text AS name, i.inhdetachpending AS detach_pending
FROM pg_catalog.pg_inherits i
JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid
WHERE i.inhparent = 'systemevents'::regclass
ORDER BY c.relname;

-- name: DetachMonth :exec
-- DetachMonth detaches a month's partition without blocking writers or
-- readers of the others (CONCURRENTLY: outside any transaction block).
ALTER TABLE SystemEvents DETACH PARTITION /* TEMPLATE: month */ SystemEvents_Month CONCURRENTLY;

-- name: FinishDetachMonth :exec
-- FinishDetachMonth finishes a detach that was interrupted.
ALTER TABLE SystemEvents DETACH PARTITION /* TEMPLATE: month */ SystemEvents_Month FINALIZE;

-- name: DropMonth :exec
-- DropMonth drops a detached month's table.
DROP TABLE IF EXISTS /* TEMPLATE: month */ SystemEvents_Month;
