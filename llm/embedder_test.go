package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// embedRequest is what an OpenAI-compatible server receives.
type embedRequest struct {
	Input      []string `json:"input"`
	Model      string   `json:"model"`
	Dimensions int      `json:"dimensions"`
}

// fakeEmbedServer speaks POST /v1/embeddings. By default it answers each
// input "t<N>" with a vector whose first component is N, so tests can check
// the order. respond may take over a call (0-based) by returning true.
type fakeEmbedServer struct {
	srv     *httptest.Server
	dim     int
	respond func(call int, w http.ResponseWriter, req embedRequest) bool

	mu      sync.Mutex
	reqs    []embedRequest
	headers []http.Header
}

func newFakeEmbedServer(t *testing.T, dim int) *fakeEmbedServer {
	t.Helper()
	f := &fakeEmbedServer{dim: dim}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeEmbedServer) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/v1/embeddings" {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	var req embedRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	call := len(f.reqs)
	f.reqs = append(f.reqs, req)
	f.headers = append(f.headers, r.Header.Clone())
	respond := f.respond
	f.mu.Unlock()

	if respond != nil && respond(call, w, req) {
		return
	}
	writeEmbeddings(w, req, f.dim, false)
}

// writeEmbeddings answers req with dim-sized vectors, optionally shuffled.
func writeEmbeddings(w http.ResponseWriter, req embedRequest, dim int, shuffle bool) {
	type item struct {
		Object    string    `json:"object"`
		Index     int       `json:"index"`
		Embedding []float32 `json:"embedding"`
	}
	data := make([]item, len(req.Input))
	for i, in := range req.Input {
		v := make([]float32, dim)
		var n int
		if _, err := fmt.Sscanf(in, "t%d", &n); err == nil && dim > 0 {
			v[0] = float32(n)
		}
		data[i] = item{Object: "embedding", Index: i, Embedding: v}
	}
	if shuffle {
		rand.Shuffle(len(data), func(i, j int) { data[i], data[j] = data[j], data[i] })
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"object": "list",
		"data":   data,
		"model":  req.Model,
		"usage":  map[string]int{"prompt_tokens": len(req.Input), "total_tokens": len(req.Input)},
	})
}

func writeAPIError(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_, _ = fmt.Fprintf(w, `{"error":{"message":%q,"type":"server_error","param":null,"code":null}}`, msg)
}

func (f *fakeEmbedServer) requests() []embedRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]embedRequest(nil), f.reqs...)
}

// newTestEmbedder returns an Embedder for f with fast retries: backoff
// waits of at most a few milliseconds, and Retry-After waits recorded in
// planned instead of slept.
func newTestEmbedder(t *testing.T, f *fakeEmbedServer, cfg Config) (*Embedder, *[]RetryEvent) {
	t.Helper()
	cfg.BaseURL = f.srv.URL + "/v1"
	cfg.APIKey = cmpOr(cfg.APIKey, "test-key")
	cfg.EmbeddingDim = cmpOr(cfg.EmbeddingDim, f.dim)
	e, err := NewEmbedder(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e.retry.BaseDelay, e.retry.MaxDelay = time.Millisecond, 4*time.Millisecond
	var mu sync.Mutex
	events := &[]RetryEvent{}
	e.retry.OnRetry = func(ev RetryEvent) {
		mu.Lock()
		defer mu.Unlock()
		*events = append(*events, ev)
	}
	e.retry.sleep = func(ctx context.Context, d time.Duration) error { return ctx.Err() }
	return e, events
}

func cmpOr[T comparable](a, b T) T {
	var zero T
	if a != zero {
		return a
	}
	return b
}

func inputs(n int) []string {
	s := make([]string, n)
	for i := range s {
		s[i] = fmt.Sprintf("t%d", i)
	}
	return s
}

func TestEmbedderBatchesAndKeepsOrder(t *testing.T) {
	t.Parallel()
	f := newFakeEmbedServer(t, 16)
	f.respond = func(_ int, w http.ResponseWriter, req embedRequest) bool {
		writeEmbeddings(w, req, 16, true)
		return true
	}
	e, _ := newTestEmbedder(t, f, Config{EmbeddingModel: "text-embedding-3-small"})

	vecs, err := e.Embed(context.Background(), inputs(600))
	if err != nil {
		t.Fatal(err)
	}
	if len(vecs) != 600 {
		t.Fatalf("got %d vectors", len(vecs))
	}
	for i, v := range vecs {
		if len(v) != 16 || v[0] != float32(i) {
			t.Fatalf("vector %d = %v, want first component %d", i, v[:1], i)
		}
	}

	reqs := f.requests()
	var sizes []int
	for _, r := range reqs {
		sizes = append(sizes, len(r.Input))
		if r.Model != "text-embedding-3-small" || r.Dimensions != 16 {
			t.Errorf("request model %q dimensions %d", r.Model, r.Dimensions)
		}
	}
	if fmt.Sprint(sizes) != "[256 256 88]" {
		t.Errorf("batch sizes = %v, want [256 256 88]", sizes)
	}
	if got := f.headers[0].Get("Authorization"); got != "Bearer test-key" {
		t.Errorf("Authorization = %q", got)
	}
	if e.Model() != "text-embedding-3-small" || e.Dim() != 16 {
		t.Errorf("Model, Dim = %q, %d", e.Model(), e.Dim())
	}
}

func TestEmbedderSendsDimensionsOnlyToTextEmbedding3(t *testing.T) {
	t.Parallel()
	f := newFakeEmbedServer(t, 8)
	e, _ := newTestEmbedder(t, f, Config{EmbeddingModel: "nomic-embed-text"})
	if _, err := e.Embed(context.Background(), []string{"t1"}); err != nil {
		t.Fatal(err)
	}
	if r := f.requests()[0]; r.Dimensions != 0 || r.Model != "nomic-embed-text" {
		t.Errorf("request = %+v, want no dimensions", r)
	}
}

func TestEmbedderBlankTextsNeedNoCall(t *testing.T) {
	t.Parallel()
	f := newFakeEmbedServer(t, 4)
	e, _ := newTestEmbedder(t, f, Config{EmbeddingModel: "m"})

	vecs, err := e.Embed(context.Background(), []string{"", "t7", "  \n"})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(vecs) != "[[0 0 0 0] [7 0 0 0] [0 0 0 0]]" {
		t.Errorf("vectors = %v", vecs)
	}
	if reqs := f.requests(); len(reqs) != 1 || fmt.Sprint(reqs[0].Input) != "[t7]" {
		t.Errorf("requests = %+v", reqs)
	}

	if vecs, err := e.Embed(context.Background(), nil); err != nil || len(vecs) != 0 {
		t.Errorf("Embed(nil) = %v, %v", vecs, err)
	}
	if len(f.requests()) != 1 {
		t.Errorf("Embed(nil) called the server")
	}
}

func TestEmbedderRetryAfter(t *testing.T) {
	t.Parallel()
	f := newFakeEmbedServer(t, 4)
	f.respond = func(call int, w http.ResponseWriter, _ embedRequest) bool {
		if call > 0 {
			return false
		}
		w.Header().Set("Retry-After", "1")
		writeAPIError(w, http.StatusTooManyRequests, "Rate limit reached")
		return true
	}
	e, events := newTestEmbedder(t, f, Config{EmbeddingModel: "m"})
	e.retry.MaxDelay = 2 * time.Second // the cap must not cut the 1 s asked for

	vecs, err := e.Embed(context.Background(), []string{"t3"})
	if err != nil {
		t.Fatal(err)
	}
	if vecs[0][0] != 3 {
		t.Errorf("vector = %v", vecs[0])
	}
	if e.retry.Attempts() != 2 || len(*events) != 1 {
		t.Fatalf("attempts %d, events %+v", e.retry.Attempts(), *events)
	}
	if ev := (*events)[0]; ev.StatusCode != 429 || !ev.RetryAfter || ev.Delay != time.Second {
		t.Errorf("event = %+v, want 429 with a planned delay of exactly 1s from Retry-After", ev)
	}
}

func TestEmbedderRecoversFromTwo500s(t *testing.T) {
	t.Parallel()
	f := newFakeEmbedServer(t, 4)
	f.respond = func(call int, w http.ResponseWriter, _ embedRequest) bool {
		if call >= 2 {
			return false
		}
		writeAPIError(w, http.StatusInternalServerError, "boom")
		return true
	}
	e, events := newTestEmbedder(t, f, Config{EmbeddingModel: "m", MaxRetries: 3})
	e.retry.sleep = nil // real, millisecond-sized backoff

	if _, err := e.Embed(context.Background(), []string{"t1", "t2"}); err != nil {
		t.Fatal(err)
	}
	if e.retry.Attempts() != 3 || len(f.requests()) != 3 {
		t.Errorf("attempts %d, server saw %d", e.retry.Attempts(), len(f.requests()))
	}
	for _, ev := range *events {
		if ev.StatusCode != 500 || ev.RetryAfter || ev.Delay > 4*time.Millisecond {
			t.Errorf("event = %+v", ev)
		}
	}
	// The body was sent again in full each time.
	for i, r := range f.requests() {
		if fmt.Sprint(r.Input) != "[t1 t2]" {
			t.Errorf("attempt %d sent %v", i+1, r.Input)
		}
	}
}

func TestEmbedderGivesUpAfterMaxRetries(t *testing.T) {
	t.Parallel()
	f := newFakeEmbedServer(t, 4)
	f.respond = func(_ int, w http.ResponseWriter, _ embedRequest) bool {
		writeAPIError(w, http.StatusInternalServerError, "model crashed")
		return true
	}
	e, _ := newTestEmbedder(t, f, Config{EmbeddingModel: "m", MaxRetries: 2})

	_, err := e.Embed(context.Background(), []string{"t1"})
	if err == nil {
		t.Fatal("want error")
	}
	if got := len(f.requests()); got != 3 {
		t.Errorf("server saw %d attempts, want 3 (1 + MaxRetries)", got)
	}
	for _, want := range []string{"embedding model m", "HTTP 500", "model crashed"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
	var apiErr *openai.APIError
	if !errors.As(err, &apiErr) || apiErr.HTTPStatusCode != 500 {
		t.Errorf("errors.As(*openai.APIError) failed for %v", err)
	}
}

func TestEmbedderDoesNotRetryClientErrors(t *testing.T) {
	t.Parallel()
	f := newFakeEmbedServer(t, 4)
	f.respond = func(_ int, w http.ResponseWriter, _ embedRequest) bool {
		writeAPIError(w, http.StatusUnauthorized, "Incorrect API key provided")
		return true
	}
	e, _ := newTestEmbedder(t, f, Config{EmbeddingModel: "m"})

	_, err := e.Embed(context.Background(), []string{"t1"})
	if err == nil || !strings.Contains(err.Error(), "HTTP 401") || !strings.Contains(err.Error(), EnvAPIKey) {
		t.Errorf("err = %v, want HTTP 401 naming %s", err, EnvAPIKey)
	}
	if len(f.requests()) != 1 {
		t.Errorf("server saw %d attempts, want 1", len(f.requests()))
	}
}

func TestEmbedderTimeout(t *testing.T) {
	t.Parallel()
	f := newFakeEmbedServer(t, 4)
	release := make(chan struct{})
	t.Cleanup(func() { close(release) }) // runs before the server closes
	f.respond = func(_ int, _ http.ResponseWriter, r embedRequest) bool {
		<-release
		return true
	}
	e, _ := newTestEmbedder(t, f, Config{EmbeddingModel: "m", Timeout: 50 * time.Millisecond})

	start := time.Now()
	_, err := e.Embed(context.Background(), []string{"t1"})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want context.DeadlineExceeded", err)
	}
	if !strings.Contains(err.Error(), "timeout") {
		t.Errorf("err = %q, want it to mention the timeout", err)
	}
	// A generous bound: it only catches waiting for the hung server.
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("took %s", d)
	}
	if e.retry.Attempts() != 1 {
		t.Errorf("attempts = %d; a timed-out call must not be retried", e.retry.Attempts())
	}
}

func TestEmbedderCallerCancellation(t *testing.T) {
	t.Parallel()
	f := newFakeEmbedServer(t, 4)
	e, _ := newTestEmbedder(t, f, Config{EmbeddingModel: "m"})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()

	_, err := e.Embed(ctx, []string{"t1"})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestEmbedderDimensionMismatch(t *testing.T) {
	t.Parallel()
	f := newFakeEmbedServer(t, 3)
	e, _ := newTestEmbedder(t, f, Config{EmbeddingModel: "bge-m3", EmbeddingDim: 8})

	_, err := e.Embed(context.Background(), []string{"t1"})
	want := "embedding model bge-m3 returned 3 dimensions, MIA_EMBED_DIM says 8"
	if err == nil || err.Error() != want {
		t.Errorf("err = %v, want %q", err, want)
	}
}

func TestEmbedderPlainTextGatewayError(t *testing.T) {
	t.Parallel()
	f := newFakeEmbedServer(t, 4)
	f.respond = func(_ int, w http.ResponseWriter, _ embedRequest) bool {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = io.WriteString(w, "<html>\n<h1>502 Bad Gateway</h1>\n"+strings.Repeat("padding ", 200)+"</html>")
		return true
	}
	e, _ := newTestEmbedder(t, f, Config{EmbeddingModel: "m", MaxRetries: 1})

	_, err := e.Embed(context.Background(), []string{"t1"})
	if err == nil {
		t.Fatal("want error")
	}
	msg := err.Error()
	if !strings.Contains(msg, "HTTP 502 Bad Gateway") || !strings.Contains(msg, "<h1>502 Bad Gateway</h1>") {
		t.Errorf("err = %q", msg)
	}
	if len(msg) > 400 {
		t.Errorf("error message is %d bytes; the body should be cut short", len(msg))
	}
	var reqErr *openai.RequestError
	if !errors.As(err, &reqErr) || reqErr.HTTPStatusCode != 502 {
		t.Errorf("errors.As(*openai.RequestError) failed for %v", err)
	}
	if len(f.requests()) != 2 {
		t.Errorf("server saw %d attempts, want 2", len(f.requests()))
	}
}

func TestEmbedderBadAnswers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		data    string
		wantErr string // "" means success
	}{
		{"missing vector", `[{"index":0,"embedding":[1,0]}]`, "returned 1 vectors for 2 inputs"},
		{"repeated index", `[{"index":1,"embedding":[1,0]},{"index":1,"embedding":[2,0]}]`, "repeated index 1"},
		{"index out of range", `[{"index":0,"embedding":[1,0]},{"index":5,"embedding":[2,0]}]`, "index 5"},
		// Some servers omit index; then list order is all we have.
		{"index omitted", `[{"embedding":[1,0]},{"embedding":[2,0]}]`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFakeEmbedServer(t, 2)
			f.respond = func(_ int, w http.ResponseWriter, _ embedRequest) bool {
				_, _ = fmt.Fprintf(w, `{"object":"list","model":"m","data":%s}`, tt.data)
				return true
			}
			e, _ := newTestEmbedder(t, f, Config{EmbeddingModel: "m"})
			vecs, err := e.Embed(context.Background(), []string{"a", "b"})
			if tt.wantErr == "" {
				if err != nil || vecs[0][0] != 1 || vecs[1][0] != 2 {
					t.Errorf("Embed = %v, %v", vecs, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("err = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestBatchesRespectTokenBudget(t *testing.T) {
	t.Parallel()
	// 40 texts of ~30k estimated tokens: 8 fit under 250k, so 5 batches.
	big := strings.Repeat("ab", 60_000)
	texts := make([]string, 40)
	idx := make([]int, 40)
	for i := range texts {
		texts[i], idx[i] = big, i
	}
	got := batches(texts, idx)
	if len(got) != 5 {
		t.Fatalf("%d batches, want 5", len(got))
	}
	seen := 0
	for _, b := range got {
		tokens := 0
		for _, i := range b {
			if i != seen {
				t.Fatalf("batch order broken at %d", i)
			}
			seen++
			tokens += len(texts[i])/4 + 1
		}
		if tokens > maxBatchTokens {
			t.Errorf("batch of %d estimated tokens", tokens)
		}
	}

	// One text over the budget still goes, alone.
	huge := strings.Repeat("x", 4*maxBatchTokens+100)
	if got := batches([]string{"a", huge, "b"}, []int{0, 1, 2}); fmt.Sprint(got) != "[[0] [1] [2]]" {
		t.Errorf("batches = %v", got)
	}
}

func TestNewEmbedderValidates(t *testing.T) {
	t.Parallel()
	_, err := NewEmbedder(Config{BaseURL: "http://localhost:11434/v1", EmbeddingModel: "nomic-embed-text"})
	if err == nil || !strings.Contains(err.Error(), EnvEmbeddingDim) {
		t.Errorf("err = %v, want it to name %s", err, EnvEmbeddingDim)
	}
}
