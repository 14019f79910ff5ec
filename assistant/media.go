package assistant

import "context"

// AcceptsMedia reports whether the citizen's conversation can take a
// photo or video now. A channel asks before it receives an upload, so that
// files nothing would keep are refused before they are read. With citizen
// services every photo has a use: an open report keeps it, one sent with
// no form open starts a report, and a form that takes none says so in
// words. It reads no draft, so the one-time notice that a draft expired is
// left for the turn itself.
func (e *Engine) AcceptsMedia(ctx context.Context, municipality string, ch Channel, user string) (bool, error) {
	return e.cfg.Forms != nil, nil
}
