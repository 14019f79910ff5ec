package assistant

import "context"

// Count is one bar of a usage chart.
type Count struct {
	Key string
	N   int64
}

// Usage is a municipality's conversation figures, all time; the cli
// channel (mia ask, mia eval) is not usage.
type Usage struct {
	Citizens      int64   // distinct (channel, channel user) with a conversation
	Conversations int64   // conversations
	Answers       []Count // assistant messages by status (only statuses present)
	Routes        []Count // top 10 routes of assistant messages, most first
	Documents     []Count // top 10 cited documents (title, else source), a document once per answer
}

// UsageReader reads usage figures.
type UsageReader interface {
	Usage(ctx context.Context, municipality string) (Usage, error)
}
