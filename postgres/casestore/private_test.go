package casestore

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/miasrbija/mia/fault"
	"github.com/miasrbija/mia/forms"
	"github.com/miasrbija/mia/postgres/pgtest"
)

// TestCasePrivate: the sealed personal data InsertCase stores comes back
// unchanged from CasePrivate, only in its own column (fields hold what
// forms put there: masked displays), and is nil for a case without any.
func TestCasePrivate(t *testing.T) {
	t.Parallel()
	db, _ := pgtest.NewDB(t)
	s := New(db)
	ctx := context.Background()
	sealed := []byte("\x00nonce+ciphertext")
	now := time.Now().UTC()
	var with, without forms.Case
	err := s.InTx(ctx, func(tx forms.Tx) error {
		with = forms.Case{Municipality: "sombor", Ref: "SO-IZ-2026-000001", Kind: "IZ", Form: "registry_extract",
			Status: forms.StatusReceived, Fields: map[string]string{"contact": "j***@primer.rs"}, Channel: "web", ChannelUser: "u1",
			CreatedAt: now, UpdatedAt: now}
		if err := tx.InsertCase(ctx, &with, nil, sealed); err != nil {
			return err
		}
		without = with
		without.Ref = "SO-IZ-2026-000002"
		return tx.InsertCase(ctx, &without, nil, nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.CasePrivate(ctx, with.ID)
	if err != nil || !bytes.Equal(got, sealed) {
		t.Fatalf("CasePrivate = %q, %v", got, err)
	}
	if got, err := s.CasePrivate(ctx, without.ID); err != nil || got != nil {
		t.Errorf("CasePrivate without = %q, %v", got, err)
	}
	if _, err := s.CasePrivate(ctx, 999999); !errors.Is(err, fault.ErrNotFound) {
		t.Errorf("missing case: %v", err)
	}
	var fields string
	if err := db.QueryRow(ctx, `SELECT fields::text FROM cases WHERE id = $1`, with.ID).Scan(&fields); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(fields, "nonce") || !strings.Contains(fields, "j***@primer.rs") {
		t.Errorf("fields = %s", fields)
	}
}
