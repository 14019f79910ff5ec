package backoffice

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5"

	"github.com/miasrbija/mia/forms"
	"github.com/miasrbija/mia/municipality"
)

func (o *Office) registerCaseRoutes(r chi.Router) {
	r.Get("/cases/{id}", o.handleCase)
	r.Get("/cases/{id}/attachments/{aid}", o.handleAttachment)
	r.Post("/cases/{id}/status", o.handleStatus)
	r.Post("/cases/{id}/body", o.handleReroute)
}

// CaseFilter narrows the queue; zero values do not filter.
type CaseFilter struct {
	Status   string
	Category string
	Body     string
	From, To time.Time // filing date, inclusive days
}

// CaseRow is one line of the queue (no personal data).
type CaseRow struct {
	ID        int64
	Ref       string
	Kind      string
	Status    forms.CaseStatus
	Category  string
	BodyKey   string
	BodyName  string
	CreatedAt time.Time
}

// scope is the SQL condition limiting cases to what st may see, with its
// arguments starting at $n.
func scope(st *Staff, n int) (string, []any) {
	if st.Role == RoleAdmin {
		return fmt.Sprintf("c.municipality = $%d", n), []any{st.Municipality}
	}
	return fmt.Sprintf("c.municipality = $%d AND c.body_key = $%d", n, n+1), []any{st.Municipality, st.BodyKey}
}

// buildQueueQuery returns the queue's SQL and arguments; every value is a
// parameter.
func buildQueueQuery(st *Staff, f CaseFilter, limit int) (string, []any) {
	where, args := scope(st, 1)
	cond := []string{where}
	add := func(sql string, v any) {
		args = append(args, v)
		cond = append(cond, fmt.Sprintf(sql, len(args)))
	}
	if f.Status != "" {
		add("c.status = $%d", f.Status)
	}
	if f.Category != "" {
		add("c.fields->>'category' = $%d", f.Category)
	}
	if f.Body != "" {
		add("c.body_key = $%d", f.Body)
	}
	if !f.From.IsZero() {
		add("c.created_at >= $%d", f.From)
	}
	if !f.To.IsZero() {
		add("c.created_at < $%d", f.To.AddDate(0, 0, 1))
	}
	args = append(args, limit)
	return `SELECT c.id, c.ref, c.kind, c.status, coalesce(c.fields->>'category', ''), c.body_key, c.created_at
		FROM cases c WHERE ` + strings.Join(cond, " AND ") + fmt.Sprintf(` ORDER BY c.created_at DESC, c.id DESC LIMIT $%d`, len(args)), args
}

// FindCases lists the cases st may see, newest first.
func (o *Office) FindCases(ctx context.Context, st *Staff, f CaseFilter) ([]CaseRow, error) {
	q, args := buildQueueQuery(st, f, 500)
	rows, err := o.db.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("find cases: %w", err)
	}
	m, _ := o.reg.Get(st.Municipality)
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (CaseRow, error) {
		var c CaseRow
		err := r.Scan(&c.ID, &c.Ref, &c.Kind, &c.Status, &c.Category, &c.BodyKey, &c.CreatedAt)
		c.BodyName = bodyName(m, c.BodyKey)
		return c, err
	})
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
	f := CaseFilter{Status: q.Get("status"), Category: q.Get("category"), Body: q.Get("body"),
		From: parseDay(q.Get("from")), To: parseDay(q.Get("to"))}
	if st.Role != RoleAdmin {
		f.Body = "" // their scope already fixes the body
	}
	cases, err := o.FindCases(r.Context(), st, f)
	if err != nil {
		o.serverError(w, r, err)
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

// caseFor returns the case when st may see it, else forms.ErrNotFound,
// exactly as for a case that does not exist.
func (o *Office) caseFor(ctx context.Context, st *Staff, idText string) (*forms.Case, error) {
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil || id <= 0 {
		return nil, forms.ErrNotFound
	}
	c, err := o.forms.CaseForStaff(ctx, st.Municipality, id)
	if err != nil {
		return nil, err
	}
	if st.Role != RoleAdmin && c.BodyKey != st.BodyKey {
		return nil, forms.ErrNotFound
	}
	return c, nil
}

// fieldView is one field of a case, labelled for the page.
type fieldView struct{ Label, Value string }

func (o *Office) handleCase(w http.ResponseWriter, r *http.Request) {
	st := sessionFrom(r.Context()).Staff
	c, err := o.caseFor(r.Context(), st, chi.URLParam(r, "id"))
	if err != nil {
		o.serverError(w, r, err)
		return
	}
	events, err := o.forms.CaseEvents(r.Context(), c.ID)
	if err != nil {
		o.serverError(w, r, err)
		return
	}
	atts, err := o.attachments(r.Context(), st.Municipality, c.ID)
	if err != nil {
		o.serverError(w, r, err)
		return
	}
	if err := o.audit(r.Context(), o.db, st, actionViewCase, c.ID, ""); err != nil {
		o.serverError(w, r, err) // no audit row, no personal data
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
		"Contact": contactOf(c.Fields), "Fields": otherFields(c.Form, c.Fields), "Next": next,
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
	rows, err := o.db.Query(ctx, `
		SELECT id, mime, name FROM case_attachments WHERE case_id = $1 AND municipality = $2 ORDER BY id`, caseID, muni)
	if err != nil {
		return nil, fmt.Errorf("list attachments: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (attachmentView, error) {
		var a attachmentView
		var id int64
		err := r.Scan(&id, &a.MIME, &a.Name)
		a.URL = fmt.Sprintf("/staff/cases/%d/attachments/%d", caseID, id)
		a.Video = strings.HasPrefix(a.MIME, "video/")
		return a, err
	})
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

// contactFields are the citizen's contact details: shown only when the
// citizen consented to being contacted (contact_consent = yes).
var contactFields = []struct{ key, label string }{{"name", "Ime i prezime"}, {"phone", "Telefon"}, {"contact", "Kontakt"}}

func contactOf(f map[string]string) []fieldView {
	if f["contact_consent"] != "yes" {
		return nil
	}
	var out []fieldView
	for _, k := range contactFields {
		if v := f[k.key]; v != "" {
			out = append(out, fieldView{k.label, v})
		}
	}
	return out
}

// otherFields lists the remaining fields of the form for the case page,
// labelled as the citizen saw them (a request's delivery details
// included); contact details never, whatever the consent.
func otherFields(form string, f map[string]string) []fieldView {
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
	def, _ := forms.Lookup(form)
	var out []fieldView
	for _, k := range keys {
		out = append(out, labelled(def, k, f[k]))
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
		o.serverError(w, r, err)
		return
	}
	aid, err := strconv.ParseInt(chi.URLParam(r, "aid"), 10, 64)
	if err != nil {
		o.notFound(w, r)
		return
	}
	a, err := o.forms.AttachmentForStaff(r.Context(), st.Municipality, c.ID, aid)
	if err != nil {
		o.serverError(w, r, err)
		return
	}
	// A video player fetches in ranges: one audit row per view, at its start.
	if rg := r.Header.Get("Range"); rg == "" || strings.HasPrefix(rg, "bytes=0-") {
		if err := o.audit(r.Context(), o.db, st, actionViewAttachment, c.ID, strconv.FormatInt(aid, 10)); err != nil {
			o.serverError(w, r, err)
			return
		}
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
		o.serverError(w, r, err)
		return
	}
	to := forms.CaseStatus(r.PostFormValue("to"))
	note := strings.TrimSpace(r.PostFormValue("note"))
	if len([]rune(note)) > 1000 {
		o.errorPage(w, r, http.StatusBadRequest, "Napomena je predugačka (najviše 1000 znakova).")
		return
	}
	if _, err := o.forms.ChangeStatus(r.Context(), c.ID, to, actorOf(st), note); err != nil {
		if errors.Is(err, forms.ErrInvalid) {
			o.errorPage(w, r, http.StatusConflict, "Ova promena statusa nije dozvoljena.")
			return
		}
		o.serverError(w, r, err)
		return
	}
	// The change is committed; the audit row follows it (its failure is
	// logged, the change stands).
	if err := o.audit(r.Context(), o.db, st, actionChangeStatus, c.ID, string(c.Status)+" → "+string(to)); err != nil {
		o.log.Error("audit after status change", "case", c.ID, "err", err)
	}
	http.Redirect(w, r, fmt.Sprintf("/staff/cases/%d?msg=status", c.ID), http.StatusSeeOther)
}

func actorOf(st *Staff) string { return fmt.Sprintf("staff:%d %s", st.ID, st.Name) }

func (o *Office) handleReroute(w http.ResponseWriter, r *http.Request) {
	st := sessionFrom(r.Context()).Staff
	c, err := o.caseFor(r.Context(), st, chi.URLParam(r, "id"))
	if err != nil {
		o.serverError(w, r, err)
		return
	}
	m, err := o.reg.Get(st.Municipality)
	if err != nil {
		o.serverError(w, r, err)
		return
	}
	to, ok := m.Body(r.PostFormValue("body"))
	if !ok || to.Key == c.BodyKey {
		o.errorPage(w, r, http.StatusBadRequest, "Izaberite drugu nadležnu službu.")
		return
	}
	note := strings.TrimSpace(r.PostFormValue("note"))
	if err := o.reroute(r.Context(), st, c, to, note); err != nil {
		o.serverError(w, r, err)
		return
	}
	if st.Role != RoleAdmin {
		// The case has left their body: they can no longer see it.
		http.Redirect(w, r, "/staff/?msg=rerouted", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/staff/cases/%d?msg=body", c.ID), http.StatusSeeOther)
}

// reroute moves the case to another body in one transaction: the case
// row (locked, and still in st's scope), a case_event with the note, and
// the audit row.
func (o *Office) reroute(ctx context.Context, st *Staff, c *forms.Case, to municipality.Body, note string) error {
	tx, err := o.db.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	var status, from string
	err = tx.QueryRow(ctx, `SELECT status, body_key FROM cases WHERE id = $1 AND municipality = $2 FOR UPDATE`, c.ID, st.Municipality).Scan(&status, &from)
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && st.Role != RoleAdmin && from != st.BodyKey) {
		return forms.ErrNotFound
	}
	if err != nil {
		return err
	}
	m, _ := o.reg.Get(st.Municipality)
	text := fmt.Sprintf("preusmereno: %s → %s", cmpOr(bodyName(m, from), "—"), to.Name)
	if note != "" {
		text += ". " + note
	}
	if _, err := tx.Exec(ctx, `UPDATE cases SET body_key = $2, updated_at = $3 WHERE id = $1`, c.ID, to.Key, o.now()); err != nil {
		return fmt.Errorf("reroute case: %w", err)
	}
	var eventID int64
	if err := tx.QueryRow(ctx, `
		INSERT INTO case_events (municipality, case_id, from_status, to_status, actor, note, created_at)
		VALUES ($1, $2, $3, $3, $4, $5, $6) RETURNING id`, st.Municipality, c.ID, status, actorOf(st), text, o.now()).Scan(&eventID); err != nil {
		return fmt.Errorf("record reroute: %w", err)
	}
	// The citizen hears where the case went, like any status change.
	if err := (forms.Outbox{DB: o.db}).NotifyText(ctx, tx, c, eventID, forms.RerouteMessage(c, to.Name)); err != nil {
		return err
	}
	if err := o.audit(ctx, tx, st, actionReroute, c.ID, from+" → "+to.Key); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
