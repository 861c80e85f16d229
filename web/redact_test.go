package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aiosyslogd/aiosyslogd/syslog"
)

func TestRedactText(t *testing.T) {
	r := newRedactor()
	tests := []struct{ in, want string }{
		{"from 10.0.0.5 port 22", "from REDACTED_IP port 22"},
		{"10.0.0.5:514", "REDACTED_IP:514"},
		{"addr fe80::1%eth0 and 2001:db8::8a2e:370:7334.", "addr REDACTED_IP and REDACTED_IP."},
		{"::ffff:192.0.2.1 mapped", "REDACTED_IP mapped"},
		{"mac 00:1A:2b:3c:4d:5e, 00-1a-2b-3c-4d-5f", "mac REDACTED_MAC, REDACTED_MAC"},
		{"user=bob action=login username=\"Alice Smith\" USER='x'", "user=REDACTED action=login username=\"REDACTED\" USER='REDACTED'"},
		{"at 12:30:45 version 1.2.3 std::map Foo::bar", "at 12:30:45 version 1.2.3 std::map Foo::bar"},
		{"999.1.1.1 is no address", "999.1.1.1 is no address"},
		{`[origin ip="10.1.2.3" user="root"]`, `[origin ip="REDACTED_IP" user="REDACTED"]`},
		{"cisco aabb.ccdd.ee02 bare aabbccddee03.", "cisco REDACTED_MAC bare REDACTED_MAC."},
		{"padded 010.001.002.003 and 10.0.0.256", "padded REDACTED_IP and 10.0.0.256"},
		{"login user = bob ok, username =alice", "login user = REDACTED ok, username =REDACTED"},
		{`msg="user=\"bob\" failed"`, `msg="user=\"REDACTED\" failed"`},
		{"build 1a2b3c4d5e6f7 and aabbccddee0", "build 1a2b3c4d5e6f7 and aabbccddee0"}, // 13 and 11 hex digits
	}
	for _, tt := range tests {
		if got := r.text(tt.in); got != tt.want {
			t.Errorf("redact(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// Masked structured data is still structured data: each value masked
// inside its quotes, user and username values whole.
func TestRedactStructuredData(t *testing.T) {
	r := newRedactor()
	tests := []struct{ in, want string }{
		{`[origin ip="10.1.2.3" user="root"]`, `[origin ip="REDACTED_IP" user="REDACTED"]`},
		{`[meta msg="user=\"bob\" from 010.001.002.003" mac="aabb.ccdd.ee02"][auth Username="carol smith"]`,
			`[meta msg="user=\"REDACTED\" from REDACTED_IP" mac="REDACTED_MAC"][auth Username="REDACTED"]`},
		{`[x@32473 note="user = bob \] done"]`, `[x@32473 note="user = REDACTED \] done"]`},
		{"not [structured", "not [structured"},
	}
	for _, tt := range tests {
		got := r.structuredData(tt.in)
		if got != tt.want {
			t.Errorf("structuredData(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if _, err := syslog.ParseStructuredData(got); err != nil && tt.in[0] == '[' {
			t.Errorf("structuredData(%q) = %q, which does not parse: %v", tt.in, got, err)
		}
	}
}

// With redact on, what the API answers is masked: events, facets, exports.
func TestRedactedAPI(t *testing.T) {
	ts := newTestServer(t, fixture, func(c *Config) { c.Redact = true })
	c := ts.login(t, "bob")
	for _, path := range []string{"/api/search", "/api/export?format=ndjson", "/api/export?format=csv", "/api/event?table=SystemEvents202611&id=3"} {
		res, body := ts.get(t, c, path)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: %s", path, res.Status)
		}
		for _, secret := range []string{"10.0.0.5", "203.0.113.9", "fe80::1", "00:1a:2b:3c:4d:5e", "user=bob"} {
			if strings.Contains(body, secret) {
				t.Errorf("%s shows %s: %s", path, secret, body)
			}
		}
	}
	if got, _ := searchMessages(t, ts, c, "q=password&limit=1"); got[0] != "Failed password for root from REDACTED_IP" {
		t.Errorf("redacted message %q", got)
	}
}

// Under redaction a search cannot tell what is masked: a term of a masked
// kind is refused with a clear 400, whatever the endpoint; others work.
func TestRedactedSearchIsNoOracle(t *testing.T) {
	ts := newTestServer(t, fixture, func(c *Config) { c.Redact = true })
	c := ts.login(t, "bob")
	tests := []struct {
		query  string
		status int
	}{
		{`q="203.0.113.9"`, 400},
		{"q=203.0.113.9", 400},
		{`q="203 0 113 9"`, 400},
		{"q=203.0.*", 400},
		{"q=ip:203.0.113.0/24", 400},
		{"q=ip:*", 400},
		{"q=host:10.9.8.7", 400},
		{"host=10.9.8.7", 400},
		{"not_host=10.9.8.7", 400},
		{`q="fe80::1"`, 400},
		{"q=00:1a:2b:3c:4d:5e", 400},
		{"q=aabb.ccdd.ee02", 400},
		{"q=aabbccddee03", 400},
		{"q=010.001.002.003", 400},
		{`q="user=bob"`, 400},
		{`q="user = bob"`, 400},
		{`q="user bob"`, 400},
		{"q=user=*", 400},
		{"q=sd.auth.user:bob", 400},
		{"q=NOT (sshd OR 10.0.0.5)", 400},
		{"q=password", 200},
		{"q=host:web*+sshd", 200},
		{"q=user", 200},
		{"q=sd.origin.software:x", 200},
		{"q=port+5432", 200},
	}
	for _, tt := range tests {
		key, value, _ := strings.Cut(tt.query, "=")
		encoded := url.Values{key: {value}}.Encode()
		for _, path := range []string{"/api/search?", "/api/histogram?", "/api/facets?field=host&", "/api/export?"} {
			res, body := ts.get(t, c, path+encoded)
			if res.StatusCode != tt.status {
				t.Errorf("%s%s: %s %s, want %d", path, tt.query, res.Status, body, tt.status)
			}
			if tt.status == 400 && !strings.Contains(body, "masks addresses and user names") {
				t.Errorf("%s%s: %s", path, tt.query, body)
			}
		}
	}
	if res, _ := ts.get(t, c, "/api/tail?q=10.0.0.5"); res.StatusCode != 400 {
		t.Errorf("a tail of an address: %s", res.Status)
	}
	if res, _ := ts.get(t, c, "/api/values?field=host&prefix=10.0."); res.StatusCode != 400 {
		t.Errorf("the hosts that start with 10.0.: %s", res.Status)
	}
}

// Masked structured data stays structured data: the API gives it as an
// object, and "Copy as RFC 5424" keeps it.
func TestRedactedStructuredDataStaysValid(t *testing.T) {
	rec := record("2026-11-02 10:00:00", "gw", "auth", 4, 6, "login")
	rec.Message.StructuredData = []syslog.SDElement{
		{ID: "origin", Params: []syslog.SDParam{{Name: "ip", Value: "10.1.2.3"}}},
		{ID: "meta", Params: []syslog.SDParam{{Name: "user", Value: "root"}, {Name: "note", Value: `user="bob" via aabb.ccdd.ee02`}}},
	}
	ts := newTestServer(t, append(fixture[:len(fixture):len(fixture)], rec), func(c *Config) { c.Redact = true })
	c := ts.login(t, "bob")
	var page struct{ Events []apiEvent }
	ts.getJSON(t, c, "/api/search?q=login&limit=1", http.StatusOK, &page)
	if len(page.Events) != 1 {
		t.Fatalf("events %+v", page.Events)
	}
	e := page.Events[0]
	sd, ok := e.StructuredData.(map[string]any)
	want := map[string]any{"origin": map[string]any{"ip": "REDACTED_IP"}, "meta": map[string]any{"user": "REDACTED", "note": `user="REDACTED" via REDACTED_MAC`}}
	if !ok || fmt.Sprint(sd) != fmt.Sprint(want) {
		t.Errorf("StructuredData %#v, want %v", e.StructuredData, want)
	}
	_, line := ts.get(t, c, fmt.Sprintf("/api/event?table=%s&id=%d&format=rfc5424", e.Table, e.ID))
	if !strings.Contains(line, `[origin ip="REDACTED_IP"][meta user="REDACTED" note="user=\"REDACTED\" via REDACTED_MAC"]`) {
		t.Errorf("as RFC 5424: %s", line)
	}
}
