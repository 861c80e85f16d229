-- name: SearchEventDesc :many
-- SearchEventDesc lists the events whose event time (the device's
-- timestamp where the message had one, else ReceivedAt: the expression
-- of the index SystemEvents_EventTime, spelled here as there) is in
-- [since, until), latest first, through that index, starting below the
-- key (key_at, key_id): (until, 0) for the first page, the last row's
-- (event time, ID) for the next ones.
SELECT * FROM SystemEvents e
WHERE coalesce(e.DeviceReportedTime, e.ReceivedAt) >= sqlc.arg(since) AND coalesce(e.DeviceReportedTime, e.ReceivedAt) < sqlc.arg(until)
  AND coalesce(e.DeviceReportedTime, e.ReceivedAt) <= sqlc.arg(key_at)
  AND (coalesce(e.DeviceReportedTime, e.ReceivedAt) < sqlc.arg(key_at) OR e.ID < CAST(sqlc.arg(key_id) AS INTEGER))
  AND /* TEMPLATE_BEGIN: filters */ 1 /* TEMPLATE_END */
ORDER BY coalesce(e.DeviceReportedTime, e.ReceivedAt) DESC, e.ID DESC
LIMIT sqlc.arg(lim);

-- name: SearchEventAsc :many
-- SearchEventAsc is SearchEventDesc earliest first: above the key, which
-- is (since, -1) for the first page. Its parameters are SearchEventDesc's.
SELECT * FROM SystemEvents e
WHERE coalesce(e.DeviceReportedTime, e.ReceivedAt) >= sqlc.arg(since) AND coalesce(e.DeviceReportedTime, e.ReceivedAt) < sqlc.arg(until)
  AND coalesce(e.DeviceReportedTime, e.ReceivedAt) >= sqlc.arg(key_at)
  AND (coalesce(e.DeviceReportedTime, e.ReceivedAt) > sqlc.arg(key_at) OR e.ID > CAST(sqlc.arg(key_id) AS INTEGER))
  AND /* TEMPLATE_BEGIN: filters */ 1 /* TEMPLATE_END */
ORDER BY coalesce(e.DeviceReportedTime, e.ReceivedAt), e.ID
LIMIT sqlc.arg(lim);

-- name: SearchEventMatchDesc :many
-- SearchEventMatchDesc is SearchEventDesc for a full-text query: it walks
-- the event time index and keeps the rows among the query's matches in
-- the month, which SQLite reads from the FTS5 index once per statement
-- into a temporary index of IDs (some bytes per match). The + keeps
-- SQLite from starting at those IDs instead, which sorts every match; a
-- correlated FTS5 lookup per row was 5 times slower for a common word
-- (FTS5 reads the term's whole doclist for each row).
SELECT * FROM SystemEvents e
WHERE coalesce(e.DeviceReportedTime, e.ReceivedAt) >= sqlc.arg(since) AND coalesce(e.DeviceReportedTime, e.ReceivedAt) < sqlc.arg(until)
  AND coalesce(e.DeviceReportedTime, e.ReceivedAt) <= sqlc.arg(key_at)
  AND (coalesce(e.DeviceReportedTime, e.ReceivedAt) < sqlc.arg(key_at) OR e.ID < CAST(sqlc.arg(key_id) AS INTEGER))
  AND +e.ID IN (SELECT SystemEvents_FTS.rowid FROM SystemEvents_FTS WHERE SystemEvents_FTS.Message /* TEMPLATE: every column */ MATCH sqlc.arg(query))
  AND /* TEMPLATE_BEGIN: filters */ 1 /* TEMPLATE_END */
ORDER BY coalesce(e.DeviceReportedTime, e.ReceivedAt) DESC, e.ID DESC
LIMIT sqlc.arg(lim);

-- name: SearchEventMatchAsc :many
-- SearchEventMatchAsc is SearchEventMatchDesc earliest first. Its
-- parameters are SearchEventMatchDesc's.
SELECT * FROM SystemEvents e
WHERE coalesce(e.DeviceReportedTime, e.ReceivedAt) >= sqlc.arg(since) AND coalesce(e.DeviceReportedTime, e.ReceivedAt) < sqlc.arg(until)
  AND coalesce(e.DeviceReportedTime, e.ReceivedAt) >= sqlc.arg(key_at)
  AND (coalesce(e.DeviceReportedTime, e.ReceivedAt) > sqlc.arg(key_at) OR e.ID > CAST(sqlc.arg(key_id) AS INTEGER))
  AND +e.ID IN (SELECT SystemEvents_FTS.rowid FROM SystemEvents_FTS WHERE SystemEvents_FTS.Message /* TEMPLATE: every column */ MATCH sqlc.arg(query))
  AND /* TEMPLATE_BEGIN: filters */ 1 /* TEMPLATE_END */
ORDER BY coalesce(e.DeviceReportedTime, e.ReceivedAt), e.ID
LIMIT sqlc.arg(lim);

-- name: CountEvent :one
-- CountEvent counts what SearchEventDesc would list without a limit.
SELECT count(*) FROM SystemEvents e
WHERE coalesce(e.DeviceReportedTime, e.ReceivedAt) >= sqlc.arg(since)
  AND /* TEMPLATE_BEGIN: filters */ 1 /* TEMPLATE_END */
  AND coalesce(e.DeviceReportedTime, e.ReceivedAt) < sqlc.arg(until);

-- name: CountEventMatch :one
-- CountEventMatch counts what SearchEventMatchDesc would list without a
-- limit. It reads the FTS5 index first: every match of the month, each
-- checked against the range.
SELECT count(*) FROM SystemEvents_FTS CROSS JOIN SystemEvents e ON e.ID = SystemEvents_FTS.rowid
WHERE SystemEvents_FTS.Message /* TEMPLATE: every column */ MATCH sqlc.arg(query)
  AND /* TEMPLATE_BEGIN: filters */ 1 /* TEMPLATE_END */
  AND coalesce(e.DeviceReportedTime, e.ReceivedAt) >= sqlc.arg(since) AND coalesce(e.DeviceReportedTime, e.ReceivedAt) < sqlc.arg(until);

-- name: HistogramEvent :many
-- HistogramEvent is HistogramTime by event time: the events whose event
-- time is in [since, until), through the event time index, per bucket of
-- step seconds from origin and per severity.
SELECT CAST((unixepoch(coalesce(e.DeviceReportedTime, e.ReceivedAt)) - CAST(sqlc.arg(origin) AS INTEGER)) / CAST(sqlc.arg(step) AS INTEGER) AS INTEGER) AS bucket,
    e.Priority AS severity, count(*) AS n
FROM SystemEvents e
WHERE coalesce(e.DeviceReportedTime, e.ReceivedAt) >= sqlc.arg(since) AND coalesce(e.DeviceReportedTime, e.ReceivedAt) < sqlc.arg(until)
  AND /* TEMPLATE_BEGIN: filters */ 1 /* TEMPLATE_END */
GROUP BY bucket, severity;

-- name: HistogramEventMatch :many
-- HistogramEventMatch is HistogramEvent for a full-text query, reading
-- the FTS5 index first as CountEventMatch does.
SELECT CAST((unixepoch(coalesce(e.DeviceReportedTime, e.ReceivedAt)) - CAST(sqlc.arg(origin) AS INTEGER)) / CAST(sqlc.arg(step) AS INTEGER) AS INTEGER) AS bucket,
    e.Priority AS severity, count(*) AS n
FROM SystemEvents_FTS CROSS JOIN SystemEvents e ON e.ID = SystemEvents_FTS.rowid
WHERE SystemEvents_FTS.Message /* TEMPLATE: every column */ MATCH sqlc.arg(query)
  AND coalesce(e.DeviceReportedTime, e.ReceivedAt) >= sqlc.arg(since) AND coalesce(e.DeviceReportedTime, e.ReceivedAt) < sqlc.arg(until)
  AND /* TEMPLATE_BEGIN: filters */ 1 /* TEMPLATE_END */
GROUP BY bucket, severity;

-- name: FacetEvent :many
-- FacetEvent is FacetTime by event time, through the event time index.
SELECT CAST(CASE CAST(sqlc.arg(field) AS INTEGER) WHEN 0 THEN e.FromHost WHEN 1 THEN e.SysLogTag WHEN 2 THEN e.Priority ELSE e.Facility END AS TEXT) AS value, count(*) AS n
FROM SystemEvents e
WHERE coalesce(e.DeviceReportedTime, e.ReceivedAt) >= sqlc.arg(since) AND coalesce(e.DeviceReportedTime, e.ReceivedAt) < sqlc.arg(until)
  AND /* TEMPLATE_BEGIN: filters */ 1 /* TEMPLATE_END */
GROUP BY value
ORDER BY n DESC, value
LIMIT sqlc.arg(lim);

-- name: FacetEventMatch :many
-- FacetEventMatch is FacetEvent for a full-text query, reading the FTS5
-- index first.
SELECT CAST(CASE CAST(sqlc.arg(field) AS INTEGER) WHEN 0 THEN e.FromHost WHEN 1 THEN e.SysLogTag WHEN 2 THEN e.Priority ELSE e.Facility END AS TEXT) AS value, count(*) AS n
FROM SystemEvents_FTS CROSS JOIN SystemEvents e ON e.ID = SystemEvents_FTS.rowid
WHERE SystemEvents_FTS.Message /* TEMPLATE: every column */ MATCH sqlc.arg(query)
  AND coalesce(e.DeviceReportedTime, e.ReceivedAt) >= sqlc.arg(since) AND coalesce(e.DeviceReportedTime, e.ReceivedAt) < sqlc.arg(until)
  AND /* TEMPLATE_BEGIN: filters */ 1 /* TEMPLATE_END */
GROUP BY value
ORDER BY n DESC, value
LIMIT sqlc.arg(lim);

-- name: CountMatchesUpTo :one
-- CountMatchesUpTo counts the month's matches of a full-text query, up to
-- lim: whether SearchEventMatchDesc's list of them is cheap, or the query
-- is better checked on each row along the index (db/sqlite/eventtime.go).
SELECT count(*) FROM (
    SELECT 1 FROM SystemEvents_FTS WHERE SystemEvents_FTS.Message /* TEMPLATE: every column */ MATCH sqlc.arg(query) LIMIT sqlc.arg(lim)
);

-- name: OldestEventTime :one
-- OldestEventTime is the earliest event time of a month table
-- (sql.ErrNoRows when it is empty), from the event time index.
SELECT CAST(coalesce(e.DeviceReportedTime, e.ReceivedAt) AS TEXT) AS at FROM SystemEvents e
ORDER BY coalesce(e.DeviceReportedTime, e.ReceivedAt) LIMIT 1;

-- Notes on every query above (at the end, as in search.sql, so that sqlc
-- copies none of it into a doc comment).
--
-- The queries of a search by event time (search.EventTime: time=event,
-- search --time event). Month tables hold the rows received in their
-- month, and an event time may lie in any of them (a backfilled log, a
-- device whose clock is wrong), so a search by event time runs on every
-- month table, each through its event time index, and merges them
-- (db/sqlite/eventtime.go). The templates and the filters block are those of
-- sql/search.sql. Every statement names the expression
-- coalesce(e.DeviceReportedTime, e.ReceivedAt) exactly as the index does,
-- or SQLite would not use the index.
