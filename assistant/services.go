package assistant

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"strconv"
	"strings"
	"time"

	"github.com/miasrbija/mia/fault"
	"github.com/miasrbija/mia/forms"
	"github.com/miasrbija/mia/llm"
	"github.com/miasrbija/mia/nlu"
	"github.com/miasrbija/mia/prompts"
)

// Services files citizens' cases through forms; *forms.Service is one.
type Services interface {
	Active(ctx context.Context, conversationID int64) (*forms.Draft, error)
	Start(ctx context.Context, in forms.StartInput) (*forms.Step, error)
	Step(ctx context.Context, d *forms.Draft, in forms.Input) (*forms.Step, error)
	LastFiled(ctx context.Context, conversationID int64) (*forms.Case, error)
	CaseForCitizen(ctx context.Context, municipality, ref, channel, channelUser string) (*forms.Case, error)
	CasesForCitizen(ctx context.Context, municipality, channel, channelUser string, limit int) ([]*forms.Case, error)
	// DraftTTL is how long an unfinished form is kept idle.
	DraftTTL() time.Duration
}

// formTurn gives the turn to an open form, or answers a form button that
// arrives after its form ended (a double click, a channel redelivery). It
// reports whether it answered. raw is the citizen's unmasked text: a form
// asks for a JMBG or a phone number on purpose (understanding runs in
// process; nothing of raw leaves it).
func (e *Engine) formTurn(ctx context.Context, st *turnState, t Turn, raw string) (bool, error) {
	draft, err := e.activeDraft(ctx, st)
	switch {
	case errors.Is(err, forms.ErrDraftExpired):
		return e.draftExpired(ctx, st, t, raw)
	case errors.Is(err, forms.ErrDraftDiscarded):
		return e.draftDiscarded(ctx, st, t, raw, err)
	case err != nil:
		return false, err
	case draft == nil:
		return e.noOpenForm(ctx, st, t, raw)
	}
	in := forms.Input{Text: raw, Payload: t.Payload, Location: formLocation(t.Location), Attachments: formAttachments(t.Attachments)}
	if t.Payload == "" && strings.TrimSpace(raw) != "" {
		r := e.cfg.Understand.Understand(raw, st.m, draft.Form)
		r.Slots = e.categoryAnswer(r, raw, st, draft)
		r.Slots = changedOptions(r, draft)
		switch move := readMove(r, raw, draft, len(t.Attachments) > 0 || t.Location != nil); move {
		case moveEmergency:
			return false, nil // an emergency is answered first; the form waits
		case moveAside:
			return true, e.aside(ctx, st, t, draft)
		case moveAnswer:
			in.Values = formValues(r, raw, draft)
		default:
			in.Payload = string(move)
		}
	}
	st.piiNotice = "" // the form asked for this data: it is kept, encrypted
	step, err := e.cfg.Forms.Step(ctx, draft, in)
	if errors.Is(err, forms.ErrDraftDiscarded) {
		return e.draftDiscarded(ctx, st, t, raw, err)
	}
	if err != nil {
		return false, err
	}
	e.stepReply(st, RouteForm, step)
	return true, nil
}

// categoryAnswer adds to the slots the category a typed answer to the
// category question describes, read like an opening message (the
// problem, by the category model when no option is named: "posle pijace
// ostaje sav otpad po ulici"); a question or small talk there is left
// alone.
func (e *Engine) categoryAnswer(r nlu.Result, raw string, st *turnState, d *forms.Draft) map[string]string {
	if d.Current != "category" || d.Form != FormCommunalReport || r.Slots["category"] != "" {
		return r.Slots
	}
	switch r.Intent {
	case nlu.Inform, nlu.Correct, nlu.CommunalReport:
	default:
		if !r.Clarify || strings.Contains(raw, "?") {
			return r.Slots
		}
	}
	c := e.cfg.Understand.Category(raw, st.m)
	if c == "" {
		return r.Slots
	}
	out := maps.Clone(r.Slots)
	if out == nil {
		out = map[string]string{}
	}
	out["category"] = c
	return out
}

// draftExpired tells the citizen, once, that their unfinished form was
// left idle too long and deleted with its data; the turn then goes on as
// if no form had been open.
func (e *Engine) draftExpired(ctx context.Context, st *turnState, t Turn, raw string) (bool, error) {
	hours := strconv.Itoa(int(e.cfg.Forms.DraftTTL().Round(time.Hour) / time.Hour))
	note := e.message(st, prompts.FormExpired, map[string]string{"hours": hours})
	if _, ok := strings.CutPrefix(t.Payload, "form:"); ok && t.Payload != "form:"+FormCommunalReport && t.Payload != "form:"+FormRegistryExtract {
		// A button of the expired form: the note is the whole answer.
		st.reply.Route, st.reply.Status, st.reply.Text = RouteForm, StatusAnswered, note
		st.reply.QuickReplies = e.quickReplies(st, mainServices)
		e.emitReply(st)
		return true, nil
	}
	st.notices = append(st.notices, note)
	return e.noOpenForm(ctx, st, t, raw)
}

// draftDiscarded tells the citizen that their form in progress could not
// be read (its data key is gone) and was deleted. A turn meant for that
// form (a cancel, a form button) gets only that; any other turn goes on
// as if no form had been open, the notice first.
func (e *Engine) draftDiscarded(ctx context.Context, st *turnState, t Turn, raw string, cause error) (bool, error) {
	e.cfg.Log.WarnContext(ctx, "unreadable draft discarded", "conversation", st.conv, "err", cause)
	control := false // a button of the lost form (confirm, cancel, a choice)
	if name, ok := strings.CutPrefix(t.Payload, "form:"); ok {
		_, isForm := forms.Lookup(name)
		control = !isForm
	}
	if ws := routeWords(raw); control || t.Payload == "" && len(ws) == 1 && cancelWords[ws[0]] {
		e.say(st, RouteForm, StatusAnswered, prompts.FormDiscarded, mainServices)
		return true, nil
	}
	st.notices = append(st.notices, e.message(st, prompts.FormDiscarded, nil))
	return e.noOpenForm(ctx, st, t, raw)
}

// cancelWords are the typed words with which forms take a cancel.
var cancelWords = wordSet("otkaži otkazi odustani odustajem prekini cancel")

// noOpenForm answers, when no form is open, a confirmation of a form that
// was filed from this conversation: a stale "Potvrdi" button (a double
// click, a channel's redelivery, an old message), or "potvrdi" or "da"
// typed again right after the filing reply. It says the case was already
// filed and gives its reference; nothing is filed twice. Any other button
// of an ended form (cancel, skip, a choice) is told the form is closed. It
// reports whether it answered; typed text is otherwise left to routing.
func (e *Engine) noOpenForm(ctx context.Context, st *turnState, t Turn, raw string) (bool, error) {
	typed := t.Payload == "" && isTypedConfirm(raw)
	if t.Payload == forms.PayloadConfirm || typed {
		c, err := e.cfg.Forms.LastFiled(ctx, st.conv)
		switch {
		case errors.Is(err, fault.ErrNotFound) || err == nil && c == nil:
		case err != nil:
			return false, fmt.Errorf("last filed case: %w", err)
		case typed:
			// "Da" is a confirmation only as the answer to the filing:
			// the reply before it must have named this case.
			ok, err := e.lastAnswerNames(ctx, st, c.Ref)
			if err != nil || !ok {
				return false, err
			}
			e.filedReply(st, c)
			return true, nil
		default:
			e.filedReply(st, c)
			return true, nil
		}
	}
	if name, ok := strings.CutPrefix(t.Payload, "form:"); ok {
		if _, isForm := forms.Lookup(name); !isForm {
			e.say(st, RouteForm, StatusAnswered, prompts.FormClosed, mainServices)
			return true, nil
		}
	}
	return false, nil
}

// filedReply says that c was already filed.
func (e *Engine) filedReply(st *turnState, c *forms.Case) {
	text := e.message(st, prompts.FormAlreadyFiled, map[string]string{"ref": c.Ref, "status": st.m.Say(c.Status.Label())})
	if c.NextSteps != "" {
		text += "\n" + mirror(c.NextSteps, st.script)
	}
	st.reply.Route, st.reply.Status, st.reply.Form = RouteForm, StatusAnswered, c.Form
	st.reply.Text = text
	e.emitReply(st)
}

// typedConfirm are the words with which forms take a typed confirmation.
var typedConfirm = wordSet("potvrdi potvrđujem potvrdjujem potvrdujem pošalji da tačno jeste")

// isTypedConfirm reports whether text is only a confirmation ("Da.",
// "potvrđujem").
func isTypedConfirm(text string) bool {
	ws := routeWords(text)
	for _, w := range ws {
		if !typedConfirm[w] {
			return false
		}
	}
	return len(ws) > 0 && len(ws) <= 3
}

// lastAnswerNames reports whether the reply before the current turn
// carries the case reference ref.
func (e *Engine) lastAnswerNames(ctx context.Context, st *turnState, ref string) (bool, error) {
	hist, err := e.cfg.Memory.History(ctx, st.conv, 2) // that reply and this turn's message
	if err != nil {
		return false, err
	}
	return len(hist) == 2 && hist[0].Role == "assistant" && FindCaseRef(hist[0].Content) == ref, nil
}

// startForm opens a form pre-filled with what the opening message
// carried: the slots understood offline, the location and photos sent with
// it, and with a model, what the model read from it (a tool call); the
// form validates every value and asks only for what is missing.
func (e *Engine) startForm(ctx context.Context, st *turnState, t Turn, form string, slots map[string]string) error {
	values := map[string]string{}
	for k, v := range slots {
		values[k] = v // a button carries none, or the category it offered
	}
	if t.Payload == "" {
		if e.cfg.Chat != nil && strings.TrimSpace(st.text) != "" {
			for k, v := range e.extractFields(ctx, st, form) {
				if _, ok := values[k]; !ok {
					values[k] = v // the offline reading wins: it saw the unmasked text
				}
			}
		}
	}
	st.piiNotice = "" // the form asked for this data: it is kept, encrypted
	step, err := e.cfg.Forms.Start(ctx, forms.StartInput{
		ConversationID: st.conv, Municipality: st.m.Slug, Channel: string(t.Channel), ChannelUser: t.UserID, Form: form,
		Values: values, Location: formLocation(t.Location), Attachments: formAttachments(t.Attachments),
	})
	if err != nil {
		return err
	}
	st.reply.Form = form
	e.stepReply(st, RouteFormStart, step)
	return nil
}

// extractFields asks the model to fill the form's fields from the
// citizen's (masked) message through the form's tool. Any failure leaves
// the guided flow to ask field by field: it is never an error.
func (e *Engine) extractFields(ctx context.Context, st *turnState, form string) map[string]string {
	def, ok := forms.Lookup(form)
	if !ok {
		return nil
	}
	mctx, cancel := context.WithTimeout(ctx, e.cfg.TurnBudget)
	defer cancel()
	temp := 0.0
	req := llm.ChatRequest{
		Messages: []llm.Message{
			{Role: llm.RoleSystem, Content: e.message(st, "form_extract", nil)},
			{Role: llm.RoleUser, Content: st.text},
		},
		Tools:       []llm.Tool{{Name: def.Name, Description: def.Name, Parameters: def.ToolSchema()}},
		Temperature: &temp,
	}
	var out *llm.ChatResult
	var err error
	e.slots.outside(ctx, st, func() { out, err = e.cfg.Chat.Stream(mctx, req, nil) })
	if out != nil {
		st.answer.PromptTokens += out.Usage.PromptTokens
		st.answer.CompletionTokens += out.Usage.CompletionTokens
	}
	if err != nil {
		e.cfg.Log.WarnContext(ctx, "form extraction failed, asking field by field", "err", err)
		st.answer.Error = err.Error()
		return nil
	}
	for _, call := range out.ToolCalls {
		if call.Name != def.Name {
			continue
		}
		var args map[string]any
		if err := json.Unmarshal([]byte(call.Arguments), &args); err != nil {
			return nil
		}
		values := map[string]string{}
		for k, v := range args {
			if s := strings.TrimSpace(fmt.Sprint(v)); s != "" && v != nil {
				values[k] = s
			}
		}
		return values
	}
	return nil
}

// caseStatus answers "what about my report": only to the citizen who
// filed it, on the channel they used.
func (e *Engine) caseStatus(ctx context.Context, st *turnState, t Turn, ref string) error {
	if ref == "" {
		// "Šta je s mojom prijavom?": the citizen's own cases, found by
		// the channel identity they filed them with, need no number.
		cs, err := e.cfg.Forms.CasesForCitizen(ctx, st.m.Slug, string(t.Channel), t.UserID, ownCasesShown)
		if err != nil {
			return err
		}
		switch len(cs) {
		case 0:
			e.say(st, RouteStatus, StatusAnswered, "status_ask_ref", nil)
		case 1:
			e.caseReply(st, RouteStatus, forms.StatusText(st.m, cs[0]))
		default:
			var b strings.Builder
			b.WriteString(e.message(st, prompts.StatusOwnCases, nil))
			for _, c := range cs {
				b.WriteString("\n• " + mirror(forms.StatusText(st.m, c), st.script))
			}
			st.reply.Route, st.reply.Status, st.reply.Text = RouteStatus, StatusAnswered, b.String()
			e.emitReply(st)
		}
		return nil
	}
	c, err := e.cfg.Forms.CaseForCitizen(ctx, st.m.Slug, ref, string(t.Channel), t.UserID)
	if errors.Is(err, fault.ErrNotFound) {
		st.reply.Route, st.reply.Status = RouteStatus, StatusAnswered
		st.reply.Text = e.message(st, "status_not_found", map[string]string{"ref": ref})
		e.emitReply(st)
		return nil
	}
	if err != nil {
		return err
	}
	e.caseReply(st, RouteStatus, forms.StatusText(st.m, c))
	return nil
}

// ownCasesShown is how many of a citizen's own cases a status question
// without a number lists.
const ownCasesShown = 3

func (e *Engine) caseReply(st *turnState, route Route, text string) {
	st.reply.Route, st.reply.Status = route, StatusAnswered
	st.reply.Text = mirror(text, st.script)
	e.emitReply(st)
}

// stepReply shows a form step: its prompt and buttons in the citizen's script.
func (e *Engine) stepReply(st *turnState, route Route, step *forms.Step) {
	st.reply.Route, st.reply.Status = route, StatusAnswered
	st.reply.Form = step.Form
	st.reply.Text = mirror(step.Prompt, st.script)
	// The record keeps the step with the citizen's sensitive values masked.
	st.record, st.recordOf = mirror(cmp.Or(step.Record, step.Prompt), st.script), st.reply.Text
	for _, b := range step.Buttons {
		st.reply.QuickReplies = append(st.reply.QuickReplies, QuickReply{Label: mirror(b.Label, st.script), Payload: b.Payload})
	}
	if step.Case != nil {
		st.reply.CaseRef = step.Case.Ref
	}
	e.emitReply(st)
}

func formLocation(l *Location) *forms.Location {
	if l == nil {
		return nil
	}
	return &forms.Location{Lat: l.Lat, Lon: l.Lon, Address: l.Address}
}

func formAttachments(as []Attachment) []forms.Attachment {
	var out []forms.Attachment
	for _, a := range as {
		out = append(out, forms.Attachment{Name: a.Name, ContentType: a.MIME, Data: a.Data})
	}
	return out
}
