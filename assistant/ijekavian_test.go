package assistant_test

import (
	"context"
	"strings"
	"testing"

	"github.com/miasrbija/mia/assistant"
	"github.com/miasrbija/mia/forms"
	"github.com/miasrbija/mia/ingest"
	"github.com/miasrbija/mia/postgres/docstore"
	"github.com/miasrbija/mia/rag"
)

// A Laktaši citizen hears MIA ijekavian — greeting, form questions,
// summary, next steps, status — in both scripts, while the words they
// typed come back as they typed them; a Sombor citizen saying the same
// hears ekavian.
func TestLaktasiConversationIsIjekavian(t *testing.T) {
	t.Parallel()
	b := setup(t)
	if _, err := (&ingest.Runner{Store: docstore.New(b.db), Embedder: rag.NewHashEmbedder(), Municipality: "laktasi"}).
		Run(context.Background(), []string{"../corpus/laktasi"}); err != nil {
		t.Fatal(err)
	}
	withForms(t, b)
	e := b.engine(t)
	say := func(slug, user string, in assistant.Turn) *assistant.Reply {
		t.Helper()
		in.Municipality, in.Channel, in.UserID = slug, assistant.ChannelWeb, user
		r, err := e.Handle(context.Background(), in, nil)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	has := func(r *assistant.Reply, wants ...string) {
		t.Helper()
		for _, w := range wants {
			if !strings.Contains(r.Text, w) {
				t.Errorf("reply lacks %q:\n%s", w, r.Text)
			}
		}
	}
	own := "Ne radi javna rasveta u Ulici Karađorđevoj kod broja 5, sijalica ne svetli već nedelju dana"

	r := say("laktasi", "lk", assistant.Turn{Text: "Dobar dan"})
	has(r, "provjerite podatke", "rasvjeta")
	// The municipality's own topics: its tax is on real estate.
	if !hasQuick(r, "Dječiji dodatak") || !hasQuick(r, "Porez na nepokretnosti") || hasQuick(r, "Porez na imovinu") {
		t.Errorf("quick replies: %+v", r.QuickReplies)
	}
	r = say("laktasi", "lk", assistant.Turn{Text: own})
	has(r, "Razumio sam: vrsta problema — Javna rasvjeta; opis — "+own, "(mjesne zajednice van samog grada)")
	say("laktasi", "lk", assistant.Turn{Text: "ne"})
	say("laktasi", "lk", assistant.Turn{Payload: forms.PayloadSkip})
	r = say("laktasi", "lk", assistant.Turn{Payload: "form:set:contact_consent=no"})
	has(r, "Provjerite prijavu:", "• Vrsta problema: Javna rasvjeta", "• Opis: "+own)
	if !hasQuick(r, "Izmijeni") {
		t.Errorf("summary buttons: %+v", r.QuickReplies)
	}
	r = say("laktasi", "lk", assistant.Turn{Payload: forms.PayloadConfirm})
	has(r, "LA-KP-", "Kad se status promijeni, javićemo vam se ovdje.")

	// Cyrillic: converted first, then mirrored.
	r = say("laktasi", "lk-cyr", assistant.Turn{Text: "Добар дан"})
	has(r, "провјерите податке", "расвјета")

	// Sombor, the same words: ekavian.
	r = say("sombor", "so", assistant.Turn{Text: strings.Replace(own, "Karađorđevoj kod broja 5", "Zmaj Jovinoj kod broja 5", 1)})
	has(r, "Razumeo sam: vrsta problema — Javna rasveta;", "(mesne zajednice van samog grada)")
	if strings.Contains(r.Text, "Razumio") || strings.Contains(r.Text, "mjesne") {
		t.Errorf("ijekavian in Sombor:\n%s", r.Text)
	}
}

func hasQuick(r *assistant.Reply, label string) bool {
	for _, q := range r.QuickReplies {
		if q.Label == label {
			return true
		}
	}
	return false
}
