package db

import (
	"testing"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db/search"
)

func TestMonthTable(t *testing.T) {
	tests := []struct {
		at   time.Time
		want string
	}{
		{time.Date(2026, 11, 30, 23, 59, 59, 999999999, time.UTC), "SystemEvents202611"},
		{time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), "SystemEvents202612"},
		// 00:30 on Dec 1 in Berlin is still November in UTC.
		{time.Date(2026, 12, 1, 0, 30, 0, 0, time.FixedZone("CET", 3600)), "SystemEvents202611"},
		{time.Date(999, 1, 1, 0, 0, 0, 0, time.UTC), "SystemEvents099901"},
	}
	for _, tt := range tests {
		if got := MonthOf(tt.at).Table(); got != tt.want {
			t.Errorf("MonthOf(%v).Table() = %s, want %s", tt.at, got, tt.want)
		}
	}
}

func TestParseMonthTable(t *testing.T) {
	good := map[string]Month{
		"SystemEvents202611": {Year: 2026, Month: 11},
		"SystemEvents199901": {Year: 1999, Month: 1},
	}
	for name, want := range good {
		got, err := ParseMonthTable(name)
		if err != nil || got != want {
			t.Errorf("ParseMonthTable(%q) = %v, %v; want %v", name, got, err, want)
		}
	}
	for _, name := range []string{"SystemEvents", "SystemEvents2026111", "SystemEvents202613", "SystemEvents202600",
		"SystemEvents2026-1", "Other202611", "SystemEvents_FTS", "SystemEvents20261 "} {
		if m, err := ParseMonthTable(name); err == nil {
			t.Errorf("ParseMonthTable(%q) = %v, want an error", name, m)
		}
	}
}

func TestMonthNavigation(t *testing.T) {
	dec := Month{Year: 2026, Month: 12}
	if got := dec.Next(); got != (Month{Year: 2027, Month: 1}) {
		t.Errorf("%v.Next() = %v", dec, got)
	}
	if got := (Month{Year: 2027, Month: 1}).Prev(); got != dec {
		t.Errorf("2027-01.Prev() = %v", got)
	}
	if !dec.Before(Month{Year: 2027, Month: 1}) || (Month{Year: 2027, Month: 1}).Before(dec) || dec.Before(dec) {
		t.Error("Before is wrong across a year")
	}
	if dec.String() != "2026-12" {
		t.Errorf("String() = %q", dec.String())
	}
}

// A front end's cursor is checked as every store reads it: the zero cursor
// and a month table's name pass, any other table name does not.
func TestCheckCursor(t *testing.T) {
	tests := []struct {
		c  search.Cursor
		ok bool
	}{
		{search.Cursor{}, true},
		{search.Cursor{Table: "SystemEvents202611", ID: 7}, true},
		{search.Cursor{Table: "SystemEvents202613", ID: 7}, false},
		{search.Cursor{Table: "sqlite_schema", ID: 1}, false},
	}
	for _, tt := range tests {
		if err := CheckCursor(tt.c); (err == nil) != tt.ok {
			t.Errorf("CheckCursor(%+v) = %v, want ok=%v", tt.c, err, tt.ok)
		}
	}
}
