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
	st := &Step{DraftID: d.ID, Form: d.Form, Status: d.Status, Errors: out.errs}
	var b strings.Builder
	b.WriteString(receivedLine(out.photos, out.videos))
	b.WriteString(def.echoLine("Razumeo sam: ", out.understood, d.values))
	b.WriteString(def.echoLine("Ispravljeno: ", out.corrected, d.values))
	b.WriteString(def.echoLine("Dopunjeno: ", out.completed, d.values))
	if out.rerouted != "" {
		b.WriteString("Prijavu sada prosleđujemo: " + out.rerouted + ".\n")
	}
	for _, e := range out.errs {
		b.WriteString("⚠ " + e.Message + "\n")
	}
	if out.hint != "" {
		b.WriteString(out.hint + "\n")
	}
	masks := def.sensitiveValues(d.values)
	if d.Status == DraftConfirming {
		st.Summary = def.summaryText(d.values)
		b.WriteString(st.Summary)
		st.Buttons = []Button{btnConfirm, btnChange, btnCancel}
		st.Prompt = b.String()
		st.Record = hideValues(st.Prompt, masks)
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
	st.Record = hideValues(st.Prompt, masks) // the echoes may carry values
	return st
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
// order, leaving out attachments (acknowledged apart) and fields that no
// longer apply.
func (def *Definition) echoLine(lead string, names []string, values map[string]string) string {
	var parts []string
	for i := range def.Fields {
		f := &def.Fields[i]
		v, ok := values[f.Name]
		if !ok || f.Type == TypeAttachments || !slices.Contains(names, f.Name) || !f.applies(values) {
			continue
		}
		dv := displayValue(f, v)
		if dv == "" {
			dv = "preskočeno"
		}
		parts = append(parts, lowerFirst(f.Label)+" — "+dv)
	}
	if len(parts) == 0 {
		return ""
	}
	return lead + strings.Join(parts, "; ") + ".\n"
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
