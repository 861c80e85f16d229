package user

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Errors of the Store's operations; test them with errors.Is.
var (
	ErrNotFound           = errors.New("no such user")
	ErrExists             = errors.New("user already exists")
	ErrDisabled           = errors.New("user is disabled")
	ErrInvalidCredentials = errors.New("wrong user name or password")
	ErrInvalidName        = errors.New("invalid user name")
	ErrWeakPassword       = errors.New("unacceptable password")
	ErrSessionEnded       = errors.New("session ended (logout, new password, token revoked, user disabled or re-created)")
)

// BootstrapAdmin is the user that Bootstrap creates in a new users file.
const BootstrapAdmin = "admin"

// MinPasswordLength is the fewest characters a new password may have.
const MinPasswordLength = 8

// maxNameBytes bounds new names: they go into cookies and page headers.
const maxNameBytes = 64

// dummyHash is verified when a login names no user, so that an unknown name
// takes as long to refuse as a wrong password. Nobody knows its password.
const dummyHash = "scrypt:32768:8:1$9AfospeFhFBfbH03$43b5f1326c8cb7bd6ac4c187dafd4cec7f10f8b69fea090666e5be21d11d5220ffdcbe90a66656076b4b4450d216d3663de065e63b4a39a2d824f2a2fa01b5d3"

// User is what callers see of a user: never a hash.
type User struct {
	Name     string
	Admin    bool
	Enabled  bool
	HasToken bool // an API token was made and not revoked
}

// Store is a users file and the users read from it. Its methods are safe for
// concurrent use; each first re-reads the file if another process (the
// `aiosyslogd user` commands, the Python aiosyslogd) replaced or changed it.
type Store struct {
	path string
	// verifying bounds the password checks running at once: each scrypt
	// check holds 32 MiB, and logins are what a peer can send many of.
	verifying chan struct{}

	mu    sync.Mutex
	users map[string]*record
	read  os.FileInfo // the file users came from; nil when there is none
}

// Open reads the users file at path. A missing file is an error wrapping
// fs.ErrNotExist.
func Open(path string) (*Store, error) {
	s := &Store{path: path, verifying: make(chan struct{}, max(2, runtime.GOMAXPROCS(0)))}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.refresh(); err != nil {
		return nil, err
	}
	if s.read == nil {
		return nil, fmt.Errorf("users file %s: %w", path, fs.ErrNotExist)
	}
	return s, nil
}

// Create opens the users file at path, first creating it without users (and
// its directory, mode 0700) when it does not exist.
func Create(path string) (*Store, error) {
	data, _ := encodeUsers(nil)
	if err := createExclusive(path, data); err != nil && !errors.Is(err, fs.ErrExist) {
		return nil, err
	}
	return Open(path)
}

// Bootstrap opens the users file at path. When there is none, it creates one
// holding BootstrapAdmin, an enabled admin with a random password, and
// returns that password, which is stored nowhere else: the caller shows it
// once, e.g. on stderr with "change it with: aiosyslogd user passwd admin".
// An existing file is only opened, and the password returned is "".
func Bootstrap(path string) (s *Store, adminPassword string, err error) {
	s, err = Open(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return s, "", err
	}
	password := rand.Text() // 26 characters, 130 bits
	hash, err := HashPassword(password)
	if err != nil {
		return nil, "", err
	}
	data, err := encodeUsers(map[string]*record{BootstrapAdmin: {passwordHash: hash, admin: true, enabled: true}})
	if err != nil {
		return nil, "", err
	}
	switch err := createExclusive(path, data); {
	case errors.Is(err, fs.ErrExist): // another process made it first: theirs stands
		password = ""
	case err != nil:
		return nil, "", err
	}
	s, err = Open(path)
	if err != nil {
		return nil, "", err
	}
	return s, password, nil
}

// Path is the users file's path.
func (s *Store) Path() string { return s.path }

// refresh re-reads the file when it is not the one users came from. A file
// that is gone leaves no users (a deleted file locks everyone out rather
// than keeping the last users in force); one that cannot be read or parsed
// is an error, and every operation fails until it is fixed.
func (s *Store) refresh() error {
	f, err := os.Open(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		s.users, s.read = map[string]*record{}, nil
		return nil
	}
	if err != nil {
		return fmt.Errorf("users file: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return fmt.Errorf("users file %s: %w", s.path, err)
	}
	if s.read != nil && sameFile(s.read, info) {
		return nil
	}
	data, err := io.ReadAll(f)
	if err != nil {
		return fmt.Errorf("read %s: %w", s.path, err)
	}
	users, err := parseUsers(data)
	if err != nil {
		return fmt.Errorf("users file %s: %w", s.path, err)
	}
	s.users, s.read = users, info
	return nil
}

// sameFile reports whether b is the file a was, unchanged: a rename over it
// makes another inode, an edit in place another size or time.
func sameFile(a, b os.FileInfo) bool {
	return os.SameFile(a, b) && a.Size() == b.Size() && a.ModTime().Equal(b.ModTime())
}

// change applies edit to a copy of the current users and writes the result;
// the store takes it only once it is on disk.
func (s *Store) change(edit func(users map[string]*record) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.refresh(); err != nil {
		return err
	}
	next := make(map[string]*record, len(s.users))
	for name, r := range s.users {
		next[name] = r.clone()
	}
	if err := edit(next); err != nil {
		return err
	}
	data, err := encodeUsers(next)
	if err != nil {
		return err
	}
	info, err := writeAtomic(s.path, data)
	if err != nil {
		return err
	}
	s.users, s.read = next, info
	return nil
}

// lookup returns a copy of name's record after a refresh.
func (s *Store) lookup(name string) (*record, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.refresh(); err != nil {
		return nil, err
	}
	r, ok := s.users[name]
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrNotFound, name)
	}
	return r.clone(), nil
}

func (r *record) user(name string) User {
	return User{Name: name, Admin: r.admin, Enabled: r.enabled, HasToken: r.tokenHash != ""}
}

// List returns every user, sorted by name.
func (s *Store) List() ([]User, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.refresh(); err != nil {
		return nil, err
	}
	var out []User
	for _, name := range slices.Sorted(maps.Keys(s.users)) {
		out = append(out, s.users[name].user(name))
	}
	return out, nil
}

// Get returns the user called name, enabled or not.
func (s *Store) Get(name string) (User, error) {
	r, err := s.lookup(name)
	if err != nil {
		return User{}, err
	}
	return r.user(name), nil
}

// Active returns the user called name if it exists and is enabled, and an
// error wrapping ErrNotFound or ErrDisabled otherwise: the check a session
// or token must pass on every request, so that disabling or deleting a user
// (here or with the CLI) ends its access at once.
func (s *Store) Active(name string) (User, error) {
	u, err := s.Get(name)
	if err == nil && !u.Enabled {
		err = fmt.Errorf("%w: %q", ErrDisabled, name)
	}
	if err != nil {
		return User{}, err
	}
	return u, nil
}

// Add creates an enabled user with a new scrypt hash of password.
func (s *Store) Add(name, password string, admin bool) error {
	if err := checkName(name); err != nil {
		return err
	}
	hash, err := newHash(password)
	if err != nil {
		return err
	}
	gen, err := newGeneration()
	if err != nil {
		return err
	}
	return s.change(func(users map[string]*record) error {
		if _, ok := users[name]; ok {
			return fmt.Errorf("%w: %q", ErrExists, name)
		}
		users[name] = &record{passwordHash: hash, admin: admin, enabled: true, generation: gen}
		return nil
	})
}

// SetPassword replaces name's password hash and ends the user's sessions
// and API token: whoever had them must log in with the new password.
func (s *Store) SetPassword(name, password string) error {
	hash, err := newHash(password)
	if err != nil {
		return err
	}
	gen, err := newGeneration()
	if err != nil {
		return err
	}
	return s.edit(name, func(r *record) { r.passwordHash, r.tokenHash, r.generation = hash, "", gen })
}

// SetEnabled enables or disables name. Disabling ends the user's sessions
// and API token for good: enabling the user again does not revive them.
func (s *Store) SetEnabled(name string, enabled bool) error {
	gen, err := newGeneration()
	if err != nil {
		return err
	}
	return s.edit(name, func(r *record) {
		r.enabled = enabled
		if !enabled {
			r.tokenHash, r.generation = "", gen
		}
	})
}

// EndSessions ends every session of name, in this process and any other
// that reads the file, and across restarts: the user's sessions are of a
// generation, a random value stored with the user, and a new one makes
// every cookie of the old one invalid. A user deleted and added again
// gets a new random generation, which no old cookie carries.
func (s *Store) EndSessions(name string) error {
	gen, err := newGeneration()
	if err != nil {
		return err
	}
	return s.edit(name, func(r *record) { r.generation = gen })
}

// SessionGeneration returns the generation that a new session of name
// carries (see EndSessions), first making one for a user who has none (one
// added by hand, or by the Python aiosyslogd, which drops the key). The
// user must be active.
func (s *Store) SessionGeneration(name string) (string, error) {
	r, err := s.lookup(name)
	switch {
	case err != nil:
		return "", err
	case !r.enabled:
		return "", fmt.Errorf("%w: %q", ErrDisabled, name)
	case r.generation != "":
		return r.generation, nil
	}
	gen, err := newGeneration()
	if err != nil {
		return "", err
	}
	err = s.edit(name, func(r *record) {
		if r.generation == "" { // another process may have made one meanwhile
			r.generation = gen
		}
		gen = r.generation
	})
	return gen, err
}

// SessionUser returns the user called name if they are active and
// generation is their sessions' current one, and an error wrapping
// ErrNotFound, ErrDisabled or ErrSessionEnded otherwise: the check every
// request with a session cookie must pass.
func (s *Store) SessionUser(name, generation string) (User, error) {
	r, err := s.lookup(name)
	switch {
	case err != nil:
		return User{}, err
	case !r.enabled:
		return User{}, fmt.Errorf("%w: %q", ErrDisabled, name)
	case r.generation == "" || subtle.ConstantTimeCompare([]byte(r.generation), []byte(generation)) != 1:
		return User{}, fmt.Errorf("%w: %q", ErrSessionEnded, name)
	}
	return r.user(name), nil
}

// newGeneration is a random session generation: 128 bits, in hex.
func newGeneration() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// Delete removes name, and its token with it.
func (s *Store) Delete(name string) error {
	return s.change(func(users map[string]*record) error {
		if _, ok := users[name]; !ok {
			return fmt.Errorf("%w: %q", ErrNotFound, name)
		}
		delete(users, name)
		return nil
	})
}

// edit changes the record of an existing user.
func (s *Store) edit(name string, fn func(*record)) error {
	return s.change(func(users map[string]*record) error {
		r, ok := users[name]
		if !ok {
			return fmt.Errorf("%w: %q", ErrNotFound, name)
		}
		fn(r)
		return nil
	})
}

// NewToken makes a new API token for name, replacing any earlier one, and
// returns it. Only its SHA-256 is stored: the token cannot be shown again.
func (s *Store) NewToken(name string) (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random: %w", err)
	}
	token := base64.RawURLEncoding.EncodeToString(b)
	if err := s.edit(name, func(r *record) { r.tokenHash = tokenHash(token) }); err != nil {
		return "", err
	}
	return token, nil
}

// RevokeToken removes name's API token, if it has one, and ends the
// user's sessions: revoking is what one does when a secret may have
// leaked.
func (s *Store) RevokeToken(name string) error {
	gen, err := newGeneration()
	if err != nil {
		return err
	}
	return s.edit(name, func(r *record) { r.tokenHash, r.generation = "", gen })
}

// tokenHash is what is stored of a token. A single unsalted SHA-256 is
// enough here, unlike for passwords: the token is 256 random bits, so there
// is no dictionary to try.
func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Authenticate returns the user called name if password is theirs and they
// are enabled; otherwise an error wrapping ErrInvalidCredentials (and, for a
// stored hash it cannot check, ErrUnsupportedHash too, for the log). An
// unknown name costs a scrypt check like a known one. It waits for a free
// verification slot, or for ctx.
func (s *Store) Authenticate(ctx context.Context, name, password string) (User, error) {
	r, err := s.lookup(name)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return User{}, err
	}
	stored := dummyHash
	if r != nil {
		stored = r.passwordHash
	}
	select {
	case s.verifying <- struct{}{}:
	case <-ctx.Done():
		return User{}, ctx.Err()
	}
	ok, verr := VerifyPassword(stored, password)
	<-s.verifying
	switch {
	case verr != nil:
		return User{}, fmt.Errorf("%w: user %q: %w", ErrInvalidCredentials, name, verr)
	case r == nil || !ok || !r.enabled:
		return User{}, ErrInvalidCredentials
	}
	return r.user(name), nil
}

// AuthenticateToken returns the enabled user whose API token this is, or an
// error wrapping ErrInvalidCredentials.
func (s *Store) AuthenticateToken(token string) (User, error) {
	if token == "" || len(token) > 256 {
		return User{}, ErrInvalidCredentials
	}
	want := []byte(tokenHash(token))
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.refresh(); err != nil {
		return User{}, err
	}
	for name, r := range s.users {
		if subtle.ConstantTimeCompare([]byte(r.tokenHash), want) == 1 && r.enabled {
			return r.user(name), nil
		}
	}
	return User{}, ErrInvalidCredentials
}

// checkName accepts the names a person can type and read back: 1 to 64
// bytes of UTF-8 with no control characters, no space at either end and no
// leading "-".
func checkName(name string) error {
	switch {
	case name == "" || len(name) > maxNameBytes:
		return fmt.Errorf("%w: want 1 to %d bytes", ErrInvalidName, maxNameBytes)
	case !utf8.ValidString(name) || strings.ContainsFunc(name, unicode.IsControl):
		return fmt.Errorf("%w: %q has control characters or is not UTF-8", ErrInvalidName, name)
	case strings.TrimSpace(name) != name:
		return fmt.Errorf("%w: %q starts or ends with a space", ErrInvalidName, name)
	case name[0] == '-':
		return fmt.Errorf("%w: %q starts with -, which reads as a flag", ErrInvalidName, name)
	}
	return nil
}

// newHash checks a new password and hashes it.
func newHash(password string) (string, error) {
	if n := utf8.RuneCountInString(password); n < MinPasswordLength {
		return "", fmt.Errorf("%w: %d characters, want at least %d", ErrWeakPassword, n, MinPasswordLength)
	}
	if len(password) > maxPasswordBytes {
		return "", fmt.Errorf("%w: longer than %d bytes", ErrWeakPassword, maxPasswordBytes)
	}
	return HashPassword(password)
}

// ErrReservedKey refuses Data and EditData on a key the package itself
// keeps in a user's object (the password hash, the token…).
var ErrReservedKey = errors.New("key is kept by the users file itself")

// reservedKey tells whether key is one of the keys the package owns.
func reservedKey(key string) bool {
	switch key {
	case usernameKey, hashKey, adminKey, enabledKey, tokenKey, sessionsKey:
		return true
	}
	return false
}

// Data returns what name's object holds under key, another package's
// data kept with the user (nil when there is none): it is deleted with the
// user, and a user re-created under the same name starts without it.
func (s *Store) Data(name, key string) (json.RawMessage, error) {
	if reservedKey(key) {
		return nil, fmt.Errorf("%w: %q", ErrReservedKey, key)
	}
	r, err := s.lookup(name)
	if err != nil {
		return nil, err
	}
	return r.extra[key], nil
}

// EditData replaces what name's object holds under key with what edit
// makes of it (nil removes the key), and writes the file; an error of
// edit leaves the file as it was. The read and the write are one change
// under the store's lock.
func (s *Store) EditData(name, key string, edit func(old json.RawMessage) (json.RawMessage, error)) error {
	if reservedKey(key) {
		return fmt.Errorf("%w: %q", ErrReservedKey, key)
	}
	return s.change(func(users map[string]*record) error {
		r, ok := users[name]
		if !ok {
			return fmt.Errorf("%w: %q", ErrNotFound, name)
		}
		next, err := edit(r.extra[key])
		if err != nil {
			return err
		}
		if next == nil {
			delete(r.extra, key)
		} else {
			r.extra[key] = next
		}
		return nil
	})
}
