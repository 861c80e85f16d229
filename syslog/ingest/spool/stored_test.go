package spool

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// storedAt is an Options.Stored that has pos for the spool with identity
// id (any identity when id is ""), and records the identities asked for.
func storedAt(id string, pos Pos, asked *[]string) func(string) (Pos, bool, error) {
	return func(got string) (Pos, bool, error) {
		*asked = append(*asked, got)
		if id != "" && got != id {
			return Pos{}, false, nil
		}
		return pos, true, nil
	}
}

// A spool keeps its identity across opens, and a new directory has a new
// one.
func TestIdentityIsKeptAndNew(t *testing.T) {
	dir := t.TempDir()
	s, _ := open(t, dir, Options{})
	id := s.ID()
	if !validID(id) {
		t.Fatalf("ID() = %q, want %d hex digits", id, idLen)
	}
	s.Close()
	s2, _ := open(t, dir, Options{})
	if s2.ID() != id {
		t.Fatalf("reopened spool's ID %q, want %q", s2.ID(), id)
	}
	if fi, err := os.Stat(filepath.Join(dir, idName)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("id file: %v, %v; want mode 0600", fi, err)
	}
	other, _ := open(t, t.TempDir(), Options{})
	if other.ID() == id {
		t.Fatal("two spools have the same identity")
	}
	// A damaged identity is replaced, not trusted.
	s2.Close()
	if err := os.WriteFile(filepath.Join(dir, idName), []byte("not an id\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s3, _ := open(t, dir, Options{})
	if s3.ID() == id || !validID(s3.ID()) {
		t.Fatalf("after the id file was damaged ID() = %q", s3.ID())
	}
}

// When the store stored further than the acknowledgement file says (a
// crash between its COMMIT and the file's write), Open reads on from the
// store's position: what it stored is neither counted nor read again, and
// the file is brought up to it.
func TestOpenReadsOnFromTheStoresPosition(t *testing.T) {
	dir := t.TempDir()
	s, _ := open(t, dir, Options{SegmentBytes: 600})
	id := s.ID()
	var ends []Pos
	for b := 0; b < 5; b++ {
		ends = append(ends, appendN(t, s, b*10, 10)...)
	}
	if err := s.Ack(ends[9], 10, rec(9).At); err != nil {
		t.Fatal(err)
	}
	s.Close()

	tests := []struct {
		name        string
		stored      Pos
		storedID    string // "" = the spool's own
		wantFirst   int    // the first record read
		wantBehind  bool
		wantAckFile Pos
	}{
		{"the store is behind the file", ends[4], id, 10, false, ends[9]},
		{"the store is at the file", ends[9], id, 10, false, ends[9]},
		{"another spool's position", ends[30], "fedcba9876543210fedcba9876543210", 10, false, ends[9]},
		{"the store is ahead", ends[29], id, 30, true, ends[29]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var asked []string
			s, found := open(t, dir, Options{SegmentBytes: 600, Stored: storedAt(tt.storedID, tt.stored, &asked)})
			defer s.Close()
			if len(asked) != 1 || asked[0] != id {
				t.Fatalf("Stored asked for %q, want once for %q", asked, id)
			}
			if found.Behind != tt.wantBehind || found.Messages != int64(50-tt.wantFirst) || found.Oldest != time.Unix(0, rec(tt.wantFirst).At) {
				t.Fatalf("recovered %+v, want %d messages from record %d, behind %v", found, 50-tt.wantFirst, tt.wantFirst, tt.wantBehind)
			}
			got, _ := readAll(t, s.Reader())
			if len(got) != 50-tt.wantFirst {
				t.Fatalf("read %d records, want %d", len(got), 50-tt.wantFirst)
			}
			for i := range got {
				sameRecord(t, got[i], tt.wantFirst+i)
			}
			if ack := s.readAck(); ack != tt.wantAckFile {
				t.Fatalf("acknowledgement file at %v, want %v", ack, tt.wantAckFile)
			}
		})
		// Put the file back for the next case: the store being ahead
		// moved it.
		s, _ := open(t, dir, Options{SegmentBytes: 600})
		if err := s.writeAck(ends[9]); err != nil {
			t.Fatal(err)
		}
		s.Close()
	}
}

// The store's position in a segment that is gone (all of it stored) is
// no reason to append behind it: new records come after it and are read.
func TestStoresPositionPastEverySegment(t *testing.T) {
	dir := t.TempDir()
	s, _ := open(t, dir, Options{})
	id := s.ID()
	appendN(t, s, 0, 3)
	s.Close()
	var asked []string
	ahead := Pos{Seg: 40, Off: 123}
	s2, found := open(t, dir, Options{Stored: storedAt(id, ahead, &asked)})
	if !found.Behind || found.Messages != 0 {
		t.Fatalf("recovered %+v, want nothing left and behind", found)
	}
	appendN(t, s2, 3, 2)
	got, _ := readAll(t, s2.Reader())
	if len(got) != 2 {
		t.Fatalf("read %d records, want the 2 new ones", len(got))
	}
	sameRecord(t, got[0], 3)
	sameRecord(t, got[1], 4)
}

// A store that cannot say where it is makes Open fail: reading on from
// the file alone could store a batch twice.
func TestOpenFailsWhenTheStoreCannotSay(t *testing.T) {
	broken := errors.New("database is locked")
	_, _, err := Open(Options{Dir: t.TempDir(), Logger: discard, Stored: func(string) (Pos, bool, error) { return Pos{}, false, broken }})
	if !errors.Is(err, broken) {
		t.Fatalf("Open = %v, want the store's error", err)
	}
}
