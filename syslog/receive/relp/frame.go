// Package relp is the server side of RELP, the Reliable Event Logging
// Protocol of rsyslog (omrelp/imrelp, as librelp speaks it): its frames,
// the offers of its open command, and a Session that checks what a client
// sends and says what to answer. A message is acknowledged (rsp 200) only
// when the caller says it is safe; until then the client keeps it and
// sends it again on a new session if this one breaks.
//
// It knows bytes and frames, nothing of sockets or of storage.
package relp

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"strconv"
)

// Limits of the frame syntax, as librelp enforces them.
const (
	MaxTxnr       = 999999999 // transaction numbers run 1…MaxTxnr, then wrap to 1
	maxDigits     = 9         // of TXNR and DATALEN
	maxCommandLen = 32
)

// Frame is one RELP frame: TXNR SP COMMAND SP DATALEN [SP DATA] LF.
type Frame struct {
	Txnr    int
	Command string
	Data    []byte // the caller's; nil when DATALEN is 0
	// Cut is set when DATA was longer than the Reader's limit: Data holds
	// its first bytes, the rest was skipped.
	Cut bool
}

// FrameError is a malformed frame. The session cannot go on: the server
// answers rsp 500 and closes it.
type FrameError struct {
	Txnr   int // the frame's TXNR if it was read, else 0
	Reason string
}

// Error returns "malformed RELP frame: REASON".
func (e *FrameError) Error() string { return "malformed RELP frame: " + e.Reason }

// Reader reads frames from a stream. It is not safe for concurrent use.
type Reader struct {
	r   *bufio.Reader
	max int
}

// NewReader returns a Reader of r whose frames keep at most maxData bytes
// of DATA (0 = no limit but DATALEN's nine digits).
func NewReader(r *bufio.Reader, maxData int) *Reader {
	return &Reader{r: r, max: cmp.Or(max(maxData, 0), MaxTxnr)}
}

// Next reads the next frame. A malformed frame is a *FrameError; any other
// error is the stream's (io.EOF at a frame boundary is a clean end,
// io.ErrUnexpectedEOF inside one).
func (r *Reader) Next() (Frame, error) {
	var f Frame
	var err error
	if f.Txnr, err = r.number("TXNR", true); err != nil {
		return f, err
	}
	if f.Command, err = r.command(f.Txnr); err != nil {
		return f, err
	}
	n, err := r.number("DATALEN", false)
	if err != nil {
		return f, withTxnr(err, f.Txnr)
	}
	if n > 0 {
		if f.Data, f.Cut, err = r.data(n); err != nil {
			return f, err
		}
	}
	if c, err := r.r.ReadByte(); err != nil {
		return f, unexpected(err)
	} else if c != '\n' {
		return f, &FrameError{Txnr: f.Txnr, Reason: fmt.Sprintf("%q where the frame should end with LF", c)}
	}
	return f, nil
}

// number reads 1 to 9 digits and the byte after them, which must be SP
// (for TXNR; for DATALEN, SP or, when the length is 0, the LF that ends
// the frame, which is then left unread).
func (r *Reader) number(what string, first bool) (int, error) {
	n, digits := 0, 0
	for {
		c, err := r.r.ReadByte()
		switch {
		case err != nil && first && digits == 0:
			return 0, err // the stream ended between frames
		case err != nil:
			return 0, unexpected(err)
		case '0' <= c && c <= '9' && digits < maxDigits:
			n, digits = n*10+int(c-'0'), digits+1
			continue
		case digits == 0:
			return 0, &FrameError{Reason: fmt.Sprintf("%q where %s should start", c, what)}
		case c == ' ':
			return n, nil
		case c == '\n' && what == "DATALEN" && n == 0:
			r.r.UnreadByte()
			return 0, nil
		}
		return 0, &FrameError{Reason: fmt.Sprintf("%q after the %d digits of %s", c, digits, what)}
	}
}

// command reads 1 to 32 letters and the SP after them.
func (r *Reader) command(txnr int) (string, error) {
	var buf [maxCommandLen]byte
	cmd := buf[:0]
	for {
		c, err := r.r.ReadByte()
		switch {
		case err != nil:
			return "", unexpected(err)
		case ('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') && len(cmd) < maxCommandLen:
			cmd = append(cmd, c)
			continue
		case c == ' ' && len(cmd) > 0:
			return string(cmd), nil
		}
		return "", &FrameError{Txnr: txnr, Reason: fmt.Sprintf("%q in or after COMMAND %q", c, cmd)}
	}
}

// data reads n bytes of DATA, keeping at most the Reader's limit.
func (r *Reader) data(n int) ([]byte, bool, error) {
	keep := min(n, r.max)
	data := make([]byte, keep)
	if _, err := io.ReadFull(r.r, data); err != nil {
		return nil, false, unexpected(err)
	}
	if _, err := r.r.Discard(n - keep); err != nil {
		return nil, false, unexpected(err)
	}
	return data, n > keep, nil
}

// unexpected turns io.EOF inside a frame into io.ErrUnexpectedEOF.
func unexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

func withTxnr(err error, txnr int) error {
	if fe, ok := err.(*FrameError); ok {
		fe.Txnr = txnr
	}
	return err
}

// AppendFrame appends the frame TXNR SP COMMAND SP DATALEN [SP DATA] LF.
func AppendFrame(dst []byte, txnr int, command string, data []byte) []byte {
	dst = strconv.AppendInt(dst, int64(txnr), 10)
	dst = append(dst, ' ')
	dst = append(dst, command...)
	dst = append(dst, ' ')
	dst = strconv.AppendInt(dst, int64(len(data)), 10)
	if len(data) > 0 {
		dst = append(dst, ' ')
		dst = append(dst, data...)
	}
	return append(dst, '\n')
}

// AppendOK appends the response that acknowledges frame txnr: rsp 200 OK.
func AppendOK(dst []byte, txnr int) []byte {
	return AppendFrame(dst, txnr, "rsp", okText)
}

var okText = []byte("200 OK")

// AppendError appends an error response to frame txnr: rsp 500 text.
func AppendError(dst []byte, txnr int, text string) []byte {
	return AppendFrame(dst, txnr, "rsp", append([]byte("500 "), text...))
}

// ServerClose is the hint a server sends before it closes a session.
var ServerClose = AppendFrame(nil, 0, "serverclose", nil)

// NextTxnr returns the transaction number that follows txnr.
func NextTxnr(txnr int) int {
	if txnr >= MaxTxnr {
		return 1
	}
	return txnr + 1
}
