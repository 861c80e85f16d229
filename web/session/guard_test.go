package session

import (
	"net/netip"
	"strconv"
	"testing"
	"time"
)

func TestLoginGuard(t *testing.T) {
	home, stranger := netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("198.51.100.7")
	type try struct {
		name   string
		client netip.Addr
		fail   bool // a wrong password, else the right one
	}
	repeat := func(n int, tr try) []try {
		out := make([]try, n)
		for i := range out {
			out[i] = tr
		}
		return out
	}
	names := func(n int, client netip.Addr) []try {
		var out []try
		for i := range n {
			out = append(out, try{"user" + strconv.Itoa(i), client, true})
		}
		return out
	}
	tests := []struct {
		name   string
		before []try
		then   try
		allow  bool
	}{
		{"a stranger's failures do not lock the user out elsewhere", repeat(5, try{"admin", stranger, true}), try{"admin", home, false}, true},
		{"the stranger himself is locked, right password or not", repeat(5, try{"admin", stranger, true}), try{"admin", stranger, false}, false},
		{"four failures leave the name open", repeat(4, try{"admin", stranger, true}), try{"admin", stranger, false}, true},
		{"spraying names from one client is slowed", names(DefaultClientFailures, stranger), try{"someone", stranger, true}, false},
		{"spraying from one client leaves others alone", names(DefaultClientFailures, stranger), try{"user1", home, false}, true},
		{"an IPv6 client is its /64", repeat(5, try{"admin", netip.MustParseAddr("2001:db8::1"), true}), try{"admin", netip.MustParseAddr("2001:db8::ffff"), false}, false},
		{"a success forgets that pair's failures", append(repeat(4, try{"admin", home, true}), try{"admin", home, false}), try{"admin", home, true}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var g LoginGuard
			for _, tr := range tt.before {
				if tr.fail {
					g.Fail(tr.name, tr.client)
				} else {
					g.Succeed(tr.name, tr.client)
				}
			}
			ok, wait := g.Allow(tt.then.name, tt.then.client)
			if ok != tt.allow || ok != (wait == 0) {
				t.Errorf("Allow = %v, %v; want %v", ok, wait, tt.allow)
			}
		})
	}
}

// Many clients together reach the name's ceiling, which locks the name for
// everyone: a guesser spread over addresses is slowed too.
func TestLoginGuardNameCeiling(t *testing.T) {
	clk := &clock{t0}
	g := LoginGuard{PerName: LoginLimiter{Now: clk.Now}}
	for i := range DefaultNameFailures {
		g.Fail("admin", netip.AddrFrom4([4]byte{10, 0, byte(i / 4), byte(i)}))
	}
	if ok, wait := g.Allow("admin", netip.MustParseAddr("192.0.2.1")); ok || wait != time.Minute {
		t.Errorf("after %d failures from many clients: %v, %v", DefaultNameFailures, ok, wait)
	}
}

// However many names and clients fail, each of the guard's limiters keeps
// at most its MaxNames.
func TestLoginGuardStaysBounded(t *testing.T) {
	g := LoginGuard{PerPair: LoginLimiter{MaxNames: 100}, PerClient: LoginLimiter{MaxNames: 100}, PerName: LoginLimiter{MaxNames: 100}}
	for i := range 10000 {
		g.Fail("name"+strconv.Itoa(i), netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}))
	}
	for name, l := range map[string]*LoginLimiter{"pairs": &g.PerPair, "clients": &g.PerClient, "names": &g.PerName} {
		if n := l.Tracked(); n > 100 {
			t.Errorf("%d %s tracked, want at most 100", n, name)
		}
	}
}
