// Package handover hands a citizen's conversation to a person: the
// request's lifecycle (waiting, active, closed, abandoned, timed out), the
// messages between citizen and staff, what the citizen is told at each
// step, and the periodic job that times out untaken requests and retries
// deliveries to channels that send elsewhere (Viber).
//
// The engine (assistant) files requests and relays the citizen's messages;
// staff work the queue through Service (backoffice); the web channel reads
// the citizen's side live (Live). postgres/handoverstore is the Store.
package handover

import (
	"context"
	"time"

	"github.com/miasrbija/mia/serbian"
)

// Status is where a request is in its lifecycle.
type Status string

// Statuses. Waiting and Active are open: MIA stays silent while a request
// is active, and a conversation has at most one open request.
const (
	Waiting   Status = "waiting"   // in the queue, nobody took it yet
	Active    Status = "active"    // a staff member holds the conversation
	Closed    Status = "closed"    // staff handed it back to MIA or closed it
	Abandoned Status = "abandoned" // the citizen withdrew
	TimedOut  Status = "timed_out" // nobody took it in the municipality's wait time
)

// Open reports whether the status is waiting or active.
func (s Status) Open() bool { return s == Waiting || s == Active }

// Label is the status in Serbian, for staff.
func (s Status) Label() string {
	switch s {
	case Waiting:
		return "čeka"
	case Active:
		return "u razgovoru"
	case Closed:
		return "završeno"
	case Abandoned:
		return "odustao"
	case TimedOut:
		return "isteklo čekanje"
	}
	return string(s)
}

// Close reasons of a Closed request.
const (
	ReasonReturned = "returned" // handed back to MIA
	ReasonClosed   = "closed"   // the conversation was closed
)

// Request is one citizen's request for a person.
type Request struct {
	ID             int64
	Municipality   string
	ConversationID int64
	Channel        string // assistant.Channel of the citizen
	ChannelUser    string
	Body           string // the body whose staff answer (municipality.Handover.Body)
	Script         serbian.Script
	Status         Status
	CloseReason    string
	RequestedAt    time.Time
	TakenAt        *time.Time
	TakenBy        int64 // staff id; 0 before taken
	TakenByName    string
	ClosedAt       *time.Time
}

// Sender is who wrote a message.
type Sender string

// Senders.
const (
	FromCitizen Sender = "citizen"
	FromStaff   Sender = "staff"
	FromSystem  Sender = "system" // what MIA tells the citizen about the handover
)

// Button is a quick reply offered with a system message.
type Button struct {
	Label   string `json:"label"`
	Payload string `json:"payload"`
}

// Message is one message of a handover.
type Message struct {
	ID        int64
	RequestID int64
	From      Sender
	StaffID   int64
	StaffName string
	Text      string // a citizen's text is masked
	Buttons   []Button
	CreatedAt time.Time
}

// Line is one earlier message of the citizen's conversation, shown to
// staff as the transcript (masked as the conversation stores it).
type Line struct {
	Role      string // "user" or "assistant"
	Text      string
	CreatedAt time.Time
}

// QueueItem is a request as the queue lists it.
type QueueItem struct {
	Request
	Messages int       // citizen messages since the request
	LastAt   time.Time // the latest message, or the request
}

// Outgoing is a message still to be delivered on a channel that sends
// elsewhere.
type Outgoing struct {
	MessageID    int64
	Municipality string
	Channel      string
	ChannelUser  string
	Text         string
	Buttons      []Button
}

// Stats are a municipality's handover figures over a period.
type Stats struct {
	Requests  int
	Taken     int
	Abandoned int // withdrawn by the citizen
	TimedOut  int
	Waiting   int // still waiting now
	// MedianWait is the median time from request to being taken, over
	// the requests taken; zero when none was.
	MedianWait time.Duration
}

// Store keeps requests and their messages. Lookups of missing rows return
// fault.ErrNotFound; a change the request's status does not allow returns
// fault.ErrConflict. postgres/handoverstore implements it.
type Store interface {
	// OpenRequest returns the conversation's waiting or active request.
	OpenRequest(ctx context.Context, conv int64) (*Request, error)
	// CreateRequest files r as waiting, or returns the conversation's open
	// request (created false) when it has one.
	CreateRequest(ctx context.Context, r Request) (req *Request, created bool, err error)
	// Request returns a request of the municipality.
	Request(ctx context.Context, municipality string, id int64) (*Request, error)
	// Queue returns the municipality's open requests of a body ("" every
	// body), oldest first.
	Queue(ctx context.Context, municipality, body string) ([]QueueItem, error)
	// Take makes a waiting request active for the staff member; one of
	// concurrent takes wins, the others get fault.ErrConflict.
	Take(ctx context.Context, municipality string, id, staffID int64, staffName string, at time.Time) (*Request, error)
	// Finish moves a request in one of the statuses from to status to.
	Finish(ctx context.Context, id int64, from []Status, to Status, reason string, at time.Time) (*Request, error)
	// AddMessage records a message of the request. A staff or system
	// message is also written to the citizen's conversation; delivered
	// says whether the channel still has to send it (false: Viber).
	AddMessage(ctx context.Context, r *Request, m Message, delivered bool) (Message, error)
	// Messages returns the request's messages after id after, oldest first.
	Messages(ctx context.Context, requestID, after int64) ([]Message, error)
	// Transcript returns up to n messages of the conversation before the
	// request, oldest first.
	Transcript(ctx context.Context, r *Request, n int) ([]Line, error)
	// StaleRequests returns the municipality's requests waiting since
	// before the instant.
	StaleRequests(ctx context.Context, municipality string, before time.Time) ([]Request, error)
	// Undelivered returns up to limit messages still to be sent, oldest first.
	Undelivered(ctx context.Context, limit int) ([]Outgoing, error)
	// MarkDelivered records that a message reached the citizen's channel.
	MarkDelivered(ctx context.Context, messageID int64) error
	// Stats returns the municipality's figures for requests since the instant.
	Stats(ctx context.Context, municipality string, since time.Time) (*Stats, error)
}

// Notice is a message the city sent the citizen outside a turn (a staff
// reply, a handover step, a case's status), as an open widget shows it.
type Notice struct {
	ID        int64 // the conversation message's id: the live stream's cursor
	Text      string
	From      Sender // FromStaff, FromSystem; a case status is FromSystem
	StaffName string
	Buttons   []Button
}

// State is the conversation's handover as the citizen's widget shows it.
type State struct {
	Status    Status // "" when the conversation has no request
	StaffName string
}

// Live is what the web channel's live stream reads.
type Live interface {
	// Notices returns the conversation's notices after message id after.
	Notices(ctx context.Context, conv, after int64) ([]Notice, error)
	// LastMessage returns the conversation's latest message id (0: none).
	LastMessage(ctx context.Context, conv int64) (int64, error)
	// State returns the conversation's latest handover.
	State(ctx context.Context, conv int64) (State, error)
	// Subscribe wakes the channel when the conversation may have news;
	// cancel ends the subscription.
	Subscribe(conv int64) (wake <-chan struct{}, cancel func())
}
