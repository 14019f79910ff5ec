package forms

import (
	"strings"
	"testing"
)

func TestMaskedValue(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		typ      FieldType
		in, want string
	}{
		{TypePhone, "+381641234567", "+381******567"},
		{TypeContact, "+381641234567", "+381******567"},
		{TypeEmail, "pera.peric@example.rs", "p***@example.rs"},
		{TypeContact, "ана@primer.rs", "а***@primer.rs"},
		{TypeName, "Petar Petrović", "P. P."},
		{TypeName, "Јована Јовић", "Ј. Ј."},
		{TypeText, "Venac vojvode Stepe 5", "[skriveno]"},
		{TypeJMBG, "1503985810023", "1503******023"},
		{TypeText, "", ""},
	} {
		if got := maskedValue(&Field{Type: tt.typ}, tt.in); got != tt.want {
			t.Errorf("maskedValue(%s, %q) = %q, want %q", tt.typ, tt.in, got, tt.want)
		}
	}
}

// TestFreeTextMasked: personal data typed into a description or a typed
// address is masked when the value is accepted; a sensitive text field (a
// postal address, encrypted instead) and a point are kept as they are.
func TestFreeTextMasked(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		f        Field
		in, want string
	}{
		{Field{Type: TypeText}, "Rupa, zovite 064 123 4567, a@b.rs, JMBG 0101990710006", "Rupa, zovite [TELEFON], [EMAIL], JMBG [JMBG]"},
		{Field{Type: TypeLocation}, "Kralja Petra 12, tel 025/468-222", "Kralja Petra 12, tel [TELEFON]"},
		{Field{Type: TypeLocation}, "geo:45.773300,19.115100", "geo:45.773300,19.115100"},
		{Field{Type: TypeText, Sensitive: true}, "Ulica 1, 064 123 4567", "Ulica 1, 064 123 4567"},
		{Field{Type: TypePhone}, "+381641234567", "+381641234567"},
	} {
		if got := maskFreeText(&tt.f, tt.in); got != tt.want {
			t.Errorf("maskFreeText(%+v, %q) = %q, want %q", tt.f, tt.in, got, tt.want)
		}
	}
}

// TestSummaryRecord: the summary shows the citizen their values; its
// record masks them, the typed 0… form of a phone too.
func TestSummaryRecord(t *testing.T) {
	t.Parallel()
	def := mustDef(FormCommunalReport)
	values := map[string]string{"category": "waste", "village": "no", "description": "Pun kontejner već dve nedelje",
		"location": "geo:45.773300,19.115100", "attachments": "0", "contact_consent": "yes", "name": "Petar Petrović", "phone": "+381641234567"}
	live := def.summaryText(nil, values)
	record := hideValues(live+" 0641234567", def.sensitiveValues(values))
	for _, s := range []string{"Petar", "Petrović", "641234567"} {
		if !strings.Contains(live, s) {
			t.Errorf("live summary lacks %q:\n%s", s, live)
		}
		if strings.Contains(record, s) {
			t.Errorf("record holds %q:\n%s", s, record)
		}
	}
	if !strings.Contains(record, "P. P.") || !strings.Contains(record, "+381******567") || !strings.Contains(record, "Pun kontejner") {
		t.Errorf("record:\n%s", record)
	}
}
