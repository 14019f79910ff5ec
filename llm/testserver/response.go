package testserver

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// ToolCall is a function call in a scripted answer, or in a request's
// history. An empty ID is left out of the wire format.
type ToolCall struct {
	ID, Name, Arguments string
}

// Usage is a token count for a scripted answer.
type Usage struct {
	PromptTokens, CompletionTokens int
}

// Style is how streamed tool calls are cut into fragments. The styles copy
// servers seen in the wild; all of them describe the same calls.
type Style int

const (
	// StyleOpenAI: every fragment has "index"; the first carries id, type
	// and name, the rest pieces of the arguments.
	StyleOpenAI Style = iota
	// StyleNoIndex: no "index" at all (older Ollama, sglang). The first
	// fragment of a call carries id, name and the first piece of the
	// arguments; the rest carry argument pieces only.
	StyleNoIndex
	// StyleIndexZero: like StyleOpenAI, but "index" is 0 for every call
	// (an Ollama regression); only the ids tell the calls apart.
	StyleIndexZero
	// StyleVLLM: the id is repeated on every fragment, and id, name and
	// arguments come in separate chunks; the name is repeated with every
	// argument piece.
	StyleVLLM
)

// Response is one scripted answer. Build it with Text, ToolCalls, Chunks,
// Error, Raw or Hang, then adjust it with the With*/…After methods, which
// return a modified copy.
type Response struct {
	status      int
	header      http.Header
	raw         bool // write body as is
	contentType string
	body        string
	hang        bool

	content string
	calls   []ToolCall
	style   Style
	chunks  []string // verbatim event payloads
	finish  string
	usage   *Usage

	pause      bool
	pauseAfter int
	release    <-chan struct{}
	cut        bool
	cutAfter   int
	end        bool
	endAfter   int
	delay      time.Duration // before each streamed event but the first

	fn func(Request) Response // computes the response from the request
}

// Func answers with the response fn builds from the request, for a model
// that must echo something it was sent (such as a passage id to cite).
func Func(fn func(Request) Response) Response { return Response{fn: fn} }

// Text answers with content (finish reason "stop"). Streamed, it arrives one
// word per chunk.
func Text(content string) Response { return Response{content: content} }

// ToolCalls answers with function calls (finish reason "tool_calls"),
// streamed in StyleOpenAI unless WithStyle says otherwise. Arguments are
// streamed in three pieces.
func ToolCalls(calls ...ToolCall) Response { return Response{calls: calls} }

// Chunks streams the given JSON payloads verbatim, one "data:" event each,
// then "data: [DONE]". Use it for exact wire shapes; it cannot answer a
// non-streaming request.
func Chunks(payloads ...string) Response { return Response{chunks: payloads} }

// Error answers with an HTTP error status and an OpenAI-shaped error body.
func Error(status int, message string) Response {
	b, _ := json.Marshal(map[string]any{"error": map[string]any{
		"message": message, "type": errorType(status), "param": nil, "code": nil,
	}})
	return Raw(status, "application/json", string(b))
}

// Raw answers with the given status, content type and body, e.g. an HTML
// page from a gateway.
func Raw(status int, contentType, body string) Response {
	return Response{status: status, raw: true, contentType: contentType, body: body}
}

// Hang sends nothing, not even headers, until the client gives up or the
// server closes.
func Hang() Response { return Response{hang: true} }

// WithToolCalls adds function calls after the content.
func (r Response) WithToolCalls(calls ...ToolCall) Response {
	r.calls = append(append([]ToolCall(nil), r.calls...), calls...)
	return r
}

// WithStyle sets how streamed tool calls are fragmented.
func (r Response) WithStyle(s Style) Response { r.style = s; return r }

// WithFinish overrides the finish reason, e.g. "length".
func (r Response) WithFinish(reason string) Response { r.finish = reason; return r }

// WithUsage reports token usage: in the JSON answer, or as a last stream
// chunk with empty "choices", as OpenAI does for include_usage.
func (r Response) WithUsage(prompt, completion int) Response {
	r.usage = &Usage{PromptTokens: prompt, CompletionTokens: completion}
	return r
}

// WithHeader adds a response header, e.g. Retry-After.
func (r Response) WithHeader(key, value string) Response {
	h := r.header.Clone()
	if h == nil {
		h = http.Header{}
	}
	h.Add(key, value)
	r.header = h
	return r
}

// PauseAfter stops a stream after n events until release is closed (nil:
// until the client gives up or the server closes). With n = 0 the headers
// are sent and then nothing. Tests use it to check that fragments reach the
// client while the stream is still open, or to stall a stream midway.
func (r Response) PauseAfter(n int, release <-chan struct{}) Response {
	r.pause, r.pauseAfter, r.release = true, n, release
	return r
}

// CutAfter breaks the connection after n events, in the middle of the next
// one, without "data: [DONE]".
func (r Response) CutAfter(n int) Response { r.cut, r.cutAfter = true, n; return r }

// EndAfter ends the response normally after n events, without
// "data: [DONE]"; n at or beyond the number of events only drops [DONE].
func (r Response) EndAfter(n int) Response { r.end, r.endAfter = true, n; return r }

// WithTokenDelay waits d before each streamed event after the first, as a
// model generating one token (one word here) at a time does. Benchmarks use
// it to measure how soon a client sees text.
func (r Response) WithTokenDelay(d time.Duration) Response { r.delay = d; return r }

func errorType(status int) string {
	if status >= 500 {
		return "server_error"
	}
	return "invalid_request_error"
}

func (r Response) serve(s *Server, w http.ResponseWriter, hr *http.Request, req Request, id string) {
	if r.fn != nil {
		r = r.fn(req)
	}
	for k, vs := range r.header {
		w.Header()[k] = vs
	}
	switch {
	case r.hang:
		s.wait(hr, nil)
	case r.raw:
		w.Header().Set("Content-Type", r.contentType)
		w.WriteHeader(r.status)
		_, _ = io.WriteString(w, r.body)
	case req.Stream:
		r.stream(s, w, hr, req, id)
	case r.chunks != nil:
		s.t.Errorf("testserver: a Chunks response was scripted for a non-streaming request")
		writeError(w, http.StatusInternalServerError, "testserver: Chunks needs stream=true")
	default:
		r.json(w, req, id)
	}
}

func (r Response) finishReason() string {
	switch {
	case r.finish != "":
		return r.finish
	case len(r.calls) > 0:
		return "tool_calls"
	default:
		return "stop"
	}
}

// Wire types of the answers. Pointers and omitempty reproduce what real
// servers leave out.
type (
	wireFunction struct {
		Name      string  `json:"name,omitempty"`
		Arguments *string `json:"arguments,omitempty"`
	}
	wireCall struct {
		Index    *int          `json:"index,omitempty"`
		ID       string        `json:"id,omitempty"`
		Type     string        `json:"type,omitempty"`
		Function *wireFunction `json:"function,omitempty"`
	}
	wireUsage struct {
		PromptTokens     int `json:"prompt_tokens"`
		CompletionTokens int `json:"completion_tokens"`
		TotalTokens      int `json:"total_tokens"`
	}
	wireDelta struct {
		Role      string     `json:"role,omitempty"`
		Content   *string    `json:"content,omitempty"`
		ToolCalls []wireCall `json:"tool_calls,omitempty"`
	}
	wireStreamChoice struct {
		Index        int       `json:"index"`
		Delta        wireDelta `json:"delta"`
		FinishReason *string   `json:"finish_reason"`
	}
	wireChunk struct {
		ID      string             `json:"id"`
		Object  string             `json:"object"`
		Created int64              `json:"created"`
		Model   string             `json:"model"`
		Choices []wireStreamChoice `json:"choices"`
		Usage   *wireUsage         `json:"usage,omitempty"`
	}
)

func (u *Usage) wire() *wireUsage {
	if u == nil {
		return nil
	}
	return &wireUsage{PromptTokens: u.PromptTokens, CompletionTokens: u.CompletionTokens, TotalTokens: u.PromptTokens + u.CompletionTokens}
}

func ptr[T any](v T) *T { return &v }

// events returns the stream's event payloads, without [DONE].
func (r Response) events(req Request, id string) []string {
	if r.chunks != nil {
		return r.chunks
	}
	var chunks []wireChunk
	add := func(d wireDelta, finish *string) {
		chunks = append(chunks, wireChunk{Choices: []wireStreamChoice{{Delta: d, FinishReason: finish}}})
	}
	for _, piece := range splitWords(r.content) {
		add(wireDelta{Content: ptr(piece)}, nil)
	}
	for i, c := range r.calls {
		for _, f := range fragments(r.style, i, c) {
			add(wireDelta{ToolCalls: []wireCall{f}}, nil)
		}
	}
	add(wireDelta{}, ptr(r.finishReason()))
	if r.usage != nil {
		chunks = append(chunks, wireChunk{Choices: []wireStreamChoice{}, Usage: r.usage.wire()})
	}
	out := make([]string, len(chunks))
	for i, ch := range chunks {
		if i == 0 && len(ch.Choices) > 0 {
			ch.Choices[0].Delta.Role = "assistant"
		}
		ch.ID, ch.Object, ch.Created, ch.Model = id, "chat.completion.chunk", 1767225600, req.Model
		b, _ := json.Marshal(ch)
		out[i] = string(b)
	}
	return out
}

// fragments cuts call c, the i-th of the answer, the way style's servers do.
func fragments(style Style, i int, c ToolCall) []wireCall {
	pieces := splitRunes(c.Arguments, 3)
	var out []wireCall
	switch style {
	case StyleNoIndex:
		first := ""
		if len(pieces) > 0 {
			first, pieces = pieces[0], pieces[1:]
		}
		out = append(out, wireCall{ID: c.ID, Type: "function", Function: &wireFunction{Name: c.Name, Arguments: ptr(first)}})
		for _, p := range pieces {
			out = append(out, wireCall{Function: &wireFunction{Arguments: ptr(p)}})
		}
	case StyleVLLM:
		out = append(out,
			wireCall{Index: ptr(i), ID: c.ID, Type: "function"},
			wireCall{Index: ptr(i), ID: c.ID, Function: &wireFunction{Name: c.Name}})
		for _, p := range pieces {
			out = append(out, wireCall{Index: ptr(i), ID: c.ID, Function: &wireFunction{Name: c.Name, Arguments: ptr(p)}})
		}
	default: // StyleOpenAI, StyleIndexZero
		idx := i
		if style == StyleIndexZero {
			idx = 0
		}
		out = append(out, wireCall{Index: ptr(idx), ID: c.ID, Type: "function", Function: &wireFunction{Name: c.Name, Arguments: ptr("")}})
		for _, p := range pieces {
			out = append(out, wireCall{Index: ptr(idx), Function: &wireFunction{Arguments: ptr(p)}})
		}
	}
	return out
}

func (r Response) stream(s *Server, w http.ResponseWriter, hr *http.Request, req Request, id string) {
	flusher, _ := w.(http.Flusher)
	flush := func() {
		if flusher != nil {
			flusher.Flush()
		}
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	flush()

	events := r.events(req, id)
	for i := 0; i <= len(events); i++ {
		if r.pause && i == min(r.pauseAfter, len(events)) && !s.wait(hr, r.release) {
			return
		}
		if r.delay > 0 && i > 0 && i < len(events) && !s.sleep(hr, r.delay) {
			return
		}
		line := "data: [DONE]\n\n"
		if i < len(events) {
			line = "data: " + events[i] + "\n\n"
		}
		if r.cut && i == min(r.cutAfter, len(events)) {
			// Half an event, then a dropped connection: what a crashed
			// server or a proxy timeout looks like to the client.
			_, _ = io.WriteString(w, line[:len(line)/2])
			flush()
			panic(http.ErrAbortHandler)
		}
		if r.end && i == min(r.endAfter, len(events)) {
			return
		}
		_, _ = io.WriteString(w, line)
		flush()
	}
}

func (r Response) json(w http.ResponseWriter, req Request, id string) {
	type message struct {
		Role      string     `json:"role"`
		Content   *string    `json:"content"`
		ToolCalls []wireCall `json:"tool_calls,omitempty"`
	}
	msg := message{Role: "assistant"}
	if r.content != "" || len(r.calls) == 0 {
		msg.Content = ptr(r.content)
	}
	for _, c := range r.calls {
		msg.ToolCalls = append(msg.ToolCalls, wireCall{ID: c.ID, Type: "function", Function: &wireFunction{Name: c.Name, Arguments: ptr(c.Arguments)}})
	}
	body := map[string]any{
		"id":      id,
		"object":  "chat.completion",
		"created": 1767225600,
		"model":   req.Model,
		"choices": []any{map[string]any{"index": 0, "message": msg, "finish_reason": r.finishReason()}},
	}
	if u := r.usage.wire(); u != nil {
		body["usage"] = u
	}
	w.Header().Set("Content-Type", "application/json")
	if err := json.NewEncoder(w).Encode(body); err != nil {
		panic(fmt.Sprintf("testserver: encode answer: %v", err))
	}
}
