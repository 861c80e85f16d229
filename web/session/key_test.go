package session

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadKeyCreatesA0600Key(t *testing.T) {
	dir := t.TempDir()
	path := KeyPath(filepath.Join(dir, "users.json"))
	if path != filepath.Join(dir, "session.key") {
		t.Errorf("KeyPath = %s; want session.key beside users.json", path)
	}
	key, err := LoadKey(path)
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode() != 0o600 || info.Size() != KeySize {
		t.Errorf("key file: mode %v, %d bytes; want 0600, %d", info.Mode(), info.Size(), KeySize)
	}
	if bytes.Equal(key, make([]byte, KeySize)) {
		t.Error("key is all zero")
	}
	again, err := LoadKey(path)
	if err != nil || !bytes.Equal(again, key) {
		t.Errorf("second LoadKey: a different key or %v", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("files left: %v", entries)
	}
	other, _ := LoadKey(filepath.Join(t.TempDir(), "session.key"))
	if bytes.Equal(other, key) {
		t.Error("two new keys are equal")
	}
}

func TestLoadKeyRefuses(t *testing.T) {
	tests := []struct {
		name    string
		content []byte
		mode    os.FileMode
		want    string
	}{
		{"readable by others", bytes.Repeat([]byte{7}, KeySize), 0o644, "chmod 600"},
		{"readable by the group", bytes.Repeat([]byte{7}, KeySize), 0o640, "chmod 600"},
		{"short", []byte("0123456789"), 0o600, "want 32 bytes"},
		{"long", bytes.Repeat([]byte{7}, KeySize+1), 0o600, "want 32 bytes"},
		{"empty", nil, 0o600, "want 32 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "session.key")
			if err := os.WriteFile(path, tt.content, tt.mode); err != nil {
				t.Fatal(err)
			}
			os.Chmod(path, tt.mode) // past the umask
			_, err := LoadKey(path)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), path) {
				t.Errorf("LoadKey = %v; want an error naming the file and saying %q", err, tt.want)
			}
			if got, _ := os.ReadFile(path); !bytes.Equal(got, tt.content) {
				t.Error("the file was changed")
			}
		})
	}
}

func TestLoadKeyMissingDirectory(t *testing.T) {
	if _, err := LoadKey(filepath.Join(t.TempDir(), "no", "session.key")); err == nil {
		t.Error("LoadKey in a missing directory: no error")
	}
}
