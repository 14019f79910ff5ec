package assistant_test

import (
	"context"
	"strings"
	"testing"

	"github.com/miasrbija/mia/assistant"
)

// Personal data a citizen gives in a conversation, by the ways it must not
// stay in clear: typed into a description, or asked for by a form.
const (
	descJMBG  = "0101990710006"
	descPhone = "987 6543" // of 063 987 6543
	descEmail = "pera.peric@example.rs"
	name      = "Petar Petrović"
	phoneTail = "657654321" // of 065 765 4321, +381657654321
	contact   = "jovana.jovic@primer.rs"
	address   = "Venac vojvode Stepe 5"
)

// TestPersonalDataNotKeptInClear files a communal report whose
// description carries a JMBG, a phone and an e-mail, with the citizen's
// name and phone given for contact, and a civil-registry extract request
// with an e-mail contact and a postal address. The citizen sees their own
// values in the live summary; the conversation's record (messages, which
// the web history API and the model's history read), the cases and the
// drafts hold none of them in clear; the clerk reads the extract's contact
// through CaseForStaff.
func TestPersonalDataNotKeptInClear(t *testing.T) {
	b := setup(t)
	svc := withForms(t, b)
	e := b.engine(t)
	ctx := context.Background()

	summary := converse(t, e, "citizen-pii", []turn{
		{text: "Hoću da prijavim problem sa smećem", wantIn: ""},
		{payload: "form:set:category=waste", wantIn: ""},
		{text: "ne", wantIn: ""},
		{text: "Kontejner prepun dve nedelje, zovite me na 063 987 6543 ili " + descEmail + ", moj JMBG " + descJMBG, wantIn: ""},
		{loc: &assistant.Location{Lat: 45.7733, Lon: 19.1151}, wantIn: ""},
		{payload: "form:skip", wantIn: ""},
		{payload: "form:set:contact_consent=yes", wantIn: ""},
		{text: name, wantIn: ""},
		{text: "065 765 4321", wantIn: "proverite prijavu"},
	})
	if !strings.Contains(summary.Text, name) || !strings.Contains(summary.Text, phoneTail) {
		t.Errorf("the live summary should show the citizen their own name and phone:\n%s", summary.Text)
	}
	if strings.Contains(summary.Text, descJMBG) || strings.Contains(summary.Text, descEmail) {
		t.Errorf("the summary echoes the description's personal data:\n%s", summary.Text)
	}
	report := converse(t, e, "citizen-pii", []turn{{payload: "form:confirm", wantIn: "so-kp-"}})

	converse(t, e, "citizen-pii-2", []turn{
		{text: "treba mi izvod iz matične knjige rođenih", wantIn: ""},
		{payload: "form:set:register=births", wantIn: ""},
		{payload: "form:set:form=domestic", wantIn: ""},
		{text: "Jovana Jović", wantIn: ""},
		{text: "1503985810023", wantIn: ""},
		{payload: "form:set:relation=self", wantIn: ""},
		{payload: "form:set:purpose=school", wantIn: ""},
		{payload: "form:set:delivery=post", wantIn: ""},
		{text: address + ", 25000 Sombor", wantIn: ""},
		{text: contact, wantIn: "proverite zahtev"},
	})
	extract := converse(t, e, "citizen-pii-2", []turn{{payload: "form:confirm", wantIn: "so-iz-"}})
	if !strings.Contains(extract.Text, address) {
		t.Errorf("the filing reply should name the citizen's postal address:\n%s", extract.Text)
	}

	secrets := []string{descJMBG, descPhone, "9876543", descEmail, name, phoneTail, contact, "Jovana Jović", address, "1503985810023"}
	for what, sql := range map[string]string{
		"messages":    `SELECT coalesce(string_agg(content, ' | '), '') FROM messages`,
		"cases":       `SELECT coalesce(string_agg(c::text, ' | '), '') FROM cases c`,
		"form_drafts": `SELECT coalesce(string_agg(d::text, ' | '), '') FROM form_drafts d`,
		"case_events": `SELECT coalesce(string_agg(e::text, ' | '), '') FROM case_events e`,
	} {
		var all string
		if err := b.db.QueryRow(ctx, sql).Scan(&all); err != nil {
			t.Fatal(err)
		}
		for _, s := range secrets {
			if strings.Contains(all, s) {
				t.Errorf("%s holds %q in clear:\n%s", what, s, all)
			}
		}
	}
	for _, conv := range []int64{report.ConversationID, extract.ConversationID} {
		hist, err := b.cfg.Memory.History(ctx, conv, 100)
		if err != nil {
			t.Fatal(err)
		}
		var all strings.Builder
		for _, m := range hist {
			all.WriteString(m.Content + "\n")
		}
		for _, s := range secrets {
			if strings.Contains(all.String(), s) {
				t.Errorf("history holds %q in clear:\n%s", s, all.String())
			}
		}
		if !strings.Contains(all.String(), "[JMBG]") && conv == report.ConversationID {
			t.Errorf("history lacks the masked description:\n%s", all.String())
		}
	}

	// The clerk reads the request's contact and address in clear.
	var id int64
	if err := b.db.QueryRow(ctx, `SELECT id FROM cases WHERE ref = $1`, extract.CaseRef).Scan(&id); err != nil {
		t.Fatal(err)
	}
	c, err := svc.CaseForStaff(ctx, "sombor", id)
	if err != nil {
		t.Fatal(err)
	}
	if c.Private["contact"] != contact || !strings.HasPrefix(c.Private["post_address"], address) || c.Private["full_name"] != "Jovana Jović" {
		t.Errorf("clerk's view: %v", c.Private)
	}
}
