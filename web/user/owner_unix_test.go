//go:build unix

package user

import (
	"os"
	"syscall"
	"testing"
)

func TestRewriteKeepsTheOwner(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("giving a file to another user needs root")
	}
	cheapHashes(t)
	path := copyPythonUsers(t)
	// As if the web server's own user owned the file and root ran
	// `sudo aiosyslogd user add`.
	if err := os.Chown(path, 4321, 4322); err != nil {
		t.Fatal(err)
	}
	s := mustOpen(t, path)
	if err := s.Add("bob", "bob-password", false); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	st := info.Sys().(*syscall.Stat_t)
	if st.Uid != 4321 || st.Gid != 4322 || info.Mode() != 0o600 {
		t.Errorf("after a rewrite by root: owner %d:%d, mode %v; want 4321:4322, 0600", st.Uid, st.Gid, info.Mode())
	}
}
