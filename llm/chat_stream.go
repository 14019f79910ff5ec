package llm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// Stream sends the request with stream=true (asking for a final usage chunk)
// and calls onDelta with each content fragment as it arrives; onDelta may be
// nil. It returns the complete result once the server has finished.
//
// Failed attempts before the answer starts (429, 5xx, connection errors) are
// retried. A stream that breaks after the server accepted it is not: the
// error is then a *StreamError carrying what arrived.
func (c *ChatClient) Stream(ctx context.Context, req ChatRequest, onDelta func(string)) (*ChatResult, error) {
	oreq, err := c.request(req)
	if err != nil {
		return nil, err
	}
	oreq.Stream = true
	oreq.StreamOptions = &openai.StreamOptions{IncludeUsage: true}

	// Timeout bounds each wait for data rather than the whole stream, so
	// a long answer from a slow local model is not cut at an arbitrary
	// point while a stalled one still fails.
	callCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	idle := time.AfterFunc(c.timeout, func() {
		cancel(fmt.Errorf("no data from the server for %s (timeout): %w", c.timeout, context.DeadlineExceeded))
	})
	defer idle.Stop()
	callCtx, st := withCallState(callCtx, req.Temperature)

	acc := streamAcc{start: time.Now()}
	stream, err := c.client.CreateChatCompletionStream(callCtx, oreq)
	if err != nil {
		return nil, c.describe(ctx, callCtx, err, st.count())
	}
	defer stream.Close()

	for {
		chunk, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, &StreamError{Model: c.model, Partial: acc.partial(st), Err: streamCause(ctx, callCtx, err)}
		}
		idle.Reset(c.timeout)
		acc.add(chunk, onDelta)
	}
	// go-openai reports a clean end of the body as io.EOF, the same as
	// "data: [DONE]"; every server we know sends a finish reason before
	// either, so its absence is how a truncated stream shows.
	if acc.finish == "" {
		return nil, &StreamError{Model: c.model, Partial: acc.partial(st), Err: ErrStreamTruncated}
	}
	res := acc.partial(st)
	if res.ToolCalls, err = c.checkToolCalls(res.ToolCalls); err != nil {
		return nil, err
	}
	return res, nil
}

// streamAcc gathers the chunks of one streamed answer.
type streamAcc struct {
	start   time.Time
	content strings.Builder
	tools   toolMerger
	finish  string
	usage   Usage
	first   time.Duration
	started bool
}

func (a *streamAcc) add(chunk openai.ChatCompletionStreamResponse, onDelta func(string)) {
	// The usage chunk has no choices; others carry "usage": null.
	if u := chunk.Usage; u != nil {
		a.usage = Usage{PromptTokens: u.PromptTokens, CompletionTokens: u.CompletionTokens}
	}
	for _, ch := range chunk.Choices {
		if ch.Index != 0 {
			continue // we never ask for n > 1
		}
		d := ch.Delta
		if !a.started && (d.Content != "" || len(d.ToolCalls) > 0) {
			a.started, a.first = true, time.Since(a.start)
		}
		if d.Content != "" {
			a.content.WriteString(d.Content)
			if onDelta != nil {
				onDelta(d.Content)
			}
		}
		for _, f := range d.ToolCalls {
			a.tools.add(f)
		}
		if ch.FinishReason != "" {
			a.finish = string(ch.FinishReason)
		}
	}
}

// partial returns the answer gathered so far, tool calls unchecked.
func (a *streamAcc) partial(st *callState) *ChatResult {
	return &ChatResult{
		Content:      a.content.String(),
		ToolCalls:    a.tools.calls(),
		FinishReason: a.finish,
		Usage:        a.usage,
		Attempts:     st.count(),
		FirstToken:   a.first,
	}
}

// toolMerger rebuilds tool calls from stream fragments. OpenAI sends an
// index on every fragment and the id and name on the first only, but
// compatible servers differ: Ollama and sglang have omitted the index,
// Ollama has sent index 0 for every call, vLLM repeats the id on every
// fragment and may split id, name and arguments over several chunks. So:
//
//   - a fragment whose id is already known continues that call;
//   - otherwise the fragment's index picks the call (nil: the last one);
//   - a new id on a call that already has one, or a different name on a
//     call that already has one, starts a new call: one call cannot have
//     two ids or two names;
//   - a name is kept from the first fragment that has it, never
//     concatenated, because some servers repeat it.
type toolMerger struct {
	slots   []*toolSlot
	byIndex map[int]*toolSlot
	byID    map[string]*toolSlot
}

type toolSlot struct {
	id, name string
	args     strings.Builder
}

func (m *toolMerger) add(f openai.ToolCall) {
	s := m.target(f)
	if s == nil {
		s = &toolSlot{}
		m.slots = append(m.slots, s)
	}
	if f.Index != nil {
		if m.byIndex == nil {
			m.byIndex = map[int]*toolSlot{}
		}
		m.byIndex[*f.Index] = s
	}
	if s.id == "" && f.ID != "" {
		s.id = f.ID
		if m.byID == nil {
			m.byID = map[string]*toolSlot{}
		}
		m.byID[f.ID] = s
	}
	if s.name == "" {
		s.name = f.Function.Name
	}
	s.args.WriteString(f.Function.Arguments)
}

// target returns the call that fragment f continues, or nil for a new one.
func (m *toolMerger) target(f openai.ToolCall) *toolSlot {
	if s := m.byID[f.ID]; f.ID != "" && s != nil {
		return s
	}
	var cur *toolSlot
	if f.Index != nil {
		cur = m.byIndex[*f.Index]
	} else if n := len(m.slots); n > 0 {
		cur = m.slots[n-1]
	}
	switch {
	case cur == nil:
		return nil
	case f.ID != "" && cur.id != "":
		return nil
	case f.Function.Name != "" && cur.name != "" && f.Function.Name != cur.name:
		return nil
	}
	return cur
}

func (m *toolMerger) calls() []ToolCall {
	if len(m.slots) == 0 {
		return nil
	}
	out := make([]ToolCall, len(m.slots))
	for i, s := range m.slots {
		out[i] = ToolCall{ID: s.id, Name: s.name, Arguments: s.args.String()}
	}
	return out
}
