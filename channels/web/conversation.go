package web

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/miasrbija/mia/assistant"
	"github.com/miasrbija/mia/forms"
)

type conversationResponse struct {
	Token        string `json:"token"`
	Municipality string `json:"municipality"`
}

// createConversation starts a conversation and returns its token, which
// the browser keeps and sends with every message. Only the token's hash
// is stored (userID); the token is shown this once.
func (h *Handler) createConversation(w http.ResponseWriter, r *http.Request) {
	m := municipalityFrom(r.Context())
	tok := newToken()
	if _, err := h.cfg.History.Conversation(r.Context(), m.Slug, assistant.ChannelWeb, userID(tok)); err != nil {
		h.cfg.Log.ErrorContext(r.Context(), "create conversation", "err", err)
		writeError(w, r, errInternal)
		return
	}
	writeJSON(w, http.StatusCreated, conversationResponse{Token: tok, Municipality: m.Slug})
}

// messageRequest is what the widget sends: typed text, the payload of a
// quick-reply button, or a shared location (a point or a typed address).
// Photos and video come as multipart/form-data instead (see readUpload).
type messageRequest struct {
	Text     string        `json:"text"`
	Payload  string        `json:"payload"`
	Location *wireLocation `json:"location"`
}

// wireLocation is a shared location: lat and lon together (WGS 84
// degrees), or an address, or both.
type wireLocation struct {
	Lat     *float64 `json:"lat"`
	Lon     *float64 `json:"lon"`
	Address string   `json:"address"`
}

// Limits of one message.
const (
	// maxPayload bounds a button payload; the engine's own are far shorter.
	maxPayload = 500
	// maxAddress bounds a typed address (the forms accept 300 characters).
	maxAddress = 500
	// maxFiles is how many files one message may carry: as many as a
	// report may hold.
	maxFiles = forms.MaxAttachments
	// maxFileBytes bounds one file: the largest the forms accept (a video);
	// a photo over its own limit is refused by the form, in Serbian.
	maxFileBytes = forms.MaxVideoBytes
	// maxFileName bounds the name a browser gives a file.
	maxFileName = 200
)

// turnFromRequest checks a message and makes the turn's citizen part of it.
func turnFromRequest(req messageRequest) (assistant.Turn, *apiError) {
	if !utf8.ValidString(req.Text) || !utf8.ValidString(req.Payload) || len(req.Payload) > maxPayload {
		return assistant.Turn{}, &errBadJSON
	}
	// Control and format characters go before anything reads or stores
	// the text (U+0000 above all: PostgreSQL refuses it in text).
	t := assistant.Turn{Text: assistant.CleanText(req.Text), Payload: assistant.CleanText(req.Payload)}
	if l := req.Location; l != nil {
		loc, ok := l.location()
		if !ok {
			return assistant.Turn{}, &errBadLocation
		}
		t.Location = loc
	}
	if strings.TrimSpace(t.Text) == "" && strings.TrimSpace(t.Payload) == "" && t.Location == nil {
		return assistant.Turn{}, &errEmpty
	}
	return t, nil
}

// location checks a shared location: a point needs both coordinates, in
// range; an address must be text of sensible length.
func (l *wireLocation) location() (*assistant.Location, bool) {
	if !utf8.ValidString(l.Address) {
		return nil, false
	}
	out := &assistant.Location{Address: strings.TrimSpace(assistant.CleanText(l.Address))}
	if len(out.Address) > maxAddress {
		return nil, false
	}
	switch {
	case l.Lat != nil && l.Lon != nil:
		lat, lon := *l.Lat, *l.Lon
		if math.IsNaN(lat) || math.IsNaN(lon) || lat < -90 || lat > 90 || lon < -180 || lon > 180 ||
			(lat == 0 && lon == 0) { // Null Island: a failed fix, not a place
			return nil, false
		}
		out.Lat, out.Lon = lat, lon
	case l.Lat != nil || l.Lon != nil:
		return nil, false
	case out.Address == "":
		return nil, false
	}
	return out, true
}

// postMessage runs one turn and streams the reply as Server-Sent Events.
// The body is JSON (text, a button's payload, a location) or
// multipart/form-data (text and photos or video).
func (h *Handler) postMessage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	m := municipalityFrom(ctx)
	var (
		turn   assistant.Turn
		reqErr *apiError
	)
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
		var done func()
		turn, done, reqErr = h.readUpload(w, r)
		defer done() // after the turn: its files' memory and temporary copies
	} else {
		turn, reqErr = h.readJSON(w, r)
	}
	if reqErr != nil {
		writeError(w, r, *reqErr)
		return
	}
	// Whatever the body's form (an upload with files builds its turn
	// itself), the citizen's text reaches the engine clean; CleanText is
	// idempotent.
	turn.Text, turn.Payload = assistant.CleanText(turn.Text), assistant.CleanText(turn.Payload)
	turn.Municipality, turn.Channel, turn.UserID = m.Slug, assistant.ChannelWeb, userFrom(ctx)

	// One turn of a conversation at a time: an earlier one may still run
	// after its client left.
	end, ok := h.turns.begin(ctx, conversationKey(ctx))
	if !ok {
		return // the client left while waiting: nothing was done
	}
	// Acknowledge at once: under load the answer may queue behind other
	// turns, and the widget shows that MIA is working on it meanwhile.
	s := startStream(w, r, "start", map[string]string{"status": "working"})
	defer s.close()
	// Deferred after close, so it runs first: a reload waiting for this
	// turn need not wait for the last events to reach a slow client.
	defer end()
	// The turn keeps the request's values (its request id for the logs)
	// but not its cancellation: a citizen who closes the tab mid-answer,
	// or right after confirming a form, finds the answer (and the case's
	// reference) in the history on the next visit.
	tctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), h.cfg.TurnTimeout)
	defer cancel()
	reply, err := h.cfg.Assistant.Handle(tctx, turn, func(ev assistant.Event) {
		s.emit(string(ev.Kind), toWire(ev, m.Slug))
	})
	if errors.Is(err, assistant.ErrBusy) {
		// The engine bounds the turns it works at once; this one waited
		// its whole timeout. Nothing was recorded: it can be sent again.
		h.cfg.Log.WarnContext(tctx, "turn: no free slot within the turn timeout", "err", err)
		s.emit("error", map[string]apiError{"error": errBusy})
		return
	}
	if err != nil {
		h.cfg.Log.ErrorContext(tctx, "turn", "err", err)
		s.emit("error", map[string]apiError{"error": errInternal})
		return
	}
	h.offerFeedback(tctx, s, reply)
}

// conversationKey names the conversation of a request that passed the
// municipality and conversationToken middleware (by the token's hash: the
// rate limiter's keys hold no token either).
func conversationKey(ctx context.Context) string {
	return municipalityFrom(ctx).Slug + "/" + userFrom(ctx)
}

// readJSON reads a JSON message, capped at MaxBody.
func (h *Handler) readJSON(w http.ResponseWriter, r *http.Request) (assistant.Turn, *apiError) {
	var req messageRequest
	if e := h.decodeBody(w, r, &req); e != nil {
		return assistant.Turn{}, e
	}
	return turnFromRequest(req)
}

// decodeBody reads a request's JSON body into v, capped at MaxBody: a
// body too large or not JSON is the API error to answer with.
func (h *Handler) decodeBody(w http.ResponseWriter, r *http.Request, v any) *apiError {
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, h.cfg.MaxBody)).Decode(v); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return &errTooLarge
		}
		return &errBadJSON
	}
	return nil
}

// fileName keeps the last element of a browser's file name, valid UTF-8,
// without control characters and of bounded length.
func fileName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	// CleanText drops invalid UTF-8, control and format characters; a
	// name also loses the newline and tab a message may keep.
	name = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' || r == utf8.RuneError {
			return -1
		}
		return r
	}, assistant.CleanText(name))
	for len(name) > maxFileName {
		_, size := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-size]
	}
	return name
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
	CaseRef      string                 `json:"case_ref,omitempty"`
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
			CaseRef: r.CaseRef, Citations: []wireCitation{}}
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
