package forms

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"

	"github.com/miasrbija/mia/fault"
)

// DraftStatus is where a draft stands.
type DraftStatus string

// Draft statuses. A cancelled draft is deleted, not kept.
const (
	DraftActive     DraftStatus = "active"     // fields are being asked
	DraftConfirming DraftStatus = "confirming" // every field is filled; the summary awaits confirmation
	DraftSubmitted  DraftStatus = "submitted"  // filed as case CaseID
)

// Draft is a form in progress in one conversation.
//
// It holds personal data in clear in memory (decrypted from the row):
// String, Format and LogValue mask it, and ModelView is the only view
// meant for a model.
type Draft struct {
	ID             int64
	ConversationID int64
	Municipality   string
	Form           string
	Channel        string
	ChannelUser    string
	Status         DraftStatus
	Current        string // the field being asked; "" at the summary
	CaseID         int64  // set when submitted
	values         map[string]string
}

// Value returns a field's value ("" when unanswered or skipped). Sensitive
// values come back masked; the clear value never leaves the package.
func (d *Draft) Value(field string) string {
	v := d.values[field]
	if def, ok := Lookup(d.Form); ok {
		if f, ok := def.Field(field); ok && f.Sensitive && v != "" {
			return MaskJMBG(v)
		}
	}
	return v
}

// ModelView returns the answered fields for a model's context, with every
// sensitive value replaced by a placeholder ("[JMBG]").
func (d *Draft) ModelView() map[string]string {
	out := make(map[string]string, len(d.values))
	def, _ := Lookup(d.Form)
	for k, v := range d.values {
		if def != nil {
			if f, ok := def.Field(k); ok && f.Sensitive && v != "" {
				v = placeholder(f)
			}
		}
		out[k] = v
	}
	return out
}

// placeholder stands for a sensitive value in what a model sees, e.g. "[JMBG]".
func placeholder(f *Field) string { return "[" + strings.ToUpper(string(f.Type)) + "]" }

// String describes the draft without personal data beyond masked values.
func (d *Draft) String() string {
	keys := slices.Sorted(maps.Keys(d.values))
	var b strings.Builder
	fmt.Fprintf(&b, "draft %d (%s, %s, %s) current=%q", d.ID, d.Municipality, d.Form, d.Status, d.Current)
	mv := d.ModelView()
	for _, k := range keys {
		fmt.Fprintf(&b, " %s=%q", k, mv[k])
	}
	return b.String()
}

// Format makes every fmt verb (%v, %+v, %#v...) print String, so a draft
// logged by mistake does not spill a JMBG.
func (d *Draft) Format(f fmt.State, _ rune) { fmt.Fprint(f, d.String()) }

// LogValue keeps slog from printing the fields.
func (d *Draft) LogValue() slog.Value { return slog.StringValue(d.String()) }

const encPrefix = "enc:"

// storedValues returns the values as stored: sensitive ones encrypted.
func (s *Service) storedValues(def *Definition, values map[string]string) (map[string]string, error) {
	out := make(map[string]string, len(values))
	for k, v := range values {
		if f, ok := def.Field(k); ok && f.Sensitive && v != "" {
			ct, err := s.crypter.Encrypt(k, []byte(v))
			if err != nil {
				return nil, err
			}
			v = encPrefix + base64.StdEncoding.EncodeToString(ct)
		}
		out[k] = v
	}
	return out, nil
}

// openValues decrypts stored values. A value that cannot be opened (its
// key is no longer configured, or it was altered) is an error matching
// ErrUnreadable; the error names the field, never the value.
func (s *Service) openValues(def *Definition, stored map[string]string) (map[string]string, error) {
	out := make(map[string]string, len(stored))
	for k, v := range stored {
		if f, ok := def.Field(k); ok && f.Sensitive && strings.HasPrefix(v, encPrefix) {
			ct, err := base64.StdEncoding.DecodeString(v[len(encPrefix):])
			if err != nil {
				return nil, fmt.Errorf("draft field %s: %w", k, ErrUnreadable)
			}
			pt, err := s.crypter.Decrypt(k, ct)
			if err != nil {
				return nil, fmt.Errorf("draft field %s: %w", k, err)
			}
			v = string(pt)
		}
		out[k] = v
	}
	return out, nil
}

// ErrDraftDiscarded is returned by Active, Step and Start's resume when the
// conversation's draft could not be read (its personal data was sealed
// with a data key that is no longer configured) and was therefore
// deleted: the conversation goes on without it, and the citizen should be
// told to start again.
var ErrDraftDiscarded = errors.New("forms: the draft could not be read and was discarded")

// discardDraft deletes an unreadable draft (and its attachments) so the
// conversation is not stuck on it, and returns ErrDraftDiscarded with the
// cause (which names the field, never a value). A draft that reads after
// all once locked (another process rewrote it) is returned instead.
func (s *Service) discardDraft(ctx context.Context, id int64, cause error) (*Draft, error) {
	var d *Draft
	var cleanup []string
	var muni string
	err := s.store.InTx(ctx, func(tx Tx) error {
		rec, err := tx.LockDraft(ctx, id)
		if errors.Is(err, fault.ErrNotFound) {
			return nil // discarded meanwhile by a concurrent turn
		}
		if err != nil {
			return err
		}
		muni = rec.Municipality
		if d, err = s.openDraft(rec); !errors.Is(err, ErrUnreadable) {
			return err
		}
		cleanup, err = s.deleteDraft(ctx, tx, &Draft{ID: id})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("discard unreadable draft %d: %w", id, err)
	}
	if d != nil {
		return d, nil
	}
	s.deleteBlobs(ctx, muni, cleanup)
	return nil, fmt.Errorf("%w: draft %d: %w", ErrDraftDiscarded, id, cause)
}
