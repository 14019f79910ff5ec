package assistant

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/miasrbija/mia/pii"
)

// MaxInputRunes is the longest citizen message the engine reads. Real
// questions are far shorter; the cap bounds cost and the room a prompt
// injection has.
const MaxInputRunes = 2000

// CapInput trims s and, if it is longer than MaxInputRunes, cuts it at the
// last word boundary before the limit, reporting whether it cut. A single
// word longer than half the limit is cut mid-word.
func CapInput(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) <= MaxInputRunes {
		return s, false
	}
	end, n := 0, 0
	for i := range s {
		if n == MaxInputRunes {
			end = i
			break
		}
		n++
	}
	head := s[:end]
	if r, _ := utf8.DecodeRuneInString(s[end:]); !unicode.IsSpace(r) {
		if i := strings.LastIndexFunc(head, unicode.IsSpace); i > len(head)/2 {
			head = head[:i]
		}
	}
	return strings.TrimRightFunc(head, unicode.IsSpace), true
}

// Kinds of personal data MaskPII finds; each is replaced by "[KIND]".
const (
	PIIJMBG  = pii.JMBG
	PIIPhone = pii.Phone
	PIIEmail = pii.Email
	PIICard  = pii.Card
)

// MaskPII replaces personal data in citizen text with placeholders and
// returns the kinds it replaced, one per occurrence in text order: see
// pii.Mask.
func MaskPII(s string) (masked string, found []string) { return pii.Mask(s) }
