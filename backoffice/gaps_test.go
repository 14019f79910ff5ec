package backoffice_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/miasrbija/mia/assistant"
	"github.com/miasrbija/mia/backoffice"
	"github.com/miasrbija/mia/feedback"
	"github.com/miasrbija/mia/postgres/convstore"
	"github.com/miasrbija/mia/postgres/feedbackstore"
	"github.com/miasrbija/mia/serbian"
)

// withFeedback serves the office with feedback on, on a server of its own.
func (tb *testBundle) withFeedback(t *testing.T) {
	t.Helper()
	tb.office = backoffice.New(tb.config(backoffice.Config{InsecureCookies: true, Feedback: feedbackstore.New(tb.db)}))
	r := chi.NewRouter()
	tb.office.Routes(r)
	tb.srv = httptest.NewServer(r)
	t.Cleanup(tb.srv.Close)
}

// gapTurn records a question and MIA's reply as the engine does; it
// returns the reply's message id.
func (tb *testBundle) gapTurn(t *testing.T, muni, user, question string, r assistant.Reply) int64 {
	t.Helper()
	conv := convstore.New(tb.db)
	id, err := conv.Conversation(tb.ctx, muni, assistant.ChannelWeb, user)
	if err != nil {
		t.Fatal(err)
	}
	if err := conv.SaveUser(tb.ctx, id, muni, question, serbian.DetectScript(question)); err != nil {
		t.Fatal(err)
	}
	if err := conv.SaveAnswer(tb.ctx, id, muni, assistant.Answer{Reply: &r}); err != nil {
		t.Fatal(err)
	}
	msg, _, err := feedbackstore.New(tb.db).AnswerID(tb.ctx, id, r.Route, r.Status)
	if err != nil {
		t.Fatal(err)
	}
	return msg
}

var gapIDRE = regexp.MustCompile(`id="gap-(\d+)"`)

func TestGapsPage(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.withFeedback(t)
	declined := assistant.Reply{Text: "U dokumentima nema odgovora.", Route: assistant.RouteInfo, Status: assistant.StatusNoSource}
	answered := assistant.Reply{Text: "Porez se plaća tromesečno [1].", Route: assistant.RouteInfo, Status: assistant.StatusAnswered,
		Citations: []assistant.Citation{{N: 1, DocumentID: 1, Source: "porez.md", Title: "Porez na imovinu"}}}
	tb.gapTurn(t, "sombor", "a", "Koliko košta parking u centru?", declined)
	tb.gapTurn(t, "sombor", "b", "Колико кошта паркинг у центру?", declined)
	tb.gapTurn(t, "apatin", "c", "Radno vreme bazena u Apatinu?", declined)
	rated := tb.gapTurn(t, "sombor", "d", "=Kada se plaća porez?", answered)
	if err := feedbackstore.New(tb.db).Rate(tb.ctx, feedback.Vote{Municipality: "sombor", Channel: assistant.ChannelWeb, User: "d",
		MessageID: rated, Rating: feedback.Down, Reason: feedback.ReasonWrong, Comment: "rok je drugi"}); err != nil {
		t.Fatal(err)
	}

	admin := tb.client(t)
	csrf := admin.mustLogin("admin@sombor.rs")
	page := admin.get("/staff/gaps")
	if page.status != http.StatusOK {
		t.Fatalf("gaps page: %d", page.status)
	}
	for _, want := range []string{"Колико кошта паркинг у центру?", "Koliko košta parking u centru?", "Pitanja: 2 (bez odgovora: 2",
		"Porez na imovinu (1)", "rok je drugi", "pogrešno (1)", `<a href="/staff/gaps">Pitanja bez odgovora</a>`} {
		if !strings.Contains(page.body, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if strings.Contains(page.body, "Apatinu") {
		t.Error("Sombor's page shows Apatin's question")
	}
	ids := gapIDRE.FindAllStringSubmatch(page.body, -1)
	if len(ids) != 2 {
		t.Fatalf("groups on the page: %v", ids)
	}
	parking := ids[0][1]

	// Another city's admin cannot see or change Sombor's groups; a
	// utility's staff has no such page.
	other := tb.client(t)
	otherCSRF := other.mustLogin("admin@apatin.rs")
	if p := other.get("/staff/gaps"); !strings.Contains(p.body, "Apatinu") || strings.Contains(p.body, "parking") {
		t.Errorf("Apatin's page:\n%s", p.body)
	}
	if res := other.post("/staff/gaps/"+parking+"/status", url.Values{"csrf": {otherCSRF}, "status": {"not_our_remit"}}); res.status != http.StatusNotFound {
		t.Errorf("another city's status change: %d", res.status)
	}
	utility := tb.client(t)
	utility.mustLogin("cistoca@sombor.rs")
	if res := utility.get("/staff/gaps"); res.status != http.StatusNotFound {
		t.Errorf("a utility's staff: %d", res.status)
	}

	// Without the form's token nothing changes; with it the status is set and audited.
	if res := admin.post("/staff/gaps/"+parking+"/status", url.Values{"status": {"not_our_remit"}}); res.status != http.StatusForbidden {
		t.Errorf("without CSRF: %d", res.status)
	}
	if res := admin.post("/staff/gaps/"+parking+"/status", url.Values{"csrf": {csrf}, "status": {"solved"}}); res.status != http.StatusBadRequest {
		t.Errorf("an unknown status: %d", res.status)
	}
	res := admin.post("/staff/gaps/"+parking+"/status", url.Values{"csrf": {csrf}, "status": {"not_our_remit"}, "filter": {"new"}})
	if res.status != http.StatusSeeOther || !strings.HasPrefix(res.header.Get("Location"), "/staff/gaps?changed="+parking+"&status=new#gap-"+parking) {
		t.Fatalf("status change: %d %s", res.status, res.header.Get("Location"))
	}
	if n := tb.count(t, `SELECT count(*) FROM staff_audit WHERE action = 'gap_status' AND staff_id = $1 AND detail = $2`, tb.admin.ID, "group "+parking+": not_our_remit"); n != 1 {
		t.Errorf("audit rows: %d", n)
	}
	if p := admin.get("/staff/gaps?status=not_our_remit"); len(gapIDRE.FindAllString(p.body, -1)) != 1 || !strings.Contains(p.body, "nije u nadležnosti") {
		t.Errorf("filtered page:\n%s", p.body)
	}
	if p := admin.get("/staff/gaps?status=closed"); p.status != http.StatusBadRequest {
		t.Errorf("an unknown filter: %d", p.status)
	}

	csv := admin.get("/staff/gaps.csv")
	if csv.status != http.StatusOK || !strings.HasPrefix(csv.header.Get("Content-Type"), "text/csv") {
		t.Fatalf("csv: %d %v", csv.status, csv.header)
	}
	lines := strings.Split(strings.TrimSpace(csv.body), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[0], "group,status,questions") {
		t.Errorf("csv:\n%s", csv.body)
	}
	// A question starting with = cannot become a spreadsheet formula.
	if !strings.Contains(csv.body, ",'=Kada se plaća porez?,disliked,wrong,rok je drugi,") {
		t.Errorf("csv row of the rated answer:\n%s", csv.body)
	}
	if n := tb.count(t, `SELECT count(*) FROM staff_audit WHERE action = 'export_gaps'`); n != 1 {
		t.Errorf("export audit rows: %d", n)
	}
}

func TestAnalyticsRatings(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.withFeedback(t)
	store := feedbackstore.New(tb.db)
	for i, c := range []struct {
		title  string
		rating feedback.Rating
	}{{"Porez na imovinu", feedback.Up}, {"Порез на имовину", feedback.Down}, {"Dečji dodatak", feedback.Up}} {
		user := string(rune('a' + i))
		id := tb.gapTurn(t, "sombor", user, "pitanje", assistant.Reply{Text: "odgovor [1]", Route: assistant.RouteInfo, Status: assistant.StatusAnswered,
			Citations: []assistant.Citation{{N: 1, DocumentID: int64(i + 1), Source: "x", Title: c.title}}})
		if err := store.Rate(tb.ctx, feedback.Vote{Municipality: "sombor", Channel: assistant.ChannelWeb, User: user, MessageID: id, Rating: c.rating}); err != nil {
			t.Fatal(err)
		}
	}
	a, err := tb.office.ComputeAnalytics(tb.ctx, "sombor")
	if err != nil {
		t.Fatal(err)
	}
	if a.Rating == nil || a.Rating.Up != 2 || a.Rating.Down != 1 || len(a.RatingWeeks) != 1 {
		t.Fatalf("ratings %+v weeks %+v", a.Rating, a.RatingWeeks)
	}
	if len(a.RatingTopics) != 1 || a.RatingTopics[0].Label != "pitanja iz dokumenata" {
		t.Errorf("topics %+v", a.RatingTopics)
	}
	// One document whatever its script.
	if len(a.Documents) != 2 || a.Documents[0].Label != "Porez na imovinu" || a.Documents[0].N != 2 ||
		len(a.RatingDocuments) != 2 || a.RatingDocuments[0].Up != 1 || a.RatingDocuments[0].Down != 1 {
		t.Errorf("documents %+v ratings %+v", a.Documents, a.RatingDocuments)
	}
	c := tb.client(t)
	c.mustLogin("admin@sombor.rs")
	page := c.get("/staff/analytics")
	for _, want := range []string{`id="stat-rating">67 %<`, `<title id="t-rating-weeks">Ocene odgovora po nedeljama</title>`,
		`class="lbl">pitanja iz dokumenata</text>`, `>Najčešće teme</h2>`, `Porez na imovinu: 1 korisno, 1 nije korisno`} {
		if !strings.Contains(page.body, want) {
			t.Errorf("analytics page lacks %q", want)
		}
	}
	csv := c.get("/staff/analytics.csv")
	if !strings.Contains(csv.body, "rating_documents,Porez na imovinu,Porez na imovinu,1/1") {
		t.Errorf("csv:\n%s", csv.body)
	}
}
