// Package spool keeps received messages on disk between the receivers and
// the store: a directory of segment files of checksummed records, appended
// in batches and read back in arrival order, and an acknowledgement file
// that says how far the store has committed them. A segment is deleted
// once every record in it is committed, so that what a crash leaves is
// exactly what was not stored yet.
//
// The acknowledgement file is written after the store's COMMIT, so a crash
// between the two leaves it one batch behind. A store that keeps the
// position of each batch in the batch's own transaction closes that
// window: Open asks it (Options.Stored, with the spool's identity, ID) and
// reads on from its position when that is further.
//
// One goroutine appends (Append), one reads (Reader), one acknowledges
// (Ack); Stats may be called from any goroutine.
package spool

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ErrFull is returned by Append when the records would take the spool past
// its MaxBytes.
var ErrFull = errors.New("spool full")

// Options says where a spool lives and how large it may grow.
type Options struct {
	Dir      string // created (0700) when missing
	MaxBytes int64  // the segments' total size; 0 = no limit
	// SegmentBytes is the size at which a new segment is begun;
	// 0 = a sixteenth of MaxBytes, between 64 KiB and 64 MiB.
	SegmentBytes int64
	Fsync        bool         // fsync every append and acknowledgement
	Logger       *slog.Logger // nil = slog.Default()
	// Stored, when set, returns where the last batch the store committed
	// from the spool with identity id ends, as the store recorded it in
	// that batch's transaction; false when the store has no position for
	// it. Open reads on from there when it is past the acknowledgement
	// file, which a crash right after a COMMIT leaves behind.
	Stored func(id string) (Pos, bool, error)
}

// Pos is a place in the spool: the end of a record.
type Pos struct {
	Seg uint64 // segment number
	Off int64  // offset in it
}

// Recovered is what Open found left by a previous run.
type Recovered struct {
	Messages int64     // records not yet committed
	Oldest   time.Time // the arrival of the first of them; zero when none
	Torn     int       // torn records at a segment's end, skipped
	Corrupt  int       // segments set aside as corrupt (renamed *.corrupt)
	// Behind is true when the acknowledgement file was behind the store's
	// position (Options.Stored): the records between the two were stored
	// before a crash, and are not counted in Messages nor read again.
	Behind bool
}

// Stats is the state of a spool now.
type Stats struct {
	Bytes    int64     // the segments' size on disk
	MaxBytes int64     // Options.MaxBytes
	Messages int64     // records appended and not yet acknowledged
	Oldest   time.Time // the arrival of the oldest of them (at most one batch off); zero when none
	Corrupt  int       // segments set aside since Open, and by Open
}

// Spool is an open spool directory.
type Spool struct {
	opt     Options
	id      string
	ackFile *os.File

	// appender's own state
	cur     *os.File // the segment appended to
	buf     []byte
	scratch []Pos

	ready chan struct{} // a value after each append, for the reader

	mu       sync.Mutex
	sizes    map[uint64]int64 // every live segment's size
	curSeg   uint64
	ack      Pos
	messages int64
	oldest   int64 // Unix ns; 0 when messages is 0
	corrupt  int
	closed   bool
}

const (
	segSuffix     = ".seg"
	corruptSuffix = ".corrupt"
	ackName       = "committed"
	idName        = "id"
)

func segName(dir string, n uint64) string {
	return filepath.Join(dir, fmt.Sprintf("%020d%s", n, segSuffix))
}

// Open opens the spool in opt.Dir, checks what a previous run left there,
// and returns it with what it found. A torn record at the end of the last
// segment is cut off; a segment with a bad record elsewhere is renamed
// aside; neither is an error.
func Open(opt Options) (*Spool, Recovered, error) {
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	if opt.SegmentBytes <= 0 {
		opt.SegmentBytes = min(max(opt.MaxBytes/16, 64<<10), 64<<20)
		if opt.MaxBytes == 0 {
			opt.SegmentBytes = 64 << 20
		}
	}
	if err := os.MkdirAll(opt.Dir, 0o700); err != nil {
		return nil, Recovered{}, fmt.Errorf("create spool directory: %w", err)
	}
	s := &Spool{opt: opt, sizes: map[uint64]int64{}, ready: make(chan struct{}, 1)}
	var err error
	if s.ackFile, err = os.OpenFile(filepath.Join(opt.Dir, ackName), os.O_RDWR|os.O_CREATE, 0o600); err != nil {
		return nil, Recovered{}, fmt.Errorf("open spool: %w", err)
	}
	if err := lock(s.ackFile); err != nil {
		s.ackFile.Close()
		return nil, Recovered{}, fmt.Errorf("open spool %s: %w", opt.Dir, err)
	}
	s.ack = s.readAck()
	behind, err := s.catchUp()
	if err != nil {
		s.ackFile.Close()
		return nil, Recovered{}, err
	}
	rec, err := s.recover()
	if err != nil {
		s.ackFile.Close()
		return nil, Recovered{}, err
	}
	rec.Behind = behind
	// Never append behind the acknowledged position, even when the
	// segment it names is gone: the reader starts there.
	s.curSeg = max(s.curSeg, s.ack.Seg)
	if err := s.startSegment(s.curSeg + 1); err != nil {
		s.ackFile.Close()
		return nil, Recovered{}, err
	}
	s.mu.Lock()
	s.prune()
	s.mu.Unlock()
	return s, rec, nil
}

// catchUp reads the spool's identity (making one for a new spool) and,
// with Options.Stored, moves the acknowledged position to the store's when
// that is further, and writes it to the acknowledgement file. It reports
// whether it moved.
func (s *Spool) catchUp() (bool, error) {
	var err error
	if s.id, err = readID(s.opt.Dir, s.opt.Fsync); err != nil {
		return false, err
	}
	if s.opt.Stored == nil {
		return false, nil
	}
	pos, ok, err := s.opt.Stored(s.id)
	if err != nil {
		return false, fmt.Errorf("open spool %s: the store's position: %w", s.opt.Dir, err)
	}
	if !ok || !Before(s.ack, pos) {
		return false, nil
	}
	s.opt.Logger.Info("spool: the store had stored past the acknowledgement file (a crash came right after a commit); reading on from the store's position",
		"dir", s.opt.Dir, "file", s.ack, "store", pos)
	s.ack = pos
	if err := s.writeAck(pos); err != nil {
		return false, err
	}
	return true, nil
}

// ID returns the spool's identity: random, made when the spool directory
// was first opened, and kept in its file "id". A store keeps its position
// in a spool under it, so that a new spool (another directory, or this
// one emptied) is never taken for one it has read.
func (s *Spool) ID() string { return s.id }

// Before reports whether a is an earlier place in the spool than b.
func Before(a, b Pos) bool { return a.Seg < b.Seg || a.Seg == b.Seg && a.Off < b.Off }

// readAck reads the acknowledgement file; a missing or damaged one is the
// start of the spool.
func (s *Spool) readAck() Pos {
	var b [20]byte
	n, _ := s.ackFile.ReadAt(b[:], 0)
	if n < len(b) || crc32.Checksum(b[:16], castagnoli) != binary.LittleEndian.Uint32(b[16:]) {
		if n > 0 {
			s.opt.Logger.Warn("spool: the acknowledgement file is damaged; reading every segment from its start", "dir", s.opt.Dir)
		}
		return Pos{}
	}
	return Pos{Seg: binary.LittleEndian.Uint64(b[:]), Off: int64(binary.LittleEndian.Uint64(b[8:]))}
}

// segments lists the segment numbers in dir, in order.
func segments(dir string) ([]uint64, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read spool directory: %w", err)
	}
	var segs []uint64
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), segSuffix)
		if !ok {
			continue
		}
		if n, err := strconv.ParseUint(name, 10, 64); err == nil {
			segs = append(segs, n)
		}
	}
	slices.Sort(segs)
	return segs, nil
}

// recover deletes the segments already committed and checks the others.
func (s *Spool) recover() (Recovered, error) {
	var rec Recovered
	segs, err := segments(s.opt.Dir)
	if err != nil {
		return rec, err
	}
	for i, n := range segs {
		s.curSeg = max(s.curSeg, n)
		path := segName(s.opt.Dir, n)
		if n < s.ack.Seg {
			if err := os.Remove(path); err != nil {
				return rec, fmt.Errorf("remove committed spool segment: %w", err)
			}
			continue
		}
		from := int64(0)
		if n == s.ack.Seg {
			from = s.ack.Off
		}
		res, err := checkSegment(path, from, i == len(segs)-1)
		if err != nil {
			return rec, err
		}
		if res.corrupt != nil {
			rec.Corrupt++
			s.setAside(path, res.corrupt)
			continue
		}
		if res.torn {
			rec.Torn++
			s.opt.Logger.Warn("spool: cut a torn record off the end of a segment", "segment", path, "at", res.size)
		}
		s.sizes[n] = res.size
		rec.Messages += res.messages
		if rec.Oldest.IsZero() && res.messages > 0 {
			rec.Oldest = time.Unix(0, res.first)
		}
	}
	s.messages = rec.Messages
	if !rec.Oldest.IsZero() {
		s.oldest = rec.Oldest.UnixNano()
	}
	s.corrupt = rec.Corrupt
	return rec, nil
}

// setAside renames a corrupt segment out of the spool's way.
func (s *Spool) setAside(path string, why error) {
	s.opt.Logger.Error("spool: corrupt segment set aside; its messages are not stored", "segment", path+corruptSuffix, "error", why)
	if err := os.Rename(path, path+corruptSuffix); err != nil {
		s.opt.Logger.Error("spool: set a corrupt segment aside", "error", err)
	}
}

// startSegment creates segment n and appends to it from now on.
func (s *Spool) startSegment(n uint64) error {
	f, err := os.OpenFile(segName(s.opt.Dir, n), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("create spool segment: %w", err)
	}
	if s.opt.Fsync {
		if err := syncDir(s.opt.Dir); err != nil {
			f.Close()
			return err
		}
	}
	s.cur = f
	s.mu.Lock()
	s.curSeg = n
	s.sizes[n] = 0
	s.mu.Unlock()
	return nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync spool directory: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync spool directory: %w", err)
	}
	return nil
}

// Append writes recs at the end of the spool in one write, and fills
// ends, when it is not nil, with the position of each record's end. It
// returns ErrFull, having written nothing, when they do not fit in
// MaxBytes; on any other error nothing is written either.
func (s *Spool) Append(recs []Record, ends []Pos) error {
	if len(recs) == 0 {
		return nil
	}
	s.buf = s.buf[:0]
	var err error
	offs := s.scratch[:0]
	for i := range recs {
		if s.buf, err = appendRecord(s.buf, &recs[i]); err != nil {
			return fmt.Errorf("spool: %w", err)
		}
		offs = append(offs, Pos{Off: int64(len(s.buf))})
	}
	s.scratch = offs
	if err := s.makeRoom(int64(len(s.buf))); err != nil {
		return err
	}
	s.mu.Lock()
	seg, off := s.curSeg, s.sizes[s.curSeg]
	s.mu.Unlock()
	if _, err := s.cur.WriteAt(s.buf, off); err != nil {
		// Whatever part was written is cut off again.
		_ = s.cur.Truncate(off)
		return fmt.Errorf("append to spool: %w", err)
	}
	if s.opt.Fsync {
		if err := s.cur.Sync(); err != nil {
			_ = s.cur.Truncate(off)
			return fmt.Errorf("sync spool: %w", err)
		}
	}
	for i := range ends {
		ends[i] = Pos{Seg: seg, Off: off + offs[i].Off}
	}
	s.mu.Lock()
	s.sizes[seg] = off + int64(len(s.buf))
	if s.messages == 0 {
		s.oldest = recs[0].At
	}
	s.messages += int64(len(recs))
	s.mu.Unlock()
	select {
	case s.ready <- struct{}{}:
	default:
	}
	return nil
}

// makeRoom begins a new segment when the current one is full, and returns
// ErrFull when n more bytes do not fit in MaxBytes. When everything is
// committed, the current segment is emptied first: one batch always fits
// in an empty spool.
func (s *Spool) makeRoom(n int64) error {
	s.mu.Lock()
	size := s.sizes[s.curSeg]
	allAcked := s.ack == Pos{Seg: s.curSeg, Off: size} && len(s.sizes) == 1
	total := s.total()
	s.mu.Unlock()
	if size > 0 && (size+n > s.opt.SegmentBytes || allAcked && s.opt.MaxBytes > 0 && total+n > s.opt.MaxBytes) {
		if err := s.rotate(); err != nil {
			return err
		}
		s.mu.Lock()
		total = s.total()
		s.mu.Unlock()
	}
	if s.opt.MaxBytes > 0 && total > 0 && total+n > s.opt.MaxBytes {
		return ErrFull
	}
	return nil
}

// rotate closes the current segment and begins the next; the old one goes
// at once when it is all committed.
func (s *Spool) rotate() error {
	if s.opt.Fsync {
		if err := s.cur.Sync(); err != nil {
			return fmt.Errorf("sync spool: %w", err)
		}
	}
	if err := s.cur.Close(); err != nil {
		return fmt.Errorf("close spool segment: %w", err)
	}
	s.mu.Lock()
	old := s.curSeg
	s.mu.Unlock()
	if err := s.startSegment(old + 1); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.prune()
	return nil
}

// total is the size of every live segment; s.mu is held.
func (s *Spool) total() int64 {
	var t int64
	for _, n := range s.sizes {
		t += n
	}
	return t
}

// Ack says that every record up to pos (n records since the last Ack, the
// last of them received at lastAt) is committed to the store: the
// acknowledgement file says so, and the segments wholly committed are
// deleted.
func (s *Spool) Ack(pos Pos, n int64, lastAt int64) error {
	if err := s.writeAck(pos); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ack = pos
	s.messages = max(s.messages-n, 0)
	if s.messages == 0 {
		s.oldest = 0
	} else {
		s.oldest = lastAt
	}
	s.prune()
	return nil
}

// writeAck writes pos to the acknowledgement file.
func (s *Spool) writeAck(pos Pos) error {
	var b [20]byte
	binary.LittleEndian.PutUint64(b[:], pos.Seg)
	binary.LittleEndian.PutUint64(b[8:], uint64(pos.Off))
	binary.LittleEndian.PutUint32(b[16:], crc32.Checksum(b[:16], castagnoli))
	if _, err := s.ackFile.WriteAt(b[:], 0); err != nil {
		return fmt.Errorf("acknowledge spool records: %w", err)
	}
	if s.opt.Fsync {
		if err := s.ackFile.Sync(); err != nil {
			return fmt.Errorf("acknowledge spool records: %w", err)
		}
	}
	return nil
}

// prune deletes the segments before the acknowledged one, and that one
// too once it is complete and wholly committed; s.mu is held.
func (s *Spool) prune() {
	for n, size := range s.sizes {
		if n < s.ack.Seg || n == s.ack.Seg && n != s.curSeg && s.ack.Off >= size {
			if err := os.Remove(segName(s.opt.Dir, n)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				s.opt.Logger.Warn("spool: remove a committed segment", "error", err)
				continue
			}
			delete(s.sizes, n)
		}
	}
}

// Stats returns the spool's state now.
func (s *Spool) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := Stats{Bytes: s.total(), MaxBytes: s.opt.MaxBytes, Messages: s.messages, Corrupt: s.corrupt}
	if s.oldest != 0 {
		st.Oldest = time.Unix(0, s.oldest)
	}
	return st
}

// Close closes the spool's files; what was not acknowledged stays for the
// next Open.
func (s *Spool) Close() error {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	err := errors.Join(s.cur.Close(), s.ackFile.Close())
	if err != nil {
		return fmt.Errorf("close spool: %w", err)
	}
	return nil
}
