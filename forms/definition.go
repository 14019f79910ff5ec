package forms

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"text/template"

	"go.yaml.in/yaml/v3"

	"github.com/miasrbija/mia/municipality"
	"github.com/miasrbija/mia/serbian"
)

// Form names, which are also the model's tool names.
const (
	FormCommunalReport  = "communal_report"
	FormRegistryExtract = "registry_extract"
	FormInquiry         = "inquiry" // a message left for staff (handover)
)

// FieldType is how a field's value is entered and validated.
type FieldType string

// Field types.
const (
	TypeChoice      FieldType = "choice"      // one of Options; offered as buttons
	TypeYesNo       FieldType = "yesno"       // "yes" or "no"; buttons Da/Ne
	TypeText        FieldType = "text"        // free text, MinLen..MaxLen runes
	TypeName        FieldType = "name"        // a person's full name, two words or more
	TypeLocation    FieldType = "location"    // a shared point inside the city, or a typed address
	TypeAttachments FieldType = "attachments" // photos or a short video
	TypePhone       FieldType = "phone"       // a Serbian phone number
	TypeEmail       FieldType = "email"
	TypeContact     FieldType = "contact" // a phone number or an e-mail address
	TypeJMBG        FieldType = "jmbg"    // validated, encrypted at rest, masked everywhere
)

var fieldTypes = []FieldType{TypeChoice, TypeYesNo, TypeText, TypeName, TypeLocation, TypeAttachments, TypePhone, TypeEmail, TypeContact, TypeJMBG}

// Option is one answer of a choice field.
type Option struct {
	Value string `yaml:"value"`
	Label string `yaml:"label"`
	// FeeExempt marks a purpose exempt from the republic administrative tax.
	FeeExempt bool `yaml:"fee_exempt"`
}

// Field is one question of a form.
type Field struct {
	Name     string    `yaml:"name"`
	Type     FieldType `yaml:"type"`
	Label    string    `yaml:"label"`  // shown in the summary and the change menu
	Prompt   string    `yaml:"prompt"` // the question, Serbian Latin
	Options  []Option  `yaml:"options"`
	MinLen   int       `yaml:"min_len"`
	MaxLen   int       `yaml:"max_len"`
	Optional bool      `yaml:"optional"` // may be skipped with the "Preskoči" button
	// When makes the field apply only when earlier fields have these values;
	// "a|b" allows either ("births|marriages|deaths": the extracts, not the
	// citizenship certificate, come on a domestic or an international form).
	When map[string]string `yaml:"when"`
	// Sensitive values are encrypted in the draft and the case, hidden
	// from the model and masked wherever they are shown but to staff.
	Sensitive bool `yaml:"sensitive"`
	// Meaning is what a text field's value must be besides its length:
	// MeaningProblem or MeaningAddress (meaning.go). Any text field
	// refuses a question about services.
	Meaning string `yaml:"meaning"`
	// SettlementOf names a location field that answers this yes/no field:
	// "yes" when the location names one of the municipality's settlements
	// (villages), "no" when it names only the seat. It is asked when the
	// location says neither.
	SettlementOf string `yaml:"settlement_of"`
	// About are words naming what the field asks about, matched on stems
	// (any case ending, either script): a refusal naming them said while
	// another question is asked ("nemam sliku" at the village question)
	// answers this field, and not the one asked (refusedAside).
	About []string `yaml:"about"`
	// Open marks a choice whose options are the usual answers, not the
	// only ones: an answer in the citizen's own words that names none of
	// them ("za banku" asked the purpose) is the catch-all option
	// (OtherValue), not refused. A choice whose every answer has a
	// consequence (a category routes a report) is not open.
	Open bool `yaml:"open"`
}

// OtherValue is the value of a choice's catch-all option ("Ostalo").
const OtherValue = "other"

// Option returns the option with the given value.
func (f *Field) Option(value string) (Option, bool) {
	for _, o := range f.Options {
		if o.Value == value {
			return o, true
		}
	}
	return Option{}, false
}

// Definition is a form: its fields in the order they are asked and the
// summary shown before confirmation.
type Definition struct {
	Name        string  `yaml:"name"` // also the model's tool name
	Kind        string  `yaml:"kind"` // KP or IZ, the reference number's middle part
	Title       string  `yaml:"title"`
	Description string  `yaml:"description"` // the tool's description
	Fields      []Field `yaml:"fields"`
	Summary     string  `yaml:"summary"` // text/template over the fields' display values
	// Internal forms are started by the engine's own flows (a message
	// left for staff), never offered to the model as a tool.
	Internal bool `yaml:"internal"`

	summary *template.Template
	// summaryIjekavian is the summary with its wording in ijekavian
	// (serbian.IjekavianTemplate), for an ijekavian municipality.
	summaryIjekavian *template.Template
}

// Field returns the field with the given name.
func (d *Definition) Field(name string) (*Field, bool) {
	for i := range d.Fields {
		if d.Fields[i].Name == name {
			return &d.Fields[i], true
		}
	}
	return nil, false
}

// applies reports whether the field's When conditions hold for values.
func (f *Field) applies(values map[string]string) bool {
	for k, v := range f.When {
		if !slices.Contains(strings.Split(v, "|"), values[k]) {
			return false
		}
	}
	return true
}

// decided reports whether every field f's condition names is answered,
// so that whether f applies is known.
func (f *Field) decided(values map[string]string) bool {
	for k := range f.When {
		if _, ok := values[k]; !ok {
			return false
		}
	}
	return true
}

//go:embed definitions/*.yaml
var definitionFiles embed.FS

var definitions = mustLoadDefinitions()

// Definitions returns the embedded form definitions by name.
func Definitions() map[string]*Definition {
	out := make(map[string]*Definition, len(definitions))
	for k, v := range definitions {
		out[k] = v
	}
	return out
}

// Lookup returns the definition of a form.
func Lookup(name string) (*Definition, bool) {
	d, ok := definitions[name]
	return d, ok
}

func mustLoadDefinitions() map[string]*Definition {
	out := map[string]*Definition{}
	for _, f := range []string{"communal_report.yaml", "registry_extract.yaml", "inquiry.yaml"} {
		data, err := definitionFiles.ReadFile("definitions/" + f)
		if err != nil {
			panic(err)
		}
		d, err := ParseDefinition(data)
		if err != nil {
			panic(fmt.Sprintf("forms: %s: %v", f, err))
		}
		out[d.Name] = d
	}
	return out
}

// ParseDefinition parses and checks one form definition. Unknown keys are
// an error, so a misspelt key cannot silently drop a rule.
func ParseDefinition(data []byte) (*Definition, error) {
	var d Definition
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&d); err != nil {
		return nil, fmt.Errorf("parse form definition: %w", err)
	}
	if err := d.check(); err != nil {
		return nil, err
	}
	t, err := template.New(d.Name).Option("missingkey=zero").Parse(d.Summary)
	if err != nil {
		return nil, fmt.Errorf("%s: summary: %w", d.Name, err)
	}
	d.summary = t
	if d.summaryIjekavian, err = template.New(d.Name).Option("missingkey=zero").Parse(serbian.IjekavianTemplate(d.Summary)); err != nil {
		return nil, fmt.Errorf("%s: ijekavian summary: %w", d.Name, err)
	}
	return &d, nil
}

func (d *Definition) check() error {
	if d.Name == "" || !slices.Contains([]string{KindCommunalReport, KindRegistryExtract, KindInquiry}, d.Kind) {
		return fmt.Errorf("form %q: needs a name and kind KP, IZ or UP", d.Name)
	}
	seen := map[string]bool{}
	for _, f := range d.Fields {
		switch {
		case f.Name == "" || seen[f.Name]:
			return fmt.Errorf("%s: field name %q empty or repeated", d.Name, f.Name)
		case !slices.Contains(fieldTypes, f.Type):
			return fmt.Errorf("%s.%s: unknown type %q", d.Name, f.Name, f.Type)
		case f.Prompt == "" || f.Label == "":
			return fmt.Errorf("%s.%s: needs a prompt and a label", d.Name, f.Name)
		case f.Type == TypeChoice && len(f.Options) == 0:
			return fmt.Errorf("%s.%s: a choice needs options", d.Name, f.Name)
		}
		if _, ok := f.Option(OtherValue); f.Open && (f.Type != TypeChoice || !ok) {
			return fmt.Errorf("%s.%s: open needs a choice with an option %q", d.Name, f.Name, OtherValue)
		}
		if f.Meaning != "" && (f.Type != TypeText || !slices.Contains([]string{MeaningProblem, MeaningAddress, MeaningMessage}, f.Meaning)) {
			return fmt.Errorf("%s.%s: meaning %q: expected %q, %q or %q on a text field", d.Name, f.Name, f.Meaning, MeaningProblem, MeaningAddress, MeaningMessage)
		}
		if f.SettlementOf != "" {
			if lf, ok := d.Field(f.SettlementOf); f.Type != TypeYesNo || !ok || lf.Type != TypeLocation {
				return fmt.Errorf("%s.%s: settlement_of needs a yes/no field and a location field", d.Name, f.Name)
			}
		}
		for k := range f.When {
			if !seen[k] {
				return fmt.Errorf("%s.%s: when refers to %q, which is not an earlier field", d.Name, f.Name, k)
			}
		}
		seen[f.Name] = true
	}
	if d.Summary == "" {
		return fmt.Errorf("%s: summary is empty", d.Name)
	}
	return nil
}

// promptIn returns the field's question for citizens of m: an example
// phone number ({phone_example}) in their country's plan.
func (f *Field) promptIn(m *municipality.Municipality) string {
	return strings.ReplaceAll(f.Prompt, "{phone_example}", PhoneExample(m))
}

// ToolSchema returns the JSON Schema of the tool a model calls to fill the
// form: one string property per field a model can fill (attachments come
// only from the channel), enums for choices. Every property is optional:
// the model passes what the citizen said, the server validates and asks
// for the rest.
func (d *Definition) ToolSchema() json.RawMessage {
	props := map[string]any{}
	for _, f := range d.Fields {
		if f.Type == TypeAttachments {
			continue
		}
		p := map[string]any{"type": "string", "description": f.Label + ". " + f.promptIn(nil)}
		switch f.Type {
		case TypeChoice:
			var vals []string
			var desc []string
			for _, o := range f.Options {
				vals = append(vals, o.Value)
				desc = append(desc, o.Value+" = "+o.Label)
			}
			p["enum"] = vals
			p["description"] = f.Label + ": " + strings.Join(desc, "; ")
		case TypeYesNo:
			p["enum"] = []string{"yes", "no"}
		case TypeJMBG:
			p["pattern"] = `^[0-9]{13}$`
		case TypeLocation:
			p["description"] = f.Label + ": adresa (ulica i broj, mesto) koju je građanin napisao"
		}
		props[f.Name] = p
	}
	schema := map[string]any{
		"type":                 "object",
		"properties":           props,
		"additionalProperties": false,
	}
	b, err := json.Marshal(schema)
	if err != nil {
		panic(err) // only strings and maps: cannot fail
	}
	return b
}
