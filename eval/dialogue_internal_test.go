package eval

import (
	"testing"

	"github.com/miasrbija/mia/assistant"
	"github.com/miasrbija/mia/forms"
)

// TestConversationNext follows the citizen's choice of turn: own turns in
// order, one held back for its field, answers given when asked (in order,
// the last repeated), the summary confirmed, and nothing when the form
// asks what the script does not answer.
func TestConversationNext(t *testing.T) {
	t.Parallel()
	d := &Dialogue{Turns: []DialogueTurn{
		{Text: "open"},
		{Answers: "village", Pick: "Ne"},
		{Text: "correction", At: "attachments"},
		{Answers: "full", Text: "Ana Kovač, JMBG 0101990710006"},
		{Answers: "full", Text: "Ana Kovač"},
		{Text: "later"},
	}}
	c := &conversation{d: d, sent: make([]bool, len(d.Turns)), answered: map[string]int{}}
	for i, step := range []struct{ asks, want string }{
		{"", "open"},
		{"village", "Ne"},
		{"village", "Ne"}, // asked again: the same answer
		{"attachments", "correction"},
		{"full", "Ana Kovač, JMBG 0101990710006"},
		{"full", "Ana Kovač"},
		{"full", "Ana Kovač"},
		{"category", "later"}, // no answer for it: the next own turn
		{AtSummary, "payload " + forms.PayloadConfirm},
		{"category", ""},
	} {
		c.asks = step.asks
		got := ""
		if tr, ok := c.next(); ok {
			got = tr.Text + tr.Pick
			if tr.Payload != "" {
				got = "payload " + tr.Payload
			}
		}
		if got != step.want {
			t.Errorf("step %d (asks %q): %q, want %q", i+1, step.asks, got, step.want)
		}
	}
	if u := c.unsent(); len(u) != 0 {
		t.Errorf("unsent %v", u)
	}
}

func TestCompareField(t *testing.T) {
	t.Parallel()
	report, _ := forms.Lookup("communal_report")
	extract, _ := forms.Lookup("registry_extract")
	c := &forms.Case{
		Fields: map[string]string{"category": "waste", "village": "no", "description": "Kontejner je prepun već nedelju dana.",
			"location": "geo:45.775800,19.114800", "attachments": "1", "name": "V. R.", "delivery": "post"},
		Private:    map[string]string{"name": "Весна Радић", "phone": "+381641234567", "contact": "+381641112233", "email": "ana@example.com"},
		JMBGMasked: forms.MaskJMBG("0101990710006"),
	}
	for _, tc := range []struct {
		def         *forms.Definition
		field, want string
		ok          bool
	}{
		{report, "category", "waste", true},
		{report, "category", "greenery", false},
		{report, "village", "no", true},
		{report, "attachments", "1", true},
		{report, "attachments", "2", false},
		{report, "description", "PREPUN", true}, // folded substring
		{report, "description", "rasveta", false},
		{report, "location", "geo:45.7758,19.1148", true},
		{report, "location", "geo:45.7770,19.1148", false},
		{report, "name", "Vesna Radic", true}, // the clear value, either script, no diacritics
		{report, "phone", "064 123 4567", true},
		{report, "phone", "064 123 4568", false},
		{extract, "contact", "064 111 2233", true},
		{extract, "email", "ANA@example.com", true},
		{extract, "jmbg", "0101 990 710006", true},
		{extract, "jmbg", "0101990710014", false},
		{extract, "post_address", "Glavna", false}, // nothing stored
	} {
		f, ok := tc.def.Field(tc.field)
		if !ok {
			t.Fatalf("no field %s", tc.field)
		}
		if got, ok := compareField(f, tc.want, c); ok != tc.ok {
			t.Errorf("%s %q against %q: %v, want %v", tc.field, tc.want, got, ok, tc.ok)
		}
	}
}

func TestCaseMismatch(t *testing.T) {
	t.Parallel()
	c := &forms.Case{Form: "communal_report", BodyKey: "jkp-zelenilo",
		Fields: map[string]string{"category": "public_lighting", "village": "no"}}
	for _, tc := range []struct {
		want DialogueExpect
		msg  string
	}{
		{DialogueExpect{Form: "communal_report", Body: "jkp-zelenilo", Fields: map[string]string{"village": "no", "category": "public_lighting"}}, ""},
		{DialogueExpect{Form: "registry_extract"}, "form: want registry_extract, got communal_report"},
		// The earliest field of the form is named first, whatever the map order.
		{DialogueExpect{Form: "communal_report", Fields: map[string]string{"village": "yes", "category": "waste"}}, `category: want "waste", got "public_lighting"`},
		{DialogueExpect{Form: "communal_report", Fields: map[string]string{"location": "Venac"}}, `location: want "Venac", got nothing`},
		{DialogueExpect{Form: "communal_report", Body: "jkp-cistoca"}, "body: want jkp-cistoca, got jkp-zelenilo"},
	} {
		if got := caseMismatch(tc.want, c); got != tc.msg {
			t.Errorf("%+v: %q, want %q", tc.want, got, tc.msg)
		}
	}
}

// A pick written ekavian presses an ijekavian municipality's button, in
// either script: the dataset states meaning, not one variant's wording.
func TestPickButtonEitherVariant(t *testing.T) {
	offered := []assistant.QuickReply{{Label: "Zelenilo", Payload: "g"}, {Label: "Јавна расвјета", Payload: "l"}, {Label: "Dijete", Payload: "c"}}
	for pick, want := range map[string]string{"Јавна расвета": "l", "javna rasveta": "l", "Dete": "c", "Dijete": "c", "zelen": "g"} {
		if b, ok := pickButton(offered, pick); !ok || b.Payload != want {
			t.Errorf("pick %q pressed %+v, %v; want %s", pick, b, ok, want)
		}
	}
	if _, ok := pickButton(offered, "Otpad"); ok {
		t.Error("a pick no label contains pressed a button")
	}
}
