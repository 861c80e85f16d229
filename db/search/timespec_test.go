package search

import (
	"strings"
	"testing"
	"time"
)

func TestParseTime(t *testing.T) {
	loc := time.FixedZone("X", 2*3600)
	now := time.Date(2026, 11, 24, 13, 5, 7, 500, loc)
	at := func(y int, mo time.Month, d, h, mi, s, ns int) time.Time {
		return time.Date(y, mo, d, h, mi, s, ns, loc)
	}
	tests := []struct {
		in   string
		want time.Time
		err  string
	}{
		{in: "now", want: now},
		{in: "today", want: at(2026, 11, 24, 0, 0, 0, 0)},
		{in: "Yesterday", want: at(2026, 11, 23, 0, 0, 0, 0)},
		{in: "tomorrow", want: at(2026, 11, 25, 0, 0, 0, 0)},
		{in: "30s", want: now.Add(-30 * time.Second)},
		{in: "15m", want: now.Add(-15 * time.Minute)},
		{in: "2h", want: now.Add(-2 * time.Hour)},
		{in: "7d", want: now.AddDate(0, 0, -7)},
		{in: "1w", want: now.AddDate(0, 0, -7)},
		{in: "1h30m", want: now.Add(-90 * time.Minute)},
		{in: "-2h", want: now.Add(-2 * time.Hour)},
		{in: "2h ago", want: now.Add(-2 * time.Hour)},
		{in: "0s", want: now},
		{in: "2026-11-20", want: at(2026, 11, 20, 0, 0, 0, 0)},
		{in: "2026-11-20 08:30", want: at(2026, 11, 20, 8, 30, 0, 0)},
		{in: "2026-11-20 08:30:15", want: at(2026, 11, 20, 8, 30, 15, 0)},
		{in: "2026-11-20 08:30:15.25", want: at(2026, 11, 20, 8, 30, 15, 250_000_000)},
		{in: "2026-11-20T08:30", want: at(2026, 11, 20, 8, 30, 0, 0)},
		{in: "2026-11-20T08:30:15", want: at(2026, 11, 20, 8, 30, 15, 0)},
		{in: "2026-11-20T08:30:15Z", want: time.Date(2026, 11, 20, 8, 30, 15, 0, time.UTC)},
		{in: "2026-11-20T08:30:15.123456789-05:00", want: time.Date(2026, 11, 20, 13, 30, 15, 123456789, time.UTC)},
		{in: "2026-11-20 08:30:15+01:00", want: time.Date(2026, 11, 20, 7, 30, 15, 0, time.UTC)},
		{in: "08:30", want: at(2026, 11, 24, 8, 30, 0, 0)},
		{in: "08:30:15", want: at(2026, 11, 24, 8, 30, 15, 0)},
		{in: "@1700000000", want: time.Unix(1700000000, 0)},
		{in: " 2h ", want: now.Add(-2 * time.Hour)},
		{in: "", err: `"" is not a time`},
		{in: "2h later", err: `"2h later" is not a time`},
		{in: "15", err: `"15" is not a time`},
		{in: "15y", err: `"15y" is not a time`},
		{in: "2026-13-01", err: `"2026-13-01" is not a time`},
		{in: "2026-11-20 25:00", err: "is not a time"},
		{in: "@soon", err: `"@soon": want @ and a number of seconds since 1970`},
		{in: "99999999999d", err: "99999999999d is too large"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseTime(tt.in, now, loc)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Errorf("ParseTime(%q) = %v, %v; want an error with %q", tt.in, got, err, tt.err)
				}
				return
			}
			if err != nil || !got.Equal(tt.want) {
				t.Errorf("ParseTime(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
}
