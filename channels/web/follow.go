package web

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/miasrbija/mia/fault"
	"github.com/miasrbija/mia/forms"
	"github.com/miasrbija/mia/serbian"
)

// Following a case from another device: the reference number and the
// phone or e-mail the citizen gave in the form show the case's status. No
// conversation token is involved, so the attempts are limited per client
// IP and per reference (a guess spread over many addresses still counts
// against the one case), and every miss answers alike.

// Cases finds a case by its reference and the citizen's contact;
// *forms.Service is one.
type Cases interface {
	CaseByContact(ctx context.Context, municipality, ref, contact string) (*forms.Case, error)
	CaseEvents(ctx context.Context, caseID int64) ([]forms.CaseEvent, error)
}

var _ Cases = (*forms.Service)(nil)

var (
	errFollowOff  = apiError{http.StatusNotFound, "follow_off", "Praćenje prijava trenutno nije moguće."}
	errCaseAbsent = apiError{http.StatusNotFound, "case_not_found",
		"Nismo pronašli prijavu s tim brojem i kontaktom. Proverite broj prijave i telefon ili e-poštu koje ste naveli u prijavi."}
	errBadContact = apiError{http.StatusBadRequest, "invalid_contact", "Upišite broj prijave i broj telefona ili adresu e-pošte koju ste dali u prijavi."}
)

type followRequest struct {
	Ref     string `json:"ref"`
	Contact string `json:"contact"`
}

// followedCase is what the citizen sees of a case: its status and history,
// no personal data.
type followedCase struct {
	Ref         string         `json:"ref"`
	Status      string         `json:"status"`
	StatusLabel string         `json:"status_label"`
	Text        string         `json:"text"`     // the status as a sentence (Serbian Latin)
	TextCyr     string         `json:"text_cyr"` // the same in Cyrillic
	Body        string         `json:"body,omitempty"`
	Location    string         `json:"location,omitempty"` // a typed address or an OpenStreetMap link
	FiledAt     time.Time      `json:"filed_at"`
	UpdatedAt   time.Time      `json:"updated_at"`
	History     []followedStep `json:"history"`
}

type followedStep struct {
	Status string    `json:"status"`
	Label  string    `json:"label"`
	At     time.Time `json:"at"`
}

// followCase answers POST /api/v1/{municipality}/cases/follow.
func (h *Handler) followCase(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if h.cfg.Cases == nil {
		writeError(w, r, errFollowOff)
		return
	}
	var req followRequest
	if e := h.decodeBody(w, r, &req); e != nil {
		writeError(w, r, *e)
		return
	}
	ref := forms.NormalizeRef(req.Ref)
	if ref == "" || len(ref) > 40 || len(req.Contact) > 200 {
		writeError(w, r, errBadContact)
		return
	}
	m := municipalityFrom(ctx)
	// Both limits are taken before the lookup, whatever its outcome.
	if ok, wait := h.followIPLim.allow(ctx, ipKey(clientIP(r))); !ok {
		writeRateLimited(w, r, wait)
		return
	}
	if ok, wait := h.followRefLim.allow(ctx, m.Slug+":"+ref); !ok {
		writeRateLimited(w, r, wait)
		return
	}
	c, err := h.cfg.Cases.CaseByContact(ctx, m.Slug, ref, req.Contact)
	switch {
	case errors.Is(err, fault.ErrInvalid):
		writeError(w, r, errBadContact)
		return
	case errors.Is(err, fault.ErrNotFound):
		writeError(w, r, errCaseAbsent)
		return
	case err != nil:
		h.cfg.Log.ErrorContext(ctx, "follow case", "err", err)
		writeError(w, r, errInternal)
		return
	}
	events, err := h.cfg.Cases.CaseEvents(ctx, c.ID)
	if err != nil {
		h.cfg.Log.ErrorContext(ctx, "follow case events", "case", c.ID, "err", err)
		writeError(w, r, errInternal)
		return
	}
	out := followedCase{Ref: c.Ref, Status: string(c.Status), StatusLabel: m.Say(c.Status.Label()), Text: forms.StatusText(m, c),
		Body: c.BodyName, Location: forms.PlaceText(c.Fields["location"]), FiledAt: c.CreatedAt, UpdatedAt: c.UpdatedAt,
		History: []followedStep{}}
	out.TextCyr = serbian.ToCyrillic(out.Text)
	for _, e := range events {
		if e.From == e.To { // a re-routing: the status stayed
			continue
		}
		out.History = append(out.History, followedStep{Status: string(e.To), Label: m.Say(e.To.Label()), At: e.CreatedAt})
	}
	writeJSON(w, http.StatusOK, out)
}
