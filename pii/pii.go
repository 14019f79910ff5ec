// Package pii finds personal data in free text: JMBG, phone numbers,
// e-mail addresses and payment cards. The assistant masks citizens'
// messages with it and forms masks the free-text fields of a case (a
// description, a typed address) before they are stored.
package pii

import (
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Kinds of personal data Mask finds; each is replaced by "[KIND]".
const (
	JMBG  = "JMBG"
	Phone = "TELEFON"
	Email = "EMAIL"
	Card  = "KARTICA"
)

var (
	emailRE = regexp.MustCompile(`[\p{L}0-9._%+-]+@[\p{L}0-9-]+(?:\.[\p{L}0-9-]+)*\.\p{L}{2,}`)
	// numberRE finds a run of digit groups joined by single spaces,
	// dashes or slashes, with an optional + and parentheses, as in
	// "+381 (0)64 123 4567" or "025/468-222". Dots are not joiners, so
	// amounts ("1.977.000") and dates ("01.02.2026.") fall apart into
	// short runs.
	numberRE = regexp.MustCompile(`\+?\(?\d+\)?(?:[ /-]?\(?\d+\)?)*`)
	// accountRE is a Serbian bank account, 840-742221843-57: public in
	// every payment instruction, so it stays.
	accountRE = regexp.MustCompile(`^\d{3}-\d{1,13}-\d{2}$`)
)

// Mask replaces personal data in citizen text with placeholders and
// returns the kinds it replaced, one per occurrence in text order:
//
//   - e-mail addresses → [EMAIL];
//   - 16 digits, in one piece or in fours → [KARTICA];
//   - 13 digits, grouped or not → [JMBG] (any 13-digit run, without the
//     date or checksum test, because a mistyped JMBG is still personal);
//   - phone numbers → [TELEFON]: +381… or 00381… (and any other number
//     with +), and national numbers of 9–10 digits starting with 0
//     ("064 123 4567", "025/468-222", "0800 222 001").
//
// It leaves case references (SO-KP-2026-000123: digits glued to a letter
// code), years, amounts, dates and bank accounts (840-742221843-57). Two
// numbers typed one after the other are both found. It is meant for
// citizen input only, so every phone number is masked, the city's own
// included; local numbers without the area code ("468-222") and dotted
// ones ("064.123.4567") are not recognised.
func Mask(s string) (masked string, found []string) {
	return mask(s, func(string) bool { return true })
}

// MaskKinds is Mask for the kinds given only. Staff replies in a handover
// keep the city's phone numbers and e-mail addresses, which they give out,
// and lose a JMBG or card number someone typed.
func MaskKinds(s string, kinds ...string) (masked string, found []string) {
	return mask(s, func(k string) bool { return slices.Contains(kinds, k) })
}

func mask(s string, want func(kind string) bool) (masked string, found []string) {
	s = asciiDigits(s)
	var hits []piiHit
	emails := emailRE.FindAllStringIndex(s, -1)
	for _, m := range emails {
		hits = append(hits, piiHit{m[0], m[1], Email})
	}
	for _, m := range numberRE.FindAllStringIndex(s, -1) {
		if overlaps(emails, m) {
			continue
		}
		start, end := m[0], m[1]
		// A run glued to letters is part of a code (KP-2026-000123, DD-1,
		// RS35...), not a number on its own, unless it has a JMBG's or a
		// card's length ("jmbg0101990710006").
		before, _ := utf8.DecodeLastRuneInString(strings.TrimSuffix(s[:start], "-"))
		after, _ := utf8.DecodeRuneInString(s[end:])
		if unicode.IsLetter(before) || unicode.IsLetter(after) {
			if kind := numberKind(s[start:end]); kind == JMBG || kind == Card {
				hits = append(hits, piiHit{start, end, kind})
			}
			continue
		}
		hits = append(hits, numberHits(s[start:end], start)...)
	}
	hits = slices.DeleteFunc(hits, func(h piiHit) bool { return !want(h.kind) })
	if len(hits) == 0 {
		return s, nil
	}
	sort.Slice(hits, func(i, j int) bool { return hits[i].start < hits[j].start })
	var b strings.Builder
	last := 0
	for _, h := range hits {
		b.WriteString(s[last:h.start])
		b.WriteString("[" + h.kind + "]")
		last = h.end
		found = append(found, h.kind)
	}
	b.WriteString(s[last:])
	return b.String(), found
}

// asciiDigits writes compatibility digits (full-width ０６４, mathematical
// 𝟎) as ASCII, so a number typed with them is still found. Digits of other
// scripts (Arabic-Indic) have no compatibility mapping and stay.
func asciiDigits(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return r > unicode.MaxASCII && unicode.IsDigit(r) }) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if r > unicode.MaxASCII && unicode.IsDigit(r) {
			if d := norm.NFKC.String(string(r)); len(d) == 1 && d[0] >= '0' && d[0] <= '9' {
				b.WriteString(d)
				continue
			}
		}
		b.WriteRune(r)
	}
	return b.String()
}

// piiHit is a span of text to mask.
type piiHit struct {
	start, end int
	kind       string
}

// groupRE is one digit group of a run, with its + and parentheses.
var groupRE = regexp.MustCompile(`\+?\(?\d+\)?`)

// numberHits classifies a run of digit groups found at offset at. When the
// whole run is nothing known, its longest pieces are tried from the left:
// two numbers typed with one space between ("0641234567 0659876543") make
// one run. A bank account is never taken apart.
func numberHits(run string, at int) []piiHit {
	if accountRE.MatchString(run) {
		return nil
	}
	if kind := numberKind(run); kind != "" {
		return []piiHit{{at, at + len(run), kind}}
	}
	groups := groupRE.FindAllStringIndex(run, -1)
	var hits []piiHit
	for i := 0; i < len(groups); i++ {
		for j := len(groups) - 1; j >= i; j-- {
			if i == 0 && j == len(groups)-1 {
				continue // the whole run, tried above
			}
			start, end := groups[i][0], groups[j][1]
			if kind := numberKind(run[start:end]); kind != "" {
				hits = append(hits, piiHit{at + start, at + end, kind})
				i = j
				break
			}
		}
	}
	return hits
}

// numberKind classifies one run of digit groups, or returns "".
func numberKind(run string) string {
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, run)
	n := len(digits)
	switch {
	case n == 0:
		return ""
	case strings.HasPrefix(run, "+") && n >= 8 && n <= 15,
		strings.HasPrefix(digits, "00") && n >= 11 && n <= 15:
		return Phone // international form; JMBG never starts with day 00
	case accountRE.MatchString(run):
		return ""
	case n == 16 && cardGrouping(run):
		return Card
	case n == 13:
		return JMBG
	case digits[0] == '0' && (n == 9 || n == 10):
		return Phone
	}
	return ""
}

// cardGrouping reports whether a 16-digit run is written as a card is:
// in one piece or in groups of four. It keeps a JMBG followed by the start
// of a phone number from passing for a card.
func cardGrouping(run string) bool {
	groups := groupRE.FindAllString(run, -1)
	if len(groups) == 1 {
		return true
	}
	for _, g := range groups {
		if len(g) != 4 {
			return false
		}
	}
	return true
}

func overlaps(spans [][]int, m []int) bool {
	for _, sp := range spans {
		if m[0] < sp[1] && sp[0] < m[1] {
			return true
		}
	}
	return false
}
