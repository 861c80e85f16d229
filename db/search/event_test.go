package search

import (
	"encoding/json"
	"testing"
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
