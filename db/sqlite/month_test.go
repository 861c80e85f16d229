package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/aiosyslogd/aiosyslogd/db"
	"github.com/aiosyslogd/aiosyslogd/db/sqlite/internal/dbsqlc"
)

func TestReplaceTemplate(t *testing.T) {
	tests := []struct {
		in, want string
		n        int
	}{
		{"SELECT * FROM SystemEvents", "SELECT * FROM SystemEvents202611", 1},
		{"SystemEvents_FTS.Message MATCH ?", "SystemEvents202611_FTS.Message MATCH ?", 1},
		{"content = 'SystemEvents',", "content = 'SystemEvents202611',", 1},
		{"INSERT INTO SystemEvents_FTS (SystemEvents_FTS, rowid)", "INSERT INTO SystemEvents202611_FTS (SystemEvents202611_FTS, rowid)", 2},
		{"SystemEvents SystemEvents", "SystemEvents202611 SystemEvents202611", 2},
		// Not the template: another word, or a month table already.
		{"FROM MySystemEvents", "FROM MySystemEvents", 0},
		{"FROM SystemEvents202610", "FROM SystemEvents202610", 0},
		{"FROM SystemEventsX", "FROM SystemEventsX", 0},
	}
	for _, tt := range tests {
		got, n := replaceTemplate(tt.in, "SystemEvents202611")
		if got != tt.want || n != tt.n {
			t.Errorf("replaceTemplate(%q) = %q, %d; want %q, %d", tt.in, got, n, tt.want, tt.n)
		}
	}
}

func TestRewriteRefusesQueryWithoutTemplate(t *testing.T) {
	_, err := rewrite("SELECT 1", db.Month{Year: 2026, Month: 11})
	if err == nil || !strings.Contains(err.Error(), "template") {
		t.Fatalf("rewrite without template: err = %v, want an error naming the template", err)
	}
}

// The filters block is replaced only with filters from the context: a
// statement with the block run without them fails, and so do filters given
// to a statement without the block, through every DBTX method.
func TestMonthDBTXFiltersContext(t *testing.T) {
	r := openSearchFixture(t)
	ctx := context.Background()
	mq := forMonth(r.db, db.Month{Year: 2026, Month: 11})
	since, until := "2026-11-01 00:00:00", "2026-12-01 00:00:00"

	if _, err := mq.SearchDesc(ctx, dbsqlc.SearchDescParams{KeyAt: until, Since: since, Until: until, Lim: 10}); err == nil || !strings.Contains(err.Error(), "without filters") {
		t.Errorf("SearchDesc without filters: err = %v, want a refusal", err)
	}
	if _, err := mq.CountSearch(ctx, dbsqlc.CountSearchParams{Since: since, Until: until}); err == nil {
		t.Error("CountSearch (one row) without filters: no error")
	}
	withF := withFilters(ctx, filters{host: sql.NullString{String: "web1", Valid: true}})
	if _, err := mq.FieldValues(withF, dbsqlc.FieldValuesParams{From: "", Below: "z", Pattern: "*", Lim: 10}); err == nil || !strings.Contains(err.Error(), "without the filters block") {
		t.Errorf("FieldValues with filters: err = %v, want a refusal", err)
	}
	if _, err := mq.LastID(withF); err == nil {
		t.Error("LastID (one row) with filters: no error")
	}
	if _, err := (monthDBTX{r.db, db.Month{Year: 2026, Month: 11}}).PrepareContext(ctx, statementSQL(t, "CountSearch")); err == nil {
		t.Error("PrepareContext of a statement with the filters block: no error")
	}

	// With them, the block's parameters follow the statement's own,
	// whatever comes after the block (LIMIT ?5 here).
	rows, err := mq.SearchDesc(withF, dbsqlc.SearchDescParams{KeyAt: until, Since: since, Until: until, Lim: 10})
	if err != nil || len(rows) != 1 || rows[0].FromHost != "web1" {
		t.Errorf("SearchDesc with host web1: %d rows, %v; want web1's one", len(rows), err)
	}
	n, err := mq.CountSearch(withF, dbsqlc.CountSearchParams{Since: since, Until: until})
	if err != nil || n != 1 {
		t.Errorf("CountSearch with host web1 = %d, %v; want 1", n, err)
	}
}

func TestRewriteRefusesABrokenFiltersBlock(t *testing.T) {
	for _, q := range []string{
		"SELECT * FROM SystemEvents e WHERE e.ID > ?1 AND /* TEMPLATE_BEGIN: filters */ 1",
		"SELECT * FROM SystemEvents e WHERE e.ID > ?1 AND /* TEMPLATE_BEGIN: filters */ 1 /* TEMPLATE_END */ AND " + filtersBlock,
		"SELECT * FROM SystemEvents e WHERE e.ID > ? AND " + filtersBlock + " LIMIT 1",
	} {
		if _, err := rewrite(q, db.Month{Year: 2026, Month: 11}); err == nil {
			t.Errorf("rewrite(%q): no error", q)
		}
	}
}

// statementSQL returns the SQL of the generated statement name, as its
// method hands it to the DBTX (before monthDBTX rewrites it for a month).
func statementSQL(t *testing.T, name string) string {
	t.Helper()
	conn, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	rec := &recorder{db: conn}
	method := reflect.ValueOf(dbsqlc.New(rec)).MethodByName(name)
	if !method.IsValid() {
		t.Fatalf("no generated statement %s", name)
	}
	args := []reflect.Value{reflect.ValueOf(t.Context())}
	for i := 1; i < method.Type().NumIn(); i++ {
		args = append(args, reflect.Zero(method.Type().In(i)))
	}
	method.Call(args)
	if rec.query == "" {
		t.Fatalf("%s ran no statement", name)
	}
	return rec.query
}

// recorder is a DBTX that keeps the statement it is given and runs none (a
// row query runs one that returns no row).
type recorder struct {
	db    *sql.DB
	query string
}

var errRecorded = errors.New("recorded, not run")

func (r *recorder) ExecContext(_ context.Context, q string, _ ...any) (sql.Result, error) {
	r.query = q
	return nil, errRecorded
}

func (r *recorder) PrepareContext(_ context.Context, q string) (*sql.Stmt, error) {
	r.query = q
	return nil, errRecorded
}

func (r *recorder) QueryContext(_ context.Context, q string, _ ...any) (*sql.Rows, error) {
	r.query = q
	return nil, errRecorded
}

func (r *recorder) QueryRowContext(ctx context.Context, q string, _ ...any) *sql.Row {
	r.query = q
	return r.db.QueryRowContext(ctx, "SELECT 1 WHERE 0")
}
