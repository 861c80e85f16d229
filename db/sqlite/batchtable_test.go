package sqlite

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db/search"
)

// The batch table is the writer's alone: a statement that does not name a
// pending batch reads nothing and says why.
func TestBatchTableNeedsABatch(t *testing.T) {
	s, _ := openTestStore(t)
	at := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	if err := s.Write(context.Background(), []search.Row{record(at, "h", "app", "one")}); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ query, want string }{
		{"SELECT count(*) FROM temp." + batchModule, "names no batch"},
		{"SELECT count(*) FROM temp." + batchModule + " WHERE batch = 123456789", "no pending batch 123456789"},
	} {
		var n int
		err := s.DB().QueryRow(tt.query).Scan(&n)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %d rows, error %v; want an error saying %q", tt.query, n, err, tt.want)
		}
	}
}
