-- The PostgreSQL store's schema (db/postgres): one parent table,
-- SystemEvents, partitioned by range on ReceivedAt, with one partition per
-- UTC month, systemevents202612 and so on (unquoted names: PostgreSQL
-- folds SystemEvents202612 to them, the name the SQLite store gives its
-- month tables). Every statement is idempotent; the store runs this file
-- when it opens the database.
--
-- Column names and meanings are the SQLite store's (sql/schema.sql), with
-- PostgreSQL's types: times are timestamptz, the raw message bytea.

-- The store sends this file as one multi-statement query, which
-- PostgreSQL runs as one transaction; collectors that start together take
-- turns here, as CREATE … IF NOT EXISTS alone would race.
SELECT pg_advisory_xact_lock(hashtext('aiosyslogd_schema'));

-- One sequence for every partition: IDs are unique over the whole table
-- and follow arrival (taken at insert; a concurrent writer's rows may
-- become visible out of ID order).
CREATE SEQUENCE IF NOT EXISTS SystemEvents_ID_seq AS bigint;

CREATE TABLE IF NOT EXISTS SystemEvents (
    ID                 bigint      NOT NULL DEFAULT nextval('SystemEvents_ID_seq'),
    -- Facility code 0-23 (kern=0 … local7=23).
    Facility           smallint    NOT NULL,
    -- Severity 0-7 (emerg=0 … debug=7); rsyslog calls it Priority.
    Priority           smallint    NOT NULL,
    -- HOSTNAME of the message, or the sender's IP address when it had none.
    FromHost           text        NOT NULL,
    -- Always 1 (syslog), as in rsyslog.
    InfoUnitID         integer     NOT NULL DEFAULT 1,
    -- When the server received the message.
    ReceivedAt         timestamptz NOT NULL,
    -- The message's own TIMESTAMP; NULL when it had none.
    DeviceReportedTime timestamptz,
    -- APP-NAME (RFC 5424) or TAG (RFC 3164); '' when absent.
    SysLogTag          text        NOT NULL,
    -- PROCID or the [pid] of the TAG; '' when absent.
    ProcessID          text        NOT NULL,
    -- MSGID (RFC 5424); '' when absent.
    MsgID              text        NOT NULL DEFAULT '',
    -- STRUCTURED-DATA in RFC 5424 syntax; NULL when the message had none.
    StructuredData     text,
    -- MSG, invalid UTF-8 replaced by U+FFFD (and NUL bytes dropped, which
    -- text cannot hold); the exact bytes are then in RawMessage.
    Message            text        NOT NULL,
    -- The whole message as received, when it did not parse as syslog or
    -- was not valid UTF-8 text; NULL otherwise.
    RawMessage         bytea,
    -- The sender's IP address (rsyslog's fromhost-ip); NULL when unknown.
    FromHostIP         text,
    -- The words of Message, SysLogTag and FromHost, cut by the writer
    -- with the tokenizer of the SQLite store's FTS5 index (unicode61:
    -- runs of letters and digits, case-folded, diacritics removed; Go's
    -- query.Tokens), without positions: both stores, and the query
    -- tree's matcher, then agree on what a word is. PostgreSQL's own
    -- parser keeps 10.1.2.3, mx1.example.net and a@b.c whole, and a
    -- regexp_replace in a generated column cost the writer half its
    -- speed (measured: 100,000 rows in 2.2 s of regexp alone).
    Words              tsvector    NOT NULL,
    -- The transaction that inserted the row. A follower remembers the
    -- snapshot it last read in and asks for the rows whose transaction it
    -- did not see (pg_visible_in_snapshot): with several writers, IDs are
    -- taken at insert and seen at commit, so "ID > last" would miss the
    -- rows of a transaction that took its IDs first and committed last.
    TxID               xid8        NOT NULL DEFAULT pg_current_xact_id()
) PARTITION BY RANGE (ReceivedAt);

-- Searches walk time newest first, keyed by (ReceivedAt, ID).
CREATE INDEX IF NOT EXISTS SystemEvents_ReceivedAt ON SystemEvents (ReceivedAt, ID);
CREATE INDEX IF NOT EXISTS SystemEvents_Words ON SystemEvents USING gin (Words);
CREATE INDEX IF NOT EXISTS SystemEvents_FromHost ON SystemEvents (FromHost, ReceivedAt);
CREATE INDEX IF NOT EXISTS SystemEvents_SysLogTag ON SystemEvents (SysLogTag, ReceivedAt);
CREATE INDEX IF NOT EXISTS SystemEvents_Priority ON SystemEvents (Priority, ReceivedAt);
-- Searches by event time (the device's timestamp, else ReceivedAt) walk
-- this one, keyed by (event time, ID), in every partition: a backfilled
-- message may carry any event time.
CREATE INDEX IF NOT EXISTS SystemEvents_EventTime ON SystemEvents ((coalesce(DeviceReportedTime, ReceivedAt)), ID);
-- One event by its ID (the web's /api/event and /api/context), the newest
-- one, and a live tail that goes on from a cursor read by ID.
CREATE INDEX IF NOT EXISTS SystemEvents_ID ON SystemEvents (ID);
-- Follow reads the rows of transactions at or after a snapshot's xmin.
CREATE INDEX IF NOT EXISTS SystemEvents_TxID ON SystemEvents (TxID);

-- The key of each stored batch, written in the batch's transaction: a
-- batch retried after its COMMIT's answer was lost finds its key and is
-- not stored twice. Keys older than a day are deleted (a retry comes
-- within seconds).
CREATE TABLE IF NOT EXISTS Batches (
    ID       uuid        PRIMARY KEY,
    StoredAt timestamptz NOT NULL DEFAULT now(),
    Events   integer     NOT NULL
);

-- aiosyslogd_create_month makes the partition of the UTC month holding
-- month, unless it exists; it returns whether it made it. A table name
-- cannot be a bound parameter, so the name is made here, quoted by
-- format('%I'), from a date: the caller passes a value, never SQL.
-- Several collectors may start at once: a transaction-scoped advisory lock
-- serialises them, and the partition is made apart and then attached
-- (ATTACH takes a lock that lets inserts into the other partitions go on),
-- not by CREATE TABLE … PARTITION OF, which raced and locked the parent
-- exclusively. Call it inside a transaction.
CREATE OR REPLACE FUNCTION aiosyslogd_create_month(month timestamptz) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    first timestamptz := date_trunc('month', month AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
    next  timestamptz := (date_trunc('month', month AT TIME ZONE 'UTC') + interval '1 month') AT TIME ZONE 'UTC';
    name  text := 'systemevents' || to_char(month AT TIME ZONE 'UTC', 'YYYYMM');
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('aiosyslogd_create_month'));
    IF to_regclass(format('%I', name)) IS NOT NULL THEN
        RETURN false;
    END IF;
    EXECUTE format('CREATE TABLE %I (LIKE SystemEvents INCLUDING DEFAULTS INCLUDING GENERATED INCLUDING CONSTRAINTS)', name);
    EXECUTE format('ALTER TABLE SystemEvents ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', name, first, next);
    RETURN true;
END
$$;

-- What `aiosyslogd copy` has stored of another store's history: for each
-- source (the SQLite file's absolute path) and month table, the last
-- source ID stored and how many events. It moves in the transaction that
-- stores the events, so a copy killed at any point and run again goes on
-- after the last committed batch: nothing twice, nothing missing.
CREATE TABLE IF NOT EXISTS Copies (
    Source   text        NOT NULL,
    Month    text        NOT NULL,
    LastID   bigint      NOT NULL DEFAULT 0,
    Events   bigint      NOT NULL DEFAULT 0,
    CopiedAt timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (Source, Month)
);

-- Each alert rule's firing, kept across restarts and across the collectors
-- that take turns evaluating the rules (db/search/alert; the file
-- DATABASE-alerts.json keeps the same on SQLite). Key is the rule's query,
-- threshold and window, NUL-separated (hence bytea): a rule saved with
-- another key has changed and starts over. Deliveries are the last result of its notices through
-- each notifier, as JSON, for the web page.
CREATE TABLE IF NOT EXISTS AlertStates (
    Rule       text        PRIMARY KEY,
    Key        bytea       NOT NULL,
    Firing     boolean     NOT NULL,
    Since      timestamptz,
    Notified   timestamptz,
    Deliveries jsonb       NOT NULL DEFAULT '[]',
    SavedAt    timestamptz NOT NULL DEFAULT now()
);
