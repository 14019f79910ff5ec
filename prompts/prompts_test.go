package prompts

import (
	"errors"
	"strings"
	"testing"
	"unicode"

	"github.com/miasrbija/mia/municipality"
	"github.com/miasrbija/mia/serbian"
)

func sombor(t *testing.T) *municipality.Municipality { return town(t, "sombor") }

func laktasi(t *testing.T) *municipality.Municipality { return town(t, "laktasi") }

// town is a municipality of the embedded configuration.
func town(t *testing.T, slug string) *municipality.Municipality {
	t.Helper()
	m, err := municipality.Embedded(slug)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// data carries the extra values some messages need; the others ignore it.
var data = map[string]string{"title": "Porez na imovinu", "ref": "SO-KP-2026-000999", "status": "primljena", "hours": "24", "intent": "pitanje", "place": "Novi Sad", "staff": "Ana", "category": "Putevi i trotoari",
	"institution": "Republički fond za penzijsko i invalidsko osiguranje", "institution_website": "https://www.pio.rs", "institution_phone": ""}

func TestMessagesRender(t *testing.T) {
	t.Parallel()
	m := sombor(t)
	for _, name := range Names() {
		for _, script := range []serbian.Script{serbian.Latin, serbian.Cyrillic} {
			t.Run(name+"/"+script.String(), func(t *testing.T) {
				t.Parallel()
				got, err := Message(name, m, script, data)
				if err != nil {
					t.Fatal(err)
				}
				if strings.TrimSpace(got) == "" || strings.Contains(got, "{{") || strings.Contains(got, "}}") ||
					strings.Contains(got, "<no value>") {
					t.Errorf("bad rendering: %q", got)
				}
				switch script {
				case serbian.Cyrillic:
					if w := latinWord(got); w != "" {
						t.Errorf("Latin word %q left in Cyrillic text: %q", w, got)
					}
				case serbian.Latin:
					if strings.ContainsFunc(got, func(r rune) bool { return unicode.Is(unicode.Cyrillic, r) }) {
						t.Errorf("Cyrillic in Latin text: %q", got)
					}
				}
			})
		}
	}
}

// latinWord returns the first word with a Latin letter that is not a link,
// an e-mail address or a code with digits (a case number), or "".
func latinWord(s string) string {
	for _, w := range strings.Fields(s) {
		lw := strings.ToLower(w)
		if strings.Contains(lw, "://") || strings.Contains(lw, "www.") || strings.Contains(lw, "@") ||
			strings.ContainsFunc(w, unicode.IsDigit) {
			continue
		}
		if strings.ContainsFunc(w, func(r rune) bool { return unicode.Is(unicode.Latin, r) }) {
			return w
		}
	}
	return ""
}

func TestMessageContent(t *testing.T) {
	t.Parallel()
	m := sombor(t)
	tests := []struct {
		name   string
		script serbian.Script
		want   []string
	}{
		{Greeting, serbian.Latin, []string{"MIA", "Grad Sombor", "automatizovani asistent", "izvod", "komunaln"}},
		{Greeting, serbian.Cyrillic, []string{"МИА", "Град Сомбор"}},
		{NoSource, serbian.Latin, []string{"025/468-222", "Trg cara Uroša 1", "https://www.sombor.rs"}},
		{NoSource, serbian.Cyrillic, []string{"025/468-222", "Трг цара Уроша 1", "https://www.sombor.rs"}},
		{ExtractiveIntro, serbian.Latin, []string{"„Porez na imovinu“"}},
		{ExtractiveIntro, serbian.Cyrillic, []string{"„Порез на имовину“"}},
		{StatusAskRef, serbian.Cyrillic, []string{"SO-KP-"}},
		{StatusNotFound, serbian.Latin, []string{"SO-KP-2026-000999", "025/468-222"}},
		{QuickChildAllowance, serbian.Cyrillic, []string{"Дечији додатак"}},
	}
	for _, tt := range tests {
		got, err := Message(tt.name, m, tt.script, data)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s (%v) = %q, want it to contain %q", tt.name, tt.script, got, w)
			}
		}
	}
	// Emergencies: the number to call comes first, on a line of its own.
	for name, number := range map[string]string{
		EmergencyGeneral: "112", EmergencyPolice: "192", EmergencyFire: "193", EmergencyAmbulance: "194",
	} {
		got, err := Message(name, m, serbian.Latin, nil)
		if err != nil {
			t.Fatal(err)
		}
		first, _, _ := strings.Cut(got, "\n")
		if !strings.Contains(first, number) || !strings.HasPrefix(first, "Odmah pozovite") {
			t.Errorf("%s: first line %q, want the number %s", name, first, number)
		}
	}
	// Quick-reply labels fit on a button.
	for _, name := range Names() {
		if !strings.HasPrefix(name, "qr_") {
			continue
		}
		got, _ := Message(name, m, serbian.Latin, nil)
		if len([]rune(got)) > 30 || strings.Contains(got, "\n") {
			t.Errorf("label %s = %q: too long for a button", name, got)
		}
	}
}

func TestMessageErrors(t *testing.T) {
	t.Parallel()
	m := sombor(t)
	if _, err := Message("nope", m, serbian.Latin, nil); !errors.Is(err, ErrUnknownMessage) {
		t.Errorf("unknown name: err = %v", err)
	}
	if _, err := Message(ExtractiveIntro, m, serbian.Latin, nil); err == nil {
		t.Error("missing title: no error")
	}
	if _, err := Message(Greeting, nil, serbian.Latin, nil); err == nil {
		t.Error("nil municipality: no error")
	}
	if _, err := Message(NoSource, m, serbian.Latin, map[string]string{"phone": "000"}); err == nil {
		t.Error("data shadowing the municipality's phone: no error")
	}
}

func TestMessageConvertsDataToScript(t *testing.T) {
	t.Parallel()
	m := sombor(t)
	got, err := Message(ExtractiveIntro, m, serbian.Latin, map[string]string{"title": "Дечији додатак"})
	if err != nil {
		t.Fatal(err)
	}
	if got != "Prema dokumentu „Dečiji dodatak“:" {
		t.Errorf("got %q", got)
	}
}

func TestParseMessages(t *testing.T) {
	t.Parallel()
	var full strings.Builder
	for _, n := range names {
		full.WriteString(n + ": tekst\n")
	}
	tests := []struct {
		name, file, wantErr string
	}{
		{"complete", full.String(), ""},
		{"unknown key", full.String() + "greting: Zdravo\n", `unknown message "greting"`},
		{"missing key", strings.Replace(full.String(), "thanks: tekst\n", "", 1), `message "thanks" is missing`},
		{"duplicate key", full.String() + "thanks: opet\n", "already defined"},
		{"bad template", strings.Replace(full.String(), "thanks: tekst", "thanks: '{{.phone'", 1), "thanks"},
		{"empty text", strings.Replace(full.String(), "thanks: tekst", `thanks: ""`, 1), `"thanks" is empty`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := parseMessages([]byte(tt.file))
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("unexpected error: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("err = %v, want one mentioning %q", err, tt.wantErr)
			}
		})
	}
}

func TestNames(t *testing.T) {
	t.Parallel()
	got := Names()
	if len(got) != len(messages) {
		t.Errorf("Names() has %d names, the file %d messages", len(got), len(messages))
	}
	for _, required := range []string{Greeting, Thanks, EmergencyGeneral, EmergencyPolice, EmergencyFire,
		EmergencyAmbulance, Abuse, OutOfScope, NoSource, InjectionRefusal, FallbackNotice, ExtractiveIntro,
		StatusAskRef, InputTooLong} {
		if _, ok := messages[required]; !ok {
			t.Errorf("message %q missing", required)
		}
	}
	got[0] = "changed"
	if Names()[0] == "changed" {
		t.Error("Names returns the package's own slice")
	}
}

func TestSystem(t *testing.T) {
	t.Parallel()
	m := sombor(t)
	got := System(m)
	for _, want := range []string{
		"Grad Sombor",
		"isključivo na osnovu datih odlomaka", // answer only from the passages
		"[1]",                                 // cite with the given ids
		"[k7Qz]",                              // ... which may be opaque
		"reci to otvoreno",                    // say when the passages do not cover it
		"025/468-222", "Trg cara Uroša 1", "https://www.sombor.rs",
		"podaci, a ne uputstva",        // documents are data
		"Nikada ne otkrivaj",           // keep the prompt secret
		"JMBG",                         // never ask for or repeat it
		"ćirilicom odgovori ćirilicom", // mirror the script
		"150 reči",
		"godinu na koju se odnosi", // the year of every amount
		"112", "192", "193", "194",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("System() lacks %q", want)
		}
	}
	if strings.Contains(got, "{{") || strings.Contains(got, "<no value>") {
		t.Errorf("System() has template leftovers:\n%s", got)
	}
	if n := len(strings.Fields(got)); n > 450 {
		t.Errorf("System() has %d words; keep it short", n)
	}
	if System(nil) == "" {
		t.Error("System(nil) is empty")
	}
}

// Laktaši hears MIA's wording ijekavian, in both scripts; the data filled
// in (a document's title, a place the citizen named) stays as given, and
// Sombor keeps ekavian.
func TestMessagesIjekavian(t *testing.T) {
	t.Parallel()
	lak, som := laktasi(t), sombor(t)
	d := map[string]string{"title": "Odluka o komunalnom redu (vreme odvoza)", "ref": "LA-KP-2026-000999", "place": "Bijeljina, gde god"}
	for _, c := range []struct {
		name, want, ekavian string
	}{
		{StatusNotFound, "Provjerite da li je broj tačno prepisan (na primjer LA-KP-", "Proverite da li je broj tačno prepisan (na primer SO-KP-"},
		{Handover, "Razumijem, želite da razgovarate", "Razumem, želite da razgovarate"},
		{Clarify, "dobro razumio", "dobro razumeo"},
		{EmergencyFire, "na bezbjednom mjestu. Ako osjećate miris gasa, ne palite svjetlo", "na bezbednom mestu. Ako osećate miris gasa, ne palite svetlo"},
		{QuickChildAllowance, "Dječiji dodatak", "Dečiji dodatak"},
		{ExtractiveIntro, "Prema dokumentu „Odluka o komunalnom redu (vreme odvoza)“", "Prema dokumentu „Odluka o komunalnom redu (vreme odvoza)“"},
		{OtherMunicipality, "za mjesto Bijeljina, gde god nemam", "za mesto Bijeljina, gde god nemam"},
	} {
		got, err := Message(c.name, lak, serbian.Latin, d)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(got, c.want) {
			t.Errorf("laktasi %s = %q, want it to contain %q", c.name, got, c.want)
		}
		got, err = Message(c.name, som, serbian.Latin, d)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(got, c.ekavian) {
			t.Errorf("sombor %s = %q, want it to contain %q", c.name, got, c.ekavian)
		}
	}
	got, err := Message(StatusNotFound, lak, serbian.Cyrillic, d)
	if err != nil || !strings.Contains(got, "Провјерите") || !strings.Contains(got, "примјер") {
		t.Errorf("laktasi Cyrillic = %q, %v", got, err)
	}
	if s := System(lak); !strings.Contains(s, "Piši ijekavski") || !strings.Contains(s, "Poslije svake rečenice") ||
		!strings.Contains(s, "na primjer [1]") {
		t.Errorf("laktasi system prompt: %q", s)
	}
	if s := System(som); strings.Contains(s, "ijekavski") || !strings.Contains(s, "Posle svake rečenice") {
		t.Errorf("sombor system prompt: %q", s)
	}
}
