package web

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestUserSlots(t *testing.T) {
	u := newUserSlots(2)
	ctx := context.Background()
	r1, err1 := u.acquire(ctx, "bob", false)
	r2, err2 := u.acquire(ctx, "bob", true)
	if err1 != nil || err2 != nil {
		t.Fatalf("bob's two slots: %v, %v", err1, err2)
	}
	if _, err := u.acquire(ctx, "bob", false); !errors.Is(err, errUserBusy) {
		t.Errorf("bob's third, without waiting: %v", err)
	}
	short, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
	defer cancel()
	if _, err := u.acquire(short, "bob", true); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("bob's third, waiting: %v", err)
	}
	ra, err := u.acquire(ctx, "alice", false)
	if err != nil {
		t.Errorf("alice, while bob holds his: %v", err)
	}
	r1()
	r3, err := u.acquire(ctx, "bob", false)
	if err != nil {
		t.Errorf("bob, once one ended: %v", err)
	}
	r2()
	r3()
	ra()
	if n := u.users(); n != 0 {
		t.Errorf("%d users kept once every slot is released", n)
	}
}

// One user holding all of their slots slows or refuses only that user:
// another user's search, tail and export go through, and a search that
// runs (or waits) out of time is 503 with what to do, not 500.
func TestPerUserLimits(t *testing.T) {
	ts := newTestServer(t, fixture, func(c *Config) {
		c.UserSearches, c.UserStreams, c.UserExports = 1, 1, 1
		c.RequestTime = 100 * time.Millisecond
	})
	bob, alice := ts.login(t, "bob"), ts.login(t, "alice")
	for _, slots := range []*userSlots{ts.srv.userSearches, ts.srv.userStreams, ts.srv.userExports} {
		release, err := slots.acquire(context.Background(), "bob", false)
		if err != nil {
			t.Fatal(err)
		}
		defer release()
	}
	tests := []struct {
		name   string
		c      *http.Client
		path   string
		status int
		says   string
	}{
		{"bob's export", bob, "/api/export", http.StatusTooManyRequests, "you have 1 exports running"},
		{"bob's tail", bob, "/api/tail", http.StatusTooManyRequests, "you have 1 live tails open"},
		{"bob's search", bob, "/api/search", http.StatusServiceUnavailable, "the search took longer than 100ms"},
		{"bob's histogram", bob, "/api/histogram", http.StatusServiceUnavailable, "narrow the time range"},
		{"alice's export", alice, "/api/export", http.StatusOK, "Failed password"},
		{"alice's search", alice, "/api/search", http.StatusOK, "Failed password"},
		{"alice's facets", alice, "/api/facets?field=host", http.StatusOK, "web1"},
	}
	for _, tt := range tests {
		res, body := ts.get(t, tt.c, tt.path)
		if res.StatusCode != tt.status || !strings.Contains(body, tt.says) {
			t.Errorf("%s: %s %q, want %d saying %q", tt.name, res.Status, body, tt.status, tt.says)
		}
	}
	if _, res := openTail(t, ts, alice, "backlog=1"); res.StatusCode != http.StatusOK {
		t.Errorf("alice's tail: %s", res.Status)
	}
}
