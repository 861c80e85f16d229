package query

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// kind is the kind of a token.
type kind uint8

// The kinds of tokens.
const (
	tEOF    kind = iota
	tTerm        // a word, a "phrase" or a field
	tLParen      // ( opening a group
	tRParen      // ) closing one
	tAnd         // AND
	tOr          // OR
	tNot         // NOT
	tMinus       // - right before a term
)

// token is one token of a query. The positions are byte offsets.
type token struct {
	kind kind
	pos  int
	// field is the field name as typed (a term name:value), else "".
	field string
	// text is the word, or the value of a field, without quotes; a bare
	// word keeps its trailing *.
	text   string
	valPos int
	quoted bool
	// star reports a * right after the closing quote ("a phrase"*).
	star bool
}

// name returns how the token reads in an error message.
func (t token) name() string {
	switch t.kind {
	case tAnd:
		return "AND"
	case tOr:
		return "OR"
	case tNot:
		return "NOT"
	case tMinus:
		return "-"
	case tLParen:
		return "("
	case tRParen:
		return ")"
	}
	return "term"
}

// lexer cuts a query into tokens, one at each call of next. It counts the
// groups open, for a ) closes one only when one is open.
type lexer struct {
	s     string
	pos   int
	depth int
}

// errAt returns an *Error at byte offset pos of the query.
func (l *lexer) errAt(pos int, what, hint string) *Error {
	return &Error{Column: utf8.RuneCountInString(l.s[:pos]) + 1, What: what, Hint: hint}
}

// runeAt returns the rune at byte offset i and its length.
func (l *lexer) runeAt(i int) (rune, int) {
	return utf8.DecodeRuneInString(l.s[i:])
}

// spaceAt reports whether the end of the query or a space is at i.
func (l *lexer) spaceAt(i int) bool {
	if i >= len(l.s) {
		return true
	}
	r, _ := l.runeAt(i)
	return unicode.IsSpace(r)
}

// next returns the next token.
func (l *lexer) next() (token, error) {
	for l.pos < len(l.s) && l.spaceAt(l.pos) {
		_, n := l.runeAt(l.pos)
		l.pos += n
	}
	start := l.pos
	if start >= len(l.s) {
		return token{kind: tEOF, pos: start}, nil
	}
	switch l.s[start] {
	case '(':
		l.pos++
		l.depth++
		return token{kind: tLParen, pos: start}, nil
	case ')':
		return l.closeParen(start)
	case '"':
		return l.phrase(start)
	case '-':
		if t, ok, err := l.minus(start); ok || err != nil {
			return t, err
		}
	}
	return l.word(start)
}

// closeParen lexes a ) at the start of a term.
func (l *lexer) closeParen(start int) (token, error) {
	if l.depth == 0 {
		return token{}, l.errAt(start, "unexpected )",
			`there is no ( for it to close; write ")" in quotes to search for it`)
	}
	l.pos++
	l.depth--
	return token{kind: tRParen, pos: start}, nil
}

// minus lexes a - at the start of a term: a negation when a term follows
// it directly. ok is false when the - starts a word with no letters or
// digits ("---"), which word reports.
func (l *lexer) minus(start int) (t token, ok bool, err error) {
	if l.spaceAt(start+1) || l.s[start+1] == ')' {
		return token{}, false, l.errAt(start, "expected a term right after -",
			`write -word or NOT word to leave out what has word; write "-" in quotes to search for it`)
	}
	rest := l.s[start+1:]
	if i := strings.IndexFunc(rest, unicode.IsSpace); i >= 0 {
		rest = rest[:i]
	}
	if !strings.ContainsAny(rest, `"(`) && !hasLetterOrDigit(rest) {
		return token{}, false, nil
	}
	l.pos++
	return token{kind: tMinus, pos: start}, true, nil
}

// phrase lexes a "quoted phrase" starting at start, and a * right after it.
func (l *lexer) phrase(start int) (token, error) {
	text, end, err := l.quoted(start)
	if err != nil {
		return token{}, err
	}
	t := token{kind: tTerm, pos: start, valPos: start, text: text, quoted: true}
	l.pos = end
	if l.pos < len(l.s) && l.s[l.pos] == '*' {
		t.star = true
		l.pos++
	}
	return t, nil
}

// quoted reads the quoted string whose " is at start: \" is a quote, \\ a
// backslash, any other backslash itself. It returns the text and the
// offset after the closing quote.
func (l *lexer) quoted(start int) (string, int, error) {
	var b strings.Builder
	for i := start + 1; i < len(l.s); i++ {
		c := l.s[i]
		switch {
		case c == '"':
			return b.String(), i + 1, nil
		case c == '\\' && i+1 < len(l.s) && (l.s[i+1] == '"' || l.s[i+1] == '\\'):
			i++
			b.WriteByte(l.s[i])
		default:
			b.WriteByte(c)
		}
	}
	return "", 0, l.errAt(start, "unterminated quote", `end the phrase with "`)
}

// word lexes a keyword, a field or a bare word starting at start.
func (l *lexer) word(start int) (token, error) {
	rest := l.s[start:]
	if strings.HasPrefix(rest, "NEAR(") {
		return token{}, l.errAt(start, "NEAR is not supported",
			`write the words (each must occur) or a "phrase"`)
	}
	for _, kw := range [...]struct {
		s string
		k kind
	}{{"AND", tAnd}, {"OR", tOr}, {"NOT", tNot}} {
		if strings.HasPrefix(rest, kw.s+"(") {
			l.pos = start + len(kw.s)
			return token{kind: kw.k, pos: start}, nil
		}
	}
	if t, ok, err := l.field(start); ok || err != nil {
		return t, err
	}
	end, err := l.scanWord(start)
	if err != nil {
		return token{}, err
	}
	l.pos = end
	w := l.s[start:end]
	switch w {
	case "AND":
		return token{kind: tAnd, pos: start}, nil
	case "OR":
		return token{kind: tOr, pos: start}, nil
	case "NOT":
		return token{kind: tNot, pos: start}, nil
	}
	return token{kind: tTerm, pos: start, valPos: start, text: w}, nil
}

// field lexes name:value when the word at start begins with a known field
// name and a colon; ok is false otherwise.
func (l *lexer) field(start int) (t token, ok bool, err error) {
	i := start
	for i < len(l.s) && !l.spaceAt(i) && !strings.ContainsRune(`:()"`, rune(l.s[i])) {
		_, n := l.runeAt(i)
		i += n
	}
	if i >= len(l.s) || l.s[i] != ':' || !isFieldName(l.s[start:i]) {
		return token{}, false, nil
	}
	t = token{kind: tTerm, pos: start, field: l.s[start:i], valPos: i + 1}
	if i+1 < len(l.s) && l.s[i+1] == '"' {
		v, err := l.phrase(i + 1)
		t.text, t.quoted, t.star = v.text, true, v.star
		return t, true, err
	}
	end, err := l.scanWord(i + 1)
	if err != nil {
		return token{}, true, err
	}
	t.text, l.pos = l.s[i+1:end], end
	return t, true, nil
}

// scanWord returns the end of the bare word starting at i: the next space,
// or a ) that closes an open group and no ( of the word itself.
func (l *lexer) scanWord(i int) (int, error) {
	open := 0
	for i < len(l.s) && !l.spaceAt(i) {
		switch l.s[i] {
		case '(':
			open++
		case ')':
			if open > 0 {
				open--
				break
			}
			if l.depth > 0 {
				return i, nil
			}
			return 0, l.errAt(i, "unexpected )",
				`there is no ( for it to close; write the word in quotes to search for it`)
		}
		_, n := l.runeAt(i)
		i += n
	}
	return i, nil
}

// hasLetterOrDigit reports whether s has a letter or a digit, what the
// full-text index keeps of a text.
func hasLetterOrDigit(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool {
		return unicode.IsLetter(r) || unicode.IsDigit(r)
	}) >= 0
}
