package feedbackstore_test

import (
	"context"
	"errors"
	"testing"

	"github.com/miasrbija/mia/assistant"
	"github.com/miasrbija/mia/fault"
	"github.com/miasrbija/mia/feedback"
	"github.com/miasrbija/mia/postgres"
	"github.com/miasrbija/mia/postgres/convstore"
	"github.com/miasrbija/mia/postgres/feedbackstore"
	"github.com/miasrbija/mia/postgres/pgtest"
	"github.com/miasrbija/mia/serbian"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

type bundle struct {
	ctx   context.Context
	db    *postgres.DB
	conv  *convstore.Store
	store *feedbackstore.Store
}

func setup(t *testing.T) *bundle {
	t.Helper()
	db, _ := pgtest.NewDB(t)
	b := &bundle{ctx: context.Background(), db: db, conv: convstore.New(db), store: feedbackstore.New(db)}
	if _, err := db.Exec(b.ctx, `INSERT INTO municipalities (slug, name) VALUES ('apatin', 'Opština Apatin') ON CONFLICT DO NOTHING`); err != nil {
		t.Fatal(err)
	}
	return b
}

// turn records a citizen's question and MIA's reply on a channel, as the
// engine does, and returns the reply's message id.
func (b *bundle) turn(t *testing.T, muni string, ch assistant.Channel, user, question string, r assistant.Reply) int64 {
	t.Helper()
	conv, err := b.conv.Conversation(b.ctx, muni, ch, user)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.conv.SaveUser(b.ctx, conv, muni, question, serbian.DetectScript(question)); err != nil {
		t.Fatal(err)
	}
	if err := b.conv.SaveAnswer(b.ctx, conv, muni, assistant.Answer{Reply: &r}); err != nil {
		t.Fatal(err)
	}
	id, ok, err := b.store.AnswerID(b.ctx, conv, r.Route, r.Status)
	if err != nil || !ok {
		t.Fatalf("answer id: %v %v", ok, err)
	}
	return id
}

var (
	answered = assistant.Reply{Text: "Porez se plaća tromesečno [1].", Route: assistant.RouteInfo, Status: assistant.StatusAnswered,
		Citations: []assistant.Citation{{N: 1, DocumentID: 1, ChunkID: 1, Source: "porez.md", Title: "Porez na imovinu"}}}
	answeredCyr = assistant.Reply{Text: "Порез се плаћа тромесечно [1].", Route: assistant.RouteInfo, Status: assistant.StatusAnswered,
		Citations: []assistant.Citation{{N: 1, DocumentID: 2, ChunkID: 2, Source: "porez-cir.md", Title: "Порез на имовину"}}}
	declined = assistant.Reply{Text: "U dokumentima nema odgovora.", Route: assistant.RouteInfo, Status: assistant.StatusNoSource}
	formStep = assistant.Reply{Text: "Opišite problem.", Route: assistant.RouteForm, Status: assistant.StatusAnswered}
	abuse    = assistant.Reply{Text: "Molim bez uvreda.", Route: assistant.RouteAbuse, Status: assistant.StatusOutOfScope}
)

func vote(muni string, ch assistant.Channel, user string, id int64, r feedback.Rating, reason feedback.Reason, comment string) feedback.Vote {
	return feedback.Vote{Municipality: muni, Channel: ch, User: user, MessageID: id, Rating: r, Reason: reason, Comment: comment}
}

func TestRateIsOneVotePerAnswer(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := b.turn(t, "sombor", assistant.ChannelWeb, "ana", "Kada se plaća porez?", answered)
	for _, v := range []feedback.Vote{
		vote("sombor", assistant.ChannelWeb, "ana", id, feedback.Up, "", ""),
		vote("sombor", assistant.ChannelWeb, "ana", id, feedback.Down, "", ""),
		vote("sombor", assistant.ChannelWeb, "ana", id, feedback.Down, feedback.ReasonOutdated, "Rok je promenjen."),
	} {
		if err := b.store.Rate(b.ctx, v); err != nil {
			t.Fatal(err)
		}
	}
	var n int
	var rating, reason, comment string
	if err := b.db.QueryRow(b.ctx, `SELECT count(*) OVER (), rating, reason, comment FROM answer_feedback`).Scan(&n, &rating, &reason, &comment); err != nil {
		t.Fatal(err)
	}
	if n != 1 || rating != "down" || reason != "outdated" || comment != "Rok je promenjen." {
		t.Errorf("stored %d rows, last %s %s %q", n, rating, reason, comment)
	}

	step := b.turn(t, "sombor", assistant.ChannelWeb, "ana", "Rupa na putu", formStep)
	for name, v := range map[string]feedback.Vote{
		"another citizen":     vote("sombor", assistant.ChannelWeb, "bojan", id, feedback.Up, "", ""),
		"another channel":     vote("sombor", assistant.ChannelViber, "ana", id, feedback.Up, "", ""),
		"another city":        vote("apatin", assistant.ChannelWeb, "ana", id, feedback.Up, "", ""),
		"a form step":         vote("sombor", assistant.ChannelWeb, "ana", step, feedback.Up, "", ""),
		"the citizen's words": vote("sombor", assistant.ChannelWeb, "ana", id-1, feedback.Up, "", ""),
		"nothing":             vote("sombor", assistant.ChannelWeb, "ana", id+1000, feedback.Up, "", ""),
	} {
		if err := b.store.Rate(b.ctx, v); !errors.Is(err, fault.ErrNotFound) {
			t.Errorf("%s: %v, want not found", name, err)
		}
	}
}

func TestGapsGroupDeclinedAndDislikedQuestions(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.turn(t, "sombor", assistant.ChannelWeb, "a", "Koliko košta parking u centru?", declined)
	b.turn(t, "sombor", assistant.ChannelViber, "b", "Колико кошта паркинг у центру града?", declined)
	disliked := b.turn(t, "sombor", assistant.ChannelWeb, "c", "Kada se plaća porez na imovinu?", answered)
	dislikedCyr := b.turn(t, "sombor", assistant.ChannelWeb, "d", "Када се плаћа порез на имовину?", answeredCyr)
	liked := b.turn(t, "sombor", assistant.ChannelWeb, "e", "Porez na imovinu rokovi", answered)
	b.turn(t, "sombor", assistant.ChannelCLI, "eval-1", "Koliko košta parking?", declined) // eval runs are no gaps
	b.turn(t, "sombor", assistant.ChannelWeb, "f", "glupa mašino", abuse)
	b.turn(t, "apatin", assistant.ChannelWeb, "a", "Koliko košta parking u Apatinu?", declined)
	for _, v := range []feedback.Vote{
		vote("sombor", assistant.ChannelWeb, "c", disliked, feedback.Down, feedback.ReasonOutdated, "rok je 15. maj"),
		vote("sombor", assistant.ChannelWeb, "d", dislikedCyr, feedback.Down, feedback.ReasonWrong, ""),
		vote("sombor", assistant.ChannelWeb, "e", liked, feedback.Up, "", ""),
	} {
		if err := b.store.Rate(b.ctx, v); err != nil {
			t.Fatal(err)
		}
	}
	for range 2 { // a second sync files nothing twice
		if err := b.store.SyncGaps(b.ctx, "sombor", feedback.Assign); err != nil {
			t.Fatal(err)
		}
	}
	groups, err := b.store.Gaps(b.ctx, "sombor", feedback.GapFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(groups) != 2 {
		t.Fatalf("groups %+v, want parking and property tax", groups)
	}
	for _, g := range groups {
		if g.Questions != 2 || g.Status != feedback.GapNew || len(g.Examples) != 2 {
			t.Errorf("group %d: %d questions, status %s, %d examples", g.ID, g.Questions, g.Status, len(g.Examples))
		}
	}
	parking, tax := groups[0], groups[1] // equal counts: the one asked last comes first
	if parking.Declined == 0 {
		parking, tax = tax, parking
	}
	if parking.Examples[0].Question != "Колико кошта паркинг у центру града?" || parking.Declined != 2 || len(parking.Documents) != 0 {
		t.Errorf("parking group %+v", parking)
	}
	if tax.Disliked != 2 || tax.Reasons[feedback.ReasonOutdated] != 1 || tax.Reasons[feedback.ReasonWrong] != 1 {
		t.Errorf("tax group %+v", tax)
	}
	// The Latin and Cyrillic versions of the document are one document.
	if len(tax.Documents) != 1 || tax.Documents[0].N != 2 || tax.Documents[0].Title != "Porez na imovinu" {
		t.Errorf("tax group's documents %+v", tax.Documents)
	}
	if tax.Examples[1].Comment != "rok je 15. maj" || tax.Examples[1].Kind != feedback.KindDisliked {
		t.Errorf("tax examples %+v", tax.Examples)
	}

	// Staff set a status; another city's staff cannot.
	if err := b.store.SetGapStatus(b.ctx, "apatin", parking.ID, feedback.GapNotOurRemit, 0); !errors.Is(err, fault.ErrNotFound) {
		t.Errorf("another city's status change: %v", err)
	}
	if err := b.store.SetGapStatus(b.ctx, "sombor", parking.ID, feedback.GapNotOurRemit, 0); err != nil {
		t.Fatal(err)
	}
	// A question asked after the status change joins the group and is
	// counted as new since.
	b.turn(t, "sombor", assistant.ChannelWeb, "g", "parking u centru cena", declined)
	if err := b.store.SyncGaps(b.ctx, "sombor", feedback.Assign); err != nil {
		t.Fatal(err)
	}
	only, err := b.store.Gaps(b.ctx, "sombor", feedback.GapFilter{Status: feedback.GapNotOurRemit, Examples: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(only) != 1 || only[0].ID != parking.ID || only[0].Questions != 3 || only[0].SinceStatus != 1 || len(only[0].Examples) != 1 || only[0].StatusChanged.IsZero() {
		t.Errorf("filtered by status: %+v", only)
	}
	// A 👎 turned 👍 leaves its group.
	if err := b.store.Rate(b.ctx, vote("sombor", assistant.ChannelWeb, "d", dislikedCyr, feedback.Up, "", "")); err != nil {
		t.Fatal(err)
	}
	again, err := b.store.Gaps(b.ctx, "sombor", feedback.GapFilter{Group: tax.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(again) != 1 || again[0].Questions != 1 {
		t.Errorf("after the 👍: %+v", again)
	}
	other, err := b.store.Gaps(b.ctx, "apatin", feedback.GapFilter{})
	if err != nil || len(other) != 0 {
		t.Errorf("Apatin has no synced groups yet: %+v %v", other, err)
	}
}

func TestRatings(t *testing.T) {
	t.Parallel()
	b := setup(t)
	lat := b.turn(t, "sombor", assistant.ChannelWeb, "a", "Kada se plaća porez?", answered)
	cyr := b.turn(t, "sombor", assistant.ChannelViber, "b", "Када се плаћа порез?", answeredCyr)
	b.turn(t, "sombor", assistant.ChannelWeb, "c", "Porez rokovi", answered) // cited, not rated
	out := b.turn(t, "sombor", assistant.ChannelWeb, "d", "Ko je najbolji fudbaler?",
		assistant.Reply{Text: "To nije u mojoj nadležnosti.", Route: assistant.RouteOutOfScope, Status: assistant.StatusOutOfScope})
	for _, v := range []feedback.Vote{
		vote("sombor", assistant.ChannelWeb, "a", lat, feedback.Up, "", ""),
		vote("sombor", assistant.ChannelViber, "b", cyr, feedback.Down, feedback.ReasonWrong, ""),
		vote("sombor", assistant.ChannelWeb, "d", out, feedback.Down, "", ""),
	} {
		if err := b.store.Rate(b.ctx, v); err != nil {
			t.Fatal(err)
		}
	}
	st, err := b.store.Ratings(b.ctx, "sombor")
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Weeks) != 1 || st.Weeks[0].Up != 1 || st.Weeks[0].Down != 2 || st.Weeks[0].Week.Weekday().String() != "Monday" {
		t.Errorf("weeks %+v", st.Weeks)
	}
	if len(st.Routes) != 2 || st.Routes[0].Key != "info" || st.Routes[0].Tally != (feedback.Tally{Up: 1, Down: 1}) ||
		st.Routes[1].Key != "out_of_scope" || st.Routes[1].Down != 1 {
		t.Errorf("routes %+v", st.Routes)
	}
	docs := feedback.MergeDocuments(st.Documents)
	if len(st.Documents) != 2 || len(docs) != 1 || docs[0].Cited != 3 || docs[0].Tally != (feedback.Tally{Up: 1, Down: 1}) {
		t.Errorf("documents %+v merged %+v", st.Documents, docs)
	}
}
