package forms

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/miasrbija/mia/municipality"
)

// What a step says: the question, the summary, the change menu.

var (
	btnCancel  = Button{Label: "Otkaži", Payload: PayloadCancel}
	btnConfirm = Button{Label: "Potvrdi", Payload: PayloadConfirm}
	btnChange  = Button{Label: "Izmeni", Payload: PayloadChange}
)

// stepFor builds the question for the draft's current field, or the
// summary, preceded by what the input did (out, nil for none):
// attachments received, values understood or corrected, a new
// responsible body, refused values explained, a hint.
func (s *Service) stepFor(m *municipality.Municipality, d *Draft, out *outcome) *Step {
	def := mustDef(d.Form)
	if out == nil {
		out = &outcome{}
	}
	// Every fixed text goes through m.Say (ijekavian for an ijekavian
	// municipality); the citizen's own values are written as given.
	st := &Step{DraftID: d.ID, Form: d.Form, Status: d.Status, Errors: sayErrors(m, out.errs)}
	var b strings.Builder
	b.WriteString(m.Say(receivedLine(out.photos, out.videos)))
	b.WriteString(def.echoLine(m, "Razumeo sam: ", out.understood, d.values))
	b.WriteString(def.echoLine(m, "Ispravljeno: ", out.corrected, d.values))
	b.WriteString(def.echoLine(m, "Dopunjeno: ", out.completed, d.values))
	if out.rerouted != "" {
		b.WriteString(m.Say("Prijavu sada prosleđujemo: ") + out.rerouted + ".\n")
	}
	for _, e := range st.Errors {
		b.WriteString("⚠ " + e.Message + "\n")
	}
	if out.hint != "" {
		b.WriteString(m.Say(out.hint) + "\n")
	}
	masks := def.sensitiveValues(d.values)
	if d.Status == DraftConfirming {
		st.Summary = def.summaryText(m, d.values)
		b.WriteString(st.Summary)
		st.Buttons = sayButtons(m, []Button{btnConfirm, btnChange, btnCancel})
		st.Prompt = b.String()
		st.Record = hideValues(st.Prompt, masks)
		return st
	}
	f, _ := def.Field(d.Current)
	st.Field = f.Name
	b.WriteString(m.Say(f.promptIn(m)))
	switch f.Type {
	case TypeChoice:
		for _, o := range f.Options {
			st.Buttons = append(st.Buttons, Button{Label: m.Say(o.Label), Payload: PayloadSet + f.Name + "=" + o.Value})
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
	st.Buttons = sayButtons(m, append(st.Buttons, btnCancel))
	st.Prompt = b.String()
	st.Record = hideValues(st.Prompt, masks) // the echoes may carry values
	return st
}

// sayButtons puts the buttons' labels in m's variant.
func sayButtons(m *municipality.Municipality, bs []Button) []Button {
	if !m.IsIjekavian() {
		return bs
	}
	out := make([]Button, len(bs))
	for i, b := range bs {
		out[i] = Button{Label: m.Say(b.Label), Payload: b.Payload}
	}
	return out
}

// sayErrors puts refusals in m's variant. A refusal is MIA's wording
// (a label, an explanation, the options, the municipality's name), never
// the refused text itself.
func sayErrors(m *municipality.Municipality, errs []FieldError) []FieldError {
	if !m.IsIjekavian() || len(errs) == 0 {
		return errs
	}
	out := make([]FieldError, len(errs))
	for i, e := range errs {
		out[i] = FieldError{Field: e.Field, Message: m.Say(e.Message)}
	}
	return out
}

// receivedLine acknowledges the attachments an input added.
func receivedLine(photos, videos int) string {
	switch n := photos + videos; {
	case n == 0:
		return ""
	case n > 1:
		return fmt.Sprintf("Primljeno priloga: %d.\n", n)
	case videos == 1:
		return "Primio sam video.\n"
	}
	return "Primio sam fotografiju.\n"
}

// echoLine lists fields with their display values ("vrsta problema —
// Javna rasveta; lokacija — Venac Petra Bojovića 12"), in definition
// order, leaving out attachments received (acknowledged apart) and fields
// that no longer apply; attachments refused show as skipped.
func (def *Definition) echoLine(m *municipality.Municipality, lead string, names []string, values map[string]string) string {
	var parts []string
	for i := range def.Fields {
		f := &def.Fields[i]
		v, ok := values[f.Name]
		if !ok || f.Type == TypeAttachments && v != "" || !slices.Contains(names, f.Name) || !f.applies(values) {
			continue
		}
		dv := displayValueIn(m, f, v)
		if dv == "" {
			dv = m.Say("preskočeno")
		}
		parts = append(parts, m.Say(lowerFirst(f.Label))+" — "+dv)
	}
	if len(parts) == 0 {
		return ""
	}
	return m.Say(lead) + strings.Join(parts, "; ") + ".\n"
}

// lowerFirst lower-cases a label's first letter unless the word is an
// abbreviation (JMBG).
func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	if r2, _ := utf8.DecodeRuneInString(s[n:]); unicode.IsUpper(r2) {
		return s
	}
	return string(unicode.ToLower(r)) + s[n:]
}

// changeMenu offers the answered fields to change.
func (s *Service) changeMenu(m *municipality.Municipality, def *Definition, d *Draft) *Step {
	st := &Step{DraftID: d.ID, Form: d.Form, Status: d.Status, Field: d.Current, Prompt: m.Say("Šta želite da promenite?")}
	for _, f := range def.Fields {
		if _, ok := d.values[f.Name]; ok && f.applies(d.values) {
			st.Buttons = append(st.Buttons, Button{Label: f.Label, Payload: PayloadChangeField + f.Name})
		}
	}
	st.Buttons = sayButtons(m, append(st.Buttons, btnCancel))
	return st
}

// summaryText renders the summary with display values (JMBG masked), its
// wording in m's variant and the citizen's values as given.
func (def *Definition) summaryText(m *municipality.Municipality, values map[string]string) string {
	view := map[string]string{}
	for _, f := range def.Fields {
		if v, ok := values[f.Name]; ok && f.applies(values) {
			view[f.Name] = displayValueIn(m, &f, v)
		}
	}
	t := def.summary
	if m.IsIjekavian() {
		t = def.summaryIjekavian
	}
	var b bytes.Buffer
	if err := t.Execute(&b, view); err != nil {
		return m.Say(def.Title) // the templates are checked by tests; never the values
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
