-- The template of the month tables.
--
-- SystemEvents is never written to: at run time each month gets its own copy,
-- SystemEventsYYYYMM (UTC month of ReceivedAt), made from this file by
-- renaming every "SystemEvents" identifier below (see db/sqlite/month.go). Keep every
-- object name starting with "SystemEvents" so that the renaming finds it.
--
-- Column names follow rsyslog's classic MySQL/SQLite schema, which the Python
-- aiosyslogd used too; the columns after ProcessID are what RFC 5424 carries
-- that the classic schema threw away.
CREATE TABLE IF NOT EXISTS SystemEvents (
    ID                 INTEGER PRIMARY KEY AUTOINCREMENT,
    -- Facility code 0-23 (kern=0 … local7=23).
    Facility           INTEGER NOT NULL,
    -- Severity 0-7 (emerg=0 … debug=7); rsyslog calls it Priority.
    Priority           INTEGER NOT NULL,
    -- HOSTNAME of the message, or the sender's IP address when it had none.
    FromHost           TEXT    NOT NULL,
    -- Always 1 (syslog), as in rsyslog.
    InfoUnitID         INTEGER NOT NULL DEFAULT 1,
    -- When the server received the datagram: UTC, 'YYYY-MM-DD HH:MM:SS.ffffff'.
    ReceivedAt         TEXT    NOT NULL,
    -- The message's own TIMESTAMP in UTC, same form; NULL when it had none.
    DeviceReportedTime TEXT,
    -- APP-NAME (RFC 5424) or TAG (RFC 3164); '' when absent.
    SysLogTag          TEXT    NOT NULL,
    -- PROCID (RFC 5424) or the [pid] of the TAG (RFC 3164); '' when absent.
    ProcessID          TEXT    NOT NULL,
    -- MSGID (RFC 5424); '' when absent.
    MsgID              TEXT    NOT NULL DEFAULT '',
    -- STRUCTURED-DATA exactly in RFC 5424 syntax ('[id k="v" …][id2 …]'),
    -- escapes included; NULL when the message had none.
    StructuredData     TEXT,
    -- MSG (without BOM). Invalid UTF-8 is replaced by U+FFFD here; the exact
    -- bytes are then in RawMessage.
    Message            TEXT    NOT NULL,
    -- The whole message as received, kept only when it did not parse as
    -- syslog or was not valid UTF-8 text; NULL otherwise.
    RawMessage         BLOB,
    -- The sender's IP address (rsyslog's fromhost-ip): the peer of the
    -- socket, or the client a PROXY protocol header named; NULL when
    -- unknown (rows stored before the column existed). Last, because month
    -- tables made before it gain it with ALTER TABLE … ADD COLUMN
    -- (sql/upgrade.sql), which appends: every table then has the same
    -- column order.
    FromHostIP         TEXT
);

-- The time index, with each row's severity after its time: searches by
-- time bound and order by ReceivedAt as through (ReceivedAt) alone, and
-- the histogram of a query without filters counts each bucket's rows by
-- severity from the index entries alone (no row read; sql/search.sql
-- SeveritiesTimeRange). Priority never changes once written, so the
-- second column costs the writer nothing but its bytes (measured in
-- README). Month tables made before it had SystemEvents_ReceivedAt on
-- (ReceivedAt): serve replaces it (sql/upgrade.sql).
CREATE INDEX IF NOT EXISTS SystemEvents_ReceivedAtSeverity ON SystemEvents (ReceivedAt, ID, Priority);

-- The event time of each row: the device's own timestamp where the message
-- had one, else when it was received. Searches by event time (time=event,
-- search --time event) bound and order by it, in every month table, since a
-- backfilled or delayed message lands in the month it was received. An
-- index on the expression, which the statements repeat word for word
-- (sql/search.sql), not on DeviceReportedTime alone: a message without a
-- timestamp has an event time too. Month tables made before it gain it
-- when serve starts (sql/upgrade.sql). Its cost to the writer is in README.
CREATE INDEX IF NOT EXISTS SystemEvents_EventTime ON SystemEvents (coalesce(DeviceReportedTime, ReceivedAt));

-- Full-text index of Message, SysLogTag and FromHost: a word of a query
-- matches the message, the tag or the host, as grep over the classic line
-- "host tag[pid]: message" would find it (sshd failed finds sshd's failed
-- logins); message: limits a word to the Message column. External
-- content: the text lives once, in SystemEvents; the triggers below keep
-- the index in step. columnsize=0: no per-row token count (one B-tree
-- insert less per row; measured ~15% faster inserts); only bm25()/rank
-- would need it, and they then count the tokens themselves. Searches
-- order by time, not rank. Month tables made before the tag and host were
-- indexed keep an index of Message alone (db.ftsColumns tells which).
CREATE VIRTUAL TABLE IF NOT EXISTS SystemEvents_FTS USING fts5 (
    Message,
    SysLogTag,
    FromHost,
    content = 'SystemEvents',
    content_rowid = 'ID',
    columnsize = 0
);

CREATE TRIGGER IF NOT EXISTS SystemEvents_FTS_Insert AFTER INSERT ON SystemEvents BEGIN
    INSERT INTO SystemEvents_FTS (rowid, Message, SysLogTag, FromHost) VALUES (new.ID, new.Message, new.SysLogTag, new.FromHost);
END;

CREATE TRIGGER IF NOT EXISTS SystemEvents_FTS_Delete AFTER DELETE ON SystemEvents BEGIN
    INSERT INTO SystemEvents_FTS (SystemEvents_FTS, rowid, Message, SysLogTag, FromHost) VALUES ('delete', old.ID, old.Message, old.SysLogTag, old.FromHost);
END;

CREATE TRIGGER IF NOT EXISTS SystemEvents_FTS_Update AFTER UPDATE OF Message, SysLogTag, FromHost ON SystemEvents BEGIN
    INSERT INTO SystemEvents_FTS (SystemEvents_FTS, rowid, Message, SysLogTag, FromHost) VALUES ('delete', old.ID, old.Message, old.SysLogTag, old.FromHost);
    INSERT INTO SystemEvents_FTS (rowid, Message, SysLogTag, FromHost) VALUES (new.ID, new.Message, new.SysLogTag, new.FromHost);
END;

-- Merge FTS5 segments in bigger steps (default 4): segment merges are a
-- quarter of the insert time, and 16 segments per level instead of 4 halves
-- them (measured on 1M rows: +30% rows/s over 4, +5-10% over 8), at the
-- price of a term lookup visiting more segments. Stored in the FTS table's
-- config; idempotent.
INSERT INTO SystemEvents_FTS (SystemEvents_FTS, rank) VALUES ('automerge', 16);

-- Where each host and tag is, batch by batch, for --host and --tag
-- searches without a full-text query: one row per stored batch, keyed by
-- its first ID, with the events of each FromHost and each SysLogTag in it.
-- Small batches (a quiet server writes one every batch_timeout) share a row
-- until it covers 1000 IDs, so a million events have about a thousand rows.
-- A host's newest events are the lists of the newest rows that name it,
-- read whatever share of the table they are (db/sqlite/field.go). Not an index on
-- FromHost: a B-tree index takes each row's insert at its host's place, so
-- a batch from 200 hosts rewrites some 200 pages of each index (measured:
-- the writer 40% slower); this table takes one appended row per batch,
-- built by the store from the records (db/sqlite/batchfields.go). Month tables
-- made before it get it when serve starts.
CREATE TABLE IF NOT EXISTS SystemEvents_Batches (
    ID         INTEGER PRIMARY KEY,  -- the first event ID it covers
    LastID     INTEGER NOT NULL,     -- the last
    -- JSONB {FromHost: count} and {SysLogTag: count}: small, read for
    -- every batch that a search walks past.
    HostCounts BLOB    NOT NULL,
    TagCounts  BLOB    NOT NULL,
    -- JSONB {"6": count} per severity (Priority) and per facility: the
    -- facets of a query without filters.
    SevCounts  BLOB    NOT NULL,
    FacCounts  BLOB    NOT NULL,
    -- JSON {FromHost: [OFFSET, ...]} and {SysLogTag: [OFFSET, ...]}: each
    -- event's ID less the first ID, ascending. Read only for the batches
    -- that hold a value searched for (the last columns, so that SQLite
    -- leaves their overflow pages alone); text, not JSONB, so that the
    -- writer hands them over as they are.
    Hosts      TEXT    NOT NULL,
    Tags       TEXT    NOT NULL
);

-- The distinct hosts (Field 0) and tags (Field 1) of the month, for the
-- values a pattern's literal prefix covers. The store adds each batch's
-- values; those already there cost a lookup, not a write.
CREATE TABLE IF NOT EXISTS SystemEvents_Values (
    Field INTEGER NOT NULL,
    Value TEXT    NOT NULL,
    PRIMARY KEY (Field, Value)
) WITHOUT ROWID;
