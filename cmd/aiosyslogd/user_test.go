//go:build e2e

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aiosyslogd/aiosyslogd/web/user"
)

// execUser runs the real binary's `user` command in dir with stdin and the
// extra environment, and returns its stdout, stderr and exit status.
func execUser(t *testing.T, dir, stdin string, env []string, args ...string) (stdout, stderr string, status int) {
	t.Helper()
	cmd := exec.Command(binPath, append([]string{"user"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(cleanEnv(), env...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		status = exit.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	return out.String(), errOut.String(), status
}

// mustUser runs a user command that must succeed.
func mustUser(t *testing.T, dir, stdin string, args ...string) string {
	t.Helper()
	out, errOut, status := execUser(t, dir, stdin, nil, args...)
	if status != 0 {
		t.Fatalf("aiosyslogd user %s: status %d\n%s", strings.Join(args, " "), status, errOut)
	}
	return out
}

// login checks name's password against the users file in dir, as the web
// server will.
func login(t *testing.T, dir, name, password string) error {
	t.Helper()
	s, err := user.Open(filepath.Join(dir, "users.json"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Authenticate(context.Background(), name, password)
	return err
}

func TestUserCommandLifecycle(t *testing.T) {
	t.Parallel() // mostly scrypt, one core each
	dir := t.TempDir()
	if out := mustUser(t, dir, "bob-password\n", "add", "bob", "--admin"); out != "added admin \"bob\" to users.json\n" {
		t.Errorf("add: %q", out)
	}
	info, err := os.Stat(filepath.Join(dir, "users.json"))
	if err != nil || info.Mode() != 0o600 {
		t.Fatalf("users.json: %v, %v; want mode 0600", info, err)
	}
	mustUser(t, dir, "carol-password\n", "add", "carol")
	mustUser(t, dir, "carol-new-password\n", "passwd", "carol")
	if err := login(t, dir, "carol", "carol-new-password"); err != nil {
		t.Errorf("carol's new password: %v", err)
	}
	if err := login(t, dir, "carol", "carol-password"); err == nil {
		t.Error("carol's old password still works")
	}
	mustUser(t, dir, "", "disable", "carol")
	if err := login(t, dir, "carol", "carol-new-password"); err == nil {
		t.Error("disabled carol logs in")
	}
	token := strings.TrimSpace(mustUser(t, dir, "", "token", "bob"))
	if len(token) != 43 {
		t.Fatalf("token %q", token)
	}
	s, _ := user.Open(filepath.Join(dir, "users.json"))
	if u, err := s.AuthenticateToken(token); err != nil || u.Name != "bob" {
		t.Errorf("bob's token: %+v, %v", u, err)
	}
	want := "NAME   ROLE   STATUS    TOKEN\n" +
		"bob    admin  enabled   yes\n" +
		"carol  user   disabled  -\n"
	if out := mustUser(t, dir, "", "list"); out != want {
		t.Errorf("list:\n%s\nwant:\n%s", out, want)
	}
	mustUser(t, dir, "", "enable", "carol")
	if err := login(t, dir, "carol", "carol-new-password"); err != nil {
		t.Errorf("re-enabled carol: %v", err)
	}
	mustUser(t, dir, "", "token", "bob", "--revoke")
	if _, err := s.AuthenticateToken(token); err == nil {
		t.Error("revoked token still works")
	}
	_, errOut, status := execUser(t, dir, "", nil, "del", "bob")
	if status != 0 || !strings.Contains(errOut, "no enabled admin is left") {
		t.Errorf("del the last admin: status %d, stderr %q; want 0 and a warning", status, errOut)
	}
	if out := mustUser(t, dir, "", "list"); out != "NAME   ROLE  STATUS   TOKEN\ncarol  user  enabled  -\n" {
		t.Errorf("list after del:\n%s", out)
	}
}

func TestUserCommandPasswordFromStdin(t *testing.T) {
	t.Parallel() // mostly scrypt, one core each
	tests := []struct {
		name, stdin, password string
	}{
		{"line", "pass word 1\n", "pass word 1"},
		{"crlf", "pass word 2\r\n", "pass word 2"},
		{"no newline", "pass word 3", "pass word 3"},
		{"first line only", "pass word 4\nsecond line\n", "pass word 4"},
		{"spaces kept", "  spaced out  \n", "  spaced out  "},
	}
	dir := t.TempDir()
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := "u" + string(rune('a'+i))
			mustUser(t, dir, tt.stdin, "add", name)
			if err := login(t, dir, name, tt.password); err != nil {
				t.Errorf("password %q from stdin %q: %v", tt.password, tt.stdin, err)
			}
		})
	}
}

func TestUserCommandErrors(t *testing.T) {
	t.Parallel() // mostly scrypt, one core each
	dir := t.TempDir()
	mustUser(t, dir, "bob-password\n", "add", "bob")
	before, _ := os.ReadFile(filepath.Join(dir, "users.json"))
	tests := []struct {
		name, stdin string
		args        []string
		status      int
		stderr      string
	}{
		{"add taken", "whatever-1\n", []string{"add", "bob"}, 2, `user add: user already exists: "bob"`},
		{"passwd unknown", "whatever-1\n", []string{"passwd", "nobody"}, 2, `user passwd: no such user: "nobody"`},
		{"del unknown", "", []string{"del", "nobody"}, 2, `no such user: "nobody"`},
		{"disable unknown", "", []string{"disable", "nobody"}, 2, `no such user`},
		{"token unknown", "", []string{"token", "nobody"}, 2, `no such user`},
		{"short password", "short\n", []string{"add", "carol"}, 2, "at least 8"},
		{"empty stdin", "", []string{"add", "carol"}, 2, "no password given"},
		{"bad name", "whatever-1\n", []string{"add", "car ol "}, 2, "invalid user name"},
		{"no name", "", []string{"add"}, 2, "no NAME (usage: aiosyslogd user add NAME)"},
		{"two names", "", []string{"del", "bob", "carol"}, 2, `one NAME, got ["bob" "carol"]`},
		{"list with a name", "", []string{"list", "bob"}, 2, "takes no arguments"},
		{"unknown flag before", "", []string{"add", "--bogus", "carol"}, 2, "flag provided but not defined: -bogus"},
		{"unknown flag after", "", []string{"add", "carol", "--bogus"}, 2, "unknown flag --bogus"},
		{"flag without value", "", []string{"list", "--users-file"}, 2, "flag needs an argument: -users-file"},
		{"flag without value after NAME", "", []string{"add", "carol", "--users-file"}, 2, "--users-file needs a value"},
		{"unknown command", "", []string{"rename", "bob"}, 2, `no command "rename"`},
		{"missing file", "", []string{"--users-file", "nope.json", "list"}, 2, "nope.json: file does not exist (aiosyslogd user add NAME creates it"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errOut, status := execUser(t, dir, tt.stdin, nil, tt.args...)
			if status != tt.status || !strings.Contains(errOut, tt.stderr) {
				t.Errorf("status %d, stderr %q; want %d and %q", status, errOut, tt.status, tt.stderr)
			}
			if strings.Contains(errOut, "goroutine") || strings.Count(errOut, "\n") > 2 {
				t.Errorf("more than a clear message:\n%s", errOut)
			}
		})
	}
	if after, _ := os.ReadFile(filepath.Join(dir, "users.json")); !bytes.Equal(after, before) {
		t.Error("a refused command changed users.json")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("files left in the directory: %v", entries)
	}
}

func TestUserCommandUsersFile(t *testing.T) {
	t.Parallel() // mostly scrypt, one core each
	dir := t.TempDir()
	env := []string{"AIOSYSLOGD_USERS_FILE=" + filepath.Join(dir, "env.json")}
	run := func(env []string, args ...string) {
		t.Helper()
		if _, errOut, status := execUser(t, dir, "some-password\n", env, args...); status != 0 {
			t.Fatalf("%v: %s", args, errOut)
		}
	}
	run(nil, "--users-file", "before.json", "add", "a")
	run(nil, "add", "--users-file", "sub.json", "b")
	run(nil, "add", "c", "--users-file=after.json", "--admin")
	run(env, "add", "d")
	run(env, "--users-file", "flag.json", "add", "e") // the flag wins over the environment
	run(nil, "add", "f")                              // users.json in the working directory
	for file, name := range map[string]string{"before.json": "a", "sub.json": "b", "after.json": "c", "env.json": "d", "flag.json": "e", "users.json": "f"} {
		s, err := user.Open(filepath.Join(dir, file))
		if err != nil {
			t.Errorf("%s: %v", file, err)
			continue
		}
		if list, _ := s.List(); len(list) != 1 || list[0].Name != name {
			t.Errorf("%s holds %+v; want only %s", file, list, name)
		}
	}
	if s, _ := user.Open(filepath.Join(dir, "after.json")); s != nil {
		if u, _ := s.Get("c"); !u.Admin {
			t.Error("--admin after NAME was not applied")
		}
	}
}

func TestUserCommandOnPythonUsersFile(t *testing.T) {
	t.Parallel() // mostly scrypt, one core each
	dir := t.TempDir()
	data, err := os.ReadFile("../../web/user/testdata/python_users.json")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "users.json")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	want := "NAME     ROLE   STATUS    TOKEN\n" +
		"admin    admin  enabled   -\n" +
		"gone     user   disabled  -\n" +
		"olduser  user   enabled   -\n"
	if out := mustUser(t, dir, "", "list"); out != want {
		t.Errorf("list of the Python file:\n%s\nwant:\n%s", out, want)
	}
	if err := login(t, dir, "olduser", "pbkdf2-user"); err != nil {
		t.Errorf("the Python pbkdf2 user: %v", err)
	}
	mustUser(t, dir, "changed-in-go\n", "passwd", "admin")
	if err := login(t, dir, "admin", "changed-in-go"); err != nil {
		t.Errorf("after passwd: %v", err)
	}
	if err := login(t, dir, "olduser", "pbkdf2-user"); err != nil {
		t.Errorf("the untouched user after a rewrite: %v", err)
	}
	// Still the Python format: an object of objects with the four keys.
	var users map[string]map[string]any
	raw, _ := os.ReadFile(path)
	if err := json.Unmarshal(raw, &users); err != nil || len(users) != 3 {
		t.Fatalf("rewritten file: %v\n%s", err, raw)
	}
	for name, u := range users {
		if u["username"] != name || u["is_admin"] == nil || u["is_enabled"] == nil || !strings.HasPrefix(u["password_hash"].(string), "scrypt:") && !strings.HasPrefix(u["password_hash"].(string), "pbkdf2:") {
			t.Errorf("%s: %v", name, u)
		}
	}
	if info, _ := os.Stat(path); info.Mode() != 0o600 {
		t.Errorf("mode after the rewrite: %v, want 0600", info.Mode())
	}
}
