package syslog

import (
	"errors"
	"reflect"
	"testing"
)

// Every STRUCTURED-DATA that the strict parser reads in a whole message
// reads the same on its own, once written back as AppendStructuredData
// writes it (the form a store keeps).
func TestParseStructuredDataRoundTrip(t *testing.T) {
	for _, tt := range rfc5424Valid {
		m, err := ParseRFC5424([]byte(tt.in))
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		text := string(AppendStructuredData(nil, m.StructuredData))
		got, err := ParseStructuredData(text)
		if err != nil {
			t.Errorf("%s: ParseStructuredData(%q): %v", tt.name, text, err)
			continue
		}
		if !reflect.DeepEqual(got, m.StructuredData) {
			t.Errorf("%s: ParseStructuredData(%q) = %#v, want %#v", tt.name, text, got, m.StructuredData)
		}
	}
}

func TestParseStructuredData(t *testing.T) {
	tests := []struct {
		in      string
		want    []SDElement
		wantCol int // 0: no error
	}{
		{in: "-", want: nil},
		{in: `[a@1 k="v"]`, want: []SDElement{{ID: "a@1", Params: []SDParam{{"k", "v"}}}}},
		{in: `[a][b x="\"\\\]"]`, want: []SDElement{{ID: "a"}, {ID: "b", Params: []SDParam{{"x", `"\]`}}}}},
		{in: "", wantCol: 1},
		{in: "- ", wantCol: 2},
		{in: `[a] [b]`, wantCol: 4},
		{in: `[a k="v"`, wantCol: 9},
		{in: `[a k=v]`, wantCol: 6},
		{in: `x`, wantCol: 1},
	}
	for _, tt := range tests {
		got, err := ParseStructuredData(tt.in)
		if tt.wantCol == 0 {
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseStructuredData(%q) = %#v, %v; want %#v", tt.in, got, err, tt.want)
			}
			continue
		}
		var perr *ParseError
		if !errors.As(err, &perr) || perr.Column != tt.wantCol {
			t.Errorf("ParseStructuredData(%q) error = %v, want one at column %d", tt.in, err, tt.wantCol)
		}
	}
}
