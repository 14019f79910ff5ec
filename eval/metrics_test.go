package eval_test

import (
	"math"
	"slices"
	"testing"

	"github.com/miasrbija/mia/eval"
)

// tinyRun is a hand-made run in which every metric has a known value:
//
//	id  sources  retrieved  rank  cited   facts      declined/expected  tool (want/got)       ms
//	r1  a        b a c      2     a b     x✓ y✗      no/no              -                     10
//	r2  a d      d          1     d       z✓         no/no              -                     30
//	r3  a        b c        0     -       -          yes/no             -                     20
//	r4  -        -          0     -       -          yes/yes            -                     40
//	r5  -        -          0     b       -          no/yes             -                     50
//	r6  -        -          0     -       -          no/no              communal/communal     60
//	r7  -        -          0     -       -          no/no              registry/info         70
//	r8  -        -          0     -       -          no/no              -/communal (unasked)  80
func tinyRun() []eval.Result {
	rs := []eval.Result{
		{Item: eval.Item{ID: "r1", ExpectSources: []string{"a"}, ExpectFacts: []string{"x", "y"}},
			Retrieved: []string{"b", "a", "c"}, Citations: []string{"a", "b"}, Answer: "… X …", Route: "info", Status: "answered",
			LatencyMS: 10, Groundedness: &eval.Verdict{Supported: 3, Total: 4}, PromptTokens: 100, CompletionTokens: 10},
		{Item: eval.Item{ID: "r2", ExpectSources: []string{"a", "d"}, ExpectFacts: []string{"z"}},
			Retrieved: []string{"d"}, Citations: []string{"d"}, Answer: "z", Route: "info", Status: "answered",
			LatencyMS: 30, Groundedness: &eval.Verdict{Supported: 1, Total: 1}, PromptTokens: 50, CompletionTokens: 5},
		{Item: eval.Item{ID: "r3", ExpectSources: []string{"a"}},
			Retrieved: []string{"b", "c"}, Route: "info", Status: "no_source", LatencyMS: 20},
		{Item: eval.Item{ID: "r4", ExpectRefusal: true}, Route: "out_of_scope", Status: "out_of_scope", LatencyMS: 40},
		{Item: eval.Item{ID: "r5", ExpectRefusal: true}, Citations: []string{"b"}, Route: "info", Status: "answered",
			LatencyMS: 50, Groundedness: &eval.Verdict{Supported: 0, Total: 0}},
		{Item: eval.Item{ID: "r6", ExpectTool: eval.FormCommunalReport}, Route: "form_start", Form: eval.FormCommunalReport, Status: "answered", LatencyMS: 60},
		{Item: eval.Item{ID: "r7", ExpectTool: eval.FormRegistryExtract}, Route: "info", Status: "answered", LatencyMS: 70},
		{Item: eval.Item{ID: "r8"}, Route: "form_start", Form: eval.FormCommunalReport, Status: "answered", LatencyMS: 80},
	}
	for i := range rs {
		r := &rs[i]
		r.Rank = eval.RankOf(r.Retrieved, r.ExpectSources)
		r.Declined = eval.Declines(r.Status, len(r.Citations))
		r.FactsFound, r.FactsMissing = eval.MatchFacts(r.Answer, r.ExpectFacts)
		eval.Check(r)
	}
	return rs
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestRecallAt(t *testing.T) {
	rs := tinyRun()
	if got, n := eval.RecallAt(rs, 1); !near(got, 1.0/3) || n != 3 {
		t.Errorf("recall@1 = %v over %d, want 1/3 over 3", got, n)
	}
	if got, n := eval.RecallAt(rs, 5); !near(got, 2.0/3) || n != 3 {
		t.Errorf("recall@5 = %v over %d, want 2/3 over 3", got, n)
	}
	if got, n := eval.RecallAt(nil, 5); got != 0 || n != 0 {
		t.Errorf("recall of nothing = %v over %d", got, n)
	}
}

func TestMRR(t *testing.T) {
	// (1/2 + 1/1 + 0) / 3
	if got, n := eval.MRR(tinyRun()); !near(got, 0.5) || n != 3 {
		t.Errorf("MRR = %v over %d, want 0.5 over 3", got, n)
	}
}

func TestCitationPrecision(t *testing.T) {
	// r1: 1 of 2 citations expected, r2: 1 of 1; r3 cites nothing and r5
	// expects no source, so neither counts.
	if got, n := eval.CitationPrecision(tinyRun()); !near(got, 0.75) || n != 2 {
		t.Errorf("citation precision = %v over %d, want 0.75 over 2", got, n)
	}
}

func TestFactRecall(t *testing.T) {
	// r1 found 1 of 2, r2 1 of 1: the mean of the items' shares.
	if got, n := eval.FactRecall(tinyRun()); !near(got, 0.75) || n != 2 {
		t.Errorf("fact recall = %v over %d, want 0.75 over 2", got, n)
	}
}

func TestRefusals(t *testing.T) {
	// Declined: r3, r4. Expected: r4, r5. Matching: all but r3 and r5.
	got := eval.Refusals(tinyRun())
	want := eval.RefusalScores{Precision: 0.5, Recall: 0.5, Accuracy: 0.75, Declined: 2, Expected: 2}
	if !near(got.Precision, want.Precision) || !near(got.Recall, want.Recall) || !near(got.Accuracy, want.Accuracy) ||
		got.Declined != want.Declined || got.Expected != want.Expected {
		t.Errorf("refusals = %+v, want %+v", got, want)
	}
}

func TestToolAccuracy(t *testing.T) {
	// r6 right, r7 wrong; r8 started a form nobody asked for and is not
	// counted here.
	if got, n := eval.ToolAccuracy(tinyRun()); !near(got, 0.5) || n != 2 {
		t.Errorf("tool accuracy = %v over %d, want 0.5 over 2", got, n)
	}
}

func TestLatencyPercentile(t *testing.T) {
	rs := tinyRun() // 10, 30, 20, 40, 50, 60, 70, 80 ms
	tests := []struct {
		p    float64
		want float64
	}{{50, 40}, {95, 80}, {100, 80}, {1, 10}, {12.5, 10}, {13, 20}}
	for _, tt := range tests {
		if got := eval.LatencyPercentile(rs, tt.p); got != tt.want {
			t.Errorf("p%v = %v, want %v", tt.p, got, tt.want)
		}
	}
	// Failed turns have no meaningful latency.
	rs[7].Error = "answer: boom"
	if got := eval.LatencyPercentile(rs, 95); got != 70 {
		t.Errorf("p95 without the failed item = %v, want 70", got)
	}
	if got := eval.LatencyPercentile(nil, 50); got != 0 {
		t.Errorf("p50 of nothing = %v", got)
	}
}

func TestGroundedness(t *testing.T) {
	// (3 + 1) supported of (4 + 1) claims; r5's judge found no claim.
	if got, n := eval.Groundedness(tinyRun()); !near(got, 0.8) || n != 2 {
		t.Errorf("groundedness = %v over %d, want 0.8 over 2", got, n)
	}
}

func TestSummarize(t *testing.T) {
	m := eval.Summarize(tinyRun())
	// r2, r4, r6 and r8 pass (see TestCheck).
	if m.Total != 8 || m.Passed != 4 || m.Errors != 0 || m.UnexpectedForms != 1 {
		t.Errorf("total %d passed %d errors %d unexpected forms %d, want 8, 4, 0, 1",
			m.Total, m.Passed, m.Errors, m.UnexpectedForms)
	}
	for name, got := range map[string][2]float64{
		"recall@1":           {m.RecallAt1, 1.0 / 3},
		"recall@5":           {m.RecallAt5, 2.0 / 3},
		"mrr":                {m.MRR, 0.5},
		"citation precision": {m.CitationPrecision, 0.75},
		"fact recall":        {m.FactRecall, 0.75},
		"refusal precision":  {m.RefusalPrecision, 0.5},
		"refusal recall":     {m.RefusalRecall, 0.5},
		"refusal accuracy":   {m.RefusalAccuracy, 0.75},
		"tool accuracy":      {m.ToolAccuracy, 0.5},
		"unexpected forms":   {m.UnexpectedFormRate, 1.0 / 6},
		"p50":                {m.LatencyP50MS, 40},
		"p95":                {m.LatencyP95MS, 80},
	} {
		if !near(got[0], got[1]) {
			t.Errorf("%s = %v, want %v", name, got[0], got[1])
		}
	}
	if m.Groundedness == nil || !near(*m.Groundedness, 0.8) {
		t.Errorf("groundedness = %v, want 0.8", m.Groundedness)
	}
	if m.PromptTokens != 150 || m.CompletionTokens != 15 {
		t.Errorf("tokens %d/%d, want 150/15", m.PromptTokens, m.CompletionTokens)
	}
	want := eval.Counts{Retrieval: 3, Citation: 2, Facts: 2, Declined: 2, ExpectedRefuse: 2, Tool: 2, NoTool: 6, Judged: 2}
	if m.Counts != want {
		t.Errorf("counts %+v, want %+v", m.Counts, want)
	}
	// Each share's interval is over its own denominator; groundedness's
	// over the claims (4 of 5), MRR's a t interval of 1/2, 1, 0.
	wantIv := map[string]eval.Interval{
		"recall_at_1": eval.Wilson(1, 3), "recall_at_5": eval.Wilson(2, 3),
		"mrr":                eval.MeanInterval([]float64{0.5, 1, 0}, 0, 1),
		"citation_precision": eval.Wilson(1.5, 2), "fact_recall": eval.Wilson(1.5, 2),
		"refusal_precision": eval.Wilson(1, 2), "refusal_recall": eval.Wilson(1, 2), "refusal_accuracy": eval.Wilson(6, 8),
		"tool_accuracy": eval.Wilson(1, 2), "unexpected_form_rate": eval.Wilson(1, 6), "groundedness": eval.Wilson(4, 5),
	}
	if len(m.Intervals) != len(wantIv) {
		t.Errorf("intervals %v, want the %d of %v", m.Intervals, len(wantIv), wantIv)
	}
	for k, w := range wantIv {
		if got, ok := m.Intervals[k]; !ok || !near(got.Low, w.Low) || !near(got.High, w.High) {
			t.Errorf("interval of %s = %+v, want %+v", k, got, w)
		}
	}
	if iv := m.Intervals["mrr"]; iv.Low != 0 || iv.High != 1 {
		t.Errorf("MRR interval %+v not clipped to [0, 1]", iv)
	}
	if len(eval.Summarize(nil).Intervals) != 0 {
		t.Error("intervals for figures over no items")
	}
	if eval.Summarize(nil).Groundedness != nil {
		t.Error("groundedness reported without a judge")
	}
}

func TestCheck(t *testing.T) {
	rs := tinyRun()
	var passed []string
	for _, r := range rs {
		if r.Pass {
			passed = append(passed, r.ID)
		}
	}
	// r1 misses a fact, r3 is not retrieved and declined, r5 answered
	// instead of declining, r7 started no form.
	if want := []string{"r2", "r4", "r6", "r8"}; !slices.Equal(passed, want) {
		t.Errorf("passed %v, want %v", passed, want)
	}
	r1 := rs[0].Checks
	if r1.Retrieval == nil || !*r1.Retrieval || r1.Citations == nil || !*r1.Citations || r1.Facts == nil || *r1.Facts || !r1.Refusal || r1.Tool != nil {
		t.Errorf("r1 checks %+v", r1)
	}
	// A refusal item with sources is not held to citing them.
	r := eval.Result{Item: eval.Item{ID: "x", ExpectSources: []string{"a"}, ExpectRefusal: true},
		Retrieved: []string{"a"}, Rank: 1, Status: "no_source", Declined: true}
	eval.Check(&r)
	if r.Checks.Citations != nil || !r.Pass {
		t.Errorf("refusal with sources: %+v pass %v", r.Checks, r.Pass)
	}
	// An error fails the item whatever else holds.
	r = eval.Result{Item: eval.Item{ID: "y"}, Error: "search: down"}
	eval.Check(&r)
	if r.Pass {
		t.Error("an item with an error passed")
	}
}

func TestDeclines(t *testing.T) {
	tests := []struct {
		status    string
		citations int
		want      bool
	}{
		{"no_source", 0, true},
		{"out_of_scope", 0, true},
		{"no_source", 1, false},
		{"answered", 0, false},
		{"fallback_offline", 0, false},
		{"error", 0, false},
	}
	for _, tt := range tests {
		if got := eval.Declines(tt.status, tt.citations); got != tt.want {
			t.Errorf("Declines(%q, %d) = %v", tt.status, tt.citations, got)
		}
	}
}

func TestMatchFacts(t *testing.T) {
	answer := "Prva rata dospeva 14. ФЕБРУАРА, na šalteru\n6 (025/468-202). Đurđevdan."
	found, missing := eval.MatchFacts(answer, []string{"14. februar", "шалтеру 6", "025/468-202", "djurdjevdan", "15. maj"})
	if want := []string{"14. februar", "шалтеру 6", "025/468-202", "djurdjevdan"}; !slices.Equal(found, want) {
		t.Errorf("found %v, want %v", found, want)
	}
	if !slices.Equal(missing, []string{"15. maj"}) {
		t.Errorf("missing %v", missing)
	}
}

func TestRankOf(t *testing.T) {
	if got := eval.RankOf([]string{"x", "y", "y", "z"}, []string{"z", "y"}); got != 2 {
		t.Errorf("rank %d, want 2", got)
	}
	if got := eval.RankOf([]string{"x"}, nil); got != 0 {
		t.Errorf("rank without expectation %d", got)
	}
}
