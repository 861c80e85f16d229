package session

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/aiosyslogd/aiosyslogd/web/user"
)

// CookieName is the session cookie's name.
const CookieName = "aiosyslogd_session"

// DefaultLifetime is how long a session lasts when Manager.Lifetime is zero:
// the web_server.session_hours default.
const DefaultLifetime = 12 * time.Hour

const (
	cookieVersion  = 1
	idSize         = 16   // random bytes of a session id
	maxCookieBytes = 4096 // what browsers keep of one cookie
	maxEnded       = 1 << 16
)

// Errors of Get; test them with errors.Is. A user that was disabled or
// deleted is the user store's error (user.ErrDisabled, user.ErrNotFound).
var (
	ErrNoSession = errors.New("no session cookie")
	ErrInvalid   = errors.New("invalid session cookie") // malformed, tampered or signed with another key
	ErrExpired   = errors.New("session expired")
	ErrEnded     = errors.New("session ended by logout")
)

// UserStore is what a Manager needs of the users: Active returns the user
// called name if they may still use a session, and an error otherwise.
// *user.Store is one.
type UserStore interface {
	Active(name string) (user.User, error)
}

// Session is one logged-in browser.
type Session struct {
	User    user.User // as the user store has it now
	ID      string    // random, unique to this login
	Expires time.Time
}

// Manager makes and checks session cookies. Set its fields before use.
type Manager struct {
	Lifetime time.Duration    // how long a session lasts; 0 is DefaultLifetime
	Secure   bool             // mark cookies Secure: set when serving HTTPS
	Now      func() time.Time // the clock; nil is time.Now

	users      UserStore
	cookieKey  []byte
	csrfKey    []byte
	mu         sync.Mutex
	ended      map[string]time.Time // ids of sessions logged out, until they expire
	endedSweep time.Time
}

// NewManager returns a Manager that signs with key (KeySize bytes, from
// LoadKey) and checks each session's user with users.
func NewManager(key []byte, users UserStore) (*Manager, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("session key: %d bytes, want %d", len(key), KeySize)
	}
	return &Manager{
		users:     users,
		cookieKey: derive(key, "aiosyslogd session cookie"),
		csrfKey:   derive(key, "aiosyslogd csrf token"),
		ended:     map[string]time.Time{},
	}, nil
}

// derive makes a key for one purpose, so that a MAC made for one can never
// pass as the other.
func derive(key []byte, purpose string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(purpose))
	return m.Sum(nil)
}

func (m *Manager) now() time.Time {
	if m.Now != nil {
		return m.Now()
	}
	return time.Now()
}

func (m *Manager) lifetime() time.Duration {
	if m.Lifetime > 0 {
		return m.Lifetime
	}
	return DefaultLifetime
}

// Start begins a session for u, who has just logged in, and returns the
// cookie to set on the response.
func (m *Manager) Start(u user.User) (Session, *http.Cookie, error) {
	id := make([]byte, idSize)
	if _, err := rand.Read(id); err != nil {
		return Session{}, nil, fmt.Errorf("random: %w", err)
	}
	now := m.now()
	s := Session{User: u, ID: base64.RawURLEncoding.EncodeToString(id), Expires: now.Add(m.lifetime()).Truncate(time.Second)}
	c := m.cookie(m.encode(s, id), s.Expires)
	c.MaxAge = int(s.Expires.Sub(now).Seconds())
	return s, c, nil
}

// Get returns the session of the request's cookie: signed with this key,
// not expired, not logged out, and of a user who is still active.
func (m *Manager) Get(r *http.Request) (Session, error) {
	c, err := r.Cookie(CookieName)
	if err != nil {
		return Session{}, ErrNoSession
	}
	name, s, err := m.decode(c.Value)
	if err != nil {
		return Session{}, err
	}
	m.mu.Lock()
	_, ended := m.ended[s.ID]
	m.mu.Unlock()
	if ended {
		return Session{}, ErrEnded
	}
	if s.User, err = m.users.Active(name); err != nil {
		return Session{}, fmt.Errorf("session of %q: %w", name, err)
	}
	return s, nil
}

// End logs s out: its cookie is refused from now on, even if a copy of it
// is replayed, and the returned cookie clears it in the browser.
func (m *Manager) End(s Session) *http.Cookie {
	now := m.now()
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.ended) >= maxEnded || now.Sub(m.endedSweep) > time.Hour {
		for id, exp := range m.ended {
			if !now.Before(exp) {
				delete(m.ended, id)
			}
		}
		m.endedSweep = now
	}
	// Only a logged-in user can add an entry, so this bound is for safety:
	// should 65,536 logouts within one session lifetime fill the map, some
	// are forgotten (their cookies, long cleared, would pass again).
	for id := range m.ended {
		if len(m.ended) < maxEnded {
			break
		}
		delete(m.ended, id)
	}
	m.ended[s.ID] = s.Expires
	c := m.cookie("", time.Unix(0, 0))
	c.MaxAge = -1
	return c
}

func (m *Manager) cookie(value string, expires time.Time) *http.Cookie {
	return &http.Cookie{
		Name: CookieName, Value: value, Path: "/", Expires: expires,
		HttpOnly: true, Secure: m.Secure, SameSite: http.SameSiteLaxMode,
	}
}

// encode makes the cookie value: base64url(payload) "." base64url(HMAC),
// the payload being a version byte, the expiry in Unix seconds, the id and
// the user's name.
func (m *Manager) encode(s Session, id []byte) string {
	payload := []byte{cookieVersion}
	payload = binary.BigEndian.AppendUint64(payload, uint64(s.Expires.Unix()))
	payload = append(payload, id...)
	payload = append(payload, s.User.Name...)
	return base64.RawURLEncoding.EncodeToString(payload) + "." + base64.RawURLEncoding.EncodeToString(m.mac(payload))
}

func (m *Manager) mac(payload []byte) []byte {
	h := hmac.New(sha256.New, m.cookieKey)
	h.Write(payload)
	return h.Sum(nil)
}

// decode checks a cookie value's signature, then its expiry.
func (m *Manager) decode(value string) (name string, s Session, err error) {
	p64, mac64, ok := strings.Cut(value, ".")
	if !ok || len(value) > maxCookieBytes {
		return "", s, ErrInvalid
	}
	payload, err1 := base64.RawURLEncoding.DecodeString(p64)
	mac, err2 := base64.RawURLEncoding.DecodeString(mac64)
	if err1 != nil || err2 != nil || !hmac.Equal(mac, m.mac(payload)) {
		return "", s, ErrInvalid
	}
	if len(payload) <= 1+8+idSize || payload[0] != cookieVersion {
		return "", s, ErrInvalid
	}
	s.Expires = time.Unix(int64(binary.BigEndian.Uint64(payload[1:9])), 0)
	s.ID = base64.RawURLEncoding.EncodeToString(payload[9 : 9+idSize])
	if !m.now().Before(s.Expires) {
		return "", s, ErrExpired
	}
	return string(payload[9+idSize:]), s, nil
}
