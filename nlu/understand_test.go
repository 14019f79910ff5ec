package nlu_test

import (
	"math"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/miasrbija/mia/municipality"
	"github.com/miasrbija/mia/nlu"
)

func municipalityOf(t testing.TB, slug string) *municipality.Municipality {
	t.Helper()
	m, err := municipality.Embedded(slug)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestUnderstand reads messages written for this test (not in the
// training data, not in the eval datasets) in both scripts, with and
// without diacritics, ekavian and ijekavian.
func TestUnderstand(t *testing.T) {
	t.Parallel()
	sombor, laktasi := municipalityOf(t, "sombor"), municipalityOf(t, "laktasi")
	u := nlu.Default()
	tests := []struct {
		text   string
		m      *municipality.Municipality
		form   string
		intent nlu.Intent
		slots  map[string]string
	}{
		{text: "Kontejneri u Ulici Matije Gupca 3 nisu prazni već dve nedelje", m: sombor, intent: nlu.CommunalReport,
			slots: map[string]string{"category": "waste", "location": "Ulici Matije Gupca 3", "description": "Kontejneri u Ulici Matije Gupca 3 nisu prazni već dve nedelje"}},
		{text: "Кад се празне контејнери у Стапару?", m: sombor, intent: nlu.Info},
		{text: "Potreban mi je izvod iz knjige vjenčanih na međunarodnom obrascu", m: laktasi, intent: nlu.RegistryExtract,
			slots: map[string]string{"register": "marriages", "form": "international"}},
		{text: "Koliko se plaća izvod iz knjige vjenčanih?", m: laktasi, intent: nlu.Info},
		{text: "otkazujem zahtev", form: "registry_extract", intent: nlu.Cancel},
		{text: "hvala vam mnogo na pomoci", intent: nlu.Thanks},
		{text: "Mogu li dobiti nekog od zaposlenih na telefon?", intent: nlu.Handover},
		{text: "Dobro jutro", intent: nlu.Greeting},
		{text: "Miljana Đurić +381 64 765 4321", form: "communal_report", intent: nlu.Inform,
			slots: map[string]string{"name": "Miljana Đurić", "phone": "+381647654321"}},
		{text: "Dušan Kostić, JMBG 0101990 800 014", form: "registry_extract", intent: nlu.Inform,
			slots: map[string]string{"full_name": "Dušan Kostić", "jmbg": "0101990800014"}},
		{text: "šta je sa prijavom SO-KP-2026-000812", intent: nlu.Status, slots: map[string]string{"case_ref": "SO-KP-2026-000812"}},
	}
	for _, tt := range tests {
		r := u.Understand(tt.text, tt.m, tt.form)
		if r.Intent != tt.intent {
			t.Errorf("%q: intent %s (%.2f), want %s; ranking %v", tt.text, r.Intent, r.Confidence, tt.intent, r.Ranking[:3])
		}
		for k, want := range tt.slots {
			if got := r.Slots[k]; got != want {
				t.Errorf("%q: slot %s = %q, want %q (slots %v)", tt.text, k, got, want, r.Slots)
			}
		}
		if len(r.Ranking) != len(nlu.Intents) {
			t.Errorf("%q: ranking has %d intents, want %d", tt.text, len(r.Ranking), len(nlu.Intents))
		}
		for i := 1; i < len(r.Ranking); i++ {
			if r.Ranking[i].P > r.Ranking[i-1].P {
				t.Errorf("%q: ranking not sorted: %v", tt.text, r.Ranking)
				break
			}
		}
	}
}

// TestScriptsMeet: the same message in Latin, Cyrillic and Latin without
// diacritics is read alike.
func TestScriptsMeet(t *testing.T) {
	t.Parallel()
	u := nlu.Default()
	m := municipalityOf(t, "sombor")
	for _, set := range [][]string{
		{"Pukla je cev u Šantićevoj ulici, voda teče na sve strane", "Пукла је цев у Шантићевој улици, вода тече на све стране", "Pukla je cev u Santicevoj ulici, voda tece na sve strane"},
		{"Treba mi uverenje o državljanstvu za pasoš", "Треба ми уверење о држављанству за пасош", "Treba mi uvjerenje o drzavljanstvu za pasos"},
	} {
		want := u.Understand(set[0], m, "")
		for _, text := range set[1:] {
			got := u.Understand(text, m, "")
			if got.Intent != want.Intent || got.Slots["category"] != want.Slots["category"] || got.Slots["purpose"] != want.Slots["purpose"] {
				t.Errorf("%q read as %s %v; %q as %s %v", set[0], want.Intent, want.Slots, text, got.Intent, got.Slots)
			}
		}
	}
}

// TestTrainDeterministic: training twice gives the same probabilities.
func TestTrainDeterministic(t *testing.T) {
	t.Parallel()
	td, err := nlu.DefaultData()
	if err != nil {
		t.Fatal(err)
	}
	a, err := nlu.Train(td)
	if err != nil {
		t.Fatal(err)
	}
	b, err := nlu.Train(td)
	if err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{"Rupa na putu za Bezdan", "da", "Koliko košta izvod?"} {
		ra, rb := a.Understand(text, nil, ""), b.Understand(text, nil, "")
		for i := range ra.Ranking {
			if ra.Ranking[i] != rb.Ranking[i] {
				t.Fatalf("%q: %v vs %v", text, ra.Ranking, rb.Ranking)
			}
		}
	}
}

// TestConcurrentUse: one Understander serves many goroutines (run with
// -race).
func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	u := nlu.Default()
	m := municipalityOf(t, "sombor")
	want := u.Understand("Ne gori svetlo u Staparu", m, "")
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 20 {
				if got := u.Understand("Ne gori svetlo u Staparu", m, ""); got.Intent != want.Intent || got.Confidence != want.Confidence {
					t.Errorf("concurrent result %v, want %v", got, want)
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestTrainErrors(t *testing.T) {
	t.Parallel()
	if _, err := nlu.Train(nlu.TrainingData{}); err == nil {
		t.Error("no examples: no error")
	}
	bad := nlu.TrainingData{Examples: []nlu.Example{{Text: "x", Intent: "nonsense"}}}
	if _, err := nlu.Train(bad); err == nil {
		t.Error("unknown intent: no error")
	}
	lex := nlu.TrainingData{
		Examples: []nlu.Example{{Text: "zdravo", Intent: nlu.Greeting}},
		Lexicon:  nlu.Lexicon{"communal_report": {"category": {"no_such_option": {"x"}}}},
	}
	if _, err := nlu.Train(lex); err == nil {
		t.Error("unknown option in the lexicon: no error")
	}
	cal := nlu.TrainingData{
		Examples:    []nlu.Example{{Text: "zdravo", Intent: nlu.Greeting}},
		Calibration: nlu.Calibration{FormMin: 2},
	}
	if _, err := nlu.Train(cal); err == nil {
		t.Error("form_min 2: no error")
	}
}

// BenchmarkUnderstand reads the dev split's messages in turn (a
// realistic mix of lengths and forms) and reports the median and 95th
// percentile of one call besides the mean.
func BenchmarkUnderstand(b *testing.B) {
	u := nlu.Default()
	m := municipalityOf(b, "sombor")
	data, err := os.ReadFile("../eval/datasets/nlu/dev.yaml")
	if err != nil {
		b.Fatal(err)
	}
	var items []struct {
		Text string `yaml:"text"`
		Form string `yaml:"form"`
	}
	if err := yaml.Unmarshal(data, &items); err != nil {
		b.Fatal(err)
	}
	var took []time.Duration
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		it := items[i%len(items)]
		start := time.Now()
		u.Understand(it.Text, m, it.Form)
		took = append(took, time.Since(start))
		i++
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Nanoseconds()), "p50-ns")
	b.ReportMetric(float64(took[len(took)*95/100].Nanoseconds()), "p95-ns")
}

func BenchmarkTrain(b *testing.B) {
	td, err := nlu.DefaultData()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := nlu.Train(td); err != nil {
			b.Fatal(err)
		}
	}
}

// TestUnderstandOddInput: empty, punctuation-only, digits-only and very
// long messages are read without failing, and the ranking stays a
// probability distribution.
func TestUnderstandOddInput(t *testing.T) {
	t.Parallel()
	u := nlu.Default()
	long := strings.Repeat("Kontejner je pun i smeće je svuda po ulici. ", 60)
	for _, text := range []string{"", "   ", "?!...", "12345", "👍", long, "ЈМБГ\u00a0150398581123З"} {
		for _, form := range []string{"", "communal_report", "registry_extract"} {
			r := u.Understand(text, nil, form)
			sum := 0.0
			for _, s := range r.Ranking {
				sum += s.P
			}
			if !r.Intent.Valid() || math.Abs(sum-1) > 1e-9 || math.IsNaN(r.Confidence) {
				t.Errorf("%.20q in %q: intent %q, confidence %v, ranking sums to %v", text, form, r.Intent, r.Confidence, sum)
			}
		}
	}
}

// TestUnderstandExcept: ruling an intent out never returns it, and the
// others keep the probabilities Understand gives them (a weak reading is
// not scaled up past the form-start or clarification thresholds).
func TestUnderstandExcept(t *testing.T) {
	u := nlu.Default()
	const text = "pala je tuča i polomila crep na kući"
	all := u.Understand(text, nil, "")
	ex := u.UnderstandExcept(text, nil, "", nlu.Emergency)
	if ex.Intent == nlu.Emergency {
		t.Fatalf("ruled out, still %s", ex.Intent)
	}
	p := map[nlu.Intent]float64{}
	for _, s := range all.Ranking {
		p[s.Intent] = s.P
	}
	for _, s := range ex.Ranking {
		if s.Intent == nlu.Emergency && s.P != 0 || s.Intent != nlu.Emergency && s.P != p[s.Intent] {
			t.Errorf("%s: %.4f, Understand gave %.4f", s.Intent, s.P, p[s.Intent])
		}
	}
}
