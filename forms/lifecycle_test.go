package forms_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/miasrbija/mia/fault"
	. "github.com/miasrbija/mia/forms"
	"github.com/miasrbija/mia/postgres/casestore"
)

// fileExtract completes and confirms a civil-registry extract request.
func (tb *testBundle) fileExtract(t *testing.T, user string) *Case {
	t.Helper()
	d, _ := tb.start(t, FormRegistryExtract, "viber", user)
	tb.step(t, d, Input{Values: map[string]string{"register": "births", "form": "domestic", "full_name": "Ana Anić", "jmbg": tb.jmbg,
		"relation": "self", "purpose": "other", "delivery": "counter", "contact": "ana@example.rs"}}, "")
	st := tb.step(t, d, Input{Payload: PayloadConfirm}, "")
	if st.Case == nil {
		t.Fatal("no case")
	}
	return st.Case
}

func TestReroute(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	c := tb.fileReport(t, "viber", "rr") // category other: komunalna-policija
	if c.BodyKey != "komunalna-policija" {
		t.Fatalf("routed to %q", c.BodyKey)
	}
	sombor := CaseScope{Municipality: "sombor"}
	got, err := tb.svc.Reroute(tb.ctx, sombor, c.ID, "jkp-zelenilo", "staff:1 Ana", "  klupa je u parku  ")
	if err != nil || got.BodyKey != "jkp-zelenilo" || got.Status != StatusReceived || got.BodyName == "" {
		t.Fatalf("reroute: %+v %v", got, err)
	}
	events, err := tb.svc.CaseEvents(tb.ctx, c.ID)
	if err != nil || len(events) != 2 {
		t.Fatalf("events: %v %v", events, err)
	}
	e := events[1]
	if e.From != StatusReceived || e.To != StatusReceived || e.Actor != "staff:1 Ana" ||
		e.Note != "preusmereno: Odeljenje inspekcije i komunalne policije → JKP „Zelenilo” Sombor. klupa je u parku" {
		t.Errorf("event: %+v", e)
	}
	pending, err := tb.svc.PendingNotifications(tb.ctx, "viber", 10)
	if err != nil || len(pending) != 1 {
		t.Fatalf("pending: %v %v", pending, err)
	}
	if p := pending[0]; p.CaseID != c.ID || p.EventID != e.ID || p.ChannelUser != "rr" || p.Text != RerouteMessage(nil, c, "JKP „Zelenilo” Sombor") {
		t.Errorf("notification: %+v", p)
	}
	if err := tb.svc.MarkNotificationSent(tb.ctx, pending[0].ID); err != nil {
		t.Fatal(err)
	}
	if pending, _ := tb.svc.PendingNotifications(tb.ctx, "viber", 10); len(pending) != 0 {
		t.Errorf("still pending: %v", pending)
	}

	extract := tb.fileExtract(t, "rr-iz")
	for _, tc := range []struct {
		name  string
		scope CaseScope
		id    int64
		body  string
		note  string
		want  error
	}{
		{"registry request to a utility", sombor, extract.ID, "jkp-cistoca", "", fault.ErrInvalid},
		{"registry request to the inspection", sombor, extract.ID, "komunalna-policija", "", fault.ErrInvalid},
		{"unknown body", sombor, c.ID, "nema", "", fault.ErrInvalid},
		{"same body", sombor, c.ID, "jkp-zelenilo", "", fault.ErrInvalid},
		{"note too long", sombor, c.ID, "jkp-cistoca", strings.Repeat("ž", MaxNoteLen+1), fault.ErrInvalid},
		{"another body's case", CaseScope{Municipality: "sombor", Body: "jkp-cistoca"}, c.ID, "jkp-vodokanal", "", fault.ErrNotFound},
		{"another municipality", CaseScope{Municipality: "apatin"}, c.ID, "jkp-cistoca", "", fault.ErrNotFound},
		{"no such case", sombor, c.ID + 1000, "jkp-cistoca", "", fault.ErrNotFound},
	} {
		if _, err := tb.svc.Reroute(tb.ctx, tc.scope, tc.id, tc.body, "staff:1 Ana", tc.note); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
	if n := tb.count(t, `SELECT count(*) FROM case_events WHERE case_id = $1`, extract.ID); n != 1 {
		t.Errorf("refused reroutes left %d events", n)
	}
	if n := tb.count(t, `SELECT count(*) FROM case_notifications`); n != 1 {
		t.Errorf("refused reroutes queued notifications: %d", n)
	}
	if got, _ := tb.svc.CaseForStaff(tb.ctx, "sombor", extract.ID); got.BodyKey != "" {
		t.Errorf("registry request went to %q", got.BodyKey)
	}
}

func TestChangeStatusNote(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	c := tb.fileReport(t, "web", "note")
	if _, err := tb.svc.ChangeStatus(tb.ctx, c.ID, StatusForwarded, "x", strings.Repeat("a", MaxNoteLen+1)); !errors.Is(err, fault.ErrInvalid) {
		t.Errorf("long note: %v", err)
	}
	if _, err := tb.svc.ChangeStatus(tb.ctx, c.ID, StatusForwarded, " ", ""); !errors.Is(err, fault.ErrInvalid) {
		t.Errorf("no actor: %v", err)
	}
	if _, err := tb.svc.ChangeStatus(tb.ctx, c.ID+1000, StatusForwarded, "x", ""); !errors.Is(err, fault.ErrNotFound) {
		t.Errorf("no such case: %v", err)
	}
}

func TestChangeStatusAndNotification(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	c := tb.fileReport(t, "viber", "filer")
	if _, err := tb.svc.ChangeStatus(tb.ctx, c.ID, StatusResolved, "referent.petrovic", ""); !errors.Is(err, fault.ErrConflict) {
		t.Errorf("received → resolved allowed: %v", err)
	}
	got, err := tb.svc.ChangeStatus(tb.ctx, c.ID, StatusForwarded, "referent.petrovic", "prosleđeno komunalnoj policiji")
	if err != nil || got.Status != StatusForwarded {
		t.Fatalf("forward: %v %v", got, err)
	}
	events, err := tb.svc.CaseEvents(tb.ctx, c.ID)
	if err != nil || len(events) != 2 {
		t.Fatalf("events: %v %v", events, err)
	}
	e := events[1]
	if e.From != StatusReceived || e.To != StatusForwarded || e.Actor != "referent.petrovic" || e.Note == "" || !e.CreatedAt.Equal(testNow) {
		t.Errorf("event: %+v", e)
	}
	ob := Outbox{Store: tb.store}
	pending, err := ob.Pending(tb.ctx, "viber", 10)
	if err != nil || len(pending) != 1 {
		t.Fatalf("pending: %v %v", pending, err)
	}
	p := pending[0]
	if p.ChannelUser != "filer" || p.CaseID != c.ID || !strings.Contains(p.Text, c.Ref) || !strings.Contains(p.Text, "komunalne policije") {
		t.Errorf("notification: %+v", p)
	}
	if err := ob.MarkSent(tb.ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	if pending, _ := ob.Pending(tb.ctx, "viber", 10); len(pending) != 0 {
		t.Errorf("still pending after MarkSent: %v", pending)
	}
	// The rest of the lifecycle, each step notified.
	for _, to := range []CaseStatus{StatusInProgress, StatusResolved} {
		if _, err := tb.svc.ChangeStatus(tb.ctx, c.ID, to, "referent.petrovic", ""); err != nil {
			t.Fatalf("to %s: %v", to, err)
		}
	}
	if _, err := tb.svc.ChangeStatus(tb.ctx, c.ID, StatusRejected, "referent.petrovic", ""); !errors.Is(err, fault.ErrConflict) {
		t.Errorf("resolved → rejected allowed: %v", err)
	}
	if n := tb.count(t, `SELECT count(*) FROM case_notifications WHERE case_id = $1 AND status = 'pending' AND channel = 'viber' AND channel_user = 'filer'`, c.ID); n != 2 {
		t.Errorf("%d pending notifications, want 2", n)
	}
	c = tb.fileReport(t, "viber", "filer2")
	if _, err := tb.svc.ChangeStatus(tb.ctx, c.ID, StatusForwarded, "x", ""); err != nil {
		t.Fatal(err)
	}
	// A notification that cannot be queued rolls the change back.
	c2, _ := NewCrypter(tb.key)
	failing, err := NewService(Config{Store: failingOutbox{tb.store}, Attachments: casestore.New(tb.db), Municipalities: tb.reg, Crypter: c2})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := failing.ChangeStatus(tb.ctx, c.ID, StatusInProgress, "x", ""); err == nil {
		t.Fatal("change committed despite the notifier's error")
	}
	if got, _ := tb.svc.CaseForStaff(tb.ctx, "sombor", c.ID); got.Status != StatusForwarded {
		t.Errorf("status %s after a failed change", got.Status)
	}
}

// failingOutbox is a Store whose transactions cannot queue a notification.
type failingOutbox struct{ Store }

func (s failingOutbox) InTx(ctx context.Context, fn func(Tx) error) error {
	return s.Store.InTx(ctx, func(tx Tx) error { return fn(failingTx{tx}) })
}

type failingTx struct{ Tx }

func (failingTx) InsertNotification(context.Context, Notification) error { return errors.New("boom") }
