-- name: Snapshot :one
-- Snapshot is the transaction's snapshot, as text: in a REPEATABLE READ
-- transaction, what every statement of it sees.
SELECT pg_current_snapshot()::text AS snapshot;

-- name: FollowEvents :many
-- FollowEvents lists the candidates (as SearchDesc narrows them) stored by
-- transactions that the snapshot seen_by did not see and the running one
-- does, oldest first, above the key (key_at, key_id). A transaction not
-- visible in a snapshot has an id at or above its xmin, which the TxID
-- index seeks to.
SELECT ID, Facility, Priority, FromHost, InfoUnitID, ReceivedAt, DeviceReportedTime,
       SysLogTag, ProcessID, MsgID, StructuredData, Message, RawMessage, FromHostIP
FROM SystemEvents
WHERE TxID >= pg_snapshot_xmin(sqlc.arg(seen_by)::text::pg_snapshot)
  AND NOT pg_visible_in_snapshot(TxID, sqlc.arg(seen_by)::text::pg_snapshot)
  AND (ReceivedAt, ID) > (sqlc.arg(key_at)::timestamptz, sqlc.arg(key_id)::bigint)
  AND ReceivedAt >= sqlc.arg(since)::timestamptz
  AND (sqlc.narg(words)::text IS NULL OR Words @@ sqlc.narg(words)::text::tsquery)
  AND (sqlc.narg(severities)::smallint[] IS NULL OR Priority = ANY(sqlc.narg(severities)::smallint[]))
  AND (sqlc.narg(facilities)::smallint[] IS NULL OR Facility = ANY(sqlc.narg(facilities)::smallint[]))
  AND (sqlc.narg(hosts)::text[] IS NULL OR FromHost = ANY(sqlc.narg(hosts)::text[]))
  AND (sqlc.narg(tags)::text[] IS NULL OR SysLogTag = ANY(sqlc.narg(tags)::text[]))
ORDER BY ReceivedAt, ID
LIMIT sqlc.arg(lim);
