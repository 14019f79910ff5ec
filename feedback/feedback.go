// Package feedback is the citizens' verdict on MIA's answers and the loop
// that turns what MIA could not answer into work for the city: a 👍/👎
// with an optional reason on every answer, and the knowledge gaps (the
// questions MIA declined or that got 👎) grouped by similarity for staff
// to act on and for QA to turn into evaluation items.
//
// The package holds the rules (what may be rated, how a vote is cleaned,
// how questions are grouped); postgres/feedbackstore keeps the tables.
package feedback

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/miasrbija/mia/assistant"
	"github.com/miasrbija/mia/fault"
	"github.com/miasrbija/mia/pii"
)

// Rating is a citizen's verdict on one answer.
type Rating string

// Ratings.
const (
	Up   Rating = "up"
	Down Rating = "down"
)

// Reason says what was wrong with an answer rated Down.
type Reason string

// Reasons; "" is none given.
const (
	ReasonWrong         Reason = "wrong"
	ReasonOutdated      Reason = "outdated"
	ReasonNotUnderstood Reason = "not_understood"
	ReasonOther         Reason = "other"
)

// Reasons lists the reasons in the order they are offered.
var Reasons = []Reason{ReasonWrong, ReasonOutdated, ReasonNotUnderstood, ReasonOther}

// MaxComment bounds the free text given with a reason, in characters.
const MaxComment = 1000

// Vote is one citizen's rating of one answer. A second vote on the same
// answer replaces the first: a citizen changes their mind, they never
// count twice.
type Vote struct {
	Municipality string
	Channel      assistant.Channel
	User         string // the channel's id of the citizen (conversations.channel_user)
	MessageID    int64  // the assistant message rated
	Rating       Rating
	Reason       Reason // only with Down
	Comment      string // only with Down; personal data masked by Clean
}

// Clean checks a vote and masks personal data in its comment. A reason or
// comment on a 👍 is dropped: they explain what was wrong.
func (v *Vote) Clean() error {
	switch {
	case v.Municipality == "" || v.Channel == "" || v.User == "":
		return fault.Invalid("a vote needs its municipality, channel and citizen")
	case v.MessageID <= 0:
		return fault.Invalid("message id %d is not an answer", v.MessageID)
	}
	switch v.Rating {
	case Up:
		v.Reason, v.Comment = "", ""
		return nil
	case Down:
	default:
		return fault.Invalid("rating %q: want %q or %q", v.Rating, Up, Down)
	}
	if v.Reason != "" && !validReason(v.Reason) {
		return fault.Invalid("reason %q: want one of %v", v.Reason, Reasons)
	}
	c := strings.TrimSpace(assistant.CleanText(v.Comment))
	if utf8.RuneCountInString(c) > MaxComment {
		return fault.Invalid("comment is longer than %d characters", MaxComment)
	}
	v.Comment, _ = pii.Mask(c)
	if v.Comment != "" && v.Reason == "" {
		v.Reason = ReasonOther // words without a chosen reason are "other"
	}
	return nil
}

func validReason(r Reason) bool {
	for _, x := range Reasons {
		if x == r {
			return true
		}
	}
	return false
}

// Ratable reports whether an answer of this route and status may be
// rated: answers to questions, declined ones included (a 👎 on a refusal
// tells the city the question deserved an answer), and case statuses; not
// form steps, greetings or emergencies, nor an error the citizen is told
// to retry.
func Ratable(route assistant.Route, status assistant.Status) bool {
	if status == assistant.StatusError {
		return false
	}
	switch route {
	case assistant.RouteInfo, assistant.RouteStatus, assistant.RouteOutOfScope:
		return true
	}
	return false
}

// CommentWait is how long a channel without a text box waits for the
// words of a 👎 "other": the next message within it is the comment, a
// later one a new question.
const CommentWait = 10 * time.Minute

// CleanComment masks personal data in a comment and caps it, as Clean
// does for a vote's.
func CleanComment(text string) (string, error) {
	v := Vote{Municipality: "-", Channel: "-", User: "-", MessageID: 1, Rating: Down, Reason: ReasonOther, Comment: text}
	if err := v.Clean(); err != nil {
		return "", err
	}
	return v.Comment, nil
}

// OfferPersonAt is the 👎 count in a conversation at which the citizen is
// offered to talk to a person: one bad answer may be bad luck, two say
// the documents do not serve this citizen.
const OfferPersonAt = 2

// RatableRoutes are the routes Ratable accepts, for the store's queries.
var RatableRoutes = []assistant.Route{assistant.RouteInfo, assistant.RouteStatus, assistant.RouteOutOfScope}

// Store keeps votes and knowledge gaps; postgres/feedbackstore implements
// it. A vote or group out of reach (another citizen's answer, another
// municipality's group) is fault.ErrNotFound.
type Store interface {
	// Rate records v (already Cleaned) on the answer it names, which must
	// be a ratable answer (Ratable) of the citizen's conversation on that
	// channel; a second vote replaces the first.
	Rate(ctx context.Context, v Vote) error
	// Downs counts the 👎 votes in the conversation that holds the answer
	// message: at the second, the citizen is offered a person.
	Downs(ctx context.Context, message int64) (int, error)
	// WantComment marks the vote on the answer as waiting, until until,
	// for the citizen's words (a channel with no text box under its
	// buttons takes their next message).
	WantComment(ctx context.Context, message int64, until time.Time) error
	// TakeComment gives the citizen's vote waiting for words (WantComment,
	// not past its time) the comment, already Cleaned, and returns true; a
	// comment "" only stops the wait. false: no vote was waiting.
	TakeComment(ctx context.Context, municipality string, ch assistant.Channel, user, comment string) (bool, error)
	// AnswerID returns the id of the latest answer of the conversation
	// with the route and status given: the reply a turn just recorded.
	// ok is false when there is none.
	AnswerID(ctx context.Context, conversation int64, route assistant.Route, status assistant.Status) (id int64, ok bool, err error)
	// SyncGaps files the municipality's new gap questions (answers
	// declined or rated 👎 that no group holds yet) into groups: assign
	// gets them with the groups' members and says where each goes. It
	// runs in one transaction, one sync per municipality at a time.
	SyncGaps(ctx context.Context, municipality string, assign AssignFunc) error
	// Gaps returns the municipality's groups matching f, most asked
	// first, each with up to f.Examples example questions.
	Gaps(ctx context.Context, municipality string, f GapFilter) ([]Group, error)
	// SetGapStatus sets a group's status and who set it.
	SetGapStatus(ctx context.Context, municipality string, group int64, s GapStatus, staffID int64) error
	// Ratings reads the municipality's rating figures.
	Ratings(ctx context.Context, municipality string) (*RatingStats, error)
}

// RatingStats are a municipality's answer ratings and citations, all time,
// on citizens' channels.
type RatingStats struct {
	Weeks  []WeekRatings // oldest first, weeks with votes only
	Routes []KeyRatings  // by the answer's route
	// Documents are every document cited by an answer, by its title (the
	// source when it has none), as stored: the Latin and Cyrillic versions
	// of a document are two entries here (see MergeDocuments).
	Documents []DocumentRatings
}

// Tally counts votes.
type Tally struct{ Up, Down int64 }

// Total is the number of votes.
func (t Tally) Total() int64 { return t.Up + t.Down }

// Share is the share of 👍 among the votes, 0..1 (0 without votes).
func (t Tally) Share() float64 {
	if t.Total() == 0 {
		return 0
	}
	return float64(t.Up) / float64(t.Total())
}

// WeekRatings are the votes given in one week (starting Monday, UTC).
type WeekRatings struct {
	Week time.Time
	Tally
}

// KeyRatings are the votes on answers of one key (a route).
type KeyRatings struct {
	Key string
	Tally
}

// DocumentRatings are a document's citations (answers citing it) and the
// votes on those answers.
type DocumentRatings struct {
	Title string
	Cited int64
	Tally
}

// String is for logs and tests.
func (t Tally) String() string { return fmt.Sprintf("%d👍 %d👎", t.Up, t.Down) }
