package assistant

import (
	"strings"
	"unicode"
)

// CleanText is what a channel does to a citizen's text at the edge, before
// anything stores or reads it: invalid UTF-8 is dropped, and so are
// control and format characters (U+0000, which PostgreSQL text refuses,
// bidi overrides, zero-width joiners used to hide words), except the
// newline and tab a message may carry (a carriage return goes: line
// breaks arrive as CRLF from some clients).
func CleanText(s string) string {
	s = strings.ToValidUTF8(s, "")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t':
			return r
		case unicode.IsControl(r), unicode.Is(unicode.Cf, r):
			return -1
		}
		return r
	}, s)
}
