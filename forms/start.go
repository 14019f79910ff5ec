package forms

import (
	"context"
	"errors"
	"fmt"

	"github.com/miasrbija/mia/fault"
)

// Start opens a draft of a form, pre-filled with what the opening message
// carried (StartInput's Values, Location, Attachments), and returns its
// first question, preceded by what was understood. When the conversation
// already has a form in progress, that one is resumed (the values apply
// to it when it is the same form). A draft that expired or could not be
// read is replaced by a new one.
func (s *Service) Start(ctx context.Context, in StartInput) (*Step, error) {
	def, ok := Lookup(in.Form)
	if !ok {
		return nil, fault.Invalid("unknown form %q", in.Form)
	}
	m, err := s.reg.Get(in.Municipality)
	if err != nil {
		return nil, err
	}
	var note string
	d, err := s.Active(ctx, in.ConversationID)
	switch {
	case errors.Is(err, ErrDraftExpired):
		note = "Vaša prethodna nedovršena prijava je istekla i obrisana; počinjemo iznova.\n"
	case errors.Is(err, ErrDraftDiscarded):
		// An unreadable draft stood in the way: it is gone, start afresh.
	case err != nil:
		return nil, err
	}
	resumed := d != nil && (d.Form != in.Form || len(d.values) > 0)
	if d == nil {
		first := def.nextField(map[string]string{})
		err = s.store.CreateDraft(ctx, DraftRecord{ConversationID: in.ConversationID, Municipality: m.Slug, Form: def.Name,
			Channel: in.Channel, ChannelUser: in.ChannelUser, Status: DraftActive, Current: first.Name,
			Values: map[string]string{}, UpdatedAt: s.now()})
		if err != nil {
			return nil, fmt.Errorf("start form: %w", err)
		}
		// A concurrent Start may have created it first: that one is used.
		if d, err = s.Active(ctx, in.ConversationID); err != nil || d == nil {
			if err == nil {
				err = errors.New("draft vanished")
			}
			return nil, fmt.Errorf("start form: %w", err)
		}
	}
	var st *Step
	if d.Form == in.Form && (len(in.Values) > 0 || in.Location != nil || len(in.Attachments) > 0) {
		st, err = s.stepDraft(ctx, d.ID, Input{Values: in.Values, Location: in.Location, Attachments: in.Attachments}, true)
		if err != nil {
			return nil, err
		}
	} else {
		st = s.stepFor(m, d, nil)
	}
	intro := m.Say(note + def.Title + ". Obrazac možete u svakom trenutku otkazati.")
	if resumed {
		intro = m.Say("Nastavljamo započeti obrazac: " + mustDef(d.Form).Title + ".")
	}
	st.Prompt = intro + "\n" + st.Prompt
	st.Record = intro + "\n" + st.Record
	return st, nil
}
