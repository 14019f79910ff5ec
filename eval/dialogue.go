package eval

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/miasrbija/mia/forms"
	"github.com/miasrbija/mia/municipality"
)

// Dialogue is one scripted conversation of a citizen with MIA, and the
// case it must end with.
//
// Turns are of two kinds. A turn without Answers is what the citizen says
// on their own initiative: such turns are sent in order, each once (At
// holds one back until the form asks that field). A turn with Answers is
// how the citizen answers the form's question for that field: it is sent
// whenever the form asks it, again if the form asks again, so a form that
// asks for what the citizen already said costs a turn instead of derailing
// the script. Several answers to one field are given in order, the last
// one repeated: a citizen rephrases when an answer is refused ("Ana Kovač,
// JMBG …", then "Ana Kovač").
type Dialogue struct {
	ID string `yaml:"id" json:"id"`
	// Municipality is a slug; empty means sombor.
	Municipality string `yaml:"municipality" json:"municipality"`
	// Channel is web or viber; empty means web.
	Channel string `yaml:"channel" json:"channel"`
	// Note says what the dialogue exercises (for the reader only).
	Note  string         `yaml:"note" json:"note,omitempty"`
	Turns []DialogueTurn `yaml:"turns" json:"turns"`
	Want  DialogueExpect `yaml:"expect" json:"expect"`
	// MinTurns is the fewest citizen turns that could complete the
	// dialogue: every field the citizen's messages carry understood at
	// once, each missing field asked once, the summary confirmed.
	MinTurns int `yaml:"min_turns" json:"min_turns"`
	// MaxTurns bounds the run; 0 means MinTurns+DefaultTurnSlack.
	MaxTurns int `yaml:"max_turns" json:"max_turns,omitempty"`
}

// DefaultTurnSlack is how many turns over the minimum a dialogue may run
// before it is stopped as failed.
const DefaultTurnSlack = 6

// AtSummary names the form's summary in Answers and At.
const AtSummary = "summary"

// DialogueTurn is one citizen message: typed text, a button pressed (Pick
// or Payload), a shared location, a photo or a shared contact, alone or
// together.
type DialogueTurn struct {
	Text string `yaml:"text" json:"text,omitempty"`
	// Pick presses the offered button whose label contains it (folded:
	// either script, no diacritics, any case); when no button matches,
	// the citizen types it instead.
	Pick string `yaml:"pick" json:"pick,omitempty"`
	// Payload presses a button by its payload (e.g. form:communal_report).
	Payload  string            `yaml:"payload" json:"payload,omitempty"`
	Location *DialogueLocation `yaml:"location" json:"location,omitempty"`
	// Photo attaches a small real JPEG.
	Photo bool `yaml:"photo" json:"photo,omitempty"`
	// Contact is Viber's shared contact (the share-phone button): it
	// arrives as the text "Name +381…", as channels/viber delivers it.
	Contact *DialogueContact `yaml:"contact" json:"contact,omitempty"`
	// Answers makes the turn the citizen's answer to the form's question
	// for this field (or "summary"), sent each time it is asked (several
	// answers to one field: in order, the last one repeated).
	Answers string `yaml:"answers" json:"answers,omitempty"`
	// At holds a turn of the citizen's own back until the form asks this
	// field (or "summary"): a correction or a question in mid-form.
	At string `yaml:"at" json:"at,omitempty"`
}

// DialogueLocation is a point shared from the phone.
type DialogueLocation struct {
	Lat     float64 `yaml:"lat" json:"lat"`
	Lon     float64 `yaml:"lon" json:"lon"`
	Address string  `yaml:"address" json:"address,omitempty"`
}

// DialogueContact is a shared Viber contact.
type DialogueContact struct {
	Name  string `yaml:"name" json:"name"`
	Phone string `yaml:"phone" json:"phone"`
}

// DialogueExpect is the outcome a dialogue must reach.
type DialogueExpect struct {
	// Filed: a case must be filed (the default when Form is set); false:
	// nothing may be filed and no form may be left open.
	Filed *bool `yaml:"filed" json:"filed,omitempty"`
	// Form is the filed case's form.
	Form string `yaml:"form" json:"form,omitempty"`
	// Body is the responsible body's key (communal reports).
	Body string `yaml:"body" json:"body,omitempty"`
	// Fields are compared one by one (see compareField); fields not
	// listed are not compared.
	Fields map[string]string `yaml:"fields" json:"fields,omitempty"`
}

// WantsCase reports whether the dialogue must file a case.
func (d *Dialogue) WantsCase() bool { return d.Want.Filed == nil || *d.Want.Filed }

// Channels a dialogue may run on.
var dialogueChannels = []string{"web", "viber"}

// LoadDialogues reads and validates a dialogue dataset file.
func LoadDialogues(path string) ([]Dialogue, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read dialogues: %w", err)
	}
	ds, err := ParseDialogues(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return ds, nil
}

// ParseDialogues decodes a dialogue dataset (a YAML list) and validates
// it, reporting every problem found. Unknown keys are an error.
func ParseDialogues(data []byte) ([]Dialogue, error) {
	var ds []Dialogue
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&ds); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("dialogue dataset is empty")
		}
		return nil, fmt.Errorf("parse dialogues: %w", err)
	}
	var more any
	if err := dec.Decode(&more); !errors.Is(err, io.EOF) {
		return nil, errors.New("dialogues: want one YAML document (a list of dialogues), found more")
	}
	if len(ds) == 0 {
		return nil, errors.New("dialogue dataset is empty")
	}
	var errs []error
	seen := map[string]bool{}
	for i := range ds {
		d := &ds[i]
		d.Municipality = strings.TrimSpace(d.Municipality)
		if d.Municipality == "" {
			d.Municipality = "sombor"
		}
		if d.Channel == "" {
			d.Channel = "web"
		}
		for _, p := range d.problems() {
			errs = append(errs, fmt.Errorf("dialogue %d (id %q): %s", i+1, d.ID, p))
		}
		if seen[d.ID] {
			errs = append(errs, fmt.Errorf("dialogue %d (id %q): id appears twice", i+1, d.ID))
		}
		seen[d.ID] = true
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return ds, nil
}

// problems lists what is wrong with one dialogue.
func (d *Dialogue) problems() []string {
	var out []string
	bad := func(format string, a ...any) { out = append(out, fmt.Sprintf(format, a...)) }
	if strings.TrimSpace(d.ID) == "" {
		bad("id is empty")
	}
	if !slices.Contains(dialogueChannels, d.Channel) {
		bad("channel %q: want web or viber", d.Channel)
	}
	if len(d.Turns) == 0 {
		bad("no turns")
	}
	own := 0
	var def *forms.Definition
	if d.Want.Form != "" {
		var ok bool
		if def, ok = forms.Lookup(d.Want.Form); !ok {
			bad("expect.form %q is not a form", d.Want.Form)
		}
	}
	for j, t := range d.Turns {
		for _, p := range t.problems(d.Channel, def) {
			bad("turn %d: %s", j+1, p)
		}
		if t.Answers == "" {
			own++
		}
	}
	if own == 0 {
		bad("every turn is an answer: the citizen must say something first")
	}
	switch {
	case d.WantsCase() && d.Want.Form == "":
		bad("expect.form is required (or expect.filed: false)")
	case !d.WantsCase() && (d.Want.Form != "" || d.Want.Body != "" || len(d.Want.Fields) > 0):
		bad("expect.filed is false: expect nothing else")
	}
	if def != nil {
		for name, want := range d.Want.Fields {
			if p := checkExpectedField(def, name, want); p != "" {
				bad("expect.fields.%s: %s", name, p)
			}
		}
	}
	switch {
	case d.MinTurns < 1:
		bad("min_turns must be at least 1")
	case d.MinTurns < own && !d.WantsCase():
		bad("min_turns %d is below the %d turns the citizen says on their own", d.MinTurns, own)
	case d.MaxTurns != 0 && d.MaxTurns < d.MinTurns:
		bad("max_turns %d is below min_turns %d", d.MaxTurns, d.MinTurns)
	}
	return out
}

// problems lists what is wrong with one turn.
func (t *DialogueTurn) problems(channel string, def *forms.Definition) []string {
	var out []string
	if strings.TrimSpace(t.Text) == "" && t.Pick == "" && t.Payload == "" && t.Location == nil && !t.Photo && t.Contact == nil {
		out = append(out, "says nothing: give text, pick, payload, location, photo or contact")
	}
	if t.Pick != "" && (t.Payload != "" || t.Text != "") {
		out = append(out, "pick presses a button: give no text or payload with it")
	}
	if t.Contact != nil {
		if channel != "viber" {
			out = append(out, "a shared contact comes only from Viber")
		}
		if strings.TrimSpace(t.Contact.Name) == "" || strings.TrimSpace(t.Contact.Phone) == "" {
			out = append(out, "contact needs a name and a phone")
		}
		if t.Text != "" || t.Pick != "" {
			out = append(out, "a shared contact carries no text of its own")
		}
	}
	if l := t.Location; l != nil && (l.Lat < -90 || l.Lat > 90 || l.Lon < -180 || l.Lon > 180 || l.Lat == 0 && l.Lon == 0) {
		out = append(out, fmt.Sprintf("location %v,%v is not a point", l.Lat, l.Lon))
	}
	if t.Answers != "" && t.At != "" {
		out = append(out, "answers and at exclude each other")
	}
	for _, f := range []string{t.Answers, t.At} {
		if f == "" || f == AtSummary || def == nil {
			continue
		}
		if _, ok := def.Field(f); !ok {
			out = append(out, fmt.Sprintf("%q is not a field of %s", f, def.Name))
		}
	}
	return out
}

// checkExpectedField says what is wrong with an expected value, or "".
func checkExpectedField(def *forms.Definition, name, want string) string {
	f, ok := def.Field(name)
	if !ok {
		return "not a field of " + def.Name
	}
	if strings.TrimSpace(want) == "" {
		return "empty"
	}
	switch f.Type {
	case forms.TypeChoice:
		if _, ok := f.Option(want); !ok {
			return fmt.Sprintf("%q is not an option value", want)
		}
	case forms.TypeYesNo:
		if want != "yes" && want != "no" {
			return `want "yes" or "no"`
		}
	case forms.TypeJMBG:
		// A case is filed only with a valid JMBG: an invalid one expected
		// would make the dialogue fail whatever the engine does.
		if err := forms.ValidateJMBG(forms.NormalizeJMBG(want), time.Now()); err != nil {
			return err.Error()
		}
	case forms.TypePhone:
		for i, country := range phoneCountries {
			_, err := forms.NormalizePhone(&municipality.Municipality{Country: country}, want)
			if err == nil {
				break
			}
			if i == len(phoneCountries)-1 {
				return err.Error()
			}
		}
	}
	return ""
}
