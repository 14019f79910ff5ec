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
//   - route*.go: what a message is. The trained classifier of package nlu
//     decides the intent and reads the slots (route.go); three checks
//     that do not depend on training data stand beside it: case
//     reference numbers, the emergency rules that name the number to
//     call (route_emergency.go) and directed insults (route_abuse.go),
//     over folded words (route_words.go) and a phrase matcher
//     (route_phrase.go).
//   - guard.go, guard_injection.go: input cap, personal-data masking,
//     prompt-injection filter.
//   - answer.go, extractive.go, answerability.go: answer composition from
//     the knowledge base and whether it answers at all; model.go,
//     model_gate.go, model_tools.go: the model's answer, streamed only
//     where its citations are checked, and the form tools it may call.
//   - services.go, form_understand.go: citizen services (forms) inside a
//     conversation: a form starts pre-filled with what the message
//     carried; inside one, a message answers, corrects, cancels or is a
//     question aside, answered while the form waits.
//   - store.go, usage.go: what the engine needs from storage
//     (ConversationStore) and the usage figures read from it
//     (UsageReader). postgres/convstore implements both on PostgreSQL;
//     assistant/memstore keeps conversations in memory.
package assistant
