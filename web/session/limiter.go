package session

import (
	"crypto/sha256"
	"sync"
	"time"
)

// The LoginLimiter's defaults: five failures for one name within a minute
// lock that name out for a minute.
const (
	DefaultMaxFailures = 5
	DefaultWindow      = time.Minute
	DefaultLockout     = time.Minute
	DefaultMaxNames    = 10000
)

// LoginLimiter counts failed logins per user name and locks a name out
// after too many: the login handler asks Allow first (and answers 429 with
// Retry-After when it refuses), then reports the outcome with Fail or
// Reset. The zero value uses the defaults; it is safe for concurrent use.
//
// Memory is bounded: at most MaxNames names are tracked, whatever names a
// client sends. When full, names whose failures are all older than the
// window go first, then others, locked ones last. Evicting a name forgets
// its count; each failure costs the client a password check, so churning
// through MaxNames names takes far longer than the window.
type LoginLimiter struct {
	MaxFailures int              // failures that lock a name; 0 is DefaultMaxFailures
	Window      time.Duration    // within which they count; 0 is DefaultWindow
	Lockout     time.Duration    // how long a name stays locked; 0 is DefaultLockout
	MaxNames    int              // names tracked at most; 0 is DefaultMaxNames
	Now         func() time.Time // the clock; nil is time.Now

	mu    sync.Mutex
	names map[string]*failures
}

// failures is what is known of one name: its recent failures, oldest
// first, and until when it is locked.
type failures struct {
	times       []time.Time
	lockedUntil time.Time
}

func orDefault[T int | time.Duration](v, def T) T {
	if v > 0 {
		return v
	}
	return def
}

func (l *LoginLimiter) now() time.Time {
	if l.Now != nil {
		return l.Now()
	}
	return time.Now()
}

// key bounds what one name costs: a name longer than a hash is hashed.
func key(name string) string {
	if len(name) <= sha256.Size {
		return name
	}
	sum := sha256.Sum256([]byte(name))
	return "\x00" + string(sum[:]) // 33 bytes: no name kept as it is has that length
}

// Allow reports whether a login for name may be tried now, and if not, how
// long until it may.
func (l *LoginLimiter) Allow(name string) (ok bool, retryAfter time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	f := l.names[key(name)]
	if f == nil {
		return true, 0
	}
	if wait := f.lockedUntil.Sub(l.now()); wait > 0 {
		return false, wait
	}
	return true, 0
}

// Fail records a failed login for name, locking it once MaxFailures failures
// fall within Window.
func (l *LoginLimiter) Fail(name string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	k := key(name)
	f := l.names[k]
	if f == nil {
		l.makeRoom(now)
		f = &failures{}
		l.names[k] = f
	}
	window := orDefault(l.Window, DefaultWindow)
	recent := f.times[:0]
	for _, t := range f.times {
		if now.Sub(t) < window {
			recent = append(recent, t)
		}
	}
	f.times = append(recent, now)
	if len(f.times) >= orDefault(l.MaxFailures, DefaultMaxFailures) {
		f.lockedUntil = now.Add(orDefault(l.Lockout, DefaultLockout))
		f.times = nil
	}
}

// Reset forgets name's failures, after a successful login.
func (l *LoginLimiter) Reset(name string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.names, key(name))
}

// Tracked is the number of names the limiter holds.
func (l *LoginLimiter) Tracked() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.names)
}

// makeRoom makes space for one more name. When the map is full it frees a
// quarter of it, so that the sweep's cost is shared by the many inserts
// that follow.
func (l *LoginLimiter) makeRoom(now time.Time) {
	if l.names == nil {
		l.names = map[string]*failures{}
	}
	limit := orDefault(l.MaxNames, DefaultMaxNames)
	if len(l.names) < limit {
		return
	}
	target := limit * 3 / 4
	window := orDefault(l.Window, DefaultWindow)
	stale := func(f *failures) bool {
		return !now.Before(f.lockedUntil) && (len(f.times) == 0 || now.Sub(f.times[len(f.times)-1]) >= window)
	}
	unlocked := func(f *failures) bool { return !now.Before(f.lockedUntil) }
	locked := func(*failures) bool { return true }
	for _, evict := range []func(*failures) bool{stale, unlocked, locked} {
		for k, f := range l.names {
			if len(l.names) <= target {
				return
			}
			if evict(f) {
				delete(l.names, k)
			}
		}
	}
}
