package backoffice

import (
	"context"
	"encoding/csv"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5"

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
	// MedianResolve is the median time from filing to the (first)
	// resolved event; 0 when no case is resolved.
	MedianResolve time.Duration
}

// AnswerStatuses are the statuses of messages, in display order.
var AnswerStatuses = []string{"answered", "out_of_scope", "no_source", "fallback_offline", "error"}

var answerLabels = map[string]string{
	"answered": "odgovoreno", "out_of_scope": "van nadležnosti", "no_source": "nema izvora",
	"fallback_offline": "rezervni odgovor", "error": "greška",
}

// citizenConversation keeps to citizens' channels: `mia ask` and `mia
// eval` talk to the engine on the cli channel and are not usage.
const citizenConversation = `conversation_id IN (SELECT id FROM conversations WHERE channel <> 'cli')`

// ComputeAnalytics reads the figures of one municipality.
func (o *Office) ComputeAnalytics(ctx context.Context, muni string) (*Analytics, error) {
	a := &Analytics{}
	err := o.db.QueryRow(ctx, `
		SELECT count(DISTINCT (channel, channel_user)), count(*) FROM conversations
		WHERE municipality = $1 AND channel <> 'cli'`, muni).
		Scan(&a.Citizens, &a.Conversations)
	if err != nil {
		return nil, fmt.Errorf("analytics conversations: %w", err)
	}
	byStatus, err := o.counts(ctx, `
		SELECT status, count(*) FROM messages
		WHERE municipality = $1 AND role = 'assistant' AND status IS NOT NULL AND `+citizenConversation+`
		GROUP BY status`, muni)
	if err != nil {
		return nil, err
	}
	have := map[string]int64{}
	for _, c := range byStatus {
		have[c.Key] = c.N
	}
	for _, s := range AnswerStatuses {
		a.Answers = append(a.Answers, Count{Key: s, Label: answerLabels[s], N: have[s]})
	}
	if a.Routes, err = o.counts(ctx, `
		SELECT route, count(*) FROM messages
		WHERE municipality = $1 AND role = 'assistant' AND coalesce(route, '') <> '' AND `+citizenConversation+`
		GROUP BY route ORDER BY count(*) DESC, route LIMIT 10`, muni); err != nil {
		return nil, err
	}
	if a.Forms, err = o.counts(ctx, `
		SELECT form, count(*) FROM cases WHERE municipality = $1 GROUP BY form ORDER BY count(*) DESC, form`, muni); err != nil {
		return nil, err
	}
	for i := range a.Forms {
		if def, ok := forms.Lookup(a.Forms[i].Key); ok {
			a.Forms[i].Label = def.Title
		}
	}
	// A document cited twice in one answer counts once for that answer.
	if a.Documents, err = o.counts(ctx, `
		SELECT doc, count(*) FROM (
			SELECT DISTINCT m.id, coalesce(nullif(c->>'title', ''), c->>'source') AS doc
			FROM messages m, jsonb_array_elements(CASE WHEN jsonb_typeof(m.citations) = 'array' THEN m.citations ELSE '[]' END) c
			WHERE m.municipality = $1 AND m.role = 'assistant' AND `+citizenConversation+`
		) d WHERE coalesce(doc, '') <> '' GROUP BY doc ORDER BY count(*) DESC, doc LIMIT 10`, muni); err != nil {
		return nil, err
	}
	if a.Categories, err = o.counts(ctx, `
		SELECT fields->>'category', count(*) FROM cases
		WHERE municipality = $1 AND coalesce(fields->>'category', '') <> ''
		GROUP BY 1 ORDER BY count(*) DESC, 1`, muni); err != nil {
		return nil, err
	}
	for i := range a.Categories {
		a.Categories[i].Label = categoryLabel(a.Categories[i].Key)
	}
	if a.Bodies, err = o.counts(ctx, `
		SELECT body_key, count(*) FROM cases
		WHERE municipality = $1 AND body_key <> '' GROUP BY body_key ORDER BY count(*) DESC, body_key`, muni); err != nil {
		return nil, err
	}
	m, _ := o.reg.Get(muni)
	for i := range a.Bodies {
		a.Bodies[i].Label = bodyName(m, a.Bodies[i].Key)
	}
	var median *float64
	err = o.db.QueryRow(ctx, `
		SELECT count(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY secs) FROM (
			SELECT extract(epoch FROM min(e.created_at) - c.created_at)::float8 AS secs
			FROM cases c JOIN case_events e ON e.case_id = c.id AND e.to_status = 'resolved'
			WHERE c.municipality = $1 GROUP BY c.id, c.created_at
		) r`, muni).Scan(&a.Resolved, &median)
	if err != nil {
		return nil, fmt.Errorf("analytics resolve time: %w", err)
	}
	if median != nil {
		a.MedianResolve = time.Duration(math.Round(*median)) * time.Second
	}
	return a, nil
}

// counts runs a two-column (key, count) query; the label defaults to the key.
func (o *Office) counts(ctx context.Context, sql string, args ...any) ([]Count, error) {
	rows, err := o.db.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("analytics: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Count, error) {
		var c Count
		err := r.Scan(&c.Key, &c.N)
		c.Label = c.Key
		return c, err
	})
}

func (o *Office) handleAnalytics(w http.ResponseWriter, r *http.Request) {
	st := sessionFrom(r.Context()).Staff
	a, err := o.ComputeAnalytics(r.Context(), st.Municipality)
	if err != nil {
		o.serverError(w, r, err)
		return
	}
	o.render(w, r, http.StatusOK, "analytics", map[string]any{
		"Title": "Analitika", "A": a, "Median": formatDuration(a.MedianResolve),
		"Charts": []BarChart{
			NewBarChart("answers", "Odgovori po statusu", a.Answers),
			NewBarChart("routes", "Najčešće teme (rute)", a.Routes),
			NewBarChart("forms", "Predmeti po obrascu", a.Forms),
			NewBarChart("documents", "Najčešće citirani dokumenti", a.Documents),
			NewBarChart("categories", "Prijave po kategoriji", a.Categories),
			NewBarChart("bodies", "Predmeti po nadležnoj službi", a.Bodies),
		},
	})
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
		o.serverError(w, r, err)
		return
	}
	_ = o.audit(r.Context(), o.db, st, actionExportCSV, 0, "")
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
