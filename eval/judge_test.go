package eval_test

import (
	"context"
	"strings"
	"testing"

	"github.com/miasrbija/mia/eval"
	"github.com/miasrbija/mia/llm"
	"github.com/miasrbija/mia/llm/testserver"
)

func newJudge(t *testing.T, responses ...testserver.Response) (*eval.Judge, *testserver.Server) {
	t.Helper()
	srv := testserver.New(t, responses...)
	chat, err := llm.NewChatClient(llm.Config{BaseURL: srv.URL, ChatModel: "judge-test", MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	return &eval.Judge{Chat: chat}, srv
}

func TestJudgeAssess(t *testing.T) {
	j, srv := newJudge(t, testserver.Text(`{"supported": 2, "total": 3}`).WithUsage(210, 9))
	v, usage, err := j.Assess(context.Background(), "Do kada se plaća prva rata?",
		"Prva rata dospeva 14. februara [1], na šalteru 9 [1].", []string{"Rok za plaćanje rate: I 1. januar 14. februar"})
	if err != nil {
		t.Fatal(err)
	}
	if v != (eval.Verdict{Supported: 2, Total: 3}) || usage.PromptTokens != 210 || usage.CompletionTokens != 9 {
		t.Errorf("verdict %+v usage %+v", v, usage)
	}
	reqs := srv.Requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests", len(reqs))
	}
	r := reqs[0]
	if r.Stream || r.Temperature == nil || *r.Temperature != 0 || len(r.Messages) != 2 {
		t.Fatalf("request stream=%v temperature=%v messages=%d", r.Stream, r.Temperature, len(r.Messages))
	}
	if sys := r.Messages[0]; sys.Role != "system" || !strings.Contains(sys.Content, `{"supported": n, "total": m}`) ||
		!strings.Contains(sys.Content, "tvrdnj") || !strings.Contains(sys.Content, "claim") {
		t.Errorf("system prompt: %q", sys.Content)
	}
	user := r.Messages[1].Content
	for _, want := range []string{"Do kada se plaća prva rata?", "na šalteru 9", "[1]\nRok za plaćanje rate"} {
		if !strings.Contains(user, want) {
			t.Errorf("judge input lacks %q:\n%s", want, user)
		}
	}
}

func TestJudgeFailures(t *testing.T) {
	for _, tt := range []struct {
		name string
		resp testserver.Response
		want string
	}{
		{"prose", testserver.Text("Sve tvrdnje su potvrđene."), "no JSON object"},
		{"missing total", testserver.Text(`{"supported": 1}`), "want supported and total"},
		{"more supported than claims", testserver.Text(`{"supported": 4, "total": 3}`), "between 0 and total"},
		{"server error", testserver.Error(400, "model not found"), "judge"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			j, _ := newJudge(t, tt.resp)
			_, _, err := j.Assess(context.Background(), "q", "a", []string{"p"})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestParseVerdict(t *testing.T) {
	for reply, want := range map[string]eval.Verdict{
		`{"supported":0,"total":0}`:                           {},
		"```json\n{\"supported\": 2, \"total\": 2}\n```":      {Supported: 2, Total: 2},
		"Evo ocene: {\"total\": 5, \"supported\": 4} — kraj.": {Supported: 4, Total: 5},
	} {
		got, err := eval.ParseVerdict(reply)
		if err != nil || got != want {
			t.Errorf("ParseVerdict(%q) = %+v, %v; want %+v", reply, got, err, want)
		}
	}
	if _, err := eval.ParseVerdict(`{"supported": -1, "total": 2}`); err == nil {
		t.Error("negative count accepted")
	}
}
