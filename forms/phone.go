package forms

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/miasrbija/mia/municipality"
)

// numberingPlan reads the phone numbers a country's citizens type without
// the country code: a trunk 0, then the national number.
type numberingPlan struct {
	code string // country calling code
	// national matches the national number after the trunk 0.
	national *regexp.Regexp
	// example is what a citizen is shown: a mobile and a fixed line.
	example string
}

var plans = map[string]numberingPlan{
	// Serbia: mobiles 06x plus 6 or 7 digits; fixed lines an area code
	// 01x-03x plus the subscriber number, 9 or 10 digits in all.
	municipality.Serbia: {code: "381", national: regexp.MustCompile(`^(6[0-9]{7,8}|[1-3][0-9]{7,8})$`), example: "064 123 4567 ili 025 123 456"},
	// Bosnia and Herzegovina: mobiles 06x plus 6 or 7 digits; fixed lines
	// an area code 03x-05x (051 Banja Luka, 055 Bijeljina) plus 6 digits.
	municipality.Bosnia: {code: "387", national: regexp.MustCompile(`^(6[0-9]{7,8}|[3-5][0-9]{7})$`), example: "065 123 456 ili 051 123 456"},
}

// planOf returns the numbering plan of the municipality's country.
func planOf(m *municipality.Municipality) numberingPlan {
	if p, ok := plans[m.CountryCode()]; ok {
		return p
	}
	return plans[municipality.Serbia]
}

// PhoneExample returns the phone numbers shown as examples to citizens of
// m ("064 123 4567 ili 025 123 456").
func PhoneExample(m *municipality.Municipality) string { return planOf(m).example }

// NormalizePhone validates a phone number a citizen of m typed and returns
// it in international form, +381641234567. A number without the country
// code is read in the plan of m's country (Serbia's by default); one with
// it (+387…, 00387…), as the country of that code has it, and a number of
// a country MIA has no plan for is taken when it has the length of an
// international number: a citizen abroad gives the number they have.
func NormalizePhone(m *municipality.Municipality, s string) (string, error) {
	p := strings.Map(func(r rune) rune {
		if strings.ContainsRune(" -/().\u00a0", r) {
			return -1
		}
		return r
	}, strings.TrimSpace(s))
	home := planOf(m)
	bad := fmt.Errorf("broj telefona nije ispravan; upišite ga sa pozivnim brojem, npr. %s", home.example)
	intl, isIntl := strings.CutPrefix(p, "+")
	if !isIntl {
		intl, isIntl = strings.CutPrefix(p, "00")
	}
	if !isIntl {
		if rest, ok := strings.CutPrefix(p, "0"); ok && home.national.MatchString(rest) {
			return "+" + home.code + rest, nil
		}
		return "", bad
	}
	if !onlyDigits(intl) {
		return "", bad
	}
	for _, plan := range plans {
		if rest, ok := strings.CutPrefix(intl, plan.code); ok {
			// "+381 (0)64…": the trunk 0 written after the code.
			rest = strings.TrimPrefix(rest, "0")
			if !plan.national.MatchString(rest) {
				return "", bad
			}
			return "+" + plan.code + rest, nil
		}
	}
	// E.164: at most 15 digits; fewer than 8 is no subscriber's number.
	if len(intl) < 8 || len(intl) > 15 || intl[0] == '0' {
		return "", bad
	}
	return "+" + intl, nil
}

// nationalForm returns a number in international form as its citizens
// type it at home (+381641234567 → 0641234567), for any country MIA has a
// plan for.
func nationalForm(v string) (string, bool) {
	for _, plan := range plans {
		if rest, ok := strings.CutPrefix(v, "+"+plan.code); ok {
			return "0" + rest, true
		}
	}
	return "", false
}
