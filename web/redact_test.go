package web

import (
	"net/http"
	"strings"
	"testing"
)

func TestRedactText(t *testing.T) {
	r := newRedactor()
	tests := []struct{ in, want string }{
		{"from 10.0.0.5 port 22", "from REDACTED_IP port 22"},
		{"10.0.0.5:514", "REDACTED_IP:514"},
		{"addr fe80::1%eth0 and 2001:db8::8a2e:370:7334.", "addr REDACTED_IP and REDACTED_IP."},
		{"::ffff:192.0.2.1 mapped", "REDACTED_IP mapped"},
		{"mac 00:1A:2b:3c:4d:5e, 00-1a-2b-3c-4d-5f", "mac REDACTED_MAC, REDACTED_MAC"},
		{"user=bob action=login username=\"Alice Smith\" USER='x'", "user=REDACTED action=login username=REDACTED USER=REDACTED"},
		{"at 12:30:45 version 1.2.3 std::map Foo::bar", "at 12:30:45 version 1.2.3 std::map Foo::bar"},
		{"999.1.1.1 is no address", "999.1.1.1 is no address"},
		{`[origin ip="10.1.2.3" user="root"]`, `[origin ip="REDACTED_IP" user=REDACTED]`},
	}
	for _, tt := range tests {
		if got := r.text(tt.in); got != tt.want {
			t.Errorf("redact(%q) = %q, want %q", tt.in, got, tt.want)
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
