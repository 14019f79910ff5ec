package casestore

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/miasrbija/mia/forms"
)

// Put stores attachment bytes under key (table attachment_blobs).
func (s *Store) Put(ctx context.Context, municipality, key string, data []byte) error {
	_, err := s.db.Exec(ctx, `INSERT INTO attachment_blobs (key, municipality, data) VALUES ($1, $2, $3)`, key, municipality, data)
	if err != nil {
		return fmt.Errorf("store attachment: %w", err)
	}
	return nil
}

// Get returns the bytes under key.
func (s *Store) Get(ctx context.Context, municipality, key string) ([]byte, error) {
	var data []byte
	err := s.db.QueryRow(ctx, `SELECT data FROM attachment_blobs WHERE key = $1 AND municipality = $2`, key, municipality).Scan(&data)
	if err != nil {
		return nil, notFound(err, "read attachment", "Prilog nije pronađen.")
	}
	return data, nil
}

// Delete removes the bytes under key; a missing key is not an error.
func (s *Store) Delete(ctx context.Context, municipality, key string) error {
	if _, err := s.db.Exec(ctx, `DELETE FROM attachment_blobs WHERE key = $1 AND municipality = $2`, key, municipality); err != nil {
		return fmt.Errorf("delete attachment: %w", err)
	}
	return nil
}

const attachmentCols = `id, municipality, coalesce(draft_id, 0), coalesce(case_id, 0), storage_key, mime, size, name`

func scanAttachment(r pgx.Row) (forms.AttachmentInfo, error) {
	var a forms.AttachmentInfo
	err := r.Scan(&a.ID, &a.Municipality, &a.DraftID, &a.CaseID, &a.StorageKey, &a.MIME, &a.Size, &a.Name)
	return a, err
}

// CaseAttachments lists a case's attachments, by id.
func (s *Store) CaseAttachments(ctx context.Context, municipality string, caseID int64) ([]forms.AttachmentInfo, error) {
	rows, err := s.db.Query(ctx, `SELECT `+attachmentCols+` FROM case_attachments
		WHERE case_id = $1 AND municipality = $2 ORDER BY id`, caseID, municipality)
	if err != nil {
		return nil, fmt.Errorf("list attachments: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (forms.AttachmentInfo, error) { return scanAttachment(r) })
}

// CaseAttachment returns one attachment of a case.
func (s *Store) CaseAttachment(ctx context.Context, municipality string, caseID, attachmentID int64) (*forms.AttachmentInfo, error) {
	a, err := scanAttachment(s.db.QueryRow(ctx, `SELECT `+attachmentCols+` FROM case_attachments
		WHERE id = $1 AND case_id = $2 AND municipality = $3`, attachmentID, caseID, municipality))
	if err != nil {
		return nil, notFound(err, "find attachment", "Prilog nije pronađen.")
	}
	return &a, nil
}

// AddAttachment records an attachment of a draft.
func (t *tx) AddAttachment(ctx context.Context, a forms.AttachmentInfo) error {
	var draftID, caseID *int64
	if a.DraftID != 0 {
		draftID = &a.DraftID
	}
	if a.CaseID != 0 {
		caseID = &a.CaseID
	}
	_, err := t.q.Exec(ctx, `
		INSERT INTO case_attachments (municipality, draft_id, case_id, storage_key, mime, size, name)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, a.Municipality, draftID, caseID, a.StorageKey, a.MIME, a.Size, a.Name)
	if err != nil {
		return fmt.Errorf("record attachment: %w", err)
	}
	return nil
}

// DropDraftAttachments removes a draft's unfiled attachments' metadata
// and returns their storage keys.
func (t *tx) DropDraftAttachments(ctx context.Context, draftID int64) ([]string, error) {
	rows, err := t.q.Query(ctx, `DELETE FROM case_attachments WHERE draft_id = $1 AND case_id IS NULL RETURNING storage_key`, draftID)
	if err != nil {
		return nil, fmt.Errorf("drop draft attachments: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// MoveAttachments gives a draft's unfiled attachments to a case.
func (t *tx) MoveAttachments(ctx context.Context, draftID, caseID int64) error {
	if _, err := t.q.Exec(ctx, `UPDATE case_attachments SET case_id = $2 WHERE draft_id = $1 AND case_id IS NULL`, draftID, caseID); err != nil {
		return fmt.Errorf("attach files: %w", err)
	}
	return nil
}
