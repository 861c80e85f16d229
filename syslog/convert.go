package syslog

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"time"
)

// Converter rewrites a stream of syslog lines as RFC 5424, one output line
// per input line. The zero value converts like Parser's zero value.
//
// Each input line, without its "\n" and any "\r" before it, is converted
// thus:
//   - A line that ParseRFC5424 accepts is written unchanged.
//   - A line that is not syslog at all — it has no valid PRI and no RFC 3164
//     timestamp header that the Parser recognises — is written as
//     "<13>1 NOW - - - - - LINE", NOW being the time of conversion in UTC.
//   - Any other line (RFC 3164, or RFC 5424 that the strict parser rejects)
//     is parsed as Parser.Parse does and written with
//     Message.AppendRFC5424, which documents how fields that RFC 5424
//     cannot hold are sanitised. A syslog line without a timestamp (a PRI
//     and text only) gets the NILVALUE "-", not the time of conversion.
//
// In Strict mode, lines that are not syslog at all and RFC 5424 lines that
// the strict parser rejects are not written: each is passed to Reject and
// Convert returns an error wrapping ErrRejected at the end.
//
// Memory is bounded by the longest line; lines of any length are converted.
// Output is flushed whenever the input has no more data buffered (so a pipe
// sees each line as soon as it is converted) and at the end of the input.
type Converter struct {
	Parser Parser
	Strict bool
	// Now stamps lines that are not syslog; nil means time.Now.
	Now func() time.Time
	// Reject is told about each line refused in Strict mode: its number
	// (from 1) and why; nil ignores them.
	Reject func(line int, err error)
}

// ErrRejected is wrapped by the error of Converter.Convert when Strict mode
// refused lines.
var ErrRejected = errors.New("lines rejected")

// errNotSyslog is the reason a line that is not syslog at all is rejected.
var errNotSyslog = errors.New("not syslog: no PRI and no RFC 3164 timestamp")

// Convert reads lines from r and writes their RFC 5424 conversion to w. It
// stops at the end of r, at the first read or write error, or when ctx is
// done (checked between lines).
func (c *Converter) Convert(ctx context.Context, r io.Reader, w io.Writer) error {
	br := bufio.NewReaderSize(r, 64<<10)
	bw := bufio.NewWriterSize(w, 64<<10)
	var (
		line     []byte // the current line when it spans several buffers
		out      []byte
		n        int
		rejected int
	)
	for {
		if err := ctx.Err(); err != nil {
			return errors.Join(err, bw.Flush())
		}
		if br.Buffered() == 0 {
			if err := bw.Flush(); err != nil {
				return fmt.Errorf("write: %w", err)
			}
		}
		b, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			line = append(line, b...)
			continue
		}
		if err != nil && err != io.EOF {
			return errors.Join(fmt.Errorf("read line %d: %w", n+1, err), bw.Flush())
		}
		if len(line) > 0 {
			b = append(line, b...)
			line = b[:0]
		}
		if len(b) == 0 && err == io.EOF {
			break
		}
		n++
		out, err = c.convertLine(out[:0], trimEOL(b))
		if err != nil {
			rejected++
			if c.Reject != nil {
				// Flush first, so that on a terminal the report
				// follows the lines before it.
				if err := bw.Flush(); err != nil {
					return fmt.Errorf("write: %w", err)
				}
				c.Reject(n, err)
			}
		} else if _, err := bw.Write(out); err != nil {
			return fmt.Errorf("write: %w", err)
		}
		if len(b) == 0 || b[len(b)-1] != '\n' {
			break
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	if rejected > 0 {
		return fmt.Errorf("%d of %d %w", rejected, n, ErrRejected)
	}
	return nil
}

// convertLine appends the conversion of one line and a newline to dst; in
// Strict mode it returns an error instead for lines it refuses.
func (c *Converter) convertLine(dst, line []byte) ([]byte, error) {
	s := string(line)
	var m Message
	f, perr := c.Parser.parse(s, &m)
	switch {
	case f == formRFC5424 && perr == nil:
		dst = append(dst, line...)
	case c.Strict && f == formRFC5424:
		return dst, perr
	case f == formNone:
		if c.Strict {
			return dst, errNotSyslog
		}
		now := time.Now
		if c.Now != nil {
			now = c.Now
		}
		m = Message{Priority: DefaultPriority, Timestamp: now().UTC(), Text: s}
		dst = m.AppendRFC5424(dst)
	default:
		dst = m.AppendRFC5424(dst)
	}
	return append(dst, '\n'), nil
}

// trimEOL removes a trailing "\n" and the "\r"s before it, so that no output
// line ends with a "\r" that a reader would take for a CRLF line end.
func trimEOL(b []byte) []byte {
	if len(b) > 0 && b[len(b)-1] == '\n' {
		b = b[:len(b)-1]
	}
	for len(b) > 0 && b[len(b)-1] == '\r' {
		b = b[:len(b)-1]
	}
	return b
}
