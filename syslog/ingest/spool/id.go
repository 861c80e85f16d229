package spool

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// idLen is the length of a spool's identity: 16 random bytes in hex.
const idLen = 32

// readID returns the identity kept in dir's file "id", making and keeping
// a new one when the file is missing or damaged. A store has no position
// under a new identity: the acknowledgement file alone then says how far
// the spool is stored, as before stores kept positions.
func readID(dir string, fsync bool) (string, error) {
	path := filepath.Join(dir, idName)
	b, err := os.ReadFile(path)
	if err == nil {
		if id := strings.TrimSpace(string(b)); validID(id) {
			return id, nil
		}
	} else if !os.IsNotExist(err) {
		return "", fmt.Errorf("read spool identity: %w", err)
	}
	var raw [idLen / 2]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", fmt.Errorf("make spool identity: %w", err)
	}
	id := hex.EncodeToString(raw[:])
	if err := writeFileAtomic(path, []byte(id+"\n"), fsync); err != nil {
		return "", fmt.Errorf("keep spool identity: %w", err)
	}
	return id, nil
}

// validID reports whether id is idLen lower-case hex digits.
func validID(id string) bool {
	if len(id) != idLen {
		return false
	}
	for _, c := range []byte(id) {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// writeFileAtomic writes data to path through a temporary file renamed
// over it (0600), so that a crash leaves the old file or the new one.
func writeFileAtomic(path string, data []byte, fsync bool) error {
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil && fsync {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	if fsync {
		return syncDir(filepath.Dir(path))
	}
	return nil
}
