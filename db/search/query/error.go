package query

import "fmt"

// Error is a query that does not parse: what is wrong, where, and what
// would be right.
type Error struct {
	// Column is where the problem starts: 1 for the first character, in
	// characters (runes), not bytes.
	Column int
	// What says what is wrong: `unknown field "hots"`.
	What string
	// Hint, when not empty, says what was expected:
	// "fields are host, tag, …".
	Hint string
}

// Error reads `unknown field "hots" at column 1; fields are host, tag, …`.
func (e *Error) Error() string {
	s := fmt.Sprintf("%s at column %d", e.What, e.Column)
	if e.Hint != "" {
		s += "; " + e.Hint
	}
	return s
}
