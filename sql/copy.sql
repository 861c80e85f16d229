-- name: EventsAfter :many
-- EventsAfter returns up to lim events of a month table with IDs above
-- after_id, in ID order, through the primary key: `aiosyslogd copy`
-- reads a month this way, a batch at a time, and resumes after the last
-- ID it stored.
SELECT * FROM SystemEvents e
WHERE e.ID > sqlc.arg(after_id)
ORDER BY e.ID
LIMIT sqlc.arg(lim);
