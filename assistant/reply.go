package assistant

import (
	"time"

	"github.com/miasrbija/mia/serbian"
)

// Route is what the engine decided a turn is.
type Route string

// Routes.
const (
	RouteInfo       Route = "info"        // a question for the knowledge base
	RouteFormStart  Route = "form_start"  // the citizen wants to file a case
	RouteForm       Route = "form"        // a form is in progress
	RouteStatus     Route = "case_status" // "what about my report SO-KP-..."
	RouteGreeting   Route = "greeting"
	RouteThanks     Route = "thanks"
	RouteOutOfScope Route = "out_of_scope"
	RouteEmergency  Route = "emergency" // answered with 112/192/193/194 at once
	RouteAbuse      Route = "abuse"
	RouteHandover   Route = "handover" // the citizen asks for a person
	RouteClarify    Route = "clarify"  // the classifier was unsure: the citizen picks
)

// Status is how an answer ended, stored with every answer.
type Status string

// Answer statuses.
const (
	StatusAnswered        Status = "answered"
	StatusOutOfScope      Status = "out_of_scope"
	StatusNoSource        Status = "no_source"
	StatusFallbackOffline Status = "fallback_offline"
	StatusError           Status = "error"
)

// Citation is a document passage an answer rests on.
type Citation struct {
	N           int      `json:"n"` // the number shown in the text, [1]
	DocumentID  int64    `json:"document_id"`
	ChunkID     int64    `json:"chunk_id"`
	Source      string   `json:"source"`
	Title       string   `json:"title"`
	URL         string   `json:"url,omitempty"`
	HeadingPath []string `json:"heading_path,omitempty"`
	Quote       string   `json:"quote,omitempty"`
	// UpdatedAt is when the document last changed (rag.Hit.UpdatedAt).
	UpdatedAt time.Time `json:"updated_at,omitzero"`
}

// QuickReply is a button offered with a reply.
type QuickReply struct {
	Label   string `json:"label"`
	Payload string `json:"payload"`
}

// Reply is the complete answer to a turn.
type Reply struct {
	ConversationID int64          `json:"conversation_id"`
	Text           string         `json:"text"`
	Citations      []Citation     `json:"citations,omitempty"`
	QuickReplies   []QuickReply   `json:"quick_replies,omitempty"`
	Route          Route          `json:"route"`
	Form           string         `json:"form,omitempty"`     // the form a form turn belongs to
	CaseRef        string         `json:"case_ref,omitempty"` // the case a confirmation filed
	Status         Status         `json:"status"`
	Script         serbian.Script `json:"-"`
	Latency        time.Duration  `json:"latency_ns"`
	// Model tokens the answer cost; zero offline.
	PromptTokens     int `json:"prompt_tokens,omitempty"`
	CompletionTokens int `json:"completion_tokens,omitempty"`
}

// EventKind is the type of one piece of a reply stream.
type EventKind string

// Event kinds.
const (
	EventDelta      EventKind = "delta"    // a fragment of the reply text
	EventCitation   EventKind = "citation" // a cited passage
	EventQuickReply EventKind = "quick_replies"
	// EventReplace replaces the text streamed so far: a model answer that
	// failed midway, or cited nothing, gives way to another.
	EventReplace EventKind = "replace"
	EventDone    EventKind = "done" // the complete reply
)

// Event is one piece of a reply stream.
type Event struct {
	Kind         EventKind    `json:"kind"`
	Text         string       `json:"text,omitempty"`
	Citation     *Citation    `json:"citation,omitempty"`
	QuickReplies []QuickReply `json:"quick_replies,omitempty"`
	Reply        *Reply       `json:"reply,omitempty"`
}
