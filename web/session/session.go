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
	"time"

	"github.com/aiosyslogd/aiosyslogd/web/user"
)

// CookieName is the session cookie's name.
const CookieName = "aiosyslogd_session"

// DefaultLifetime is how long a session lasts when Manager.Lifetime is zero:
// the web_server.session_hours default.
const DefaultLifetime = 12 * time.Hour

const (
	cookieVersion  = 2    // 1 had no generation
	idSize         = 16   // random bytes of a session id
	maxGeneration  = 255  // bytes of a generation, which one byte counts
	maxCookieBytes = 4096 // what browsers keep of one cookie
)

// Errors of Get; test them with errors.Is. A session that was ended, or
// whose user was disabled or deleted, is the user store's error
// (user.ErrSessionEnded, user.ErrDisabled, user.ErrNotFound).
var (
	ErrNoSession = errors.New("no session cookie")
	ErrInvalid   = errors.New("invalid session cookie") // malformed, tampered or signed with another key
	ErrExpired   = errors.New("session expired")
)

// UserStore is what a Manager needs of the users, *user.Store being one:
// the generation a new session of an active user carries, the user of a
// session of that generation (an error once it is not current), and a new
// generation, which ends every session of the user.
type UserStore interface {
	SessionGeneration(name string) (string, error)
	SessionUser(name, generation string) (user.User, error)
	EndSessions(name string) error
}

// Session is one logged-in browser.
type Session struct {
	User       user.User // as the user store has it now
	ID         string    // random, unique to this login
	Generation string    // of the user's sessions when it began
	Expires    time.Time
}

// Manager makes and checks session cookies. Set its fields before use.
type Manager struct {
	Lifetime time.Duration    // how long a session lasts; 0 is DefaultLifetime
	Secure   bool             // mark cookies Secure: set when serving HTTPS
	Now      func() time.Time // the clock; nil is time.Now

	users     UserStore
	cookieKey []byte
	csrfKey   []byte
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
	gen, err := m.users.SessionGeneration(u.Name)
	if err != nil {
		return Session{}, nil, fmt.Errorf("session of %q: %w", u.Name, err)
	}
	if len(gen) > maxGeneration {
		return Session{}, nil, fmt.Errorf("session of %q: generation of %d bytes", u.Name, len(gen))
	}
	id := make([]byte, idSize)
	if _, err := rand.Read(id); err != nil {
		return Session{}, nil, fmt.Errorf("random: %w", err)
	}
	now := m.now()
	s := Session{User: u, ID: base64.RawURLEncoding.EncodeToString(id), Generation: gen,
		Expires: now.Add(m.lifetime()).Truncate(time.Second)}
	c := m.cookie(m.encode(s, id), s.Expires)
	c.MaxAge = int(s.Expires.Sub(now).Seconds())
	return s, c, nil
}

// Get returns the session of the request's cookie: signed with this key,
// not expired, of a user who is still active and of their sessions'
// current generation (not ended by a logout, a new password and so on).
func (m *Manager) Get(r *http.Request) (Session, error) {
	c, err := r.Cookie(CookieName)
	if err != nil {
		return Session{}, ErrNoSession
	}
	name, s, err := m.decode(c.Value)
	if err != nil {
		return Session{}, err
	}
	if s.User, err = m.users.SessionUser(name, s.Generation); err != nil {
		return Session{}, fmt.Errorf("session of %q: %w", name, err)
	}
	return s, nil
}

// End logs s out, and with it every other session of its user: their
// cookies are refused from now on, even replayed, by every process that
// reads the users file and after restarts. The returned cookie clears it
// in the browser.
func (m *Manager) End(s Session) (*http.Cookie, error) {
	c := m.cookie("", time.Unix(0, 0))
	c.MaxAge = -1
	if err := m.users.EndSessions(s.User.Name); err != nil {
		return c, fmt.Errorf("end the sessions of %q: %w", s.User.Name, err)
	}
	return c, nil
}

func (m *Manager) cookie(value string, expires time.Time) *http.Cookie {
	return &http.Cookie{
		Name: CookieName, Value: value, Path: "/", Expires: expires,
		HttpOnly: true, Secure: m.Secure, SameSite: http.SameSiteLaxMode,
	}
}

// encode makes the cookie value: base64url(payload) "." base64url(HMAC),
// the payload being a version byte, the expiry in Unix seconds, the id,
// the generation's length in one byte and the generation, and the user's
// name.
func (m *Manager) encode(s Session, id []byte) string {
	payload := []byte{cookieVersion}
	payload = binary.BigEndian.AppendUint64(payload, uint64(s.Expires.Unix()))
	payload = append(payload, id...)
	payload = append(payload, byte(len(s.Generation)))
	payload = append(payload, s.Generation...)
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
	const head = 1 + 8 + idSize + 1 // version, expiry, id, generation's length
	if len(payload) < head || payload[0] != cookieVersion || len(payload) <= head+int(payload[head-1]) {
		return "", s, ErrInvalid
	}
	s.Expires = time.Unix(int64(binary.BigEndian.Uint64(payload[1:9])), 0)
	s.ID = base64.RawURLEncoding.EncodeToString(payload[9 : 9+idSize])
	rest := payload[head:]
	s.Generation, rest = string(rest[:payload[head-1]]), rest[payload[head-1]:]
	if !m.now().Before(s.Expires) {
		return "", s, ErrExpired
	}
	return string(rest), s, nil
}
