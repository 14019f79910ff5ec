package assistant

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/miasrbija/mia/fault"
	"github.com/miasrbija/mia/forms"
	"github.com/miasrbija/mia/handover"
	"github.com/miasrbija/mia/prompts"
)

// Handover keeps citizens' requests for a person (package handover; the
// PostgreSQL side is postgres/handoverstore). The engine files requests,
// relays the citizen's messages while one is open, and ends a request the
// citizen withdraws or that waited too long; staff work the rest through
// handover.Service.
type Handover interface {
	// OpenRequest returns the conversation's waiting or active request;
	// fault.ErrNotFound when it has none.
	OpenRequest(ctx context.Context, conv int64) (*handover.Request, error)
	// CreateRequest files a waiting request, or returns the open one.
	CreateRequest(ctx context.Context, r handover.Request) (*handover.Request, bool, error)
	// AddMessage records a message of the request.
	AddMessage(ctx context.Context, r *handover.Request, m handover.Message, delivered bool) (handover.Message, error)
	// Finish moves a request from one of the statuses to another.
	Finish(ctx context.Context, id int64, from []handover.Status, to handover.Status, reason string, at time.Time) (*handover.Request, error)
}

// relayHandover gives the citizen's message to the person who holds the
// conversation, or who will take it from the queue: MIA does not answer
// it (ok true, the reply empty). A handover button goes on to route; an
// emergency is relayed and answered by MIA too; a request that waited
// past the municipality's wait is timed out and MIA answers again, saying
// so first.
func (e *Engine) relayHandover(ctx context.Context, st *turnState, t Turn, raw string) (*Reply, bool) {
	if e.cfg.Handover == nil || strings.HasPrefix(t.Payload, "handover:") {
		return nil, false
	}
	r, err := e.cfg.Handover.OpenRequest(ctx, st.conv)
	if errors.Is(err, fault.ErrNotFound) {
		return nil, false
	}
	if err != nil {
		// The citizen still gets an answer: from MIA.
		e.cfg.Log.ErrorContext(ctx, "open handover", "conversation", st.conv, "err", err)
		return nil, false
	}
	if r.Status == handover.Waiting && st.m.Handover != nil && time.Since(r.RequestedAt) > st.m.Handover.Wait() {
		if _, err := e.cfg.Handover.Finish(ctx, r.ID, []handover.Status{handover.Waiting}, handover.TimedOut, "", time.Now()); err == nil {
			st.notices = append(st.notices, e.message(st, prompts.HandoverTimeout, nil))
			return nil, false
		}
	}
	msg := handover.Message{RequestID: r.ID, From: handover.FromCitizen, Text: historyText(st.text, t)}
	if _, err := e.cfg.Handover.AddMessage(ctx, r, msg, true); err != nil {
		e.cfg.Log.ErrorContext(ctx, "relay to staff", "handover", r.ID, "err", err)
		return nil, false
	}
	if Classify(raw).Route == RouteEmergency {
		return nil, false // relayed, and the numbers to call come at once
	}
	st.reply.Route, st.reply.Status, st.reply.Script = RouteHandover, StatusAnswered, st.script
	st.reply.Latency = time.Since(st.started)
	st.emit(Event{Kind: EventDone, Reply: st.reply})
	return st.reply, true
}

// handover answers a request for a person: within office hours the
// conversation joins the staff queue; outside them, or when the citizen
// prefers, they leave a message, filed as an inquiry case. Without
// handover configured the municipality's contacts are the answer.
func (e *Engine) handover(ctx context.Context, st *turnState, t Turn) error {
	// The command line has nobody to hand over to: it gets the contacts.
	if e.cfg.Handover == nil || st.m.Handover == nil || t.Channel == ChannelCLI {
		e.say(st, RouteHandover, StatusAnswered, prompts.Handover, mainServices)
		return nil
	}
	open, err := e.cfg.Handover.OpenRequest(ctx, st.conv)
	if err != nil && !errors.Is(err, fault.ErrNotFound) {
		return err
	}
	switch t.Payload {
	case handover.PayloadCancel:
		if err := e.withdraw(ctx, open); err != nil {
			return err
		}
		e.say(st, RouteHandover, StatusAnswered, prompts.HandoverCancelled, mainServices)
		return nil
	case handover.PayloadMessage:
		if err := e.withdraw(ctx, open); err != nil {
			return err
		}
		return e.leaveMessage(ctx, st, t)
	}
	if open != nil {
		e.sayWaiting(st)
		return nil
	}
	if !st.m.Handover.Open(time.Now()) {
		st.notices = append(st.notices, e.message(st, prompts.HandoverClosedNow, nil))
		return e.leaveMessage(ctx, st, t)
	}
	_, _, err = e.cfg.Handover.CreateRequest(ctx, handover.Request{Municipality: st.m.Slug, ConversationID: st.conv,
		Channel: string(t.Channel), ChannelUser: t.UserID, Body: st.m.Handover.Body, Script: st.script, RequestedAt: time.Now()})
	if err != nil {
		return err
	}
	e.sayWaiting(st)
	return nil
}

// sayWaiting tells the citizen the request is in the queue, with the way
// out: leave a message, or go on with MIA.
func (e *Engine) sayWaiting(st *turnState) {
	e.say(st, RouteHandover, StatusAnswered, prompts.HandoverWaiting, nil)
	st.reply.QuickReplies = []QuickReply{
		{Label: e.message(st, prompts.QuickLeaveMessage, nil), Payload: handover.PayloadMessage},
		{Label: e.message(st, prompts.QuickHandoverCancel, nil), Payload: handover.PayloadCancel},
	}
	st.emit(Event{Kind: EventQuickReply, QuickReplies: st.reply.QuickReplies})
}

// withdraw ends the citizen's open request, if any, as abandoned.
func (e *Engine) withdraw(ctx context.Context, open *handover.Request) error {
	if open == nil {
		return nil
	}
	_, err := e.cfg.Handover.Finish(ctx, open.ID, []handover.Status{handover.Waiting, handover.Active}, handover.Abandoned, "", time.Now())
	if errors.Is(err, fault.ErrConflict) {
		return nil // ended meanwhile
	}
	return err
}

// leaveMessage starts the inquiry form; without citizen services the
// contacts are the answer.
func (e *Engine) leaveMessage(ctx context.Context, st *turnState, t Turn) error {
	if e.cfg.Forms == nil {
		e.say(st, RouteHandover, StatusAnswered, prompts.Handover, nil)
		return nil
	}
	t.Payload = "form:" + forms.FormInquiry // a button's start: nothing to read from the text
	return e.startForm(ctx, st, t, forms.FormInquiry, nil)
}
