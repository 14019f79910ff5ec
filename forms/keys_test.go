package forms_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	. "github.com/miasrbija/mia/forms"
	"github.com/miasrbija/mia/postgres/casestore"
)

func dataKey(b byte) string { return base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{b}, 32)) }

// serviceWith is a restart of the service with other keys.
func (tb *testBundle) serviceWith(t *testing.T, current string, old ...string) (*Service, *Crypter) {
	t.Helper()
	c, err := NewCrypter(current, old...)
	if err != nil {
		t.Fatal(err)
	}
	svc, err := NewService(Config{Store: tb.store, Municipalities: tb.reg, Crypter: c, Now: func() time.Time { return *tb.now }})
	if err != nil {
		t.Fatal(err)
	}
	return svc, c
}

// draftWithJMBG opens a registry extract on svc and answers up to the
// JMBG: the draft holds it encrypted.
func (tb *testBundle) draftWithJMBG(t *testing.T, svc *Service, user string) *Draft {
	t.Helper()
	conv := tb.conversation(t, "viber", user)
	if _, err := svc.Start(tb.ctx, StartInput{ConversationID: conv, Municipality: "sombor", Channel: "viber", ChannelUser: user, Form: FormRegistryExtract}); err != nil {
		t.Fatal(err)
	}
	d, err := svc.Active(tb.ctx, conv)
	if err != nil || d == nil {
		t.Fatalf("Active: %v %v", d, err)
	}
	st, err := svc.Step(tb.ctx, d, Input{Values: map[string]string{"register": "births", "form": "domestic", "full_name": "Ana Anić", "jmbg": tb.jmbg}})
	if err != nil || st.Field != "relation" {
		t.Fatalf("step: %+v %v", st, err)
	}
	return d
}

// finishExtract answers the rest of a registry extract and files it.
func finishExtract(t *testing.T, ctx context.Context, svc *Service, d *Draft) *Case {
	t.Helper()
	st, err := svc.Step(ctx, d, Input{Values: map[string]string{"relation": "self", "purpose": "school", "delivery": "counter", "contact": "064 555 1234"}})
	if err != nil || st.Field != "" {
		t.Fatalf("step: %+v %v", st, err)
	}
	if st, err = svc.Step(ctx, d, Input{Payload: PayloadConfirm}); err != nil || st.Case == nil {
		t.Fatalf("confirm: %+v %v", st, err)
	}
	return st.Case
}

// TestUnreadableDraftIsDiscarded: after a key change without the old key,
// a draft holding a JMBG sealed with it no longer blocks the conversation:
// it is deleted and reported as ErrDraftDiscarded (a cancel included), and
// a new form is started and filed in the same conversation.
func TestUnreadableDraftIsDiscarded(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	lost := tb.draftWithJMBG(t, tb.svc, "u-lost")
	cancelled := tb.draftWithJMBG(t, tb.svc, "u-cancel")
	restarted := tb.draftWithJMBG(t, tb.svc, "u-restart")
	svc2, _ := tb.serviceWith(t, dataKey(7)) // K2 only: K1 is gone

	// "otkaži" on the form the engine held: no failure, the draft is gone.
	_, err := svc2.Step(tb.ctx, cancelled, Input{Text: "otkaži"})
	if !errors.Is(err, ErrDraftDiscarded) || strings.Contains(err.Error(), tb.jmbg) {
		t.Fatalf("cancel of an unreadable draft: %v", err)
	}
	if n := tb.count(t, `SELECT count(*) FROM form_drafts WHERE conversation_id = $1`, cancelled.ConversationID); n != 0 {
		t.Errorf("%d drafts left after the cancel", n)
	}
	// The next message: Active discards once, then there is no draft.
	if d, err := svc2.Active(tb.ctx, lost.ConversationID); d != nil || !errors.Is(err, ErrDraftDiscarded) {
		t.Fatalf("Active: %v %v", d, err)
	}
	if d, err := svc2.Active(tb.ctx, lost.ConversationID); d != nil || err != nil {
		t.Fatalf("Active after the discard: %v %v", d, err)
	}
	// A new form in the same conversation is started and filed.
	st, err := svc2.Start(tb.ctx, StartInput{ConversationID: lost.ConversationID, Municipality: "sombor", Channel: "viber", ChannelUser: "u-lost", Form: FormRegistryExtract})
	if err != nil || st.Field != "register" {
		t.Fatalf("new form: %+v %v", st, err)
	}
	d, _ := svc2.Active(tb.ctx, lost.ConversationID)
	if _, err := svc2.Step(tb.ctx, d, Input{Values: map[string]string{"register": "births", "form": "domestic", "full_name": "Ana Anić", "jmbg": tb.jmbg}}); err != nil {
		t.Fatal(err)
	}
	if c := finishExtract(t, tb.ctx, svc2, d); c.JMBGMasked != MaskJMBG(tb.jmbg) {
		t.Errorf("filed: %+v", c)
	}
	// Starting a form over an unreadable draft starts afresh.
	st, err = svc2.Start(tb.ctx, StartInput{ConversationID: restarted.ConversationID, Municipality: "sombor", Channel: "viber", ChannelUser: "u-restart", Form: FormCommunalReport})
	if err != nil || st.Form != FormCommunalReport || strings.Contains(st.Prompt, "Nastavljamo") {
		t.Fatalf("start over an unreadable draft: %+v %v", st, err)
	}
}

// TestOldKeysStillRead: with K2 current and K1 kept as old, a K1 draft
// reads and files, the new case sealed with K2.
func TestOldKeysStillRead(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	d := tb.draftWithJMBG(t, tb.svc, "u-old")
	svc2, c2 := tb.serviceWith(t, dataKey(7), tb.key)
	a, err := svc2.Active(tb.ctx, d.ConversationID)
	if err != nil || a == nil || a.Value("jmbg") != MaskJMBG(tb.jmbg) {
		t.Fatalf("K1 draft with K1 old: %v %v", a, err)
	}
	c := finishExtract(t, tb.ctx, svc2, a)
	var enc []byte
	if err := tb.db.QueryRow(tb.ctx, `SELECT jmbg_enc FROM cases WHERE id = $1`, c.ID).Scan(&enc); err != nil {
		t.Fatal(err)
	}
	if c2.KeyID(enc) != c2.CurrentKeyID() {
		t.Errorf("new case sealed with %s, current %s", c2.KeyID(enc), c2.CurrentKeyID())
	}
}

// sealedValues is SQL selecting every encrypted value as v: each bytea
// column named *_enc in the schema, and the drafts' enc: values.
func (tb *testBundle) sealedValues(t *testing.T) string {
	t.Helper()
	rows, err := tb.db.Query(tb.ctx, `SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND data_type = 'bytea' AND column_name LIKE '%\_enc'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	parts := []string{`SELECT decode(substr(kv.value, 5), 'base64') AS v FROM form_drafts, jsonb_each_text(field_values) kv WHERE kv.value LIKE 'enc:%'`}
	for rows.Next() {
		var table, col string
		if err := rows.Scan(&table, &col); err != nil {
			t.Fatal(err)
		}
		parts = append(parts, fmt.Sprintf(`SELECT %q FROM %q WHERE %q IS NOT NULL`, col, table, col))
	}
	if len(parts) < 2 {
		t.Fatal("no encrypted column found")
	}
	return strings.Join(parts, " UNION ALL ")
}

// sealedNotWith counts in SQL the encrypted values whose header does not
// name key id ("": every encrypted value).
func (tb *testBundle) sealedNotWith(t *testing.T, id string) int {
	t.Helper()
	if id == "" {
		return tb.count(t, `SELECT count(*) FROM (`+tb.sealedValues(t)+`) s`)
	}
	raw, err := hex.DecodeString(id)
	if err != nil {
		t.Fatal(err)
	}
	return tb.count(t, `SELECT count(*) FROM (`+tb.sealedValues(t)+`) s WHERE substring(v from 1 for 7) <> $1`,
		append([]byte("MK\x01"), raw...))
}

// snapshot is every encrypted value as stored.
func (tb *testBundle) snapshot(t *testing.T) string {
	t.Helper()
	var s string
	err := tb.db.QueryRow(tb.ctx, `SELECT coalesce(string_agg(encode(v, 'hex'), '|' ORDER BY v), '') FROM (`+
		tb.sealedValues(t)+`) s`).Scan(&s)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestRotateKeys: rotation seals every value (drafts and cases, legacy
// ones too) with K2 in batches, resumes after an interruption and changes
// nothing on a second run; then K1 can be dropped and everything reads.
func TestRotateKeys(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	k1, k2 := tb.key, dataKey(7)
	var drafts []*Draft
	for _, u := range []string{"r1", "r2", "r3", "r4"} {
		drafts = append(drafts, tb.draftWithJMBG(t, tb.svc, u))
	}
	var cases []*Case
	for _, u := range []string{"c1", "c2", "c3"} {
		cases = append(cases, finishExtract(t, tb.ctx, tb.svc, tb.draftWithJMBG(t, tb.svc, u)))
	}
	// Values of the first format (no key id), as stored before rotation
	// existed, still read.
	legacyDraft := LegacySeal(t, k1, "jmbg", []byte(tb.jmbg))
	if _, err := tb.db.Exec(tb.ctx, `UPDATE form_drafts SET field_values = jsonb_set(field_values, '{jmbg}', to_jsonb($2::text)) WHERE id = $1`,
		drafts[0].ID, "enc:"+base64.StdEncoding.EncodeToString(legacyDraft)); err != nil {
		t.Fatal(err)
	}
	if _, err := tb.db.Exec(tb.ctx, `UPDATE cases SET jmbg_enc = $2 WHERE id = $1`, cases[0].ID, LegacySeal(t, k1, "jmbg", []byte(tb.jmbg))); err != nil {
		t.Fatal(err)
	}
	if a, err := tb.svc.Active(tb.ctx, drafts[0].ConversationID); err != nil || a.Value("jmbg") != MaskJMBG(tb.jmbg) {
		t.Fatalf("legacy draft: %v %v", a, err)
	}

	store := casestore.New(tb.db)
	_, c21 := tb.serviceWith(t, k2, k1)
	_, c1 := tb.serviceWith(t, k1)
	total := int64(tb.sealedNotWith(t, ""))
	if total < 4+3 {
		t.Fatalf("only %d encrypted values", total)
	}
	before := tb.snapshot(t)
	r, err := RotateKeys(tb.ctx, store, c21, RotateOptions{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if r.Total() != total || r.Pending() != total || tb.snapshot(t) != before {
		t.Fatalf("dry run: total %d pending %d %+v", r.Total(), r.Pending(), r.Sets)
	}
	for _, s := range r.Sets {
		legacy := int64(0)
		if s.Set == "form_drafts.field_values" || s.Set == "cases.jmbg_enc" {
			legacy = 1
		}
		if s.ByKey[LegacyKeyID] != legacy || s.ByKey[c1.CurrentKeyID()] < 2 || s.Resealed != s.ByKey[LegacyKeyID]+s.ByKey[c1.CurrentKeyID()] {
			t.Errorf("dry run %s: %+v", s.Set, s)
		}
	}

	// Interrupted after the first batch: resumed by the next run.
	ctx, cancel := context.WithCancel(tb.ctx)
	_, err = RotateKeys(ctx, store, c21, RotateOptions{Batch: 2, Progress: func(string, int64) { cancel() }})
	if err == nil {
		t.Fatal("interrupted rotation reports no error")
	}
	if n := int64(tb.sealedNotWith(t, c21.CurrentKeyID())); n == 0 || n == total {
		t.Fatalf("after one batch %d of %d values still not under K2", n, total)
	}
	r, err = RotateKeys(tb.ctx, store, c21, RotateOptions{Batch: 2})
	if err != nil {
		t.Fatal(err)
	}
	var resealed int64
	for _, s := range r.Sets {
		resealed += s.Resealed
		if s.Unreadable != 0 {
			t.Errorf("%s: %d unreadable", s.Set, s.Unreadable)
		}
	}
	if r.Total() != total || resealed == 0 || resealed >= total {
		t.Errorf("resumed run: total %d resealed %d", r.Total(), resealed)
	}
	if n := tb.sealedNotWith(t, c21.CurrentKeyID()); n != 0 {
		t.Fatalf("%d values not sealed with K2 after rotation", n)
	}
	// A second run changes nothing.
	done := tb.snapshot(t)
	r, err = RotateKeys(tb.ctx, store, c21, RotateOptions{Batch: 2})
	if err != nil || tb.snapshot(t) != done || r.Pending() != 0 {
		t.Fatalf("second run: %v, pending %d, changed %v", err, r.Pending(), tb.snapshot(t) != done)
	}
	for _, s := range r.Sets {
		if s.Resealed != 0 {
			t.Errorf("second run resealed %d in %s", s.Resealed, s.Set)
		}
	}

	// K1 dropped: every draft and case reads with K2 alone.
	svc2, c2 := tb.serviceWith(t, k2)
	for _, d := range drafts {
		a, err := svc2.Active(tb.ctx, d.ConversationID)
		if err != nil || a == nil || a.Value("jmbg") != MaskJMBG(tb.jmbg) {
			t.Errorf("draft %d with K2 only: %v %v", d.ID, a, err)
		}
	}
	for _, c := range cases {
		var enc []byte
		if err := tb.db.QueryRow(tb.ctx, `SELECT jmbg_enc FROM cases WHERE id = $1`, c.ID).Scan(&enc); err != nil {
			t.Fatal(err)
		}
		if pt, err := c2.Decrypt("jmbg", enc); err != nil || string(pt) != tb.jmbg {
			t.Errorf("case %d with K2 only: %v", c.ID, err)
		}
		if _, err := svc2.CaseForStaff(tb.ctx, "sombor", c.ID); err != nil {
			t.Errorf("case %d for staff with K2 only: %v", c.ID, err)
		}
	}
	tb.assertNoClearJMBG(t, tb.jmbg)
}
