package backoffice

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/miasrbija/mia/assistant"
	"github.com/miasrbija/mia/feedback"
	"github.com/miasrbija/mia/forms"
)

func (o *Office) registerAnalyticsRoutes(r chi.Router) {
	r.Group(func(r chi.Router) {
		r.Use(o.requireAdmin)
		r.Get("/analytics", o.handleAnalytics)
		r.Get("/analytics.csv", o.handleAnalyticsCSV)
	})
}

// requireAdmin answers 404 to staff of a body: analytics are the
// municipality admin's.
func (o *Office) requireAdmin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if sessionFrom(r.Context()).Staff.Role != RoleAdmin {
			o.errorPage(w, r, http.StatusNotFound, "Stranica nije pronađena.")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// Count is one bar: a label and its number.
type Count struct {
	Key   string
	Label string
	N     int64
}

// Analytics are a municipality's figures, all time.
type Analytics struct {
	Citizens      int64   // distinct (channel, channel user) with a conversation
	Conversations int64   // conversations
	Answers       []Count // assistant answers by status, every status listed
	Routes        []Count // top routes of answers
	Forms         []Count // cases by form
	Documents     []Count // top cited documents
	Categories    []Count // communal reports by category
	Bodies        []Count // cases by responsible body
	Resolved      int64   // cases resolved
	// Citizens' votes on answers (nil without Config.Feedback): all of
	// them, by week, by topic (route) and by cited document.
	Rating          *feedback.Tally
	RatingWeeks     []RatingCount
	RatingTopics    []RatingCount
	RatingDocuments []RatingCount
	// MedianResolve is the median time from filing to the (first)
	// resolved event; 0 when no case is resolved.
	MedianResolve time.Duration
}

// AnswerStatuses are the statuses of messages, in display order.
var AnswerStatuses = []string{"answered", "out_of_scope", "no_source", "fallback_offline", "error"}

// routeLabels name the engine's routes (the topics of answers) for staff.
var routeLabels = map[string]string{
	"info": "pitanja iz dokumenata", "form_start": "početak prijave ili zahteva", "form": "popunjavanje obrasca",
	"case_status": "stanje predmeta", "greeting": "pozdrav", "thanks": "zahvalnost", "out_of_scope": "van nadležnosti",
	"emergency": "hitni slučajevi", "abuse": "neprimerene poruke", "handover": "razgovor sa službenikom",
}

// routeLabel is a route's Serbian name; an unknown route shows its key.
func routeLabel(k string) string {
	if l, ok := routeLabels[k]; ok {
		return l
	}
	return k
}

// topDocuments is how many documents the document charts show.
const topDocuments = 10

var answerLabels = map[string]string{
	"answered": "odgovoreno", "out_of_scope": "van nadležnosti", "no_source": "nema izvora",
	"fallback_offline": "rezervni odgovor", "error": "greška",
}

// ComputeAnalytics reads the figures of one municipality: conversations
// from the assistant's usage, cases from forms; labels and order are the
// back office's.
func (o *Office) ComputeAnalytics(ctx context.Context, muni string) (*Analytics, error) {
	u, err := o.usage.Usage(ctx, muni)
	if err != nil {
		return nil, fmt.Errorf("analytics: %w", err)
	}
	cs, err := o.forms.Stats(ctx, muni)
	if err != nil {
		return nil, fmt.Errorf("analytics: %w", err)
	}
	a := &Analytics{Citizens: u.Citizens, Conversations: u.Conversations, Resolved: cs.Resolved, MedianResolve: cs.MedianResolve}
	// Every status is listed, in display order, zero or not.
	have := map[string]int64{}
	for _, c := range u.Answers {
		have[c.Key] = c.N
	}
	for _, s := range AnswerStatuses {
		a.Answers = append(a.Answers, Count{Key: s, Label: answerLabels[s], N: have[s]})
	}
	a.Routes = caseCounts(toFormsCounts(u.Routes), routeLabel)
	a.Documents = documentCounts(u.Documents)
	if o.cfg.Feedback != nil {
		if err := o.addRatings(ctx, muni, a); err != nil {
			return nil, fmt.Errorf("analytics: %w", err)
		}
	}
	a.Forms = caseCounts(cs.Forms, func(k string) string {
		if def, ok := forms.Lookup(k); ok {
			return def.Title
		}
		return k
	})
	a.Categories = caseCounts(cs.Categories, categoryLabel)
	m, _ := o.reg.Get(muni)
	a.Bodies = caseCounts(cs.Bodies, func(k string) string { return bodyName(m, k) })
	return a, nil
}

// toFormsCounts turns the assistant's counts into forms' shape, for caseCounts.
func toFormsCounts(in []assistant.Count) []forms.Count {
	out := make([]forms.Count, len(in))
	for i, c := range in {
		out[i] = forms.Count{Key: c.Key, N: c.N}
	}
	return out
}

// documentCounts counts a document once whatever its script (the usage
// figures list each title as stored).
func documentCounts(in []assistant.Count) []Count {
	docs := make([]feedback.DocumentRatings, len(in))
	for i, c := range in {
		docs[i] = feedback.DocumentRatings{Title: c.Key, Cited: c.N}
	}
	var out []Count
	for _, d := range feedback.MergeDocuments(docs) {
		out = append(out, Count{Key: d.Title, Label: d.Title, N: d.Cited})
	}
	return out
}

// caseCounts labels forms' counts.
func caseCounts(in []forms.Count, label func(string) string) []Count {
	var out []Count
	for _, c := range in {
		out = append(out, Count{Key: c.Key, Label: label(c.Key), N: c.N})
	}
	return out
}

func (o *Office) handleAnalytics(w http.ResponseWriter, r *http.Request) {
	st := sessionFrom(r.Context()).Staff
	a, err := o.ComputeAnalytics(r.Context(), st.Municipality)
	if err != nil {
		o.fail(w, r, err)
		return
	}
	charts := []BarChart{
		NewBarChart("answers", "Odgovori po statusu", a.Answers),
		NewBarChart("routes", "Najčešće teme", a.Routes),
		NewBarChart("forms", "Predmeti po obrascu", a.Forms),
		NewBarChart("documents", "Najčešće citirani dokumenti", a.Documents),
		NewBarChart("categories", "Prijave po kategoriji", a.Categories),
		NewBarChart("bodies", "Predmeti po nadležnoj službi", a.Bodies),
	}
	if a.Rating != nil {
		charts = append(charts,
			NewRatingChart("rating-weeks", "Ocene odgovora po nedeljama", a.RatingWeeks),
			NewRatingChart("rating-topics", "Ocene odgovora po temama", a.RatingTopics),
			NewRatingChart("rating-documents", "Ocene odgovora po citiranim dokumentima", a.RatingDocuments))
	}
	data := map[string]any{
		"Title": "Analitika", "A": a, "Median": formatDuration(a.MedianResolve), "Charts": charts,
	}
	if err := o.handoverFigures(r.Context(), st.Municipality, data); err != nil {
		o.fail(w, r, err)
		return
	}
	o.render(w, r, http.StatusOK, "analytics", data)
}

// formatDuration writes a duration in days and hours, Serbian.
func formatDuration(d time.Duration) string {
	if d <= 0 {
		return "—"
	}
	h := int64(d.Round(time.Hour) / time.Hour)
	if h < 1 {
		return fmt.Sprintf("%d min", int64(d.Round(time.Minute)/time.Minute))
	}
	if h < 48 {
		return fmt.Sprintf("%d h", h)
	}
	return fmt.Sprintf("%d d %d h", h/24, h%24)
}

func (o *Office) handleAnalyticsCSV(w http.ResponseWriter, r *http.Request) {
	st := sessionFrom(r.Context()).Staff
	a, err := o.ComputeAnalytics(r.Context(), st.Municipality)
	if err != nil {
		o.fail(w, r, err)
		return
	}
	_ = o.audit(r.Context(), st, actionExportCSV, 0, "")
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="mia-analitika-%s.csv"`, st.Municipality))
	_ = writeCSV(w, a)
}

// writeCSV writes section,key,label,value rows.
func writeCSV(w interface{ Write([]byte) (int, error) }, a *Analytics) error {
	cw := csv.NewWriter(w)
	row := func(section, key, label string, v string) {
		_ = cw.Write([]string{section, csvSafe(key), csvSafe(label), v})
	}
	_ = cw.Write([]string{"section", "key", "label", "value"})
	row("summary", "citizens", "građani", strconv.FormatInt(a.Citizens, 10))
	row("summary", "conversations", "razgovori", strconv.FormatInt(a.Conversations, 10))
	row("summary", "resolved_cases", "rešeni predmeti", strconv.FormatInt(a.Resolved, 10))
	row("summary", "median_resolve_hours", "medijana rešavanja (h)", strconv.FormatFloat(a.MedianResolve.Hours(), 'f', 2, 64))
	for _, s := range []struct {
		name string
		cs   []Count
	}{{"answers", a.Answers}, {"routes", a.Routes}, {"forms", a.Forms}, {"documents", a.Documents}, {"categories", a.Categories}, {"bodies", a.Bodies}} {
		for _, c := range s.cs {
			row(s.name, c.Key, c.Label, strconv.FormatInt(c.N, 10))
		}
	}
	// Ratings: value is 👍/👎, e.g. 12/3.
	for _, s := range []struct {
		name string
		rs   []RatingCount
	}{{"rating_weeks", a.RatingWeeks}, {"rating_topics", a.RatingTopics}, {"rating_documents", a.RatingDocuments}} {
		for _, c := range s.rs {
			row(s.name, c.Label, c.Label, fmt.Sprintf("%d/%d", c.Up, c.Down))
		}
	}
	cw.Flush()
	return cw.Error()
}

// csvSafe defuses spreadsheet formulas: a cell starting with = + - @ or a
// control character gets a leading apostrophe.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// addRatings reads the citizens' votes: overall, by week, by topic and
// by document (the scripts of one document counted together; the most
// cited documents only). Document counts come from here too: unlike the
// usage figures, they cover every document before the top is taken.
func (o *Office) addRatings(ctx context.Context, muni string, a *Analytics) error {
	st, err := o.cfg.Feedback.Ratings(ctx, muni)
	if err != nil {
		return err
	}
	a.Rating = &feedback.Tally{}
	for _, w := range st.Weeks {
		a.Rating.Up += w.Up
		a.Rating.Down += w.Down
		a.RatingWeeks = append(a.RatingWeeks, RatingCount{Label: "od " + dayText(w.Week), Up: w.Up, Down: w.Down})
	}
	for _, r := range st.Routes {
		a.RatingTopics = append(a.RatingTopics, RatingCount{Label: routeLabel(r.Key), Up: r.Up, Down: r.Down})
	}
	a.Documents = nil
	for i, d := range feedback.MergeDocuments(st.Documents) {
		if i < topDocuments {
			a.Documents = append(a.Documents, Count{Key: d.Title, Label: d.Title, N: d.Cited})
		}
		if d.Total() > 0 && len(a.RatingDocuments) < topDocuments {
			a.RatingDocuments = append(a.RatingDocuments, RatingCount{Label: d.Title, Up: d.Up, Down: d.Down})
		}
	}
	return nil
}

// dayText writes a day as in Serbian: "2. 3. 2026."
func dayText(t time.Time) string {
	return fmt.Sprintf("%d. %d. %d.", t.Day(), int(t.Month()), t.Year())
}
