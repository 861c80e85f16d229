package spool

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
)

// Reader reads a spool's records in the order they were appended, from the
// first one not acknowledged when the spool was opened.
type Reader struct {
	s    *Spool
	seg  uint64
	off  int64
	f    *os.File
	br   *bufio.Reader
	head [headerSize]byte
}

// Reader returns the spool's reader. There is one per Open: call it once.
func (s *Spool) Reader() *Reader {
	s.mu.Lock()
	defer s.mu.Unlock()
	return &Reader{s: s, seg: s.ack.Seg, off: s.ack.Off}
}

// Ready has a value after records are appended: wait on it when Next
// returns false.
func (r *Reader) Ready() <-chan struct{} { return r.s.ready }

// Next returns the next record and the position of its end; false when
// every record appended so far has been read. A corrupt segment is set
// aside and counted, and the reader goes on with the next one. The
// record's Data is the caller's.
func (r *Reader) Next() (Record, Pos, bool, error) {
	for {
		limit, ok, err := r.position()
		if err != nil || !ok {
			return Record{}, Pos{}, false, err
		}
		if r.off >= limit {
			if !r.nextSegment() {
				return Record{}, Pos{}, false, nil
			}
			continue
		}
		rec, err := r.read(limit)
		if errors.Is(err, errCorrupt) {
			r.corrupt(err)
			continue
		}
		if err != nil {
			return Record{}, Pos{}, false, err
		}
		return rec, Pos{Seg: r.seg, Off: r.off}, true, nil
	}
}

// position opens the reader's segment when needed and returns how far it
// may read in it; false when there is no segment to read.
func (r *Reader) position() (int64, bool, error) {
	r.s.mu.Lock()
	limit, live := r.s.sizes[r.seg]
	r.s.mu.Unlock()
	for !live {
		if !r.nextSegment() {
			return 0, false, nil
		}
		r.s.mu.Lock()
		limit, live = r.s.sizes[r.seg]
		r.s.mu.Unlock()
	}
	if r.f == nil {
		f, err := os.Open(segName(r.s.opt.Dir, r.seg))
		if err != nil {
			return 0, false, fmt.Errorf("open spool segment: %w", err)
		}
		if _, err := f.Seek(r.off, io.SeekStart); err != nil {
			f.Close()
			return 0, false, fmt.Errorf("seek spool segment: %w", err)
		}
		r.f = f
		if r.br == nil {
			r.br = bufio.NewReaderSize(f, 1<<20)
		} else {
			r.br.Reset(f)
		}
	}
	return limit, true, nil
}

// nextSegment moves to the segment after the one read to its end, if the
// appender has moved past it.
func (r *Reader) nextSegment() bool {
	r.s.mu.Lock()
	cur := r.s.curSeg
	next := cur
	for n := range r.s.sizes {
		if n > r.seg && n < next {
			next = n
		}
	}
	r.s.mu.Unlock()
	if r.seg >= cur {
		return false
	}
	r.skipTo(next)
	return true
}

func (r *Reader) skipTo(seg uint64) {
	r.closeFile()
	r.seg, r.off = seg, 0
}

func (r *Reader) closeFile() {
	if r.f != nil {
		r.f.Close()
		r.f = nil
	}
}

// read reads the record at r.off, which ends before limit.
func (r *Reader) read(limit int64) (Record, error) {
	if limit-r.off < headerSize {
		return Record{}, fmt.Errorf("%w: header cut short", errCorrupt)
	}
	if _, err := io.ReadFull(r.br, r.head[:]); err != nil {
		return Record{}, readError(err)
	}
	n, err := bodyLen(r.head[:])
	if err != nil {
		return Record{}, err
	}
	if limit-r.off-headerSize < int64(n) {
		return Record{}, fmt.Errorf("%w: body cut short", errCorrupt)
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(r.br, body); err != nil {
		return Record{}, readError(err)
	}
	rec, err := decodeBody(r.head[:], body)
	if err != nil {
		return Record{}, err
	}
	r.off += headerSize + int64(n)
	return rec, nil
}

// corrupt sets the segment being read aside and moves to the next one.
func (r *Reader) corrupt(why error) {
	s := r.s
	path := segName(s.opt.Dir, r.seg)
	r.closeFile()
	s.mu.Lock()
	s.corrupt++
	isCur := r.seg == s.curSeg
	if !isCur {
		delete(s.sizes, r.seg)
	}
	s.mu.Unlock()
	if isCur {
		// The appender's own segment: it cannot go while being written;
		// the reader skips what is left of it as it stands.
		s.opt.Logger.Error("spool: corrupt record in the segment being written; skipping the rest of it", "segment", path, "error", why)
		s.mu.Lock()
		r.off = s.sizes[r.seg]
		s.mu.Unlock()
		return
	}
	s.setAside(path, why)
	r.nextSegment()
}

// Close closes the reader's file.
func (r *Reader) Close() { r.closeFile() }

// readError is a failed read: a file shorter than the spool wrote is
// corrupt.
func readError(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%w: segment shorter than written", errCorrupt)
	}
	return fmt.Errorf("read spool: %w", err)
}
