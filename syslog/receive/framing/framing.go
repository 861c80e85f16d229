// Package framing splits a syslog byte stream into messages the way
// RFC 6587 frames them, deciding for each frame, as rsyslog's receivers do:
// octet counting ("MSG-LEN SP MSG", RFC 6587 §3.4.1 and RFC 5425 §4.3) when
// the frame starts with a non-zero digit run and a space, and otherwise
// non-transparent framing (§3.4.2): the message ends at LF, CR LF or NUL.
// Senders differ (rsyslog's omfwd and syslog-ng's network() send LF,
// `logger --octet-count` and syslog-ng's syslog() octet counting) and some
// mix both on one connection.
//
// A frame that claims octet counting but is malformed (no SP after the
// digits, a length over the limit) is read as non-transparent, digits
// included, and the stream goes on. No frame is longer than the limit: a
// longer message is cut, and the rest of it skipped.
//
// It knows bytes and frames, nothing of sockets or of syslog's syntax.
package framing

import (
	"bufio"
	"bytes"
	"errors"
	"io"
)

// DefaultMaxSize is the size limit of a Reader made with max 0.
const DefaultMaxSize = 64 << 10

// maxLengthDigits is the longest MSG-LEN read as a length; a longer digit
// run starts a non-transparent frame (no limit comes near 10 digits).
const maxLengthDigits = 10

// Framing is how a frame was delimited.
type Framing uint8

const (
	// NonTransparent frames end at LF (a CR before it is dropped) or NUL.
	NonTransparent Framing = iota
	// OctetCounting frames are MSG-LEN SP MSG.
	OctetCounting
)

// String returns "non-transparent" or "octet-counting".
func (f Framing) String() string {
	if f == OctetCounting {
		return "octet-counting"
	}
	return "non-transparent"
}

// Frame is one message read from a stream.
type Frame struct {
	// Data is the message without its framing. It is the caller's: the
	// Reader never touches it again.
	Data    []byte
	Framing Framing
	// Cut is set when Data is not the whole message: it was longer than
	// the limit (the rest is skipped), or the stream ended inside it (for
	// a non-transparent frame, with an error other than io.EOF).
	Cut bool
	// Fallback is set when the frame started like an octet count but was
	// not one (no SP after the digits, or a length over the limit), and
	// was read as non-transparent, the digits being part of the message.
	Fallback bool
}

// Reader reads frames from a stream. It is not safe for concurrent use.
type Reader struct {
	r    *bufio.Reader
	max  int
	skip bool // the last frame was cut: skip to the next terminator first
}

// NewReader returns a Reader of r whose frames hold at most max bytes
// (0 = DefaultMaxSize). When r is a *bufio.Reader it is read directly;
// otherwise it is wrapped in one.
func NewReader(r io.Reader, max int) *Reader {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReader(r)
	}
	if max <= 0 {
		max = DefaultMaxSize
	}
	return &Reader{r: br, max: max}
}

// Next returns the next non-empty frame. Like io.Reader's Read, it may
// return a frame and an error together: when the stream ends inside a
// frame (io.EOF, a deadline, a reset), the bytes read so far come with the
// error, so that the caller stores them before it stops. A non-transparent
// frame ended by io.EOF is complete (a sender may close without a last LF);
// an octet-counted one is Cut.
func (r *Reader) Next() (Frame, error) {
	if r.skip {
		if err := r.skipFrame(); err != nil {
			return Frame{}, err
		}
	}
	for {
		f, err := r.next()
		if len(f.Data) > 0 || err != nil {
			return f, err
		}
	}
}

// next reads one frame, which may be empty (a lone LF).
func (r *Reader) next() (Frame, error) {
	c, err := r.r.ReadByte()
	if err != nil {
		return Frame{}, err
	}
	if c < '1' || c > '9' {
		r.r.UnreadByte()
		return r.lineFrame(nil, false)
	}
	var digits [maxLengthDigits]byte
	head := append(digits[:0], c)
	n := int(c - '0')
	for {
		if c, err = r.r.ReadByte(); err != nil {
			// The stream ended inside the digits: they are a message.
			f := Frame{Data: bytes.Clone(head[:min(len(head), r.max)]), Fallback: true}
			f.Cut = len(head) > r.max || cutBy(err)
			return f, err
		}
		if c < '0' || c > '9' || len(head) == maxLengthDigits {
			break
		}
		head = append(head, c)
		n = n*10 + int(c-'0')
	}
	if c == ' ' && n <= r.max && len(head) < maxLengthDigits {
		return r.countedFrame(n)
	}
	r.r.UnreadByte() // c starts the rest of the message (or ends it)
	return r.lineFrame(head, true)
}

// cutBy reports whether a stream that ended with err cut the frame it was
// in: io.EOF ends a non-transparent frame, anything else interrupts it.
func cutBy(err error) bool { return !errors.Is(err, io.EOF) }

// countedFrame reads the n bytes of an octet-counted frame.
func (r *Reader) countedFrame(n int) (Frame, error) {
	f := Frame{Framing: OctetCounting}
	if r.r.Buffered() >= n { // the common case: one copy, no growth
		f.Data = make([]byte, n)
		r.r.Read(f.Data) // from the buffer: reads all n
		return f, nil
	}
	f.Data = make([]byte, 0, min(n, r.r.Size()))
	for len(f.Data) < n {
		buf, err := r.buffered()
		if err != nil {
			f.Cut = len(f.Data) > 0
			return f, err
		}
		k := min(len(buf), n-len(f.Data))
		f.Data = append(f.Data, buf[:k]...)
		r.r.Discard(k)
	}
	return f, nil
}

// lineFrame reads a non-transparent frame whose first bytes, already
// read, are prefix.
func (r *Reader) lineFrame(prefix []byte, fallback bool) (Frame, error) {
	f := Frame{Framing: NonTransparent, Fallback: fallback}
	if len(prefix) > r.max { // a limit below 10 bytes
		f.Data, f.Cut, r.skip = bytes.Clone(prefix[:r.max]), true, true
		return f, nil
	}
	f.Data = append(f.Data, prefix...)
	for {
		buf, err := r.buffered()
		if err != nil {
			f.Cut = len(f.Data) > 0 && cutBy(err)
			return f, err
		}
		end := terminator(buf)
		chunk := buf
		if end >= 0 {
			chunk = buf[:end]
		}
		if room := r.max - len(f.Data); len(chunk) > room {
			f.Data = append(f.Data, chunk[:room]...)
			f.Cut = true
			if end >= 0 {
				r.r.Discard(end + 1)
			} else {
				r.r.Discard(len(buf))
				r.skip = true
			}
			return f, nil
		}
		f.Data = append(f.Data, chunk...)
		if end < 0 {
			r.r.Discard(len(buf))
			continue
		}
		if buf[end] == '\n' && len(f.Data) > 0 && f.Data[len(f.Data)-1] == '\r' {
			f.Data = f.Data[:len(f.Data)-1] // CR LF
		}
		r.r.Discard(end + 1)
		return f, nil
	}
}

// skipFrame discards the rest of a cut frame, up to and including its
// terminator.
func (r *Reader) skipFrame() error {
	for {
		buf, err := r.buffered()
		if err != nil {
			return err
		}
		if end := terminator(buf); end >= 0 {
			r.r.Discard(end + 1)
			r.skip = false
			return nil
		}
		r.r.Discard(len(buf))
	}
}

// buffered returns the bytes buffered, reading more when there are none.
func (r *Reader) buffered() ([]byte, error) {
	if r.r.Buffered() == 0 {
		if _, err := r.r.Peek(1); err != nil {
			return nil, err
		}
	}
	return r.r.Peek(r.r.Buffered())
}

// terminator returns the index of the first LF or NUL in b, or -1.
func terminator(b []byte) int {
	lf := bytes.IndexByte(b, '\n')
	before := b
	if lf >= 0 {
		before = b[:lf]
	}
	if nul := bytes.IndexByte(before, 0); nul >= 0 {
		return nul
	}
	return lf
}
