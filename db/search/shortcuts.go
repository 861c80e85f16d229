package search

import (
	"fmt"
	"time"

	"github.com/aiosyslogd/aiosyslogd/syslog"
)

// Shortcuts are the filters a front end offers beside the query, as the
// reader typed them: the search command's flags (--host, --since, -p,
// --not-tag …) and the page's boxes and facet clicks (host=, since=,
// not_tag= …). Apply is the one place that reads them into a Query, so
// that a flag and the box of the same name always mean the same.
type Shortcuts struct {
	// Since and Until are time specs (ParseTime): 15m, yesterday,
	// 2026-11-24, RFC 3339.
	Since, Until string
	// Time is the time they bound and results go by: received (or "")
	// or event (ParseTimeField).
	Time string
	// Host and Tag are patterns as Query.Host and Query.Tag.
	Host, Tag string
	// Facility and Severity are a name or a number; the severity keeps
	// that level and worse.
	Facility, Severity string
	// NotHosts … NotSeverities are the values left out (Query.Not); empty
	// strings are ignored.
	NotHosts, NotTags, NotFacilities, NotSeverities []string
}

// ShortcutError is a shortcut that does not read: Name is its field in
// the URL's spelling (since, not_facility …), which the command line
// writes as a flag (--since, --not-facility).
type ShortcutError struct {
	Name string
	Err  error
}

func (e *ShortcutError) Error() string { return e.Name + ": " + e.Err.Error() }

func (e *ShortcutError) Unwrap() error { return e.Err }

// RangeError is a time range that ends before it begins.
type RangeError struct{ Since, Until time.Time }

func (e *RangeError) Error() string {
	return fmt.Sprintf("since %s is not before until %s", e.Since.Format(time.RFC3339), e.Until.Format(time.RFC3339))
}

// Apply sets q's time range, patterns, levels and exclusions from s. now is
// what relative times count back from; loc is the zone of times written
// without one. A value that does not read is a *ShortcutError; a Since
// that is not before Until is a *RangeError.
func (s *Shortcuts) Apply(q *Query, now time.Time, loc *time.Location) error {
	if err := s.applyTimes(q, now, loc); err != nil {
		return err
	}
	var err error
	if q.Time, err = ParseTimeField(s.Time); err != nil {
		return &ShortcutError{Name: "time", Err: err}
	}
	q.Host, q.Tag = s.Host, s.Tag
	q.Not.Hosts, q.Not.Tags = nonEmpty(s.NotHosts), nonEmpty(s.NotTags)
	if q.Facility, err = optionalLevel("facility", s.Facility, syslog.ParseFacility); err != nil {
		return err
	}
	if q.Severity, err = optionalLevel("severity", s.Severity, syslog.ParseSeverity); err != nil {
		return err
	}
	if q.Not.Facilities, err = levels("not_facility", s.NotFacilities, syslog.ParseFacility); err != nil {
		return err
	}
	q.Not.Severities, err = levels("not_severity", s.NotSeverities, syslog.ParseSeverity)
	return err
}

func (s *Shortcuts) applyTimes(q *Query, now time.Time, loc *time.Location) error {
	for _, t := range []struct {
		name, spec string
		dst        *time.Time
	}{{"since", s.Since, &q.Since}, {"until", s.Until, &q.Until}} {
		if t.spec == "" {
			continue
		}
		at, err := ParseTime(t.spec, now, loc)
		if err != nil {
			return &ShortcutError{t.name, err}
		}
		*t.dst = at
	}
	if !q.Since.IsZero() && !q.Until.IsZero() && !q.Since.Before(q.Until) {
		return &RangeError{q.Since, q.Until}
	}
	return nil
}

// optionalLevel parses a facility or severity; "" is none.
func optionalLevel[T any](name, s string, parse func(string) (T, error)) (*T, error) {
	if s == "" {
		return nil, nil
	}
	v, err := parse(s)
	if err != nil {
		return nil, &ShortcutError{name, err}
	}
	return &v, nil
}

// levels parses the facilities or severities left out.
func levels[T any](name string, ss []string, parse func(string) (T, error)) ([]T, error) {
	var out []T
	for _, s := range nonEmpty(ss) {
		v, err := parse(s)
		if err != nil {
			return nil, &ShortcutError{name, err}
		}
		out = append(out, v)
	}
	return out, nil
}

func nonEmpty(vals []string) []string {
	var out []string
	for _, s := range vals {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}
