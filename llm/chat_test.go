package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miasrbija/mia/llm/testserver"
	openai "github.com/sashabaranov/go-openai"
)

// chatHarness is a ChatClient wired to a scripted server, with retry waits
// recorded instead of slept.
type chatHarness struct {
	c   *ChatClient
	srv *testserver.Server

	mu     sync.Mutex
	events []RetryEvent
}

func newChatHarness(t *testing.T, cfg Config, responses ...testserver.Response) *chatHarness {
	t.Helper()
	h := &chatHarness{srv: testserver.New(t, responses...)}
	cfg.BaseURL = h.srv.URL
	cfg.APIKey = cmpOr(cfg.APIKey, "test-key")
	cfg.ChatModel = cmpOr(cfg.ChatModel, "mia-test")
	c, err := NewChatClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	c.retry.BaseDelay, c.retry.MaxDelay = time.Millisecond, 2*time.Second
	c.retry.OnRetry = func(ev RetryEvent) {
		h.mu.Lock()
		defer h.mu.Unlock()
		h.events = append(h.events, ev)
	}
	c.retry.sleep = func(ctx context.Context, _ time.Duration) error { return ctx.Err() }
	h.c = c
	return h
}

func (h *chatHarness) retries() []RetryEvent {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]RetryEvent(nil), h.events...)
}

// call runs Complete or Stream, so a test can cover both.
func (h *chatHarness) call(ctx context.Context, stream bool, req ChatRequest) (*ChatResult, error) {
	if stream {
		return h.c.Stream(ctx, req, nil)
	}
	return h.c.Complete(ctx, req)
}

func question() ChatRequest {
	return ChatRequest{Messages: []Message{
		{Role: RoleSystem, Content: "Ти си МИА, асистент града."},
		{Role: RoleUser, Content: "Када се плаћа порез на имовину?"},
	}}
}

func ptrTo[T any](v T) *T { return &v }

var (
	callSearch  = testserver.ToolCall{ID: "call_a", Name: "search_documents", Arguments: `{"query":"порез на имовину","limit":3}`}
	callHours   = testserver.ToolCall{ID: "call_b", Name: "office_hours", Arguments: `{"office":"Градска управа"}`}
	callSearch2 = testserver.ToolCall{ID: "call_c", Name: "search_documents", Arguments: `{"query":"комунална такса"}`}
)

func TestChatCompleteText(t *testing.T) {
	t.Parallel()
	const answer = "Порез на имовину плаћа се квартално."
	h := newChatHarness(t, Config{}, testserver.Text(answer).WithUsage(31, 9))

	req := question()
	req.MaxTokens = 300
	res, err := h.c.Complete(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	want := ChatResult{Content: answer, FinishReason: "stop", Usage: Usage{31, 9}, Attempts: 1, FirstToken: res.FirstToken}
	if !reflect.DeepEqual(*res, want) {
		t.Errorf("result = %+v\nwant     %+v", *res, want)
	}
	if res.FirstToken <= 0 {
		t.Errorf("FirstToken = %s", res.FirstToken)
	}

	r := h.srv.Requests()[0]
	if r.Stream || !r.Has("stream") || r.Has("stream_options") {
		t.Errorf("want \"stream\":false and no stream_options: %s", r.Body)
	}
	if r.Model != "mia-test" || r.MaxTokens != 300 || r.Has("max_completion_tokens") || r.Has("temperature") {
		t.Errorf("request = %s", r.Body)
	}
	if len(r.Messages) != 2 || r.Messages[0].Role != "system" || r.Messages[1].Content != "Када се плаћа порез на имовину?" {
		t.Errorf("messages = %+v", r.Messages)
	}
	if got := r.Header.Get("Authorization"); got != "Bearer test-key" {
		t.Errorf("Authorization = %q", got)
	}
}

func TestChatCompleteToolCalls(t *testing.T) {
	t.Parallel()
	// The second call has neither id nor arguments, as some local servers
	// send it.
	h := newChatHarness(t, Config{}, testserver.ToolCalls(callSearch, testserver.ToolCall{Name: "list_offices"}))

	res, err := h.c.Complete(context.Background(), question())
	if err != nil {
		t.Fatal(err)
	}
	want := []ToolCall{
		{ID: "call_a", Name: "search_documents", Arguments: callSearch.Arguments},
		{ID: "call_1", Name: "list_offices", Arguments: "{}"},
	}
	if !reflect.DeepEqual(res.ToolCalls, want) || res.Content != "" || res.FinishReason != "tool_calls" {
		t.Errorf("result = %+v", *res)
	}
	if res.Usage != (Usage{}) {
		t.Errorf("usage = %+v, want zero when the server sent none", res.Usage)
	}
}

func TestChatSendsHistoryAndTools(t *testing.T) {
	t.Parallel()
	h := newChatHarness(t, Config{}, testserver.Text("Градска управа ради од 7:30 до 15:30."))
	schema := json.RawMessage(`{"type":"object","properties":{"office":{"type":"string"}},"required":["office"]}`)
	req := ChatRequest{
		Messages: []Message{
			{Role: RoleUser, Content: "Када ради градска управа?"},
			{Role: RoleAssistant, ToolCalls: []ToolCall{{ID: "call_b", Name: "office_hours", Arguments: `{"office":"Градска управа"}`}}},
			{Role: RoleTool, ToolCallID: "call_b", Content: "пон-пет 7:30-15:30"},
		},
		Tools: []Tool{
			{Name: "office_hours", Description: "Радно време службе", Parameters: schema},
			{Name: "list_offices"},
		},
	}
	if _, err := h.c.Complete(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	r := h.srv.Requests()[0]
	wantMsgs := []testserver.Message{
		{Role: "user", Content: "Када ради градска управа?"},
		{Role: "assistant", ToolCalls: []testserver.ToolCall{{ID: "call_b", Name: "office_hours", Arguments: `{"office":"Градска управа"}`}}},
		{Role: "tool", ToolCallID: "call_b", Content: "пон-пет 7:30-15:30"},
	}
	if !reflect.DeepEqual(r.Messages, wantMsgs) {
		t.Errorf("messages = %+v", r.Messages)
	}
	if len(r.Tools) != 2 || r.Tools[0].Name != "office_hours" || r.Tools[0].Description != "Радно време службе" {
		t.Fatalf("tools = %+v", r.Tools)
	}
	if string(r.Tools[0].Parameters) != string(schema) {
		t.Errorf("schema = %s", r.Tools[0].Parameters)
	}
	if string(r.Tools[1].Parameters) != `{"type":"object","properties":{}}` {
		t.Errorf("a tool without parameters got %s", r.Tools[1].Parameters)
	}
}

func TestChatTemperatureOnTheWire(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		temp *float64
		want string // the field's raw JSON; "" means absent
	}{
		{"nil leaves the server default", nil, ""},
		{"zero is sent", ptrTo(0.0), "0"},
		// go-openai alone would send float32(0.7) = 0.699999988079071.
		{"other values are sent exactly", ptrTo(0.7), "0.7"},
	}
	for _, tt := range tests {
		for _, stream := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/stream=%v", tt.name, stream), func(t *testing.T) {
				t.Parallel()
				h := newChatHarness(t, Config{}, testserver.Text("Да."))
				req := question()
				req.Temperature = tt.temp
				if _, err := h.call(context.Background(), stream, req); err != nil {
					t.Fatal(err)
				}
				r := h.srv.Requests()[0]
				var fields map[string]json.RawMessage
				if err := json.Unmarshal(r.Body, &fields); err != nil {
					t.Fatal(err)
				}
				got, ok := fields["temperature"]
				if tt.want == "" {
					if ok {
						t.Errorf("temperature sent as %s, want absent", got)
					}
					return
				}
				if string(got) != tt.want {
					t.Errorf("temperature on the wire = %q, want %s (body %s)", got, tt.want, r.Body)
				}
				// The rest of the body survived the patch.
				if r.Model != "mia-test" || len(r.Messages) != 2 || r.Stream != stream {
					t.Errorf("body damaged: %s", r.Body)
				}
			})
		}
	}
}

func TestChatMaxTokensFieldDependsOnModel(t *testing.T) {
	t.Parallel()
	for model, field := range map[string]string{"qwen3:8b": "max_tokens", "gpt-4o-mini": "max_tokens", "gpt-5-mini": "max_completion_tokens", "o4-mini": "max_completion_tokens"} {
		h := newChatHarness(t, Config{ChatModel: model}, testserver.Text("Да."))
		req := question()
		req.MaxTokens = 128
		if _, err := h.c.Complete(context.Background(), req); err != nil {
			t.Fatalf("%s: %v", model, err)
		}
		r := h.srv.Requests()[0]
		got := map[string]int{"max_tokens": r.MaxTokens, "max_completion_tokens": r.MaxCompletionTokens}
		if got[field] != 128 || r.MaxTokens+r.MaxCompletionTokens != 128 {
			t.Errorf("%s: %s, want only %s", model, r.Body, field)
		}
	}
}

func TestChatRetriesServerErrors(t *testing.T) {
	t.Parallel()
	for _, stream := range []bool{false, true} {
		t.Run(fmt.Sprintf("stream=%v", stream), func(t *testing.T) {
			t.Parallel()
			h := newChatHarness(t, Config{},
				testserver.Error(500, "boom"),
				testserver.Raw(502, "text/html", "<h1>502 Bad Gateway</h1>"),
				testserver.Text("Ево одговора."))
			req := question()
			req.Temperature = ptrTo(0.0)

			res, err := h.call(context.Background(), stream, req)
			if err != nil {
				t.Fatal(err)
			}
			if res.Content != "Ево одговора." || res.Attempts != 3 {
				t.Errorf("content %q after %d attempts, want 3", res.Content, res.Attempts)
			}
			reqs := h.srv.Requests()
			if len(reqs) != 3 {
				t.Fatalf("server saw %d requests", len(reqs))
			}
			// Every attempt carried the whole body, temperature included.
			for i, r := range reqs {
				if string(r.Body) != string(reqs[0].Body) || r.Temperature == nil || *r.Temperature != 0 || r.Stream != stream {
					t.Errorf("attempt %d sent %s", i+1, r.Body)
				}
			}
			if ev := h.retries(); len(ev) != 2 || ev[0].StatusCode != 500 || ev[1].StatusCode != 502 {
				t.Errorf("retry events = %+v", ev)
			}
		})
	}
}

func TestChatRetryAfter(t *testing.T) {
	t.Parallel()
	for _, stream := range []bool{false, true} {
		t.Run(fmt.Sprintf("stream=%v", stream), func(t *testing.T) {
			t.Parallel()
			h := newChatHarness(t, Config{},
				testserver.Error(429, "Rate limit reached").WithHeader("Retry-After", "1"),
				testserver.Text("Ево одговора."))

			res, err := h.call(context.Background(), stream, question())
			if err != nil {
				t.Fatal(err)
			}
			if res.Content != "Ево одговора." || res.Attempts != 2 {
				t.Errorf("content %q after %d attempts", res.Content, res.Attempts)
			}
			ev := h.retries()
			if len(ev) != 1 || ev[0].StatusCode != 429 || !ev[0].RetryAfter || ev[0].Delay != time.Second {
				t.Errorf("retry events = %+v, want one 429 waiting exactly 1s as asked", ev)
			}
		})
	}
}

func TestStatusErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		resp      testserver.Response
		retries   int
		attempts  int
		want      []string
		temporary bool
		asAPI     bool // *openai.APIError, else *openai.RequestError
	}{
		{"401 is not retried", testserver.Error(401, "Incorrect API key provided"), 3, 1,
			[]string{"chat model mia-test", "HTTP 401", "Incorrect API key provided", EnvAPIKey}, false, true},
		{"404 names the settings", testserver.Error(404, "model 'mia-test' not found"), 3, 1,
			[]string{"HTTP 404", EnvChatModel}, false, true},
		{"503 after retries", testserver.Error(503, "overloaded"), 2, 3,
			[]string{"HTTP 503", "overloaded", "after 3 attempts"}, true, true},
		{"HTML gateway page", testserver.Raw(502, "text/html", "<html><h1>502 Bad Gateway</h1>"+strings.Repeat("padding ", 200)+"</html>"), -1, 1,
			[]string{"HTTP 502 Bad Gateway", "<h1>502 Bad Gateway</h1>"}, true, false},
	}
	for _, tt := range tests {
		for _, stream := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/stream=%v", tt.name, stream), func(t *testing.T) {
				t.Parallel()
				var script []testserver.Response
				for range tt.attempts {
					script = append(script, tt.resp)
				}
				h := newChatHarness(t, Config{MaxRetries: tt.retries}, script...)

				_, err := h.call(context.Background(), stream, question())
				var se *StatusError
				if !errors.As(err, &se) {
					t.Fatalf("err = %v, want *StatusError", err)
				}
				if se.Attempts != tt.attempts || len(h.srv.Requests()) != tt.attempts {
					t.Errorf("%d attempts, server saw %d; want %d", se.Attempts, len(h.srv.Requests()), tt.attempts)
				}
				for _, w := range tt.want {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("err %q does not contain %q", err, w)
					}
				}
				if len(err.Error()) > 400 {
					t.Errorf("error message is %d bytes long", len(err.Error()))
				}
				if IsTemporary(err) != tt.temporary {
					t.Errorf("IsTemporary = %v", !tt.temporary)
				}
				var apiErr *openai.APIError
				var reqErr *openai.RequestError
				if tt.asAPI && !errors.As(err, &apiErr) || !tt.asAPI && !errors.As(err, &reqErr) {
					t.Errorf("go-openai error not in the chain: %#v", err)
				}
			})
		}
	}
}

func TestChatHangReturnsAtDeadline(t *testing.T) {
	t.Parallel()
	for _, stream := range []bool{false, true} {
		t.Run(fmt.Sprintf("stream=%v", stream), func(t *testing.T) {
			t.Parallel()
			h := newChatHarness(t, Config{}, testserver.Hang())
			ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
			defer cancel()

			start := time.Now()
			_, err := h.call(ctx, stream, question())
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("err = %v, want context.DeadlineExceeded", err)
			}
			// Generous: it only catches waiting for the hung server,
			// which would last until the test's end.
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("took %s", d)
			}
			if n := len(h.srv.Requests()); n != 1 {
				t.Errorf("server saw %d requests; a timed-out call must not be retried", n)
			}
			if !IsTemporary(err) {
				t.Errorf("IsTemporary(%v) = false", err)
			}
		})
	}
}

func TestChatConfigTimeout(t *testing.T) {
	t.Parallel()
	for _, stream := range []bool{false, true} {
		t.Run(fmt.Sprintf("stream=%v", stream), func(t *testing.T) {
			t.Parallel()
			h := newChatHarness(t, Config{Timeout: 50 * time.Millisecond}, testserver.Hang())
			_, err := h.call(context.Background(), stream, question())
			if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "timeout") || !strings.Contains(err.Error(), "mia-test") {
				t.Fatalf("err = %v, want a timeout naming the model and wrapping context.DeadlineExceeded", err)
			}
		})
	}
}

func TestChatCallerCancellation(t *testing.T) {
	t.Parallel()
	for _, stream := range []bool{false, true} {
		h := newChatHarness(t, Config{})
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := h.call(ctx, stream, question())
		if !errors.Is(err, context.Canceled) || IsTemporary(err) {
			t.Errorf("stream=%v: err = %v, want context.Canceled and not temporary", stream, err)
		}
	}
}

func TestChatCompleteBadAnswers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		resp testserver.Response
		want string
	}{
		{"no choices", testserver.Raw(200, "application/json", `{"id":"x","object":"chat.completion","model":"mia-test","choices":[]}`), "returned no choices"},
		{"arguments not JSON", testserver.ToolCalls(testserver.ToolCall{ID: "c", Name: "search_documents", Arguments: `{"query": "порез"`}), "search_documents: arguments are not valid JSON"},
		{"call without name", testserver.ToolCalls(testserver.ToolCall{ID: "c", Arguments: `{}`}), "has no function name"},
		{"not JSON at all", testserver.Raw(200, "text/html", "<html>proxy login</html>"), "chat model mia-test"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newChatHarness(t, Config{}, tt.resp)
			_, err := h.c.Complete(context.Background(), question())
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestChatRequestValidation(t *testing.T) {
	t.Parallel()
	h := newChatHarness(t, Config{}) // no script: any request fails the test
	withRole := question()
	withRole.Messages[0].Role = "developer"
	badSchema := question()
	badSchema.Tools = []Tool{{Name: "search_documents", Parameters: json.RawMessage(`{"type":`)}}
	hot := question()
	hot.Temperature = ptrTo(2.5)
	negative := question()
	negative.MaxTokens = -1
	tests := []struct {
		req  ChatRequest
		want string
	}{
		{ChatRequest{}, "no messages"},
		{withRole, `unknown role "developer"`},
		{badSchema, `tool "search_documents" are not valid JSON`},
		{hot, "temperature 2.5"},
		{negative, "max tokens -1"},
	}
	for _, tt := range tests {
		for _, stream := range []bool{false, true} {
			if _, err := h.call(context.Background(), stream, tt.req); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		}
	}
}

func TestNewChatClientConfig(t *testing.T) {
	t.Parallel()
	// Embedding settings do not matter for chat.
	c, err := NewChatClient(Config{BaseURL: "http://ollama:11434/v1", ChatModel: "qwen3:8b", EmbeddingModel: "nomic-embed-text"})
	if err != nil || c.Model() != "qwen3:8b" {
		t.Fatalf("NewChatClient = %v, %v", c, err)
	}
	if _, err := NewChatClient(Config{BaseURL: "ollama:11434"}); err == nil || !strings.Contains(err.Error(), EnvBaseURL) {
		t.Errorf("bad URL: err = %v", err)
	}
	if _, err := NewChatClient(Config{}); err == nil || !strings.Contains(err.Error(), EnvAPIKey) {
		t.Errorf("OpenAI without key: err = %v", err)
	}
}

func TestChatConcurrentCallsCountTheirOwnAttempts(t *testing.T) {
	t.Parallel()
	const n = 8
	var script []testserver.Response
	for range n {
		script = append(script, testserver.Text("Да, наравно."))
	}
	h := newChatHarness(t, Config{}, script...)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			res, err := h.call(context.Background(), i%2 == 0, question())
			switch {
			case err != nil:
				errs <- err
			case res.Attempts != 1 || res.Content != "Да, наравно.":
				errs <- fmt.Errorf("result %+v", *res)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if h.c.retry.Attempts() != n {
		t.Errorf("doer made %d attempts in total, want %d", h.c.retry.Attempts(), n)
	}
}

func TestIsTemporary(t *testing.T) {
	t.Parallel()
	status := func(code int) error {
		return &StatusError{StatusCode: code, err: &openai.APIError{HTTPStatusCode: code}}
	}
	tests := []struct {
		err  error
		want bool
	}{
		{nil, false},
		{context.Canceled, false},
		{&StreamError{Partial: &ChatResult{}, Err: context.Canceled}, false},
		{fmt.Errorf("x: %w", context.DeadlineExceeded), true},
		{status(429), true},
		{status(500), true},
		{status(408), true},
		{status(400), false},
		{status(401), false},
		{&openai.RequestError{HTTPStatusCode: 502}, true},
		{&StreamError{Partial: &ChatResult{}, Err: ErrStreamTruncated}, true},
		{&ToolCallError{Err: errors.New("bad")}, true},
		{&net.OpError{Op: "dial", Err: errors.New("connection refused")}, true},
		{io.ErrUnexpectedEOF, true},
		{errors.New("chat request has no messages"), false},
		{http.ErrNotSupported, false},
	}
	for _, tt := range tests {
		if got := IsTemporary(tt.err); got != tt.want {
			t.Errorf("IsTemporary(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}
