package forms

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"unicode"

	"github.com/miasrbija/mia/municipality"
)

// The citizen reads a case's status as one Serbian sentence: "Vaša
// prijava SO-KP-2026-000123 je prosleđena JKP „Zelenilo” Sombor." The
// participle agrees with the noun (prijava, poruka: feminine; zahtev:
// masculine); the body is named once.

// caseNoun is how a citizen's message names a case of the kind, and
// whether the noun is feminine.
func caseNoun(kind string) (string, bool) {
	switch kind {
	case KindRegistryExtract:
		return "Vaš zahtev", false
	case KindInquiry:
		return "Vaša poruka", true
	}
	return "Vaša prijava", true
}

// statePhrase is the status after "je", in the noun's gender.
func statePhrase(s CaseStatus, fem bool) string {
	stem := map[CaseStatus]string{StatusReceived: "primljen", StatusForwarded: "prosleđen",
		StatusResolved: "rešen", StatusRejected: "odbijen"}[s]
	switch {
	case s == StatusInProgress:
		return "u obradi"
	case stem == "":
		return s.Label()
	case fem:
		return stem + "a"
	}
	return stem
}

// indeclinable reports whether a body's name starts with an abbreviation
// (JKP, JP, MZ…): those are not declined, so the name follows a verb as
// it is written. Other names would need the dative.
func indeclinable(name string) bool {
	word, _, _ := strings.Cut(name, " ")
	if len([]rune(word)) < 2 {
		return false
	}
	for _, r := range word {
		if !unicode.IsUpper(r) {
			return false
		}
	}
	return true
}

// toBody is "JKP „Zelenilo” Sombor" or "nadležnoj službi: Odeljenje …"
// after "prosleđena".
func toBody(m *municipality.Municipality, name string) string {
	if indeclinable(name) {
		return name
	}
	return m.Say("nadležnoj službi: ") + name
}

// StatusText is the case's current status as the citizen reads it: the
// sentence, with the responsible body named once, and where the problem
// is when the report has a place. The wording is in the variant of m
// (the case's municipality; nil: ekavian), the body's name and the
// citizen's place as they are.
func StatusText(m *municipality.Municipality, c *Case) string {
	noun, fem := caseNoun(c.Kind)
	noun, state := m.Say(noun), m.Say(statePhrase(c.Status, fem))
	var b strings.Builder
	if c.Status == StatusForwarded && c.BodyName != "" {
		fmt.Fprintf(&b, "%s %s je %s %s.", noun, c.Ref, state, toBody(m, c.BodyName))
	} else {
		fmt.Fprintf(&b, "%s %s je %s.", noun, c.Ref, state)
		if c.BodyName != "" && c.Status != StatusReceived {
			fmt.Fprintf(&b, " Nadležna služba: %s.", c.BodyName)
		}
	}
	if p := PlaceText(c.Fields["location"]); p != "" {
		fmt.Fprintf(&b, " Lokacija: %s", p)
	}
	return b.String()
}

// PlaceText shows a form's location value to a person: a typed address as
// it is, a shared point ("geo:LAT,LON") as an OpenStreetMap link, never
// as bare coordinates. "" when there is none.
func PlaceText(v string) string {
	v = strings.TrimSpace(v)
	if u := MapURL(v); u != "" {
		return u
	}
	if strings.HasPrefix(v, "geo:") {
		return "" // unreadable point: better nothing than digits
	}
	return v
}

// MapURL is the OpenStreetMap link of a stored point ("geo:LAT,LON"), or
// "" when v is not one.
func MapURL(v string) string {
	rest, ok := strings.CutPrefix(strings.TrimSpace(v), "geo:")
	if !ok {
		return ""
	}
	a, b, _ := strings.Cut(rest, ",")
	lat, err1 := strconv.ParseFloat(a, 64)
	lon, err2 := strconv.ParseFloat(b, 64)
	if err1 != nil || err2 != nil || lat < -90 || lat > 90 || lon < -180 || lon > 180 {
		return ""
	}
	la, lo := strconv.FormatFloat(lat, 'f', 6, 64), strconv.FormatFloat(lon, 'f', 6, 64)
	return "https://www.openstreetmap.org/?" + url.Values{"mlat": {la}, "mlon": {lo}}.Encode() + "#map=18/" + la + "/" + lo
}
