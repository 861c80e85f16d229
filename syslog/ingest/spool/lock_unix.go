//go:build unix

package spool

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// lock takes an exclusive lock on f (the acknowledgement file) for as long
// as it is open: two processes appending to one spool would interleave
// their segments.
func lock(f *os.File) error {
	err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return errors.New("the spool is in use by another process (another serve on the same database?)")
	}
	if err != nil {
		return fmt.Errorf("lock spool: %w", err)
	}
	return nil
}
