package saved

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aiosyslogd/aiosyslogd/web/user"
)

func TestCleanView(t *testing.T) {
	tests := []struct {
		raw, want string
		err       error
	}{
		{"?q=sshd&since=24h", "q=sshd&since=24h", nil},
		{"since=24h&q=sshd&cursor=abc&live=1&limit=5&order=asc", "q=sshd&since=24h", nil},
		{"q=&host=web*&not_tag=cron&not_tag=ntpd", "host=web%2A&not_tag=cron&not_tag=ntpd", nil},
		{"q=%3Cscript%3E", "q=%3Cscript%3E", nil},
		{"", "", nil},
		{"q=%zz", "", ErrInvalidView},
		{"q=" + strings.Repeat("a", MaxViewBytes), "", ErrInvalidView},
	}
	for _, tt := range tests {
		got, err := CleanView(tt.raw)
		if got != tt.want || !errors.Is(err, tt.err) {
			t.Errorf("CleanView(%q) = %q, %v; want %q, %v", tt.raw, got, err, tt.want, tt.err)
		}
	}
}

func TestCheckName(t *testing.T) {
	for name, ok := range map[string]bool{
		"ssh failures": true, "<b>é</b>": true, strings.Repeat("é", MaxNameChars): true,
		"": false, "   ": false, "a\nb": false, strings.Repeat("a", MaxNameChars+1): false, "\xff": false,
	} {
		if err := CheckName(name); (err == nil) != ok {
			t.Errorf("CheckName(%q) = %v, want ok %v", name, err, ok)
		}
	}
}

// newStore is a Store over a users file with alice and bob.
func newStore(t *testing.T) Store {
	t.Helper()
	path := filepath.Join(t.TempDir(), "users.json")
	users, err := user.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"alice", "bob"} {
		if err := users.Add(name, name+"-password", false); err != nil {
			t.Fatal(err)
		}
	}
	return Store{Users: users}
}

func TestStoreChanges(t *testing.T) {
	s := newStore(t)
	now := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	steps := []struct {
		do   func() error
		want error
	}{
		{func() error { return s.Add("alice", "ssh", "q=sshd&since=24h", now) }, nil},
		{func() error { return s.Add("alice", "kernel", "?q=tag:kernel&since=1h&cursor=x", now) }, nil},
		{func() error { return s.Add("alice", "ssh", "q=other", now) }, ErrExists},
		{func() error { return s.Add("alice", "", "q=other", now) }, ErrInvalidName},
		{func() error { return s.Add("nobody", "x", "q=x", now) }, user.ErrNotFound},
		{func() error { return s.Rename("alice", "kernel", "ssh", now) }, ErrExists},
		{func() error { return s.Rename("alice", "kernel", "a kernel", now) }, nil},
		{func() error { return s.Rename("alice", "gone", "b", now) }, ErrNotFound},
		{func() error { return s.Delete("alice", "gone") }, ErrNotFound},
		{func() error { return s.Add("bob", "ssh", "q=bob", now) }, nil},
		{func() error { return s.Delete("bob", "ssh") }, nil},
	}
	for i, st := range steps {
		if err := st.do(); !errors.Is(err, st.want) {
			t.Fatalf("step %d: %v, want %v", i, err, st.want)
		}
	}
	got, err := s.List("alice")
	if err != nil {
		t.Fatal(err)
	}
	want := []Search{{"a kernel", "q=tag%3Akernel&since=1h", now}, {"ssh", "q=sshd&since=24h", now}}
	if len(got) != len(want) {
		t.Fatalf("List = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("List[%d] = %v, want %v", i, got[i], want[i])
		}
	}
	if bob, err := s.List("bob"); err != nil || len(bob) != 0 {
		t.Errorf("bob's list = %v, %v; want empty", bob, err)
	}
	if got[1].Link() != "/?q=sshd&since=24h" {
		t.Errorf("Link = %q", got[1].Link())
	}
	info, err := os.Stat(s.Users.Path())
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("users file: %v, %v; want mode 0600", info, err)
	}
}

// A user deleted and added again starts without the old saved searches.
func TestDeletedWithUser(t *testing.T) {
	s := newStore(t)
	if err := s.Add("bob", "mine", "q=x", time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := s.Users.Delete("bob"); err != nil {
		t.Fatal(err)
	}
	if err := s.Users.Add("bob", "bob-password-2", false); err != nil {
		t.Fatal(err)
	}
	if list, err := s.List("bob"); err != nil || len(list) != 0 {
		t.Errorf("re-created bob has %v, %v", list, err)
	}
}

func TestLimit(t *testing.T) {
	s := newStore(t)
	for i := range MaxPerUser {
		if err := s.Add("alice", strings.Repeat("n", 1+i%50)+string(rune('A'+i/50)), "q=x", time.Now()); err != nil {
			t.Fatalf("search %d: %v", i, err)
		}
	}
	if err := s.Add("alice", "one more", "q=x", time.Now()); !errors.Is(err, ErrFull) {
		t.Errorf("search %d: %v, want ErrFull", MaxPerUser+1, err)
	}
}

func TestReservedKey(t *testing.T) {
	s := newStore(t)
	if _, err := s.Users.Data("alice", "password_hash"); !errors.Is(err, user.ErrReservedKey) {
		t.Errorf("Data(password_hash) = %v, want ErrReservedKey", err)
	}
}

func FuzzCleanView(f *testing.F) {
	f.Add("q=sshd&since=24h")
	f.Add("?not_host=a&not_host=b&cursor=c")
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := CleanView(raw)
		if err != nil {
			return
		}
		again, err := CleanView(v)
		if err != nil || again != v {
			t.Errorf("CleanView(%q) = %q, and again %q, %v", raw, v, again, err)
		}
	})
}
