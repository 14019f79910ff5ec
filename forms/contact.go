package forms

import (
	"errors"
	"net/mail"
	"strings"
	"unicode"

	"github.com/miasrbija/mia/serbian"
)

var (
	errEmail = errors.New("adresa e-pošte nije ispravna, npr. ime@primer.rs")
	errName  = errors.New("upišite ime i prezime (samo slova)")
)

// NormalizeEmail validates a bare e-mail address (Cyrillic typed by
// mistake is transliterated first) and returns it lowercased.
func NormalizeEmail(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(serbian.ToLatin(s)))
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return "", errEmail
	}
	at := strings.LastIndexByte(s, '@')
	if at < 1 || !strings.Contains(s[at+1:], ".") || strings.HasSuffix(s, ".") {
		return "", errEmail
	}
	return s, nil
}

// normalizeName checks a person's full name: two words or more, letters
// (Latin or Cyrillic), apostrophes and dashes. It is stored as typed.
func normalizeName(s string) (string, error) {
	s = strings.Join(strings.Fields(s), " ")
	if len(strings.Fields(s)) < 2 || len([]rune(s)) > 100 {
		return "", errName
	}
	for _, r := range serbian.ToLatin(s) {
		if !unicode.IsLetter(r) && r != ' ' && r != '-' && r != '\'' && r != '.' {
			return "", errName
		}
	}
	return s, nil
}
