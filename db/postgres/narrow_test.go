package postgres

import (
	"fmt"
	"testing"
)

// anyMatch says a month may match when a value matches the pattern, or
// when the month holds more values than narrow reads (the rest unseen).
func TestAnyMatch(t *testing.T) {
	many := make([]string, maxMonthValues+1)
	for i := range many {
		many[i] = fmt.Sprintf("host-%05d", i)
	}
	for _, tc := range []struct {
		name    string
		pattern string
		values  []string
		want    bool
	}{
		{"a prefix that matches", "web1*", []string{"db1", "web10"}, true},
		{"a prefix that matches nothing", "web1*", []string{"db1", "web-1", "web2"}, false},
		{"a class", "[dm]*1", []string{"mail1"}, true},
		{"no values", "web*", nil, false},
		{"more values than read", "web*", many, true},
		{"all the values read, none matches", "web*", many[:maxMonthValues], false},
	} {
		if got := anyMatch(tc.pattern, tc.values); got != tc.want {
			t.Errorf("%s: anyMatch(%q) = %v, want %v", tc.name, tc.pattern, got, tc.want)
		}
	}
}

// Only a host or tag with a wildcard is narrowed: an exact one is said
// by the statement, through the index.
func TestPattern(t *testing.T) {
	for p, want := range map[string]bool{"": false, "web1": false, "web1*": true, "web?": true, "[dm]x": true} {
		if got := pattern(p); got != want {
			t.Errorf("pattern(%q) = %v, want %v", p, got, want)
		}
	}
}
