-- name: SearchDesc :many
-- SearchDesc lists the events received in [since, until), newest first,
-- through the ReceivedAt index, starting below the key (key_at, key_id):
-- (until, 0) for the first page, the last row's (ReceivedAt, ID) for the
-- next ones.
SELECT * FROM SystemEvents e
WHERE (e.ReceivedAt, e.ID) < (sqlc.arg(key_at), CAST(sqlc.arg(key_id) AS INTEGER))
  AND e.ReceivedAt >= sqlc.arg(since) AND e.ReceivedAt < sqlc.arg(until)
  AND /* TEMPLATE_BEGIN: filters */ 1 /* TEMPLATE_END */
ORDER BY e.ReceivedAt DESC, e.ID DESC
LIMIT sqlc.arg(lim);

-- name: SearchAsc :many
-- SearchAsc is SearchDesc oldest first (ascending, the default order): it
-- starts above the key, which is (since, -1) for the first page. Its
-- parameters are SearchDesc's.
SELECT * FROM SystemEvents e
WHERE (e.ReceivedAt, e.ID) > (sqlc.arg(key_at), CAST(sqlc.arg(key_id) AS INTEGER))
  AND e.ReceivedAt >= sqlc.arg(since) AND e.ReceivedAt < sqlc.arg(until)
  AND /* TEMPLATE_BEGIN: filters */ 1 /* TEMPLATE_END */
ORDER BY e.ReceivedAt, e.ID
LIMIT sqlc.arg(lim);

-- name: SearchMatchDesc :many
-- SearchMatchDesc lists the events whose Message matches an FTS5 query,
-- newest first: the IDs below key_id, down to bound_id.
SELECT e.* FROM SystemEvents_FTS CROSS JOIN SystemEvents e ON e.ID = SystemEvents_FTS.rowid
WHERE SystemEvents_FTS.Message /* TEMPLATE: every column */ MATCH sqlc.arg(query)
  AND SystemEvents_FTS.rowid < CAST(sqlc.arg(key_id) AS INTEGER) AND SystemEvents_FTS.rowid >= CAST(sqlc.arg(bound_id) AS INTEGER)
  AND e.ReceivedAt >= sqlc.arg(since) AND e.ReceivedAt < sqlc.arg(until)
  AND /* TEMPLATE_BEGIN: filters */ 1 /* TEMPLATE_END */
ORDER BY SystemEvents_FTS.rowid DESC
LIMIT sqlc.arg(lim);

-- name: SearchMatchAsc :many
-- SearchMatchAsc is SearchMatchDesc oldest first: the IDs above key_id, up
-- to bound_id. Its parameters are SearchMatchDesc's.
SELECT e.* FROM SystemEvents_FTS CROSS JOIN SystemEvents e ON e.ID = SystemEvents_FTS.rowid
WHERE SystemEvents_FTS.Message /* TEMPLATE: every column */ MATCH sqlc.arg(query)
  AND SystemEvents_FTS.rowid > CAST(sqlc.arg(key_id) AS INTEGER) AND SystemEvents_FTS.rowid <= CAST(sqlc.arg(bound_id) AS INTEGER)
  AND e.ReceivedAt >= sqlc.arg(since) AND e.ReceivedAt < sqlc.arg(until)
  AND /* TEMPLATE_BEGIN: filters */ 1 /* TEMPLATE_END */
ORDER BY SystemEvents_FTS.rowid
LIMIT sqlc.arg(lim);

-- name: CountSearch :one
-- CountSearch counts what SearchDesc would list without a limit.
SELECT count(*) FROM SystemEvents e
WHERE e.ReceivedAt >= sqlc.arg(since)
  AND /* TEMPLATE_BEGIN: filters */ 1 /* TEMPLATE_END */
  AND e.ReceivedAt < sqlc.arg(until);

-- name: CountSearchMatch :one
-- CountSearchMatch counts what SearchMatchDesc would list without a limit,
-- over the IDs from min_id to max_id.
SELECT count(*) FROM SystemEvents_FTS CROSS JOIN SystemEvents e ON e.ID = SystemEvents_FTS.rowid
WHERE SystemEvents_FTS.Message /* TEMPLATE: every column */ MATCH sqlc.arg(query)
  AND SystemEvents_FTS.rowid BETWEEN CAST(sqlc.arg(min_id) AS INTEGER) AND CAST(sqlc.arg(max_id) AS INTEGER)
  AND /* TEMPLATE_BEGIN: filters */ 1 /* TEMPLATE_END */
  AND e.ReceivedAt >= sqlc.arg(since) AND e.ReceivedAt < sqlc.arg(until);

-- name: FollowEvents :many
-- FollowEvents lists the events with IDs above key_id up to bound_id, in
-- arrival order: what `search --follow` prints next. (With a full-text
-- query, follow uses SearchMatchAsc.)
SELECT * FROM SystemEvents e
WHERE e.ID > sqlc.arg(key_id) AND e.ID <= sqlc.arg(bound_id)
  AND /* TEMPLATE_BEGIN: filters */ 1 /* TEMPLATE_END */
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
WHERE SystemEvents_FTS.Message /* TEMPLATE: every column */ MATCH sqlc.arg(query)
  AND SystemEvents_FTS.rowid = CAST(0 AS INTEGER);

-- name: FieldValues :many
-- FieldValues lists the distinct values of field (0: FromHost, 1:
-- SysLogTag) from from and below below that match pattern, in order, at
-- most lim: the values of a --host or --tag pattern (db/sqlite/field.go).
SELECT v.Value FROM SystemEvents_Values v
WHERE v.Field = sqlc.arg(field) AND v.Value >= sqlc.arg(from) AND v.Value < sqlc.arg(below)
  AND v.Value GLOB sqlc.arg(pattern)
ORDER BY v.Value
LIMIT sqlc.arg(lim);

-- name: LastBatchedID :one
-- LastBatchedID is the last ID that SystemEvents_Batches covers
-- (sql.ErrNoRows when it is empty): a table whose last ID is beyond it has
-- rows that another writer stored, and its batch records are not used.
SELECT b.LastID FROM SystemEvents_Batches b ORDER BY b.ID DESC LIMIT 1;

-- name: FieldBatchesDesc :many
-- FieldBatchesDesc lists the batches, newest first, whose first ID is below
-- key_id and whose last ID is at least bound_id, that hold a value of
-- field at one of paths (a JSON array of JSON paths, '$."web-07"'), at
-- most lim, each with the lists of those values (a JSON array of arrays
-- of offsets from the batch's first ID). CROSS JOIN keeps the batches the outer loop, in ID order, so
-- that LIMIT stops the walk.
SELECT b.ID, b.LastID, CAST(json_group_array(json(CASE CAST(sqlc.arg(field) AS INTEGER) WHEN 0 THEN b.Hosts ELSE b.Tags END -> p.value)) AS TEXT) AS ids
FROM SystemEvents_Batches b CROSS JOIN json_each(CAST(sqlc.arg(paths) AS TEXT)) p
WHERE b.ID < CAST(sqlc.arg(key_id) AS INTEGER) AND b.LastID >= CAST(sqlc.arg(bound_id) AS INTEGER)
  AND (CASE CAST(sqlc.arg(field) AS INTEGER) WHEN 0 THEN b.HostCounts ELSE b.TagCounts END -> p.value) IS NOT NULL
GROUP BY b.ID
ORDER BY b.ID DESC
LIMIT sqlc.arg(lim);

-- name: FieldBatchesAsc :many
-- FieldBatchesAsc is FieldBatchesDesc oldest first: the batches whose last
-- ID is above key_id and whose first ID is at most bound_id.
SELECT b.ID, b.LastID, CAST(json_group_array(json(CASE CAST(sqlc.arg(field) AS INTEGER) WHEN 0 THEN b.Hosts ELSE b.Tags END -> p.value)) AS TEXT) AS ids
FROM SystemEvents_Batches b CROSS JOIN json_each(CAST(sqlc.arg(paths) AS TEXT)) p
WHERE b.LastID > CAST(sqlc.arg(key_id) AS INTEGER) AND b.ID <= CAST(sqlc.arg(bound_id) AS INTEGER)
  AND (CASE CAST(sqlc.arg(field) AS INTEGER) WHEN 0 THEN b.HostCounts ELSE b.TagCounts END -> p.value) IS NOT NULL
GROUP BY b.ID
ORDER BY b.ID
LIMIT sqlc.arg(lim);

-- name: EventsByID :many
-- EventsByID returns the events of ids (a JSON array of IDs) that match the
-- filters, in ID order.
SELECT e.* FROM json_each(CAST(sqlc.arg(ids) AS TEXT)) i CROSS JOIN SystemEvents e ON e.ID = i.value
WHERE +e.ReceivedAt >= sqlc.arg(since) AND +e.ReceivedAt < sqlc.arg(until)
  AND /* TEMPLATE_BEGIN: filters */ 1 /* TEMPLATE_END */
ORDER BY e.ID;

-- name: FieldCounts :many
-- FieldCounts counts the events of each value of field (0: FromHost, 1:
-- SysLogTag, 2: Priority, 3: Facility) in the batches that lie inside
-- the IDs min_id to max_id, from their counts alone: the facets of a query
-- without filters (the rows outside those batches are counted as rows).
SELECT CAST(j.key AS TEXT) AS value, CAST(sum(j.value) AS INTEGER) AS n
FROM SystemEvents_Batches b CROSS JOIN json_each(CASE CAST(sqlc.arg(field) AS INTEGER)
    WHEN 0 THEN b.HostCounts WHEN 1 THEN b.TagCounts WHEN 2 THEN b.SevCounts ELSE b.FacCounts END) j
WHERE b.ID BETWEEN CAST(sqlc.arg(min_id) AS INTEGER) AND CAST(sqlc.arg(max_id) AS INTEGER)
  AND b.LastID <= CAST(sqlc.arg(max_id) AS INTEGER)
GROUP BY j.key;

-- name: BatchesInside :one
-- BatchesInside is the first and last ID of the batches that lie inside
-- the IDs min_id to max_id (0 and -1 when none does): FieldCounts' part.
SELECT CAST(coalesce(min(b.ID), 0) AS INTEGER) AS inside_first, CAST(coalesce(max(b.LastID), -1) AS INTEGER) AS inside_last
FROM SystemEvents_Batches b
WHERE b.ID BETWEEN CAST(sqlc.arg(min_id) AS INTEGER) AND CAST(sqlc.arg(max_id) AS INTEGER)
  AND b.LastID <= CAST(sqlc.arg(max_id) AS INTEGER);

-- name: HistogramTime :many
-- HistogramTime counts what SearchDesc would list, per bucket of step
-- seconds from origin (Unix seconds) and per severity (Priority): bucket
-- i starts at origin + i*step.
-- It reads the table itself over the ID window of the time range (the
-- rows in storage order, as FTS5 queries do), not the ReceivedAt index:
-- every row is read anyway, and in order it is several times faster.
SELECT CAST((unixepoch(e.ReceivedAt) - CAST(sqlc.arg(origin) AS INTEGER)) / CAST(sqlc.arg(step) AS INTEGER) AS INTEGER) AS bucket,
    e.Priority AS severity, count(*) AS n
FROM SystemEvents e
WHERE e.ID BETWEEN CAST(sqlc.arg(min_id) AS INTEGER) AND CAST(sqlc.arg(max_id) AS INTEGER)
  AND +e.ReceivedAt >= sqlc.arg(since) AND +e.ReceivedAt < sqlc.arg(until)
  AND /* TEMPLATE_BEGIN: filters */ 1 /* TEMPLATE_END */
GROUP BY bucket, severity;

-- name: HistogramMatch :many
-- HistogramMatch is HistogramTime for a full-text query, over the IDs from
-- min_id to max_id, as CountSearchMatch.
SELECT CAST((unixepoch(e.ReceivedAt) - CAST(sqlc.arg(origin) AS INTEGER)) / CAST(sqlc.arg(step) AS INTEGER) AS INTEGER) AS bucket,
    e.Priority AS severity, count(*) AS n
FROM SystemEvents_FTS CROSS JOIN SystemEvents e ON e.ID = SystemEvents_FTS.rowid
WHERE SystemEvents_FTS.Message /* TEMPLATE: every column */ MATCH sqlc.arg(query)
  AND SystemEvents_FTS.rowid BETWEEN CAST(sqlc.arg(min_id) AS INTEGER) AND CAST(sqlc.arg(max_id) AS INTEGER)
  AND e.ReceivedAt >= sqlc.arg(since) AND e.ReceivedAt < sqlc.arg(until)
  AND /* TEMPLATE_BEGIN: filters */ 1 /* TEMPLATE_END */
GROUP BY bucket, severity;

-- name: FacetTime :many
-- FacetTime counts what SearchDesc would list per value of one field
-- (field 0: FromHost, 1: SysLogTag, 2: Priority, 3: Facility), most
-- frequent first, at most lim values. It reads the ID window as
-- HistogramTime does.
SELECT CAST(CASE CAST(sqlc.arg(field) AS INTEGER) WHEN 0 THEN e.FromHost WHEN 1 THEN e.SysLogTag WHEN 2 THEN e.Priority ELSE e.Facility END AS TEXT) AS value, count(*) AS n
FROM SystemEvents e
WHERE e.ID BETWEEN CAST(sqlc.arg(min_id) AS INTEGER) AND CAST(sqlc.arg(max_id) AS INTEGER)
  AND +e.ReceivedAt >= sqlc.arg(since) AND +e.ReceivedAt < sqlc.arg(until)
  AND /* TEMPLATE_BEGIN: filters */ 1 /* TEMPLATE_END */
GROUP BY value
ORDER BY n DESC, value
LIMIT sqlc.arg(lim);

-- name: FacetMatch :many
-- FacetMatch is FacetTime for a full-text query, over the IDs from min_id
-- to max_id.
SELECT CAST(CASE CAST(sqlc.arg(field) AS INTEGER) WHEN 0 THEN e.FromHost WHEN 1 THEN e.SysLogTag WHEN 2 THEN e.Priority ELSE e.Facility END AS TEXT) AS value, count(*) AS n
FROM SystemEvents_FTS CROSS JOIN SystemEvents e ON e.ID = SystemEvents_FTS.rowid
WHERE SystemEvents_FTS.Message /* TEMPLATE: every column */ MATCH sqlc.arg(query)
  AND SystemEvents_FTS.rowid BETWEEN CAST(sqlc.arg(min_id) AS INTEGER) AND CAST(sqlc.arg(max_id) AS INTEGER)
  AND e.ReceivedAt >= sqlc.arg(since) AND e.ReceivedAt < sqlc.arg(until)
  AND /* TEMPLATE_BEGIN: filters */ 1 /* TEMPLATE_END */
GROUP BY value
ORDER BY n DESC, value
LIMIT sqlc.arg(lim);

-- name: CountTimeRange :one
-- CountTimeRange counts the events received in [since, until): the
-- histogram's bucket of a query without filters, read from the ReceivedAt
-- index alone (no row is read).
SELECT count(*) FROM SystemEvents e
WHERE e.ReceivedAt >= sqlc.arg(since) AND e.ReceivedAt < sqlc.arg(until);

-- name: SeveritiesTimeRange :many
-- SeveritiesTimeRange counts the events received in [since, until) per
-- severity (Priority), from the time index alone (it carries Priority; no
-- row is read): the histogram's bucket of a query without filters when
-- the batch records cannot say it (see db/sqlite/summary.go).
SELECT e.Priority AS severity, count(*) AS n FROM SystemEvents e
WHERE e.ReceivedAt >= sqlc.arg(since) AND e.ReceivedAt < sqlc.arg(until)
GROUP BY e.Priority;

-- name: SeveritiesTimeIDs :many
-- SeveritiesTimeIDs counts per severity the events received in [since,
-- until) and no later than through whose IDs are from min_id to max_id,
-- from the time index alone (no row read; +ID: the index, not the rowid,
-- bounds the walk): the part of a histogram bucket in a batch across its
-- edge, whose rows, stored in time order, lie between since and the time
-- of the first whole batch's first event (through), or from the time of
-- the last one's last event to until.
SELECT e.Priority AS severity, count(*) AS n FROM SystemEvents e
WHERE e.ReceivedAt >= sqlc.arg(since) AND e.ReceivedAt <= sqlc.arg(through) AND e.ReceivedAt < sqlc.arg(until)
  AND +e.ID BETWEEN CAST(sqlc.arg(min_id) AS INTEGER) AND CAST(sqlc.arg(max_id) AS INTEGER)
GROUP BY e.Priority;

-- name: ReceivedAtOf :one
-- ReceivedAtOf is when the event with ID id was received (sql.ErrNoRows
-- when there is none).
SELECT e.ReceivedAt FROM SystemEvents e WHERE e.ID = sqlc.arg(id);

-- name: FacetPlain :many
-- FacetPlain is FacetTime for a query without filters, which it spares
-- evaluating on every row.
SELECT CAST(CASE CAST(sqlc.arg(field) AS INTEGER) WHEN 0 THEN e.FromHost WHEN 1 THEN e.SysLogTag WHEN 2 THEN e.Priority ELSE e.Facility END AS TEXT) AS value, count(*) AS n
FROM SystemEvents e
WHERE e.ID BETWEEN CAST(sqlc.arg(min_id) AS INTEGER) AND CAST(sqlc.arg(max_id) AS INTEGER)
  AND +e.ReceivedAt >= sqlc.arg(since) AND +e.ReceivedAt < sqlc.arg(until)
GROUP BY value
ORDER BY n DESC, value
LIMIT sqlc.arg(lim);

-- name: OldestReceivedAt :one
-- OldestReceivedAt is when the oldest event of a month table was received
-- (sql.ErrNoRows when it is empty).
SELECT e.ReceivedAt FROM SystemEvents e ORDER BY e.ReceivedAt LIMIT 1;

-- name: NewestReceivedAt :one
-- NewestReceivedAt is when the newest event of a month table was received
-- (sql.ErrNoRows when it is empty).
SELECT e.ReceivedAt FROM SystemEvents e ORDER BY e.ReceivedAt DESC LIMIT 1;

-- name: GetEvent :one
-- GetEvent returns the event with ID id (sql.ErrNoRows when there is none).
SELECT * FROM SystemEvents e WHERE e.ID = sqlc.arg(id);

-- Notes on every query above (here, not at the top, because sqlc would copy
-- a leading comment into the first query's doc comment).
--
-- These are the queries of `aiosyslogd search`, run on one month table at a
-- time through forMonth in db/sqlite/month.go (the template SystemEvents becomes
-- SystemEventsYYYYMM).
--
-- The optional field filters (host, tag, the exclusions, the severity and
-- facility mask, and rest, what only aiosyslogd_match can say) are written
-- once, in sql/filters.sql. A statement that takes them has the template
-- block
--   AND /* TEMPLATE_BEGIN: filters */ 1 /* TEMPLATE_END */
-- where they go: sqlc sees the constant 1, so the generated parameters do
-- not carry the filters, and db/sqlite/month.go replaces the block with
-- sql/filters.sql and binds its parameters to the filters the caller put
-- in the context (db.withFilters). It refuses a statement with the block
-- run without filters, and filters given to a statement without it.
-- sqlc drops a comment that ends a statement, so the block is never a
-- statement's last line.
-- The time range is never optional: the caller clamps it to the month, so
-- that it always bounds the ReceivedAt index. since is inclusive, until
-- exclusive, both in sqlite.TimeLayout. SearchDesc and SearchAsc page with a
-- row-value key on (ReceivedAt, ID), which the index serves too.
--
-- A MATCH on one column of an FTS5 table searches that column alone; on
-- the table's hidden column, named as the table, every column. sqlc knows
-- no such column, so the statements name Message and mark it with the
-- template "every column", which db/sqlite/month.go removes: the statement SQLite
-- runs reads SystemEventsYYYYMM_FTS MATCH ?.
--
-- Full-text queries read the FTS5 table first (CROSS JOIN keeps SQLite from
-- reordering the join) in rowid order, which is arrival order; FTS5 walks its
-- doclists in that order itself, so ORDER BY ... LIMIT stops after LIMIT rows
-- instead of sorting every match. key_id and bound_id narrow the walk to the
-- rows of the time range and past the previous page (see db/sqlite/search.go): a
-- page starts after key_id and the walk ends at bound_id. sqlc does not know
-- FTS5's rowid column: CAST types the parameters compared with it.
