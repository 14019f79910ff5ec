// Package assistant is the conversation engine: it takes one turn from any
// channel and produces one reply stream. It decides what the turn means
// (a question, a form, a case status, a greeting, an emergency...), keeps
// the conversation's memory, guards the input, and answers from the
// knowledge base with a model or, without one, extractively.
//
// The package is split along its seams:
//
//   - turn.go, reply.go: the domain types a channel sees (Turn, Reply,
//     Event, Route, Status...).
//   - engine.go: Engine, its Config and one turn's flow.
//   - route*.go: Classify, deterministic routing of a message: words and
//     their normalisation (route_words.go), the phrase matcher
//     (route_phrase.go) and the rules per intent (emergency, abuse,
//     citizen services, courtesy).
//   - guard.go, guard_injection.go: input cap, personal-data masking,
//     prompt-injection filter.
//   - answer.go, extractive.go, model.go: answer composition from the
//     knowledge base, without and with a model.
//   - services.go: citizen services (forms) inside a conversation.
//   - store.go, usage.go: what the engine needs from storage
//     (ConversationStore) and the usage figures read from it
//     (UsageReader). postgres/convstore implements both on PostgreSQL;
//     assistant/memstore keeps conversations in memory.
package assistant
