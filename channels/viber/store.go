package viber

import (
	"context"
	"time"

	"github.com/riverqueue/river"
)

// Store is what the channel keeps: callbacks recorded once (so a
// redelivery is recognised), incoming messages and replies until their
// jobs have run (the jobs carry only their ids: no citizen's words sit in
// River's tables), the jobs inserted together with them, Viber users and
// the parts of replies Viber accepted. Media is not kept: forms stores the
// cleaned copy of what a form needs. postgres/viberstore implements it on
// PostgreSQL and River. Implementations are safe for concurrent use;
// every method's writes are committed when it returns nil and not at all
// when it returns an error, except KeepTurns (see there).
type Store interface {
	// KeepTurns records each message's event (Municipality, Token,
	// User.ID) and keeps the message for every event not recorded before:
	// a redelivery, or a second copy within in, keeps nothing. It returns
	// how many were kept. It is the enqueuer's commit (ctx carries its
	// deadline) and what a callback's answer waits for, so it is one
	// statement, committed on its own: when ctx ends while the statement
	// waits (a lock), it may still commit after returning the error. That
	// is safe: the callback was answered 503, Viber redelivers, the
	// redelivery finds its event and keeps nothing, and the message kept
	// gets its one job from QueueTurns.
	KeepTurns(ctx context.Context, in []Incoming) (int, error)
	// QueueTurns inserts a TurnArgs job for up to limit kept messages
	// that have none yet, oldest first, each exactly once even when
	// several processes queue at once, and returns how many.
	QueueTurns(ctx context.Context, limit int) (int, error)
	// Incoming returns a kept message, or an error of kind
	// fault.ErrNotFound once its turn has completed.
	Incoming(ctx context.Context, id int64) (*Incoming, error)
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
	// CompleteTurn deletes the turn's message (job.Args.Inbox), keeps the
	// reply and inserts its send job (none when reply has no messages),
	// and marks the turn job completed, in one transaction: a retried
	// turn never enqueues a second reply. ctx is the worker's (River's
	// client is in it).
	CompleteTurn(ctx context.Context, job *river.Job[TurnArgs], reply *Reply) error
	// Reply returns a kept reply, or an error of kind fault.ErrNotFound
	// once it has been sent (DeleteReply).
	Reply(ctx context.Context, id int64) (*Reply, error)
	// DeleteReply deletes a reply that needs no more sending; deleting
	// it again is a no-op.
	DeleteReply(ctx context.Context, id int64) error
	// SentParts returns the parts of a send job Viber already accepted.
	SentParts(ctx context.Context, jobID int64) (map[int]bool, error)
	// RecordSent records a part Viber accepted; recording it again is a
	// no-op.
	RecordSent(ctx context.Context, p SentPart) error
	// DeleteBefore deletes the callbacks received and the parts sent
	// before cut and returns how many of each.
	DeleteBefore(ctx context.Context, cut time.Time) (events, parts int64, err error)
	// DeleteAbandoned deletes the messages and replies whose job will
	// not run any more (it failed for good or was cancelled) and returns
	// how many of each.
	DeleteAbandoned(ctx context.Context) (messages, replies int64, err error)
}

// Incoming is a message a citizen sent, as kept until its turn has run.
// Its texts are cleaned (assistant.CleanText) before they are kept.
type Incoming struct {
	ID           int64 // set by the store
	Municipality string
	Token        uint64 // the message's token
	User         User
	Message      InMessage
}

// Reply is the messages answering one turn, as kept until they are sent.
type Reply struct {
	ID           int64 // set by the store
	Municipality string
	Receiver     string
	Messages     []Message
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

// SentPart is one part of a reply Viber accepted.
type SentPart struct {
	JobID        int64 // the send job
	Part         int   // the part's position in Reply.Messages
	Municipality string
	Receiver     string
	Token        uint64 // Viber's token of the sent message
}
