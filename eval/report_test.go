package eval_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/miasrbija/mia/eval"
)

func tinyReport() *eval.Report {
	rs := tinyRun()
	return &eval.Report{Metrics: eval.Summarize(rs), Dataset: "tiny.yaml", Municipality: "sombor", Items: rs}
}

func TestReportJSONFields(t *testing.T) {
	b, err := json.Marshal(tinyReport())
	if err != nil {
		t.Fatal(err)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(b, &top); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"recall_at_1", "recall_at_5", "mrr", "citation_precision", "fact_recall",
		"refusal_precision", "refusal_recall", "refusal_accuracy", "tool_accuracy",
		"latency_p50_ms", "latency_p95_ms", "prompt_tokens", "completion_tokens", "groundedness", "items",
		"unexpected_forms", "unexpected_form_rate", "intervals"} {
		if _, ok := top[k]; !ok {
			t.Errorf("report JSON lacks %q", k)
		}
	}
	var items []map[string]json.RawMessage
	if err := json.Unmarshal(top["items"], &items); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"id", "question", "retrieved", "rank", "answer", "citations", "declined", "route",
		"status", "facts_found", "facts_missing", "latency_ms", "checks", "pass"} {
		if _, ok := items[0][k]; !ok {
			t.Errorf("item JSON lacks %q", k)
		}
	}
}

func TestWriteTable(t *testing.T) {
	var b strings.Builder
	if err := eval.WriteTable(&b, tinyReport()); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"tiny.yaml: 8 items, municipality sombor", "4 passed, 4 failed",
		"recall@1", "0.333", "recall@5", "0.667", "MRR", "0.500", "citation precision", "0.750",
		"refusal accuracy", "tool accuracy", "groundedness", "0.800", "latency p50", "40.0 ms", "latency p95", "80.0 ms",
		"95% CI", "[0.208, 0.939]", "refusal recall", "[0.095, 0.905]  2 items with expect_refusal",
		"tokens: 150 prompt + 15 completion", "unexpected form starts", "0.167", "6 items without expect_tool: 1 started a form",
		"FAILING (4)",
		`r1  missing "y"`,
		"r3  not retrieved (top: b, c); cites nothing; declined (info/no_source, confidence 0.00)",
		"r5  answered (info/answered, 1 citations) instead of declining",
		"r7  route info form -, want form registry_extract",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\nr2 ") {
		t.Errorf("a passing item is listed:\n%s", out)
	}
	// Metrics over no items say so instead of showing 0.
	b.Reset()
	if err := eval.WriteTable(&b, &eval.Report{Municipality: "sombor", Items: []eval.Result{}}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "n/a") {
		t.Errorf("empty run:\n%s", b.String())
	}
}

func TestCompare(t *testing.T) {
	prev, cur := tinyReport(), tinyReport()
	prev.RecallAt5, prev.LatencyP95MS = 0.5, 60
	// r1 now passes, r2 now fails, r8 is gone and r9 is new.
	cur.Items[0].Pass, cur.Items[1].Pass = true, false
	cur.Items[7].ID = "r9"
	c := eval.Compare(prev, cur)
	byMetric := map[string]eval.Delta{}
	for _, d := range c.Deltas {
		byMetric[d.Metric] = d
	}
	if d := byMetric["recall_at_5"]; !near(d.Change, 2.0/3-0.5) || d.Worse {
		t.Errorf("recall@5 delta %+v", d)
	}
	if d := byMetric["latency_p95_ms"]; d.Change != 20 || !d.Worse {
		t.Errorf("p95 delta %+v", d)
	}
	if d := byMetric["mrr"]; d.Change != 0 || d.Worse {
		t.Errorf("unchanged mrr %+v", d)
	}
	if !slices.Equal(c.PassToFail, []string{"r2"}) || !slices.Equal(c.FailToPass, []string{"r1"}) ||
		!slices.Equal(c.Added, []string{"r9"}) || !slices.Equal(c.Removed, []string{"r8"}) {
		t.Errorf("comparison %+v", c)
	}
	var b strings.Builder
	if err := eval.WriteComparison(&b, c, cur); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"recall@5", "0.500 → 0.667", "▲ +0.167",
		"latency p95", "60.0 ms → 80.0 ms", "▲ +20.0 ms  worse",
		"MRR", "= +0.000",
		"pass → fail (1)", "  r2  ", "fail → pass (1): r1", "new items (1): r9", "no longer in the dataset (1): r8",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("comparison lacks %q:\n%s", want, out)
		}
	}
	prev.RecallAt1 = 1
	c = eval.Compare(prev, cur)
	b.Reset()
	_ = eval.WriteComparison(&b, c, cur)
	if !strings.Contains(b.String(), "▼ -0.667  worse") {
		t.Errorf("a drop is not marked:\n%s", b.String())
	}
}

func TestReadReport(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "prev.json")
	b, _ := json.Marshal(tinyReport())
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := eval.ReadReport(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Items) != 8 || !near(r.RecallAt5, 2.0/3) || r.Items[0].Checks.Facts == nil {
		t.Errorf("read back %+v", r.Metrics)
	}
	bad := filepath.Join(dir, "bad.json")
	_ = os.WriteFile(bad, []byte(`{"hello": 1}`), 0o644)
	if _, err := eval.ReadReport(bad); err == nil || !strings.Contains(err.Error(), "not an eval report") {
		t.Errorf("bad report: %v", err)
	}
}

func TestReportJSONIntervals(t *testing.T) {
	b, err := json.Marshal(tinyReport())
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Intervals map[string]struct{ Low, High *float64 } `json:"intervals"`
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	iv, ok := rep.Intervals["recall_at_5"]
	if !ok || iv.Low == nil || iv.High == nil || !near(*iv.Low, eval.Wilson(2, 3).Low) || !near(*iv.High, eval.Wilson(2, 3).High) {
		t.Errorf("recall_at_5 interval in JSON: %s", b)
	}
	if _, ok := rep.Intervals["latency_p95_ms"]; ok {
		t.Error("a latency has an interval")
	}
}

func TestWriteSideBySide(t *testing.T) {
	dev, test := tinyReport(), tinyReport()
	dev.Split, test.Split = eval.SplitDev, eval.SplitTest
	test.Items = test.Items[:4]
	test.Metrics = eval.Summarize(test.Items)
	var b strings.Builder
	if err := eval.WriteSideBySide(&b, []*eval.Report{dev, test}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"DEV: tiny.yaml: 8 items", "TEST: tiny.yaml: 4 items",
		"DEV (95% CI)", "TEST (95% CI)",
		"recall@1                0.333 [0.061, 0.792]  0.333 [0.061, 0.792]  3 / 3 items with expect_sources", "recall@5                0.667 [0.208, 0.939]  0.667 [0.208, 0.939]  3 / 3\n",
		"tool accuracy           0.500 [0.095, 0.905]  n/a",
		"unexpected form starts  0.167 [0.030, 0.564]  0.000 [0.000, 0.490]  6 / 4 items without expect_tool: 1 / 0 started a form",
		"DEV FAILING (4)", "TEST FAILING (2)", "r7  route info",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}
