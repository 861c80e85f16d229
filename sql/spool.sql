-- name: AdvanceSpoolPosition :execrows
-- AdvanceSpoolPosition records, in a batch's transaction, where the batch
-- ends in its spool (SpoolPositions, sql/spool_schema.sql): 1 row when that is past the position stored so far,
-- 0 when the batch ends at or before it (an earlier attempt stored it, and
-- the pipeline did not learn so: the store then stores nothing).
INSERT INTO SpoolPositions (Spool, Segment, EndOffset, StoredAt)
VALUES (sqlc.arg(spool), sqlc.arg(segment), sqlc.arg(end_offset), sqlc.arg(stored_at))
ON CONFLICT (Spool) DO UPDATE SET
  Segment = excluded.Segment, EndOffset = excluded.EndOffset, StoredAt = excluded.StoredAt
WHERE SpoolPositions.Segment < excluded.Segment
   OR SpoolPositions.Segment = excluded.Segment AND SpoolPositions.EndOffset < excluded.EndOffset;

-- name: SpoolPosition :one
-- SpoolPosition is where the last batch stored from a spool ends.
SELECT Segment, EndOffset FROM SpoolPositions WHERE Spool = sqlc.arg(spool);
