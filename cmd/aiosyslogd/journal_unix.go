//go:build unix

package main

import (
	"fmt"
	"os"
	"syscall"
)

// isJournalStream reports whether f is the stream systemd connected to the
// journal: $JOURNAL_STREAM holds its device and inode ("DEV:INO"), and a
// process whose stderr was redirected elsewhere still inherits the
// variable, so both are compared.
func isJournalStream(f *os.File, journalStream string) bool {
	if journalStream == "" {
		return false
	}
	var st syscall.Stat_t
	if err := syscall.Fstat(int(f.Fd()), &st); err != nil {
		return false
	}
	return fmt.Sprintf("%d:%d", st.Dev, st.Ino) == journalStream
}
