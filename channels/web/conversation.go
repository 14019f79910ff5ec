package web

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/miasrbija/mia/assistant"
)

// newToken returns a conversation token: 128 random bits, base64url.
func newToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b)
}

type conversationResponse struct {
	Token        string `json:"token"`
	Municipality string `json:"municipality"`
}

// createConversation starts a conversation and returns its token, which
// the browser keeps and sends with every message.
func (h *Handler) createConversation(w http.ResponseWriter, r *http.Request) {
	m := municipalityFrom(r.Context())
	tok := newToken()
	if _, err := h.cfg.History.Conversation(r.Context(), m.Slug, assistant.ChannelWeb, tok); err != nil {
		h.cfg.Log.ErrorContext(r.Context(), "create conversation", "err", err)
		writeError(w, errInternal)
		return
	}
	writeJSON(w, http.StatusCreated, conversationResponse{Token: tok, Municipality: m.Slug})
}

type historyMessage struct {
	Role string `json:"role"` // "user" or "assistant"
	Text string `json:"text"`
}

type historyResponse struct {
	Messages []historyMessage `json:"messages"`
}

// listMessages returns the conversation so far, oldest first, for a page
// that was reloaded. Citizens' messages come back as stored: with
// personal data masked.
func (h *Handler) listMessages(w http.ResponseWriter, r *http.Request) {
	m := municipalityFrom(r.Context())
	ctx := r.Context()
	conv, err := h.cfg.History.Conversation(ctx, m.Slug, assistant.ChannelWeb, tokenFrom(ctx))
	if err != nil {
		h.cfg.Log.ErrorContext(ctx, "find conversation", "err", err)
		writeError(w, errInternal)
		return
	}
	msgs, err := h.cfg.History.History(ctx, conv, h.cfg.HistoryMessages)
	if err != nil {
		h.cfg.Log.ErrorContext(ctx, "history", "conversation", conv, "err", err)
		writeError(w, errInternal)
		return
	}
	out := historyResponse{Messages: []historyMessage{}}
	for _, msg := range msgs {
		out.Messages = append(out.Messages, historyMessage{Role: msg.Role, Text: msg.Content})
	}
	writeJSON(w, http.StatusOK, out)
}

// messageRequest is what the widget sends: typed text, or the payload of
// a quick-reply button.
type messageRequest struct {
	Text    string `json:"text"`
	Payload string `json:"payload"`
}

// maxPayload bounds a button payload; the engine's own are far shorter.
const maxPayload = 500

// postMessage runs one turn and streams the reply as Server-Sent Events.
func (h *Handler) postMessage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	m := municipalityFrom(ctx)
	var req messageRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, h.cfg.MaxBody))
	if err := dec.Decode(&req); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeError(w, errTooLarge)
			return
		}
		writeError(w, errBadJSON)
		return
	}
	if !utf8.ValidString(req.Text) || !utf8.ValidString(req.Payload) || len(req.Payload) > maxPayload {
		writeError(w, errBadJSON)
		return
	}
	if strings.TrimSpace(req.Text) == "" && strings.TrimSpace(req.Payload) == "" {
		writeError(w, errEmpty)
		return
	}

	s := newSSE(w)
	turn := assistant.Turn{Municipality: m.Slug, Channel: assistant.ChannelWeb, UserID: tokenFrom(ctx),
		Text: req.Text, Payload: req.Payload}
	_, err := h.cfg.Assistant.Handle(ctx, turn, func(ev assistant.Event) {
		s.send(string(ev.Kind), toWire(ev, m.Slug))
	})
	if err != nil {
		h.cfg.Log.ErrorContext(ctx, "turn", "err", err)
		if !s.started {
			writeError(w, errInternal)
			return
		}
		s.send("error", map[string]apiError{"error": errInternal})
	}
}

// wireCitation is a citation with the link the widget shows.
type wireCitation struct {
	assistant.Citation
	Href string `json:"href"`
}

type wireReply struct {
	Text         string                 `json:"text"`
	Citations    []wireCitation         `json:"citations"`
	QuickReplies []assistant.QuickReply `json:"quick_replies"`
	Route        assistant.Route        `json:"route"`
	Status       assistant.Status       `json:"status"`
	Form         string                 `json:"form,omitempty"`
}

type wireEvent struct {
	Text         string                 `json:"text,omitempty"`
	Citation     *wireCitation          `json:"citation,omitempty"`
	QuickReplies []assistant.QuickReply `json:"quick_replies,omitempty"`
	Reply        *wireReply             `json:"reply,omitempty"`
}

func toWire(ev assistant.Event, slug string) wireEvent {
	out := wireEvent{Text: ev.Text, QuickReplies: ev.QuickReplies}
	if ev.Citation != nil {
		c := cite(*ev.Citation, slug)
		out.Citation = &c
	}
	if r := ev.Reply; r != nil {
		wr := &wireReply{Text: r.Text, QuickReplies: r.QuickReplies, Route: r.Route, Status: r.Status, Form: r.Form,
			Citations: []wireCitation{}}
		if wr.QuickReplies == nil {
			wr.QuickReplies = []assistant.QuickReply{}
		}
		for _, c := range r.Citations {
			wr.Citations = append(wr.Citations, cite(c, slug))
		}
		out.Reply = wr
	}
	return out
}

func cite(c assistant.Citation, slug string) wireCitation {
	return wireCitation{Citation: c, Href: documentHref(slug, c.DocumentID, c.ChunkID)}
}

// documentHref is the document page of a citation, relative to this server.
func documentHref(slug string, doc, chunk int64) string {
	q := url.Values{"municipality": {slug}}
	if chunk != 0 {
		q.Set("chunk", strconv.FormatInt(chunk, 10))
	}
	return "/documents/" + strconv.FormatInt(doc, 10) + "?" + q.Encode()
}
