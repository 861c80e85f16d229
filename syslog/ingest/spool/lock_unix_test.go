//go:build unix

package spool

import (
	"strings"
	"testing"
)

func TestASpoolIsOpenOnce(t *testing.T) {
	dir := t.TempDir()
	open(t, dir, Options{})
	if _, _, err := Open(Options{Dir: dir, Logger: discard}); err == nil || !strings.Contains(err.Error(), "in use by another process") {
		t.Fatalf("a second Open of an open spool: %v", err)
	}
}
