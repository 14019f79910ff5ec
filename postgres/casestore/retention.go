package casestore

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/miasrbija/mia/forms"
)

var (
	_ forms.RetentionStore = (*Store)(nil)
	_ forms.OrphanSweeper  = (*Store)(nil)
)

// DropCaseMedia implements forms.RetentionStore.
func (s *Store) DropCaseMedia(ctx context.Context, municipality string, before time.Time) ([]string, error) {
	rows, err := s.db.Query(ctx, `
		DELETE FROM case_attachments a USING cases c
		WHERE a.case_id = c.id AND c.municipality = $1 AND c.updated_at < $2
		RETURNING a.storage_key`, municipality, before)
	if err != nil {
		return nil, fmt.Errorf("drop case media: %w", err)
	}
	keys, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("drop case media: %w", err)
	}
	return keys, nil
}

// DropStaleDrafts implements forms.RetentionStore. A draft a step holds
// locked right now is skipped: it is not stale.
func (s *Store) DropStaleDrafts(ctx context.Context, municipality string, before time.Time) (int64, []string, error) {
	var n int64
	var keys []string
	err := pgx.BeginFunc(ctx, s.db, func(t pgx.Tx) error {
		rows, err := t.Query(ctx, `
			SELECT id FROM form_drafts
			WHERE municipality = $1 AND status <> 'submitted' AND updated_at < $2
			FOR UPDATE SKIP LOCKED`, municipality, before)
		if err != nil {
			return err
		}
		ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil || len(ids) == 0 {
			return err
		}
		rows, err = t.Query(ctx, `DELETE FROM case_attachments WHERE draft_id = ANY($1) AND case_id IS NULL RETURNING storage_key`, ids)
		if err != nil {
			return err
		}
		if keys, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
			return err
		}
		// The note that tells the citizen, once, when they come back.
		_, err = t.Exec(ctx, `
			INSERT INTO form_draft_expiries (conversation_id, municipality, form)
			SELECT conversation_id, municipality, form FROM form_drafts WHERE id = ANY($1)
			ON CONFLICT (conversation_id) DO UPDATE SET form = excluded.form, expired_at = now()`, ids)
		if err != nil {
			return err
		}
		tag, err := t.Exec(ctx, `DELETE FROM form_drafts WHERE id = ANY($1)`, ids)
		n = tag.RowsAffected()
		return err
	})
	if err != nil {
		return 0, nil, fmt.Errorf("drop stale drafts: %w", err)
	}
	return n, keys, nil
}

// DropExpiryNotes implements forms.RetentionStore.
func (s *Store) DropExpiryNotes(ctx context.Context, municipality string, before time.Time) (int64, error) {
	tag, err := s.db.Exec(ctx, `DELETE FROM form_draft_expiries WHERE municipality = $1 AND expired_at < $2`, municipality, before)
	if err != nil {
		return 0, fmt.Errorf("drop draft expiry notes: %w", err)
	}
	return tag.RowsAffected(), nil
}

// ErasePersonalData implements forms.RetentionStore. Closed statuses are
// final, so a closed case's updated_at is when it closed.
func (s *Store) ErasePersonalData(ctx context.Context, municipality string, before time.Time, fields []string) (int64, error) {
	tag, err := s.db.Exec(ctx, `
		UPDATE cases SET jmbg_enc = NULL, jmbg_masked = NULL, private_enc = NULL,
			fields = fields - $3::text[], personal_erased_at = now()
		WHERE municipality = $1 AND status IN ('resolved', 'rejected') AND updated_at < $2
			AND personal_erased_at IS NULL`, municipality, before, fields)
	if err != nil {
		return 0, fmt.Errorf("erase personal data: %w", err)
	}
	return tag.RowsAffected(), nil
}

// DeleteOrphans implements forms.OrphanSweeper: it deletes the
// municipality's attachment bytes stored before before that no attachment
// row points at.
func (s *Store) DeleteOrphans(ctx context.Context, municipality string, before time.Time) (int64, error) {
	tag, err := s.db.Exec(ctx, `
		DELETE FROM attachment_blobs b
		WHERE b.municipality = $1 AND b.created_at < $2
		  AND NOT EXISTS (SELECT 1 FROM case_attachments a WHERE a.storage_key = b.key)`, municipality, before)
	if err != nil {
		return 0, fmt.Errorf("delete orphan attachments: %w", err)
	}
	return tag.RowsAffected(), nil
}
