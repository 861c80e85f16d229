package session

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aiosyslogd/aiosyslogd/web/user"
)

// users is a UserStore of fixed users, each with a generation that
// EndSessions counts up.
type users struct {
	mu   sync.Mutex
	m    map[string]user.User
	gens map[string]int
}

func newUsers(list ...user.User) *users {
	u := &users{m: map[string]user.User{}, gens: map[string]int{}}
	for _, x := range list {
		u.m[x.Name] = x
	}
	return u
}

func (u *users) active(name string) (user.User, error) {
	x, ok := u.m[name]
	switch {
	case !ok:
		return user.User{}, user.ErrNotFound
	case !x.Enabled:
		return user.User{}, user.ErrDisabled
	}
	return x, nil
}

func (u *users) SessionGeneration(name string) (string, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	_, err := u.active(name)
	return fmt.Sprint("gen", u.gens[name]), err
}

func (u *users) SessionUser(name, gen string) (user.User, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	x, err := u.active(name)
	if err == nil && gen != fmt.Sprint("gen", u.gens[name]) {
		err = user.ErrSessionEnded
	}
	return x, err
}

func (u *users) EndSessions(name string) error {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.gens[name]++
	return nil
}

var (
	alice = user.User{Name: "alice", Admin: true, Enabled: true}
	t0    = time.Date(2026, 11, 24, 13, 0, 0, 0, time.UTC)
)

// clock is a settable time for Manager.Now and LoginLimiter.Now.
type clock struct{ t time.Time }

func (c *clock) Now() time.Time          { return c.t }
func (c *clock) Advance(d time.Duration) { c.t = c.t.Add(d) }

func newManager(t *testing.T, key byte, u UserStore) (*Manager, *clock) {
	t.Helper()
	m, err := NewManager(bytes.Repeat([]byte{key}, KeySize), u)
	if err != nil {
		t.Fatal(err)
	}
	c := &clock{t0}
	m.Now = c.Now
	return m, c
}

// request is a request carrying cookie value v.
func request(v string) *http.Request {
	r := httptest.NewRequest("GET", "/", nil)
	r.AddCookie(&http.Cookie{Name: CookieName, Value: v})
	return r
}

func TestStartSetsAHardenedCookie(t *testing.T) {
	for _, secure := range []bool{false, true} {
		m, _ := newManager(t, 1, newUsers(alice))
		m.Secure = secure
		s, c, err := m.Start(alice)
		if err != nil {
			t.Fatal(err)
		}
		if c.Name != CookieName || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Secure != secure || c.Path != "/" {
			t.Errorf("cookie %+v; want HttpOnly, SameSite=Lax, Secure=%v, Path=/", c, secure)
		}
		if c.MaxAge != 12*3600 || !c.Expires.Equal(t0.Add(12*time.Hour)) || !s.Expires.Equal(c.Expires) {
			t.Errorf("MaxAge %d, Expires %v; want 12 h from %v", c.MaxAge, c.Expires, t0)
		}
		if strings.Contains(c.Value, "alice") || len(s.ID) != 22 {
			t.Errorf("value %q, id %q", c.Value, s.ID)
		}
		if err := (&http.Cookie{Name: c.Name, Value: c.Value}).Valid(); err != nil {
			t.Errorf("cookie value not sendable: %v", err)
		}
	}
}

func TestGetReturnsTheSession(t *testing.T) {
	m, _ := newManager(t, 1, newUsers(alice))
	s, c, err := m.Start(alice)
	if err != nil {
		t.Fatal(err)
	}
	got, err := m.Get(request(c.Value))
	if err != nil || got.ID != s.ID || got.User != alice || !got.Expires.Equal(s.Expires) {
		t.Fatalf("Get = %+v, %v; want %+v", got, err, s)
	}
	_, c2, _ := m.Start(alice)
	if s2, _ := m.Get(request(c2.Value)); s2.ID == s.ID {
		t.Error("two logins share a session id")
	}
	if _, err := m.Get(httptest.NewRequest("GET", "/", nil)); !errors.Is(err, ErrNoSession) {
		t.Errorf("no cookie: %v", err)
	}
}

func TestTamperedCookiesAreRefused(t *testing.T) {
	m, _ := newManager(t, 1, newUsers(alice, user.User{Name: "bob", Admin: true, Enabled: true}))
	_, c, _ := m.Start(alice)
	payload64, mac64, _ := strings.Cut(c.Value, ".")
	payload, _ := base64.RawURLEncoding.DecodeString(payload64)
	reencode := func(p []byte) string { return base64.RawURLEncoding.EncodeToString(p) + "." + mac64 }
	renamed := append(append([]byte{}, payload[:len(payload)-5]...), "bob"...)
	later := append([]byte{}, payload...)
	later[3]++ // expiry pushed years ahead
	flipped := []byte(c.Value)
	flipped[len(flipped)/2] ^= 1
	other, _ := newManager(t, 2, newUsers(alice))
	_, foreign, _ := other.Start(alice)
	tests := map[string]string{
		"bit flipped":             string(flipped),
		"another user's name":     reencode(renamed),
		"expiry extended":         reencode(later),
		"mac dropped":             payload64 + ".",
		"no dot":                  payload64,
		"mac only":                "." + mac64,
		"not base64":              "!!!." + mac64,
		"empty":                   "",
		"signed with another key": foreign.Value,
		"oversized":               strings.Repeat("A", 5000) + "." + mac64,
	}
	for name, value := range tests {
		t.Run(name, func(t *testing.T) {
			if s, err := m.Get(request(value)); !errors.Is(err, ErrInvalid) && !errors.Is(err, ErrNoSession) {
				t.Errorf("Get = %+v, %v; want ErrInvalid", s, err)
			}
		})
	}
}

func TestSessionsExpire(t *testing.T) {
	m, clk := newManager(t, 1, newUsers(alice))
	m.Lifetime = 2 * time.Hour
	_, c, _ := m.Start(alice)
	if c.MaxAge != 7200 {
		t.Errorf("MaxAge %d, want 7200", c.MaxAge)
	}
	clk.Advance(2*time.Hour - time.Second)
	if _, err := m.Get(request(c.Value)); err != nil {
		t.Errorf("a second before expiry: %v", err)
	}
	clk.Advance(time.Second)
	if _, err := m.Get(request(c.Value)); !errors.Is(err, ErrExpired) {
		t.Errorf("at expiry: %v; want ErrExpired", err)
	}
}

func TestDisabledOrDeletedUserLosesSession(t *testing.T) {
	data, err := os.ReadFile("testdata/users.json") // alice, bob and carol
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "users.json")
	os.WriteFile(path, data, 0o600)
	store, err := user.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	m, _ := newManager(t, 1, store)
	var cookies []string
	for _, name := range []string{"bob", "carol"} {
		u, _ := store.Get(name)
		_, c, _ := m.Start(u)
		if _, err := m.Get(request(c.Value)); err != nil {
			t.Fatalf("%s before: %v", name, err)
		}
		cookies = append(cookies, c.Value)
	}
	// As `aiosyslogd user disable bob` and `user del carol` would, from
	// another process: a store of its own on the same file.
	cli, _ := user.Open(store.Path())
	cli.SetEnabled("bob", false)
	cli.Delete("carol")
	if _, err := m.Get(request(cookies[0])); !errors.Is(err, user.ErrDisabled) {
		t.Errorf("bob disabled: %v; want user.ErrDisabled", err)
	}
	if _, err := m.Get(request(cookies[1])); !errors.Is(err, user.ErrNotFound) {
		t.Errorf("carol deleted: %v; want user.ErrNotFound", err)
	}
}

// Logging out ends every session of the user, and a copied cookie stays
// refused after a restart: the generation lives with the user, not in the
// Manager.
func TestEndRefusesTheCookieAfterwards(t *testing.T) {
	store := newUsers(alice, user.User{Name: "bob", Enabled: true})
	m, _ := newManager(t, 1, store)
	s, c, _ := m.Start(alice)
	_, other, _ := m.Start(alice)
	_, bobs, _ := m.Start(store.m["bob"])
	clear, err := m.End(s)
	if err != nil || clear.Name != CookieName || clear.MaxAge != -1 || clear.Value != "" || !clear.HttpOnly {
		t.Errorf("clearing cookie %+v, %v", clear, err)
	}
	restarted, _ := newManager(t, 1, store)
	for _, mgr := range []*Manager{m, restarted} {
		for _, v := range []string{c.Value, other.Value} {
			if _, err := mgr.Get(request(v)); !errors.Is(err, user.ErrSessionEnded) {
				t.Errorf("replayed after logout: %v; want user.ErrSessionEnded", err)
			}
		}
		if _, err := mgr.Get(request(bobs.Value)); err != nil {
			t.Errorf("another user's session: %v", err)
		}
	}
	if _, c, _ := m.Start(alice); c != nil {
		if _, err := m.Get(request(c.Value)); err != nil {
			t.Errorf("a new login after logout: %v", err)
		}
	}
}

func TestSessionsSurviveARestart(t *testing.T) {
	path := KeyPath(filepath.Join(t.TempDir(), "users.json"))
	key, err := LoadKey(path)
	if err != nil {
		t.Fatal(err)
	}
	first, _ := NewManager(key, newUsers(alice))
	_, c, _ := first.Start(alice)
	again, err := LoadKey(path) // the web server started again
	if err != nil {
		t.Fatal(err)
	}
	second, _ := NewManager(again, newUsers(alice))
	if _, err := second.Get(request(c.Value)); err != nil {
		t.Errorf("after a restart: %v", err)
	}
}

func TestNewManagerWantsAFullKey(t *testing.T) {
	for _, n := range []int{0, 16, 31, 33} {
		if _, err := NewManager(make([]byte, n), newUsers()); err == nil {
			t.Errorf("NewManager with a %d-byte key: no error", n)
		}
	}
}
