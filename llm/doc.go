// Package llm adapts any OpenAI-compatible model server (OpenAI, Ollama,
// vLLM, llama-server, ...) to MIA, on top of github.com/sashabaranov/go-openai.
//
// go-openai makes exactly one HTTP call per request and its default client
// has no timeout, so this package adds what production needs around it: a
// RetryingDoer for 429/5xx answers, per-call deadlines, and error messages
// that name the MIA_* setting to fix.
package llm
