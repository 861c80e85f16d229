package search

import (
	"errors"
	"testing"
	"time"
)

func TestCursorRoundTrip(t *testing.T) {
	tests := []Cursor{
		{Table: "SystemEvents202611", ReceivedAt: time.Date(2026, 11, 24, 3, 41, 6, 123456000, time.UTC), ID: 42},
		{Table: "SystemEvents202601", ReceivedAt: time.Unix(0, 0).UTC(), ID: 1},
		{},
	}
	for _, c := range tests {
		got, err := ParseCursor(c.String())
		if err != nil || got != c {
			t.Errorf("ParseCursor(%q) = %+v, %v; want %+v", c.String(), got, err, c)
		}
	}
	if (Cursor{}).String() != "" {
		t.Errorf("the zero Cursor's token is %q, want empty", Cursor{}.String())
	}
}

func TestParseCursorRejects(t *testing.T) {
	for _, s := range []string{"!!", "bm9wZQ", "YS9iL2M", "L2Fi", "U3lzdGVtRXZlbnRzMjAyNjExLzEvMi8z"} {
		if c, err := ParseCursor(s); !errors.Is(err, errBadCursor) {
			t.Errorf("ParseCursor(%q) = %+v, %v; want errBadCursor", s, c, err)
		}
	}
}

func TestParseOrder(t *testing.T) {
	tests := []struct {
		in   string
		want Order
		ok   bool
	}{
		{"", NewestFirst, true}, {"desc", NewestFirst, true}, {"NEWEST", NewestFirst, true},
		{"asc", OldestFirst, true}, {"oldest", OldestFirst, true}, {"sideways", 0, false},
	}
	for _, tt := range tests {
		got, err := ParseOrder(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseOrder(%q) = %v, %v", tt.in, got, err)
		}
		if tt.ok && got.String() != map[Order]string{NewestFirst: "desc", OldestFirst: "asc"}[got] {
			t.Errorf("%v.String() = %q", got, got.String())
		}
	}
}
