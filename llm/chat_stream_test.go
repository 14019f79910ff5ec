package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miasrbija/mia/llm/testserver"
)

// collector records onDelta fragments.
type collector struct {
	mu    sync.Mutex
	parts []string
}

func (c *collector) add(s string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.parts = append(c.parts, s)
}

func (c *collector) get() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.parts...)
}

func TestChatStreamText(t *testing.T) {
	t.Parallel()
	const answer = "Порез на имовину плаћа се квартално, до 15. у месецу."
	h := newChatHarness(t, Config{}, testserver.Text(answer))
	var got collector

	req := question()
	req.MaxTokens = 300
	res, err := h.c.Stream(context.Background(), req, got.add)
	if err != nil {
		t.Fatal(err)
	}
	want := ChatResult{Content: answer, FinishReason: "stop", Attempts: 1, FirstToken: res.FirstToken}
	if !reflect.DeepEqual(*res, want) {
		t.Errorf("result = %+v\nwant     %+v", *res, want)
	}
	if res.FirstToken <= 0 {
		t.Errorf("FirstToken = %s", res.FirstToken)
	}
	// One call per streamed word, nothing lost or joined.
	if parts := got.get(); len(parts) != len(strings.Fields(answer)) || strings.Join(parts, "") != answer {
		t.Errorf("fragments = %q", parts)
	}

	r := h.srv.Requests()[0]
	if !r.Stream || !r.IncludeUsage || r.Model != "mia-test" || r.MaxTokens != 300 {
		t.Errorf("request = %s", r.Body)
	}
	if r.Has("temperature") {
		t.Errorf("temperature sent although nil: %s", r.Body)
	}
	if got := r.Header.Get("Accept"); got != "text/event-stream" {
		t.Errorf("Accept = %q", got)
	}
}

func TestChatStreamDeliversFragmentsBeforeTheEnd(t *testing.T) {
	t.Parallel()
	// The server holds the rest of the stream until the client has seen
	// the first fragment: a client that buffered the whole stream would
	// never get it and fail at the deadline.
	release := make(chan struct{})
	h := newChatHarness(t, Config{}, testserver.Text("Добар дан, изволите.").PauseAfter(1, release))
	var once sync.Once
	var got collector
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	res, err := h.c.Stream(ctx, question(), func(s string) {
		got.add(s)
		once.Do(func() { close(release) })
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Content != "Добар дан, изволите." || len(got.get()) != 3 {
		t.Errorf("content %q, fragments %q", res.Content, got.get())
	}
}

func TestChatStreamUsageChunkWithEmptyChoices(t *testing.T) {
	t.Parallel()
	h := newChatHarness(t, Config{}, testserver.Text("Да.").WithUsage(42, 3))
	res, err := h.c.Stream(context.Background(), question(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Usage != (Usage{PromptTokens: 42, CompletionTokens: 3}) || res.Content != "Да." {
		t.Errorf("result = %+v", *res)
	}
}

func TestChatStreamToolCallStyles(t *testing.T) {
	t.Parallel()
	styles := map[string]testserver.Style{
		"openai (index)":                  testserver.StyleOpenAI,
		"no index":                        testserver.StyleNoIndex,
		"index 0 for every call":          testserver.StyleIndexZero,
		"vllm (id repeated, parts split)": testserver.StyleVLLM,
	}
	for name, style := range styles {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			h := newChatHarness(t, Config{},
				testserver.Text("Проверавам. ").WithToolCalls(callSearch, callHours, callSearch2).WithStyle(style))
			var got collector

			res, err := h.c.Stream(context.Background(), question(), got.add)
			if err != nil {
				t.Fatal(err)
			}
			want := []ToolCall{
				{ID: "call_a", Name: "search_documents", Arguments: callSearch.Arguments},
				{ID: "call_b", Name: "office_hours", Arguments: callHours.Arguments},
				// Same tool again: only the id tells it apart.
				{ID: "call_c", Name: "search_documents", Arguments: callSearch2.Arguments},
			}
			if !reflect.DeepEqual(res.ToolCalls, want) {
				t.Errorf("tool calls = %+v", res.ToolCalls)
			}
			var args struct {
				Query string `json:"query"`
				Limit int    `json:"limit"`
			}
			if err := json.Unmarshal([]byte(res.ToolCalls[0].Arguments), &args); err != nil || args.Query != "порез на имовину" || args.Limit != 3 {
				t.Errorf("parsed arguments = %+v, %v", args, err)
			}
			if res.FinishReason != "tool_calls" || res.Content != "Проверавам. " || strings.Join(got.get(), "") != "Проверавам. " {
				t.Errorf("finish %q, content %q, fragments %q", res.FinishReason, res.Content, got.get())
			}
		})
	}
}

// chunk wraps a delta in a stream event for Chunks scripts.
func chunk(delta string) string {
	return `{"id":"c","object":"chat.completion.chunk","model":"mia-test","choices":[{"index":0,"delta":` + delta + `,"finish_reason":null}]}`
}

func finishChunk(reason string) string {
	return `{"id":"c","object":"chat.completion.chunk","model":"mia-test","choices":[{"index":0,"delta":{},"finish_reason":"` + reason + `"}]}`
}

func TestChatStreamToolCallMerging(t *testing.T) {
	t.Parallel()
	tc := func(frag string) string { return chunk(`{"tool_calls":[` + frag + `]}`) }
	tests := []struct {
		name   string
		chunks []string
		want   []ToolCall
	}{
		{
			"no index, id repeated, a late fragment after the next call began",
			[]string{
				tc(`{"id":"c1","type":"function"}`),
				tc(`{"id":"c1","function":{"name":"search_documents"}}`),
				tc(`{"id":"c1","function":{"name":"search_documents","arguments":"{\"query\":"}}`),
				tc(`{"id":"c2","type":"function","function":{"name":"office_hours","arguments":"{}"}}`),
				tc(`{"id":"c1","function":{"arguments":"\"порез\"}"}}`),
			},
			[]ToolCall{{"c1", "search_documents", `{"query":"порез"}`}, {"c2", "office_hours", "{}"}},
		},
		{
			"parallel calls interleaved by index",
			[]string{
				tc(`{"index":0,"id":"a","type":"function","function":{"name":"search_documents","arguments":""}}`),
				tc(`{"index":1,"id":"b","type":"function","function":{"name":"office_hours","arguments":""}}`),
				tc(`{"index":1,"function":{"arguments":"{\"office\":"}}`),
				tc(`{"index":0,"function":{"arguments":"{\"query\":\"x\"}"}}`),
				tc(`{"index":1,"function":{"arguments":"\"ПУ\"}"}}`),
			},
			[]ToolCall{{"a", "search_documents", `{"query":"x"}`}, {"b", "office_hours", `{"office":"ПУ"}`}},
		},
		{
			"index 0 for two calls of the same tool",
			[]string{
				tc(`{"index":0,"id":"a","type":"function","function":{"name":"search_documents","arguments":"{\"query\":\"x\"}"}}`),
				tc(`{"index":0,"id":"b","type":"function","function":{"name":"search_documents","arguments":"{\"query\":"}}`),
				tc(`{"index":0,"function":{"arguments":"\"y\"}"}}`),
			},
			[]ToolCall{{"a", "search_documents", `{"query":"x"}`}, {"b", "search_documents", `{"query":"y"}`}},
		},
		{
			"name before id",
			[]string{
				tc(`{"index":0,"type":"function","function":{"name":"search_documents"}}`),
				tc(`{"index":0,"id":"late","function":{"arguments":"{\"query\":\"x\"}"}}`),
			},
			[]ToolCall{{"late", "search_documents", `{"query":"x"}`}},
		},
		{
			"neither index nor id: a new name starts a call, ids are made up",
			[]string{
				tc(`{"function":{"name":"search_documents","arguments":"{\"query\""}}`),
				tc(`{"function":{"arguments":":\"x\"}"}}`),
				tc(`{"function":{"name":"office_hours","arguments":"{}"}}`),
			},
			[]ToolCall{{"call_0", "search_documents", `{"query":"x"}`}, {"call_1", "office_hours", "{}"}},
		},
		{
			"index present on the first fragment only",
			[]string{
				tc(`{"index":0,"id":"a","type":"function","function":{"name":"search_documents"}}`),
				tc(`{"function":{"arguments":"{\"query\":"}}`),
				tc(`{"function":{"arguments":"\"x\"}"}}`),
			},
			[]ToolCall{{"a", "search_documents", `{"query":"x"}`}},
		},
		{
			"empty arguments become {}",
			[]string{tc(`{"index":0,"id":"a","type":"function","function":{"name":"list_offices","arguments":""}}`)},
			[]ToolCall{{"a", "list_offices", "{}"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newChatHarness(t, Config{}, testserver.Chunks(append(tt.chunks, finishChunk("tool_calls"))...))
			res, err := h.c.Stream(context.Background(), question(), nil)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(res.ToolCalls, tt.want) {
				t.Errorf("tool calls = %q\nwant         %q", res.ToolCalls, tt.want)
			}
		})
	}
}

func TestChatStreamBadToolCalls(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		resp testserver.Response
		want string
	}{
		{"arguments not JSON",
			testserver.ToolCalls(callHours, testserver.ToolCall{ID: "c", Name: "search_documents", Arguments: `{"query": "порез"`}).WithStyle(testserver.StyleVLLM),
			`tool call 1 search_documents: arguments are not valid JSON: {"query": "порез"`},
		{"no name",
			testserver.Chunks(chunk(`{"tool_calls":[{"index":0,"id":"c","function":{"arguments":"{}"}}]}`), finishChunk("tool_calls")),
			"tool call 0 (unnamed): the call has no function name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newChatHarness(t, Config{}, tt.resp)
			_, err := h.c.Stream(context.Background(), question(), nil)
			var te *ToolCallError
			if !errors.As(err, &te) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want a *ToolCallError containing %q", err, tt.want)
			}
			if !IsTemporary(err) {
				t.Errorf("a malformed tool call should count as temporary")
			}
		})
	}
}

func TestChatStreamCutMidway(t *testing.T) {
	t.Parallel()
	h := newChatHarness(t, Config{}, testserver.Text("Један два три четири").CutAfter(2))
	var got collector

	res, err := h.c.Stream(context.Background(), question(), got.add)
	if res != nil {
		t.Errorf("result = %+v, want nil", *res)
	}
	var se *StreamError
	if !errors.As(err, &se) {
		t.Fatalf("err = %v, want *StreamError", err)
	}
	if se.Partial.Content != "Један два " || strings.Join(got.get(), "") != "Један два " || se.Partial.Attempts != 1 {
		t.Errorf("partial = %+v, fragments %q", *se.Partial, got.get())
	}
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("err = %v, want io.ErrUnexpectedEOF in the chain", err)
	}
	if !strings.Contains(err.Error(), "chat model mia-test: stream broke after") {
		t.Errorf("err = %q", err)
	}
	if n := len(h.srv.Requests()); n != 1 {
		t.Errorf("server saw %d requests; a started stream must not be retried", n)
	}
	if !IsTemporary(err) {
		t.Errorf("IsTemporary = false")
	}
}

func TestChatStreamEndWithoutDone(t *testing.T) {
	t.Parallel()
	// Closed cleanly before the finish reason: truncated.
	h := newChatHarness(t, Config{}, testserver.Text("Један два три").EndAfter(2))
	_, err := h.c.Stream(context.Background(), question(), nil)
	var se *StreamError
	if !errors.Is(err, ErrStreamTruncated) || !errors.As(err, &se) || se.Partial.Content != "Један два " {
		t.Errorf("err = %v, want ErrStreamTruncated with partial content", err)
	}

	// Only [DONE] missing: the answer is complete, accept it.
	h = newChatHarness(t, Config{}, testserver.Text("Један два три").EndAfter(100))
	res, err := h.c.Stream(context.Background(), question(), nil)
	if err != nil || res.Content != "Један два три" {
		t.Errorf("Stream = %v, %v", res, err)
	}
}

func TestChatStreamErrorEvent(t *testing.T) {
	t.Parallel()
	h := newChatHarness(t, Config{}, testserver.Chunks(
		chunk(`{"role":"assistant","content":"Пола "}`),
		`{"error":{"message":"model overloaded","type":"server_error"}}`,
	))
	_, err := h.c.Stream(context.Background(), question(), nil)
	var se *StreamError
	if !errors.As(err, &se) || se.Partial.Content != "Пола " {
		t.Fatalf("err = %v, want *StreamError with partial content", err)
	}
	if !strings.Contains(err.Error(), "server sent an error event: model overloaded") {
		t.Errorf("err = %q", err)
	}
}

func TestChatStreamStallsMidway(t *testing.T) {
	t.Parallel()
	t.Run("config timeout between chunks", func(t *testing.T) {
		t.Parallel()
		h := newChatHarness(t, Config{Timeout: 50 * time.Millisecond}, testserver.Text("Један два три").PauseAfter(1, nil))
		_, err := h.c.Stream(context.Background(), question(), nil)
		var se *StreamError
		if !errors.As(err, &se) || se.Partial.Content != "Један " {
			t.Fatalf("err = %v, want *StreamError with partial content", err)
		}
		if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "timeout") {
			t.Errorf("err = %q, want a timeout wrapping context.DeadlineExceeded", err)
		}
	})
	t.Run("caller deadline", func(t *testing.T) {
		t.Parallel()
		h := newChatHarness(t, Config{}, testserver.Text("Један два три").PauseAfter(2, nil))
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		_, err := h.c.Stream(ctx, question(), nil)
		var se *StreamError
		if !errors.As(err, &se) || se.Partial.Content != "Један два " || !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err = %v, want *StreamError wrapping context.DeadlineExceeded", err)
		}
	})
	t.Run("caller cancels after the first fragment", func(t *testing.T) {
		t.Parallel()
		h := newChatHarness(t, Config{}, testserver.Text("Један два три").PauseAfter(1, nil))
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		_, err := h.c.Stream(ctx, question(), func(string) { cancel() })
		var se *StreamError
		if !errors.As(err, &se) || se.Partial.Content != "Један " || !errors.Is(err, context.Canceled) || IsTemporary(err) {
			t.Fatalf("err = %v, want *StreamError wrapping context.Canceled", err)
		}
	})
}

func TestChatStreamHeadersThenSilence(t *testing.T) {
	t.Parallel()
	// 200 and headers, then nothing: past the point of retrying, so the
	// configured timeout must end it.
	h := newChatHarness(t, Config{Timeout: 50 * time.Millisecond}, testserver.Text("Да.").PauseAfter(0, nil))
	_, err := h.c.Stream(context.Background(), question(), nil)
	var se *StreamError
	if !errors.As(err, &se) || !errors.Is(err, context.DeadlineExceeded) || se.Partial.Content != "" {
		t.Fatalf("err = %v", err)
	}
	if n := len(h.srv.Requests()); n != 1 {
		t.Errorf("server saw %d requests", n)
	}
	_ = fmt.Sprint(se) // Error() must cope with an empty partial
}
