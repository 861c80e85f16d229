package web

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/aiosyslogd/aiosyslogd/db/search"
)

func TestAPIValues(t *testing.T) {
	ts := newTestServer(t, fixture, nil)
	c := ts.login(t, "bob")
	tests := []struct {
		query, field string
		want         []string
	}{
		{"field=host&prefix=web", "host", []string{"web1", "web2"}},
		{"field=host", "host", []string{"db1", "mail", "web1", "web2"}},
		{"field=host&prefix=web&limit=1", "host", []string{"web1"}},
		{"field=host&prefix=nothing", "host", []string{}},
		{"field=tag&prefix=post", "tag", []string{"postfix", "postgres"}},
		{"field=tag&prefix=s", "tag", []string{"sshd"}},
	}
	for _, tt := range tests {
		var a valuesAnswer
		ts.getJSON(t, c, "/api/values?"+tt.query, http.StatusOK, &a)
		if !slices.Equal(a.Values, tt.want) || a.Field != tt.field {
			t.Errorf("/api/values?%s: %+v, want %q", tt.query, a, tt.want)
		}
	}
	bad := []struct{ query, want string }{
		{"field=severity", "field"},
		{"field=", "field"},
		{"field=host&limit=0", "limit"},
		{"field=host&limit=201", "limit"},
		{"field=host&limit=x", "limit"},
		{"field=host&prefix=" + strings.Repeat("w", maxParamBytes+1), "prefix"},
	}
	for _, tt := range bad {
		var e apiError
		ts.getJSON(t, c, "/api/values?"+tt.query, http.StatusBadRequest, &e)
		if !strings.HasPrefix(e.Error, tt.want) {
			t.Errorf("/api/values?%s: error %q, want it to start with %q", tt.query, e.Error, tt.want)
		}
	}
	var a valuesAnswer
	ts.getJSON(t, c, "/api/values?field=host&limit=200", http.StatusOK, &a)
	if len(a.Values) != 4 {
		t.Errorf("limit=200: %q", a.Values)
	}
	if res, _ := ts.get(t, ts.client(t), "/api/values?field=host"); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("without a login: %s", res.Status)
	}
}

// With redaction, hosts that are addresses come out masked, once.
func TestAPIValuesRedacted(t *testing.T) {
	records := []search.Row{
		record("2026-11-01 01:00:00", "10.0.0.5", "sshd", 4, 6, "a"),
		record("2026-11-01 02:00:00", "10.0.0.6", "sshd", 4, 6, "b"),
		record("2026-11-01 03:00:00", "web1", "sshd", 4, 6, "c"),
	}
	ts := newTestServer(t, records, func(cfg *Config) { cfg.Redact = true })
	c := ts.login(t, "bob")
	var a valuesAnswer
	ts.getJSON(t, c, "/api/values?field=host", http.StatusOK, &a)
	if want := []string{maskIP, "web1"}; !slices.Equal(a.Values, want) {
		t.Errorf("redacted hosts %q, want %q", a.Values, want)
	}
}
