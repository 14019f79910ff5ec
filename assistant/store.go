package assistant

import (
	"context"

	"github.com/miasrbija/mia/serbian"
)

// ConversationStore keeps conversations and their messages: what the
// engine remembers of a citizen and the record of every answer. The
// PostgreSQL implementation is postgres/convstore; assistant/memstore
// keeps them in memory for tests. Implementations are safe for concurrent
// use.
type ConversationStore interface {
	// Conversation returns the id of the citizen's conversation on a
	// channel, creating it on first contact (and marking it active).
	Conversation(ctx context.Context, municipality string, ch Channel, user string) (int64, error)
	// FindConversation returns the id of the citizen's conversation on a
	// channel without creating one; ok is false when there is none.
	FindConversation(ctx context.Context, municipality string, ch Channel, user string) (id int64, ok bool, err error)
	// Script returns the script the citizen last wrote in: Latin before
	// any message. An unknown conversation is an error.
	Script(ctx context.Context, conv int64) (serbian.Script, error)
	// History returns up to n latest messages of the conversation, oldest
	// first; none for an unknown conversation.
	History(ctx context.Context, conv int64, n int) ([]HistoryMessage, error)
	// SaveUser records the citizen's message, which must already be
	// masked, and remembers the script it was written in.
	SaveUser(ctx context.Context, conv int64, municipality, text string, script serbian.Script) error
	// SaveAnswer records a reply with its status, citations and figures.
	SaveAnswer(ctx context.Context, conv int64, municipality string, a Answer) error
	// SaveNotice adds a message from the city to the citizen's
	// conversation on a channel (creating the conversation if need be),
	// such as a change of a case's status: the web widget shows it with
	// the conversation's history. It is recorded as an answered message of
	// route RouteStatus.
	SaveNotice(ctx context.Context, municipality string, ch Channel, user, text string) error
}

// HistoryMessage is one earlier message of a conversation. Besides its
// text, an assistant message carries what the citizen saw with it, so a
// reloaded conversation shows the same: a store that keeps less leaves
// those fields empty.
type HistoryMessage struct {
	ID      int64
	Role    string // "user" or "assistant"
	Content string
	// Route, Status, Citations, QuickReplies, Form and CaseRef are the
	// reply's own.
	Route        Route
	Status       Status
	Citations    []Citation
	QuickReplies []QuickReply
	Form         string
	CaseRef      string
	// Sender is who wrote an assistant message outside a turn during a
	// handover ("staff" or "system"); "" is MIA. StaffName names the staff.
	Sender    string
	StaffName string
	// Rating is the citizen's vote on the answer ("up", "down"), "" for
	// none: a reloaded page shows the thumb they pressed.
	Rating string
}

// Answer is what is recorded about one reply.
type Answer struct {
	Reply            *Reply
	Confidence       *float64 // retrieval confidence; nil when the knowledge base was not asked
	ModelMillis      *int     // time in the model; nil when none was asked
	PromptTokens     int
	CompletionTokens int
	Model            string
	Error            string // why the turn or the model failed, for operators
}
