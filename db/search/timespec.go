package search

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// relativeTime is a time back from now: 15m, 2h, 7d, 1w, 1h30m, "-2h",
// "2h ago".
var relativeTime = regexp.MustCompile(`^-?((?:\d+[smhdw])+)(?: ago)?$`)

var relativePart = regexp.MustCompile(`(\d+)([smhdw])`)

var relativeUnits = map[string]time.Duration{
	"s": time.Second, "m": time.Minute, "h": time.Hour, "d": 24 * time.Hour, "w": 7 * 24 * time.Hour,
}

// absoluteLayouts are the absolute forms of a time without a zone, read in
// the given location (RFC 3339, with its zone, is tried first).
var absoluteLayouts = []string{
	"2006-01-02",
	"2006-01-02 15:04",
	"2006-01-02 15:04:05",
	"2006-01-02T15:04",
	"2006-01-02T15:04:05",
}

// ParseTime reads a time as people type it to bound a search: "now",
// "today", "yesterday", "tomorrow"; a span back from now ("15m", "2h",
// "7d", "1w", "1h30m", "2h ago"); a date or date and time ("2026-11-24",
// "2026-11-24 13:05[:07[.25]]", "13:05" today); RFC 3339 with its zone; or
// "@UNIXSECONDS". now is what relative times count back from, and loc the
// zone of times written without one.
func ParseTime(s string, now time.Time, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	now = now.In(loc)
	if t, ok := namedDay(s, now, loc); ok {
		return t, nil
	}
	if m := relativeTime.FindStringSubmatch(s); m != nil {
		return relative(s, m[1], now)
	}
	if secs, ok := strings.CutPrefix(s, "@"); ok {
		n, err := strconv.ParseInt(secs, 10, 64)
		if err != nil {
			return time.Time{}, fmt.Errorf("%q: want @ and a number of seconds since 1970", s)
		}
		return time.Unix(n, 0).In(loc), nil
	}
	if t, ok := absolute(s, now, loc); ok {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%q is not a time: want 15m, 2h, 7d, today, 2026-11-24, \"2026-11-24 13:05\" or RFC 3339", s)
}

// namedDay reads now, today, yesterday and tomorrow (midnight in loc).
func namedDay(s string, now time.Time, loc *time.Location) (time.Time, bool) {
	midnight := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	switch strings.ToLower(s) {
	case "now":
		return now, true
	case "today":
		return midnight, true
	case "yesterday":
		return midnight.AddDate(0, 0, -1), true
	case "tomorrow":
		return midnight.AddDate(0, 0, 1), true
	}
	return time.Time{}, false
}

// relative is now minus the span parts ("1h30m") of s.
func relative(s, parts string, now time.Time) (time.Time, error) {
	var d time.Duration
	for _, part := range relativePart.FindAllStringSubmatch(parts, -1) {
		n, err := strconv.ParseInt(part[1], 10, 32)
		if err != nil {
			return time.Time{}, fmt.Errorf("%q: %s is too large", s, part[0])
		}
		d += time.Duration(n) * relativeUnits[part[2]]
	}
	return now.Add(-d), nil
}

// absolute reads RFC 3339 (with a space or T), a time of today, or one of
// absoluteLayouts.
func absolute(s string, now time.Time, loc *time.Location) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999Z07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	for _, layout := range []string{"15:04", "15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return time.Date(now.Year(), now.Month(), now.Day(), t.Hour(), t.Minute(), t.Second(), 0, loc), true
		}
	}
	for _, layout := range absoluteLayouts {
		// A fraction of a second after the seconds is accepted by Parse.
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
