-- name: SearchDesc :many
-- SearchDesc lists the events received in [since, until), newest first,
-- through the ReceivedAt index, starting below the key (key_at, key_id):
-- (until, 0) for the first page, the last row's (ReceivedAt, ID) for the
-- next ones.
SELECT * FROM SystemEvents e
WHERE (e.ReceivedAt, e.ID) < (sqlc.arg(key_at), CAST(sqlc.arg(key_id) AS INTEGER))
  AND e.ReceivedAt >= sqlc.arg(since) AND e.ReceivedAt < sqlc.arg(until)
  AND (e.FromHost GLOB sqlc.narg(host) OR sqlc.narg(host) IS NULL)
  AND (e.SysLogTag GLOB sqlc.narg(tag) OR sqlc.narg(tag) IS NULL)
  AND (e.Facility = sqlc.narg(facility) OR sqlc.narg(facility) IS NULL)
  AND (e.Priority <= sqlc.narg(severity) OR sqlc.narg(severity) IS NULL)
ORDER BY e.ReceivedAt DESC, e.ID DESC
LIMIT sqlc.arg(lim);

-- name: SearchAsc :many
-- SearchAsc is SearchDesc oldest first (ascending, the default order): it
-- starts above the key, which is (since, -1) for the first page. Its
-- parameters are SearchDesc's.
SELECT * FROM SystemEvents e
WHERE (e.ReceivedAt, e.ID) > (sqlc.arg(key_at), CAST(sqlc.arg(key_id) AS INTEGER))
  AND e.ReceivedAt >= sqlc.arg(since) AND e.ReceivedAt < sqlc.arg(until)
  AND (e.FromHost GLOB sqlc.narg(host) OR sqlc.narg(host) IS NULL)
  AND (e.SysLogTag GLOB sqlc.narg(tag) OR sqlc.narg(tag) IS NULL)
  AND (e.Facility = sqlc.narg(facility) OR sqlc.narg(facility) IS NULL)
  AND (e.Priority <= sqlc.narg(severity) OR sqlc.narg(severity) IS NULL)
ORDER BY e.ReceivedAt, e.ID
LIMIT sqlc.arg(lim);

-- name: SearchMatchDesc :many
-- SearchMatchDesc lists the events whose Message matches an FTS5 query,
-- newest first: the IDs below key_id, down to bound_id.
SELECT e.* FROM SystemEvents_FTS CROSS JOIN SystemEvents e ON e.ID = SystemEvents_FTS.rowid
WHERE SystemEvents_FTS.Message MATCH sqlc.arg(query)
  AND SystemEvents_FTS.rowid < CAST(sqlc.arg(key_id) AS INTEGER) AND SystemEvents_FTS.rowid >= CAST(sqlc.arg(bound_id) AS INTEGER)
  AND e.ReceivedAt >= sqlc.arg(since) AND e.ReceivedAt < sqlc.arg(until)
  AND (e.FromHost GLOB sqlc.narg(host) OR sqlc.narg(host) IS NULL)
  AND (e.SysLogTag GLOB sqlc.narg(tag) OR sqlc.narg(tag) IS NULL)
  AND (e.Facility = sqlc.narg(facility) OR sqlc.narg(facility) IS NULL)
  AND (e.Priority <= sqlc.narg(severity) OR sqlc.narg(severity) IS NULL)
ORDER BY SystemEvents_FTS.rowid DESC
LIMIT sqlc.arg(lim);

-- name: SearchMatchAsc :many
-- SearchMatchAsc is SearchMatchDesc oldest first: the IDs above key_id, up
-- to bound_id. Its parameters are SearchMatchDesc's.
SELECT e.* FROM SystemEvents_FTS CROSS JOIN SystemEvents e ON e.ID = SystemEvents_FTS.rowid
WHERE SystemEvents_FTS.Message MATCH sqlc.arg(query)
  AND SystemEvents_FTS.rowid > CAST(sqlc.arg(key_id) AS INTEGER) AND SystemEvents_FTS.rowid <= CAST(sqlc.arg(bound_id) AS INTEGER)
  AND e.ReceivedAt >= sqlc.arg(since) AND e.ReceivedAt < sqlc.arg(until)
  AND (e.FromHost GLOB sqlc.narg(host) OR sqlc.narg(host) IS NULL)
  AND (e.SysLogTag GLOB sqlc.narg(tag) OR sqlc.narg(tag) IS NULL)
  AND (e.Facility = sqlc.narg(facility) OR sqlc.narg(facility) IS NULL)
  AND (e.Priority <= sqlc.narg(severity) OR sqlc.narg(severity) IS NULL)
ORDER BY SystemEvents_FTS.rowid
LIMIT sqlc.arg(lim);

-- name: CountSearch :one
-- CountSearch counts what SearchDesc would list without a limit.
SELECT count(*) FROM SystemEvents e
WHERE e.ReceivedAt >= sqlc.arg(since) AND e.ReceivedAt < sqlc.arg(until)
  AND (e.FromHost GLOB sqlc.narg(host) OR sqlc.narg(host) IS NULL)
  AND (e.SysLogTag GLOB sqlc.narg(tag) OR sqlc.narg(tag) IS NULL)
  AND (e.Facility = sqlc.narg(facility) OR sqlc.narg(facility) IS NULL)
  AND (e.Priority <= sqlc.narg(severity) OR sqlc.narg(severity) IS NULL);

-- name: CountSearchMatch :one
-- CountSearchMatch counts what SearchMatchDesc would list without a limit,
-- over the IDs from min_id to max_id.
SELECT count(*) FROM SystemEvents_FTS CROSS JOIN SystemEvents e ON e.ID = SystemEvents_FTS.rowid
WHERE SystemEvents_FTS.Message MATCH sqlc.arg(query)
  AND SystemEvents_FTS.rowid BETWEEN CAST(sqlc.arg(min_id) AS INTEGER) AND CAST(sqlc.arg(max_id) AS INTEGER)
  AND e.ReceivedAt >= sqlc.arg(since) AND e.ReceivedAt < sqlc.arg(until)
  AND (e.FromHost GLOB sqlc.narg(host) OR sqlc.narg(host) IS NULL)
  AND (e.SysLogTag GLOB sqlc.narg(tag) OR sqlc.narg(tag) IS NULL)
  AND (e.Facility = sqlc.narg(facility) OR sqlc.narg(facility) IS NULL)
  AND (e.Priority <= sqlc.narg(severity) OR sqlc.narg(severity) IS NULL);

-- name: FollowEvents :many
-- FollowEvents lists the events with IDs above key_id up to bound_id, in
-- arrival order: what `search --follow` prints next. (With a full-text
-- query, follow uses SearchMatchAsc.)
SELECT * FROM SystemEvents e
WHERE e.ID > sqlc.arg(key_id) AND e.ID <= sqlc.arg(bound_id)
  AND (e.FromHost GLOB sqlc.narg(host) OR sqlc.narg(host) IS NULL)
  AND (e.SysLogTag GLOB sqlc.narg(tag) OR sqlc.narg(tag) IS NULL)
  AND (e.Facility = sqlc.narg(facility) OR sqlc.narg(facility) IS NULL)
  AND (e.Priority <= sqlc.narg(severity) OR sqlc.narg(severity) IS NULL)
  AND e.ReceivedAt >= sqlc.arg(since)
ORDER BY e.ID
LIMIT sqlc.arg(lim);

-- name: FirstIDSince :one
-- FirstIDSince returns the ID of the first event received at or after since
-- (sql.ErrNoRows when there is none), through the ReceivedAt index.
SELECT e.ID FROM SystemEvents e
WHERE e.ReceivedAt >= sqlc.arg(since)
ORDER BY e.ReceivedAt ASC, e.ID ASC
LIMIT 1;

-- name: LastIDBefore :one
-- LastIDBefore returns the ID of the last event received before until
-- (sql.ErrNoRows when there is none), through the ReceivedAt index.
SELECT e.ID FROM SystemEvents e
WHERE e.ReceivedAt < sqlc.arg(until)
ORDER BY e.ReceivedAt DESC, e.ID DESC
LIMIT 1;

-- name: LastID :one
-- LastID returns the largest ID of a month table, 0 when it is empty.
SELECT CAST(coalesce(max(e.ID), 0) AS INTEGER) FROM SystemEvents e;

-- name: CheckMatch :one
-- CheckMatch fails when query is not a valid FTS5 query, and costs one
-- lookup when it is (the count is 0: no event has ID 0).
SELECT count(*) FROM SystemEvents_FTS
WHERE SystemEvents_FTS.Message MATCH sqlc.arg(query)
  AND SystemEvents_FTS.rowid = CAST(0 AS INTEGER);

-- Notes on every query above (here, not at the top, because sqlc would copy
-- a leading comment into the first query's doc comment).
--
-- These are the queries of `aiosyslogd search`, run on one month table at a
-- time through db.ForMonth (the template SystemEvents becomes
-- SystemEventsYYYYMM).
--
-- Every optional filter is a nullable parameter: NULL means "any". Each is
-- written column first, (column OP param OR param IS NULL), so that sqlc
-- types the parameter (sql.NullString, sql.NullInt64) from the column.
--   host, tag  GLOB patterns on FromHost and SysLogTag (no wildcard = exact)
--   facility   Facility code, equal
--   severity   Priority (the severity) at most this: the level and worse
-- The time range is never optional: the caller clamps it to the month, so
-- that it always bounds the ReceivedAt index. since is inclusive, until
-- exclusive, both in db.TimeLayout. SearchDesc and SearchAsc page with a
-- row-value key on (ReceivedAt, ID), which the index serves too.
--
-- Full-text queries read the FTS5 table first (CROSS JOIN keeps SQLite from
-- reordering the join) in rowid order, which is arrival order; FTS5 walks its
-- doclists in that order itself, so ORDER BY ... LIMIT stops after LIMIT rows
-- instead of sorting every match. key_id and bound_id narrow the walk to the
-- rows of the time range and past the previous page (see db/search.go): a
-- page starts after key_id and the walk ends at bound_id. sqlc does not know
-- FTS5's rowid column: CAST types the parameters compared with it.
