package forms_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/miasrbija/mia/fault"
	. "github.com/miasrbija/mia/forms"
)

// fileWithPhone files a lighting report at a shared point, with the
// citizen's consent to be contacted and their phone.
func (tb *testBundle) fileWithPhone(t *testing.T, user, phone string) *Case {
	t.Helper()
	d, _ := tb.start(t, FormCommunalReport, "web", user)
	tb.step(t, d, Input{Location: &Location{Lat: 45.78, Lon: 19.11}}, "category")
	tb.step(t, d, Input{Values: map[string]string{"category": "public_lighting", "village": "no",
		"description": "Ne radi ulična rasveta u celoj ulici", "contact_consent": "yes", "name": "Marko Marković", "phone": phone}}, "attachments")
	tb.step(t, d, Input{Payload: PayloadSkip}, "")
	st := tb.step(t, d, Input{Payload: PayloadConfirm}, "")
	if st.Case == nil {
		t.Fatal("no case")
	}
	return st.Case
}

// TestCaseByContact: a case is found by its reference and the contact the
// citizen gave, typed any usual way; a wrong contact, a case without one
// and a reference that does not exist all answer the same not-found.
func TestCaseByContact(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	report := tb.fileWithPhone(t, "device-a", "064 123 4567")
	extract := tb.fileExtract(t, "device-b")      // contact ana@example.rs
	silent := tb.fileReport(t, "web", "device-c") // no contact given
	if _, err := tb.svc.ChangeStatus(tb.ctx, report.ID, StatusForwarded, "staff:1", ""); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct{ ref, contact string }{
		{report.Ref, "+381 64 123 4567"},
		{strings.ToLower(report.Ref), "0641234567"},
		{"СО-КП-" + strings.TrimPrefix(report.Ref, "SO-KP-"), "00381641234567"},
		{extract.Ref, "  Ana@Example.RS "},
	} {
		c, err := tb.svc.CaseByContact(tb.ctx, "sombor", tc.ref, tc.contact)
		if err != nil {
			t.Errorf("%s with %q: %v", tc.ref, tc.contact, err)
			continue
		}
		if c.Private != nil || c.NextSteps != "" {
			t.Errorf("%s: personal data or next steps go out: %+v", c.Ref, c)
		}
	}
	c, err := tb.svc.CaseByContact(tb.ctx, "sombor", report.Ref, "064 123 4567")
	if err != nil || c.Status != StatusForwarded || c.BodyName != "JKP „Zelenilo” Sombor" {
		t.Fatalf("followed case: %+v %v", c, err)
	}

	var notFound []string
	for _, tc := range []struct{ muni, ref, contact string }{
		{"sombor", report.Ref, "064 123 4568"},          // wrong phone
		{"sombor", report.Ref, "ana@example.rs"},        // another case's contact
		{"sombor", silent.Ref, "064 123 4567"},          // a case with no contact
		{"sombor", "SO-KP-2026-999999", "064 123 4567"}, // no such case
		{"laktasi", report.Ref, "064 123 4567"},         // another municipality
		{"sombor", "", "064 123 4567"},
	} {
		_, err := tb.svc.CaseByContact(tb.ctx, tc.muni, tc.ref, tc.contact)
		if !errors.Is(err, fault.ErrNotFound) {
			t.Errorf("%+v: want not found, got %v", tc, err)
			continue
		}
		notFound = append(notFound, err.Error())
	}
	for _, m := range notFound[1:] {
		if m != notFound[0] {
			t.Errorf("not-found answers differ: %q vs %q", m, notFound[0])
		}
	}
	// A contact that is no phone or e-mail is bad input, told before any lookup.
	if _, err := tb.svc.CaseByContact(tb.ctx, "sombor", report.Ref, "Marko"); !errors.Is(err, fault.ErrInvalid) {
		t.Errorf("bad contact: %v", err)
	}
}

// TestStatusTexts: the citizen's status sentences agree with the noun, name
// the body once and show a shared point as a map link.
func TestStatusTexts(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	report := tb.fileWithPhone(t, "texts", "064 123 4567")
	forwarded, err := tb.svc.ChangeStatus(tb.ctx, report.ID, StatusForwarded, "staff:1", "")
	if err != nil {
		t.Fatal(err)
	}
	got := StatusText(nil, forwarded)
	want := "Vaša prijava " + report.Ref + " je prosleđena JKP „Zelenilo” Sombor. Lokacija: https://www.openstreetmap.org/?mlat=45.780000&mlon=19.110000#map=18/45.780000/19.110000"
	if got != want {
		t.Errorf("status text:\n got %s\nwant %s", got, want)
	}
	pending, err := tb.svc.PendingNotifications(tb.ctx, "web", 10)
	if err != nil || len(pending) != 1 || pending[0].Text != want {
		t.Errorf("notification: %+v %v", pending, err)
	}
	if strings.Count(got, "Zelenilo") != 1 || strings.Contains(got, "45.78,") || strings.Contains(got, "(a)") {
		t.Errorf("status text: %s", got)
	}
	progress, err := tb.svc.ChangeStatus(tb.ctx, report.ID, StatusInProgress, "staff:1", "Ekipa je na terenu.")
	if err != nil {
		t.Fatal(err)
	}
	msg := StatusMessage(nil, progress, CaseEvent{To: StatusInProgress, Note: "Ekipa je na terenu."})
	if !strings.HasPrefix(msg, "Vaša prijava "+report.Ref+" je u obradi. Nadležna služba: JKP „Zelenilo” Sombor.") ||
		!strings.HasSuffix(msg, "Napomena: Ekipa je na terenu.") {
		t.Errorf("in progress: %s", msg)
	}

	extract := tb.fileExtract(t, "texts-2")
	extract.Status = StatusResolved
	if got := StatusText(nil, extract); got != "Vaš zahtev "+extract.Ref+" je rešen." {
		t.Errorf("extract: %s", got)
	}
	// A body whose name would need declining is introduced instead.
	if got := RerouteMessage(nil, report, "Odeljenje inspekcije i komunalne policije"); got !=
		"Vaša prijava "+report.Ref+" je prosleđena nadležnoj službi: Odeljenje inspekcije i komunalne policije." {
		t.Errorf("reroute: %s", got)
	}
	for in, want := range map[string]string{"Apatinski put 12, Sombor": "Apatinski put 12, Sombor", "geo:bad": "", "": ""} {
		if got := PlaceText(in); got != want {
			t.Errorf("PlaceText(%q) = %q, want %q", in, got, want)
		}
	}
}
