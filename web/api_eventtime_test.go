package web

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db/search"
)

// backfilled is the fixture with two messages received on 2 November
// whose devices stamped them in October, and one without a timestamp.
func backfilled() []search.Row {
	rows := slices.Clone(fixture)
	late := record("2026-11-02 09:00:00", "old1", "backup", 1, 3, "backfilled disk error")
	late.Message.Timestamp = time.Date(2026, 10, 30, 12, 0, 0, 0, time.UTC)
	later := record("2026-11-02 09:00:01", "old1", "backup", 1, 6, "backfilled disk ok")
	later.Message.Timestamp = time.Date(2026, 10, 30, 13, 0, 0, 0, time.UTC)
	bare := record("2026-11-02 10:00:00", "old1", "backup", 1, 6, "no timestamp")
	bare.Message.Timestamp = time.Time{}
	return append(rows, late, later, bare)
}

// time=event bounds, orders, pages and counts by the device's timestamp
// in /api/search, /api/histogram and /api/facets; without it, by when the
// messages were received.
func TestAPIEventTime(t *testing.T) {
	ts := newTestServer(t, backfilled(), nil)
	c := ts.login(t, "bob")
	const oct30 = "since=2026-10-30&until=2026-10-31&tz=UTC"
	if got, _ := searchMessages(t, ts, c, oct30); !slices.Equal(got, []string{"Accepted password for alice from 10.0.0.5"}) {
		t.Errorf("by received time: %q", got)
	}
	want := []string{"backfilled disk ok", "backfilled disk error", "Accepted password for alice from 10.0.0.5"}
	if got, _ := searchMessages(t, ts, c, oct30+"&time=event"); !slices.Equal(got, want) {
		t.Errorf("by event time: %q, want %q", got, want)
	}
	// Page by page: the cursor is the event time's.
	var paged []string
	query := oct30 + "&time=event&limit=1"
	for range 5 {
		got, next := searchMessages(t, ts, c, query)
		paged = append(paged, got...)
		if next == nil {
			break
		}
		query = oct30 + "&time=event&limit=1&cursor=" + *next
	}
	if !slices.Equal(paged, want) {
		t.Errorf("by event time, a page each: %q", paged)
	}
	if got, _ := searchMessages(t, ts, c, "since=2026-11-02T10:00:00Z&time=event"); !slices.Equal(got, []string{"no timestamp"}) {
		t.Errorf("a message without a timestamp by event time: %q", got)
	}

	var h histogramAnswer
	ts.getJSON(t, c, "/api/histogram?"+oct30+"&time=event&buckets=24", http.StatusOK, &h)
	if h.Total != 3 || h.Step != 3600 || h.Buckets[12].Count != 1 || h.Buckets[12].Severities[3] != 1 || h.Buckets[13].Severities[6] != 1 || h.Severities[3] != 1 {
		t.Errorf("histogram by event time: %+v", h)
	}
	ts.getJSON(t, c, "/api/histogram?"+oct30+"&buckets=24", http.StatusOK, &h)
	if h.Total != 1 {
		t.Errorf("histogram by received time: total %d", h.Total)
	}
	var f facetsAnswer
	ts.getJSON(t, c, "/api/facets?field=host&"+oct30+"&time=event", http.StatusOK, &f)
	if len(f.Values) != 2 || f.Values[0].Value != "old1" || f.Values[0].Count != 2 {
		t.Errorf("host facet by event time: %+v", f.Values)
	}
	var e struct{ Error string }
	ts.getJSON(t, c, "/api/search?time=device", http.StatusBadRequest, &e)
	if e.Error == "" || e.Error[:5] != "time:" {
		t.Errorf("time=device: %q", e.Error)
	}
}
