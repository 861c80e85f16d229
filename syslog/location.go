package syslog

import (
	"fmt"
	"strings"
	"time"
)

// LoadLocation returns the zone named s, as a user writes it for the
// timestamps of RFC 3164, which carry none: "Local" (or ""), "UTC" (or "Z"),
// in any case; a fixed offset such as "+01:00", "-0530" or "+02"; or an IANA
// name such as "Europe/Berlin".
func LoadLocation(s string) (*time.Location, error) {
	switch strings.ToLower(s) {
	case "", "local":
		return time.Local, nil
	case "utc", "z":
		return time.UTC, nil
	}
	if s[0] == '+' || s[0] == '-' {
		for _, layout := range []string{"-07:00", "-0700", "-07"} {
			if t, err := time.Parse(layout, s); err == nil {
				_, off := t.Zone()
				return time.FixedZone(s, off), nil
			}
		}
		return nil, fmt.Errorf("%q is not an offset like +01:00", s)
	}
	loc, err := time.LoadLocation(s)
	if err != nil {
		return nil, fmt.Errorf("unknown zone %q (want an IANA name like Europe/Berlin, UTC, Local or +01:00)", s)
	}
	return loc, nil
}
