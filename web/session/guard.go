package session

import (
	"net/netip"
	"sync"
	"time"
)

// The LoginGuard's defaults, beside LoginLimiter's five failures for one
// name from one client.
const (
	DefaultClientFailures = 20  // failures from one client, whatever the names
	DefaultNameFailures   = 100 // failures for one name, from all clients together
)

// LoginGuard slows password guessing without handing strangers a way to
// lock a user out. It counts failed logins three ways, each a LoginLimiter
// with its own ceiling within the window:
//
//   - PerPair: one name from one client (5): someone guessing one
//     password waits; the same name from elsewhere is not locked.
//   - PerClient: one client, whatever the names (20): trying one
//     password on many names (spraying) is slowed as much.
//   - PerName: one name, from every client together (100): a guesser
//     spread over many addresses is slowed too, at a ceiling far above
//     what one client can reach.
//
// A login is refused while any of the three is locked. Clients are
// addresses; IPv6 ones count by their /64, which one machine commonly
// holds whole. The zero value is ready to use, and each limiter bounds its
// memory (LoginLimiter.MaxNames).
type LoginGuard struct {
	PerPair, PerClient, PerName LoginLimiter

	once sync.Once
}

func (g *LoginGuard) init() {
	g.once.Do(func() {
		if g.PerClient.MaxFailures == 0 {
			g.PerClient.MaxFailures = DefaultClientFailures
		}
		if g.PerName.MaxFailures == 0 {
			g.PerName.MaxFailures = DefaultNameFailures
		}
	})
}

// Allow reports whether name may try to log in from client now, and if
// not, how long until it may.
func (g *LoginGuard) Allow(name string, client netip.Addr) (bool, time.Duration) {
	g.init()
	c := clientKey(client)
	var wait time.Duration
	for _, check := range []struct {
		l   *LoginLimiter
		key string
	}{{&g.PerPair, pairKey(name, c)}, {&g.PerClient, c}, {&g.PerName, name}} {
		if ok, w := check.l.Allow(check.key); !ok {
			wait = max(wait, w)
		}
	}
	return wait == 0, wait
}

// Fail records a failed login for name from client.
func (g *LoginGuard) Fail(name string, client netip.Addr) {
	g.init()
	c := clientKey(client)
	g.PerPair.Fail(pairKey(name, c))
	g.PerClient.Fail(c)
	g.PerName.Fail(name)
}

// Succeed forgets the failures of name from client, after a successful
// login. The client's and the name's other failures stay: logging in to
// one's own account must not reset a count of guesses at others.
func (g *LoginGuard) Succeed(name string, client netip.Addr) {
	g.init()
	g.PerPair.Reset(pairKey(name, clientKey(client)))
}

// clientKey is what a client counts as: its address, or the /64 of an IPv6
// address.
func clientKey(a netip.Addr) string {
	a = a.Unmap()
	if a.Is6() {
		if p, err := a.Prefix(64); err == nil {
			return p.String()
		}
	}
	return a.String()
}

func pairKey(name, client string) string { return client + "\x00" + name }
