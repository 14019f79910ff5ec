package assistant

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/miasrbija/mia/forms"
	"github.com/miasrbija/mia/llm"
	"github.com/miasrbija/mia/prompts"
	"github.com/miasrbija/mia/serbian"
)

// With a model, the model decides whether a message files a case: every
// information turn offers it the form tools along with the passages, so a
// report the offline classifier misses still starts its form when the
// model calls the tool. The call's values fill the form as typed answers
// would, and the form validates them and asks for the rest.

// formTools returns the tools offered with an information turn: one per
// form, none offline, without citizen services or without the turn (a
// form needs the citizen's channel).
func (e *Engine) formTools(t *Turn) []llm.Tool {
	if e.cfg.Chat == nil || e.cfg.Forms == nil || t == nil {
		return nil
	}
	defs := forms.Definitions()
	var tools []llm.Tool
	for _, name := range slices.Sorted(maps.Keys(defs)) {
		d := defs[name]
		if d.Internal {
			continue // started by the handover flow only
		}
		tools = append(tools, llm.Tool{Name: d.Name, Description: d.Title + ": " + d.Description, Parameters: d.ToolSchema()})
	}
	return tools
}

// toolInstructions tells the model when to call a form tool rather than
// answer, with the offline classifier's intent as a hint ("" when there is
// none). The instructions are in Latin whatever the citizen's script.
func (e *Engine) toolInstructions(st *turnState, hint string) string {
	text, err := prompts.Message(prompts.ModelTools, st.m, serbian.Latin, map[string]string{"intent": cmp.Or(hint, "nepoznato")})
	if err != nil {
		// Checked at start: only a broken build gets here. The tools'
		// own descriptions still say what they are for.
		e.cfg.Log.ErrorContext(st.logCtx, "render message", "name", prompts.ModelTools, "err", err)
	}
	return text
}

// modelFormCall reads the model's answer for a call of one of the offered
// form tools: the form and the values it passed. Values that are empty,
// name no field of the form or carry a masked placeholder ("[JMBG]": the
// model never sees the real one) are left out, so the form asks for them
// instead of refusing them. ok is false when no offered form was called.
func (e *Engine) modelFormCall(calls []llm.ToolCall, offered []llm.Tool) (form string, values map[string]string, ok bool) {
	for _, call := range calls {
		if !slices.ContainsFunc(offered, func(t llm.Tool) bool { return t.Name == call.Name }) {
			continue
		}
		def, known := forms.Lookup(call.Name)
		if !known {
			continue
		}
		var args map[string]any
		if err := json.Unmarshal([]byte(call.Arguments), &args); err != nil {
			// llm checks the JSON; an array or a string is still no call.
			continue
		}
		values = map[string]string{}
		for k, v := range args {
			if _, isField := def.Field(k); !isField || v == nil {
				continue
			}
			s := strings.TrimSpace(fmt.Sprint(v))
			if s == "" || placeholderRE.MatchString(s) {
				continue
			}
			values[k] = s
		}
		return def.Name, values, true
	}
	return "", nil, false
}

// startModelForm opens the form the model called for, filled with its
// call's values and with the location and photos sent with the message,
// and shows the form's next question. The values come from masked text:
// the notice that personal data was removed stays true.
func (e *Engine) startModelForm(ctx context.Context, st *turnState, t Turn, form string, values map[string]string) error {
	step, err := e.cfg.Forms.Start(ctx, forms.StartInput{
		ConversationID: st.conv, Municipality: st.m.Slug, Channel: string(t.Channel), ChannelUser: t.UserID, Form: form,
		Values: values, Location: formLocation(t.Location), Attachments: formAttachments(t.Attachments),
	})
	if err != nil {
		return fmt.Errorf("start %s from a model call: %w", form, err)
	}
	st.reply.Form = form
	e.stepReply(st, RouteFormStart, step)
	return nil
}
