package eval_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/miasrbija/mia/assistant"
	"github.com/miasrbija/mia/eval"
	"github.com/miasrbija/mia/llm/testserver"
	"github.com/miasrbija/mia/rag"
)

// fakeSearch answers from a table by question and records the queries.
type fakeSearch struct {
	hits    map[string][]rag.Hit
	mu      sync.Mutex
	queries []rag.Query
}

func (f *fakeSearch) Search(_ context.Context, q rag.Query) (*rag.Results, error) {
	f.mu.Lock()
	f.queries = append(f.queries, q)
	f.mu.Unlock()
	if q.Text == "search fails" {
		return nil, errors.New("db down")
	}
	return &rag.Results{Query: q.Text, Hits: f.hits[q.Text]}, nil
}

// fakeEngine answers from a table by question and records the turns.
type fakeEngine struct {
	replies map[string]assistant.Reply
	mu      sync.Mutex
	turns   []assistant.Turn
}

func (f *fakeEngine) Handle(_ context.Context, t assistant.Turn, _ func(assistant.Event)) (*assistant.Reply, error) {
	f.mu.Lock()
	f.turns = append(f.turns, t)
	f.mu.Unlock()
	if t.Text == "turn fails" {
		return nil, errors.New("conversation store down")
	}
	r := f.replies[t.Text]
	return &r, nil
}

func TestRunnerRun(t *testing.T) {
	search := &fakeSearch{hits: map[string][]rag.Hit{
		"porez": {{ChunkID: 7, DocumentID: 70, Source: "porez.md", Content: "Prva rata: 14. februar."}, {ChunkID: 8, DocumentID: 80, Source: "taksa.md"}},
	}}
	eng := &fakeEngine{replies: map[string]assistant.Reply{
		"porez": {ConversationID: 41, PromptTokens: 100, CompletionTokens: 10, Text: "Prva rata dospeva 14. februara [1].", Route: assistant.RouteInfo,
			Status: assistant.StatusAnswered, Citations: []assistant.Citation{{N: 1, ChunkID: 7, DocumentID: 70, Source: "porez.md", Title: "Porez"}}},
		"vic":   {ConversationID: 42, Text: "Izvinite…", Route: assistant.RouteOutOfScope, Status: assistant.StatusOutOfScope},
		"rupa":  {ConversationID: 43, Route: assistant.RouteFormStart, Form: assistant.FormCommunalReport, Status: assistant.StatusNoSource},
		"novis": {ConversationID: 44, Route: assistant.RouteInfo, Status: assistant.StatusNoSource},
	}}
	items := []eval.Item{
		{ID: "a", Question: "porez", ExpectSources: []string{"porez.md"}, ExpectFacts: []string{"14. februar"}},
		{ID: "b", Question: "vic", ExpectRefusal: true},
		{ID: "c", Question: "rupa", ExpectTool: eval.FormCommunalReport},
		{ID: "d", Question: "novis", Municipality: "novi-sad"},
		{ID: "e", Question: "search fails"},
		{ID: "f", Question: "turn fails"},
	}
	judge, srv := newJudge(t, testserver.Text(`{"supported": 1, "total": 2}`))
	var progress []int
	r := &eval.Runner{
		Search: search, Answer: eng, Municipality: "sombor", Judge: judge,
		Progress: func(done, total int) { progress = append(progress, done*10+total) },
	}
	rep, err := r.Run(context.Background(), items)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Items) != len(items) || rep.Total != len(items) {
		t.Fatalf("%d results", len(rep.Items))
	}
	byID := map[string]eval.Result{}
	for _, it := range rep.Items {
		byID[it.ID] = it
	}

	a := byID["a"]
	if a.Rank != 1 || !slices.Equal(a.Retrieved, []string{"porez.md", "taksa.md"}) || !slices.Equal(a.Citations, []string{"porez.md"}) ||
		a.Declined || !slices.Equal(a.FactsFound, []string{"14. februar"}) || !a.Pass || a.PromptTokens != 100 {
		t.Errorf("a: %+v", a)
	}
	// Document ids tell apart same-named sources of two municipalities.
	if !slices.Equal(a.RetrievedDocuments, []int64{70, 80}) || !slices.Equal(a.CitedDocuments, []int64{70}) {
		t.Errorf("a: documents %v retrieved, %v cited", a.RetrievedDocuments, a.CitedDocuments)
	}
	if a.Groundedness == nil || *a.Groundedness != (eval.Verdict{Supported: 1, Total: 2}) {
		t.Errorf("a judged %+v (%s)", a.Groundedness, a.JudgeError)
	}
	// The judge reads the cited chunk's text from the search.
	if reqs := srv.Requests(); len(reqs) != 1 || !strings.Contains(reqs[0].Messages[1].Content, "Prva rata: 14. februar.") {
		t.Errorf("judge requests: %+v", reqs)
	}
	if b := byID["b"]; !b.Declined || !b.Pass || b.Groundedness != nil {
		t.Errorf("b: %+v", b)
	}
	// A form start that found no source declines: it fails the refusal
	// check but passes the tool check.
	if c := byID["c"]; c.Checks.Tool == nil || !*c.Checks.Tool || !c.Declined || c.Pass {
		t.Errorf("c: %+v", c)
	}
	if e := byID["e"]; e.Error != "search: db down" || e.Pass {
		t.Errorf("e: %+v", e)
	}
	if f := byID["f"]; f.Error != "answer: conversation store down" || f.Pass {
		t.Errorf("f: %+v", f)
	}
	if rep.Errors != 2 || rep.Municipality != "sombor" {
		t.Errorf("errors %d municipality %q", rep.Errors, rep.Municipality)
	}

	// Every item is its own conversation, in the item's municipality or
	// the run's default.
	users := map[string]bool{}
	for _, turn := range eng.turns {
		if users[turn.UserID] || !strings.HasPrefix(turn.UserID, "eval-") {
			t.Errorf("user id %q reused or unmarked", turn.UserID)
		}
		users[turn.UserID] = true
		want := "sombor"
		if turn.Text == "novis" {
			want = "novi-sad"
		}
		if turn.Municipality != want {
			t.Errorf("turn %q in %q, want %q", turn.Text, turn.Municipality, want)
		}
	}
	for _, q := range search.queries {
		if q.K != 5 || q.Municipality == "" {
			t.Errorf("query %+v", q)
		}
	}
	if len(progress) != len(items) || progress[len(progress)-1] != 66 {
		t.Errorf("progress %v", progress)
	}

	// A second run never continues the first run's conversations.
	first := len(eng.turns)
	if _, err := (&eval.Runner{Search: search, Answer: eng, Municipality: "sombor"}).Run(context.Background(), items[:1]); err != nil {
		t.Fatal(err)
	}
	if eng.turns[first].UserID == eng.turns[0].UserID {
		t.Errorf("two runs share user id %q", eng.turns[0].UserID)
	}
}

func TestRunnerStops(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := &eval.Runner{Search: &fakeSearch{}, Answer: &fakeEngine{}, Municipality: "sombor"}
	if _, err := r.Run(ctx, []eval.Item{{ID: "a", Question: "q"}}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled run: %v", err)
	}
	if _, err := (&eval.Runner{Search: &fakeSearch{}, Answer: &fakeEngine{}}).Run(context.Background(), nil); err == nil {
		t.Error("runner without municipality ran")
	}
}
