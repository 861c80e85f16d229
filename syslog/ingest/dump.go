package ingest

import (
	"bufio"
	"io"

	"github.com/aiosyslogd/aiosyslogd/syslog"
)

// lineWriter writes messages as RFC 5424 lines through a buffer; the batcher
// flushes it whenever it runs out of input, so a dump is never stale.
// Each line is escaped (syslog.AppendEscaped): a message holding a newline
// or invalid UTF-8 is one line of text, never a forged line of its own.
type lineWriter struct {
	w         *bufio.Writer
	formatted []byte // the message as RFC 5424
	line      []byte // escaped, with its newline
}

func newLineWriter(w io.Writer) *lineWriter {
	return &lineWriter{w: bufio.NewWriterSize(w, 64<<10)}
}

// WriteLine writes m and a newline. Errors are ignored: a closed stdout must
// not stop the server from storing.
func (l *lineWriter) WriteLine(m *syslog.Message) {
	l.formatted = m.AppendRFC5424(l.formatted[:0])
	l.line = syslog.AppendEscaped(l.line[:0], string(l.formatted))
	l.line = append(l.line, '\n')
	l.w.Write(l.line)
}

// Flush writes out what is buffered.
func (l *lineWriter) Flush() { l.w.Flush() }
