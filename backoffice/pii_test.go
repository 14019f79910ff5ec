package backoffice_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/miasrbija/mia/forms"
)

// fileForm files a form through forms.Service, answering each field it
// asks from answers, and returns the case.
func (tb *testBundle) fileForm(t *testing.T, user, form string, answers map[string]forms.Input) *forms.Case {
	t.Helper()
	var convID int64
	if err := tb.db.QueryRow(tb.ctx, `INSERT INTO conversations (municipality, channel, channel_user) VALUES ('sombor', 'web', $1) RETURNING id`, user).Scan(&convID); err != nil {
		t.Fatal(err)
	}
	st, err := tb.forms.Start(tb.ctx, forms.StartInput{ConversationID: convID, Municipality: "sombor", Channel: "web", ChannelUser: user, Form: form})
	if err != nil {
		t.Fatal(err)
	}
	for range 20 {
		if st.Case != nil {
			return st.Case
		}
		if len(st.Errors) > 0 {
			t.Fatalf("refused: %+v", st.Errors)
		}
		in, ok := answers[st.Field]
		if st.Field == "" {
			in, ok = forms.Input{Payload: forms.PayloadConfirm}, true
		}
		if !ok {
			t.Fatalf("no answer for %q: %s", st.Field, st.Prompt)
		}
		d, err := tb.forms.Active(tb.ctx, convID)
		if err != nil || d == nil {
			t.Fatalf("active draft: %v %v", d, err)
		}
		if st, err = tb.forms.Step(tb.ctx, d, in); err != nil {
			t.Fatal(err)
		}
	}
	t.Fatal("the form did not finish")
	return nil
}

// TestCasePageHidesTypedPersonalData: a JMBG, a phone and an e-mail typed
// into a report's description reach neither the case page nor the CSV
// export, while a civil-registry request's contact, which the clerk must
// use, is shown to the clerk in clear though stored encrypted.
func TestCasePageHidesTypedPersonalData(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	const (
		jmbg    = "0101990710006"
		phone   = "063 987 6543"
		email   = "pera.peric@example.rs"
		contact = "jovana.jovic@primer.rs"
		address = "Venac vojvode Stepe 5, 25000 Sombor"
	)
	report := tb.fileForm(t, "citizen-pii", forms.FormCommunalReport, map[string]forms.Input{
		"category":        {Payload: forms.PayloadSet + "category=waste"},
		"village":         {Payload: forms.PayloadSet + "village=no"},
		"description":     {Text: "Kontejner je prepun. Zovite me na " + phone + " ili " + email + ", JMBG " + jmbg},
		"location":        {Text: "Kralja Petra I 12, tel. " + phone},
		"attachments":     {Payload: forms.PayloadSkip},
		"contact_consent": {Payload: forms.PayloadSet + "contact_consent=no"},
	})
	extract := tb.fileForm(t, "citizen-pii-2", forms.FormRegistryExtract, map[string]forms.Input{
		"register":     {Payload: forms.PayloadSet + "register=births"},
		"form":         {Payload: forms.PayloadSet + "form=domestic"},
		"full_name":    {Text: "Jovana Jović"},
		"jmbg":         {Text: "1503985810023"},
		"relation":     {Payload: forms.PayloadSet + "relation=self"},
		"purpose":      {Payload: forms.PayloadSet + "purpose=school"},
		"delivery":     {Payload: forms.PayloadSet + "delivery=post"},
		"post_address": {Text: address},
		"contact":      {Text: contact},
	})
	secrets := []string{jmbg, phone, "9876543", email, contact, "Jovana Jović", address, "1503985810023"}
	// Nothing in clear in the database.
	var rows string
	if err := tb.db.QueryRow(tb.ctx, `SELECT string_agg(c::text, ' | ') FROM cases c`).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	for _, s := range secrets {
		if strings.Contains(rows, s) {
			t.Errorf("cases hold %q in clear:\n%s", s, rows)
		}
	}

	c := tb.client(t)
	c.mustLogin("admin@sombor.rs")
	page := c.get(fmt.Sprintf("/staff/cases/%d", report.ID)).body
	for _, s := range []string{jmbg, phone, "9876543", email} {
		if strings.Contains(page, s) {
			t.Errorf("report page shows %q:\n%s", s, page)
		}
	}
	for _, want := range []string{"Kontejner je prepun. Zovite me na [TELEFON] ili [EMAIL], JMBG [JMBG]", "Kralja Petra I 12, tel. [TELEFON]", "nije dao saglasnost"} {
		if !strings.Contains(page, want) {
			t.Errorf("report page lacks %q:\n%s", want, page)
		}
	}
	page = c.get(fmt.Sprintf("/staff/cases/%d", extract.ID)).body
	for _, want := range []string{contact, "Jovana Jović", address, "1503******023"} {
		if !strings.Contains(page, want) {
			t.Errorf("request page lacks %q for the clerk:\n%s", want, page)
		}
	}
	if strings.Contains(page, "1503985810023") || strings.Contains(page, "nije dao saglasnost") {
		t.Errorf("request page:\n%s", page)
	}
	csv := c.get("/staff/analytics.csv").body
	if !strings.Contains(csv, "forms,") {
		t.Fatalf("csv:\n%s", csv)
	}
	for _, s := range secrets {
		if strings.Contains(csv, s) {
			t.Errorf("csv holds %q:\n%s", s, csv)
		}
	}
}
