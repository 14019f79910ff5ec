package assistant

import (
	"context"
	"time"

	"github.com/miasrbija/mia/serbian"
)

// AnswerTurn runs a typed message as an information turn through
// answerTurn with the given hint, and records it as Handle does: it is
// what Handle does with a message the offline classifier reads as a
// question, whatever the classifier makes of the text today, so the model
// path (a report the classifier misses) is tested on its own.
func (e *Engine) AnswerTurn(ctx context.Context, t Turn, hint string, emit func(Event)) (*Reply, error) {
	m, err := e.cfg.Municipalities.Get(t.Municipality)
	if err != nil {
		return nil, err
	}
	conv, err := e.cfg.Memory.Conversation(ctx, m.Slug, t.Channel, t.UserID)
	if err != nil {
		return nil, err
	}
	text, _ := MaskPII(t.Text)
	st := &turnState{logCtx: ctx, m: m, conv: conv, text: text, script: serbian.DetectScript(text), emit: emit,
		reply: &Reply{ConversationID: conv}, started: time.Now()}
	if st.script == serbian.Unknown {
		st.script = serbian.Latin
	}
	if err := e.cfg.Memory.SaveUser(ctx, conv, m.Slug, text, st.script); err != nil {
		return nil, err
	}
	if err := e.answerTurn(ctx, st, &t, RouteInfo, hint); err != nil {
		return nil, err
	}
	st.reply.Script = st.script
	st.answer.Reply = st.reply
	if err := e.cfg.Memory.SaveAnswer(ctx, conv, m.Slug, st.answer); err != nil {
		return nil, err
	}
	emit(Event{Kind: EventDone, Reply: st.reply})
	return st.reply, nil
}
