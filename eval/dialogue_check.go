package eval

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/miasrbija/mia/forms"
	"github.com/miasrbija/mia/municipality"
)

// caseMismatch compares a filed case (read back with its sensitive values,
// as staff see it) with what the dialogue expects and returns the first
// difference, or "" when the case is as expected. Fields are compared in
// the form's order, so the first mismatch is the earliest question.
func caseMismatch(want DialogueExpect, c *forms.Case) string {
	if c.Form != want.Form {
		return fmt.Sprintf("form: want %s, got %s", want.Form, c.Form)
	}
	def, ok := forms.Lookup(c.Form)
	if !ok {
		return fmt.Sprintf("form %s is unknown", c.Form)
	}
	for _, f := range def.Fields {
		w, ok := want.Fields[f.Name]
		if !ok {
			continue
		}
		if got, ok := compareField(&f, w, c); !ok {
			if got == "" {
				got = "nothing"
			} else {
				got = strconv.Quote(got)
			}
			return fmt.Sprintf("%s: want %q, got %s", f.Name, shownValue(&f, w), got)
		}
	}
	if want.Body != "" && c.BodyKey != want.Body {
		return fmt.Sprintf("body: want %s, got %s", want.Body, c.BodyKey)
	}
	return ""
}

// shownValue is an expected value as a report may print it: a JMBG
// masked, though the datasets' are fictitious.
func shownValue(f *forms.Field, v string) string {
	if f.Type == forms.TypeJMBG {
		return forms.MaskJMBG(forms.NormalizeJMBG(v))
	}
	return v
}

// geoTolerance is how far (degrees, about 10 m) a stored point may lie
// from the expected one: the point is stored rounded.
const geoTolerance = 1e-4

// compareField reports whether the case's value of f matches want, and
// the value compared (the JMBG masked). Choices, yes/no answers and
// attachment counts must be equal; phones, e-mails and names equal once
// normalised (names folded: script, case, diacritics); a JMBG is compared
// masked, as the case shows it; a point ("geo:LAT,LON") within
// geoTolerance; other free text (a description, an address) must contain
// the expected text, folded.
func compareField(f *forms.Field, want string, c *forms.Case) (got string, ok bool) {
	if f.Type == forms.TypeJMBG {
		return c.JMBGMasked, c.JMBGMasked == forms.MaskJMBG(forms.NormalizeJMBG(want))
	}
	got = c.Fields[f.Name]
	if v, ok := c.Private[f.Name]; ok {
		got = v
	}
	switch f.Type {
	case forms.TypeChoice, forms.TypeYesNo, forms.TypeAttachments:
		return got, got == want
	case forms.TypePhone:
		return got, samePhone(got, want)
	case forms.TypeEmail:
		return got, strings.EqualFold(strings.TrimSpace(got), strings.TrimSpace(want))
	case forms.TypeContact:
		if strings.Contains(want, "@") {
			return got, strings.EqualFold(strings.TrimSpace(got), strings.TrimSpace(want))
		}
		return got, samePhone(got, want)
	case forms.TypeName:
		return got, dialogueFold(got) == dialogueFold(want)
	case forms.TypeLocation:
		if wlat, wlon, ok := geoPoint(want); ok {
			glat, glon, ok := geoPoint(got)
			return got, ok && math.Abs(glat-wlat) <= geoTolerance && math.Abs(glon-wlon) <= geoTolerance
		}
	}
	return got, got != "" && strings.Contains(dialogueFold(got), dialogueFold(want))
}

// samePhone reports whether want, typed as a citizen of Serbia or of
// Bosnia and Herzegovina would, is the stored number got.
func samePhone(got, want string) bool {
	for _, country := range phoneCountries {
		if w, err := forms.NormalizePhone(&municipality.Municipality{Country: country}, want); err == nil && w == got {
			return true
		}
	}
	return false
}

// phoneCountries are the countries of the demo municipalities, whose
// numbering plans an expected phone may be written in.
var phoneCountries = []string{municipality.Serbia, municipality.Bosnia}

// geoPoint reads a stored point, "geo:LAT,LON".
func geoPoint(v string) (lat, lon float64, ok bool) {
	rest, found := strings.CutPrefix(strings.TrimSpace(v), "geo:")
	if !found {
		return 0, 0, false
	}
	a, b, found := strings.Cut(rest, ",")
	if !found {
		return 0, 0, false
	}
	lat, err1 := strconv.ParseFloat(strings.TrimSpace(a), 64)
	lon, err2 := strconv.ParseFloat(strings.TrimSpace(b), 64)
	return lat, lon, err1 == nil && err2 == nil
}
