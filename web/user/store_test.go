package user

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// cheapHashes makes new hashes scrypt:16:1:1 for the test, so that tests
// adding many users stay quick under the race detector. Verification is the
// same code whatever the cost.
func cheapHashes(t *testing.T) {
	t.Helper()
	old := newHashCost
	newHashCost = [3]int{16, 1, 1}
	t.Cleanup(func() { newHashCost = old })
}

// copyPythonUsers copies the users.json that make_vectors.py wrote the way
// the Python aiosyslogd writes it into a temporary directory.
func copyPythonUsers(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("testdata/python_users.json")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "users.json")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func mustOpen(t *testing.T, path string) *Store {
	t.Helper()
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestPythonUsersFileLogsIn(t *testing.T) {
	s := mustOpen(t, copyPythonUsers(t))
	ctx := context.Background()
	tests := []struct {
		name, password string
		want           error // nil: logged in
		admin          bool
	}{
		{"admin", "admin-from-python", nil, true},               // scrypt:32768:8:1
		{"olduser", "pbkdf2-user", nil, false},                  // pbkdf2:sha256:600000
		{"gone", "disabled-user", ErrInvalidCredentials, false}, // right password, disabled
		{"admin", "admin", ErrInvalidCredentials, false},
		{"olduser", "pbkdf2-user ", ErrInvalidCredentials, false},
		{"nobody", "admin-from-python", ErrInvalidCredentials, false},
		{"Admin", "admin-from-python", ErrInvalidCredentials, false}, // names are case-sensitive, as in Python
	}
	for _, tt := range tests {
		t.Run(tt.name+"/"+tt.password, func(t *testing.T) {
			u, err := s.Authenticate(ctx, tt.name, tt.password)
			if !errors.Is(err, tt.want) || (tt.want != nil && err == nil) {
				t.Fatalf("Authenticate = %+v, %v; want %v", u, err, tt.want)
			}
			if err == nil && (u.Name != tt.name || u.Admin != tt.admin || !u.Enabled) {
				t.Errorf("user = %+v", u)
			}
		})
	}
}

func TestParseUsersFollowsPython(t *testing.T) {
	tests := []struct {
		name, json string
		admin      bool
		enabled    bool
		err        bool
	}{
		{"all keys", `{"u": {"username": "u", "password_hash": "h", "is_admin": true, "is_enabled": false}}`, true, false, false},
		{"defaults", `{"u": {"password_hash": "h"}}`, false, true, false},
		{"nulls are false", `{"u": {"password_hash": null, "is_admin": null, "is_enabled": null}}`, false, false, false},
		{"username differs from key", `{"u": {"username": "other", "password_hash": "h"}}`, false, true, false},
		{"not an object", `[]`, false, false, true},
		{"null file", `null`, false, false, true},
		{"user not an object", `{"u": "h"}`, false, false, true},
		{"is_admin a string", `{"u": {"is_admin": "yes"}}`, false, false, true},
		{"truncated", `{"u": {"password_hash": "h"`, false, false, true},
		{"empty file", ``, false, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			users, err := parseUsers([]byte(tt.json))
			if (err != nil) != tt.err {
				t.Fatalf("parseUsers err = %v; want error %v", err, tt.err)
			}
			if err != nil {
				return
			}
			r := users["u"]
			if r == nil || r.admin != tt.admin || r.enabled != tt.enabled {
				t.Errorf("record = %+v; want admin %v enabled %v", r, tt.admin, tt.enabled)
			}
		})
	}
}

// pythonView decodes a users file the way aiosyslogd.auth does, and checks
// that every user object has the four keys with the types Python expects.
func pythonView(t *testing.T, path string) map[string]map[string]any {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var users map[string]map[string]any
	if err := json.Unmarshal(data, &users); err != nil {
		t.Fatalf("%s is not a JSON object of objects: %v\n%s", path, err, data)
	}
	for name, u := range users {
		if u["username"] != name {
			t.Errorf("%s: username %v, want the key", name, u["username"])
		}
		if _, ok := u["password_hash"].(string); !ok {
			t.Errorf("%s: password_hash %v", name, u["password_hash"])
		}
		for _, k := range []string{"is_admin", "is_enabled"} {
			if _, ok := u[k].(bool); !ok {
				t.Errorf("%s: %s = %v, want a bool", name, k, u[k])
			}
		}
	}
	return users
}

func TestAddAndSetPassword(t *testing.T) {
	cheapHashes(t)
	ctx := context.Background()
	path := copyPythonUsers(t)
	s := mustOpen(t, path)
	if err := s.Add("carol", "carol-password", true); err != nil {
		t.Fatal(err)
	}
	if err := s.Add("carol", "another-one", false); !errors.Is(err, ErrExists) {
		t.Errorf("Add twice: %v; want ErrExists", err)
	}
	if u, err := s.Authenticate(ctx, "carol", "carol-password"); err != nil || !u.Admin {
		t.Errorf("new user: %+v, %v", u, err)
	}
	if err := s.SetPassword("olduser", "new-password"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, "olduser", "pbkdf2-user"); !errors.Is(err, ErrInvalidCredentials) {
		t.Errorf("old password after SetPassword: %v", err)
	}
	if _, err := s.Authenticate(ctx, "olduser", "new-password"); err != nil {
		t.Errorf("new password: %v", err)
	}
	if err := s.SetPassword("nobody", "whatever1"); !errors.Is(err, ErrNotFound) {
		t.Errorf("SetPassword(nobody) = %v; want ErrNotFound", err)
	}
	// What was written, read back by a fresh Store and as Python reads it.
	want := "admin admin enabled|carol admin enabled|gone disabled|olduser enabled"
	if got, _ := mustOpen(t, path).List(); describe(got) != want {
		t.Errorf("reopened: %s; want %s", describe(got), want)
	}
	if py := pythonView(t, path); !strings.HasPrefix(py["olduser"]["password_hash"].(string), "scrypt:") {
		t.Errorf("as Python reads it: %v", py["olduser"])
	}
}

func TestEnableDisableDelete(t *testing.T) {
	cheapHashes(t)
	path := copyPythonUsers(t)
	s := mustOpen(t, path)
	if err := s.SetEnabled("gone", true); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(context.Background(), "gone", "disabled-user"); err != nil {
		t.Errorf("re-enabled user: %v", err)
	}
	if err := s.SetEnabled("olduser", false); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Active("olduser"); !errors.Is(err, ErrDisabled) {
		t.Errorf("Active(disabled) = %v; want ErrDisabled", err)
	}
	if u, err := s.Get("olduser"); err != nil || u.Enabled {
		t.Errorf("Get(disabled) = %+v, %v", u, err)
	}
	if err := s.Delete("admin"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Active("admin"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Active(deleted) = %v; want ErrNotFound", err)
	}
	for _, err := range []error{s.Delete("admin"), s.SetEnabled("admin", true)} {
		if !errors.Is(err, ErrNotFound) {
			t.Errorf("on a deleted user: %v; want ErrNotFound", err)
		}
	}
	if got, _ := s.List(); describe(got) != "gone enabled|olduser disabled" {
		t.Errorf("List = %s", describe(got))
	}
	if py := pythonView(t, path); py["gone"]["is_enabled"] != true || py["olduser"]["is_enabled"] != false || py["admin"] != nil {
		t.Errorf("as Python reads it: %v", py)
	}
}

func describe(users []User) string {
	var parts []string
	for _, u := range users {
		p := u.Name
		if u.Admin {
			p += " admin"
		}
		if u.Enabled {
			p += " enabled"
		} else {
			p += " disabled"
		}
		if u.HasToken {
			p += " token"
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, "|")
}

func TestAddRejects(t *testing.T) {
	cheapHashes(t)
	s, err := Create(filepath.Join(t.TempDir(), "users.json"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, password string
		want           error
	}{
		{"", "long enough", ErrInvalidName},
		{" bob", "long enough", ErrInvalidName},
		{"bob\n", "long enough", ErrInvalidName},
		{"-bob", "long enough", ErrInvalidName},
		{"bo\x00b", "long enough", ErrInvalidName},
		{"\xff", "long enough", ErrInvalidName},
		{strings.Repeat("b", 65), "long enough", ErrInvalidName},
		{"bob", "short", ErrWeakPassword},
		{"bob", "", ErrWeakPassword},
		{"bob", strings.Repeat("p", maxPasswordBytes+1), ErrWeakPassword},
	}
	for _, tt := range tests {
		if err := s.Add(tt.name, tt.password, false); !errors.Is(err, tt.want) {
			t.Errorf("Add(%q, %d chars) = %v; want %v", tt.name, len(tt.password), err, tt.want)
		}
	}
	if err := s.Add("José Ñ", "ocho char", false); err != nil {
		t.Errorf("a UTF-8 name and an 8-character password: %v", err)
	}
	if list, _ := s.List(); len(list) != 1 {
		t.Errorf("users after the refusals: %+v", list)
	}
}

func TestTokens(t *testing.T) {
	cheapHashes(t)
	path := copyPythonUsers(t)
	s := mustOpen(t, path)
	token, err := s.NewToken("olduser")
	if err != nil {
		t.Fatal(err)
	}
	if len(token) != 43 {
		t.Errorf("token %q: want 43 base64url characters (256 bits)", token)
	}
	u, err := s.AuthenticateToken(token)
	if err != nil || u.Name != "olduser" || !u.HasToken {
		t.Fatalf("AuthenticateToken = %+v, %v", u, err)
	}
	data, _ := os.ReadFile(path)
	if strings.Contains(string(data), token) {
		t.Fatal("the token itself is in the users file")
	}
	if py := pythonView(t, path); py["olduser"][tokenKey] != tokenHash(token) {
		t.Errorf("stored %v, want the token's sha256", py["olduser"][tokenKey])
	}
	for _, bad := range []string{"", token[:42], token + "A", strings.ToUpper(token), strings.Repeat("A", 1000)} {
		if _, err := s.AuthenticateToken(bad); !errors.Is(err, ErrInvalidCredentials) {
			t.Errorf("AuthenticateToken(%q) = %v", bad, err)
		}
	}
	second, err := s.NewToken("olduser")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AuthenticateToken(token); err == nil {
		t.Error("the replaced token still works")
	}
	if err := s.SetEnabled("olduser", false); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AuthenticateToken(second); !errors.Is(err, ErrInvalidCredentials) {
		t.Errorf("token of a disabled user: %v", err)
	}
	s.SetEnabled("olduser", true)
	if err := s.RevokeToken("olduser"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AuthenticateToken(second); err == nil {
		t.Error("revoked token still works")
	}
	if _, err := s.NewToken("nobody"); !errors.Is(err, ErrNotFound) {
		t.Errorf("NewToken(nobody) = %v", err)
	}
}

func TestTokenGoesWithItsUser(t *testing.T) {
	cheapHashes(t)
	s := mustOpen(t, copyPythonUsers(t))
	token, err := s.NewToken("olduser")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Delete("olduser"); err != nil {
		t.Fatal(err)
	}
	if err := s.Add("olduser", "someone-else", false); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AuthenticateToken(token); err == nil {
		t.Error("a re-created user inherited the old token")
	}
}

func TestUnknownKeysAreKept(t *testing.T) {
	cheapHashes(t)
	path := filepath.Join(t.TempDir(), "users.json")
	orig := `{"u": {"username": "u", "password_hash": "x", "is_admin": false, "is_enabled": true, "email": "u@example.org", "prefs": {"tz": "UTC"}}}`
	if err := os.WriteFile(path, []byte(orig), 0o600); err != nil {
		t.Fatal(err)
	}
	s := mustOpen(t, path)
	if err := s.SetPassword("u", "a new password"); err != nil {
		t.Fatal(err)
	}
	py := pythonView(t, path)
	if py["u"]["email"] != "u@example.org" || fmt.Sprint(py["u"]["prefs"]) != "map[tz:UTC]" {
		t.Errorf("unknown keys after a rewrite: %v", py["u"])
	}
}

func TestWrittenLayoutIsPythons(t *testing.T) {
	path := filepath.Join(t.TempDir(), "users.json")
	users := map[string]*record{
		"b": {passwordHash: "h2", enabled: true},
		"a": {passwordHash: "h1", admin: true, enabled: false, tokenHash: "t"},
	}
	data, err := encodeUsers(users)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(path, data, 0o600)
	// json.dump(data, f, indent=4) of the same dict, names sorted.
	want := `{
    "a": {
        "username": "a",
        "password_hash": "h1",
        "is_admin": true,
        "is_enabled": false,
        "api_token_sha256": "t"
    },
    "b": {
        "username": "b",
        "password_hash": "h2",
        "is_admin": false,
        "is_enabled": true
    }
}
`
	if string(data) != want {
		t.Errorf("encoded:\n%s\nwant:\n%s", data, want)
	}
	if _, err := encodeUsers(nil); err != nil {
		t.Error(err)
	}
}

func TestFileMode0600(t *testing.T) {
	cheapHashes(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "users.json")
	s, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	checkMode(t, path, 0o600)
	checkMode(t, filepath.Dir(path), fs.ModeDir|0o700)
	// A file someone loosened (or an old one) is 0600 again after a write.
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := s.Add("bob", "bob-password", false); err != nil {
		t.Fatal(err)
	}
	checkMode(t, path, 0o600)
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("files beside users.json: %v", entries)
	}
}

func checkMode(t *testing.T, path string, want fs.FileMode) {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode() != want {
		t.Errorf("%s: mode %v, want %v", path, info.Mode(), want)
	}
}

func TestFailedWriteLeavesOldFile(t *testing.T) {
	cheapHashes(t)
	path := copyPythonUsers(t)
	before, _ := os.ReadFile(path)
	s := mustOpen(t, path)
	old := syncFile
	syncFile = func(*os.File) error { return errors.New("disk on fire") }
	t.Cleanup(func() { syncFile = old })

	err := s.Add("bob", "bob-password", false)
	if err == nil || !strings.Contains(err.Error(), "disk on fire") || !strings.Contains(err.Error(), path) {
		t.Fatalf("Add with a failing fsync: %v; want the error, naming the file", err)
	}
	after, _ := os.ReadFile(path)
	if string(after) != string(before) {
		t.Error("users.json changed by a failed write")
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("left beside users.json: %v", entries)
	}
	if _, err := s.Get("bob"); !errors.Is(err, ErrNotFound) {
		t.Errorf("the store took a change that was not written: %v", err)
	}
	syncFile = old
	if err := s.Add("bob", "bob-password", false); err != nil {
		t.Errorf("after the disk recovered: %v", err)
	}
}

func TestChangesOnDiskArePickedUp(t *testing.T) {
	cheapHashes(t)
	path := copyPythonUsers(t)
	web := mustOpen(t, path) // the long-running server's store
	if _, err := web.Active("olduser"); err != nil {
		t.Fatal(err)
	}
	cli := mustOpen(t, path) // `aiosyslogd user …` in another process
	if err := cli.SetEnabled("olduser", false); err != nil {
		t.Fatal(err)
	}
	if _, err := web.Active("olduser"); !errors.Is(err, ErrDisabled) {
		t.Errorf("after the CLI disabled olduser: %v; want ErrDisabled", err)
	}
	if err := cli.Delete("admin"); err != nil {
		t.Fatal(err)
	}
	if _, err := web.Authenticate(context.Background(), "admin", "admin-from-python"); !errors.Is(err, ErrInvalidCredentials) {
		t.Errorf("deleted admin logged in: %v", err)
	}
	// The web store's own write must keep the CLI's changes.
	if err := web.Add("eve", "eve-password", false); err != nil {
		t.Fatal(err)
	}
	if got, _ := cli.List(); describe(got) != "eve enabled|gone disabled|olduser disabled" {
		t.Errorf("after both wrote: %s", describe(got))
	}
	// An edit in place (same inode, as an editor may make) is seen too.
	data, _ := os.ReadFile(path)
	inode, _ := os.Stat(path)
	edited := strings.Replace(string(data), `"is_admin": false,
        "is_enabled": true`, `"is_admin": true,
        "is_enabled": true`, 1)
	if err := os.WriteFile(path, []byte(edited), 0o600); err != nil {
		t.Fatal(err)
	}
	if now, _ := os.Stat(path); !os.SameFile(inode, now) {
		t.Fatal("os.WriteFile made a new inode")
	}
	if u, _ := web.Get("eve"); !u.Admin {
		t.Errorf("in-place edit not seen: %+v", u)
	}
}

func TestBrokenOrMissingFileFailsClosed(t *testing.T) {
	path := copyPythonUsers(t)
	s := mustOpen(t, path)
	if err := os.WriteFile(path, []byte(`{"admin": {"password_hash": `), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Active("admin"); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("Active with a broken file: %v; want an error naming it", err)
	}
	if _, err := s.Authenticate(context.Background(), "admin", "admin-from-python"); err == nil {
		t.Error("logged in with a broken users file")
	}
	if data, _ := os.ReadFile(path); string(data) != `{"admin": {"password_hash": ` {
		t.Error("a broken file was replaced")
	}
	os.Remove(path)
	if _, err := s.Active("admin"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Active with the file deleted: %v; want ErrNotFound", err)
	}
	if _, err := Open(path); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Open(missing) = %v; want fs.ErrNotExist", err)
	}
}

func TestBootstrap(t *testing.T) {
	cheapHashes(t)
	path := filepath.Join(t.TempDir(), "users.json")
	s, password, err := Bootstrap(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(password) < 16 || strings.Contains(strings.ToLower(password), "admin") {
		t.Errorf("bootstrap password %q: want 16 or more random characters", password)
	}
	checkMode(t, path, 0o600)
	u, err := s.Authenticate(context.Background(), BootstrapAdmin, password)
	if err != nil || !u.Admin || !u.Enabled {
		t.Fatalf("bootstrap admin: %+v, %v", u, err)
	}
	for _, guess := range []string{"admin", "", "password"} {
		if _, err := s.Authenticate(context.Background(), "admin", guess); err == nil {
			t.Errorf("admin logs in with %q", guess)
		}
	}
	before, _ := os.ReadFile(path)
	_, again, err := Bootstrap(path)
	if err != nil || again != "" {
		t.Errorf("second Bootstrap = %q, %v; want no new password", again, err)
	}
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Error("second Bootstrap rewrote the file")
	}
	_, other, _ := Bootstrap(filepath.Join(t.TempDir(), "users.json"))
	if other == password {
		t.Error("two bootstraps made the same password")
	}
}

func TestBootstrapKeepsExistingFile(t *testing.T) {
	path := copyPythonUsers(t)
	s, password, err := Bootstrap(path)
	if err != nil || password != "" {
		t.Fatalf("Bootstrap(existing) = %q, %v", password, err)
	}
	if list, _ := s.List(); len(list) != 3 {
		t.Errorf("users: %+v", list)
	}
	if err := createExclusive(path, []byte("{}")); !errors.Is(err, fs.ErrExist) {
		t.Errorf("createExclusive over a file: %v; want fs.ErrExist", err)
	}
}

func TestConcurrentUse(t *testing.T) {
	cheapHashes(t)
	s, err := Create(filepath.Join(t.TempDir(), "users.json"))
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := fmt.Sprintf("user%d", i)
			if err := s.Add(name, "password-"+name, i%2 == 0); err != nil {
				t.Error(err)
				return
			}
			if _, err := s.Authenticate(context.Background(), name, "password-"+name); err != nil {
				t.Error(err)
			}
			if _, err := s.List(); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if list, _ := mustOpen(t, s.Path()).List(); len(list) != 8 {
		t.Errorf("%d users on disk, want 8: %s", len(list), describe(list))
	}
}

func TestAuthenticateWaitsForContext(t *testing.T) {
	s := mustOpen(t, copyPythonUsers(t))
	for range cap(s.verifying) {
		s.verifying <- struct{}{} // every slot busy
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Authenticate(ctx, "admin", "admin-from-python"); !errors.Is(err, context.Canceled) {
		t.Errorf("Authenticate with no free slot and a cancelled context: %v", err)
	}
}
