package search

import (
	"encoding/json"
	"testing"
	"time"
)

func TestStructuredDataJSON(t *testing.T) {
	tests := []struct{ sd, want string }{
		{`[a x="1"]`, `{"a":{"x":"1"}}`},
		{`[a x="1" y="2"][b@32473 z="3"]`, `{"a":{"x":"1","y":"2"},"b@32473":{"z":"3"}}`},
		{`[a x="1" x="2" y="<&>"]`, `{"a":{"x":["1","2"],"y":"<&>"}}`},
		{`[a x="1"][a x="2" w=""]`, `{"a":{"x":["1","2"],"w":""}}`},
		{`[timeQuality tzKnown="1"][a v="q\"b\\s\]"]`, `{"timeQuality":{"tzKnown":"1"},"a":{"v":"q\"b\\s]"}}`},
		{`[empty]`, `{"empty":{}}`},
		{`[a x="ünï"]`, `{"a":{"x":"ünï"}}`},
		{`not sd`, `"not sd"`},
	}
	for _, tt := range tests {
		got := string(StructuredDataJSON(tt.sd))
		if got != tt.want {
			t.Errorf("StructuredDataJSON(%s) = %s, want %s", tt.sd, got, tt.want)
		}
		if !json.Valid([]byte(got)) {
			t.Errorf("StructuredDataJSON(%s) = %s: not JSON", tt.sd, got)
		}
	}
}

// An event's JSON form is one object with every column in the table's
// order (FromHostIP after FromHost); times in UTC with microseconds; no
// HTML escaping.
func TestEventMarshalJSON(t *testing.T) {
	berlin := time.FixedZone("CET", 3600)
	tests := []struct {
		name string
		e    Event
		want string
	}{
		{"every field", Event{
			Table: "SystemEvents202611", ID: 7, Facility: 4, Severity: 3, FromHost: "web1", FromHostIP: "192.0.2.7", InfoUnitID: 1,
			ReceivedAt:         time.Date(2026, 11, 24, 4, 41, 6, 123456000, berlin),
			DeviceReportedTime: time.Date(2026, 11, 24, 3, 41, 5, 0, time.UTC),
			SysLogTag:          "sshd", ProcessID: "42", MsgID: "AUTH", StructuredData: `[a x="1" x="2"][b y="<&>"]`,
			Message: "<script>alert(1)</script>", RawMessage: []byte{0, 0xff},
		}, `{"Table":"SystemEvents202611","ID":7,"Facility":4,"Priority":3,"FromHost":"web1","FromHostIP":"192.0.2.7","InfoUnitID":1,` +
			`"ReceivedAt":"2026-11-24T03:41:06.123456Z","DeviceReportedTime":"2026-11-24T03:41:05.000000Z",` +
			`"SysLogTag":"sshd","ProcessID":"42","MsgID":"AUTH","StructuredData":{"a":{"x":["1","2"]},"b":{"y":"<&>"}},` +
			`"Message":"<script>alert(1)</script>","RawMessage":"AP8="}`},
		{"no device time, no SD, no raw", Event{Table: "SystemEvents202611", ID: 1, ReceivedAt: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)},
			`{"Table":"SystemEvents202611","ID":1,"Facility":0,"Priority":0,"FromHost":"","FromHostIP":null,"InfoUnitID":0,` +
				`"ReceivedAt":"2026-11-01T00:00:00.000000Z","DeviceReportedTime":null,"SysLogTag":"","ProcessID":"","MsgID":"",` +
				`"StructuredData":null,"Message":"","RawMessage":null}`},
	}
	for _, tt := range tests {
		got, err := tt.e.MarshalJSON()
		if err != nil || string(got) != tt.want {
			t.Errorf("%s: MarshalJSON =\n%s, %v\nwant\n%s", tt.name, got, err, tt.want)
		}
		if !json.Valid(got) {
			t.Errorf("%s: not JSON: %s", tt.name, got)
		}
	}
}

// An event becomes the message it was: the device's time (else the time
// received), its structured data parsed, control characters escaped so
// that its RFC 5424 line is one line.
func TestEventSyslogMessage(t *testing.T) {
	e := Event{Facility: 20, Severity: 5, FromHost: "h", SysLogTag: "app", ProcessID: "9", MsgID: "M",
		ReceivedAt: time.Date(2026, 11, 24, 3, 41, 6, 0, time.UTC), StructuredData: `[ex@32473 k="v\"q"]`,
		Message: "one\ntwo\x1b[0m\ttab"}
	m := e.SyslogMessage()
	want := `<165>1 2026-11-24T03:41:06Z h app 9 M [ex@32473 k="v\"q"] one#012two#033[0m` + "\ttab"
	if got := string(m.AppendRFC5424(nil)); got != want {
		t.Errorf("RFC 5424 line = %q, want %q", got, want)
	}
	e.DeviceReportedTime = time.Date(2026, 11, 24, 3, 40, 0, 0, time.UTC)
	if m := e.SyslogMessage(); !m.Timestamp.Equal(e.DeviceReportedTime) {
		t.Errorf("timestamp = %v, want the device's %v", m.Timestamp, e.DeviceReportedTime)
	}
}

func TestEventAt(t *testing.T) {
	received, device := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC), time.Date(2026, 9, 15, 8, 0, 0, 0, time.UTC)
	tests := []struct {
		e    Event
		f    TimeField
		want time.Time
	}{
		{Event{ReceivedAt: received, DeviceReportedTime: device}, ReceivedTime, received},
		{Event{ReceivedAt: received, DeviceReportedTime: device}, EventTime, device},
		{Event{ReceivedAt: received}, EventTime, received}, // no timestamp: when it was received
	}
	for _, tt := range tests {
		if got := tt.e.At(tt.f); !got.Equal(tt.want) {
			t.Errorf("At(%s) of %+v = %s, want %s", tt.f, tt.e, got, tt.want)
		}
		if c := tt.e.CursorBy(tt.f); !c.ReceivedAt.Equal(tt.want) {
			t.Errorf("CursorBy(%s) = %+v", tt.f, c)
		}
	}
}
