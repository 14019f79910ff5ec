package eval_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/miasrbija/mia/eval"
	"github.com/miasrbija/mia/nlu"
)

func TestParseNLUErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, yaml, want string }{
		{"unknown key", `- {id: a, text: x, intent: info, expect: y}`, "expect"},
		{"unknown intent", `- {id: a, text: x, intent: chat}`, "unknown intent"},
		{"no id", `- {text: x, intent: info}`, "no id"},
		{"duplicate id", "- {id: a, text: x, intent: info}\n- {id: a, text: y, intent: info}", "duplicate id"},
		{"slot of no form", `- {id: a, text: x, intent: info, slots: {category: waste}}`, "names no form"},
		{"field not in form", `- {id: a, text: x, intent: communal_report, slots: {jmbg: "1"}}`, "no such field"},
		{"not an option", `- {id: a, text: x, intent: communal_report, slots: {category: fire}}`, "not an option"},
		{"yes/no", `- {id: a, text: x, intent: inform, form: communal_report, slots: {village: da}}`, "yes or no"},
		{"unknown form", `- {id: a, text: x, intent: inform, form: tax}`, "unknown form"},
		{"empty", ``, "empty"},
	}
	for _, tt := range tests {
		_, err := eval.ParseNLU([]byte(tt.yaml))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want one mentioning %q", tt.name, err, tt.want)
		}
	}
	items, err := eval.ParseNLU([]byte(`- {id: a, text: "Ne radi svetlo", intent: communal_report, slots: {category: public_lighting, case_ref: SO-KP-2026-000001}}`))
	if err != nil || len(items) != 1 || items[0].Municipality != "sombor" {
		t.Errorf("valid item: %v, %v", items, err)
	}
}

func TestSlotValuesMatch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		key, want, got string
		match          bool
	}{
		{"category", "waste", "waste", true},
		{"category", "waste", "illegal_dumping", false},
		{"jmbg", "1503985811233", "1503985811233", true},
		{"location", "Ulici Venac Petra Bojovića kod broja 12", "ulici venac petra bojovica kod broja 12", true},
		{"location", "поред канала у Бездану", "pored kanala u Bezdanu", true},
		{"location", "u Gakovu, kod crkve", "kod crkve", false},
		{"description", "Kontejner gori u dvorištu škole", "Kontejner gori u dvorištu škole!", true},
		{"name", "Petar Petrović", "Petar", false},
	}
	for _, tt := range tests {
		if got := eval.SlotValuesMatch(tt.key, tt.want, tt.got); got != tt.match {
			t.Errorf("SlotValuesMatch(%s, %q, %q) = %v, want %v", tt.key, tt.want, tt.got, got, tt.match)
		}
	}
	tp, fp, fn, errs := eval.CompareSlots(
		map[string]string{"category": "waste", "location": "Njegoševa 5", "village": "no"},
		map[string]string{"category": "roads", "location": "Njegoševa 5", "phone": "0641234567"},
	)
	if tp != 1 || fp != 2 || fn != 2 || len(errs) != 3 {
		t.Errorf("CompareSlots: tp %d fp %d fn %d errs %v; want 1, 2, 2 and three errors", tp, fp, fn, errs)
	}
}

// TestNLUMetrics runs a small dataset through the real understanding
// and checks the figures against the results' own counts.
func TestNLUMetrics(t *testing.T) {
	t.Parallel()
	items, err := eval.ParseNLU([]byte(`
- {id: q1, text: "Koliko košta izvod iz knjige rođenih?", intent: info}
- {id: q2, text: "Gde se plaća komunalna taksa?", intent: info}
- {id: r1, text: "Pukla je cev u Ulici Jovana Cvijića 4, voda plavi dvorište", intent: communal_report, novel: true,
   slots: {category: water_sewage, location: "Ulici Jovana Cvijića 4", description: "Pukla je cev u Ulici Jovana Cvijića 4, voda plavi dvorište"}}
- {id: c1, text: "da", intent: confirm, form: communal_report}
- {id: w1, text: "zdravo", intent: thanks}
`))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := eval.RunNLU(nlu.Default(), mustRegistry(t), items)
	if err != nil {
		t.Fatal(err)
	}
	m := rep.Metrics
	right, tp, fp, fn := 0, 0, 0, 0
	for _, r := range rep.Results {
		if r.IntentOK() {
			right++
		}
		tp, fp, fn = tp+r.SlotTP, fp+r.SlotFP, fn+r.SlotFN
	}
	if m.Total != 5 || m.IntentAccuracy != float64(right)/5 || m.SlotTP != tp || m.SlotFP != fp || m.SlotFN != fn {
		t.Errorf("metrics %+v do not add up to the results (right %d, tp %d fp %d fn %d)", m, right, tp, fp, fn)
	}
	// "zdravo" is a greeting, labelled thanks here: at least one miss.
	if right == 5 || m.Confusion[nlu.Thanks][rep.Results[4].Got] != 1 {
		t.Errorf("the mislabelled item was not counted as a confusion: %+v", m.Confusion)
	}
	if m.InfoQuestions != 2 || m.FormStarts != 1 || m.Novel != 1 {
		t.Errorf("info questions %d, form starts %d, novel %d; want 2, 1, 1", m.InfoQuestions, m.FormStarts, m.Novel)
	}
	for _, key := range []string{"intent_accuracy", "slot_f1", "info_to_form_rate"} {
		iv, ok := rep.Intervals[key]
		if !ok || iv.Low > iv.High || iv.Low < 0 || iv.High > 1 {
			t.Errorf("interval %s: %+v, %v", key, iv, ok)
		}
	}
	var b bytes.Buffer
	if err := eval.WriteNLUTable(&b, rep); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"intent accuracy", "slot F1", "info → form", "w1", "thanks→"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, b.String())
		}
	}
}
