package search

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/aiosyslogd/aiosyslogd/syslog"
)

func TestShortcutsApply(t *testing.T) {
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	auth, local7 := syslog.Facility(4), syslog.Facility(23)
	errSev, debug := syslog.Severity(3), syslog.Severity(7)
	tests := []struct {
		name string
		in   Shortcuts
		want Query
	}{
		{"nothing", Shortcuts{}, Query{}},
		{"times", Shortcuts{Since: "2h", Until: "2026-11-24 11:30"},
			Query{Since: now.Add(-2 * time.Hour), Until: time.Date(2026, 11, 24, 11, 30, 0, 0, time.UTC)}},
		{"patterns", Shortcuts{Host: "web*", Tag: "ssh?"}, Query{Host: "web*", Tag: "ssh?"}},
		{"event time", Shortcuts{Since: "2h", Time: "event"}, Query{Since: now.Add(-2 * time.Hour), Time: EventTime}},
		{"received time", Shortcuts{Time: "Received"}, Query{}},
		{"levels by name", Shortcuts{Facility: "auth", Severity: "err"}, Query{Facility: &auth, Severity: &errSev}},
		{"levels by number", Shortcuts{Facility: "4", Severity: "3"}, Query{Facility: &auth, Severity: &errSev}},
		{"exclusions, empty values ignored", Shortcuts{
			NotHosts: []string{"a", "", "b"}, NotTags: []string{""}, NotFacilities: []string{"local7"}, NotSeverities: []string{"debug", ""},
		}, Query{Not: Exclusions{Hosts: []string{"a", "b"}, Facilities: []syslog.Facility{local7}, Severities: []syslog.Severity{debug}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var q Query
			if err := tt.in.Apply(&q, now, time.UTC); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(q, tt.want) {
				t.Errorf("Apply(%+v) = %+v, want %+v", tt.in, q, tt.want)
			}
		})
	}
}

func TestShortcutsApplyNamesTheBadOne(t *testing.T) {
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   Shortcuts
		name string
	}{
		{Shortcuts{Since: "last tuesday"}, "since"},
		{Shortcuts{Until: "soon"}, "until"},
		{Shortcuts{Facility: "nosuch"}, "facility"},
		{Shortcuts{Severity: "8"}, "severity"},
		{Shortcuts{Time: "device"}, "time"},
		{Shortcuts{NotFacilities: []string{"auth", "24"}}, "not_facility"},
		{Shortcuts{NotSeverities: []string{"loud"}}, "not_severity"},
	}
	for _, tt := range tests {
		var q Query
		err := tt.in.Apply(&q, now, time.UTC)
		var se *ShortcutError
		if !errors.As(err, &se) || se.Name != tt.name {
			t.Errorf("Apply(%+v) = %v, want a *ShortcutError for %s", tt.in, err, tt.name)
		}
	}
}

func TestShortcutsApplyRefusesAnEmptyRange(t *testing.T) {
	var q Query
	s := Shortcuts{Since: "2026-11-02", Until: "2026-11-01"}
	var re *RangeError
	if err := s.Apply(&q, time.Now(), time.UTC); !errors.As(err, &re) || !re.Since.Equal(time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("Apply(%+v) = %v, want a *RangeError", s, err)
	}
}
