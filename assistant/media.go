package assistant

import (
	"context"

	"github.com/miasrbija/mia/forms"
)

// AcceptsMedia reports whether the citizen's conversation has a form open
// that takes photos or video. A channel asks before it receives an upload,
// so that files no form would keep are refused before they are read. A
// conversation that does not exist yet has no form.
func (e *Engine) AcceptsMedia(ctx context.Context, municipality string, ch Channel, user string) (bool, error) {
	if e.cfg.Forms == nil {
		return false, nil
	}
	conv, ok, err := e.cfg.Memory.FindConversation(ctx, municipality, ch, user)
	if err != nil || !ok {
		return false, err
	}
	draft, err := e.cfg.Forms.Active(ctx, conv)
	if err != nil || draft == nil {
		return false, err
	}
	def, ok := forms.Lookup(draft.Form)
	if !ok {
		return false, nil
	}
	for _, f := range def.Fields {
		if f.Type == forms.TypeAttachments {
			return true, nil
		}
	}
	return false, nil
}
