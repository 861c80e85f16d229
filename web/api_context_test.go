package web

import (
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db/search"
)

// contextFixture is a minute of two hosts, a message a second each:
// "a 00" … "a 29" from host a, "b 00" … "b 29" from b half a second
// after each.
func contextFixture() []search.Row {
	var out []search.Row
	start := time.Date(2026, 11, 30, 23, 59, 45, 0, time.UTC) // across the end of a month
	for i := range 30 {
		at := start.Add(time.Duration(i) * time.Second)
		out = append(out, record(at.Format("2006-01-02 15:04:05"), "a", "app", 1, 6, fmt.Sprintf("a %02d", i)))
		b := record(at.Format("2006-01-02 15:04:05"), "b", "app", 1, 6, fmt.Sprintf("b %02d", i))
		b.ReceivedAt = b.ReceivedAt.Add(500 * time.Millisecond)
		out = append(out, b)
	}
	return out
}

func TestAPIContext(t *testing.T) {
	ts := newTestServer(t, contextFixture(), nil)
	c := ts.login(t, "bob")
	var page struct{ Events []apiEvent }
	ts.getJSON(t, c, "/api/search?q=message:%2215%22&host=a", http.StatusOK, &page)
	if len(page.Events) != 1 {
		t.Fatalf("a 15: %v", page.Events)
	}
	at := fmt.Sprintf("table=%s&id=%d", page.Events[0].Table, page.Events[0].ID)
	messages := func(events []apiEvent) []string {
		var out []string
		for _, e := range events {
			out = append(out, e.Message)
		}
		return out
	}
	tests := []struct {
		query         string
		before, after []string
	}{
		{"&n=3", []string{"a 14", "a 13", "a 12"}, []string{"a 16", "a 17", "a 18"}},
		{"&n=2&scope=all", []string{"b 14", "a 14"}, []string{"b 15", "a 16"}},
		{"&n=20&scope=host", []string{"a 14", "a 13", "a 12", "a 11", "a 10", "a 09", "a 08", "a 07", "a 06", "a 05",
			"a 04", "a 03", "a 02", "a 01", "a 00"}, []string{"a 16", "a 17", "a 18", "a 19", "a 20", "a 21", "a 22",
			"a 23", "a 24", "a 25", "a 26", "a 27", "a 28", "a 29"}},
	}
	for _, tt := range tests {
		var got struct {
			Event         apiEvent
			Before, After []apiEvent
		}
		ts.getJSON(t, c, "/api/context?"+at+tt.query, http.StatusOK, &got)
		if got.Event.Message != "a 15" || !slices.Equal(messages(got.Before), tt.before) || !slices.Equal(messages(got.After), tt.after) {
			t.Errorf("%s: %q, before %q, after %q", tt.query, got.Event.Message, messages(got.Before), messages(got.After))
		}
	}
	for query, status := range map[string]int{
		at + "&n=0": 400, at + "&n=201": 400, at + "&scope=near": 400, "table=x&id=y": 400,
		"table=" + page.Events[0].Table + "&id=999999": 404,
	} {
		var e struct{ Error string }
		ts.getJSON(t, c, "/api/context?"+query, status, &e)
		if e.Error == "" {
			t.Errorf("%s: no error", query)
		}
	}
}
