package sqlite

import (
	"context"
	"math/rand/v2"
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

// timeText gives what time's Format gives, whether the second is new or
// the one before, in any zone, at the edges of seconds and years.
func TestTimeText(t *testing.T) {
	east := time.FixedZone("east", 5*3600+30*60)
	base := time.Date(2026, 12, 31, 23, 59, 59, 999_999_999, time.UTC)
	times := []time.Time{
		base, base.Add(time.Nanosecond), base.Add(-999_999_999), base.In(east),
		time.Date(2026, 1, 2, 3, 4, 5, 6000, time.UTC), time.Date(2026, 1, 2, 3, 4, 5, 6999, time.UTC),
		time.Date(2026, 1, 2, 3, 4, 5, 0, east), time.Date(2026, 1, 2, 3, 4, 6, 0, east),
		time.Date(999, 3, 4, 5, 6, 7, 8000, time.UTC), time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 999_999_000, time.UTC), time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC), {}, time.Unix(0, 0),
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		times = append(times, time.Unix(rng.Int64N(1<<34)-1<<33, rng.Int64N(1e9)))
		times = append(times, times[len(times)-1].Add(time.Duration(rng.Int64N(2e6))))
	}
	var f timeText
	for _, tm := range times {
		if got, want := f.format(tm), tm.UTC().Format(TimeLayout); got != want {
			t.Fatalf("format(%v) = %q, want %q", tm, got, want)
		}
	}
}

func BenchmarkTimeText(b *testing.B) {
	at := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	b.Run("timeText", func(b *testing.B) {
		var f timeText
		for i := 0; b.Loop(); i++ {
			_ = f.format(at.Add(time.Duration(i) * 10 * time.Microsecond))
		}
	})
	b.Run("Format", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			_ = at.Add(time.Duration(i) * 10 * time.Microsecond).UTC().Format(TimeLayout)
		}
	})
}
