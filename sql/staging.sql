-- The staging table of the writer's connection: a batch's rows are inserted
-- here one by one (cheap: no index, no FTS, in memory), then moved into the
-- month table by ONE statement (InsertStaged), so that FTS5 flushes its index
-- once per batch instead of once per row. TEMP: private to the connection,
-- never in the database file.
CREATE TEMP TABLE IF NOT EXISTS SystemEventsStaging (
    Facility           INTEGER NOT NULL,
    Priority           INTEGER NOT NULL,
    FromHost           TEXT    NOT NULL,
    ReceivedAt         TEXT    NOT NULL,
    DeviceReportedTime TEXT,
    SysLogTag          TEXT    NOT NULL,
    ProcessID          TEXT    NOT NULL,
    MsgID              TEXT    NOT NULL,
    StructuredData     TEXT,
    Message            TEXT    NOT NULL,
    RawMessage         BLOB
);
