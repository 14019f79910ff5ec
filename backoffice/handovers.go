package backoffice

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/miasrbija/mia/fault"
	"github.com/miasrbija/mia/handover"
)

// The live queue of citizens who asked for a person (/staff/handovers):
// staff of the municipality's handover body and its admins see who waits
// and for how long, read the conversation so far (masked as stored), take
// one (one of concurrent takes wins), chat, and hand the conversation back
// to MIA or close it. The pages are the only staff pages with a script
// (static/handovers.js, from MIA's origin): it refreshes the queue and
// polls the conversation, since a chat must not wait for a reload.

// Audit actions of the handover pages.
const (
	actionTakeHandover    = "take_handover"
	actionViewHandover    = "view_handover"
	actionReplyHandover   = "reply_handover"
	actionReleaseHandover = "release_handover"
	actionCloseHandover   = "close_handover"
)

//go:embed static/handovers.js
var handoverScript []byte

// handoverCSP is staffCSP with the page's own script and its polling.
const handoverCSP = staffCSP + "; script-src 'self'; connect-src 'self'"

// handoverStatsDays is the period of the figures on the queue page.
const handoverStatsDays = 30

func (o *Office) registerHandoverRoutes(r chi.Router) {
	if o.cfg.Handovers == nil {
		return
	}
	r.Get("/handovers.js", o.handleHandoverJS)
	r.Group(func(r chi.Router) {
		r.Use(o.requireHandoverStaff, handoverScriptCSP)
		r.Get("/handovers", o.handleHandoverQueue)
		r.Get("/handovers/{id}", o.handleHandover)
		r.Get("/handovers/{id}/messages", o.handleHandoverMessages)
		r.Post("/handovers/{id}/take", o.handleHandoverAction(actionTakeHandover))
		r.Post("/handovers/{id}/reply", o.handleHandoverAction(actionReplyHandover))
		r.Post("/handovers/{id}/release", o.handleHandoverAction(actionReleaseHandover))
		r.Post("/handovers/{id}/close", o.handleHandoverAction(actionCloseHandover))
	})
}

func handoverScriptCSP(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", handoverCSP)
		next.ServeHTTP(w, r)
	})
}

// handoverStaff is the session's staff member as package handover knows
// them; ok is false for staff of a body other than the handover body
// of their municipality.
func (o *Office) handoverStaff(r *http.Request) (handover.Staff, bool) {
	st := sessionFrom(r.Context()).Staff
	hs := handover.Staff{ID: st.ID, Name: st.Name, Municipality: st.Municipality}
	if st.Role == RoleAdmin {
		return hs, true
	}
	m, err := o.reg.Get(st.Municipality)
	if err != nil || m.Handover == nil || st.BodyKey != m.Handover.Body {
		return hs, false
	}
	hs.Body = st.BodyKey
	return hs, true
}

func (o *Office) requireHandoverStaff(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := o.handoverStaff(r); !ok {
			o.errorPage(w, r, http.StatusNotFound, "Stranica nije pronađena.")
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (o *Office) handleHandoverJS(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	_, _ = w.Write(handoverScript)
}

// queueRow is a request as the queue page shows it.
type queueRow struct {
	handover.QueueItem
	Wait string // since the request, for a waiting one
	Mine bool
}

func (o *Office) handleHandoverQueue(w http.ResponseWriter, r *http.Request) {
	hs, _ := o.handoverStaff(r)
	items, err := o.cfg.Handovers.Queue(r.Context(), hs)
	if err != nil {
		o.fail(w, r, err)
		return
	}
	now := o.now()
	var waiting, active []queueRow
	for _, it := range items {
		row := queueRow{QueueItem: it, Wait: waitText(now.Sub(it.RequestedAt)), Mine: it.TakenBy == hs.ID}
		if it.Status == handover.Waiting {
			waiting = append(waiting, row)
		} else {
			active = append(active, row)
		}
	}
	data := map[string]any{"Title": "Razgovori sa građanima", "Waiting": waiting, "Active": active, "Page": "handover-queue"}
	if m, err := o.reg.Get(hs.Municipality); err == nil && m.Handover != nil {
		data["ClosedNow"] = !m.Handover.Open(now)
	}
	if sessionFrom(r.Context()).Staff.Role == RoleAdmin {
		stats, err := o.cfg.Handovers.Stats(r.Context(), hs.Municipality, now.AddDate(0, 0, -handoverStatsDays))
		if err != nil {
			o.fail(w, r, err)
			return
		}
		data["Stats"], data["StatsDays"], data["MedianWait"] = stats, handoverStatsDays, waitText(stats.MedianWait)
	}
	o.render(w, r, http.StatusOK, "handovers", data)
}

// waitText is a duration as staff read it: "4 min", "1 h 5 min".
func waitText(d time.Duration) string {
	m := int(d.Round(time.Minute) / time.Minute)
	if m < 60 {
		return fmt.Sprintf("%d min", m)
	}
	return fmt.Sprintf("%d h %d min", m/60, m%60)
}

func (o *Office) handoverID(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil || id <= 0 {
		o.fail(w, r, fault.NotFound("handover %q", chi.URLParam(r, "id")))
		return 0, false
	}
	return id, true
}

func (o *Office) handleHandover(w http.ResponseWriter, r *http.Request) {
	hs, _ := o.handoverStaff(r)
	id, ok := o.handoverID(w, r)
	if !ok {
		return
	}
	req, err := o.cfg.Handovers.Request(r.Context(), hs, id)
	if err != nil {
		o.fail(w, r, err)
		return
	}
	lines, err := o.cfg.Handovers.Transcript(r.Context(), req)
	if err != nil {
		o.fail(w, r, err)
		return
	}
	msgs, err := o.cfg.Handovers.Messages(r.Context(), hs, id, 0)
	if err != nil {
		o.fail(w, r, err)
		return
	}
	st := sessionFrom(r.Context()).Staff
	if err := o.audit(r.Context(), st, actionViewHandover, 0, fmt.Sprintf("handover %d", id)); err != nil {
		o.fail(w, r, err)
		return
	}
	var last int64
	if len(msgs) > 0 {
		last = msgs[len(msgs)-1].ID
	}
	o.render(w, r, http.StatusOK, "handover", map[string]any{"Title": fmt.Sprintf("Razgovor %d", id), "Request": req,
		"Transcript": lines, "Messages": msgs, "Last": last, "Mine": req.Status == handover.Active && req.TakenBy == hs.ID,
		"Wait": waitText(o.now().Sub(req.RequestedAt)), "MaxReply": handover.MaxReply, "Page": "handover"})
}

// wireMessage is a message as the page's script reads it.
type wireMessage struct {
	ID        int64  `json:"id"`
	From      string `json:"from"`
	StaffName string `json:"staff_name,omitempty"`
	Text      string `json:"text"`
	At        string `json:"at"`
}

// handleHandoverMessages gives the page's script the messages after
// ?after= and the request's status (a change reloads the page).
func (o *Office) handleHandoverMessages(w http.ResponseWriter, r *http.Request) {
	hs, _ := o.handoverStaff(r)
	id, ok := o.handoverID(w, r)
	if !ok {
		return
	}
	after, _ := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	req, err := o.cfg.Handovers.Request(r.Context(), hs, id)
	if err != nil {
		http.Error(w, "not found", fault.HTTPStatus(err))
		return
	}
	msgs, err := o.cfg.Handovers.Messages(r.Context(), hs, id, after)
	if err != nil {
		o.log.ErrorContext(r.Context(), "handover messages", "handover", id, "err", err)
		http.Error(w, "error", http.StatusInternalServerError)
		return
	}
	out := struct {
		Status   string        `json:"status"`
		Messages []wireMessage `json:"messages"`
	}{Status: string(req.Status), Messages: []wireMessage{}}
	for _, m := range msgs {
		out.Messages = append(out.Messages, wireMessage{ID: m.ID, From: string(m.From), StaffName: m.StaffName, Text: m.Text,
			At: m.CreatedAt.In(time.Local).Format("15:04")})
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(out)
}

// handleHandoverAction runs one staff action, audits it and goes back to
// the conversation (the queue after closing it).
func (o *Office) handleHandoverAction(action string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		hs, _ := o.handoverStaff(r)
		id, ok := o.handoverID(w, r)
		if !ok {
			return
		}
		ctx := r.Context()
		var err error
		detail := fmt.Sprintf("handover %d", id)
		switch action {
		case actionTakeHandover:
			_, err = o.cfg.Handovers.Take(ctx, hs, id)
		case actionReplyHandover:
			_, err = o.cfg.Handovers.Reply(ctx, hs, id, r.PostFormValue("text"))
		case actionReleaseHandover:
			_, err = o.cfg.Handovers.Release(ctx, hs, id)
		case actionCloseHandover:
			_, err = o.cfg.Handovers.Close(ctx, hs, id)
		}
		if err != nil {
			o.fail(w, r, err)
			return
		}
		if err := o.audit(ctx, sessionFrom(ctx).Staff, action, 0, detail); err != nil {
			o.fail(w, r, err)
			return
		}
		to := fmt.Sprintf("/staff/handovers/%d", id)
		if action == actionReleaseHandover || action == actionCloseHandover {
			to = "/staff/handovers"
		}
		if action == actionReplyHandover {
			to += "#reply"
		}
		http.Redirect(w, r, to, http.StatusSeeOther)
	}
}
