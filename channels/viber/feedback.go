package viber

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"time"

	"github.com/miasrbija/mia/assistant"
	"github.com/miasrbija/mia/fault"
	"github.com/miasrbija/mia/feedback"
	"github.com/miasrbija/mia/municipality"
	"github.com/miasrbija/mia/serbian"
)

// Feedback records citizens' votes on answers and finds the answer a turn
// just recorded; feedback.Store is one (postgres/feedbackstore).
type Feedback interface {
	Rate(ctx context.Context, v feedback.Vote) error
	Downs(ctx context.Context, message int64) (int, error)
	WantComment(ctx context.Context, message int64, until time.Time) error
	TakeComment(ctx context.Context, municipality string, ch assistant.Channel, user, comment string) (bool, error)
	AnswerID(ctx context.Context, conversation int64, route assistant.Route, status assistant.Status) (int64, bool, error)
}

var _ Feedback = feedback.Store(nil)

// A rating button's payload names the answer, the script to thank the
// citizen in and the vote: "feedback:4711:l:down" and, from the reason
// buttons, "feedback:4711:l:down:outdated". Viber sends it back as the
// message text; it never reaches the engine.
var feedbackRE = regexp.MustCompile(`^feedback:(\d{1,18}):([lc]):(up|down)(?::(wrong|outdated|not_understood|other))?$`)

// skipRE is the "Preskoči" button's payload under the request for words
// after 👎 "other" ("feedback-skip:l"): no comment, and the wait ends.
var skipRE = regexp.MustCompile(`^feedback-skip:([lc])$`)

// feedbackPayload builds a rating button's payload.
func feedbackPayload(id int64, script serbian.Script, rating feedback.Rating, reason feedback.Reason) string {
	s := "l"
	if script == serbian.Cyrillic {
		s = "c"
	}
	p := fmt.Sprintf("feedback:%d:%s:%s", id, s, rating)
	if reason != "" {
		p += ":" + string(reason)
	}
	return p
}

// Words of the rating buttons and of the thanks, in Latin; Cyrillic is
// transliterated from them.
var feedbackTexts = map[string]string{
	"up":                                 "👍 Koristan odgovor",
	"down":                               "👎 Nije koristan",
	"thanks_up":                          "Hvala na oceni.",
	"thanks_down":                        "Hvala. Šta nije bilo u redu? Izaberite razlog ili samo postavite novo pitanje.",
	"thanks_reason":                      "Hvala! Vaša ocena nam pomaže da dopunimo odgovore.",
	"ask_comment":                        "Hvala. Napišite u jednoj poruci šta nije bilo u redu; ako ne želite, pritisnite „Preskoči”.",
	"skip":                               "Preskoči",
	"skipped":                            "U redu. Možete postaviti novo pitanje.",
	"gone":                               "Taj odgovor više nije moguće oceniti.",
	"person":                             "Razgovor sa službenikom",
	string(feedback.ReasonWrong):         "Pogrešno",
	string(feedback.ReasonOutdated):      "Zastarelo",
	string(feedback.ReasonNotUnderstood): "Nisam razumeo/la",
	string(feedback.ReasonOther):         "Drugo",
}

// feedbackText is one of them in m's variant and the given script; a nil
// m (the rating buttons, which no variant changes) is ekavian.
func feedbackText(m *municipality.Municipality, key string, script serbian.Script) string {
	text := m.Say(feedbackTexts[key])
	if script == serbian.Cyrillic {
		return serbian.ToCyrillic(text)
	}
	return text
}

// addRatingButtons puts 👍/👎 on the keyboard of a ratable reply's last
// message, naming the answer the engine recorded.
func (d *deps) addRatingButtons(ctx context.Context, r *assistant.Reply, msgs []Message) {
	if d.cfg.Feedback == nil || len(msgs) == 0 || !feedback.Ratable(r.Route, r.Status) {
		return
	}
	id, ok, err := d.cfg.Feedback.AnswerID(ctx, r.ConversationID, r.Route, r.Status)
	if err != nil || !ok {
		if err != nil {
			d.cfg.Log.ErrorContext(ctx, "viber: feedback answer id", "conversation", r.ConversationID, "err", err)
		}
		return // the answer goes out without the buttons
	}
	last := &msgs[len(msgs)-1]
	if last.Keyboard == nil {
		last.Keyboard = &Keyboard{Type: "keyboard"}
	}
	for _, rating := range []feedback.Rating{feedback.Up, feedback.Down} {
		last.Keyboard.Buttons = append(last.Keyboard.Buttons, Button{Columns: 3, Rows: 1, ActionType: ActionReply,
			ActionBody: feedbackPayload(id, r.Script, rating, ""), Text: feedbackText(nil, string(rating), r.Script)})
	}
}

// commentReply takes a typed message as the words of a 👎 "other" vote
// waiting for them (feedbackReply asked), and thanks; ok is false when no
// vote was waiting, and the message is a turn like any other. A button's
// payload, "Preskoči" included, only ends the wait.
func (d *deps) commentReply(ctx context.Context, m *municipality.Municipality, user, text string, payload bool) (*assistant.Reply, bool, error) {
	if d.cfg.Feedback == nil {
		return nil, false, nil
	}
	comment := ""
	if !payload {
		c, err := feedback.CleanComment(text)
		if err != nil {
			return nil, false, nil // too long for a comment: a turn
		}
		comment = c
	}
	took, err := d.cfg.Feedback.TakeComment(ctx, m.Slug, assistant.ChannelViber, user, comment)
	if err != nil {
		return nil, false, err
	}
	if sub := skipRE.FindStringSubmatch(text); sub != nil {
		script := serbian.Latin
		if sub[1] == "c" {
			script = serbian.Cyrillic
		}
		return &assistant.Reply{Script: script, Route: assistant.RouteThanks, Status: assistant.StatusAnswered, Text: feedbackText(m, "skipped", script)}, true, nil
	}
	if !took {
		return nil, false, nil
	}
	script := serbian.DetectScript(text)
	return &assistant.Reply{Script: script, Route: assistant.RouteThanks, Status: assistant.StatusAnswered, Text: feedbackText(m, "thanks_reason", script)}, true, nil
}

// feedbackReply records the vote a rating button sent and returns the
// short thanks (after 👎 with the reason buttons); ok is false when text
// is not a rating payload. A vote is never a question: the engine does
// not see it.
func (d *deps) feedbackReply(ctx context.Context, m *municipality.Municipality, user, text string) (*assistant.Reply, bool, error) {
	sub := feedbackRE.FindStringSubmatch(text)
	if sub == nil || d.cfg.Feedback == nil {
		return nil, false, nil
	}
	id, _ := strconv.ParseInt(sub[1], 10, 64) // 18 digits fit
	script := serbian.Latin
	if sub[2] == "c" {
		script = serbian.Cyrillic
	}
	v := feedback.Vote{Municipality: m.Slug, Channel: assistant.ChannelViber, User: user, MessageID: id,
		Rating: feedback.Rating(sub[3]), Reason: feedback.Reason(sub[4])}
	reply := &assistant.Reply{Script: script, Route: assistant.RouteThanks, Status: assistant.StatusAnswered}
	if err := v.Clean(); err != nil {
		return nil, false, err // the pattern admits only valid votes
	}
	switch err := d.cfg.Feedback.Rate(ctx, v); {
	case errors.Is(err, fault.ErrNotFound):
		reply.Text = feedbackText(m, "gone", script)
		return reply, true, nil
	case err != nil:
		return nil, true, fmt.Errorf("record feedback: %w", err)
	}
	switch {
	case v.Rating == feedback.Up:
		reply.Text = feedbackText(m, "thanks_up", script)
	case v.Reason == feedback.ReasonOther:
		// Viber has no text box under a button: the citizen's next
		// message is the comment (commentReply).
		if err := d.cfg.Feedback.WantComment(ctx, id, time.Now().Add(feedback.CommentWait)); err != nil {
			return nil, true, fmt.Errorf("want comment: %w", err)
		}
		reply.Text = feedbackText(m, "ask_comment", script)
		reply.QuickReplies = []assistant.QuickReply{{Label: feedbackText(m, "skip", script), Payload: "feedback-skip:" + sub[2]}}
	case v.Reason != "":
		reply.Text = feedbackText(m, "thanks_reason", script)
	default:
		reply.Text = feedbackText(m, "thanks_down", script)
		for _, r := range feedback.Reasons {
			reply.QuickReplies = append(reply.QuickReplies, assistant.QuickReply{Label: feedbackText(m, string(r), script),
				Payload: feedbackPayload(id, script, feedback.Down, r)})
		}
	}
	if v.Rating == feedback.Down {
		// At the conversation's second 👎 a person is offered.
		n, err := d.cfg.Feedback.Downs(ctx, id)
		if err != nil {
			return nil, true, fmt.Errorf("count feedback: %w", err)
		}
		if n >= feedback.OfferPersonAt {
			reply.QuickReplies = append(reply.QuickReplies, assistant.QuickReply{Label: feedbackText(m, "person", script), Payload: "handover:"})
		}
	}
	return reply, true, nil
}
