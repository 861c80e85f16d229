package web

import (
	"errors"
	"net/url"
	"testing"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db/search/query"
)

func TestParseQueryDefaults(t *testing.T) {
	q, err := parseQuery(url.Values{}, time.Now())
	if err != nil || q.Limit != defaultLimit || !q.Since.IsZero() || q.Expr != nil {
		t.Errorf("empty parameters: %+v, %v", q, err)
	}
	now := time.Date(2026, 11, 24, 13, 0, 0, 0, time.UTC)
	q, err = parseQuery(url.Values{"since": {"15m"}, "until": {"2026-11-24 12:59"}, "tz": {"UTC"}, "q": {"  sshd  "}}, now)
	if err != nil || !q.Since.Equal(now.Add(-15*time.Minute)) || !q.Until.Equal(now.Add(-time.Minute)) || q.Expr == nil || q.Expr.String() != "sshd" {
		t.Errorf("%+v, %v", q, err)
	}
}

// FuzzParseQuery: whatever a URL holds, parseQuery returns a Query within
// its bounds or a bad request (a *badRequest, or a *query.Error for q),
// and never panics.
func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{"", "q=sshd&since=15m", "since=2026-11-24&until=2026-11-25&tz=Europe/Berlin",
		"host=web*&tag=ssh?&facility=auth&severity=err", "not_host=a&not_host=b&not_severity=7&not_facility=local7",
		"limit=1000&order=asc&cursor=U3lzdGVtRXZlbnRzMjAyNjExLzEvMQ", "since=@1700000000", "limit=-1", "tz=Local",
		"q=!", "q=hots:x", "q=(a"} {
		f.Add(s)
	}
	now := time.Date(2026, 11, 24, 13, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		q, err := parseQuery(v, now)
		if err != nil {
			var qe *query.Error
			if _, ok := err.(*badRequest); !ok && !errors.As(err, &qe) {
				t.Fatalf("%q: error %T %v is not a bad request", raw, err, err)
			}
			return
		}
		if q.Limit < 1 || q.Limit > maxLimit {
			t.Errorf("%q: limit %d", raw, q.Limit)
		}
		if !q.Since.IsZero() && !q.Until.IsZero() && !q.Since.Before(q.Until) {
			t.Errorf("%q: since %s not before until %s", raw, q.Since, q.Until)
		}
		if len(q.Not.Hosts) > maxExclusions {
			t.Errorf("%q: %+v", raw, q)
		}
	})
}
