package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/miasrbija/mia/handover"
)

// The live stream: GET …/conversations/{token}/events is a Server-Sent
// Events stream that an open widget keeps, carrying what reaches the
// conversation outside the citizen's own turns: a staff member's reply, a
// step of a handover (taken, handed back, closed, nobody free) and a
// case's status change. Each "notice" event has the conversation
// message's id as its SSE id, so a browser that reconnects (EventSource
// does by itself, sending Last-Event-ID) gets what it missed; "handover"
// events carry the state. The stream ends after liveMaxAge; the browser
// opens the next one.

// Tunables of the live stream.
const (
	// liveMaxAge bounds one stream, so a proxy's idle limits and a
	// replica's shutdown never cut one mid-event for long.
	liveMaxAge = 5 * time.Minute
	// liveCheck is how often the stream checks without a wake-up: the
	// fallback when a notification was lost (a LISTEN connection being
	// re-opened) and the keep-alive comment's period.
	liveCheck = 15 * time.Second
)

type liveNotice struct {
	Text         string            `json:"text"`
	From         string            `json:"from"` // "staff" or "system"
	StaffName    string            `json:"staff_name,omitempty"`
	QuickReplies []handover.Button `json:"quick_replies"`
}

type liveState struct {
	Status    string `json:"status"` // "" (none), waiting, active, closed, abandoned, timed_out
	StaffName string `json:"staff_name,omitempty"`
}

// liveEvents serves the live stream of a conversation.
func (h *Handler) liveEvents(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if h.cfg.Live == nil {
		writeError(w, r, errBadToken)
		return
	}
	conv := conversationFrom(ctx)
	cursor, ok := lastEventID(r)
	if !ok {
		var err error
		if cursor, err = h.cfg.Live.LastMessage(ctx, conv); err != nil {
			h.cfg.Log.ErrorContext(ctx, "live: last message", "conversation", conv, "err", err)
			writeError(w, r, errInternal)
			return
		}
	}
	// Subscribed before the first read: nothing written after it is missed.
	wake, cancel := h.cfg.Live.Subscribe(conv)
	defer cancel()
	lw := &liveWriter{w: w, rc: http.NewResponseController(w)}
	defer lw.finish()
	var state liveState
	first := true
	tick := time.NewTicker(liveCheck)
	defer tick.Stop()
	end := time.NewTimer(liveMaxAge)
	defer end.Stop()
	for {
		notices, err := h.cfg.Live.Notices(ctx, conv, cursor)
		if err == nil {
			for _, n := range notices {
				buttons := n.Buttons
				if buttons == nil {
					buttons = []handover.Button{}
				}
				lw.event(strconv.FormatInt(n.ID, 10), "notice",
					liveNotice{Text: n.Text, From: string(n.From), StaffName: n.StaffName, QuickReplies: buttons})
				cursor = n.ID
			}
			var st handover.State
			if st, err = h.cfg.Live.State(ctx, conv); err == nil {
				if now := (liveState{Status: string(st.Status), StaffName: st.StaffName}); first || now != state {
					state, first = now, false
					lw.event("", "handover", state)
				}
			}
		}
		if err != nil && ctx.Err() == nil {
			h.cfg.Log.WarnContext(ctx, "live: read", "conversation", conv, "err", err)
		}
		if lw.failed {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-end.C:
			return
		case <-h.cfg.LiveDone:
			return
		case <-wake:
		case <-tick.C:
			lw.comment()
		}
	}
}

// lastEventID reads where a reconnecting browser left off: the
// Last-Event-ID header EventSource sends, or ?after= for a first
// connection that already has the history up to a message.
func lastEventID(r *http.Request) (int64, bool) {
	v := r.Header.Get("Last-Event-ID")
	if v == "" {
		v = r.URL.Query().Get("after")
	}
	if v == "" {
		return 0, false
	}
	id, err := strconv.ParseInt(v, 10, 64)
	return id, err == nil && id >= 0
}

// liveWriter writes SSE events with ids, each under a write deadline.
type liveWriter struct {
	w       http.ResponseWriter
	rc      *http.ResponseController
	started bool
	failed  bool
}

func (l *liveWriter) write(s string) {
	if l.failed {
		return
	}
	if !l.started {
		h := l.w.Header()
		h.Set("Content-Type", "text/event-stream; charset=utf-8")
		h.Set("Cache-Control", "no-store")
		h.Set("X-Accel-Buffering", "no")
		l.w.WriteHeader(http.StatusOK)
		l.started = true
	}
	_ = l.rc.SetWriteDeadline(time.Now().Add(writeTimeout))
	_, err := fmt.Fprint(l.w, s)
	if err == nil {
		if ferr := l.rc.Flush(); !errors.Is(ferr, http.ErrNotSupported) {
			err = ferr
		}
	}
	l.failed = err != nil
}

func (l *liveWriter) event(id, name string, data any) {
	b, err := json.Marshal(data)
	if err != nil {
		return
	}
	s := ""
	if id != "" {
		s = "id: " + id + "\n"
	}
	l.write(s + "event: " + name + "\ndata: " + string(b) + "\n\n")
}

// comment keeps proxies from closing an idle stream.
func (l *liveWriter) comment() { l.write(": keep-alive\n\n") }

func (l *liveWriter) finish() {
	if l.started && !l.failed {
		_ = l.rc.SetWriteDeadline(time.Time{})
	}
}
