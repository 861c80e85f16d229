package session

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// KeySize is the length in bytes of the signing key.
const KeySize = 32

// keyFileName is the key file's name, in the users file's directory.
const keyFileName = "session.key"

// KeyPath is where the signing key for the users file at usersFile lives:
// session.key in the same directory.
func KeyPath(usersFile string) string {
	return filepath.Join(filepath.Dir(usersFile), keyFileName)
}

// LoadKey reads the signing key at path, first creating it from
// crypto/rand, mode 0600, when there is none. A key file that others may
// read is refused: with it, anyone on the machine could forge a session.
func LoadKey(path string) ([]byte, error) {
	key, err := readKey(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return key, err
	}
	key = make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("random: %w", err)
	}
	switch err := createKeyFile(path, key); {
	case errors.Is(err, fs.ErrExist): // another process made one first: use it
		return readKey(path)
	case err != nil:
		return nil, err
	}
	return key, nil
}

func readKey(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("session key: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("session key %s: %w", path, err)
	}
	if perm := info.Mode().Perm(); perm&0o077 != 0 {
		return nil, fmt.Errorf("session key %s: mode %04o lets others read it; chmod 600 %s", path, perm, path)
	}
	key, err := io.ReadAll(io.LimitReader(f, KeySize+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if len(key) != KeySize {
		return nil, fmt.Errorf("session key %s: want %d bytes (delete the file to make a new key, which ends every session)", path, KeySize)
	}
	return key, nil
}

// createKeyFile writes key to a 0600 temporary file beside path and links it
// into place, so that no process ever reads a part of a key, and a key that
// another process made first is kept (an error wrapping fs.ErrExist).
func createKeyFile(path string, key []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+keyFileName+".tmp-*")
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	defer os.Remove(f.Name())
	_, err = f.Write(key)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Link(f.Name(), path)
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		err = le.Err
	}
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	return nil
}
