// Package search is the model of a search through stored messages, shared
// by every front end (the search command, the HTTP API) and answered by the
// stores (packages db/sqlite and db/postgres): the Row a store writes (what the ingest pipeline hands
// it), the Query, the Event found with its JSON form, the
// Cursor that continues a search where a page ended (or a live tail where
// it stopped), and the time specs
// people type (15m, yesterday, 2026-11-24).
//
// It knows neither SQL nor HTTP nor the command line.
package search

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db/search/query"
	"github.com/aiosyslogd/aiosyslogd/syslog"
)

// Query says which stored events to find. The zero Query finds every
// event, newest first.
type Query struct {
	// Expr is what the events must match, in the query language (package
	// query: words, "phrases", prefix*, host:, tag:, severity:, …,
	// AND, OR, NOT); nil matches every event. The fields below are
	// shortcuts for the command line's flags and the page's boxes: each
	// means what the field it stands for would, AND-ed with Expr.
	Expr query.Node
	// Since (inclusive) and Until (exclusive) bound the time Time names
	// (ReceivedAt unless set); a zero time leaves that side open.
	Since, Until time.Time
	// Time is the time of the events that Since, Until and Order go by:
	// ReceivedTime (the zero value) or EventTime.
	Time TimeField
	// Host and Tag are shell patterns (* ? [...]) on FromHost and
	// SysLogTag ("web*"); without a wildcard they must match exactly. ""
	// means any.
	Host, Tag string
	// Facility, when set, keeps the events of that facility only.
	Facility *syslog.Facility
	// Severity, when set, keeps the events of that severity or a more
	// severe one (a lower number), like journalctl -p.
	Severity *syslog.Severity
	// Not leaves out the events that any of its values matches: what a
	// reader excluded ("everything but this host").
	Not Exclusions
	// Order is the order of the results: NewestFirst (the zero value) or
	// OldestFirst.
	Order Order
	// Limit is the most events a search returns; 0 means no limit.
	Limit int
	// After, when set, continues a search after the event it points to
	// (the last of the previous page), in Order.
	After Cursor
}

// Exclusions are the values a Query leaves out. The zero value leaves out
// nothing.
type Exclusions struct {
	// Hosts and Tags are patterns as Query.Host and Query.Tag: an event
	// whose FromHost (SysLogTag) matches one of them is left out.
	Hosts, Tags []string
	// Facilities and Severities are left out exactly (a severity here is
	// that level only, not the levels above it).
	Facilities []syslog.Facility
	Severities []syslog.Severity
}

// IsZero reports whether x leaves out nothing.
func (x *Exclusions) IsZero() bool {
	return len(x.Hosts) == 0 && len(x.Tags) == 0 && len(x.Facilities) == 0 && len(x.Severities) == 0
}

// Exact returns the pattern (for Query.Host, Query.Tag and Exclusions)
// that matches s and nothing else: its wildcards * ? [ are bracketed.
func Exact(s string) string {
	return globSpecials.Replace(s)
}

var globSpecials = strings.NewReplacer("*", "[*]", "?", "[?]", "[", "[[]")

// Order is the order in which a search returns events.
type Order uint8

// The orders of a search.
const (
	NewestFirst Order = iota
	OldestFirst
)

// String returns "desc" or "asc", as ParseOrder reads them.
func (o Order) String() string {
	switch o {
	case OldestFirst:
		return "asc"
	default:
		return "desc"
	}
}

// ParseOrder reads an order: "desc" or "newest" (NewestFirst), "asc" or
// "oldest" (OldestFirst), or "" for NewestFirst.
func ParseOrder(s string) (Order, error) {
	switch strings.ToLower(s) {
	case "", "desc", "newest":
		return NewestFirst, nil
	case "asc", "oldest":
		return OldestFirst, nil
	}
	return 0, fmt.Errorf("order %q: want desc (newest first) or asc (oldest first)", s)
}

// TimeField is the time of an event that a query's range bounds and its
// order follows.
type TimeField uint8

// The times of an event.
const (
	// ReceivedTime is when the server received the event (ReceivedAt).
	ReceivedTime TimeField = iota
	// EventTime is the device's own timestamp (DeviceReportedTime) where
	// the message had one, else ReceivedAt: the time of a backfilled or
	// delayed log as its sender tells it.
	EventTime
)

// String returns "received" or "event", as ParseTimeField reads them.
func (f TimeField) String() string {
	if f == EventTime {
		return "event"
	}
	return "received"
}

// ParseTimeField reads a time field: "received" (or "") or "event".
func ParseTimeField(s string) (TimeField, error) {
	switch strings.ToLower(s) {
	case "", "received":
		return ReceivedTime, nil
	case "event":
		return EventTime, nil
	}
	return 0, fmt.Errorf("time %q: want received (when the server received it) or event (the device's own timestamp)", s)
}

// Cursor points to one stored event: where the store keeps it (Table), when
// it was received and its ID there. A search with Query.After set to the
// Cursor of the last event of a page returns the next page, and the store's
// Follow after a Cursor returns what is stored after its event. The zero
// Cursor points nowhere.
//
// Its fields are the store's: a front end only passes a Cursor on, as the
// token String makes, which ParseCursor reads back (and the store checks,
// db.CheckCursor). In a search by EventTime, ReceivedAt holds the event's
// event time (Event.CursorBy).
type Cursor struct {
	Table      string
	ReceivedAt time.Time
	ID         int64
}

// IsZero reports whether c points nowhere.
func (c Cursor) IsZero() bool { return c.Table == "" }

// String returns c as an opaque token for URLs and JSON, which ParseCursor
// reads back; "" for the zero Cursor.
func (c Cursor) String() string {
	if c.IsZero() {
		return ""
	}
	raw := c.Table + "/" + strconv.FormatInt(c.ReceivedAt.UnixNano(), 10) + "/" + strconv.FormatInt(c.ID, 10)
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

// errBadCursor is what a token that no Cursor.String made is.
var errBadCursor = errors.New("not a cursor from a previous page")

// ParseCursor reads a token made by Cursor.String; "" is the zero Cursor.
func ParseCursor(s string) (Cursor, error) {
	if s == "" {
		return Cursor{}, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return Cursor{}, fmt.Errorf("cursor %q: %w", s, errBadCursor)
	}
	parts := strings.Split(string(raw), "/")
	if len(parts) != 3 || parts[0] == "" {
		return Cursor{}, fmt.Errorf("cursor %q: %w", s, errBadCursor)
	}
	at, err1 := strconv.ParseInt(parts[1], 10, 64)
	id, err2 := strconv.ParseInt(parts[2], 10, 64)
	if err1 != nil || err2 != nil {
		return Cursor{}, fmt.Errorf("cursor %q: %w", s, errBadCursor)
	}
	return Cursor{Table: parts[0], ReceivedAt: time.Unix(0, at).UTC(), ID: id}, nil
}

// BadQueryError is a full-text query that the store rejects.
type BadQueryError struct {
	Query string
	// Reason is the store's own words: `fts5: syntax error near "."`.
	Reason string
}

// Error says which query and why: bad query "a AND": fts5: syntax error near "".
func (e *BadQueryError) Error() string {
	return fmt.Sprintf("bad query %q: %s", e.Query, e.Reason)
}
