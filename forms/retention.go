package forms

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/miasrbija/mia/fault"
)

// DefaultDraftTTL is how long a form left unfinished is kept after its
// last answer unless Config.DraftTTL says otherwise: then it expires with
// everything it holds (answers, the JMBG's ciphertext, photos). A day
// covers a citizen who goes to take a photo or find a document; longer
// keeps personal data for nothing and lets a stale form capture later,
// unrelated messages. A citizen who comes back later is told, once, and
// starts again.
const DefaultDraftTTL = 24 * time.Hour

// expiryNoteKeep is how long the note that a draft expired waits for the
// citizen to come back: a month later the notice would only confuse.
const expiryNoteKeep = 30 * 24 * time.Hour

// ErrDraftExpired is returned by Active, once, when the conversation's
// draft was left idle for longer than the TTL and was deleted with its
// personal data and media (by Active itself or by the retention job):
// the citizen should be told, and the conversation goes on without it.
var ErrDraftExpired = errors.New("forms: the unfinished draft expired and was deleted")

// orphanGrace is how old bytes with no attachment row must be before they
// are swept: bytes are stored just before their row is written, in the
// step's transaction, so a younger orphan may be a row about to commit.
const orphanGrace = time.Hour

// RetentionStore is the data access of the retention rules.
// postgres/casestore implements it.
type RetentionStore interface {
	// DropCaseMedia deletes the attachment rows of the municipality's
	// filed cases last changed before before and returns their storage
	// keys. The cases themselves stay.
	DropCaseMedia(ctx context.Context, municipality string, before time.Time) ([]string, error)
	// DropStaleDrafts deletes the municipality's drafts not submitted and
	// last changed before before, with their attachment rows, leaves a
	// note per conversation for TakeDraftExpiry, and returns how many
	// drafts and the attachments' storage keys.
	DropStaleDrafts(ctx context.Context, municipality string, before time.Time) (int64, []string, error)
	// DropExpiryNotes deletes the notes of drafts expired before before.
	DropExpiryNotes(ctx context.Context, municipality string, before time.Time) (int64, error)
	// ErasePersonalData erases the personal data of the municipality's
	// cases closed (resolved or rejected) before before and not erased
	// yet: the JMBG and the other sensitive values (sealed and masked) and
	// the named fields' masked display; it marks them erased and returns
	// how many.
	ErasePersonalData(ctx context.Context, municipality string, before time.Time, fields []string) (int64, error)
}

// OrphanSweeper is an AttachmentStore that can delete bytes no
// attachment row points at (left by a failed step or a failed delete).
type OrphanSweeper interface {
	DeleteOrphans(ctx context.Context, municipality string, before time.Time) (int64, error)
}

// Expired is what ExpireDrafts deleted.
type Expired struct {
	Drafts      int64 // expired drafts
	DraftMedia  int   // attachments of expired drafts
	OrphanBytes int64 // stored bytes no attachment pointed at
}

// DeleteExpiredMedia deletes the photos and videos of the municipality's
// filed cases last changed before before (each case and its history
// stay), and returns how many. It is the retention rule of case media:
// the caller passes now minus the municipality's MediaRetention.
func (s *Service) DeleteExpiredMedia(ctx context.Context, municipality string, before time.Time) (int, error) {
	rs, ok := s.store.(RetentionStore)
	if !ok {
		return 0, errors.New("forms: the store cannot delete expired media")
	}
	keys, err := rs.DropCaseMedia(ctx, municipality, before)
	if err != nil {
		return 0, fmt.Errorf("forms: delete expired media: %w", err)
	}
	s.deleteBlobs(ctx, municipality, keys)
	return len(keys), nil
}

// ErasePersonalData erases the personal data of the municipality's cases
// closed before before (the caller passes now minus the municipality's
// PersonalDataRetention) and returns how many cases it erased. The cases
// stay, with their history, body, category, place and description (in
// which personal data was masked when typed): what the city's figures and
// a later look at the street need.
func (s *Service) ErasePersonalData(ctx context.Context, municipality string, before time.Time) (int64, error) {
	rs, ok := s.store.(RetentionStore)
	if !ok {
		return 0, errors.New("forms: the store cannot erase personal data")
	}
	n, err := rs.ErasePersonalData(ctx, municipality, before, SensitiveFields())
	if err != nil {
		return 0, fmt.Errorf("forms: erase personal data: %w", err)
	}
	return n, nil
}

// SensitiveFields names the fields any form marks sensitive (their masked
// display is in a case's Fields). A name means the same in every form
// that uses it (TestSensitiveFieldsAgree).
func SensitiveFields() []string {
	var out []string
	for _, d := range definitions {
		for _, f := range d.Fields {
			if f.Sensitive && !slices.Contains(out, f.Name) {
				out = append(out, f.Name)
			}
		}
	}
	slices.Sort(out)
	return out
}

// ExpireDrafts applies the retention rules other than case media's: it
// deletes the municipality's drafts untouched since now minus the draft
// TTL, with their attachments, the stored bytes no attachment points at
// any more (older than an hour), and expiry notes nobody came back for.
// now is the pass's time.
func (s *Service) ExpireDrafts(ctx context.Context, municipality string, now time.Time) (Expired, error) {
	var r Expired
	rs, ok := s.store.(RetentionStore)
	if !ok {
		return r, errors.New("forms: the store cannot expire drafts")
	}
	drafts, keys, err := rs.DropStaleDrafts(ctx, municipality, now.Add(-s.ttl))
	if err != nil {
		return r, fmt.Errorf("forms: expire drafts: %w", err)
	}
	if _, err := rs.DropExpiryNotes(ctx, municipality, now.Add(-expiryNoteKeep)); err != nil {
		return r, fmt.Errorf("forms: expire drafts: %w", err)
	}
	r.Drafts, r.DraftMedia = drafts, len(keys)
	s.deleteBlobs(ctx, municipality, keys)
	if sw, ok := s.blobs.(OrphanSweeper); ok {
		if r.OrphanBytes, err = sw.DeleteOrphans(ctx, municipality, now.Add(-orphanGrace)); err != nil {
			return r, fmt.Errorf("forms: delete orphan attachments: %w", err)
		}
	}
	return r, nil
}

// stale reports whether a draft has been idle for longer than the TTL.
func (s *Service) stale(rec *DraftRecord) bool {
	return !rec.UpdatedAt.IsZero() && s.now().Sub(rec.UpdatedAt) > s.ttl
}

// expireDraft deletes a stale draft with its attachments (the lazy half
// of expiry: the citizen came back before the retention job ran) and
// returns ErrDraftExpired. A draft a concurrent turn has just refreshed is
// returned instead.
func (s *Service) expireDraft(ctx context.Context, id int64) (*Draft, error) {
	var fresh *Draft
	var cleanup []string
	var muni string
	err := s.store.InTx(ctx, func(tx Tx) error {
		rec, err := tx.LockDraft(ctx, id)
		if errors.Is(err, fault.ErrNotFound) {
			return nil // expired meanwhile by the retention job or another turn
		}
		if err != nil {
			return err
		}
		if !s.stale(rec) {
			fresh, err = s.openDraft(rec)
			return err
		}
		muni = rec.Municipality
		cleanup, err = s.deleteDraft(ctx, tx, &Draft{ID: id})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("expire draft %d: %w", id, err)
	}
	if fresh != nil {
		return fresh, nil
	}
	s.deleteBlobs(ctx, muni, cleanup)
	return nil, ErrDraftExpired
}
