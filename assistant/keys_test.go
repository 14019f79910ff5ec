package assistant_test

import (
	"strings"
	"testing"

	"github.com/miasrbija/mia/assistant"
	"github.com/miasrbija/mia/forms"
	"github.com/miasrbija/mia/postgres/casestore"
	sr "github.com/miasrbija/mia/serbian"
)

// TestUnreadableDraftAfterKeyChange: MIA restarts with a new data key and
// without the old one. A citizen whose form held a JMBG sealed with the
// old key is told the form was lost, whatever they write ("otkaži"
// included), and the conversation goes on: a new form is filed.
func TestUnreadableDraftAfterKeyChange(t *testing.T) {
	b, e := servicesEngine(t)
	upToJMBG := []turn{
		{text: "Treba mi izvod iz matične knjige rođenih", wantIn: ""},
		{text: "Izvod iz MK rođenih", wantIn: ""},
		{text: "domaći", wantIn: ""},
		{text: "Jovana Jovanović", wantIn: ""},
		{text: "0101900350008", wantIn: "za koga"},
	}
	for _, user := range []string{"lost-cancel", "lost-text", "lost-button"} {
		converse(t, e, user, upToJMBG)
	}

	// The restart: another key, the old one not kept.
	crypt, err := forms.NewCrypter("OTg3NjU0MzIxMGZlZGNiYTk4NzY1NDMyMTBmZWRjYmE=")
	if err != nil {
		t.Fatal(err)
	}
	svc, err := forms.NewService(forms.Config{Store: casestore.New(b.db), Municipalities: b.cfg.Municipalities, Crypter: crypt})
	if err != nil {
		t.Fatal(err)
	}
	b.cfg.Forms = svc
	e = b.engine(t)
	const lost = "obrazac nije mogao da se procita"
	for _, c := range []struct {
		user string
		turn turn
	}{
		{"lost-cancel", turn{text: "Otkaži", wantIn: lost}},
		{"lost-button", turn{payload: forms.PayloadSet + "relation=self", wantIn: lost}},
		{"lost-text", turn{text: "za sebe", wantIn: lost}},
	} {
		r := converse(t, e, c.user, []turn{c.turn})
		if r.Status == assistant.StatusError {
			t.Fatalf("%s: error reply\n%s", c.user, r.Text)
		}
		if strings.Contains(r.Text, "0101900350008") {
			t.Fatalf("%s: the JMBG in the reply", c.user)
		}
	}
	// "otkaži" again, with nothing open, is no error either.
	if r := converse(t, e, "lost-cancel", []turn{{text: "otkaži", wantIn: ""}}); r.Status == assistant.StatusError || strings.Contains(sr.Fold(r.Text), lost) {
		t.Fatalf("second cancel: %s\n%s", r.Status, r.Text)
	}
	// The conversation goes on: a new form is filed.
	fileCommunalReport(t, e, "lost-cancel")
}
