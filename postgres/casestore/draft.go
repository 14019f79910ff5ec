package casestore

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/miasrbija/mia/forms"
)

const draftCols = `id, conversation_id, municipality, form, channel, channel_user, status, current_field, field_values, coalesce(case_id, 0), updated_at`

func scanDraft(ctx context.Context, q querier, where string, args ...any) (*forms.DraftRecord, error) {
	var d forms.DraftRecord
	var raw []byte
	err := q.QueryRow(ctx, `SELECT `+draftCols+` FROM form_drafts WHERE `+where, args...).
		Scan(&d.ID, &d.ConversationID, &d.Municipality, &d.Form, &d.Channel, &d.ChannelUser, &d.Status, &d.Current, &raw, &d.CaseID, &d.UpdatedAt)
	if err != nil {
		return nil, notFound(err, "read draft", "draft not found")
	}
	if err := json.Unmarshal(raw, &d.Values); err != nil {
		return nil, fmt.Errorf("draft %d values: %w", d.ID, err)
	}
	if d.Values == nil {
		d.Values = map[string]string{}
	}
	return &d, nil
}

// CreateDraft stores a new draft unless the conversation has an open one.
func (s *Store) CreateDraft(ctx context.Context, d forms.DraftRecord) error {
	raw, err := json.Marshal(orEmpty(d.Values))
	if err != nil {
		return err
	}
	_, err = s.db.Exec(ctx, `
		INSERT INTO form_drafts (municipality, conversation_id, form, channel, channel_user, status, current_field, field_values, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, coalesce($9, now()))
		ON CONFLICT (conversation_id) WHERE status <> 'submitted' DO NOTHING`,
		d.Municipality, d.ConversationID, d.Form, d.Channel, d.ChannelUser, d.Status, d.Current, raw, stamp(d.UpdatedAt))
	if err != nil {
		return fmt.Errorf("create draft: %w", err)
	}
	return nil
}

// stamp is a draft's time of last activity as given by forms, or NULL
// (the database's now()) when it gave none.
func stamp(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func orEmpty(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

// ActiveDraft returns the conversation's draft that is not submitted.
func (s *Store) ActiveDraft(ctx context.Context, conversationID int64) (*forms.DraftRecord, error) {
	return scanDraft(ctx, s.db, `conversation_id = $1 AND status <> 'submitted'`, conversationID)
}

// LastFiledCaseID returns the case of the conversation's latest submitted draft.
func (s *Store) LastFiledCaseID(ctx context.Context, conversationID int64) (int64, error) {
	var id int64
	err := s.db.QueryRow(ctx, `
		SELECT case_id FROM form_drafts WHERE conversation_id = $1 AND status = 'submitted'
		ORDER BY updated_at DESC, id DESC LIMIT 1`, conversationID).Scan(&id)
	if err != nil {
		return 0, notFound(err, "last filed case", "no case filed")
	}
	return id, nil
}

// LockDraft returns a draft and locks its row.
func (t *tx) LockDraft(ctx context.Context, id int64) (*forms.DraftRecord, error) {
	return scanDraft(ctx, t.q, `id = $1 FOR UPDATE`, id)
}

// SaveDraft writes a draft's status, current field, values and case.
func (t *tx) SaveDraft(ctx context.Context, d forms.DraftRecord) error {
	raw, err := json.Marshal(orEmpty(d.Values))
	if err != nil {
		return err
	}
	var caseID *int64
	if d.CaseID != 0 {
		caseID = &d.CaseID
	}
	_, err = t.q.Exec(ctx, `
		UPDATE form_drafts SET status = $2, current_field = $3, field_values = $4, case_id = $5, updated_at = coalesce($6, now())
		WHERE id = $1`, d.ID, d.Status, d.Current, raw, caseID, stamp(d.UpdatedAt))
	if err != nil {
		return fmt.Errorf("save draft: %w", err)
	}
	return nil
}

// DeleteDraft removes a draft.
func (t *tx) DeleteDraft(ctx context.Context, id int64) error {
	if _, err := t.q.Exec(ctx, `DELETE FROM form_drafts WHERE id = $1`, id); err != nil {
		return fmt.Errorf("delete draft: %w", err)
	}
	return nil
}

// TakeDraftExpiry deletes the conversation's note that its draft expired
// and reports whether there was one.
func (s *Store) TakeDraftExpiry(ctx context.Context, conversationID int64) (bool, error) {
	tag, err := s.db.Exec(ctx, `DELETE FROM form_draft_expiries WHERE conversation_id = $1`, conversationID)
	if err != nil {
		return false, fmt.Errorf("take draft expiry: %w", err)
	}
	return tag.RowsAffected() > 0, nil
}
