package forms

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/miasrbija/mia/municipality"
)

// Step applies one input to the draft and returns what to say next. The
// draft row is locked for the whole step, so concurrent inputs (a double
// click, a redelivered message) apply one after the other; a second
// confirmation returns the case the first one filed. A refused value
// changes nothing else. The draft passed may be stale: only its ID is
// used.
func (s *Service) Step(ctx context.Context, draft *Draft, in Input) (*Step, error) {
	return s.stepDraft(ctx, draft.ID, in, false)
}

// stepDraft runs step in its transaction; start applies what an opening
// message carried (see StartInput).
func (s *Service) stepDraft(ctx context.Context, draftID int64, in Input, start bool) (*Step, error) {
	var st *Step
	var cleanup []string // attachment blobs to delete after commit
	var muni string
	err := s.store.InTx(ctx, func(tx Tx) error {
		var err error
		st, cleanup, muni, err = s.step(ctx, tx, draftID, in, start)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.deleteBlobs(ctx, muni, cleanup)
	if st == nil {
		return nil, fmt.Errorf("%w: draft %d", ErrDraftDiscarded, draftID)
	}
	if st.Record == "" {
		st.Record = st.Prompt // a step that echoes no value (a menu, a cancel)
	}
	return st, nil
}

// step is Step inside its transaction. It returns what to say, the blob
// keys to delete once committed and the draft's municipality; no step and
// no error means the draft could not be read and was deleted.
func (s *Service) step(ctx context.Context, tx Tx, draftID int64, in Input, start bool) (*Step, []string, string, error) {
	rec, err := tx.LockDraft(ctx, draftID)
	if err != nil {
		return nil, nil, "", err
	}
	d, err := s.openDraft(rec)
	if errors.Is(err, ErrUnreadable) {
		cleanup, err := s.deleteDraft(ctx, tx, &Draft{ID: rec.ID})
		return nil, cleanup, rec.Municipality, err
	}
	if err != nil {
		return nil, nil, "", err
	}
	m, err := s.reg.Get(d.Municipality)
	if err != nil {
		return nil, nil, "", err
	}
	if d.Status == DraftSubmitted {
		c, err := s.caseByID(ctx, tx, d.CaseID)
		if err != nil {
			return nil, nil, "", err
		}
		return s.filedStep(m, d, c), nil, m.Slug, nil
	}
	def := mustDef(d.Form)
	payload := strings.TrimSpace(in.Payload)
	if payload == "" && len(in.Values) == 0 && in.Location == nil && len(in.Attachments) == 0 {
		payload = typedCommand(in.Text, d.Status)
	}
	out := &outcome{}
	switch {
	case payload == PayloadCancel:
		cleanup, err := s.deleteDraft(ctx, tx, d)
		if err != nil {
			return nil, nil, "", err
		}
		return &Step{DraftID: d.ID, Form: d.Form, Done: true, Cancelled: true,
			Prompt: m.Say("Obrazac je otkazan. Ništa nije poslato ni sačuvano.")}, cleanup, m.Slug, nil
	case payload == PayloadConfirm:
		if d.Status != DraftConfirming {
			break // nothing to confirm yet: ask the current question again
		}
		c, err := s.submit(ctx, tx, m, def, d)
		if err != nil {
			return nil, nil, "", err
		}
		return s.filedStep(m, d, c), nil, m.Slug, nil
	case payload == PayloadChange:
		return s.changeMenu(m, def, d), nil, m.Slug, nil
	case strings.HasPrefix(payload, PayloadChangeField):
		name := strings.TrimPrefix(payload, PayloadChangeField)
		f, ok := def.Field(name)
		if !ok || !f.applies(d.values) {
			return s.changeMenu(m, def, d), nil, m.Slug, nil
		}
		var cleanup []string
		if f.Type == TypeAttachments {
			if cleanup, err = tx.DropDraftAttachments(ctx, d.ID); err != nil {
				return nil, nil, "", err
			}
			delete(d.values, f.Name)
		}
		d.Status, d.Current = DraftActive, f.Name
		if err := s.saveDraft(ctx, tx, def, d); err != nil {
			return nil, nil, "", err
		}
		return s.stepFor(m, d, nil), cleanup, m.Slug, nil
	case payload == PayloadSkip:
		if f, ok := def.Field(d.Current); ok && f.Optional {
			if _, answered := d.values[f.Name]; !answered {
				d.values[f.Name] = ""
			}
		}
	case strings.HasPrefix(payload, PayloadSet):
		name, value, _ := strings.Cut(strings.TrimPrefix(payload, PayloadSet), "=")
		out.before(m, def, d, d.Current)
		s.applyValues(m, def, d, map[string]string{name: value}, d.Current, false, out)
		out.after(m, def, d)
	default:
		asked := ""
		if d.Status == DraftActive && !start {
			asked = d.Current
		}
		out.before(m, def, d, asked)
		if err := s.applyInput(ctx, tx, m, def, d, in, start, out); err != nil {
			return nil, nil, "", err
		}
		out.after(m, def, d)
	}
	inPerson(m, def, d, out)
	s.advance(def, d)
	if err := s.saveDraft(ctx, tx, def, d); err != nil {
		return nil, nil, "", err
	}
	return s.stepFor(m, d, out), nil, m.Slug, nil
}

// typedCommand maps typed words to the buttons' payloads, so a citizen
// without buttons can confirm, change or cancel. A cancel may be a short
// phrase ("odustajem od prijave", "otkaži to").
func typedCommand(text string, status DraftStatus) string {
	ws := words(text)
	if len(ws) == 0 {
		return ""
	}
	if len(ws) <= 4 && isCancelWord(ws[0]) {
		return PayloadCancel
	}
	if len(ws) > 1 {
		return ""
	}
	switch ws[0] {
	case "cancel":
		return PayloadCancel
	case "izmeni", "promeni", "izmena", "izmenite", "promenite",
		"izmijeni", "promijeni", "izmjena", "izmijenite", "promijenite": // the ijekavian button says "Izmijeni"
		return PayloadChange
	case "potvrdi", "potvrdjujem", "potvrdujem", "posalji", "potvrdite", "posaljite":
		if status == DraftConfirming {
			return PayloadConfirm
		}
	case "da", "tacno", "jeste":
		if status == DraftConfirming {
			return PayloadConfirm
		}
	case "ne", "nije":
		if status == DraftConfirming {
			return PayloadChange
		}
	case "preskoci", "preskocite":
		return PayloadSkip
	}
	return ""
}

// cancelWords are the imperative and first-person forms of otkazati,
// odustati and prekinuti (folded); participles ("prekinut kabl") are a
// problem's description, not a command.
var cancelWords = wordSet("otkazi otkazite otkazujem otkazem odustajem odustani odustanite odustao odustala odustajemo odustanem prekini prekinite prekidam")

func isCancelWord(w string) bool { return cancelWords[w] }

// advance moves the draft to its next unanswered field, or to the summary.
func (s *Service) advance(def *Definition, d *Draft) {
	def.prune(d.values)
	if f, ok := def.Field(d.Current); ok && d.Status == DraftActive {
		if _, answered := d.values[f.Name]; !answered && f.applies(d.values) {
			return // still asking the same field (a refused value)
		}
	}
	if next := def.nextField(d.values); next != nil {
		d.Status, d.Current = DraftActive, next.Name
		return
	}
	d.Status, d.Current = DraftConfirming, ""
}

func (s *Service) saveDraft(ctx context.Context, tx Tx, def *Definition, d *Draft) error {
	stored, err := s.storedValues(def, d.values)
	if err != nil {
		return err
	}
	rec := DraftRecord{ID: d.ID, ConversationID: d.ConversationID, Municipality: d.Municipality, Form: d.Form,
		Channel: d.Channel, ChannelUser: d.ChannelUser, Status: d.Status, Current: d.Current, CaseID: d.CaseID, Values: stored,
		UpdatedAt: s.now()}
	if err := tx.SaveDraft(ctx, rec); err != nil {
		return fmt.Errorf("save draft: %w", err)
	}
	return nil
}

// deleteDraft removes a cancelled draft and its attachments' metadata and
// returns the blob keys to delete once the transaction commits.
func (s *Service) deleteDraft(ctx context.Context, tx Tx, d *Draft) ([]string, error) {
	keys, err := tx.DropDraftAttachments(ctx, d.ID)
	if err != nil {
		return nil, err
	}
	if err := tx.DeleteDraft(ctx, d.ID); err != nil {
		return nil, fmt.Errorf("cancel draft: %w", err)
	}
	return keys, nil
}

// deleteBlobs is best effort: a blob left behind by a failure is
// unreachable (no metadata row points at it) and holds no case.
func (s *Service) deleteBlobs(ctx context.Context, municipality string, keys []string) {
	for _, k := range keys {
		_ = s.blobs.Delete(ctx, municipality, k)
	}
}

// bodyKey is the body a communal report would go to now, or "".
func bodyKey(m *municipality.Municipality, def *Definition, values map[string]string) (municipality.Body, bool) {
	cat, ok := values["category"]
	if def.Kind != KindCommunalReport || !ok || cat == "" {
		return municipality.Body{}, false
	}
	return m.BodyFor(cat, values["village"] == "yes")
}
