package search

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aiosyslogd/aiosyslogd/db/search/query"
	"github.com/aiosyslogd/aiosyslogd/syslog"
)

// Event is one stored message, with the names of the columns it is stored
// in (rsyslog's classic schema).
type Event struct {
	Table    string // where the store keeps it (for SQLite, its month table)
	ID       int64  // unique within Table, in arrival order
	Facility syslog.Facility
	Severity syslog.Severity // the column rsyslog calls Priority
	FromHost string
	// FromHostIP is the sender's IP address; "" when unknown (stored
	// before the column existed).
	FromHostIP string
	InfoUnitID int64
	ReceivedAt time.Time
	// DeviceReportedTime is the message's own timestamp; zero when it had
	// none.
	DeviceReportedTime time.Time
	SysLogTag          string // APP-NAME or TAG
	ProcessID          string
	MsgID              string
	// StructuredData is STRUCTURED-DATA in RFC 5424 syntax, escapes
	// included; "" when the message had none.
	StructuredData string
	Message        string
	// RawMessage is the message exactly as received, when it was not
	// well-formed syslog or not valid UTF-8; nil otherwise.
	RawMessage []byte
}

// Cursor points to e, for a search that continues after it.
func (e *Event) Cursor() Cursor {
	return Cursor{Table: e.Table, ReceivedAt: e.ReceivedAt, ID: e.ID}
}

// At returns e's time of kind f: ReceivedAt, or for EventTime its
// DeviceReportedTime when it has one.
func (e *Event) At(f TimeField) time.Time {
	if f == EventTime && !e.DeviceReportedTime.IsZero() {
		return e.DeviceReportedTime
	}
	return e.ReceivedAt
}

// CursorBy points to e for a search whose Time is f.
func (e *Event) CursorBy(f TimeField) Cursor {
	return Cursor{Table: e.Table, ReceivedAt: e.At(f), ID: e.ID}
}

// jsonTime is how times are written in JSON: RFC 3339 in UTC with
// microseconds, as precise as they are stored.
const jsonTime = "2006-01-02T15:04:05.000000Z07:00"

// eventJSON is the JSON form of an Event, field by field.
type eventJSON struct {
	Table              string          `json:"Table"`
	ID                 int64           `json:"ID"`
	Facility           int             `json:"Facility"`
	Priority           int             `json:"Priority"`
	FromHost           string          `json:"FromHost"`
	FromHostIP         *string         `json:"FromHostIP"`
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

// MarshalJSON returns e as one JSON object with every column, named as in
// the table, in the table's order but for FromHostIP, which follows
// FromHost (null when unknown): times in RFC 3339 (UTC, microseconds),
// DeviceReportedTime null when absent, the structured data as an object
// (see StructuredDataJSON), RawMessage in base64 or null. <, > and & are
// written as they are; json.Marshal escapes them, an Encoder with
// SetEscapeHTML(false) does not.
func (e Event) MarshalJSON() ([]byte, error) {
	j := eventJSON{
		Table: e.Table, ID: e.ID, Facility: int(e.Facility), Priority: int(e.Severity),
		FromHost: e.FromHost, InfoUnitID: e.InfoUnitID, ReceivedAt: e.ReceivedAt.UTC().Format(jsonTime),
		SysLogTag: e.SysLogTag, ProcessID: e.ProcessID, MsgID: e.MsgID,
		StructuredData: json.RawMessage("null"), Message: e.Message, RawMessage: e.RawMessage,
	}
	if !e.DeviceReportedTime.IsZero() {
		t := e.DeviceReportedTime.UTC().Format(jsonTime)
		j.DeviceReportedTime = &t
	}
	if e.FromHostIP != "" {
		j.FromHostIP = &e.FromHostIP
	}
	if e.StructuredData != "" {
		j.StructuredData = StructuredDataJSON(e.StructuredData)
	}
	return MarshalUnescaped(j)
}

// MarshalUnescaped is json.Marshal without escaping <, > and &: the JSON
// that search -o json prints, and the notifications of alerts.
func MarshalUnescaped(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// StructuredDataJSON turns STRUCTURED-DATA text into a JSON object,
// elements and parameters in the order sent: {"SD-ID": {"PARAM": "value"}}.
// A parameter repeated within an element (RFC 5424 allows it) becomes an
// array of its values, and a repeated element merges into the first. Text
// that does not parse (stored text always should) is given as a JSON string.
func StructuredDataJSON(s string) json.RawMessage {
	sd, err := syslog.ParseStructuredData(s)
	if err != nil {
		return jsonString(s)
	}
	var b bytes.Buffer
	b.WriteByte('{')
	for i, e := range mergeElements(sd) {
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
				v, _ := MarshalUnescaped(p.values)
				b.Write(v)
			}
		}
		b.WriteByte('}')
	}
	b.WriteByte('}')
	return b.Bytes()
}

type sdParam struct {
	name   string
	values []string
}

type sdElement struct {
	id     string
	params []sdParam
}

// mergeElements groups sd by SD-ID and each element's values by name, in
// the order they first occur.
func mergeElements(sd []syslog.SDElement) []sdElement {
	var elems []sdElement
	for _, e := range sd {
		i := slices.IndexFunc(elems, func(x sdElement) bool { return x.id == e.ID })
		if i < 0 {
			elems = append(elems, sdElement{id: e.ID})
			i = len(elems) - 1
		}
		ps := &elems[i].params
		for _, p := range e.Params {
			j := slices.IndexFunc(*ps, func(x sdParam) bool { return x.name == p.Name })
			if j < 0 {
				*ps = append(*ps, sdParam{name: p.Name})
				j = len(*ps) - 1
			}
			(*ps)[j].values = append((*ps)[j].values, p.Value)
		}
	}
	return elems
}

// jsonString is s as a JSON string, with <, > and & as they are.
func jsonString(s string) []byte {
	b, _ := MarshalUnescaped(s) // a string always encodes
	return b
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

// SyslogMessage rebuilds the syslog message of e, to be written as an
// RFC 5424 line (syslog.Message.AppendRFC5424). Its TIMESTAMP is the
// device's own time, or when the message had none, the time it was
// received. Control characters in MSG are escaped as rsyslog does (#012 for
// a line feed), so that every message is one line.
func (e *Event) SyslogMessage() syslog.Message {
	m := syslog.Message{
		Priority:  syslog.NewPriority(e.Facility, e.Severity),
		Timestamp: e.ReceivedAt,
		Hostname:  e.FromHost,
		AppName:   e.SysLogTag,
		ProcID:    e.ProcessID,
		MsgID:     e.MsgID,
		Text:      controlEscapes.Replace(e.Message),
	}
	if !e.DeviceReportedTime.IsZero() {
		m.Timestamp = e.DeviceReportedTime
	}
	if e.StructuredData != "" {
		m.StructuredData, _ = syslog.ParseStructuredData(e.StructuredData)
	}
	return m
}

// Record is what a query reads of e (query.Eval, query.Matcher).
func (e *Event) Record() query.Record {
	return query.Record{Host: e.FromHost, Tag: e.SysLogTag, PID: e.ProcessID, MsgID: e.MsgID,
		IP: e.FromHostIP, StructuredData: e.StructuredData, Message: e.Message,
		Facility: e.Facility, Severity: e.Severity}
}
