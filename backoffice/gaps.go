package backoffice

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/miasrbija/mia/fault"
	"github.com/miasrbija/mia/feedback"
)

// Feedback is what the knowledge-gaps page and the rating charts read
// and change: feedback.Store is one (postgres/feedbackstore).
type Feedback interface {
	SyncGaps(ctx context.Context, municipality string, assign feedback.AssignFunc) error
	Gaps(ctx context.Context, municipality string, f feedback.GapFilter) ([]feedback.Group, error)
	SetGapStatus(ctx context.Context, municipality string, group int64, s feedback.GapStatus, staffID int64) error
	Ratings(ctx context.Context, municipality string) (*feedback.RatingStats, error)
}

var _ Feedback = feedback.Store(nil)

// Audit actions of the gaps page.
const (
	actionGapStatus = "gap_status"
	actionExportGap = "export_gaps"
)

// gapExamplesShown and gapExamplesCSV bound the questions listed per group.
const (
	gapExamplesShown = 5
	gapExamplesCSV   = 200
)

// registerGapRoutes mounts /staff/gaps for the municipality's admins: the
// knowledge base is the city administration's, not a utility's. Without
// Config.Feedback the page does not exist.
func (o *Office) registerGapRoutes(r chi.Router) {
	if o.cfg.Feedback == nil {
		return
	}
	r.Group(func(r chi.Router) {
		r.Use(o.requireAdmin)
		r.Get("/gaps", o.handleGaps)
		r.Get("/gaps.csv", o.handleGapsCSV)
		r.Post("/gaps/{id}/status", o.handleGapStatus)
	})
}

// gapStatusOption is one choice of the status filter and forms.
type gapStatusOption struct {
	Value, Label string
}

func gapStatusOptions() []gapStatusOption {
	var out []gapStatusOption
	for _, s := range feedback.GapStatuses {
		out = append(out, gapStatusOption{string(s), s.Label()})
	}
	return out
}

// reasonLabel names a 👎 reason for staff.
func reasonLabel(r feedback.Reason) string {
	switch r {
	case feedback.ReasonWrong:
		return "pogrešno"
	case feedback.ReasonOutdated:
		return "zastarelo"
	case feedback.ReasonNotUnderstood:
		return "nije razumljivo"
	case feedback.ReasonOther:
		return "drugo"
	}
	return string(r)
}

// gapFilter reads the status filter from the query; "" is every status.
func gapFilter(r *http.Request, examples int) (feedback.GapFilter, error) {
	f := feedback.GapFilter{Examples: examples}
	if s := r.URL.Query().Get("status"); s != "" {
		st, err := feedback.ParseGapStatus(s)
		if err != nil {
			return f, err
		}
		f.Status = st
	}
	return f, nil
}

// gaps reads the request's filter (with up to examples questions per
// group), files the questions asked since the last visit into groups,
// then reads the groups of the staff member's municipality: the page is
// always up to date without a job.
func (o *Office) gaps(r *http.Request, examples int) ([]feedback.Group, feedback.GapFilter, error) {
	f, err := gapFilter(r, examples)
	if err != nil {
		return nil, f, err
	}
	muni := sessionFrom(r.Context()).Staff.Municipality
	if err := o.cfg.Feedback.SyncGaps(r.Context(), muni, feedback.Assign); err != nil {
		return nil, f, err
	}
	groups, err := o.cfg.Feedback.Gaps(r.Context(), muni, f)
	return groups, f, err
}

// handleGaps lists the groups of questions MIA declined or that got 👎,
// new ones and the most asked first, each with examples, the documents
// its answers cited, the reasons citizens gave and a status form.
func (o *Office) handleGaps(w http.ResponseWriter, r *http.Request) {
	groups, f, err := o.gaps(r, gapExamplesShown)
	if err != nil {
		o.fail(w, r, err)
		return
	}
	data := map[string]any{"Title": "Pitanja bez odgovora", "Groups": groups, "Filter": string(f.Status),
		"Statuses": gapStatusOptions(), "Reasons": feedback.Reasons}
	if id := r.URL.Query().Get("changed"); id != "" {
		data["Changed"] = id
	}
	o.render(w, r, http.StatusOK, "gaps", data)
}

// handleGapStatus sets a group's status (new, document added, not our
// remit) and comes back to the list, where the group shows it.
func (o *Office) handleGapStatus(w http.ResponseWriter, r *http.Request) {
	st := sessionFrom(r.Context()).Staff
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil || id <= 0 {
		o.fail(w, r, fault.NotFound("gap group %q", chi.URLParam(r, "id")))
		return
	}
	status, err := feedback.ParseGapStatus(r.PostFormValue("status"))
	if err != nil {
		o.fail(w, r, err)
		return
	}
	if err := o.cfg.Feedback.SetGapStatus(r.Context(), st.Municipality, id, status, st.ID); err != nil {
		o.fail(w, r, err)
		return
	}
	if err := o.audit(r.Context(), st, actionGapStatus, 0, fmt.Sprintf("group %d: %s", id, status)); err != nil {
		o.fail(w, r, err)
		return
	}
	q := url.Values{"changed": {strconv.FormatInt(id, 10)}}
	if back := r.PostFormValue("filter"); back != "" {
		if _, err := feedback.ParseGapStatus(back); err == nil {
			q.Set("status", back)
		}
	}
	http.Redirect(w, r, "/staff/gaps?"+q.Encode()+"#gap-"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

// handleGapsCSV exports the groups, one row per question, for the
// knowledge-base team's spreadsheet.
func (o *Office) handleGapsCSV(w http.ResponseWriter, r *http.Request) {
	st := sessionFrom(r.Context()).Staff
	groups, f, err := o.gaps(r, gapExamplesCSV)
	if err != nil {
		o.fail(w, r, err)
		return
	}
	if err := o.audit(r.Context(), st, actionExportGap, 0, string(f.Status)); err != nil {
		o.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="mia-pitanja-bez-odgovora-%s.csv"`, st.Municipality))
	_ = writeGapsCSV(w, groups)
}

// writeGapsCSV writes one row per example question with its group's
// figures and documents.
func writeGapsCSV(w interface{ Write([]byte) (int, error) }, groups []feedback.Group) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"group", "status", "questions", "declined", "disliked", "first_asked", "last_asked",
		"documents", "question", "why", "reason", "comment", "asked"})
	for _, g := range groups {
		var docs []string
		for _, d := range g.Documents {
			docs = append(docs, fmt.Sprintf("%s (%d)", d.Title, d.N))
		}
		for _, e := range g.Examples {
			_ = cw.Write([]string{strconv.FormatInt(g.ID, 10), string(g.Status), strconv.FormatInt(g.Questions, 10),
				strconv.FormatInt(g.Declined, 10), strconv.FormatInt(g.Disliked, 10),
				g.FirstAsked.UTC().Format("2006-01-02T15:04:05Z"), g.LastAsked.UTC().Format("2006-01-02T15:04:05Z"),
				csvSafe(strings.Join(docs, "; ")), csvSafe(e.Question), e.Kind, string(e.Reason), csvSafe(e.Comment),
				e.Asked.UTC().Format("2006-01-02T15:04:05Z")})
		}
	}
	cw.Flush()
	return cw.Error()
}
