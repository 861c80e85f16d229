-- The candidates of a search: the events received in [since, until) past
-- a key, with the words a query needs (a tsquery in its input syntax,
-- bound as text: 'disk' & 'ful':*; NULL for none) and one
-- of the severities, facilities, hosts and tags of the arrays that are not
-- NULL. The store checks each candidate against the whole query tree in Go
-- (db/postgres): these conditions only narrow what it reads, through the
-- GIN and B-tree indexes. Connections plan each execution with its values
-- (plan_cache_mode = force_custom_plan), so a NULL costs nothing.

-- name: SearchDesc :many
-- SearchDesc lists candidates newest first, below the key (key_at,
-- key_id): (until, 0) for the first page, the last row's for the next.
SELECT ID, Facility, Priority, FromHost, InfoUnitID, ReceivedAt, DeviceReportedTime,
       SysLogTag, ProcessID, MsgID, StructuredData, Message, RawMessage, FromHostIP
FROM SystemEvents
WHERE ReceivedAt >= sqlc.arg(since)::timestamptz AND ReceivedAt < sqlc.arg(until)::timestamptz
  AND (ReceivedAt, ID) < (sqlc.arg(key_at)::timestamptz, sqlc.arg(key_id)::bigint)
  AND (sqlc.narg(words)::text IS NULL OR Words @@ sqlc.narg(words)::text::tsquery)
  AND (sqlc.narg(severities)::smallint[] IS NULL OR Priority = ANY(sqlc.narg(severities)::smallint[]))
  AND (sqlc.narg(facilities)::smallint[] IS NULL OR Facility = ANY(sqlc.narg(facilities)::smallint[]))
  AND (sqlc.narg(hosts)::text[] IS NULL OR FromHost = ANY(sqlc.narg(hosts)::text[]))
  AND (sqlc.narg(tags)::text[] IS NULL OR SysLogTag = ANY(sqlc.narg(tags)::text[]))
ORDER BY ReceivedAt DESC, ID DESC
LIMIT sqlc.arg(lim);

-- name: SearchAsc :many
-- SearchAsc is SearchDesc oldest first, above the key: (since, -1) for the
-- first page. Its parameters are SearchDesc's.
SELECT ID, Facility, Priority, FromHost, InfoUnitID, ReceivedAt, DeviceReportedTime,
       SysLogTag, ProcessID, MsgID, StructuredData, Message, RawMessage, FromHostIP
FROM SystemEvents
WHERE ReceivedAt >= sqlc.arg(since)::timestamptz AND ReceivedAt < sqlc.arg(until)::timestamptz
  AND (ReceivedAt, ID) > (sqlc.arg(key_at)::timestamptz, sqlc.arg(key_id)::bigint)
  AND (sqlc.narg(words)::text IS NULL OR Words @@ sqlc.narg(words)::text::tsquery)
  AND (sqlc.narg(severities)::smallint[] IS NULL OR Priority = ANY(sqlc.narg(severities)::smallint[]))
  AND (sqlc.narg(facilities)::smallint[] IS NULL OR Facility = ANY(sqlc.narg(facilities)::smallint[]))
  AND (sqlc.narg(hosts)::text[] IS NULL OR FromHost = ANY(sqlc.narg(hosts)::text[]))
  AND (sqlc.narg(tags)::text[] IS NULL OR SysLogTag = ANY(sqlc.narg(tags)::text[]))
ORDER BY ReceivedAt, ID
LIMIT sqlc.arg(lim);

-- name: FirstReceivedAt :one
-- FirstReceivedAt is the oldest ReceivedAt stored (no row when nothing
-- is): where a newest-first walk through time ends.
SELECT ReceivedAt FROM SystemEvents ORDER BY ReceivedAt LIMIT 1;

-- name: LastReceivedAt :one
-- LastReceivedAt is the newest ReceivedAt stored: where an oldest-first
-- walk ends.
SELECT ReceivedAt FROM SystemEvents ORDER BY ReceivedAt DESC LIMIT 1;

-- name: CountAll :one
-- CountAll counts every event: the count of a query without conditions.
SELECT count(*) FROM SystemEvents;

-- Searches by event time (search.EventTime): the device's own timestamp
-- where the message had one, else ReceivedAt, through the index on that
-- expression (SystemEvents_EventTime). Their parameters and rows are
-- SearchDesc's; the key is (event time, ID).

-- name: SearchEventDesc :many
-- SearchEventDesc is SearchDesc by event time.
SELECT ID, Facility, Priority, FromHost, InfoUnitID, ReceivedAt, DeviceReportedTime,
       SysLogTag, ProcessID, MsgID, StructuredData, Message, RawMessage, FromHostIP
FROM SystemEvents
WHERE coalesce(DeviceReportedTime, ReceivedAt) >= sqlc.arg(since)::timestamptz
  AND coalesce(DeviceReportedTime, ReceivedAt) < sqlc.arg(until)::timestamptz
  AND (coalesce(DeviceReportedTime, ReceivedAt), ID) < (sqlc.arg(key_at)::timestamptz, sqlc.arg(key_id)::bigint)
  AND (sqlc.narg(words)::text IS NULL OR Words @@ sqlc.narg(words)::text::tsquery)
  AND (sqlc.narg(severities)::smallint[] IS NULL OR Priority = ANY(sqlc.narg(severities)::smallint[]))
  AND (sqlc.narg(facilities)::smallint[] IS NULL OR Facility = ANY(sqlc.narg(facilities)::smallint[]))
  AND (sqlc.narg(hosts)::text[] IS NULL OR FromHost = ANY(sqlc.narg(hosts)::text[]))
  AND (sqlc.narg(tags)::text[] IS NULL OR SysLogTag = ANY(sqlc.narg(tags)::text[]))
ORDER BY coalesce(DeviceReportedTime, ReceivedAt) DESC, ID DESC
LIMIT sqlc.arg(lim);

-- name: SearchEventAsc :many
-- SearchEventAsc is SearchAsc by event time.
SELECT ID, Facility, Priority, FromHost, InfoUnitID, ReceivedAt, DeviceReportedTime,
       SysLogTag, ProcessID, MsgID, StructuredData, Message, RawMessage, FromHostIP
FROM SystemEvents
WHERE coalesce(DeviceReportedTime, ReceivedAt) >= sqlc.arg(since)::timestamptz
  AND coalesce(DeviceReportedTime, ReceivedAt) < sqlc.arg(until)::timestamptz
  AND (coalesce(DeviceReportedTime, ReceivedAt), ID) > (sqlc.arg(key_at)::timestamptz, sqlc.arg(key_id)::bigint)
  AND (sqlc.narg(words)::text IS NULL OR Words @@ sqlc.narg(words)::text::tsquery)
  AND (sqlc.narg(severities)::smallint[] IS NULL OR Priority = ANY(sqlc.narg(severities)::smallint[]))
  AND (sqlc.narg(facilities)::smallint[] IS NULL OR Facility = ANY(sqlc.narg(facilities)::smallint[]))
  AND (sqlc.narg(hosts)::text[] IS NULL OR FromHost = ANY(sqlc.narg(hosts)::text[]))
  AND (sqlc.narg(tags)::text[] IS NULL OR SysLogTag = ANY(sqlc.narg(tags)::text[]))
ORDER BY coalesce(DeviceReportedTime, ReceivedAt), ID
LIMIT sqlc.arg(lim);

-- name: FirstEventAt :one
-- FirstEventAt is the oldest event time stored (no row when nothing is).
SELECT coalesce(DeviceReportedTime, ReceivedAt)::timestamptz AS at FROM SystemEvents
ORDER BY coalesce(DeviceReportedTime, ReceivedAt) LIMIT 1;

-- name: LastEventAt :one
-- LastEventAt is the newest event time stored.
SELECT coalesce(DeviceReportedTime, ReceivedAt)::timestamptz AS at FROM SystemEvents
ORDER BY coalesce(DeviceReportedTime, ReceivedAt) DESC LIMIT 1;

-- name: MonthHosts :many
-- MonthHosts lists the distinct hosts of the events received in [since,
-- until) (a month's bounds, so that every entry of its partition's index
-- is in range): one seek of the (FromHost, ReceivedAt) index per value, a
-- skip scan, at most lim of them. A search for a host pattern (web1*)
-- asks it which months hold a host the pattern matches before walking
-- their time windows. It enumerates every value, so the answer does not
-- depend on the database's collation.
WITH RECURSIVE v(value) AS (
    (SELECT FromHost FROM SystemEvents
     WHERE ReceivedAt >= sqlc.arg(since)::timestamptz AND ReceivedAt < sqlc.arg(until)::timestamptz
     ORDER BY FromHost LIMIT 1)
    UNION ALL
    SELECT (SELECT e.FromHost FROM SystemEvents e
            WHERE e.FromHost > v.value
              AND e.ReceivedAt >= sqlc.arg(since)::timestamptz AND e.ReceivedAt < sqlc.arg(until)::timestamptz
            ORDER BY e.FromHost LIMIT 1)
    FROM v
    WHERE v.value IS NOT NULL
)
SELECT value::text AS value FROM v
WHERE value IS NOT NULL
LIMIT sqlc.arg(lim);

-- name: MonthTags :many
-- MonthTags is MonthHosts of SysLogTag, through its index.
WITH RECURSIVE v(value) AS (
    (SELECT SysLogTag FROM SystemEvents
     WHERE ReceivedAt >= sqlc.arg(since)::timestamptz AND ReceivedAt < sqlc.arg(until)::timestamptz
     ORDER BY SysLogTag LIMIT 1)
    UNION ALL
    SELECT (SELECT e.SysLogTag FROM SystemEvents e
            WHERE e.SysLogTag > v.value
              AND e.ReceivedAt >= sqlc.arg(since)::timestamptz AND e.ReceivedAt < sqlc.arg(until)::timestamptz
            ORDER BY e.SysLogTag LIMIT 1)
    FROM v
    WHERE v.value IS NOT NULL
)
SELECT value::text AS value FROM v
WHERE value IS NOT NULL
LIMIT sqlc.arg(lim);
