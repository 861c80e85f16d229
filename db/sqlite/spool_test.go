package sqlite

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db"
	"github.com/aiosyslogd/aiosyslogd/db/search"
)

// spoolBatch is n rows, their texts starting at "spooled <first>".
func spoolBatch(at time.Time, first, n int) []search.Row {
	b := make([]search.Row, n)
	for i := range b {
		b[i] = record(at, "web-01", "nginx", fmt.Sprintf("spooled %d", first+i))
	}
	return b
}

// WriteSpooled keeps the batch's end in the batch's transaction, and a
// batch that ends at or before the position kept is not stored again: the
// answer to an attempt that committed but whose caller did not learn so.
func TestWriteSpooledKeepsThePositionAndStoresABatchOnce(t *testing.T) {
	s, _ := openTestStore(t)
	ctx := context.Background()
	at := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	m := db.MonthOf(at)
	const a, b = "0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210"
	steps := []struct {
		name     string
		end      db.SpoolPosition
		rows     int
		wantRows int64 // in the month table after the step
		wantA    db.SpoolPosition
	}{
		{"first batch", db.SpoolPosition{Spool: a, Segment: 3, Offset: 4000}, 10, 10, db.SpoolPosition{Spool: a, Segment: 3, Offset: 4000}},
		{"the same batch again", db.SpoolPosition{Spool: a, Segment: 3, Offset: 4000}, 10, 10, db.SpoolPosition{Spool: a, Segment: 3, Offset: 4000}},
		{"a batch ending before", db.SpoolPosition{Spool: a, Segment: 3, Offset: 100}, 5, 10, db.SpoolPosition{Spool: a, Segment: 3, Offset: 4000}},
		{"an earlier segment", db.SpoolPosition{Spool: a, Segment: 2, Offset: 9000}, 5, 10, db.SpoolPosition{Spool: a, Segment: 3, Offset: 4000}},
		{"further in the segment", db.SpoolPosition{Spool: a, Segment: 3, Offset: 4001}, 7, 17, db.SpoolPosition{Spool: a, Segment: 3, Offset: 4001}},
		{"the next segment, from its start", db.SpoolPosition{Spool: a, Segment: 4, Offset: 20}, 3, 20, db.SpoolPosition{Spool: a, Segment: 4, Offset: 20}},
		{"another spool", db.SpoolPosition{Spool: b, Segment: 1, Offset: 50}, 2, 22, db.SpoolPosition{Spool: a, Segment: 4, Offset: 20}},
	}
	first := 0
	for _, st := range steps {
		if err := s.WriteSpooled(ctx, spoolBatch(at, first, st.rows), st.end); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		first += st.rows
		if n := count(t, s.DB(), m, ""); n != st.wantRows {
			t.Errorf("%s: %d rows, want %d", st.name, n, st.wantRows)
		}
		got, ok, err := s.SpoolPosition(ctx, a)
		if err != nil || !ok || got != st.wantA {
			t.Errorf("%s: SpoolPosition(a) = %+v, %v, %v; want %+v", st.name, got, ok, err, st.wantA)
		}
	}
	if got, ok, err := s.SpoolPosition(ctx, b); err != nil || !ok || got != (db.SpoolPosition{Spool: b, Segment: 1, Offset: 50}) {
		t.Errorf("SpoolPosition(b) = %+v, %v, %v", got, ok, err)
	}
	if _, ok, err := s.SpoolPosition(ctx, "00000000000000000000000000000000"); err != nil || ok {
		t.Errorf("SpoolPosition of a spool never written = %v, %v; want none", ok, err)
	}
	// Write, without a position, neither reads nor moves one.
	if err := s.Write(ctx, spoolBatch(at, first, 4)); err != nil {
		t.Fatal(err)
	}
	if n := count(t, s.DB(), m, ""); n != 26 {
		t.Errorf("after Write: %d rows, want 26", n)
	}
	if got, _, _ := s.SpoolPosition(ctx, a); got != (db.SpoolPosition{Spool: a, Segment: 4, Offset: 20}) {
		t.Errorf("Write moved the position to %+v", got)
	}
}

// A batch whose transaction fails after its position was recorded leaves
// the position where it was: the retried batch is stored, once.
func TestWriteSpooledFailureLeavesThePosition(t *testing.T) {
	s, _ := openTestStore(t)
	ctx := context.Background()
	at := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	const id = "0123456789abcdef0123456789abcdef"
	end := db.SpoolPosition{Spool: id, Segment: 1, Offset: 100}
	if err := s.WriteSpooled(ctx, spoolBatch(at, 0, 3), end); err != nil {
		t.Fatal(err)
	}
	// A view where next month's table would be: making that month in the
	// batch's transaction, after the position, fails.
	later := at.AddDate(0, 1, 0)
	view := db.MonthOf(later).Table()
	if _, err := s.DB().ExecContext(ctx, "CREATE VIEW "+view+" AS SELECT 1 AS ID"); err != nil {
		t.Fatal(err)
	}
	next := db.SpoolPosition{Spool: id, Segment: 1, Offset: 200}
	if err := s.WriteSpooled(ctx, spoolBatch(later, 3, 3), next); err == nil {
		t.Fatal("WriteSpooled succeeded into a month whose table is a view")
	}
	if got, ok, err := s.SpoolPosition(ctx, id); err != nil || !ok || got != end {
		t.Fatalf("after a failed batch the position is %+v, %v, %v; want %+v", got, ok, err, end)
	}
	if _, err := s.DB().ExecContext(ctx, "DROP VIEW "+view); err != nil {
		t.Fatal(err)
	}
	if err := s.WriteSpooled(ctx, spoolBatch(later, 3, 3), next); err != nil {
		t.Fatal(err)
	}
	if got, _, _ := s.SpoolPosition(ctx, id); got != next {
		t.Fatalf("after the retry the position is %+v, want %+v", got, next)
	}
	if n := count(t, s.DB(), db.MonthOf(later), ""); n != 3 {
		t.Fatalf("%d rows of the retried batch, want 3", n)
	}
}
