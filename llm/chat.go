package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// Role says who wrote a message.
type Role string

// The roles of the chat-completions protocol.
const (
	RoleSystem    Role = "system"
	RoleUser      Role = "user"
	RoleAssistant Role = "assistant"
	RoleTool      Role = "tool"
)

// Message is one turn of a conversation.
type Message struct {
	Role    Role
	Content string
	// ToolCallID links a RoleTool message to the call it answers.
	ToolCallID string
	// ToolCalls are the calls an assistant message asked for. Send them back
	// unchanged in the history, followed by one RoleTool message per call.
	ToolCalls []ToolCall
}

// ToolCall is one function call requested by the model.
type ToolCall struct {
	// ID is the server's id for the call, or "call_<n>" (n is the position
	// in the answer) when the server sent none, so that a tool result can
	// always refer to its call.
	ID   string
	Name string
	// Arguments is the JSON text as the model produced it; results from
	// ChatClient are checked to be valid JSON ("{}" when the model sent none).
	Arguments string
}

// Tool describes a function the model may call.
type Tool struct {
	Name        string
	Description string
	// Parameters is a JSON Schema of the arguments. Empty means an object
	// without properties.
	Parameters json.RawMessage
}

// ChatRequest is one call to the chat model.
type ChatRequest struct {
	Messages []Message
	Tools    []Tool
	// Temperature nil leaves the server's default; a pointer to 0 sends
	// "temperature":0 (go-openai alone would drop it).
	Temperature *float64
	// MaxTokens caps the answer; 0 means no cap.
	MaxTokens int
}

// Usage is the token count the server reported.
type Usage struct {
	PromptTokens     int
	CompletionTokens int
}

// ChatResult is a complete answer.
type ChatResult struct {
	Content string
	// ToolCalls are merged and complete, in order of first appearance.
	ToolCalls    []ToolCall
	FinishReason string
	// Usage is zero when the server sent none.
	Usage Usage
	// Attempts counts HTTP attempts, retries included.
	Attempts int
	// FirstToken is the time from the call to the first content or
	// tool-call delta, retries included. For Complete it is the time to the
	// whole answer.
	FirstToken time.Duration
}

// ChatClient talks to an OpenAI-compatible /chat/completions endpoint. It is
// safe for concurrent use.
type ChatClient struct {
	client  *openai.Client
	retry   *RetryingDoer
	model   string
	timeout time.Duration
	// maxCompletionTokens is set for models that reject "max_tokens".
	maxCompletionTokens bool
}

// NewChatClient returns a ChatClient for cfg after applying defaults and
// validating it.
//
// Config.Timeout bounds a whole Complete call. For Stream it bounds each wait
// for data — until the first chunk (retries included) and between chunks —
// so that long answers are not cut while a stalled stream still fails; the
// caller's context bounds the total.
func NewChatClient(cfg Config) (*ChatClient, error) {
	cfg = cfg.WithDefaults()
	// The embedding settings do not concern chat: keep their errors (such
	// as an unset MIA_EMBED_DIM) from blocking a chat-only client.
	check := cfg
	check.EmbeddingModel, check.EmbeddingDim = DefaultEmbeddingModel, nativeDims[DefaultEmbeddingModel]
	if err := check.Validate(); err != nil {
		return nil, err
	}
	client, retry := newClient(cfg)
	// Below the retrying doer, so that it sees every attempt.
	retry.Doer = &callDoer{next: retry.Doer}
	return &ChatClient{
		client:              client,
		retry:               retry,
		model:               cfg.ChatModel,
		timeout:             cfg.Timeout,
		maxCompletionTokens: isReasoningModel(cfg.ChatModel),
	}, nil
}

// Model returns the chat model name.
func (c *ChatClient) Model() string { return c.model }

// Complete makes a non-streaming call and returns the whole answer.
func (c *ChatClient) Complete(ctx context.Context, req ChatRequest) (*ChatResult, error) {
	oreq, err := c.request(req)
	if err != nil {
		return nil, err
	}
	cause := fmt.Errorf("no complete answer within %s (timeout): %w", c.timeout, context.DeadlineExceeded)
	callCtx, cancel := context.WithTimeoutCause(ctx, c.timeout, cause)
	defer cancel()
	callCtx, st := withCallState(callCtx, req.Temperature)

	start := time.Now()
	resp, err := c.client.CreateChatCompletion(callCtx, oreq)
	if err != nil {
		return nil, c.describe(ctx, callCtx, err, st.count())
	}
	res := &ChatResult{
		Attempts:   st.count(),
		FirstToken: time.Since(start),
		Usage:      Usage{PromptTokens: resp.Usage.PromptTokens, CompletionTokens: resp.Usage.CompletionTokens},
	}
	if len(resp.Choices) == 0 {
		return nil, fmt.Errorf("chat model %s returned no choices", c.model)
	}
	msg := resp.Choices[0].Message
	res.Content = msg.Content
	res.FinishReason = string(resp.Choices[0].FinishReason)
	calls := make([]ToolCall, len(msg.ToolCalls))
	for i, tc := range msg.ToolCalls {
		calls[i] = ToolCall{ID: tc.ID, Name: tc.Function.Name, Arguments: tc.Function.Arguments}
	}
	if res.ToolCalls, err = c.checkToolCalls(calls); err != nil {
		return nil, err
	}
	return res, nil
}

// request checks req and turns it into go-openai's form. Mistakes in the
// request are reported here, before any server call.
func (c *ChatClient) request(req ChatRequest) (openai.ChatCompletionRequest, error) {
	var out openai.ChatCompletionRequest
	if len(req.Messages) == 0 {
		return out, errors.New("chat request has no messages")
	}
	out.Model = c.model
	out.Messages = make([]openai.ChatCompletionMessage, len(req.Messages))
	for i, m := range req.Messages {
		switch m.Role {
		case RoleSystem, RoleUser, RoleAssistant, RoleTool:
		default:
			return out, fmt.Errorf("chat request: message %d has unknown role %q", i, m.Role)
		}
		om := openai.ChatCompletionMessage{Role: string(m.Role), Content: m.Content, ToolCallID: m.ToolCallID}
		for _, tc := range m.ToolCalls {
			om.ToolCalls = append(om.ToolCalls, openai.ToolCall{
				ID:       tc.ID,
				Type:     openai.ToolTypeFunction,
				Function: openai.FunctionCall{Name: tc.Name, Arguments: tc.Arguments},
			})
		}
		out.Messages[i] = om
	}
	for _, t := range req.Tools {
		if t.Name == "" {
			return out, errors.New("chat request: a tool has no name")
		}
		params := t.Parameters
		if len(params) == 0 {
			// "parameters": null is rejected by some servers.
			params = json.RawMessage(`{"type":"object","properties":{}}`)
		} else if !json.Valid(params) {
			return out, fmt.Errorf("chat request: parameters of tool %q are not valid JSON", t.Name)
		}
		out.Tools = append(out.Tools, openai.Tool{
			Type:     openai.ToolTypeFunction,
			Function: &openai.FunctionDefinition{Name: t.Name, Description: t.Description, Parameters: params},
		})
	}
	if t := req.Temperature; t != nil {
		if math.IsNaN(*t) || *t < 0 || *t > 2 {
			return out, fmt.Errorf("chat request: temperature %v is outside [0, 2]", *t)
		}
		// Exact value and the zero case are fixed up on the wire by callDoer.
		out.Temperature = float32(*t)
	}
	switch {
	case req.MaxTokens < 0:
		return out, fmt.Errorf("chat request: max tokens %d is negative", req.MaxTokens)
	case req.MaxTokens > 0 && c.maxCompletionTokens:
		out.MaxCompletionTokens = req.MaxTokens
	case req.MaxTokens > 0:
		// max_tokens is what local servers (Ollama, vLLM, llama-server)
		// understand; OpenAI still accepts it for non-reasoning models.
		out.MaxTokens = req.MaxTokens
	}
	return out, nil
}

// isReasoningModel mirrors go-openai's check for models that reject
// max_tokens in favour of max_completion_tokens.
func isReasoningModel(model string) bool {
	for _, p := range []string{"o1", "o3", "o4", "gpt-5"} {
		if strings.HasPrefix(model, p) {
			return true
		}
	}
	return false
}

// checkToolCalls completes and validates calls from a finished answer: each
// needs a name and JSON arguments. Missing ids get "call_<n>".
func (c *ChatClient) checkToolCalls(calls []ToolCall) ([]ToolCall, error) {
	if len(calls) == 0 {
		return nil, nil
	}
	out := make([]ToolCall, len(calls))
	for i, tc := range calls {
		if tc.ID == "" {
			tc.ID = fmt.Sprintf("call_%d", i)
		}
		if strings.TrimSpace(tc.Arguments) == "" {
			tc.Arguments = "{}"
		}
		switch {
		case tc.Name == "":
			return nil, &ToolCallError{Model: c.model, Index: i, Arguments: tc.Arguments, Err: errors.New("the call has no function name")}
		case !json.Valid([]byte(tc.Arguments)):
			return nil, &ToolCallError{Model: c.model, Index: i, Name: tc.Name, Arguments: tc.Arguments, Err: errors.New("arguments are not valid JSON")}
		}
		out[i] = tc
	}
	return out, nil
}
