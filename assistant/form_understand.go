package assistant

import (
	"context"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/miasrbija/mia/forms"
	"github.com/miasrbija/mia/nlu"
)

// formMove is what a typed message does to the form in progress: answer
// it, step aside from it, or act as one of the form's buttons (the move
// is then the button's payload).
type formMove string

const (
	moveAnswer    formMove = ""
	moveAside     formMove = "aside"     // a question or small talk: answered, the form waits
	moveEmergency formMove = "emergency" // answered first by the router; the form waits
	moveCancel             = formMove(forms.PayloadCancel)
	moveConfirm            = formMove(forms.PayloadConfirm)
	moveChange             = formMove(forms.PayloadChange)
	moveSkip               = formMove(forms.PayloadSkip)
)

// readMove reads a typed message inside a form. The classifier was given
// the form, so a message that only gives values reads as nlu.Inform; a
// message the classifier is unsure of is an answer, and the form's own
// validation has the last word. A value understood for the question being
// asked makes the message an answer whatever else it seems to be.
func readMove(r nlu.Result, raw string, d *forms.Draft, media bool) formMove {
	if svc := emergencyOf(routeWords(raw)); r.Intent == nlu.Emergency || svc != "" && r.Clarify {
		return moveEmergency
	}
	if r.Clarify || media {
		return moveAnswer
	}
	if _, ok := r.Slots[d.Current]; ok && d.Current != "" {
		return moveAnswer
	}
	f := currentField(d)
	if f != nil && f.Meaning == forms.MeaningMessage {
		return moveAnswer // a message for staff may ask anything
	}
	switch r.Intent {
	case nlu.Cancel:
		// A word or two ("neću", "ne želim") to a yes/no or optional
		// question is its answer; a sentence ("ma ništa, odustajem od
		// prijave") leaves the form.
		if f != nil && (f.Type == forms.TypeYesNo || f.Optional) && len(routeWords(raw)) <= 2 {
			return moveAnswer
		}
		return moveCancel
	case nlu.Confirm:
		if f == nil {
			return moveConfirm
		}
	case nlu.Deny:
		switch {
		case f == nil:
			return moveChange
		case f.Optional && f.Type == forms.TypeAttachments:
			return moveSkip
		}
	case nlu.Info, nlu.Status, nlu.Handover, nlu.Greeting, nlu.Thanks, nlu.OutOfScope, nlu.Abuse:
		return moveAside
	}
	return moveAnswer
}

// currentField returns the field being asked, nil at the summary.
func currentField(d *forms.Draft) *forms.Field {
	def, ok := forms.Lookup(d.Form)
	if !ok || d.Current == "" {
		return nil
	}
	f, ok := def.Field(d.Current)
	if !ok {
		return nil
	}
	return f
}

// formValues are the slots a message inside a form fills. The question
// being asked takes its understood value (a choice matched by synonyms,
// a JMBG out of "Petar Petrović, JMBG …"), except free text, which the
// message itself answers. Other fields are filled when still empty, and
// changed only when the citizen corrects them ("ipak nije rasveta nego
// kontejner"). A description is taken only as the answer to its own
// question or a correction: any message describes something.
func formValues(r nlu.Result, d *forms.Draft) map[string]string {
	def, ok := forms.Lookup(d.Form)
	if !ok {
		return nil
	}
	out := map[string]string{}
	for k, v := range r.Slots {
		f, ok := def.Field(k)
		if !ok {
			continue // case_ref and the like belong to no field
		}
		correct := r.Intent == nlu.Correct
		switch {
		case k == d.Current:
			if f.Type != forms.TypeText && f.Type != forms.TypeLocation {
				out[k] = v
			}
		case f.Type == forms.TypeText:
			if correct {
				out[k] = v
			}
		case d.Value(k) == "":
			out[k] = v
		case correct && (f.Type != forms.TypeLocation || namesPlace(v)):
			// A correction names what changes; a landmark said in passing
			// ("kontejner pored stuba") does not replace an address.
			out[k] = v
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// aside answers a message that is not meant for the open form (a question,
// a greeting, a request for a person) and then reminds the citizen of the
// form with its current question and buttons. Nothing is stored in the
// form.
func (e *Engine) aside(ctx context.Context, st *turnState, t Turn, d *forms.Draft) error {
	if err := e.route(ctx, st, t, st.text); err != nil {
		return err
	}
	if st.reply.Route == RouteForm || st.reply.Route == RouteFormStart {
		return nil // routing itself resumed the form
	}
	step, err := e.cfg.Forms.Start(ctx, forms.StartInput{
		ConversationID: st.conv, Municipality: st.m.Slug, Channel: string(t.Channel), ChannelUser: t.UserID, Form: d.Form,
	})
	if err != nil {
		return err
	}
	more := "\n\n" + mirror(step.Prompt, st.script)
	st.reply.Text += more
	if st.record != "" && st.recordOf != "" {
		st.record, st.recordOf = st.record+more, st.reply.Text
	}
	var buttons []QuickReply
	for _, b := range step.Buttons {
		buttons = append(buttons, QuickReply{Label: mirror(b.Label, st.script), Payload: b.Payload})
	}
	st.reply.QuickReplies = buttons
	st.emit(Event{Kind: EventDelta, Text: more})
	if len(buttons) > 0 {
		st.emit(Event{Kind: EventQuickReply, QuickReplies: buttons})
	}
	return nil
}

// namesPlace reports whether a location names a place of its own: a house
// number or a proper name (a street, a settlement), not only a landmark.
func namesPlace(v string) bool {
	for i, w := range strings.Fields(v) {
		r, _ := utf8.DecodeRuneInString(w)
		if unicode.IsDigit(r) || i > 0 && unicode.IsUpper(r) {
			return true
		}
	}
	return false
}
