-- What the web UI reads of the PostgreSQL store (db/postgres, the
-- db.Browser contract): the histogram's counts by bucket and severity, a
-- field's top values, the hosts and tags the query bar suggests, one event
-- by its ID, and the newest event. The conditions are the candidates' of
-- sql/postgres/search.sql: the store counts here only the queries these
-- conditions say exactly (words of one token each, exact hosts and tags,
-- levels), and checks each row of any other query against the whole tree
-- in Go.

-- name: HistogramCounts :many
-- HistogramCounts counts the events received in [since, until) by bucket
-- (whole seconds since origin, in Unix seconds, divided by step seconds)
-- and severity.
SELECT ((floor(extract(epoch FROM ReceivedAt))::bigint - sqlc.arg(origin)::bigint) / sqlc.arg(step)::bigint)::bigint AS bucket,
       Priority::bigint AS severity, count(*) AS n
FROM SystemEvents
WHERE ReceivedAt >= sqlc.arg(since)::timestamptz AND ReceivedAt < sqlc.arg(until)::timestamptz
  AND (sqlc.narg(words)::text IS NULL OR Words @@ sqlc.narg(words)::text::tsquery)
  AND (sqlc.narg(severities)::smallint[] IS NULL OR Priority = ANY(sqlc.narg(severities)::smallint[]))
  AND (sqlc.narg(facilities)::smallint[] IS NULL OR Facility = ANY(sqlc.narg(facilities)::smallint[]))
  AND (sqlc.narg(hosts)::text[] IS NULL OR FromHost = ANY(sqlc.narg(hosts)::text[]))
  AND (sqlc.narg(tags)::text[] IS NULL OR SysLogTag = ANY(sqlc.narg(tags)::text[]))
GROUP BY 1, 2;

-- name: FacetCounts :many
-- FacetCounts counts the values of one field (0 FromHost, 1 SysLogTag, 2
-- the severity's code, 3 the facility's) among the events received in
-- [since, until), the lim most frequent (ties in byte order).
SELECT f.value::text AS value, f.n::bigint AS n FROM (
SELECT (CASE sqlc.arg(field)::int
            WHEN 0 THEN FromHost
            WHEN 1 THEN SysLogTag
            WHEN 2 THEN Priority::text
            ELSE Facility::text
        END)::text AS value,
       count(*) AS n
FROM SystemEvents
WHERE ReceivedAt >= sqlc.arg(since)::timestamptz AND ReceivedAt < sqlc.arg(until)::timestamptz
  AND (sqlc.narg(words)::text IS NULL OR Words @@ sqlc.narg(words)::text::tsquery)
  AND (sqlc.narg(severities)::smallint[] IS NULL OR Priority = ANY(sqlc.narg(severities)::smallint[]))
  AND (sqlc.narg(facilities)::smallint[] IS NULL OR Facility = ANY(sqlc.narg(facilities)::smallint[]))
  AND (sqlc.narg(hosts)::text[] IS NULL OR FromHost = ANY(sqlc.narg(hosts)::text[]))
  AND (sqlc.narg(tags)::text[] IS NULL OR SysLogTag = ANY(sqlc.narg(tags)::text[]))
GROUP BY 1
) f
ORDER BY f.n DESC, f.value COLLATE "C"
LIMIT sqlc.arg(lim);

-- name: HostValues :many
-- HostValues lists the distinct hosts of the events received since a
-- time that start with prefix, in the index's order: one index seek per
-- value (a skip scan of the (FromHost, ReceivedAt) index), ending at the
-- first value past the prefix, at most lim of them.
WITH RECURSIVE v(value) AS (
    (SELECT FromHost FROM SystemEvents
     WHERE FromHost >= sqlc.arg(prefix)::text AND ReceivedAt >= sqlc.arg(since)::timestamptz
     ORDER BY FromHost LIMIT 1)
    UNION ALL
    SELECT (SELECT e.FromHost FROM SystemEvents e
            WHERE e.FromHost > v.value AND e.ReceivedAt >= sqlc.arg(since)::timestamptz
            ORDER BY e.FromHost LIMIT 1)
    FROM v
    WHERE starts_with(v.value, sqlc.arg(prefix)::text)
)
SELECT value::text AS value FROM v
WHERE value IS NOT NULL AND starts_with(value, sqlc.arg(prefix)::text)
LIMIT sqlc.arg(lim);

-- name: TagValues :many
-- TagValues is HostValues of SysLogTag, through its index.
WITH RECURSIVE v(value) AS (
    (SELECT SysLogTag FROM SystemEvents
     WHERE SysLogTag >= sqlc.arg(prefix)::text AND ReceivedAt >= sqlc.arg(since)::timestamptz
     ORDER BY SysLogTag LIMIT 1)
    UNION ALL
    SELECT (SELECT e.SysLogTag FROM SystemEvents e
            WHERE e.SysLogTag > v.value AND e.ReceivedAt >= sqlc.arg(since)::timestamptz
            ORDER BY e.SysLogTag LIMIT 1)
    FROM v
    WHERE starts_with(v.value, sqlc.arg(prefix)::text)
)
SELECT value::text AS value FROM v
WHERE value IS NOT NULL AND starts_with(value, sqlc.arg(prefix)::text)
LIMIT sqlc.arg(lim);

-- name: GetEvent :many
-- GetEvent reads the event with an ID among those received in [since,
-- until) (its month): none or one row, through the ID index.
SELECT ID, Facility, Priority, FromHost, InfoUnitID, ReceivedAt, DeviceReportedTime,
       SysLogTag, ProcessID, MsgID, StructuredData, Message, RawMessage, FromHostIP
FROM SystemEvents
WHERE ID = sqlc.arg(id)::bigint
  AND ReceivedAt >= sqlc.arg(since)::timestamptz AND ReceivedAt < sqlc.arg(until)::timestamptz;

-- name: NewestEvent :many
-- NewestEvent is the ID and time of the event stored last (the highest
-- ID): where a live tail begins. No row when nothing is stored.
SELECT ID, ReceivedAt FROM SystemEvents ORDER BY ID DESC LIMIT 1;

-- name: EventsAfterID :many
-- EventsAfterID lists the candidates (as SearchDesc narrows them) whose
-- ID is above key_id, in ID order: the first read of a live tail that
-- goes on from a cursor.
SELECT ID, Facility, Priority, FromHost, InfoUnitID, ReceivedAt, DeviceReportedTime,
       SysLogTag, ProcessID, MsgID, StructuredData, Message, RawMessage, FromHostIP
FROM SystemEvents
WHERE ID > sqlc.arg(key_id)::bigint
  AND ReceivedAt >= sqlc.arg(since)::timestamptz
  AND (sqlc.narg(words)::text IS NULL OR Words @@ sqlc.narg(words)::text::tsquery)
  AND (sqlc.narg(severities)::smallint[] IS NULL OR Priority = ANY(sqlc.narg(severities)::smallint[]))
  AND (sqlc.narg(facilities)::smallint[] IS NULL OR Facility = ANY(sqlc.narg(facilities)::smallint[]))
  AND (sqlc.narg(hosts)::text[] IS NULL OR FromHost = ANY(sqlc.narg(hosts)::text[]))
  AND (sqlc.narg(tags)::text[] IS NULL OR SysLogTag = ANY(sqlc.narg(tags)::text[]))
ORDER BY ID
LIMIT sqlc.arg(lim);
