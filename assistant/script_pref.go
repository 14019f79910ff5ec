package assistant

import (
	"context"
	"fmt"

	"github.com/miasrbija/mia/serbian"
)

// ScriptPreferences is kept by a ConversationStore that remembers a
// citizen's explicit choice of script (the web widget's Latin/Cyrillic
// switch); postgres/convstore is one. The engine asks for it when the
// store has it: a chosen script outranks the script of a single message.
type ScriptPreferences interface {
	// ScriptPreference returns the chosen script; ok is false when the
	// citizen chose none.
	ScriptPreference(ctx context.Context, conv int64) (s serbian.Script, ok bool, err error)
	// SetScriptPreference records the choice (Latin or Cyrillic).
	SetScriptPreference(ctx context.Context, conv int64, s serbian.Script) error
}

// replyScript is the script of a turn's reply: the citizen's choice when
// there is one, otherwise the script the message is written in, and for a
// message that says nothing of it (a button, a number) the one the
// citizen last wrote in.
func (e *Engine) replyScript(ctx context.Context, conv int64, text string) (serbian.Script, error) {
	if p, ok := e.cfg.Memory.(ScriptPreferences); ok {
		s, chosen, err := p.ScriptPreference(ctx, conv)
		if err != nil {
			return serbian.Latin, fmt.Errorf("script preference: %w", err)
		}
		if chosen {
			return s, nil
		}
	}
	if s := serbian.DetectScript(placeholderRE.ReplaceAllString(text, " ")); s != serbian.Unknown {
		return s, nil
	}
	return e.cfg.Memory.Script(ctx, conv)
}
