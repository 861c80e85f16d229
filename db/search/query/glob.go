package query

import "strings"

// The results of globMatch, as SQLite's patternCompare returns them.
const (
	globMatch      = iota // the pattern matches
	globNoMatch           // no match here; a later start may match
	globNoWildcard        // no match at any later start either
)

// Glob reports whether s matches the shell pattern, exactly as SQLite's
// `s GLOB pattern` does: case-sensitive; * is any run of characters, ? is
// one character, [...] is one character of a set with ranges (a-z),
// [^...] one not in it, and a ] first in a set is itself; there is no
// escape character. Like SQLite, both strings end at their first NUL, and
// bytes that are not UTF-8 are read as SQLite reads them.
//
// It does not enforce SQLite's limit on the pattern's length (50,000
// bytes by default), beyond which SQLite's GLOB fails instead.
func Glob(pattern, s string) bool {
	if i := strings.IndexByte(pattern, 0); i >= 0 {
		pattern = pattern[:i]
	}
	if i := strings.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	return globCompare(pattern, s) == globMatch
}

// readChar returns the character at s[i], 0 at the end, and where the next
// one starts.
func readChar(s string, i int) (uint32, int) {
	if i >= len(s) {
		return 0, i
	}
	return readUTF8(s, i)
}

// globCompare matches s against p, following patternCompare in SQLite's
// func.c step by step.
func globCompare(p, s string) int {
	pi, si := 0, 0
	for {
		c, next := readChar(p, pi)
		if c == 0 {
			break
		}
		pi = next
		switch c {
		case '*':
			return globStar(p[pi:], s[si:])
		case '[':
			var ok bool
			if pi, si, ok = globSet(p, pi, s, si); !ok {
				return globNoMatch
			}
			continue
		}
		c2, snext := readChar(s, si)
		si = snext
		if c == c2 || (c == '?' && c2 != 0) {
			continue
		}
		return globNoMatch
	}
	if si == len(s) {
		return globMatch
	}
	return globNoMatch
}

// globStar matches s against "*" followed by p.
func globStar(p, s string) int {
	pi, si := 0, 0
	var c uint32
	for {
		c, pi = readChar(p, pi)
		if c != '*' && c != '?' {
			break
		}
		if c == '?' {
			var c2 uint32
			if c2, si = readChar(s, si); c2 == 0 {
				return globNoWildcard
			}
		}
	}
	if c == 0 {
		return globMatch
	}
	if c == '[' {
		return globStarSet(p[pi-1:], s[si:])
	}
	for si < len(s) {
		c2, next := readChar(s, si)
		si = next
		if c2 != c {
			continue
		}
		if r := globCompare(p[pi:], s[si:]); r != globNoMatch {
			return r
		}
	}
	return globNoWildcard
}

// globStarSet matches s against "*" followed by p, which starts with "[".
func globStarSet(p, s string) int {
	for si := 0; si < len(s); {
		if r := globCompare(p, s[si:]); r != globNoMatch {
			return r
		}
		_, si = readChar(s, si)
	}
	return globNoWildcard
}

// globSet matches the character at s[si] against the set that starts at
// p[pi], just past its "[". It returns where pattern and string go on.
func globSet(p string, pi int, s string, si int) (int, int, bool) {
	c, si := readChar(s, si)
	if c == 0 {
		return pi, si, false
	}
	var prior uint32
	seen, invert := false, false
	c2, pi := readChar(p, pi)
	if c2 == '^' {
		invert = true
		c2, pi = readChar(p, pi)
	}
	if c2 == ']' {
		seen = c == ']'
		c2, pi = readChar(p, pi)
	}
	for c2 != 0 && c2 != ']' {
		if c2 == '-' && pi < len(p) && p[pi] != ']' && prior > 0 {
			c2, pi = readChar(p, pi)
			seen = seen || (c >= prior && c <= c2)
			prior = 0
		} else {
			seen = seen || c == c2
			prior = c2
		}
		c2, pi = readChar(p, pi)
	}
	return pi, si, c2 != 0 && seen != invert
}
