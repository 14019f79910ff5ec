package testserver

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// post sends a chat request and returns the status and the body's lines.
func post(t *testing.T, s *Server, body string) (int, []string) {
	t.Helper()
	resp, err := http.Post(s.URL+"/chat/completions", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var lines []string
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if sc.Text() != "" {
			lines = append(lines, sc.Text())
		}
	}
	return resp.StatusCode, lines
}

// events decodes the "data:" payloads of a stream, stopping at [DONE].
func events(t *testing.T, lines []string) (out []map[string]any, done bool) {
	t.Helper()
	for _, l := range lines {
		p, ok := strings.CutPrefix(l, "data: ")
		if !ok {
			t.Fatalf("not an SSE data line: %q", l)
		}
		if p == "[DONE]" {
			return out, true
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(p), &m); err != nil {
			t.Fatalf("bad event %q: %v", p, err)
		}
		out = append(out, m)
	}
	return out, false
}

// toolDeltas returns the tool_calls fragments of the stream's events.
func toolDeltas(evs []map[string]any) []map[string]any {
	var out []map[string]any
	for _, ev := range evs {
		for _, c := range ev["choices"].([]any) {
			delta := c.(map[string]any)["delta"].(map[string]any)
			if tcs, ok := delta["tool_calls"].([]any); ok {
				for _, tc := range tcs {
					out = append(out, tc.(map[string]any))
				}
			}
		}
	}
	return out
}

const streamReq = `{"model":"m","stream":true,"stream_options":{"include_usage":true},"temperature":0,"messages":[{"role":"user","content":"здраво"}]}`

func TestStreamedTextAndUsage(t *testing.T) {
	t.Parallel()
	s := New(t, Text("Добар дан, изволите.").WithUsage(7, 3))

	code, lines := post(t, s, streamReq)
	evs, done := events(t, lines)
	if code != 200 || !done {
		t.Fatalf("status %d, done %v: %q", code, done, lines)
	}
	// 3 words, the finish chunk, the usage chunk.
	if len(evs) != 5 {
		t.Fatalf("%d events: %q", len(evs), lines)
	}
	var text strings.Builder
	for _, ev := range evs[:3] {
		text.WriteString(ev["choices"].([]any)[0].(map[string]any)["delta"].(map[string]any)["content"].(string))
	}
	if text.String() != "Добар дан, изволите." {
		t.Errorf("text = %q", text.String())
	}
	if fin := evs[3]["choices"].([]any)[0].(map[string]any)["finish_reason"]; fin != "stop" {
		t.Errorf("finish_reason = %v", fin)
	}
	if ch := evs[4]["choices"].([]any); len(ch) != 0 || evs[4]["usage"].(map[string]any)["prompt_tokens"] != 7.0 {
		t.Errorf("usage chunk = %v", evs[4])
	}

	reqs := s.Requests()
	if len(reqs) != 1 || !reqs[0].Stream || !reqs[0].IncludeUsage || reqs[0].Temperature == nil || *reqs[0].Temperature != 0 {
		t.Fatalf("requests = %+v", reqs)
	}
	if m := reqs[0].Messages; len(m) != 1 || m[0].Role != "user" || m[0].Content != "здраво" {
		t.Errorf("messages = %+v", m)
	}
	if !reqs[0].Has("temperature") || reqs[0].Has("max_tokens") {
		t.Errorf("Has is wrong")
	}
	if s.Pending() != 0 {
		t.Errorf("Pending = %d", s.Pending())
	}
}

func TestToolCallStyles(t *testing.T) {
	t.Parallel()
	calls := []ToolCall{
		{ID: "call_a", Name: "search", Arguments: `{"q":"порез"}`},
		{ID: "call_b", Name: "hours", Arguments: `{}`},
	}
	tests := []struct {
		style Style
		check func(t *testing.T, frags []map[string]any)
	}{
		{StyleOpenAI, func(t *testing.T, frags []map[string]any) {
			for _, f := range frags {
				if _, ok := f["index"]; !ok {
					t.Errorf("fragment without index: %v", f)
				}
			}
		}},
		{StyleNoIndex, func(t *testing.T, frags []map[string]any) {
			for _, f := range frags {
				if _, ok := f["index"]; ok {
					t.Errorf("fragment with index: %v", f)
				}
			}
		}},
		{StyleIndexZero, func(t *testing.T, frags []map[string]any) {
			for _, f := range frags {
				if f["index"] != 0.0 {
					t.Errorf("fragment index %v, want 0", f["index"])
				}
			}
		}},
		{StyleVLLM, func(t *testing.T, frags []map[string]any) {
			for _, f := range frags {
				if f["id"] == nil {
					t.Errorf("fragment without id: %v", f)
				}
			}
			if _, ok := frags[0]["function"]; ok {
				t.Errorf("first fragment should carry only the id: %v", frags[0])
			}
		}},
	}
	for _, tt := range tests {
		s := New(t, ToolCalls(calls...).WithStyle(tt.style))
		_, lines := post(t, s, streamReq)
		evs, done := events(t, lines)
		frags := toolDeltas(evs)
		if !done || len(frags) < 4 {
			t.Fatalf("style %d: %q", tt.style, lines)
		}
		tt.check(t, frags)
		// Whatever the style, the argument pieces add up.
		var args strings.Builder
		for _, f := range frags {
			if fn, ok := f["function"].(map[string]any); ok {
				if a, ok := fn["arguments"].(string); ok {
					args.WriteString(a)
				}
			}
		}
		if args.String() != `{"q":"порез"}{}` {
			t.Errorf("style %d: arguments %q", tt.style, args.String())
		}
	}
}

func TestNonStreamingAnswer(t *testing.T) {
	t.Parallel()
	s := New(t, ToolCalls(ToolCall{ID: "c1", Name: "search", Arguments: `{"q":"x"}`}).WithUsage(5, 1))
	resp, err := http.Post(s.URL+"/chat/completions", "application/json", strings.NewReader(`{"model":"m","messages":[]}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got struct {
		Choices []struct {
			Message struct {
				Content   *string `json:"content"`
				ToolCalls []struct {
					ID       string `json:"id"`
					Function struct{ Name, Arguments string }
				} `json:"tool_calls"`
			} `json:"message"`
			FinishReason string `json:"finish_reason"`
		} `json:"choices"`
		Usage struct {
			PromptTokens int `json:"prompt_tokens"`
		} `json:"usage"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
		t.Fatal(err)
	}
	c := got.Choices[0]
	if c.Message.Content != nil || len(c.Message.ToolCalls) != 1 || c.Message.ToolCalls[0].Function.Arguments != `{"q":"x"}` ||
		c.FinishReason != "tool_calls" || got.Usage.PromptTokens != 5 {
		t.Errorf("answer = %+v", got)
	}
}

func TestCutAndEnd(t *testing.T) {
	t.Parallel()
	s := New(t, Text("један два три").CutAfter(1), Text("један два три").EndAfter(2), Error(429, "slow down").WithHeader("Retry-After", "2"))

	// Cut: one whole event, half of the next, then the connection drops.
	resp, err := http.Post(s.URL+"/chat/completions", "application/json", strings.NewReader(streamReq))
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err == nil {
		t.Errorf("reading a cut stream succeeded: %q", body)
	}
	if !strings.HasPrefix(string(body), "data: {") || strings.Contains(string(body), "[DONE]") {
		t.Errorf("cut body = %q", body)
	}

	// End: two events, a clean end, no [DONE].
	code, lines := post(t, s, streamReq)
	if evs, done := events(t, lines); code != 200 || done || len(evs) != 2 {
		t.Errorf("ended stream: %q", lines)
	}

	resp, err = http.Post(s.URL+"/chat/completions", "application/json", strings.NewReader(streamReq))
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "2" || !strings.Contains(string(body), `"message":"slow down"`) {
		t.Errorf("error answer %d %v %s", resp.StatusCode, resp.Header, body)
	}
}

// TestTokenDelay: each event after the first waits the delay; the text is
// the same as without one.
func TestTokenDelay(t *testing.T) {
	t.Parallel()
	const d = 20 * time.Millisecond
	s := New(t, Text("један два три").WithTokenDelay(d))
	start := time.Now()
	resp, err := http.Post(s.URL+"/chat/completions", "application/json", strings.NewReader(streamReq))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var last time.Time
	var lines []string
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if sc.Text() != "" {
			last = time.Now()
			lines = append(lines, sc.Text())
		}
	}
	evs, done := events(t, lines)
	if !done || len(evs) != 4 { // 3 words and the finish chunk
		t.Fatalf("done %v, %d events: %q", done, len(evs), lines)
	}
	// A lower bound only, and on the whole stream: the server waits d
	// before each event after the first, so the last cannot arrive sooner
	// than that after the request. (The gap between two arrivals is no
	// bound: a late first event shortens the gap to the next.)
	if took, want := last.Sub(start), time.Duration(len(evs)-1)*d; took < want {
		t.Errorf("the stream took %s, want at least %s", took, want)
	}
}
