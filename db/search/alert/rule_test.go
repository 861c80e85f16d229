package alert

import (
	"testing"
	"time"
)

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		err  bool
	}{
		{"90s", 90 * time.Second, false},
		{"5m", 5 * time.Minute, false},
		{"1h30m", 90 * time.Minute, false},
		{"7d", 7 * 24 * time.Hour, false},
		{"0d", 0, true},
		{"106752d", 0, true}, // past what a duration holds
		{"5 minutes", 0, true},
		{"", 0, true},
	}
	for _, tt := range tests {
		got, err := ParseDuration(tt.in)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

// What FormatDuration writes, ParseDuration reads back.
func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{"90s", "5m", "1h30m", "7d", "1.5s", "-5m", "300ms", "2h0m"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDuration(s)
		if err != nil {
			return
		}
		back, err := ParseDuration(FormatDuration(d))
		if err != nil || back != d {
			t.Errorf("%q → %v → %q → %v, %v", s, d, FormatDuration(d), back, err)
		}
	})
}

// Below the threshold the count is exact; at or above it, it is counted in
// buckets and never below the threshold.
func TestWindowCount(t *testing.T) {
	sec := int64(time.Second)
	w := newWindow(time.Minute, 3)
	tests := []struct {
		add  []int64 // matches received, in seconds
		now  int64
		want int64
		over bool
	}{
		{[]int64{0, 10, 20}, 20, 3, true}, {nil, 59, 3, true}, {nil, 60, 2, false},
		{[]int64{65}, 65, 3, true}, {nil, 70, 2, false}, {nil, 81, 1, false}, {nil, 200, 0, false},
	}
	for _, tt := range tests {
		for _, at := range tt.add {
			w.add(at * sec)
		}
		if got, over := w.count(tt.now*sec), w.over(tt.now*sec); got != tt.want || over != tt.over {
			t.Errorf("at %ds: count %d, over %v; want %d, %v", tt.now, got, over, tt.want, tt.over)
		}
	}
}
