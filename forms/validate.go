package forms

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/miasrbija/mia/municipality"
	"github.com/miasrbija/mia/serbian"
)

// Location is a point the citizen shared, or an address they typed.
type Location struct {
	Lat, Lon float64
	Address  string
}

// FieldError is a value refused, explained in Serbian.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

func fieldError(f *Field, msg string) FieldError {
	return FieldError{Field: f.Name, Message: f.Label + ": " + msg}
}

// fold prepares typed text for matching: Cyrillic → Latin, lower case, no
// diacritics, single spaces.
func fold(s string) string {
	return strings.Join(strings.Fields(serbian.Fold(strings.TrimSpace(s))), " ")
}

// parseValue validates one typed (or model-given) value for a field and
// returns it normalised for storage. loc is a shared location, only for
// location fields. Attachments are handled by the caller.
func parseValue(m *municipality.Municipality, f *Field, text string, loc *Location, now time.Time) (string, error) {
	text = strings.TrimSpace(text)
	if loc == nil && text == "" {
		return "", fmt.Errorf("%s", "odgovor je prazan")
	}
	switch f.Type {
	case TypeChoice:
		return matchOption(f, text)
	case TypeYesNo:
		switch yesNo(text) {
		case "yes":
			return "yes", nil
		case "no":
			return "no", nil
		}
		return "", fmt.Errorf("odgovorite sa „da” ili „ne”")
	case TypeText:
		return text, checkText(f, text) // meaning.go: length and meaning
	case TypeName:
		return normalizeName(text)
	case TypePhone:
		return phoneIn(m, text)
	case TypeEmail:
		return emailIn(text)
	case TypeContact:
		if strings.Contains(text, "@") {
			return emailIn(text)
		}
		if p, err := phoneIn(m, text); err == nil {
			return p, nil
		}
		return "", fmt.Errorf("upišite broj telefona (npr. %s) ili adresu e-pošte", PhoneExample(m))
	case TypeJMBG:
		j := jmbgIn(text)
		if err := ValidateJMBG(j, now); err != nil {
			return "", err
		}
		return j, nil
	case TypeLocation:
		return locationValue(m, text, loc) // location.go
	case TypeAttachments:
		return "", fmt.Errorf("pošaljite fotografiju ili video kao prilog")
	}
	return "", fmt.Errorf("nepoznato polje")
}

// matchOption accepts an option's value, its label in either script with
// or without diacritics, its number in the list, or a word that matches
// exactly one label.
func matchOption(f *Field, text string) (string, error) {
	k := fold(text)
	if n, err := strconv.Atoi(k); err == nil && n >= 1 && n <= len(f.Options) {
		return f.Options[n-1].Value, nil
	}
	var partial []string
	for _, o := range f.Options {
		if k == o.Value || k == fold(o.Label) || k == strings.ReplaceAll(o.Value, "_", " ") {
			return o.Value, nil
		}
		if len(k) >= 3 && (strings.Contains(fold(o.Label), k) || strings.Contains(k, fold(o.Label))) {
			partial = append(partial, o.Value)
		}
	}
	if len(partial) == 1 {
		return partial[0], nil
	}
	if v, ok := matchOptionWords(f, text); ok {
		return v, nil
	}
	labels := make([]string, len(f.Options))
	for i, o := range f.Options {
		labels[i] = o.Label
	}
	return "", fmt.Errorf("izaberite jednu od mogućnosti: %s", strings.Join(labels, ", "))
}

// displayValueIn is displayValue for m: an option's label, yes/no, a
// count or a point are MIA's wording and take m's variant; a value the
// citizen typed is shown as typed.
func displayValueIn(m *municipality.Municipality, f *Field, v string) string {
	dv := displayValue(f, v)
	switch f.Type {
	case TypeChoice, TypeYesNo, TypeAttachments:
		return m.Say(dv)
	case TypeLocation:
		if _, _, ok := parsePoint(v); ok {
			return m.Say(dv)
		}
	}
	return dv
}

// displayValue is how a stored value reads in the summary.
func displayValue(f *Field, v string) string {
	switch f.Type {
	case TypeChoice:
		if o, ok := f.Option(v); ok {
			return o.Label
		}
	case TypeYesNo:
		switch v {
		case "yes":
			return "da"
		case "no":
			return "ne"
		}
	case TypeJMBG:
		if v != "" {
			return MaskJMBG(v)
		}
	case TypeLocation:
		if lat, lon, ok := parsePoint(v); ok {
			return fmt.Sprintf("tačka na mapi (%.5f, %.5f)", lat, lon)
		}
	case TypeAttachments:
		n, _ := strconv.Atoi(v)
		if n == 0 {
			return "nema"
		}
		return fmt.Sprintf("%d", n)
	}
	return v
}

func parsePoint(v string) (lat, lon float64, ok bool) {
	rest, found := strings.CutPrefix(v, "geo:")
	if !found {
		return 0, 0, false
	}
	a, b, found := strings.Cut(rest, ",")
	if !found {
		return 0, 0, false
	}
	lat, err1 := strconv.ParseFloat(a, 64)
	lon, err2 := strconv.ParseFloat(b, 64)
	return lat, lon, err1 == nil && err2 == nil
}
