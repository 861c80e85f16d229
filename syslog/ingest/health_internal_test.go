package ingest

import (
	"testing"
	"time"
)

// Each bucket counts the durations up to its bound, as Prometheus does.
func TestHistogramObserve(t *testing.T) {
	tests := []struct {
		d         time.Duration
		firstHit  int // the first bucket that counts d; len(WriteBuckets) for none
		wantCount uint64
	}{
		{0, 0, 1},
		{time.Millisecond, 0, 1},
		{time.Millisecond + 1, 1, 1},
		{11 * time.Millisecond, 4, 1},
		{10 * time.Second, len(WriteBuckets) - 1, 1},
		{time.Minute, len(WriteBuckets), 1},
	}
	for _, tt := range tests {
		var h Histogram
		h.observe(tt.d)
		for i, c := range h.Counts {
			if want := uint64(btoi(i >= tt.firstHit)); c != want {
				t.Errorf("observe(%s): bucket %s = %d, want %d", tt.d, WriteBuckets[i], c, want)
			}
		}
		if h.Count != tt.wantCount || h.Sum != tt.d {
			t.Errorf("observe(%s): count %d sum %s", tt.d, h.Count, h.Sum)
		}
	}
}
