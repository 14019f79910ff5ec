package serbian

import (
	"strings"
	"unicode"
)

// Script identifies the writing system of a Serbian text.
type Script int

// Script values returned by DetectScript.
const (
	// Unknown means the text has no Latin or Cyrillic letters.
	Unknown Script = iota
	// Latin is the Serbian Latin alphabet (gajica).
	Latin
	// Cyrillic is the Serbian Cyrillic alphabet (ćirilica).
	Cyrillic
)

// String names the script, for logs and tests.
func (s Script) String() string {
	switch s {
	case Latin:
		return "Latin"
	case Cyrillic:
		return "Cyrillic"
	default:
		return "Unknown"
	}
}

// DetectScript returns the script used by the majority of letters in s.
// URLs and e-mail addresses are ignored because they are Latin in any
// script, so a Cyrillic message quoting a link is still Cyrillic. A tie goes
// to Latin, the more common script in typed messages; text without Latin or
// Cyrillic letters is Unknown.
func DetectScript(s string) Script {
	lat, cyr := 0, 0
	for _, field := range strings.Fields(s) {
		if isLinkLike(field) {
			continue
		}
		for _, r := range field {
			switch {
			case r >= 0x0400 && r <= 0x04FF && unicode.IsLetter(r):
				cyr++
			case unicode.Is(unicode.Latin, r) && unicode.IsLetter(r):
				lat++
			}
		}
	}
	switch {
	case lat == 0 && cyr == 0:
		return Unknown
	case cyr > lat:
		return Cyrillic
	default:
		return Latin
	}
}
