package spool

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/netip"
	"os"
	"path/filepath"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite testdata/*.seg")

func rec(i int) Record {
	from := netip.MustParseAddrPort("192.0.2.7:514")
	if i%3 == 1 {
		from = netip.MustParseAddrPort("[2001:db8::1]:6514")
	}
	return Record{
		At: int64(1_700_000_000_000_000_000 + i), From: from, Transport: []string{"udp", "tcp", "relp"}[i%3],
		Stream: i%3 != 0, Data: []byte(fmt.Sprintf("<13>Dec  3 09:00:00 host app: message %d", i)),
	}
}

func open(t *testing.T, dir string, opt Options) (*Spool, Recovered) {
	t.Helper()
	opt.Dir = dir
	if opt.Logger == nil {
		opt.Logger = discard
	}
	s, r, err := Open(opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, r
}

func appendN(t *testing.T, s *Spool, from, n int) []Pos {
	t.Helper()
	recs := make([]Record, n)
	for i := range recs {
		recs[i] = rec(from + i)
	}
	ends := make([]Pos, n)
	if err := s.Append(recs, ends); err != nil {
		t.Fatal(err)
	}
	return ends
}

// readAll reads every record the reader has now.
func readAll(t *testing.T, r *Reader) ([]Record, []Pos) {
	t.Helper()
	var recs []Record
	var ends []Pos
	for {
		rc, end, ok, err := r.Next()
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			return recs, ends
		}
		recs = append(recs, rc)
		ends = append(ends, end)
	}
}

func sameRecord(t *testing.T, got Record, i int) {
	t.Helper()
	want := rec(i)
	if got.At != want.At || got.From != want.From || got.Transport != want.Transport || got.Stream != want.Stream || !bytes.Equal(got.Data, want.Data) {
		t.Fatalf("record %d: got %+v, want %+v", i, got, want)
	}
}

func TestRoundTripInOrderAcrossSegments(t *testing.T) {
	s, _ := open(t, t.TempDir(), Options{SegmentBytes: 1000})
	r := s.Reader()
	defer r.Close()
	var ends []Pos
	for b := 0; b < 10; b++ {
		ends = append(ends, appendN(t, s, b*7, 7)...)
	}
	got, gotEnds := readAll(t, r)
	if len(got) != 70 {
		t.Fatalf("read %d records, want 70", len(got))
	}
	for i := range got {
		sameRecord(t, got[i], i)
		if gotEnds[i] != ends[i] {
			t.Fatalf("record %d ends at %v, Append said %v", i, gotEnds[i], ends[i])
		}
	}
	if segs, _ := segments(s.opt.Dir); len(segs) < 3 {
		t.Fatalf("%d segments of 1000 bytes for 70 records, want several", len(segs))
	}
	if st := s.Stats(); st.Messages != 70 || st.Oldest != time.Unix(0, rec(0).At) {
		t.Fatalf("stats %+v, want 70 messages from the first", st)
	}
	if err := s.Ack(ends[69], 70, rec(69).At); err != nil {
		t.Fatal(err)
	}
	segs, _ := segments(s.opt.Dir)
	if len(segs) != 1 {
		t.Fatalf("after acknowledging everything %d segments are left, want the one being written", len(segs))
	}
	if st := s.Stats(); st.Messages != 0 || !st.Oldest.IsZero() {
		t.Fatalf("stats %+v after acknowledging everything", st)
	}
}

func TestReopenReadsWhatWasNotAcknowledged(t *testing.T) {
	dir := t.TempDir()
	s, _ := open(t, dir, Options{SegmentBytes: 600})
	var ends []Pos
	for b := 0; b < 5; b++ {
		ends = append(ends, appendN(t, s, b*10, 10)...)
	}
	if err := s.Ack(ends[22], 23, rec(22).At); err != nil {
		t.Fatal(err)
	}
	s.Close()

	s2, found := open(t, dir, Options{SegmentBytes: 600})
	if found.Messages != 27 || found.Oldest != time.Unix(0, rec(23).At) || found.Torn != 0 || found.Corrupt != 0 {
		t.Fatalf("recovered %+v, want 27 messages from record 23", found)
	}
	appendN(t, s2, 50, 5) // new records come after the old ones
	got, _ := readAll(t, s2.Reader())
	if len(got) != 32 {
		t.Fatalf("read %d records, want 27 left and 5 new", len(got))
	}
	for i := range got {
		sameRecord(t, got[i], 23+i)
	}
}

// writeSegment writes records 0..n-1 as the only segment of a new spool
// in dir, and returns its path.
func writeSegment(t *testing.T, dir string, n int) string {
	t.Helper()
	var buf []byte
	for i := 0; i < n; i++ {
		r := rec(i)
		var err error
		if buf, err = appendRecord(buf, &r); err != nil {
			t.Fatal(err)
		}
	}
	path := segName(dir, 1)
	if err := os.WriteFile(path, buf, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// golden compares (or with -update writes) a testdata segment built from
// records 0..n-1 and changed by damage.
func golden(t *testing.T, name string, n int, damage func([]byte) []byte) []byte {
	t.Helper()
	path := filepath.Join("testdata", name)
	tmp := t.TempDir()
	b, err := os.ReadFile(writeSegment(t, tmp, n))
	if err != nil {
		t.Fatal(err)
	}
	b = damage(b)
	if *update {
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, want) {
		t.Fatalf("%s is not what the encoder writes: go test -update", path)
	}
	return want
}

func TestDamagedSegments(t *testing.T) {
	// prefix is the size of records 0..k-1.
	prefix := func(k int) int {
		n := 0
		for i := 0; i < k; i++ {
			n += len(mustEncode(t, i))
		}
		return n
	}
	tests := []struct {
		name          string
		damage        func([]byte) []byte
		wantMessages  int64
		wantTorn      int
		wantCorrupt   int
		wantSetAside  bool
		wantSizeAfter int // the segment's size after Open, when kept
	}{
		{"whole.seg", func(b []byte) []byte { return b }, 5, 0, 0, false, prefix(5)},
		// A crash mid-write: the last record's end never reached the disk.
		{"torn.seg", func(b []byte) []byte { return b[:len(b)-9] }, 4, 1, 0, false, prefix(4)},
		// Only part of the last header was written.
		{"torn-header.seg", func(b []byte) []byte { return b[:prefix(4)+3] }, 4, 1, 0, false, prefix(4)},
		// The last record is whole in length but its bytes are not.
		{"torn-garbage.seg", func(b []byte) []byte { b[len(b)-2] ^= 0xff; return b }, 4, 1, 0, false, prefix(4)},
		// A flipped byte in the second record, with good records after it.
		{"corrupt.seg", func(b []byte) []byte { b[prefix(1)+20] ^= 0x01; return b }, 0, 0, 1, true, 0},
		// A length no record has.
		{"corrupt-length.seg", func(b []byte) []byte { b[prefix(1)+3] = 0x7f; return b }, 0, 0, 1, true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := golden(t, tt.name, 5, func(b []byte) []byte { return tt.damage(bytes.Clone(b)) })
			dir := t.TempDir()
			if err := os.WriteFile(segName(dir, 1), data, 0o600); err != nil {
				t.Fatal(err)
			}
			s, found := open(t, dir, Options{})
			if found.Messages != tt.wantMessages || found.Torn != tt.wantTorn || found.Corrupt != tt.wantCorrupt {
				t.Fatalf("recovered %+v, want %d messages, %d torn, %d corrupt", found, tt.wantMessages, tt.wantTorn, tt.wantCorrupt)
			}
			_, err := os.Stat(segName(dir, 1) + corruptSuffix)
			if aside := err == nil; aside != tt.wantSetAside {
				t.Fatalf("set aside: %v, want %v", aside, tt.wantSetAside)
			}
			if !tt.wantSetAside {
				fi, err := os.Stat(segName(dir, 1))
				if err != nil || fi.Size() != int64(tt.wantSizeAfter) {
					t.Fatalf("segment after Open: %v, %v; want %d bytes", fi, err, tt.wantSizeAfter)
				}
			}
			got, _ := readAll(t, s.Reader())
			if int64(len(got)) != tt.wantMessages {
				t.Fatalf("read %d records, want %d", len(got), tt.wantMessages)
			}
			for i := range got {
				sameRecord(t, got[i], i)
			}
			// Opening again finds the same, without a second cut.
			s.Close()
			_, again := open(t, dir, Options{})
			if again.Messages != tt.wantMessages || again.Torn != 0 || again.Corrupt != 0 {
				t.Fatalf("second open found %+v", again)
			}
		})
	}
}

func mustEncode(t *testing.T, i int) []byte {
	r := rec(i)
	b, err := appendRecord(nil, &r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestCorruptionFoundWhileReadingSetsTheSegmentAside(t *testing.T) {
	dir := t.TempDir()
	s, _ := open(t, dir, Options{SegmentBytes: 300})
	for b := 0; b < 4; b++ {
		appendN(t, s, b*3, 3)
	}
	segs, _ := segments(dir)
	f, err := os.OpenFile(segName(dir, segs[0]), os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt([]byte{0xff}, 30); err != nil {
		t.Fatal(err)
	}
	f.Close()
	got, _ := readAll(t, s.Reader())
	if len(got) == 0 || len(got) >= 12 {
		t.Fatalf("read %d records, want those after the first segment", len(got))
	}
	if st := s.Stats(); st.Corrupt != 1 {
		t.Fatalf("stats %+v, want one corrupt segment", st)
	}
	if _, err := os.Stat(segName(dir, segs[0]) + corruptSuffix); err != nil {
		t.Fatalf("the corrupt segment was not set aside: %v", err)
	}
}

func TestFullSpoolRefusesAndRecovers(t *testing.T) {
	s, _ := open(t, t.TempDir(), Options{MaxBytes: 2000, SegmentBytes: 500})
	var ends []Pos
	var err error
	for i := 0; i < 100 && err == nil; i++ {
		recs := []Record{rec(i)}
		e := make([]Pos, 1)
		if err = s.Append(recs, e); err == nil {
			ends = append(ends, e[0])
		}
	}
	if !errors.Is(err, ErrFull) {
		t.Fatalf("appending past MaxBytes: %v, want ErrFull", err)
	}
	if st := s.Stats(); st.Bytes > 2000 || st.Bytes < 1500 {
		t.Fatalf("a full spool of 2000 bytes holds %d", st.Bytes)
	}
	if err := s.Append([]Record{rec(1000)}, nil); !errors.Is(err, ErrFull) {
		t.Fatalf("still full: %v", err)
	}
	if err := s.Ack(ends[len(ends)-1], int64(len(ends)), 0); err != nil {
		t.Fatal(err)
	}
	if err := s.Append([]Record{rec(1000)}, nil); err != nil {
		t.Fatalf("once acknowledged, the spool takes records again: %v", err)
	}
}

func TestOneBatchLargerThanTheSpoolFitsWhenEmpty(t *testing.T) {
	s, _ := open(t, t.TempDir(), Options{MaxBytes: 100})
	big := rec(0)
	big.Data = bytes.Repeat([]byte("x"), 1000)
	if err := s.Append([]Record{big}, nil); err != nil {
		t.Fatalf("an empty spool takes one batch whatever its size: %v", err)
	}
	if err := s.Append([]Record{rec(1)}, nil); !errors.Is(err, ErrFull) {
		t.Fatalf("then it is full: %v", err)
	}
}

func TestFsyncAppendsAndReopens(t *testing.T) {
	dir := t.TempDir()
	s, _ := open(t, dir, Options{Fsync: true})
	ends := appendN(t, s, 0, 3)
	if err := s.Ack(ends[0], 1, rec(0).At); err != nil {
		t.Fatal(err)
	}
	s.Close()
	_, found := open(t, dir, Options{Fsync: true})
	if found.Messages != 2 {
		t.Fatalf("recovered %+v, want 2", found)
	}
}

var discard = slog.New(slog.DiscardHandler)
