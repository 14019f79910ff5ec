package forms

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/miasrbija/mia/municipality"
	"github.com/miasrbija/mia/pii"
)

// Personal data in forms takes one of two ways:
//
//   - Free text (a description, a typed address of a problem) is not meant
//     to carry personal data, so a JMBG, phone number, e-mail address or
//     card number written into it is masked ("[JMBG]", "[TELEFON]",
//     "[EMAIL]", "[KARTICA]") as soon as the value is accepted: the draft,
//     the case, the summary and the back office only ever see the mask.
//   - Fields that ask for personal data on purpose are marked sensitive in
//     the form's definition (the JMBG, names, phone, e-mail, postal
//     address). Their values are encrypted in the draft and in the case
//     (the JMBG in cases.jmbg_enc, the others together in
//     cases.private_enc, purpose PurposePrivate); the case's Fields hold
//     only a masked display. Staff read them in clear through
//     CaseForStaff; what the conversation record keeps of a step
//     (Step.Record) shows them masked.

// PurposePrivate is the Crypter purpose of a case's sensitive values other
// than the JMBG (cases.private_enc): a JSON object of field name to value.
const PurposePrivate = "case_private"

// parse validates one value for a field (parseValue) and masks personal
// data typed into free text.
func (s *Service) parse(m *municipality.Municipality, f *Field, text string, loc *Location) (string, error) {
	v, err := parseValue(m, f, text, loc, s.now())
	if err != nil {
		return "", err
	}
	return maskFreeText(f, v), nil
}

// maskFreeText masks personal data in a free-text value: a text field that
// is not sensitive, or a location typed as an address. Other values pass.
func maskFreeText(f *Field, v string) string {
	if f.Sensitive || !(f.Type == TypeText || f.Type == TypeLocation && !strings.HasPrefix(v, "geo:")) {
		return v
	}
	masked, _ := pii.Mask(v)
	return masked
}

// maskedValue is how a sensitive value shows where it must not be read in
// clear: the case's Fields, the conversation's record, logs. The owner of
// the data recognises it; nobody else learns it.
func maskedValue(f *Field, v string) string {
	if v == "" {
		return ""
	}
	switch {
	case f.Type == TypeJMBG:
		return MaskJMBG(v)
	case f.Type == TypeEmail, f.Type == TypeContact && strings.Contains(v, "@"):
		return maskEmail(v)
	case f.Type == TypePhone, f.Type == TypeContact:
		return maskDigits(v)
	case f.Type == TypeName:
		return initials(v)
	}
	return "[skriveno]"
}

// maskEmail keeps the first letter and the domain: p***@primer.rs.
func maskEmail(v string) string {
	at := strings.LastIndexByte(v, '@')
	if at < 1 {
		return "***"
	}
	r, _ := utf8.DecodeRuneInString(v)
	return string(r) + "***" + v[at:]
}

// maskDigits keeps a phone number's country code (of a country MIA has
// a plan for) and its last three digits: +381******567.
func maskDigits(v string) string {
	rs := []rune(v)
	keepHead := 0
	if local, ok := nationalForm(v); ok {
		keepHead = len(v) - len(local) + 1 // "+381" of "+381…", "0…"
	}
	for i := keepHead; i < len(rs)-3; i++ {
		if unicode.IsDigit(rs[i]) {
			rs[i] = '*'
		}
	}
	return string(rs)
}

// initials writes a name as its initials: Petar Petrović → P. P.
func initials(v string) string {
	var parts []string
	for _, w := range strings.Fields(v) {
		r, _ := utf8.DecodeRuneInString(w)
		parts = append(parts, string(r)+".")
	}
	return strings.Join(parts, " ")
}

// sensitiveValues maps each sensitive value of values to its mask, for
// hiding their echoes in a text.
func (def *Definition) sensitiveValues(values map[string]string) map[string]string {
	out := map[string]string{}
	for i := range def.Fields {
		f := &def.Fields[i]
		if v := values[f.Name]; f.Sensitive && strings.TrimSpace(v) != "" {
			out[v] = maskedValue(f, v)
			if f.Type == TypePhone || f.Type == TypeContact {
				// The summary may show a phone as typed; the stored form
				// is +381…, the typed one 0….
				if local, ok := nationalForm(v); ok {
					out[local] = maskedValue(f, v)
				}
			}
		}
	}
	return out
}

// hideValues replaces every occurrence of the given values in text with
// their masks, longest value first (a name inside an address).
func hideValues(text string, masks map[string]string) string {
	keys := make([]string, 0, len(masks))
	for k := range masks {
		if utf8.RuneCountInString(k) >= 2 {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool { return len(keys[i]) > len(keys[j]) })
	for _, k := range keys {
		text = strings.ReplaceAll(text, k, masks[k])
	}
	return text
}

// sealPrivate encrypts a case's sensitive values other than the JMBG; nil
// when there are none.
func (s *Service) sealPrivate(private map[string]string) ([]byte, error) {
	if len(private) == 0 {
		return nil, nil
	}
	raw, err := json.Marshal(private)
	if err != nil {
		return nil, err
	}
	return s.crypter.Encrypt(PurposePrivate, raw)
}

// openPrivate decrypts what sealPrivate sealed; nil opens to nil.
func (s *Service) openPrivate(sealed []byte) (map[string]string, error) {
	if len(sealed) == 0 {
		return nil, nil
	}
	raw, err := s.crypter.Decrypt(PurposePrivate, sealed)
	if err != nil {
		return nil, fmt.Errorf("case personal data: %w", err)
	}
	var out map[string]string
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, fmt.Errorf("case personal data: %w", err)
	}
	return out, nil
}

// SensitiveQuestion reports whether the draft is asking for a sensitive
// value (a name, a phone, an e-mail, a postal address, the JMBG) and
// returns the field's label: what a conversation's record keeps of the
// citizen's typed answer instead of the answer.
func (d *Draft) SensitiveQuestion() (label string, ok bool) {
	def, found := Lookup(d.Form)
	if !found || d.Status != DraftActive {
		return "", false
	}
	f, found := def.Field(d.Current)
	if !found || !f.Sensitive {
		return "", false
	}
	return f.Label, true
}
