package web

import (
	"context"
	"errors"
	"net/http"

	"github.com/miasrbija/mia/assistant"
	"github.com/miasrbija/mia/fault"
	"github.com/miasrbija/mia/feedback"
)

// Feedback records citizens' votes on answers and finds the answer a turn
// just recorded; feedback.Store is one (postgres/feedbackstore).
type Feedback interface {
	Rate(ctx context.Context, v feedback.Vote) error
	Downs(ctx context.Context, message int64) (int, error)
	AnswerID(ctx context.Context, conversation int64, route assistant.Route, status assistant.Status) (int64, bool, error)
}

var _ Feedback = feedback.Store(nil)

// feedbackRequest is a vote: 👍 or 👎 on one answer, after 👎 optionally a
// reason and words. Sending it again replaces the earlier vote.
type feedbackRequest struct {
	MessageID int64  `json:"message_id"`
	Rating    string `json:"rating"`
	Reason    string `json:"reason"`
	Comment   string `json:"comment"`
}

type feedbackEvent struct {
	MessageID int64 `json:"message_id"`
}

// feedbackOffer answers a 👎 that is the conversation's second: the widget
// then offers the citizen a person (a button sending "handover:").
type feedbackOffer struct {
	OfferPerson bool `json:"offer_person"`
}

var (
	errFeedbackOff   = apiError{http.StatusNotFound, "feedback_off", "Ocenjivanje odgovora trenutno nije moguće."}
	errBadVote       = apiError{http.StatusBadRequest, "invalid_feedback", "Ocena nije ispravna."}
	errAnswerUnknown = apiError{http.StatusNotFound, "answer_not_found", "Taj odgovor nije moguće oceniti."}
)

// postFeedback records a citizen's vote on an answer of their own
// conversation: the store checks that the answer belongs to the
// conversation the token opens and may be rated. Idempotent: the same
// vote twice is one vote, a different one replaces it.
func (h *Handler) postFeedback(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if h.cfg.Feedback == nil {
		writeError(w, r, errFeedbackOff)
		return
	}
	var req feedbackRequest
	if e := h.decodeBody(w, r, &req); e != nil {
		writeError(w, r, *e)
		return
	}
	v := feedback.Vote{Municipality: municipalityFrom(ctx).Slug, Channel: assistant.ChannelWeb, User: userFrom(ctx),
		MessageID: req.MessageID, Rating: feedback.Rating(req.Rating), Reason: feedback.Reason(req.Reason), Comment: req.Comment}
	if err := v.Clean(); err != nil {
		writeError(w, r, errBadVote)
		return
	}
	switch err := h.cfg.Feedback.Rate(ctx, v); {
	case errors.Is(err, fault.ErrNotFound):
		writeError(w, r, errAnswerUnknown)
	case err != nil:
		h.cfg.Log.ErrorContext(ctx, "feedback", "message", v.MessageID, "err", err)
		writeError(w, r, errInternal)
	default:
		w.Header().Set("Cache-Control", "no-store")
		if offer := h.personOffer(ctx, v); offer != nil {
			writeJSON(w, http.StatusOK, offer)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}
}

// personOffer returns the offer of a person after the conversation's
// second 👎, nil otherwise (also when counting fails: the vote is recorded
// either way).
func (h *Handler) personOffer(ctx context.Context, v feedback.Vote) *feedbackOffer {
	if v.Rating != feedback.Down {
		return nil
	}
	n, err := h.cfg.Feedback.Downs(ctx, v.MessageID)
	if err != nil {
		h.cfg.Log.ErrorContext(ctx, "feedback: count", "message", v.MessageID, "err", err)
		return nil
	}
	if n < feedback.OfferPersonAt {
		return nil
	}
	return &feedbackOffer{OfferPerson: true}
}

// offerFeedback tells the widget which recorded answer a ratable reply
// is, so it can show 👍/👎 under it: an event "feedback" after "done".
// The engine records the reply before it emits "done", and a
// conversation runs one turn at a time, so the latest answer of the
// reply's route and status is this one.
func (h *Handler) offerFeedback(ctx context.Context, s *stream, reply *assistant.Reply) {
	if h.cfg.Feedback == nil || reply == nil || !feedback.Ratable(reply.Route, reply.Status) {
		return
	}
	id, ok, err := h.cfg.Feedback.AnswerID(ctx, reply.ConversationID, reply.Route, reply.Status)
	if err != nil {
		h.cfg.Log.ErrorContext(ctx, "feedback: answer id", "conversation", reply.ConversationID, "err", err)
		return
	}
	if ok {
		s.emit("feedback", feedbackEvent{MessageID: id})
	}
}
