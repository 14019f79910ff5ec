package web

import (
	"context"
	"errors"
	"net/http"

	"github.com/miasrbija/mia/assistant"
	"github.com/miasrbija/mia/fault"
	"github.com/miasrbija/mia/feedback"
	"github.com/miasrbija/mia/serbian"
)

// historyMessage is one message of a reloaded conversation, with what the
// citizen saw with it the first time: an answer's numbered citations and
// sources, its buttons, the form it belonged to and the case it filed,
// and who wrote it (a staff member during a handover).
type historyMessage struct {
	ID           int64                  `json:"id"`
	Role         string                 `json:"role"` // "user" or "assistant"
	From         string                 `json:"from"` // "citizen", "mia", "staff" or "system"
	StaffName    string                 `json:"staff_name,omitempty"`
	Text         string                 `json:"text"`
	Citations    []wireCitation         `json:"citations"`
	QuickReplies []assistant.QuickReply `json:"quick_replies"`
	Form         string                 `json:"form,omitempty"`
	CaseRef      string                 `json:"case_ref,omitempty"`
	// Rate: the answer may be rated (👍/👎 with its id, as the feedback
	// event offered it live).
	Rate bool `json:"rate,omitempty"`
	// Rated is the citizen's vote on it so far ("up", "down").
	Rated string `json:"rated,omitempty"`
}

type historyResponse struct {
	// Script is the script the citizen chose ("lat" or "cyr"); MIA's
	// messages are mirrored to it. Empty: none chosen, shown as written.
	Script   string           `json:"script,omitempty"`
	Messages []historyMessage `json:"messages"`
}

// listMessages returns the conversation so far, oldest first, for a page
// that was reloaded. Citizens' messages come back as stored: with
// personal data masked.
func (h *Handler) listMessages(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	// A turn still running (its client left, the citizen reloaded) is
	// waited for, so the history shows how it ended.
	if !h.turns.wait(ctx, conversationKey(ctx)) {
		return // the client left
	}
	// The conversationToken middleware found the conversation: reading
	// never creates one.
	conv := conversationFrom(ctx)
	slug := municipalityFrom(ctx).Slug
	script, chosen, err := h.chosenScript(ctx, conv)
	if err != nil {
		h.cfg.Log.ErrorContext(ctx, "history script", "conversation", conv, "err", err)
		writeError(w, r, errInternal)
		return
	}
	msgs, err := h.cfg.History.History(ctx, conv, h.cfg.HistoryMessages)
	if err != nil {
		h.cfg.Log.ErrorContext(ctx, "history", "conversation", conv, "err", err)
		writeError(w, r, errInternal)
		return
	}
	out := historyResponse{Messages: make([]historyMessage, 0, len(msgs))}
	if chosen {
		out.Script = scriptCode(script)
	}
	for _, msg := range msgs {
		hm := historyMessage{ID: msg.ID, Role: msg.Role, From: "citizen", StaffName: msg.StaffName, Text: msg.Content,
			Citations: []wireCitation{}, QuickReplies: []assistant.QuickReply{}, Form: msg.Form, CaseRef: msg.CaseRef}
		if msg.Role == "assistant" {
			hm.From = "mia"
			if msg.Sender != "" {
				hm.From = msg.Sender
			}
			// The citizen's own words stay as written; MIA's follow the
			// chosen script, as its next replies will.
			hm.Text = mirror(hm.Text, script, chosen)
			hm.Rate = h.cfg.Feedback != nil && feedback.Ratable(msg.Route, msg.Status)
			if hm.Rate {
				hm.Rated = msg.Rating
			}
			for _, q := range msg.QuickReplies {
				hm.QuickReplies = append(hm.QuickReplies, assistant.QuickReply{Label: mirror(q.Label, script, chosen), Payload: q.Payload})
			}
		}
		for _, c := range msg.Citations {
			hm.Citations = append(hm.Citations, cite(c, slug))
		}
		out.Messages = append(out.Messages, hm)
	}
	writeJSON(w, http.StatusOK, out)
}

func (h *Handler) chosenScript(ctx context.Context, conv int64) (serbian.Script, bool, error) {
	sc, ok := h.cfg.History.(assistant.ScriptPreferences)
	if !ok {
		return serbian.Latin, false, nil
	}
	return sc.ScriptPreference(ctx, conv)
}

func mirror(text string, s serbian.Script, chosen bool) string {
	switch {
	case !chosen:
		return text
	case s == serbian.Cyrillic:
		return serbian.ToCyrillic(text)
	default:
		return serbian.ToLatin(text)
	}
}

func scriptCode(s serbian.Script) string {
	if s == serbian.Cyrillic {
		return "cyr"
	}
	return "lat"
}

var (
	errBadScript = apiError{http.StatusBadRequest, "invalid_script", "Pismo mora biti latinica (lat) ili ćirilica (cyr)."}
	// A History that keeps no choice of script (postgres/convstore keeps
	// it): the widget's switch then changes only the widget's own texts.
	errScriptOff = apiError{http.StatusNotFound, "script_off", "Izbor pisma trenutno nije moguće sačuvati."}
)

type scriptRequest struct {
	Script string `json:"script"` // "lat" or "cyr"
}

// postScript records the script the citizen chose with the widget's
// switch: MIA answers in it from the next message on, whatever script a
// message is written in.
func (h *Handler) postScript(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	var req scriptRequest
	if e := h.decodeBody(w, r, &req); e != nil {
		writeError(w, r, *e)
		return
	}
	var s serbian.Script
	switch req.Script {
	case "lat":
		s = serbian.Latin
	case "cyr":
		s = serbian.Cyrillic
	default:
		writeError(w, r, errBadScript)
		return
	}
	sc, ok := h.cfg.History.(assistant.ScriptPreferences)
	if !ok {
		writeError(w, r, errScriptOff)
		return
	}
	conv := conversationFrom(ctx)
	if err := sc.SetScriptPreference(ctx, conv, s); err != nil {
		if errors.Is(err, fault.ErrNotFound) {
			writeError(w, r, errBadToken)
			return
		}
		h.cfg.Log.ErrorContext(ctx, "set script", "conversation", conv, "err", err)
		writeError(w, r, errInternal)
		return
	}
	writeJSON(w, http.StatusOK, scriptRequest{Script: req.Script})
}

// suggestedQuestion is a first-run question in both scripts: the widget
// shows the one of its script.
type suggestedQuestion struct {
	Lat string `json:"lat"`
	Cyr string `json:"cyr"`
}

type welcomeResponse struct {
	Suggested []suggestedQuestion `json:"suggested"`
}

// welcome returns what the widget's welcome offers a first-time citizen:
// the municipality's suggested questions.
func (h *Handler) welcome(w http.ResponseWriter, r *http.Request) {
	m := municipalityFrom(r.Context())
	out := welcomeResponse{Suggested: make([]suggestedQuestion, 0, len(m.Suggested))}
	for _, q := range m.Suggested {
		out.Suggested = append(out.Suggested, suggestedQuestion{Lat: q, Cyr: serbian.ToCyrillic(q)})
	}
	writeJSON(w, http.StatusOK, out)
}
