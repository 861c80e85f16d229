-- The rows of a batch, as the writer hands them to InsertBatch: a virtual
-- table over the records in the writer's memory (module aiosyslogd_batch,
-- db/sqlite/batchtable.go), one row per record of the month being stored, in
-- arrival order. Its hidden column batch selects the batch (a handle the
-- writer binds), so that InsertBatch is one INSERT … SELECT and FTS5
-- flushes its index once per batch. The module declares this statement as
-- its schema, and sqlc reads it to type InsertBatch; nothing creates it
-- as a table.
CREATE TABLE aiosyslogd_batch (
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
    RawMessage         BLOB,
    FromHostIP         TEXT,
    batch              INTEGER HIDDEN
);
