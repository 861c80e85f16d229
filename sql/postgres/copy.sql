-- name: CopyEvents :copyfrom
-- CopyEvents stores a batch of another store's events with COPY, every
-- column as the source has it (InfoUnitID included); PostgreSQL routes
-- each row to its month's partition and gives it an ID of its own.
INSERT INTO SystemEvents (
    Facility, Priority, FromHost, InfoUnitID, ReceivedAt, DeviceReportedTime,
    SysLogTag, ProcessID, MsgID, StructuredData, Message, RawMessage,
    FromHostIP, Words
) VALUES (
    $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14
);

-- name: StartCopy :exec
-- StartCopy records that source's month is being copied, from its
-- beginning, unless it is recorded already.
INSERT INTO Copies (Source, Month) VALUES (sqlc.arg(source), sqlc.arg(month))
ON CONFLICT (Source, Month) DO NOTHING;

-- name: CopyProgress :many
-- CopyProgress lists, for each month of source, the last source ID
-- stored and how many events were.
SELECT Month, LastID, Events FROM Copies
WHERE Source = sqlc.arg(source)
ORDER BY Month;

-- name: AdvanceCopy :execrows
-- AdvanceCopy moves a month's progress from after_id to last_id, in the
-- transaction that stores the events between: 0 rows when the progress
-- is not at after_id (another copy of the same source moved it), and the
-- caller then rolls its batch back.
UPDATE Copies SET LastID = sqlc.arg(last_id), Events = Events + sqlc.arg(events)::bigint, CopiedAt = now()
WHERE Source = sqlc.arg(source) AND Month = sqlc.arg(month) AND LastID = sqlc.arg(after_id);

-- name: CountMonth :one
-- CountMonth counts the rows received in [since, until): one partition.
SELECT count(*) FROM SystemEvents
WHERE ReceivedAt >= sqlc.arg(since) AND ReceivedAt < sqlc.arg(until);

-- name: EventsReceivedAt :many
-- EventsReceivedAt returns the events received at exactly t, through the
-- (ReceivedAt, ID) index: the copy's sample looks its rows up this way.
SELECT ID, Facility, Priority, FromHost, InfoUnitID, ReceivedAt, DeviceReportedTime,
       SysLogTag, ProcessID, MsgID, StructuredData, Message, RawMessage, FromHostIP
FROM SystemEvents
WHERE ReceivedAt = sqlc.arg(t)
ORDER BY ID
LIMIT 1000;
