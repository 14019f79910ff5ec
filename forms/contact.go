package forms

import (
	"errors"
	"net/mail"
	"regexp"
	"strings"
	"unicode"

	"github.com/miasrbija/mia/serbian"
)

var (
	errPhone = errors.New("broj telefona nije ispravan; upišite srpski broj, npr. 064 123 4567 ili 025 123 456")
	errEmail = errors.New("adresa e-pošte nije ispravna, npr. ime@primer.rs")
	errName  = errors.New("upišite ime i prezime (samo slova)")
)

// Mobile numbers are 06x plus 6 or 7 digits; fixed lines are an area code
// 01x-03x plus the subscriber number, 9 or 10 digits in all.
var phoneRE = regexp.MustCompile(`^0(6[0-9]{7,8}|[1-3][0-9]{7,8})$`)

// NormalizePhone validates a Serbian phone number and returns it in
// international form, +381641234567. It accepts +381, 00381 or a leading 0
// and the usual separators.
func NormalizePhone(s string) (string, error) {
	p := strings.Map(func(r rune) rune {
		if strings.ContainsRune(" -/().\u00a0", r) {
			return -1
		}
		return r
	}, strings.TrimSpace(s))
	switch {
	case strings.HasPrefix(p, "+381"):
		p = "0" + p[4:]
	case strings.HasPrefix(p, "00381"):
		p = "0" + p[5:]
	}
	if !phoneRE.MatchString(p) {
		return "", errPhone
	}
	return "+381" + p[1:], nil
}

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
