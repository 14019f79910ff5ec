package llm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"

	openai "github.com/sashabaranov/go-openai"
)

// ErrStreamTruncated means the stream ended without a finish reason: the
// server or a proxy closed it before the answer was complete.
var ErrStreamTruncated = errors.New("stream ended before the answer was complete (no finish reason)")

// StreamError is returned when a stream broke after the server had accepted
// the request (HTTP 200). Such a stream is never retried, because the caller
// may already have shown part of it; Partial holds what arrived.
type StreamError struct {
	Model string
	// Partial is the answer so far. Its tool calls are merged but not
	// checked, and the last one may be cut short.
	Partial *ChatResult
	Err     error
}

func (e *StreamError) Error() string {
	return fmt.Sprintf("chat model %s: stream broke after %d bytes of content and %d tool call(s): %v",
		e.Model, len(e.Partial.Content), len(e.Partial.ToolCalls), e.Err)
}

func (e *StreamError) Unwrap() error { return e.Err }

// ToolCallError reports a tool call the model got wrong: no name, or
// arguments that are not JSON.
type ToolCallError struct {
	Model     string
	Index     int // position among the answer's tool calls
	Name      string
	Arguments string
	Err       error
}

func (e *ToolCallError) Error() string {
	name := e.Name
	if name == "" {
		name = "(unnamed)"
	}
	return fmt.Sprintf("chat model %s: tool call %d %s: %v: %s", e.Model, e.Index, name, e.Err, snippet([]byte(e.Arguments)))
}

func (e *ToolCallError) Unwrap() error { return e.Err }

// IsTemporary reports whether asking again later, or another server, may
// succeed: rate limits, server errors, timeouts, broken connections and
// streams, malformed tool calls. It is false for the caller's own
// cancellation and for requests the server rejected (4xx), which need a
// fix rather than another try.
func IsTemporary(err error) bool {
	var apiErr *openai.APIError
	var reqErr *openai.RequestError
	var streamErr *StreamError
	var toolErr *ToolCallError
	var netErr net.Error
	status := 0
	if errors.As(err, &apiErr) {
		status = apiErr.HTTPStatusCode
	} else if errors.As(err, &reqErr) {
		status = reqErr.HTTPStatusCode
	}
	switch {
	case err == nil, errors.Is(err, context.Canceled):
		return false
	case errors.Is(err, context.DeadlineExceeded):
		return true
	case status != 0:
		return status == http.StatusRequestTimeout || status == http.StatusTooManyRequests || status >= 500
	case errors.As(err, &streamErr), errors.As(err, &toolErr), errors.As(err, &netErr):
		return true
	default:
		return errors.Is(err, io.ErrUnexpectedEOF)
	}
}

// describe turns an error from go-openai into one that names the model and
// says what happened. parent is the caller's context, callCtx the one with
// our timeout.
func (c *ChatClient) describe(parent, callCtx context.Context, err error, attempts int) error {
	switch {
	case parent.Err() != nil:
		// The caller gave up; say so rather than blaming the server.
		return fmt.Errorf("chat model %s: %w", c.model, parent.Err())
	case callCtx.Err() != nil:
		return fmt.Errorf("chat model %s: %w", c.model, context.Cause(callCtx))
	}
	if se, ok := statusError(err, "chat", c.model, EnvChatModel, attempts); ok {
		return se
	}
	return fmt.Errorf("chat model %s: %w", c.model, err)
}

// streamCause explains why reading a started stream failed; the result
// goes into a StreamError, which names the model.
func streamCause(parent, callCtx context.Context, err error) error {
	var apiErr *openai.APIError
	switch {
	case parent.Err() != nil:
		return parent.Err()
	case callCtx.Err() != nil:
		return context.Cause(callCtx)
	case errors.As(err, &apiErr):
		// An error event inside the stream ("data: {"error":...}"):
		// go-openai's text for it is just "error, <message>".
		return &annotated{msg: "server sent an error event: " + apiErr.Message, err: err}
	default:
		return err
	}
}

// annotated replaces an error's text while keeping it in the chain.
type annotated struct {
	msg string
	err error
}

func (e *annotated) Error() string { return e.msg }
func (e *annotated) Unwrap() error { return e.err }
