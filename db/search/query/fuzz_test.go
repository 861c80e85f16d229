package query

import (
	"errors"
	"reflect"
	"testing"
)

// FuzzParse checks that Parse never panics, that its errors are *Error
// with a column inside the query, and that every tree it makes prints as
// a query that parses back to the same tree.
func FuzzParse(f *testing.F) {
	for _, tt := range parseTests {
		if len(tt.q) <= 200 {
			f.Add(tt.q)
		}
	}
	f.Fuzz(func(t *testing.T, q string) {
		n, err := Parse(q)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Column < 1 || e.Column > len(q)+1 {
				t.Fatalf("Parse(%q): bad error %#v", q, err)
			}
			return
		}
		if n == nil {
			return
		}
		s := n.String()
		if len(s) > MaxLen {
			return // names print longer than their numbers (level:0)
		}
		back, err := Parse(s)
		if err != nil {
			t.Fatalf("Parse(%q) = %s, printed %q, which does not parse: %v", q, sexpr(n), s, err)
		}
		if !reflect.DeepEqual(back, n) {
			t.Fatalf("Parse(%q) = %s, printed %q, which parses to %s", q, sexpr(n), s, sexpr(back))
		}
	})
}
