package forms

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/miasrbija/mia/municipality"
)

// What a step says: the question, the summary, the change menu.

var (
	btnCancel  = Button{Label: "Otkaži", Payload: PayloadCancel}
	btnConfirm = Button{Label: "Potvrdi", Payload: PayloadConfirm}
	btnChange  = Button{Label: "Izmeni", Payload: PayloadChange}
)

// stepFor builds the question for the draft's current field, or the
// summary, preceded by the refused values explained.
func (s *Service) stepFor(m *municipality.Municipality, d *Draft, errs []FieldError) *Step {
	def := mustDef(d.Form)
	st := &Step{DraftID: d.ID, Form: d.Form, Status: d.Status, Errors: errs}
	var b strings.Builder
	for _, e := range errs {
		b.WriteString("⚠ " + e.Message + "\n")
	}
	if d.Status == DraftConfirming {
		st.Summary = def.summaryText(d.values)
		b.WriteString(st.Summary)
		st.Buttons = []Button{btnConfirm, btnChange, btnCancel}
		st.Prompt = b.String()
		st.Record = hideValues(st.Prompt, def.sensitiveValues(d.values))
		return st
	}
	f, _ := def.Field(d.Current)
	st.Field = f.Name
	b.WriteString(f.Prompt)
	switch f.Type {
	case TypeChoice:
		for _, o := range f.Options {
			st.Buttons = append(st.Buttons, Button{Label: o.Label, Payload: PayloadSet + f.Name + "=" + o.Value})
		}
	case TypeYesNo:
		st.Buttons = []Button{{Label: "Da", Payload: PayloadSet + f.Name + "=yes"}, {Label: "Ne", Payload: PayloadSet + f.Name + "=no"}}
	case TypeAttachments:
		if n, _ := strconv.Atoi(d.values[f.Name]); n > 0 {
			b.WriteString(fmt.Sprintf(" (primljeno: %d)", n))
		}
	}
	if f.Optional {
		st.Buttons = append(st.Buttons, Button{Label: "Preskoči", Payload: PayloadSkip})
	}
	st.Buttons = append(st.Buttons, btnCancel)
	st.Prompt = b.String()
	st.Record = st.Prompt // a question echoes no value
	return st
}

// changeMenu offers the answered fields to change.
func (s *Service) changeMenu(def *Definition, d *Draft) *Step {
	st := &Step{DraftID: d.ID, Form: d.Form, Status: d.Status, Field: d.Current, Prompt: "Šta želite da promenite?"}
	for _, f := range def.Fields {
		if _, ok := d.values[f.Name]; ok && f.applies(d.values) {
			st.Buttons = append(st.Buttons, Button{Label: f.Label, Payload: PayloadChangeField + f.Name})
		}
	}
	st.Buttons = append(st.Buttons, btnCancel)
	return st
}

// summaryText renders the summary with display values (JMBG masked).
func (def *Definition) summaryText(values map[string]string) string {
	view := map[string]string{}
	for _, f := range def.Fields {
		if v, ok := values[f.Name]; ok && f.applies(values) {
			view[f.Name] = displayValue(&f, v)
		}
	}
	var b bytes.Buffer
	if err := def.summary.Execute(&b, view); err != nil {
		return def.Title // the templates are checked by tests; never the values
	}
	return b.String()
}

// filedStep tells the citizen the case is filed. The next steps may
// name the e-mail or postal address the document goes to: in clear only
// when c carries its private values (just filed), masked in the record.
func (s *Service) filedStep(m *municipality.Municipality, d *Draft, c *Case) *Step {
	return &Step{DraftID: d.ID, Form: d.Form, Status: DraftSubmitted, Case: c, Done: true, Prompt: c.NextSteps,
		Record: c.NextStepsRecord()}
}
