package syslog

import (
	"testing"
	"time"
)

func TestLoadLocation(t *testing.T) {
	tests := []struct {
		in      string
		want    string // the zone's name; "" when an error is wanted
		offset  int    // seconds east of UTC, at 2026-01-15 12:00 UTC
		wantErr bool
	}{
		{in: "", want: "Local"},
		{in: "Local", want: "Local"},
		{in: "local", want: "Local"},
		{in: "UTC", want: "UTC"},
		{in: "utc", want: "UTC"},
		{in: "Z", want: "UTC"},
		{in: "+01:00", want: "+01:00", offset: 3600},
		{in: "-0530", want: "-0530", offset: -5*3600 - 30*60},
		{in: "+02", want: "+02", offset: 7200},
		{in: "Europe/Berlin", want: "Europe/Berlin", offset: 3600},
		{in: "+1:00", wantErr: true},
		{in: "Mars/Olympus", wantErr: true},
	}
	for _, tt := range tests {
		loc, err := LoadLocation(tt.in)
		if tt.wantErr {
			if err == nil {
				t.Errorf("LoadLocation(%q) = %v, want an error", tt.in, loc)
			}
			continue
		}
		if err != nil {
			t.Errorf("LoadLocation(%q): %v", tt.in, err)
			continue
		}
		if loc.String() != tt.want {
			t.Errorf("LoadLocation(%q) = %s, want %s", tt.in, loc, tt.want)
		}
		if tt.want == "Local" {
			if loc != time.Local {
				t.Errorf("LoadLocation(%q) is not time.Local", tt.in)
			}
			continue
		}
		if _, off := time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC).In(loc).Zone(); off != tt.offset {
			t.Errorf("LoadLocation(%q): offset %d, want %d", tt.in, off, tt.offset)
		}
	}
}
