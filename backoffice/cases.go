package backoffice

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/miasrbija/mia/fault"
	"github.com/miasrbija/mia/forms"
	"github.com/miasrbija/mia/municipality"
)

func (o *Office) registerCaseRoutes(r chi.Router) {
	r.Get("/cases/{id}", o.handleCase)
	r.Get("/cases/{id}/attachments/{aid}", o.handleAttachment)
	r.Post("/cases/{id}/status", o.handleStatus)
	r.Post("/cases/{id}/body", o.handleReroute)
}

// scopeOf is what st may see: every case of the municipality for an
// admin, the cases of the member's body otherwise.
func scopeOf(st *Staff) forms.CaseScope {
	if st.Role == RoleAdmin {
		return forms.CaseScope{Municipality: st.Municipality}
	}
	return forms.CaseScope{Municipality: st.Municipality, Body: st.BodyKey}
}

// FindCases lists the cases st may see, newest first (at most
// forms.MaxCaseList).
func (o *Office) FindCases(ctx context.Context, st *Staff, f forms.CaseFilter) ([]forms.CaseRow, error) {
	return o.forms.FindCases(ctx, scopeOf(st), f)
}

func bodyName(m *municipality.Municipality, key string) string {
	if m == nil || key == "" {
		return ""
	}
	if b, ok := m.Body(key); ok {
		return b.Name
	}
	return key
}

func parseDay(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return time.Time{}
	}
	return t
}

func (o *Office) handleQueue(w http.ResponseWriter, r *http.Request) {
	st := sessionFrom(r.Context()).Staff
	q := r.URL.Query()
	f := forms.CaseFilter{Status: q.Get("status"), Category: q.Get("category"), Body: q.Get("body"),
		From: parseDay(q.Get("from")), To: parseDay(q.Get("to"))}
	if st.Role != RoleAdmin {
		f.Body = "" // their scope already fixes the body
	}
	cases, err := o.FindCases(r.Context(), st, f)
	if err != nil {
		o.fail(w, r, err)
		return
	}
	m, _ := o.reg.Get(st.Municipality)
	o.render(w, r, http.StatusOK, "queue", map[string]any{
		"Title": "Predmeti", "Cases": cases, "Filter": q, "Statuses": statusOptions(),
		"Categories": categoryOptions(), "Bodies": bodiesOf(m),
	})
}

type option struct{ Value, Label string }

func statusOptions() []option {
	var out []option
	for _, s := range []forms.CaseStatus{forms.StatusReceived, forms.StatusForwarded, forms.StatusInProgress, forms.StatusResolved, forms.StatusRejected} {
		out = append(out, option{string(s), s.Label()})
	}
	return out
}

var categoryLabels = map[string]string{
	"waste": "otpad", "street_cleaning": "čišćenje ulica", "greenery": "zelenilo", "public_lighting": "javna rasveta",
	"water_sewage": "voda i kanalizacija", "roads": "putevi", "illegal_dumping": "divlje deponije",
	"animals": "životinje", "other": "ostalo",
}

func categoryLabel(c string) string {
	if l, ok := categoryLabels[c]; ok {
		return l
	}
	return c
}

func categoryOptions() []option {
	var out []option
	for _, c := range municipality.Categories {
		out = append(out, option{c, categoryLabel(c)})
	}
	return out
}

func bodiesOf(m *municipality.Municipality) []option {
	if m == nil {
		return nil
	}
	var out []option
	for _, b := range m.Bodies {
		out = append(out, option{b.Key, b.Name})
	}
	return out
}

// errCaseNotFound answers a case out of st's reach exactly as one that
// does not exist.
var errCaseNotFound = fault.NotFound("Predmet nije pronađen.")

// caseFor returns the case when st may see it, else an error of kind
// fault.ErrNotFound, exactly as for a case that does not exist.
func (o *Office) caseFor(ctx context.Context, st *Staff, idText string) (*forms.Case, error) {
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil || id <= 0 {
		return nil, errCaseNotFound
	}
	c, err := o.forms.CaseForStaff(ctx, st.Municipality, id)
	if err != nil {
		return nil, err
	}
	if st.Role != RoleAdmin && c.BodyKey != st.BodyKey {
		return nil, errCaseNotFound
	}
	return c, nil
}

// fieldView is one field of a case, labelled for the page.
type fieldView struct{ Label, Value string }

func (o *Office) handleCase(w http.ResponseWriter, r *http.Request) {
	st := sessionFrom(r.Context()).Staff
	c, err := o.caseFor(r.Context(), st, chi.URLParam(r, "id"))
	if err != nil {
		o.fail(w, r, err)
		return
	}
	events, err := o.forms.CaseEvents(r.Context(), c.ID)
	if err != nil {
		o.fail(w, r, err)
		return
	}
	atts, err := o.attachments(r.Context(), st.Municipality, c.ID)
	if err != nil {
		o.fail(w, r, err)
		return
	}
	if err := o.audit(r.Context(), st, actionViewCase, c.ID, ""); err != nil {
		o.fail(w, r, err) // no audit row, no personal data
		return
	}
	var next []option
	for _, s := range statusOptions() {
		if forms.CanTransition(c.Status, forms.CaseStatus(s.Value)) {
			next = append(next, s)
		}
	}
	m, _ := o.reg.Get(st.Municipality)
	o.render(w, r, http.StatusOK, "case", map[string]any{
		"Title": "Predmet " + c.Ref, "Case": c, "Events": events, "Attachments": atts,
		"Category": categoryLabel(c.Fields["category"]), "Location": locationOf(c.Fields),
		"Contact": contactOf(c), "Fields": otherFields(c), "Next": next,
		"Bodies": bodiesOf(m), "Msg": r.URL.Query().Get("msg"),
	})
}

type attachmentView struct {
	URL, MIME, Name string
	Video           bool
}

// attachments lists a case's attachments without their bytes (the page
// links them; the bytes come through handleAttachment).
func (o *Office) attachments(ctx context.Context, muni string, caseID int64) ([]attachmentView, error) {
	atts, err := o.forms.CaseAttachments(ctx, muni, caseID)
	if err != nil {
		return nil, fmt.Errorf("list attachments: %w", err)
	}
	out := make([]attachmentView, len(atts))
	for i, a := range atts {
		out[i] = attachmentView{URL: fmt.Sprintf("/staff/cases/%d/attachments/%d", caseID, a.ID), MIME: a.MIME, Name: a.Name,
			Video: strings.HasPrefix(a.MIME, "video/")}
	}
	return out, nil
}

// location is a case's reported place.
type location struct {
	Lat, Lon string
	MapURL   string
	Address  string // when the citizen typed an address instead
}

// locationOf reads the location field: "geo:LAT,LON" (a shared point)
// or the address the citizen typed.
func locationOf(f map[string]string) *location {
	raw := strings.TrimSpace(f["location"])
	if raw == "" {
		return nil
	}
	rest, isPoint := strings.CutPrefix(raw, "geo:")
	a, b, _ := strings.Cut(rest, ",")
	lat, err1 := strconv.ParseFloat(a, 64)
	lon, err2 := strconv.ParseFloat(b, 64)
	if !isPoint || err1 != nil || err2 != nil {
		return &location{Address: raw}
	}
	l := &location{Lat: strconv.FormatFloat(lat, 'f', 6, 64), Lon: strconv.FormatFloat(lon, 'f', 6, 64)}
	l.MapURL = "https://www.openstreetmap.org/?" + url.Values{"mlat": {l.Lat}, "mlon": {l.Lon}}.Encode() +
		"#map=18/" + l.Lat + "/" + l.Lon
	return l
}

// contactFields are the citizen's contact details: a communal report's
// are shown only when the citizen consented to being contacted
// (contact_consent = yes); a civil-registry request asks for its contact
// to be used.
var contactFields = []struct{ key, label string }{{"name", "Ime i prezime"}, {"phone", "Telefon"}, {"contact", "Kontakt"}}

// caseValue is a field of a case as the clerk reads it: a sensitive value
// in clear (forms decrypts it for CaseForStaff), the rest as stored.
func caseValue(c *forms.Case, key string) string {
	if v, ok := c.Private[key]; ok {
		return v
	}
	return c.Fields[key]
}

func contactOf(c *forms.Case) []fieldView {
	if c.Kind == forms.KindCommunalReport && c.Fields["contact_consent"] != "yes" {
		return nil
	}
	var out []fieldView
	for _, k := range contactFields {
		if v := caseValue(c, k.key); v != "" {
			out = append(out, fieldView{k.label, v})
		}
	}
	return out
}

// otherFields lists the remaining fields of the form for the case page,
// labelled as the citizen saw them (a request's delivery details
// included); contact details never, whatever the consent.
func otherFields(c *forms.Case) []fieldView {
	f := c.Fields
	skip := map[string]bool{"category": true, "location": true, "description": true, "contact_consent": true, "attachments": true}
	for _, k := range contactFields {
		skip[k.key] = true
	}
	var keys []string
	for k := range f {
		if !skip[k] {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	def, _ := forms.Lookup(c.Form)
	var out []fieldView
	for _, k := range keys {
		out = append(out, labelled(def, k, caseValue(c, k)))
	}
	return out
}

func labelled(def *forms.Definition, name, value string) fieldView {
	if def == nil {
		return fieldView{name, value}
	}
	fd, ok := def.Field(name)
	if !ok {
		return fieldView{name, value}
	}
	v := value
	if o, ok := fd.Option(value); ok {
		v = o.Label
	} else if fd.Type == forms.TypeYesNo {
		v = map[string]string{"yes": "da", "no": "ne"}[value]
	}
	return fieldView{fd.Label, cmpOr(v, value)}
}

func (o *Office) handleAttachment(w http.ResponseWriter, r *http.Request) {
	st := sessionFrom(r.Context()).Staff
	c, err := o.caseFor(r.Context(), st, chi.URLParam(r, "id"))
	if err != nil {
		o.fail(w, r, err)
		return
	}
	aid, err := strconv.ParseInt(chi.URLParam(r, "aid"), 10, 64)
	if err != nil {
		o.notFound(w, r)
		return
	}
	a, err := o.forms.AttachmentForStaff(r.Context(), st.Municipality, c.ID, aid)
	if err != nil {
		o.fail(w, r, err)
		return
	}
	// Every fetch is audited before a byte goes out, whatever its Range
	// (a video player fetches in ranges: one row per fetch). Guessing
	// which spelling of Range starts a view left some unaudited; a fetch
	// that ends up serving nothing (416, 304) is audited too.
	if err := o.audit(r.Context(), st, actionViewAttachment, c.ID, strconv.FormatInt(aid, 10)); err != nil {
		o.fail(w, r, err) // no audit row, no bytes
		return
	}
	w.Header().Set("Content-Type", a.MIME)
	w.Header().Set("Content-Disposition", "inline")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; sandbox")
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(a.Data)) // Range support: phones play video in ranges
}

func (o *Office) handleStatus(w http.ResponseWriter, r *http.Request) {
	st := sessionFrom(r.Context()).Staff
	c, err := o.caseFor(r.Context(), st, chi.URLParam(r, "id"))
	if err != nil {
		o.fail(w, r, err)
		return
	}
	to := forms.CaseStatus(r.PostFormValue("to"))
	note := strings.TrimSpace(r.PostFormValue("note"))
	if _, err := o.forms.ChangeStatus(r.Context(), c.ID, to, actorOf(st), note); err != nil {
		o.fail(w, r, err)
		return
	}
	// The change is committed; the audit row follows it (its failure is
	// logged, the change stands).
	if err := o.audit(r.Context(), st, actionChangeStatus, c.ID, string(c.Status)+" → "+string(to)); err != nil {
		o.log.ErrorContext(r.Context(), "audit after status change", "case", c.ID, "err", err)
	}
	http.Redirect(w, r, fmt.Sprintf("/staff/cases/%d?msg=status", c.ID), http.StatusSeeOther)
}

func actorOf(st *Staff) string { return fmt.Sprintf("staff:%d %s", st.ID, st.Name) }

// handleReroute sends a case to another body. The rules (the body must
// exist and take this kind of case, the note's length) are forms'; the
// scope is re-checked there under the case's lock.
func (o *Office) handleReroute(w http.ResponseWriter, r *http.Request) {
	st := sessionFrom(r.Context()).Staff
	c, err := o.caseFor(r.Context(), st, chi.URLParam(r, "id"))
	if err != nil {
		o.fail(w, r, err)
		return
	}
	from := c.BodyKey
	note := r.PostFormValue("note")
	moved, err := o.forms.Reroute(r.Context(), scopeOf(st), c.ID, r.PostFormValue("body"), actorOf(st), note)
	if err != nil {
		o.fail(w, r, err)
		return
	}
	// The change is committed; the audit row follows it (its failure is
	// logged, the change stands), as for a status change.
	if err := o.audit(r.Context(), st, actionReroute, c.ID, from+" → "+moved.BodyKey); err != nil {
		o.log.ErrorContext(r.Context(), "audit after reroute", "case", c.ID, "err", err)
	}
	if st.Role != RoleAdmin {
		// The case has left their body: they can no longer see it.
		http.Redirect(w, r, "/staff/?msg=rerouted", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/staff/cases/%d?msg=body", c.ID), http.StatusSeeOther)
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
