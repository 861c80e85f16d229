package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aiosyslogd/aiosyslogd/db"
	"github.com/aiosyslogd/aiosyslogd/syslog"
)

// outputFormats are the values of search -o.
var outputFormats = []string{"text", "json", "rfc5424"}

// printer writes events to standard output in one of the -o formats.
type printer struct {
	w      *bufio.Writer
	format string
	color  bool           // text: colour by severity
	loc    *time.Location // text: the zone times are shown in
	line   []byte
	json   *json.Encoder
}

// newPrinter makes a printer of format to w; color and loc are for -o text.
func newPrinter(w io.Writer, format string, color bool, loc *time.Location) (*printer, error) {
	p := &printer{w: bufio.NewWriterSize(w, 64<<10), format: format, color: color, loc: loc}
	switch format {
	case "text", "rfc5424":
	case "json":
		p.json = json.NewEncoder(p.w)
		p.json.SetEscapeHTML(false)
	default:
		return nil, fmt.Errorf("-o %s: want one of %s", format, strings.Join(outputFormats, ", "))
	}
	return p, nil
}

// print writes one event as one line.
func (p *printer) print(e db.Event) error {
	switch p.format {
	case "json":
		return p.json.Encode(jsonEvent(e))
	case "rfc5424":
		m := rfc5424Message(e)
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

// textTime is how -o text shows ReceivedAt: RFC 3339 with milliseconds.
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
func (p *printer) appendText(dst []byte, e db.Event) []byte {
	if t, err := db.ParseTime(e.ReceivedAt); err == nil {
		dst = t.In(p.loc).AppendFormat(dst, textTime)
	} else {
		dst = appendEscaped(dst, e.ReceivedAt)
	}
	dst = append(dst, ' ')
	dst = appendEscaped(dst, orDash(e.FromHost))
	dst = append(dst, ' ')
	dst = appendEscaped(dst, orDash(e.SysLogTag))
	if e.ProcessID != "" {
		dst = append(dst, '[')
		dst = appendEscaped(dst, e.ProcessID)
		dst = append(dst, ']')
	}
	dst = append(dst, ' ')
	sev := syslog.Severity(e.Priority & 7)
	color := p.color && severityColors[sev] != ""
	if color {
		dst = append(dst, severityColors[sev]...)
	}
	dst = append(dst, sev.String()...)
	dst = append(dst, ": "...)
	dst = appendEscaped(dst, e.Message)
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

// appendEscaped appends s with control characters (C0, DEL, C1) escaped as
// \n, \r, \t or \xHH, and invalid UTF-8 bytes as \xHH.
func appendEscaped(dst []byte, s string) []byte {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			dst = fmt.Appendf(dst, `\x%02x`, s[i])
		case r == '\n':
			dst = append(dst, `\n`...)
		case r == '\r':
			dst = append(dst, `\r`...)
		case r == '\t':
			dst = append(dst, `\t`...)
		case r < 0x20 || r == 0x7f:
			dst = fmt.Appendf(dst, `\x%02x`, r)
		case r >= 0x80 && r < 0xa0:
			dst = fmt.Appendf(dst, `\u%04x`, r)
		default:
			dst = append(dst, s[i:i+n]...)
		}
		i += n
	}
	return dst
}

// eventJSON is one line of -o json: every stored column, named as in the
// table, and the table it came from. Times are RFC 3339 in UTC; the
// structured data is an object (see sdJSON); RawMessage is base64.
type eventJSON struct {
	Table              string          `json:"Table"`
	ID                 int64           `json:"ID"`
	Facility           int64           `json:"Facility"`
	Priority           int64           `json:"Priority"`
	FromHost           string          `json:"FromHost"`
	InfoUnitID         int64           `json:"InfoUnitID"`
	ReceivedAt         string          `json:"ReceivedAt"`
	DeviceReportedTime *string         `json:"DeviceReportedTime"`
	SysLogTag          string          `json:"SysLogTag"`
	ProcessID          string          `json:"ProcessID"`
	MsgID              string          `json:"MsgID"`
	StructuredData     json.RawMessage `json:"StructuredData"`
	Message            string          `json:"Message"`
	RawMessage         []byte          `json:"RawMessage"`
}

// jsonEvent is the -o json line of e.
func jsonEvent(e db.Event) eventJSON {
	j := eventJSON{
		Table: e.Month.Table(), ID: e.ID, Facility: e.Facility, Priority: e.Priority,
		FromHost: e.FromHost, InfoUnitID: e.InfoUnitID, ReceivedAt: rfc3339(e.ReceivedAt),
		SysLogTag: e.SysLogTag, ProcessID: e.ProcessID, MsgID: e.MsgID,
		StructuredData: json.RawMessage("null"), Message: e.Message, RawMessage: e.RawMessage,
	}
	if e.DeviceReportedTime.Valid {
		t := rfc3339(e.DeviceReportedTime.String)
		j.DeviceReportedTime = &t
	}
	if e.StructuredData.Valid {
		j.StructuredData = sdJSON(e.StructuredData.String)
	}
	return j
}

// rfc3339 turns a stored time into RFC 3339 (UTC, microseconds); a value
// that does not parse is passed on as it is.
func rfc3339(s string) string {
	t, err := db.ParseTime(s)
	if err != nil {
		return s
	}
	return t.Format("2006-01-02T15:04:05.000000Z07:00")
}

// parseStructuredData parses stored STRUCTURED-DATA text with the strict
// RFC 5424 parser, as the SD field of an otherwise empty message.
func parseStructuredData(s string) ([]syslog.SDElement, bool) {
	m, err := syslog.ParseRFC5424([]byte("<0>1 - - - - - " + s))
	if err != nil || m.Text != "" {
		return nil, false
	}
	return m.StructuredData, true
}

// sdJSON turns stored STRUCTURED-DATA text into a JSON object, elements and
// parameters in the order sent: {"SD-ID": {"PARAM": "value"}}. A parameter
// repeated within an element (allowed by RFC 5424) becomes an array of its
// values, and a repeated element merges into the first. Text that does not
// parse (it always should) is given as a JSON string.
func sdJSON(s string) json.RawMessage {
	sd, ok := parseStructuredData(s)
	if !ok {
		return jsonString(s)
	}
	type param struct {
		name   string
		values []string
	}
	type element struct {
		id     string
		params []param
	}
	var elems []element
	for _, e := range sd {
		i := slices.IndexFunc(elems, func(x element) bool { return x.id == e.ID })
		if i < 0 {
			elems = append(elems, element{id: e.ID})
			i = len(elems) - 1
		}
		for _, p := range e.Params {
			ps := &elems[i].params
			j := slices.IndexFunc(*ps, func(x param) bool { return x.name == p.Name })
			if j < 0 {
				*ps = append(*ps, param{name: p.Name})
				j = len(*ps) - 1
			}
			(*ps)[j].values = append((*ps)[j].values, p.Value)
		}
	}
	var b bytes.Buffer
	b.WriteByte('{')
	for i, e := range elems {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(jsonString(e.id))
		b.WriteString(":{")
		for j, p := range e.params {
			if j > 0 {
				b.WriteByte(',')
			}
			b.Write(jsonString(p.name))
			b.WriteByte(':')
			if len(p.values) == 1 {
				b.Write(jsonString(p.values[0]))
			} else {
				v, _ := json.Marshal(p.values)
				b.Write(v)
			}
		}
		b.WriteByte('}')
	}
	b.WriteByte('}')
	return b.Bytes()
}

// jsonString is s as a JSON string, with <, > and & as they are.
func jsonString(s string) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(s) // a string always encodes
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

// controlEscapes writes the control characters of a message as rsyslog
// does (#ooo, octal), except the tab: a line break would split the line,
// and an escape sequence would drive the terminal it is printed on.
var controlEscapes = func() *strings.Replacer {
	var pairs []string
	for c := range 0x20 {
		if c != '\t' {
			pairs = append(pairs, string(rune(c)), fmt.Sprintf("#%03o", c))
		}
	}
	return strings.NewReplacer(append(pairs, "\x7f", "#177")...)
}()

// rfc5424Message rebuilds the message of a stored event for -o rfc5424. Its
// TIMESTAMP is the device's own time, or when the message had none, the
// time it was received. Control characters in MSG are escaped (see
// controlEscapes), so that every message is one line.
func rfc5424Message(e db.Event) syslog.Message {
	m := syslog.Message{
		Priority: syslog.NewPriority(syslog.Facility(e.Facility), syslog.Severity(e.Priority)),
		Hostname: e.FromHost,
		AppName:  e.SysLogTag,
		ProcID:   e.ProcessID,
		MsgID:    e.MsgID,
		Text:     controlEscapes.Replace(e.Message),
	}
	when := e.ReceivedAt
	if e.DeviceReportedTime.Valid {
		when = e.DeviceReportedTime.String
	}
	if t, err := db.ParseTime(when); err == nil {
		m.Timestamp = t
	}
	if e.StructuredData.Valid {
		m.StructuredData, _ = parseStructuredData(e.StructuredData.String)
	}
	return m
}

// isTerminal reports whether f is a terminal (a character device), without a
// dependency: colour is for terminals only.
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
