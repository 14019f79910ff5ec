package forms

import (
	"context"
	"fmt"
	"strings"

	"github.com/miasrbija/mia/fault"
	"github.com/miasrbija/mia/municipality"
)

// MaxNoteLen is the longest note (in characters) staff may attach to a
// status change or a re-routing: the note goes to the citizen.
const MaxNoteLen = 1000

// checkChange validates what every change of a case needs: who makes it,
// and a note the citizen can be sent.
func checkChange(actor, note string) error {
	if strings.TrimSpace(actor) == "" {
		return fault.Invalid("actor is required")
	}
	if len([]rune(note)) > MaxNoteLen {
		return fault.Invalid("Napomena je predugačka (najviše %d znakova).", MaxNoteLen)
	}
	return nil
}

// ChangeStatus moves a case to another status: an allowed transition only
// (else an error of kind fault.ErrConflict: the case is not where the
// caller thought), a note of at most MaxNoteLen characters (else
// fault.ErrInvalid). It records who and why in the case's events and
// queues the citizen's notification in the same transaction: the change
// and the notification commit together or not at all.
func (s *Service) ChangeStatus(ctx context.Context, caseID int64, to CaseStatus, actor, note string) (*Case, error) {
	return s.changeCase(ctx, caseID, actor, note, func(c *Case, m *municipality.Municipality) (string, caseMessage, error) {
		if !CanTransition(c.Status, to) {
			return "", nil, fault.Wrap(fault.ErrConflict, fmt.Errorf("case %s cannot go from %s to %s", c.Ref, c.Status, to),
				"Ova promena statusa nije dozvoljena.")
		}
		c.Status = to
		return note, func(c *Case, e CaseEvent) string { return StatusMessage(m, c, e) }, nil
	})
}

// Reroute sends a case to another responsible body of its municipality.
// The case must be in scope (else fault.ErrNotFound, as for a case that
// does not exist: the scope is re-checked under the case's lock, so a
// case re-routed meanwhile by someone else is out of reach). The body
// must exist, differ from the current one and take this kind of case
// (else fault.ErrInvalid): a civil-registry extract request never goes to
// a utility, whatever the request says. The note (at most MaxNoteLen
// characters) is recorded in the case's events; the citizen is told where
// the case went in the same transaction.
func (s *Service) Reroute(ctx context.Context, scope CaseScope, caseID int64, toBody, actor, note string) (*Case, error) {
	note = strings.TrimSpace(note)
	return s.changeCase(ctx, caseID, actor, note, func(c *Case, m *municipality.Municipality) (string, caseMessage, error) {
		if c.Municipality != scope.Municipality || (scope.Body != "" && c.BodyKey != scope.Body) {
			return "", nil, errCaseNotFound
		}
		to, ok := m.Body(toBody)
		if !ok || to.Key == c.BodyKey {
			return "", nil, fault.Invalid("Izaberite drugu nadležnu službu.")
		}
		if !takes(to, c) {
			return "", nil, fault.Invalid("%s nije nadležna za ovu vrstu predmeta.", to.Name)
		}
		text := fmt.Sprintf("preusmereno: %s → %s", orDash(bodyName(m, c.BodyKey)), to.Name)
		if note != "" {
			text += ". " + note
		}
		c.BodyKey = to.Key // the status stays: the event records it as from and to
		return text, func(c *Case, _ CaseEvent) string { return RerouteMessage(m, c, to.Name) }, nil
	})
}

// caseMessage writes the citizen's message about a change of c.
type caseMessage func(c *Case, e CaseEvent) string

// changeCase runs one change of a case under its row lock: apply checks
// the locked case and changes it in place, returning the event's note and
// how to tell the citizen. The event, the case and the citizen's
// notification are written in one transaction.
func (s *Service) changeCase(ctx context.Context, caseID int64, actor, note string,
	apply func(c *Case, m *municipality.Municipality) (eventNote string, message caseMessage, err error)) (*Case, error) {
	if err := checkChange(actor, note); err != nil {
		return nil, err
	}
	var c *Case
	err := s.store.InTx(ctx, func(tx Tx) error {
		var err error
		if c, err = tx.LockCase(ctx, caseID); err != nil {
			return err
		}
		m, err := s.reg.Get(c.Municipality)
		if err != nil {
			return err
		}
		from := c.Status
		eventNote, message, err := apply(c, m)
		if err != nil {
			return err
		}
		now := s.now()
		e := CaseEvent{CaseID: c.ID, From: from, To: c.Status, Actor: actor, Note: eventNote, CreatedAt: now}
		if err := tx.InsertEvent(ctx, c.Municipality, &e); err != nil {
			return fmt.Errorf("record case event: %w", err)
		}
		c.UpdatedAt = now
		if err := tx.UpdateCase(ctx, c); err != nil {
			return fmt.Errorf("change case: %w", err)
		}
		s.describe(m, c)
		return s.enqueue(ctx, tx, c, e.ID, message(c, e))
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// takes reports whether body b may handle case c. A communal report goes
// to any body that handles communal categories (a utility or the
// inspection): re-routing exists because the category's routing was
// wrong for this case. Any other kind (a civil-registry extract request)
// may go only to a body declared to issue it; municipality.Body declares
// communal categories only, so such a request is never re-routed.
func takes(b municipality.Body, c *Case) bool {
	if c.Kind == KindCommunalReport && c.Form == FormCommunalReport {
		return len(b.Handles) > 0
	}
	return false
}

func bodyName(m *municipality.Municipality, key string) string {
	if key == "" {
		return ""
	}
	if b, ok := m.Body(key); ok {
		return b.Name
	}
	return key
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
