package dbsqlc

// InsertBatchSQL is the statement InsertBatch runs, for the store's SQL
// dump (Store.SQLDump).
const InsertBatchSQL = insertBatch
