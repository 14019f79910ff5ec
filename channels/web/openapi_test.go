package web_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/redis/go-redis/v9"

	"github.com/miasrbija/mia/assistant"
	"github.com/miasrbija/mia/channels/web"
	"github.com/miasrbija/mia/fault"
	"github.com/miasrbija/mia/municipality"
	"github.com/miasrbija/mia/rag"
	"github.com/miasrbija/mia/ratelimit/redislimit"
)

// stub stands in for the engine, memory and documents where a test needs
// only the routes.
type stub struct{}

func (stub) Handle(context.Context, assistant.Turn, func(assistant.Event)) (*assistant.Reply, error) {
	return &assistant.Reply{}, nil
}
func (stub) Conversation(context.Context, string, assistant.Channel, string) (int64, error) {
	return 1, nil
}
func (stub) History(context.Context, int64, int) ([]assistant.HistoryMessage, error) { return nil, nil }
func (stub) AcceptsMedia(context.Context, string, assistant.Channel, string) (bool, error) {
	return false, nil
}
func (stub) FindConversation(context.Context, string, assistant.Channel, string) (int64, bool, error) {
	return 0, false, nil
}
func (stub) Document(context.Context, string, int64) (rag.Document, error) {
	return rag.Document{}, fault.ErrNotFound
}
func (stub) Passage(context.Context, string, int64, int64) (string, error) {
	return "", fault.ErrNotFound
}

func stubRouter(t *testing.T) chi.Router {
	t.Helper()
	reg, err := municipality.Load("")
	if err != nil {
		t.Fatal(err)
	}
	// The limiter is never consulted: these tests request no API route.
	limiter := redislimit.New(redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"}), "")
	h, err := web.New(web.Config{Municipalities: reg, Assistant: stub{}, History: stub{}, Documents: stub{}, Limiter: limiter})
	if err != nil {
		t.Fatal(err)
	}
	r := chi.NewRouter()
	h.Routes(r)
	return r
}

// TestOpenAPICoversRoutes checks that every route of the router is in the
// served OpenAPI document and that the document names no other.
func TestOpenAPICoversRoutes(t *testing.T) {
	t.Parallel()
	r := stubRouter(t)
	var routes []string
	err := chi.Walk(r, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		routes = append(routes, strings.ToLower(method)+" "+strings.TrimSuffix(strings.ReplaceAll(route, "/*/", "/"), "/"))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, rt := range routes {
		if strings.HasSuffix(rt, " ") { // the root route
			routes[i] = rt + "/"
		}
	}

	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/openapi.json", nil))
	body, _ := io.ReadAll(rec.Body)
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(body, &doc); err != nil || !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("not an OpenAPI 3 document (%v): %.200s", err, body)
	}
	var documented []string
	for path, ops := range doc.Paths {
		for method := range ops {
			if method != "parameters" {
				documented = append(documented, method+" "+path)
			}
		}
	}
	slices.Sort(routes)
	slices.Sort(documented)
	for _, rt := range routes {
		if !slices.Contains(documented, rt) {
			t.Errorf("route %s is not in openapi.json", rt)
		}
	}
	for _, d := range documented {
		if !slices.Contains(routes, d) {
			t.Errorf("openapi.json documents %s, which is not routed", d)
		}
	}
	if len(routes) < 8 {
		t.Errorf("only %d routes walked: %v", len(routes), routes)
	}
}

// TestOpenAPICitationSchema: every field a citation carries on the wire
// (the SSE citation event, the reply, the history) is in the Citation
// schema.
func TestOpenAPICitationSchema(t *testing.T) {
	t.Parallel()
	rec := httptest.NewRecorder()
	stubRouter(t).ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/openapi.json", nil))
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Properties map[string]json.RawMessage `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	schema := doc.Components.Schemas["Citation"].Properties
	fields := []string{"href"}
	for f := range reflect.TypeFor[assistant.Citation]().Fields() {
		fields = append(fields, strings.Split(f.Tag.Get("json"), ",")[0])
	}
	for _, f := range fields {
		if _, ok := schema[f]; !ok {
			t.Errorf("citation field %q is not in the Citation schema", f)
		}
	}
}
