package forms

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
)

// SealedStore is the data access of key rotation: every value a store
// keeps encrypted, whichever table and column holds it.
// postgres/casestore implements it.
type SealedStore interface {
	// SealedSets names the places holding encrypted values (e.g.
	// "cases.jmbg_enc"). It fails when the schema holds a column that
	// looks encrypted but is not known, so a rotation never reports done
	// while values under an old key remain.
	SealedSets(ctx context.Context) ([]string, error)
	// VisitSealed passes each encrypted value of up to limit rows of set
	// with an id above after, in id order, to fn with the purpose it was
	// sealed for; fn returns a replacement, or nil to keep the value.
	// With write, one transaction holds the rows' locks and stores the
	// replacements; without, nothing is locked or written. It returns the
	// last row id visited, 0 when no row is left.
	VisitSealed(ctx context.Context, set string, after int64, limit int, write bool,
		fn func(purpose string, ciphertext []byte) []byte) (int64, error)
}

// RotateOptions tunes RotateKeys.
type RotateOptions struct {
	Batch  int  // rows per transaction; 0: DefaultRotateBatch
	DryRun bool // count only: write nothing
	// Progress, when set, hears each set's running figures after a batch.
	Progress func(set string, resealed int64)
}

// DefaultRotateBatch is how many rows one rotation transaction locks.
const DefaultRotateBatch = 500

// KeyReport counts encrypted values, per set, before a rotation writes.
type KeyReport struct {
	Current string   // the current key's id
	Old     []string // the old keys' ids
	Sets    []SetReport
}

// SetReport is one set's figures.
type SetReport struct {
	Set string
	// ByKey counts values by the id of the key that sealed them
	// (LegacyKeyID: the first format, which names no key), as found.
	ByKey map[string]int64
	// Resealed counts values sealed again with the current key (in a dry
	// run: that would be).
	Resealed int64
	// Unreadable counts values no configured key opens: they stay as
	// they are (drafts holding one are discarded when next used).
	Unreadable int64
}

// Total is the number of values a report counted.
func (r *KeyReport) Total() (n int64) {
	for _, s := range r.Sets {
		for _, v := range s.ByKey {
			n += v
		}
	}
	return n
}

// Pending is how many values are not yet sealed with the current key
// (readable or not).
func (r *KeyReport) Pending() (n int64) {
	for _, s := range r.Sets {
		for id, v := range s.ByKey {
			if id != r.Current {
				n += v
			}
		}
	}
	return n
}

// KeyIDs returns every key id the report saw, current first, then the old
// keys, then the rest (legacy, unknown keys) sorted.
func (r *KeyReport) KeyIDs() []string {
	seen := map[string]bool{}
	for _, s := range r.Sets {
		for id := range s.ByKey {
			seen[id] = true
		}
	}
	out := append([]string{r.Current}, r.Old...)
	for _, id := range out {
		delete(seen, id)
	}
	return append(out, slices.Sorted(maps.Keys(seen))...)
}

// RotateKeys seals every encrypted value of store with c's current key,
// in batches of one transaction each. It is idempotent (a value already
// sealed with the current key is left alone) and resumable: an
// interrupted run loses at most its open batch, and the next run skips
// what was done. Values no configured key opens are counted and kept. With
// opt.DryRun it only counts.
func RotateKeys(ctx context.Context, store SealedStore, c *Crypter, opt RotateOptions) (*KeyReport, error) {
	if c == nil || c.Ephemeral() {
		return nil, errors.New("key rotation needs the configured data key (" + KeyEnv + ")")
	}
	batch := opt.Batch
	if batch <= 0 {
		batch = DefaultRotateBatch
	}
	sets, err := store.SealedSets(ctx)
	if err != nil {
		return nil, err
	}
	r := &KeyReport{Current: c.CurrentKeyID(), Old: c.OldKeyIDs()}
	for _, set := range sets {
		sr := SetReport{Set: set, ByKey: map[string]int64{}}
		visit := func(purpose string, ct []byte) []byte {
			sr.ByKey[c.KeyID(ct)]++
			out, err := c.Reseal(purpose, ct)
			switch {
			case err != nil:
				sr.Unreadable++
			case out != nil:
				sr.Resealed++
			}
			if opt.DryRun {
				return nil
			}
			return out
		}
		for after := int64(0); ; {
			last, err := store.VisitSealed(ctx, set, after, batch, !opt.DryRun, visit)
			if err != nil {
				return r, fmt.Errorf("rotate %s after row %d: %w", set, after, err)
			}
			if last == 0 {
				break
			}
			after = last
			if opt.Progress != nil {
				opt.Progress(set, sr.Resealed)
			}
		}
		r.Sets = append(r.Sets, sr)
	}
	return r, nil
}
