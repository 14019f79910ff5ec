package eval_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/miasrbija/mia/eval"
	"github.com/miasrbija/mia/serbian"
)

func TestParseDialoguesRejects(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, yaml, want string }{
		{"empty", "[]", "empty"},
		{"unknown key", "- id: a\n  turns: [{text: x}]\n  expect: {filed: false}\n  min_turns: 1\n  colour: red\n", "colour"},
		{"no id", "- turns: [{text: x}]\n  expect: {filed: false}\n  min_turns: 1\n", "id is empty"},
		{"twice", "- {id: a, turns: [{text: x}], expect: {filed: false}, min_turns: 1}\n- {id: a, turns: [{text: y}], expect: {filed: false}, min_turns: 1}\n", "twice"},
		{"channel", "- {id: a, channel: sms, turns: [{text: x}], expect: {filed: false}, min_turns: 1}\n", "channel"},
		{"no form", "- {id: a, turns: [{text: x}], min_turns: 1}\n", "expect.form is required"},
		{"unknown form", "- {id: a, turns: [{text: x}], expect: {form: parking}, min_turns: 1}\n", "not a form"},
		{"unknown field", "- {id: a, turns: [{text: x}], expect: {form: communal_report, fields: {colour: red}}, min_turns: 1}\n", "not a field"},
		{"bad option", "- {id: a, turns: [{text: x}], expect: {form: communal_report, fields: {category: fire}}, min_turns: 1}\n", "not an option"},
		{"bad yesno", "- {id: a, turns: [{text: x}], expect: {form: communal_report, fields: {village: maybe}}, min_turns: 1}\n", `"yes" or "no"`},
		{"short jmbg", "- {id: a, turns: [{text: x}], expect: {form: registry_extract, fields: {jmbg: '123'}}, min_turns: 1}\n", "13"},
		{"jmbg checksum", "- {id: a, turns: [{text: x}], expect: {form: registry_extract, fields: {jmbg: '0101990710007'}}, min_turns: 1}\n", "jmbg"},
		{"nothing said", "- {id: a, turns: [{at: village}], expect: {filed: false}, min_turns: 1}\n", "says nothing"},
		{"only answers", "- {id: a, turns: [{answers: village, pick: Ne}], expect: {form: communal_report}, min_turns: 1}\n", "every turn is an answer"},
		{"answer of no field", "- {id: a, turns: [{text: x}, {answers: colour, text: y}], expect: {form: communal_report}, min_turns: 2}\n", "not a field of communal_report"},
		{"contact on web", "- {id: a, turns: [{contact: {name: Ana Ban, phone: '064 123 4567'}}], expect: {filed: false}, min_turns: 1}\n", "only from Viber"},
		{"pick with text", "- {id: a, turns: [{pick: Da, text: da}], expect: {filed: false}, min_turns: 1}\n", "pick presses a button"},
		{"min turns", "- {id: a, turns: [{text: x}], expect: {filed: false}, min_turns: 0}\n", "min_turns"},
		{"filed false with fields", "- {id: a, turns: [{text: x}], expect: {filed: false, form: communal_report}, min_turns: 1}\n", "expect nothing else"},
		{"null island", "- {id: a, turns: [{location: {lat: 0, lon: 0}}], expect: {filed: false}, min_turns: 1}\n", "not a point"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := eval.ParseDialogues([]byte(tc.yaml))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one mentioning %q", err, tc.want)
			}
		})
	}
}

func TestParseDialoguesDefaults(t *testing.T) {
	t.Parallel()
	ds, err := eval.ParseDialogues([]byte("- {id: a, turns: [{text: x}], expect: {form: communal_report}, min_turns: 4}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if d := ds[0]; d.Municipality != "sombor" || d.Channel != "web" || !d.WantsCase() {
		t.Errorf("defaults: %+v", d)
	}
}

// TestDialogueSplits checks the datasets the gate runs: big enough, the
// kinds of dialogue the issue asks for present in each split, and test
// written apart from dev (no id and no opening message shared).
func TestDialogueSplits(t *testing.T) {
	t.Parallel()
	opening := map[string]map[string]bool{}
	ids := map[string]string{}
	for _, split := range eval.NLUSplits {
		ds, err := eval.LoadDialogues(filepath.Join(dialoguesDir, split+".yaml"))
		if err != nil {
			t.Fatal(err)
		}
		least := map[string]int{eval.SplitDev: 15, eval.SplitTest: 25}[split]
		if len(ds) < least {
			t.Errorf("%s: %d dialogues, want at least %d", split, len(ds), least)
		}
		opening[split] = map[string]bool{}
		var kinds []string
		for _, d := range ds {
			if other, ok := ids[d.ID]; ok {
				t.Errorf("%s: id %s is also in %s", split, d.ID, other)
			}
			ids[d.ID] = split
			first := d.Turns[0]
			opening[split][foldOpening(first.Text)] = true
			switch {
			case !d.WantsCase():
				kinds = append(kinds, "files nothing")
			case d.Channel == "viber":
				kinds = append(kinds, "viber")
			}
			if d.Municipality == "laktasi" {
				kinds = append(kinds, "laktasi")
			}
			if serbian.DetectScript(first.Text) == serbian.Cyrillic {
				kinds = append(kinds, "cyrillic")
			}
			if first.Photo {
				kinds = append(kinds, "photo first")
			}
			for _, tr := range d.Turns {
				switch {
				case tr.At != "":
					kinds = append(kinds, "mid-form")
				case tr.Contact != nil:
					kinds = append(kinds, "shared contact")
				case tr.Location != nil:
					kinds = append(kinds, "shared location")
				}
			}
		}
		for _, k := range []string{"files nothing", "viber", "laktasi", "cyrillic", "photo first", "mid-form", "shared contact", "shared location"} {
			if !slices.Contains(kinds, k) {
				t.Errorf("%s has no dialogue of kind %q", split, k)
			}
		}
	}
	for text := range opening[eval.SplitTest] {
		if text != "" && opening[eval.SplitDev][text] {
			t.Errorf("test repeats a dev opening message: %q", text)
		}
	}
}

func foldOpening(s string) string { return strings.Join(strings.Fields(serbian.Fold(s)), " ") }

// smallDialogues exercise the runner itself: a report driven by buttons
// from the menu (which today's engine completes), one whose expectation
// is wrong on purpose, an information question and a form left open.
const smallDialogues = `
- id: by-buttons
  turns:
    - payload: "form:communal_report"
    - {answers: category, pick: "Otpad"}
    - {answers: village, pick: "Ne"}
    - {answers: description, text: "Kontejner je prevrnut i smeće je po ulici."}
    - {answers: location, text: "Ulica Vere Gucunje 7"}
    - {answers: attachments, photo: true}
    - {answers: contact_consent, pick: "Ne"}
  expect:
    form: communal_report
    body: jkp-cistoca
    fields: {category: waste, village: "no", description: "prevrnut", location: "Vere Gucunje 7", attachments: "1"}
  min_turns: 8
- id: wrong-expectation
  turns:
    - payload: "form:registry_extract"
    - {answers: register, pick: "rođenih"}
    - {answers: form, pick: "Domaći"}
    - {answers: full_name, text: "Ana Kovač"}
    - {answers: jmbg, text: "0305012800024"}
    - {answers: relation, pick: "Za sebe"}
    - {answers: purpose, pick: "Lična dokumenta"}
    - {answers: delivery, pick: "Lično"}
    - {answers: contact, text: "064 111 2233"}
  expect:
    form: registry_extract
    fields: {register: births, form: international}
  min_turns: 10
- id: question
  turns:
    - text: "Koliko košta izvod iz matične knjige venčanih?"
  expect: {filed: false}
  min_turns: 1
- id: left-open
  turns:
    - payload: "form:communal_report"
  expect: {filed: false}
  min_turns: 1
`

// TestDialogueRunner drives dialogues through the real offline engine on a
// real database and checks the verdicts, turns and transcripts.
func TestDialogueRunner(t *testing.T) {
	t.Parallel()
	ds, err := eval.ParseDialogues([]byte(smallDialogues))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := newDialogueRunner(t).Run(context.Background(), ds)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]eval.DialogueResult{}
	for _, r := range rep.Dialogues {
		byID[r.ID] = r
	}
	if r := byID["by-buttons"]; !r.Success || r.Turns != 8 || !strings.HasPrefix(r.CaseRef, "SO-KP-") || r.Transcript != nil {
		t.Errorf("by-buttons: %+v", r)
	}
	r := byID["wrong-expectation"]
	if r.Success || r.Failure != `form: want "international", got "domestic"` || r.Turns != 10 {
		t.Errorf("wrong-expectation: success %v, failure %q after %d turns", r.Success, r.Failure, r.Turns)
	}
	// The transcript of a failure masks the JMBG the citizen typed.
	var shown []string
	for _, l := range r.Transcript {
		shown = append(shown, l.Citizen, l.MIA)
	}
	if all := strings.Join(shown, "\n"); strings.Contains(all, "0305012800024") || !strings.Contains(all, "[JMBG]") {
		t.Errorf("transcript does not mask the JMBG:\n%s", all)
	}
	if r := byID["question"]; !r.Success || r.Turns != 1 || r.CaseRef != "" {
		t.Errorf("question: %+v", r)
	}
	if r := byID["left-open"]; r.Success || !strings.Contains(r.Failure, "left open (it asks category)") {
		t.Errorf("left-open: success %v, failure %q", r.Success, r.Failure)
	}
	m := rep.DialogueMetrics
	if m.Total != 4 || m.Succeeded != 2 || m.OnTarget != 2 || m.Filing != 2 || m.FiledOK != 1 || m.NoFilingOK != 1 || m.Errors != 0 {
		t.Errorf("metrics %+v", m)
	}
	if want := eval.Wilson(2, 4); m.SuccessCI != want {
		t.Errorf("success interval %+v, want %+v", m.SuccessCI, want)
	}

	var table strings.Builder
	if err := eval.WriteDialogueTable(&table, rep); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"success rate            0.500", "within min+1 turns", "wrong-expectation FAILED", "the form now asks"} {
		if !strings.Contains(table.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, table.String())
		}
	}
	data, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"success_rate":0.5`) {
		t.Errorf("JSON lacks the success rate: %s", data)
	}
}

// TestLoadDialoguesNamesFile shows a bad file's errors carry its path.
func TestLoadDialoguesNamesFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(path, []byte("- {id: a}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := eval.LoadDialogues(path); err == nil || !strings.Contains(err.Error(), "bad.yaml") || !strings.Contains(err.Error(), "no turns") {
		t.Errorf("error %v", err)
	}
}
