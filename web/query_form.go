package web

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db"
	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/db/search/query"
	"github.com/aiosyslogd/aiosyslogd/syslog"
)

// The parameters of a query, in the URL of the page and of the API:
//
//	q             the query language (package query), as search's QUERY
//	since, until  times as search --since/--until: 15m, 2026-11-24, RFC 3339…
//	tz            the zone of times written without one (an IANA name; default the server's)
//	host, tag     patterns (* ? []), as --host and --tag
//	facility      a name or 0-23
//	severity      a name or 0-7: that level and worse
//	not_host, not_tag, not_facility, not_severity
//	              values left out; each may be repeated
//	limit, order, cursor
//	              events per page, desc|asc, and the page after a cursor
//
// maxParamBytes bounds each value, maxExclusions the repeats of each not_.
const (
	maxParamBytes = 4096
	maxExclusions = 32
)

// parseQuery reads a search.Query from URL parameters; now is what
// relative times count back from. An invalid parameter is a *badRequest
// that names it.
func parseQuery(v url.Values, now time.Time) (search.Query, error) {
	for key, vals := range v {
		for _, s := range vals {
			if len(s) > maxParamBytes {
				return search.Query{}, badParam(key, "longer than %d bytes", maxParamBytes)
			}
		}
	}
	expr, err := query.Parse(v.Get("q"))
	if err != nil {
		return search.Query{}, err
	}
	q := search.Query{Expr: expr, Host: v.Get("host"), Tag: v.Get("tag"), Limit: defaultLimit}
	if q.Order, err = search.ParseOrder(v.Get("order")); err != nil {
		return q, &badRequest{err.Error()}
	}
	if q.After, err = parseCursor(v.Get("cursor")); err != nil {
		return q, err
	}
	if err := parseLimit(v, &q); err != nil {
		return q, err
	}
	if err := parseRange(v, now, &q); err != nil {
		return q, err
	}
	if err := parseLevels(v, &q); err != nil {
		return q, err
	}
	return q, parseExclusions(v, &q)
}

// parseCursor reads the cursor of the page after another. Its table must
// be a month table's name: a forged cursor is the client's mistake, 400,
// not a failing query.
func parseCursor(s string) (search.Cursor, error) {
	c, err := search.ParseCursor(s)
	if err != nil {
		return c, &badRequest{err.Error()}
	}
	if s != "" {
		if _, err := db.ParseMonthTable(c.Table); err != nil {
			return c, badParam("cursor", "%v", err)
		}
	}
	return c, nil
}

func badParam(key, format string, args ...any) error {
	return &badRequest{key + ": " + fmt.Sprintf(format, args...)}
}

func parseLimit(v url.Values, q *search.Query) error {
	s := v.Get("limit")
	if s == "" {
		return nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > maxLimit {
		return badParam("limit", "%q: want 1 to %d", s, maxLimit)
	}
	q.Limit = n
	return nil
}

// parseRange reads since, until and tz.
func parseRange(v url.Values, now time.Time, q *search.Query) error {
	loc := time.Local
	if tz := v.Get("tz"); tz != "" {
		l, err := time.LoadLocation(tz)
		if err != nil || strings.EqualFold(tz, "local") {
			return badParam("tz", "%q is not a time zone name (Europe/Berlin, UTC)", tz)
		}
		loc = l
	}
	for _, p := range []struct {
		key string
		dst *time.Time
	}{{"since", &q.Since}, {"until", &q.Until}} {
		if s := v.Get(p.key); s != "" {
			t, err := search.ParseTime(s, now, loc)
			if err != nil {
				return badParam(p.key, "%v", err)
			}
			*p.dst = t
		}
	}
	if !q.Since.IsZero() && !q.Until.IsZero() && !q.Since.Before(q.Until) {
		return &badRequest{fmt.Sprintf("since %s is not before until %s", q.Since.Format(time.RFC3339), q.Until.Format(time.RFC3339))}
	}
	return nil
}

// parseLevels reads facility and severity.
func parseLevels(v url.Values, q *search.Query) error {
	if s := v.Get("facility"); s != "" {
		f, err := syslog.ParseFacility(s)
		if err != nil {
			return badParam("facility", "%v", err)
		}
		q.Facility = &f
	}
	if s := v.Get("severity"); s != "" {
		sev, err := syslog.ParseSeverity(s)
		if err != nil {
			return badParam("severity", "%v", err)
		}
		q.Severity = &sev
	}
	return nil
}

// parseExclusions reads the not_ parameters.
func parseExclusions(v url.Values, q *search.Query) error {
	for _, key := range []string{"not_host", "not_tag", "not_facility", "not_severity"} {
		if len(v[key]) > maxExclusions {
			return badParam(key, "at most %d values", maxExclusions)
		}
	}
	q.Not.Hosts = nonEmpty(v["not_host"])
	q.Not.Tags = nonEmpty(v["not_tag"])
	for _, s := range nonEmpty(v["not_facility"]) {
		f, err := syslog.ParseFacility(s)
		if err != nil {
			return badParam("not_facility", "%v", err)
		}
		q.Not.Facilities = append(q.Not.Facilities, f)
	}
	for _, s := range nonEmpty(v["not_severity"]) {
		sev, err := syslog.ParseSeverity(s)
		if err != nil {
			return badParam("not_severity", "%v", err)
		}
		q.Not.Severities = append(q.Not.Severities, sev)
	}
	return nil
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
