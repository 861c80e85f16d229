-- SpoolPositions is, for each spool (serve's disk spool, named by the
-- identity in its id file), where in it the last stored batch ends: the
-- segment and the offset of the end of the batch's last record. The store
-- writes it in the transaction of the batch (sql/spool.sql), so the
-- database says exactly which spooled messages it holds, whatever a crash
-- did to the spool's own `committed` file. Not a month table: it is never
-- rewritten, and retention leaves it alone. db/sqlite runs this at Open.
CREATE TABLE IF NOT EXISTS SpoolPositions (
  Spool     TEXT    NOT NULL PRIMARY KEY,
  Segment   INTEGER NOT NULL,
  EndOffset INTEGER NOT NULL,
  StoredAt  TEXT    NOT NULL
);
