package assistant_test

import (
	"strings"
	"testing"

	"github.com/miasrbija/mia/assistant"
	sr "github.com/miasrbija/mia/serbian"
)

// TestReferrals: a question about another institution's service, which
// the city's documents only mention on the way, is declined with that
// institution named, in either script; the same word as a purpose ("izvod
// za pasoš") refers nowhere; a question the documents answer is answered.
func TestReferrals(t *testing.T) {
	e := setup(t).engine(t)
	for _, q := range []string{"Gde se vadi lična karta?", "Kako da izvadim pasoš?", "Где се вади пасош?", "Kada stiže penzija?"} {
		r, _ := ask(t, e, "citizen-referral", q)
		if r.Status != assistant.StatusNoSource || len(r.Citations) != 0 {
			t.Errorf("%q: %s with %d citations:\n%s", q, r.Status, len(r.Citations), r.Text)
		}
		if f := sr.Fold(sr.ToLatin(r.Text)); !strings.Contains(f, "druge institucije") {
			t.Errorf("%q: no institution named:\n%s", q, r.Text)
		}
	}
	r, _ := ask(t, e, "citizen-purpose", "Treba mi izvod za pasoš, gde se vadi?")
	if strings.Contains(r.Text, "mup.gov.rs") {
		t.Errorf("a purpose was referred to the police:\n%s", r.Text)
	}
	r, _ = ask(t, e, "citizen-tax", "Do kada se plaća prva rata poreza na imovinu?")
	if r.Status != assistant.StatusAnswered {
		t.Errorf("a city question was declined: %s\n%s", r.Status, r.Text)
	}
}
