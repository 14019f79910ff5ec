package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/miasrbija/mia/llm/testserver"
	"github.com/miasrbija/mia/postgres/pgtest"
)

// evalCorpus ingests two demo documents into a fresh database with `mia
// ingest` and returns the environment that points at it.
func evalCorpus(t *testing.T) map[string]string {
	t.Helper()
	_, url := pgtest.NewDB(t)
	dir := t.TempDir()
	for _, name := range []string{"porez-na-imovinu.md", "izvodi-iz-maticnih-knjiga.docx", "izvodi-iz-maticnih-knjiga.docx.meta.yaml"} {
		data, err := os.ReadFile(filepath.Join("../../corpus/sombor", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	env := map[string]string{"DATABASE_URL": url}
	if _, _, err := runCmd(context.Background(), env, "ingest", dir); err != nil {
		t.Fatal(err)
	}
	return env
}

func writeDataset(t *testing.T, yaml string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "dataset.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

const tinyDataset = `
- id: porez
  question: "Do kada se plaća prva rata poreza na imovinu?"
  expect_sources: [porez-na-imovinu.md]
- id: izvod
  question: "Koliko košta izvod iz matične knjige rođenih na međunarodnom obrascu?"
  expect_sources: [izvodi-iz-maticnih-knjiga.docx]
- id: vic
  question: "ispričaj mi neki vic"
  expect_refusal: true
- id: forma
  question: "treba mi izvod iz matične knjige rođenih"
  expect_tool: registry_extract
`

// TestEvalCommand runs `mia eval` in-process, offline, on a small corpus:
// JSON for saving, then the table with a comparison against it.
func TestEvalCommand(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := evalCorpus(t)
	dataset := writeDataset(t, tinyDataset)

	out, _, err := runCmd(ctx, env, "eval", "--dataset", dataset, "--json")
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		RecallAt5       float64 `json:"recall_at_5"`
		RefusalAccuracy float64 `json:"refusal_accuracy"`
		ToolAccuracy    float64 `json:"tool_accuracy"`
		LatencyP95MS    float64 `json:"latency_p95_ms"`
		PromptTokens    int     `json:"prompt_tokens"`
		Groundedness    *float64
		Items           []struct {
			ID        string   `json:"id"`
			Retrieved []string `json:"retrieved"`
			Rank      int      `json:"rank"`
			Declined  bool     `json:"declined"`
			Route     string   `json:"route"`
			Form      string   `json:"form"`
		} `json:"items"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if len(rep.Items) != 4 || rep.RecallAt5 != 1 || rep.ToolAccuracy != 1 || rep.LatencyP95MS <= 0 || rep.PromptTokens != 0 || rep.Groundedness != nil {
		t.Errorf("report: %s", out)
	}
	if it := rep.Items[0]; it.ID != "porez" || it.Rank != 1 || it.Retrieved[0] != "porez-na-imovinu.md" {
		t.Errorf("first item %+v", it)
	}
	if it := rep.Items[2]; !it.Declined || it.Route != "out_of_scope" {
		t.Errorf("refusal item %+v", it)
	}
	if it := rep.Items[3]; it.Route != "form_start" || it.Form != "registry_extract" {
		t.Errorf("form item %+v", it)
	}

	prev := filepath.Join(t.TempDir(), "prev.json")
	if err := os.WriteFile(prev, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	table, _, err := runCmd(ctx, env, "eval", "--dataset", dataset, "--compare", prev)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"4 items, municipality sombor", "recall@5", "1.000", "refusal accuracy", "latency p95",
		"95% CI", "refusal recall", "unexpected form starts",
		"COMPARED WITH THE PREVIOUS RUN", "1.000 → 1.000", "pass → fail (0)"} {
		if !strings.Contains(table, want) {
			t.Errorf("table lacks %q:\n%s", want, table)
		}
	}
}

// TestEvalCommandWithModel runs `mia eval --judge` against a scripted
// model: the engine's answers cite what the model cites, tokens come from
// the recorded answers, and the judge's verdicts make groundedness.
func TestEvalCommandWithModel(t *testing.T) {
	t.Parallel()
	env := evalCorpus(t)
	passageID := regexp.MustCompile(`\[(#[a-z0-9]{5})\]`)
	answer := testserver.Func(func(r testserver.Request) testserver.Response {
		if !r.Stream {
			return testserver.Text(`{"supported": 2, "total": 3}`).WithUsage(300, 8)
		}
		for _, m := range r.Messages {
			if id := passageID.FindStringSubmatch(m.Content); id != nil {
				return testserver.Text("Prva rata dospeva 14. februara ["+id[1]+"].").WithUsage(1000, 20)
			}
		}
		return testserver.Text("Nema odlomaka.")
	})
	srv := testserver.New(t, answer, answer, answer, answer)
	env["MIA_LLM_BASE_URL"], env["MIA_LLM_MODEL"] = srv.URL, "eval-test"
	dataset := writeDataset(t, `
- id: porez
  question: "Do kada se plaća prva rata poreza na imovinu?"
  expect_sources: [porez-na-imovinu.md]
  expect_facts: ["14. februar"]
- id: vic
  question: "ispričaj mi neki vic"
  expect_refusal: true
`)
	out, _, err := runCmd(context.Background(), env, "eval", "--dataset", dataset, "--judge", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		FactRecall       float64  `json:"fact_recall"`
		PromptTokens     int      `json:"prompt_tokens"`
		CompletionTokens int      `json:"completion_tokens"`
		Groundedness     *float64 `json:"groundedness"`
		Passed           int      `json:"passed"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	// One model answer (the joke is refused before any model call) and
	// one judged answer.
	if rep.PromptTokens != 1000 || rep.CompletionTokens != 20 || rep.FactRecall != 1 || rep.Passed != 2 {
		t.Errorf("report: %s", out)
	}
	if rep.Groundedness == nil || *rep.Groundedness != 2.0/3 {
		t.Errorf("groundedness %v", rep.Groundedness)
	}
	if n := len(srv.Requests()); n != 2 {
		t.Errorf("%d model requests, want 2 (answer and judge)", n)
	}
}

func TestEvalCommandErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	good := "postgres://postgres@127.0.0.1:5432/mia"
	env := map[string]string{"DATABASE_URL": good}
	bad := writeDataset(t, "- id: a\n  question: q\n  expect_tools: communal_report\n")
	tests := []struct {
		name  string
		args  []string
		want  string
		usage bool
	}{
		{"no dataset", []string{"eval"}, "--dataset", true},
		{"dataset and split", []string{"eval", "--dataset", writeDataset(t, tinyDataset), "--split", "test"}, "--split", true},
		{"unknown split", []string{"eval", "--split", "train"}, "dev, validation, test", true},
		{"split twice", []string{"eval", "--split", "test,test"}, "dev, validation, test", true},
		{"calibrate on validation", []string{"eval", "--split", "validation", "--calibrate", "out.json"}, "--split dev only", true},
		{"compare two splits", []string{"eval", "--split", "dev,test", "--compare", "prev.json"}, "one split", true},
		{"missing split", []string{"eval", "--split", "test", "--datasets", t.TempDir()}, "no test.yaml", false},
		{"unknown key", []string{"eval", "--dataset", bad}, "expect_tools", false},
		{"judge without a model", []string{"eval", "--dataset", writeDataset(t, tinyDataset), "--judge"}, "MIA_LLM_MODEL", true},
		{"missing previous report", []string{"eval", "--dataset", writeDataset(t, tinyDataset), "--compare", "/nonexistent.json"}, "/nonexistent.json", false},
		{"unknown municipality", []string{"eval", "--dataset", writeDataset(t, "- id: a\n  question: q\n  municipality: atlantida\n")}, "atlantida", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := runCmd(ctx, env, tt.args...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tt.want)
			}
			if got := exitCode(err) == 2; got != tt.usage {
				t.Errorf("exit code %d", exitCode(err))
			}
		})
	}
}

// TestEvalCommandSplits runs a municipality's dev and test splits from a
// datasets directory: side by side in one table, as JSON by split, and
// one split compared with an earlier run.
func TestEvalCommandSplits(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := evalCorpus(t)
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "sombor"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string]string{
		"dev.yaml": tinyDataset,
		"test.yaml": `
- id: t-porez
  question: "Kada dospeva prva rata poreza na imovinu?"
  expect_sources: [porez-na-imovinu.md]
`,
		// Merged into test: the extra files of a split.
		"test-refusals.yaml": `
- id: t-vic
  question: "napiši mi pesmu o jeseni"
  expect_refusal: true
`,
	} {
		if err := os.WriteFile(filepath.Join(dir, "sombor", name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	table, _, err := runCmd(ctx, env, "eval", "--split", "dev,test", "--datasets", dir, "--municipality", "sombor")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"DEV: " + filepath.Join(dir, "sombor") + ": 4 items", "TEST: " + filepath.Join(dir, "sombor") + ": 2 items",
		"DEV (95% CI)", "TEST (95% CI)", "4 / 2 all items", "refusal recall", "unexpected form starts"} {
		if !strings.Contains(table, want) {
			t.Errorf("table lacks %q:\n%s", want, table)
		}
	}

	out, _, err := runCmd(ctx, env, "eval", "--split", "dev,test", "--datasets", dir, "--json")
	if err != nil {
		t.Fatal(err)
	}
	var bySplit map[string]struct {
		Split     string                                 `json:"split"`
		Files     []string                               `json:"files"`
		Intervals map[string]struct{ Low, High float64 } `json:"intervals"`
		Items     []struct{ ID, Municipality string }    `json:"items"`
	}
	if err := json.Unmarshal([]byte(out), &bySplit); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	test := bySplit["test"]
	if len(bySplit) != 2 || bySplit["dev"].Split != "dev" || test.Split != "test" || len(test.Files) != 2 ||
		len(test.Items) != 2 || test.Items[1].ID != "t-vic" || test.Items[1].Municipality != "sombor" {
		t.Errorf("reports by split: %s", out)
	}
	if iv, ok := test.Intervals["refusal_accuracy"]; !ok || iv.High != 1 || iv.Low <= 0 || iv.Low >= 1 {
		t.Errorf("test refusal accuracy interval %+v", iv)
	}

	prev := filepath.Join(t.TempDir(), "prev.json")
	one, _, err := runCmd(ctx, env, "eval", "--split", "test", "--datasets", dir, "--json")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(prev, []byte(one), 0o644); err != nil {
		t.Fatal(err)
	}
	cmp, _, err := runCmd(ctx, env, "eval", "--split", "test", "--datasets", dir, "--compare", prev)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(cmp, "test split of "+filepath.Join(dir, "sombor")+": 2 items") ||
		!strings.Contains(cmp, "COMPARED WITH THE PREVIOUS RUN") || !strings.Contains(cmp, "pass → fail (0)") {
		t.Errorf("comparison:\n%s", cmp)
	}
}
