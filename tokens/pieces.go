package tokens

import (
	"unicode"
	"unicode/utf8"
)

// eachPiece calls fn with the consecutive pieces cl100k_base cuts valid
// UTF-8 text into before byte-pair encoding, the leftmost match of its
// pattern at each position:
//
//	(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}|
//	 ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
//
// with \s as unicode.IsSpace, \p{L} and \p{N} as Unicode's letters and
// numbers (the tokenizer's regular-expression engine uses the same
// tables). TestPiecesMatchTokenizer checks it against the tokenizer.
func eachPiece(s string, fn func(string)) {
	for i := 0; i < len(s); {
		n := pieceAt(s, i)
		fn(s[i : i+n])
		i += n
	}
}

// pieceAt returns the length in bytes of the piece starting at s[i:].
func pieceAt(s string, i int) int {
	r, w := utf8.DecodeRuneInString(s[i:])
	// 's 't 're 've 'm 'll 'd, any case.
	if r == '\'' {
		if n := contraction(s[i+1:]); n > 0 {
			return 1 + n
		}
	}
	// Letters, with one leading character that is no line break, letter
	// or number.
	if unicode.IsLetter(r) {
		return w + letters(s[i+w:])
	}
	if r != '\r' && r != '\n' && !unicode.IsNumber(r) {
		if n := letters(s[i+w:]); n > 0 {
			return w + n
		}
	}
	// One to three numbers.
	if unicode.IsNumber(r) {
		n := w
		for range 2 {
			r2, w2 := utf8.DecodeRuneInString(s[i+n:])
			if w2 == 0 || !unicode.IsNumber(r2) {
				break
			}
			n += w2
		}
		return n
	}
	// Punctuation and symbols, maybe after one space, with the line
	// breaks that follow.
	j := i
	if r == ' ' {
		j++
	}
	if n := symbols(s[j:]); n > 0 {
		j += n
		for j < len(s) && (s[j] == '\r' || s[j] == '\n') {
			j++
		}
		return j - i
	}
	// Whitespace: up to its last line break if it has one; else all of it
	// at the end of the text, else all but its last character (which
	// goes with the word after it), else the one character.
	end, lastBreak := i, -1
	for end < len(s) {
		r2, w2 := utf8.DecodeRuneInString(s[end:])
		if !unicode.IsSpace(r2) {
			break
		}
		if r2 == '\r' || r2 == '\n' {
			lastBreak = end
		}
		end += w2
	}
	switch {
	case end == i:
		return w // unreachable: every character is one of the classes above
	case lastBreak >= 0:
		return lastBreak + 1 - i
	case end == len(s):
		return end - i
	}
	_, last := utf8.DecodeLastRuneInString(s[i:end])
	if end-last > i {
		return end - last - i
	}
	return end - i
}

// contraction returns the length of an English contraction suffix at the
// start of s ("s", "re", ... without the apostrophe), 0 if none.
func contraction(s string) int {
	lower := func(k int) byte {
		if k >= len(s) {
			return 0
		}
		c := s[k]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		return c
	}
	switch lower(0) {
	case 's', 't', 'm', 'd':
		return 1
	case 'r', 'v':
		if lower(1) == 'e' {
			return 2
		}
	case 'l':
		if lower(1) == 'l' {
			return 2
		}
	}
	return 0
}

// letters returns the length of the run of letters at the start of s.
func letters(s string) int {
	n := 0
	for n < len(s) {
		r, w := utf8.DecodeRuneInString(s[n:])
		if !unicode.IsLetter(r) {
			break
		}
		n += w
	}
	return n
}

// symbols returns the length of the run of characters at the start of s
// that are no whitespace, letter or number.
func symbols(s string) int {
	n := 0
	for n < len(s) {
		r, w := utf8.DecodeRuneInString(s[n:])
		if unicode.IsSpace(r) || unicode.IsLetter(r) || unicode.IsNumber(r) {
			break
		}
		n += w
	}
	return n
}
