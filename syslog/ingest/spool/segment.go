package spool

import (
	"bufio"
	"fmt"
	"io"
	"os"
)

// checked is what checkSegment found in a segment.
type checked struct {
	size     int64 // the bytes of whole, valid records (after a torn one is cut)
	messages int64 // records from the offset asked for
	first    int64 // the arrival of the first of them
	torn     bool  // a torn record was cut off the end
	corrupt  error // set when the segment is corrupt
}

// checkSegment reads every record of the segment at path. In the last
// segment (the one a crash may have interrupted), a record that ends at
// or past the end of the file and does not check is torn: it is cut off.
// Any other bad record makes the segment corrupt.
func checkSegment(path string, from int64, last bool) (checked, error) {
	var res checked
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return res, fmt.Errorf("open spool segment: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return res, fmt.Errorf("open spool segment: %w", err)
	}
	end, n, first, bad := scan(bufio.NewReaderSize(f, 1<<20), fi.Size(), from)
	res.size, res.messages, res.first = end, n, first
	switch {
	case bad == nil:
	case last && tornAt(f, end, fi.Size()):
		if err := f.Truncate(end); err != nil {
			return res, fmt.Errorf("cut a torn record off %s: %w", path, err)
		}
		res.torn = true
	default:
		res.corrupt = bad
	}
	return res, nil
}

// tornAt reports whether the bad record at end of a file of size bytes
// reaches the end of the file: what a write cut short leaves.
func tornAt(f *os.File, end, size int64) bool {
	var h [headerSize]byte
	if size-end < headerSize {
		return true
	}
	if _, err := f.ReadAt(h[:], end); err != nil {
		return true
	}
	n, err := bodyLen(h[:])
	return err != nil && size-end <= headerSize || err == nil && end+headerSize+int64(n) >= size
}

// scan reads the records of a segment of size bytes from r: the end of the
// last valid one, how many start at or after from, the arrival of the
// first of those, and why reading stopped before size (nil when it did
// not).
func scan(r io.Reader, size, from int64) (end, n, first int64, bad error) {
	var h [headerSize]byte
	var body []byte
	for end < size {
		if _, err := io.ReadFull(r, h[:]); err != nil {
			return end, n, first, fmt.Errorf("%w: header cut short", errCorrupt)
		}
		bl, err := bodyLen(h[:])
		if err != nil {
			return end, n, first, err
		}
		if cap(body) < bl {
			body = make([]byte, bl)
		}
		body = body[:bl]
		if _, err := io.ReadFull(r, body); err != nil {
			return end, n, first, fmt.Errorf("%w: body cut short", errCorrupt)
		}
		rec, err := decodeBody(h[:], body)
		if err != nil {
			return end, n, first, err
		}
		if end >= from {
			if n == 0 {
				first = rec.At
			}
			n++
		}
		end += headerSize + int64(bl)
	}
	return end, n, first, nil
}

// far has been read.
