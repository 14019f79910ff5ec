package nlu

import "github.com/miasrbija/mia/forms"

// Intent is what a message asks MIA to do.
type Intent string

// The intents. A form start is named after the form (forms.Form*).
const (
	Info            Intent = "info"                    // a question for the knowledge base
	CommunalReport  Intent = forms.FormCommunalReport  // report a communal problem now
	RegistryExtract Intent = forms.FormRegistryExtract // request a civil-registry extract now
	Status          Intent = "status"                  // the status of my case
	Cancel          Intent = "cancel"                  // abandon the form in progress
	Correct         Intent = "correct"                 // change a field already given
	Confirm         Intent = "confirm"                 // yes, that is right, send it
	Deny            Intent = "deny"                    // no, I don't have it, skip
	Greeting        Intent = "greeting"
	Thanks          Intent = "thanks"
	Handover        Intent = "handover"     // wants to talk to a person
	Emergency       Intent = "emergency"    // life or property in danger right now
	Abuse           Intent = "abuse"        // insults, threats
	OutOfScope      Intent = "out_of_scope" // small talk, chit-chat, unrelated requests
	// Inform is a message that only gives values (a name, an address, a
	// description, an option) — in a form, the answer to its question.
	// Inside a form, a message that reads like starting that same form is
	// also Inform: the citizen is still describing the same thing.
	Inform Intent = "inform"
)

// Intents lists every intent, in a fixed order (the model's classes).
var Intents = []Intent{
	Info, CommunalReport, RegistryExtract, Status, Cancel, Correct, Confirm, Deny,
	Greeting, Thanks, Handover, Emergency, Abuse, OutOfScope, Inform,
}

// Valid reports whether i is one of Intents.
func (i Intent) Valid() bool {
	for _, x := range Intents {
		if x == i {
			return true
		}
	}
	return false
}

// Form returns the form the intent starts, or "" when it starts none.
func (i Intent) Form() string {
	switch i {
	case CommunalReport, RegistryExtract:
		return string(i)
	}
	return ""
}

// contexts says in which dialogue state an intent's training examples
// are seen: outside a form, inside one, or both. Starting a form happens
// outside one (inside, such a message is Inform); answering, correcting,
// confirming, refusing and cancelling happen inside one.
func (i Intent) contexts() (outside, inside bool) {
	switch i {
	case CommunalReport, RegistryExtract:
		return true, false
	case Inform, Correct, Confirm, Deny, Cancel:
		return false, true
	}
	return true, true
}

// Scored is an intent with its probability.
type Scored struct {
	Intent Intent  `json:"intent"`
	P      float64 `json:"p"`
}

// Result is what one message says.
type Result struct {
	Intent Intent `json:"intent"`
	// Confidence is the calibrated probability of Intent.
	Confidence float64 `json:"confidence"`
	// Ranking holds every intent, best first (the model's probabilities,
	// before the form-start and in-form rules that may change Intent).
	Ranking []Scored `json:"ranking"`
	// Clarify: Confidence is below the threshold calibrated on dev, so the
	// engine should ask (with buttons for the first ranked intents)
	// instead of guessing.
	Clarify bool `json:"clarify"`
	// Slots are the values the message carries, keyed by the field names
	// of the form in progress or, without one, of the form Intent starts;
	// case_ref (a case reference number) with any form or none. Values of
	// choice fields are option values; "yes"/"no" for yes/no fields.
	Slots map[string]string `json:"slots,omitempty"`
	// Named lists, for a choice field whose words name more than one of
	// its options (none refused), every option named, in order: Slots
	// holds the one read as meant; a correction of an earlier answer
	// means the one that differs from it ("zaboravite šalter, neka ga
	// donese poštar" after "Lično").
	Named map[string][]string `json:"named,omitempty"`
}
