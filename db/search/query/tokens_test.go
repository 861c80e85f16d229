package query_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/aiosyslogd/aiosyslogd/db/search/query"
)

func TestTokens(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"  ,;  ", nil},
		{"Link DOWN", []string{"link", "down"}},
		{"203.0.113.66", []string{"203", "0", "113", "66"}},
		{"user=bob", []string{"user", "bob"}},
		{`C:\temp`, []string{"c", "temp"}},
		{"GigabitEthernet1/0/1", []string{"gigabitethernet1", "0", "1"}},
		{"%LINK-3-UPDOWN", []string{"link", "3", "updown"}},
		{"_underscore_", []string{"underscore"}},
		{"don't", []string{"don", "t"}},
		{"Grüße", []string{"gruße"}},
		{"ÉCOLE naïve", []string{"ecole", "naive"}},
		{"Ǖ", []string{"ǖ"}}, // two diacritics: remove_diacritics=1 keeps them
		{"e\u0301te", []string{"ete"}},
		{"\u0301e", []string{"e"}},
		{"ΑΘΗΝΑ Москва", []string{"αθηνα", "москва"}},
		{"東京タワー", []string{"東京タワー"}},
		{"a😀b", []string{"a", "b"}},
		{"a🦀b", []string{"a🦀b"}}, // unassigned in Unicode 6.1, so a token character
		{"a\u00a0b\u202ec\td", []string{"a", "b", "c", "d"}},
		{"\uE000x", []string{"\uE000x"}},
		{"a\x80b", []string{"a", "b"}},
		{"\xc3\xa9\xff", []string{"e"}},
	}
	for _, tt := range tests {
		if got := query.Tokens(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("Tokens(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTokensLong(t *testing.T) {
	got := query.Tokens(strings.Repeat("A", 40000) + " b")
	if len(got) != 2 || len(got[0]) != 32768 || got[1] != "b" {
		t.Errorf("got %d tokens, the first %d bytes", len(got), len(got[0]))
	}
}
