package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db/search"
	"github.com/aiosyslogd/aiosyslogd/syslog"
)

// outputFormats are the values of search -o.
var outputFormats = []string{"text", "json", "rfc5424"}

// printer writes events to standard output in one of the -o formats:
// text (here), json (search.Event's JSON form, one object per line) or
// rfc5424 (search.Event's syslog message, formatted).
type printer struct {
	w      *bufio.Writer
	format string
	color  bool             // text: colour by severity
	loc    *time.Location   // text: the zone times are shown in
	at     search.TimeField // text: the time shown (ReceivedAt unless EventTime)
	line   []byte
}

// newPrinter makes a printer of format to w; color and loc are for -o text.
func newPrinter(w io.Writer, format string, color bool, loc *time.Location) (*printer, error) {
	if !slices.Contains(outputFormats, format) {
		return nil, fmt.Errorf("-o %s: want one of %s", format, strings.Join(outputFormats, ", "))
	}
	return &printer{w: bufio.NewWriterSize(w, 64<<10), format: format, color: color, loc: loc}, nil
}

// print writes one event as one line.
func (p *printer) print(e *search.Event) error {
	switch p.format {
	case "json":
		b, err := e.MarshalJSON()
		if err != nil {
			return err
		}
		p.line = append(p.line[:0], b...)
	case "rfc5424":
		m := e.SyslogMessage()
		p.line = m.AppendRFC5424(p.line[:0])
	default:
		p.line = p.appendText(p.line[:0], e)
	}
	p.line = append(p.line, '\n')
	_, err := p.w.Write(p.line)
	return err
}

// Flush writes out what is buffered.
func (p *printer) Flush() error { return p.w.Flush() }

// textTime is how -o text shows a time (ReceivedAt, or the event time of
// search --time event): RFC 3339 with milliseconds.
const textTime = "2006-01-02T15:04:05.000Z07:00"

// severityColors are the ANSI colours of -o text on a terminal, as
// journalctl uses them: emerg to crit bold red, err red, warning yellow,
// notice bold, info plain, debug dim.
var severityColors = [8]string{"\x1b[1;31m", "\x1b[1;31m", "\x1b[1;31m", "\x1b[31m", "\x1b[33m", "\x1b[1m", "", "\x1b[2m"}

const colorReset = "\x1b[0m"

// appendText appends the -o text line of e: TIME HOST TAG[PID] SEVERITY: MESSAGE.
// Control characters from the network (a newline, an escape sequence) are
// written escaped, so that a message is always one line and can never drive
// the terminal.
func (p *printer) appendText(dst []byte, e *search.Event) []byte {
	dst = e.At(p.at).In(p.loc).AppendFormat(dst, textTime)
	dst = append(dst, ' ')
	dst = syslog.AppendEscaped(dst, orDash(e.FromHost))
	dst = append(dst, ' ')
	dst = syslog.AppendEscaped(dst, orDash(e.SysLogTag))
	if e.ProcessID != "" {
		dst = append(dst, '[')
		dst = syslog.AppendEscaped(dst, e.ProcessID)
		dst = append(dst, ']')
	}
	dst = append(dst, ' ')
	sev := e.Severity & 7
	color := p.color && severityColors[sev] != ""
	if color {
		dst = append(dst, severityColors[sev]...)
	}
	dst = append(dst, sev.String()...)
	dst = append(dst, ": "...)
	dst = syslog.AppendEscaped(dst, e.Message)
	if color {
		dst = append(dst, colorReset...)
	}
	return dst
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// isTerminal reports whether f is a terminal (a character device), without a
// dependency: colour is for terminals only.
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
