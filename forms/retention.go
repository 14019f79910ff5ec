package forms

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// DraftTTL is how long a form left unfinished is kept after its last
// answer: then it expires with everything it holds (answers, the JMBG's
// ciphertext, photos). A citizen who comes back later starts again.
const DraftTTL = 7 * 24 * time.Hour

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
	// last changed before before, with their attachment rows, and returns
	// how many drafts and the attachments' storage keys.
	DropStaleDrafts(ctx context.Context, municipality string, before time.Time) (int64, []string, error)
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

// ExpireDrafts applies the retention rules other than case media's: it
// deletes the municipality's drafts untouched since now minus DraftTTL,
// with their attachments, and the stored bytes no attachment points at
// any more (older than an hour). now is the pass's time.
func (s *Service) ExpireDrafts(ctx context.Context, municipality string, now time.Time) (Expired, error) {
	var r Expired
	rs, ok := s.store.(RetentionStore)
	if !ok {
		return r, errors.New("forms: the store cannot expire drafts")
	}
	drafts, keys, err := rs.DropStaleDrafts(ctx, municipality, now.Add(-DraftTTL))
	if err != nil {
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
