package query

// This file cuts text into tokens as SQLite FTS5's unicode61 tokenizer does
// with its default options (categories "L* N* Co", remove_diacritics=1).
// The Unicode tables in unicode61_table.go are generated from the linked
// SQLite itself (TestUnicode61Tables), so they carry its Unicode version
// (6.1) and its quirks: code points unassigned in 6.1 are token characters,
// ß stays ß, and letters with two diacritics keep them.

// maxTokenSize is the length in bytes beyond which FTS5 truncates a token,
// in the index as in a query (FTS5_MAX_TOKEN_SIZE).
const maxTokenSize = 32768

// runeRange is the code points from Lo to Hi inclusive.
type runeRange struct{ Lo, Hi uint32 }

// foldRange maps the code points from Lo to Hi, every Step, to themselves
// plus Delta.
type foldRange struct {
	Lo, Hi uint32
	Step   uint32
	Delta  int32
}

// Tokens returns the tokens of s as SQLite FTS5's unicode61 tokenizer cuts
// them with its default options: runs of letters, digits and private-use
// characters, case-folded, Latin letters stripped of one diacritic.
func Tokens(s string) []string {
	var t tokens
	t.cut(s)
	out := make([]string, t.len())
	for i := range out {
		out[i] = string(t.at(i))
	}
	return out
}

// tokens holds the tokens of one text: their folded bytes one after the
// other in buf, the end of token i at ends[i]. It is reused to cut text
// after text without allocating.
type tokens struct {
	buf  []byte
	ends []int32
}

func (t *tokens) len() int { return len(t.ends) }

// at returns token i; it is valid until the next cut.
func (t *tokens) at(i int) []byte {
	start := int32(0)
	if i > 0 {
		start = t.ends[i-1]
	}
	return t.buf[start:t.ends[i]]
}

// cut replaces the tokens with those of s.
func (t *tokens) cut(s string) {
	t.buf, t.ends = t.buf[:0], t.ends[:0]
	for i := 0; i < len(s); {
		if b := s[i]; b < 0x80 {
			if asciiFold[b] == 0 {
				i++
				continue
			}
		} else if c, next := readUTF8(s, i); classOf(c) != 1 {
			i = next
			continue
		}
		i = t.token(s, i)
	}
}

// token appends the token that starts at s[i], a token character, and
// returns where it ends.
func (t *tokens) token(s string, i int) int {
	begin := len(t.buf)
	for i < len(s) {
		if b := s[i]; b < 0x80 {
			if asciiFold[b] == 0 {
				break
			}
			t.buf = append(t.buf, asciiFold[b])
			i++
			continue
		}
		c, next := readUTF8(s, i)
		if classOf(c) == 0 {
			break
		}
		i = next
		if f := foldRune(c); f != 0 {
			t.buf = writeUTF8(t.buf, f)
		}
	}
	if len(t.buf)-begin > maxTokenSize {
		t.buf = t.buf[:begin+maxTokenSize]
	}
	t.ends = append(t.ends, int32(len(t.buf)))
	return i
}

// asciiFold maps an ASCII token character to its folded form and every
// other ASCII character to 0.
var asciiFold = func() (a [0x80]byte) {
	for c := byte('0'); c <= '9'; c++ {
		a[c] = c
	}
	for c := byte('a'); c <= 'z'; c++ {
		a[c], a[c-32] = c, c
	}
	return a
}()

// classOf returns 1 for a token character, 2 for a combining mark that
// continues a token but does not start one, 0 for a separator.
func classOf(c uint32) uint8 {
	switch {
	case c < 0x80:
		if c-'0' < 10 || (c|0x20)-'a' < 26 {
			return 1
		}
		return 0
	case c > 0x10FFFF:
		return 1 // SQLite's category 0, taken as a token character
	case inRanges(u61Token, c):
		return 1
	case inRanges(u61Diacritic, c):
		return 2
	}
	return 0
}

// foldRune returns the folded form of the token character c, 0 when it is
// dropped (a combining diacritic).
func foldRune(c uint32) uint32 {
	if c < 0x80 {
		if c-'A' < 26 {
			return c + 32
		}
		return c
	}
	if inRanges(u61Diacritic, c) {
		return 0
	}
	lo, hi := 0, len(u61Fold)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if u61Fold[m].Hi < c {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(u61Fold) {
		f := u61Fold[lo]
		if c >= f.Lo && (c-f.Lo)%f.Step == 0 {
			return uint32(int32(c) + f.Delta)
		}
	}
	return c
}

func inRanges(rs []runeRange, c uint32) bool {
	lo, hi := 0, len(rs)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if rs[m].Hi < c {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo < len(rs) && c >= rs[lo].Lo
}

// readUTF8 decodes the character at s[i] as SQLite's READ_UTF8 does: a
// lead byte takes every continuation byte that follows, a stray
// continuation byte is the code point of its value, and an overlong form,
// a surrogate, U+FFFE or U+FFFF becomes U+FFFD.
func readUTF8(s string, i int) (uint32, int) {
	c := uint32(s[i])
	i++
	if c < 0xC0 {
		return c, i
	}
	c = utf8Lead(c)
	for i < len(s) && s[i]&0xC0 == 0x80 {
		c = c<<6 + uint32(s[i]&0x3F)
		i++
	}
	if c < 0x80 || c&0xFFFFF800 == 0xD800 || c&0xFFFFFFFE == 0xFFFE {
		c = 0xFFFD
	}
	return c, i
}

// utf8Lead returns the payload bits of the lead byte b (0xC0 to 0xFF).
func utf8Lead(b uint32) uint32 {
	switch {
	case b < 0xE0:
		return b & 0x1F
	case b < 0xF0:
		return b & 0x0F
	case b < 0xF8:
		return b & 0x07
	case b < 0xFC:
		return b & 0x03
	case b < 0xFE:
		return b & 0x01
	}
	return 0
}

// writeUTF8 appends c as SQLite's WRITE_UTF8 does (four bytes at most, the
// bits above 21 lost).
func writeUTF8(b []byte, c uint32) []byte {
	switch {
	case c < 0x80:
		return append(b, byte(c))
	case c < 0x800:
		return append(b, 0xC0|byte(c>>6&0x1F), 0x80|byte(c&0x3F))
	case c < 0x10000:
		return append(b, 0xE0|byte(c>>12&0x0F), 0x80|byte(c>>6&0x3F), 0x80|byte(c&0x3F))
	}
	return append(b, 0xF0|byte(c>>18&0x07), 0x80|byte(c>>12&0x3F),
		0x80|byte(c>>6&0x3F), 0x80|byte(c&0x3F))
}
