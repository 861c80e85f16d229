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
	q := search.Query{Expr: expr, Limit: defaultLimit}
	if q.Order, err = search.ParseOrder(v.Get("order")); err != nil {
		return q, &badRequest{err.Error()}
	}
	if q.After, err = parseCursor(v.Get("cursor")); err != nil {
		return q, err
	}
	if err := parseLimit(v, &q); err != nil {
		return q, err
	}
	loc, err := parseZone(v.Get("tz"))
	if err != nil {
		return q, err
	}
	for _, key := range []string{"not_host", "not_tag", "not_facility", "not_severity"} {
		if len(v[key]) > maxExclusions {
			return q, badParam(key, "at most %d values", maxExclusions)
		}
	}
	if err := urlShortcuts(v).Apply(&q, now, loc); err != nil {
		return q, &badRequest{err.Error()}
	}
	return q, nil
}

// urlShortcuts are the filter parameters as sent.
func urlShortcuts(v url.Values) *search.Shortcuts {
	return &search.Shortcuts{
		Since: v.Get("since"), Until: v.Get("until"), Time: v.Get("time"),
		Host: v.Get("host"), Tag: v.Get("tag"),
		Facility: v.Get("facility"), Severity: v.Get("severity"),
		NotHosts: v["not_host"], NotTags: v["not_tag"],
		NotFacilities: v["not_facility"], NotSeverities: v["not_severity"],
	}
}

// parseCursor reads the cursor of the page after another. Its table must
// be a month table's name: a forged cursor is the client's mistake, 400,
// not a failing query.
func parseCursor(s string) (search.Cursor, error) {
	c, err := search.ParseCursor(s)
	if err != nil {
		return c, &badRequest{err.Error()}
	}
	if err := db.CheckCursor(c); err != nil {
		return c, badParam("cursor", "%v", err)
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

// parseZone reads tz: the zone of times written without one, the
// server's when empty.
func parseZone(tz string) (*time.Location, error) {
	if tz == "" {
		return time.Local, nil
	}
	l, err := time.LoadLocation(tz)
	if err != nil || strings.EqualFold(tz, "local") {
		return nil, badParam("tz", "%q is not a time zone name (Europe/Berlin, UTC)", tz)
	}
	return l, nil
}
