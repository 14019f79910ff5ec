package viber

import (
	"context"
	"time"

	"github.com/riverqueue/river"
)

// Store is what the channel keeps: callbacks recorded once (so a
// redelivery is recognised), the turn and send jobs inserted together
// with them, Viber users, downloaded media and the parts of replies Viber
// accepted. postgres/viberstore implements it on PostgreSQL and River.
// Implementations are safe for concurrent use; every method's writes are
// committed when it returns nil and not at all when it returns an error.
type Store interface {
	// EnqueueTurns records each turn's message event (Municipality,
	// Token, User.ID) and inserts a TurnArgs job for every event not
	// recorded before, in one transaction: a redelivery, or a second copy
	// within turns, inserts nothing. It is the enqueuer's commit, so ctx
	// carries its deadline.
	EnqueueTurns(ctx context.Context, turns []TurnArgs) error
	// RecordEvent records a callback and reports whether it is new: false
	// for a redelivery of (event, token, user).
	RecordEvent(ctx context.Context, e Event) (fresh bool, err error)
	// RecordSubscription records e and, unless it is a redelivery, sets
	// u's subscription (and name and API level), in one transaction. An
	// empty u.ID records the event only.
	RecordSubscription(ctx context.Context, e Event, u User, subscribed bool) error
	// SaveUser records a user's name, API level and subscription. An
	// empty name or a lower API level does not replace a known one.
	SaveUser(ctx context.Context, municipality string, u User, subscribed bool) error
	// MarkUnsubscribed records that a user can no longer be messaged.
	MarkUnsubscribed(ctx context.Context, municipality, userID string) error
	// SaveMedia stores a download once per message (Municipality, Token)
	// and returns its id; a second save of the same message returns the
	// first row's id.
	SaveMedia(ctx context.Context, m *Media) (int64, error)
	// CompleteTurn inserts the reply's send job and marks the turn job
	// completed, in one transaction: a retried turn never enqueues a
	// second reply. ctx is the worker's (River's client is in it).
	CompleteTurn(ctx context.Context, job *river.Job[TurnArgs], reply SendArgs) error
	// SentParts returns the parts of a send job Viber already accepted.
	SentParts(ctx context.Context, jobID int64) (map[int]bool, error)
	// RecordSent records a part Viber accepted; recording it again is a
	// no-op.
	RecordSent(ctx context.Context, p SentPart) error
	// DeleteBefore deletes the callbacks received and the parts sent
	// before cut and returns how many of each.
	DeleteBefore(ctx context.Context, cut time.Time) (events, parts int64, err error)
}

// Event is a callback as recorded for deduplication.
type Event struct {
	Municipality string
	Event        string // EventMessage, EventSeen...
	Token        uint64 // the message's token
	User         string // Callback.UserKey
}

// eventOf returns the record of cb, received by municipality.
func eventOf(municipality string, cb *Callback) Event {
	return Event{Municipality: municipality, Event: cb.Event, Token: cb.MessageToken, User: cb.UserKey()}
}

// Media is a stored picture, video or file.
type Media struct {
	ID           int64 // set by the store
	Municipality string
	User         string // who sent it
	Token        uint64 // the message's token
	Kind         string // picture, video or file
	FileName     string
	MIME         string // sniffed from the bytes
	Size         int64
	Data         []byte
}

// SentPart is one part of a reply Viber accepted.
type SentPart struct {
	JobID        int64 // the send job
	Part         int   // the part's position in SendArgs.Messages
	Municipality string
	Receiver     string
	Token        uint64 // Viber's token of the sent message
}
