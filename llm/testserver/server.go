// Package testserver is a scripted OpenAI-compatible chat server for tests.
//
// It serves POST /v1/chat/completions on a real local HTTP server. Each
// request takes the next Response from a queue and is recorded, so a test
// can drive a conversation turn by turn and then check what the client
// sent:
//
//	srv := testserver.New(t,
//		testserver.ToolCalls(testserver.ToolCall{ID: "call_1", Name: "search", Arguments: `{"q":"порез"}`}),
//		testserver.Text("Порез на имовину плаћа се квартално."),
//	)
//	client, err := llm.NewChatClient(llm.Config{BaseURL: srv.URL, ChatModel: "test"})
//	...
//	reqs := srv.Requests() // one per HTTP attempt, in order
//
// A scripted answer is streamed as server-sent events when the request asks
// for stream=true and returned as one JSON object otherwise, so the same
// script serves both kinds of client call.
//
// The package imports nothing from MIA, so any package's tests can use it.
package testserver

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// ChatPath is the one endpoint the server answers.
const ChatPath = "/v1/chat/completions"

// Server is a local chat-completions server answering from a queue of
// scripted responses. Its methods are safe for concurrent use.
type Server struct {
	// URL is the API root including /v1, for llm.Config.BaseURL.
	URL string

	t         testing.TB
	srv       *httptest.Server
	done      chan struct{} // closed by Close; releases hanging handlers
	closeOnce sync.Once

	mu    sync.Mutex
	queue []Response
	reqs  []Request
	seq   int
}

// New starts a server that answers with responses, in order, and stops it
// when the test ends. A request beyond the queue fails the test and gets a
// 500 answer.
func New(t testing.TB, responses ...Response) *Server {
	t.Helper()
	s := &Server{t: t, done: make(chan struct{})}
	s.queue = append(s.queue, responses...)
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL + "/v1"
	t.Cleanup(s.Close)
	return s
}

// Enqueue appends scripted responses to the queue.
func (s *Server) Enqueue(responses ...Response) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.queue = append(s.queue, responses...)
}

// Pending returns how many scripted responses have not been used yet.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.queue)
}

// Requests returns every chat request received so far, retries included, in
// order of arrival.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.reqs...)
}

// Close stops the server, first releasing handlers that hang or pause. It is
// called automatically when the test ends.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.done)
		s.srv.Close()
	})
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != ChatPath {
		writeError(w, http.StatusNotFound, fmt.Sprintf("testserver: no route for %s %s", r.Method, r.URL.Path))
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return // the client went away
	}
	req, err := parseRequest(r, body)
	if err != nil {
		s.t.Errorf("testserver: %v", err)
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}

	s.mu.Lock()
	s.reqs = append(s.reqs, req)
	n := len(s.reqs)
	resp, ok := Response{}, len(s.queue) > 0
	if ok {
		resp, s.queue = s.queue[0], s.queue[1:]
	}
	s.seq++
	id := fmt.Sprintf("chatcmpl-%d", s.seq)
	s.mu.Unlock()

	if !ok {
		s.t.Errorf("testserver: request %d has no scripted response", n)
		writeError(w, http.StatusInternalServerError, "testserver: no scripted response left")
		return
	}
	resp.serve(s, w, r, req, id)
}

// wait blocks until release is closed (true), or the request or the server
// ends (false). A nil release waits for the latter only.
func (s *Server) wait(r *http.Request, release <-chan struct{}) bool {
	select {
	case <-release:
		return true
	case <-r.Context().Done():
	case <-s.done:
	}
	return false
}

// sleep waits d, or until the request or the server ends (false).
func (s *Server) sleep(r *http.Request, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
	case <-s.done:
	}
	return false
}

// Request is one chat request as the server received it.
type Request struct {
	Header http.Header
	// Body is the raw JSON.
	Body []byte

	Model    string
	Messages []Message
	Tools    []Tool
	Stream   bool
	// IncludeUsage reports stream_options.include_usage.
	IncludeUsage bool
	// Temperature is nil when the field was absent (or null).
	Temperature         *float64
	MaxTokens           int
	MaxCompletionTokens int
}

// Message is one message of a request.
type Message struct {
	Role string
	// Content is the text, or the raw JSON when it is not a string
	// (multi-part content).
	Content    string
	ToolCallID string
	ToolCalls  []ToolCall
}

// Tool is one tool offered in a request.
type Tool struct {
	Name        string
	Description string
	Parameters  json.RawMessage
}

// Has reports whether the body has the top-level field name, so a test can
// tell an absent field from one sent as zero.
func (r Request) Has(name string) bool {
	var fields map[string]json.RawMessage
	if json.Unmarshal(r.Body, &fields) != nil {
		return false
	}
	_, ok := fields[name]
	return ok
}

func parseRequest(r *http.Request, body []byte) (Request, error) {
	var wire struct {
		Model    string `json:"model"`
		Messages []struct {
			Role       string          `json:"role"`
			Content    json.RawMessage `json:"content"`
			ToolCallID string          `json:"tool_call_id"`
			ToolCalls  []struct {
				ID       string `json:"id"`
				Function struct {
					Name      string `json:"name"`
					Arguments string `json:"arguments"`
				} `json:"function"`
			} `json:"tool_calls"`
		} `json:"messages"`
		Tools []struct {
			Type     string `json:"type"`
			Function struct {
				Name        string          `json:"name"`
				Description string          `json:"description"`
				Parameters  json.RawMessage `json:"parameters"`
			} `json:"function"`
		} `json:"tools"`
		Stream        bool `json:"stream"`
		StreamOptions *struct {
			IncludeUsage bool `json:"include_usage"`
		} `json:"stream_options"`
		Temperature         *float64 `json:"temperature"`
		MaxTokens           int      `json:"max_tokens"`
		MaxCompletionTokens int      `json:"max_completion_tokens"`
	}
	if err := json.Unmarshal(body, &wire); err != nil {
		return Request{}, fmt.Errorf("request body is not a chat request: %w: %.200s", err, body)
	}
	req := Request{
		Header:              r.Header.Clone(),
		Body:                body,
		Model:               wire.Model,
		Stream:              wire.Stream,
		IncludeUsage:        wire.StreamOptions != nil && wire.StreamOptions.IncludeUsage,
		Temperature:         wire.Temperature,
		MaxTokens:           wire.MaxTokens,
		MaxCompletionTokens: wire.MaxCompletionTokens,
	}
	for _, m := range wire.Messages {
		msg := Message{Role: m.Role, ToolCallID: m.ToolCallID}
		var text string
		switch {
		case len(m.Content) == 0 || string(m.Content) == "null":
		case json.Unmarshal(m.Content, &text) == nil:
			msg.Content = text
		default:
			msg.Content = string(m.Content)
		}
		for _, c := range m.ToolCalls {
			msg.ToolCalls = append(msg.ToolCalls, ToolCall{ID: c.ID, Name: c.Function.Name, Arguments: c.Function.Arguments})
		}
		req.Messages = append(req.Messages, msg)
	}
	for _, t := range wire.Tools {
		req.Tools = append(req.Tools, Tool{Name: t.Function.Name, Description: t.Function.Description, Parameters: t.Function.Parameters})
	}
	return req, nil
}

// writeError writes an OpenAI-shaped error body.
func writeError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	b, _ := json.Marshal(map[string]any{"error": map[string]any{"message": msg, "type": errorType(status), "param": nil, "code": nil}})
	_, _ = w.Write(b)
}

// splitWords cuts s after each space, so a streamed text arrives as words.
func splitWords(s string) []string {
	var out []string
	for s != "" {
		i := strings.IndexByte(s, ' ')
		if i < 0 {
			return append(out, s)
		}
		out = append(out, s[:i+1])
		s = s[i+1:]
	}
	return out
}

// splitRunes cuts s into at most n pieces of about equal length, never
// inside a UTF-8 sequence.
func splitRunes(s string, n int) []string {
	rs := []rune(s)
	if len(rs) == 0 {
		return nil
	}
	size := (len(rs) + n - 1) / n
	var out []string
	for len(rs) > 0 {
		k := min(size, len(rs))
		out = append(out, string(rs[:k]))
		rs = rs[k:]
	}
	return out
}
