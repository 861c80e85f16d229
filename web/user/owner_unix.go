//go:build unix

package user

import (
	"fmt"
	"os"
	"syscall"
)

// keepOwner gives f the owner and group of the file at path, when there is
// one and they differ: `sudo aiosyslogd user add` must not leave a file that
// the web server's own user can no longer read.
func keepOwner(f *os.File, path string) error {
	old, err := os.Stat(path)
	if err != nil {
		return nil // a new file: ours
	}
	oldSys, ok1 := old.Sys().(*syscall.Stat_t)
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	newSys, ok2 := fi.Sys().(*syscall.Stat_t)
	if !ok1 || !ok2 || (oldSys.Uid == newSys.Uid && oldSys.Gid == newSys.Gid) {
		return nil
	}
	if err := f.Chown(int(oldSys.Uid), int(oldSys.Gid)); err != nil {
		return fmt.Errorf("keep the owner %d:%d of %s: %w", oldSys.Uid, oldSys.Gid, path, err)
	}
	return nil
}
