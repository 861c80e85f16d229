package spool

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// FuzzSegment opens a spool whose only segment holds arbitrary bytes: Open
// never fails or panics on them, and the reader returns exactly the records
// Open counted, each re-encoding to bytes that check.
func FuzzSegment(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.seg")
	for _, p := range seeds {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte{})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(segName(dir, 1), data, 0o600); err != nil {
			t.Fatal(err)
		}
		s, found, err := Open(Options{Dir: dir, Logger: discard})
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		defer s.Close()
		r := s.Reader()
		defer r.Close()
		var n int64
		for {
			rc, _, ok, err := r.Next()
			if err != nil {
				t.Fatalf("Next: %v", err)
			}
			if !ok {
				break
			}
			b, err := appendRecord(nil, &rc)
			if err != nil {
				t.Fatalf("re-encode: %v", err)
			}
			if _, _, _, bad := scan(bytes.NewReader(b), int64(len(b)), 0); bad != nil {
				t.Fatalf("a record read back does not check once re-encoded: %v", bad)
			}
			n++
		}
		if n != found.Messages {
			t.Fatalf("Open counted %d messages, the reader read %d", found.Messages, n)
		}
		if found.Corrupt == 0 && found.Torn == 0 && n == 0 && len(data) > 0 {
			t.Fatalf("%d bytes made no record, yet nothing was torn or corrupt", len(data))
		}
	})
}
