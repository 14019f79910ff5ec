package eval

import (
	"math"
	"slices"
	"strings"

	"github.com/miasrbija/mia/serbian"
)

// Result is what one item produced, with its checks.
type Result struct {
	Item
	// Retrieved are the sources of the search's top hits, best first (a
	// document may appear more than once).
	Retrieved []string `json:"retrieved"`
	// Rank is the 1-based position of the first retrieved source among
	// ExpectSources; 0 when none was retrieved or none is expected.
	Rank int `json:"rank"`
	// Confidence is the search's (rag.Results.Confidence): below
	// rag.ConfidenceThreshold the engine declines.
	Confidence float64  `json:"confidence"`
	Answer     string   `json:"answer"`
	Citations  []string `json:"citations"` // the sources the answer cites, in citation order
	// RetrievedDocuments and CitedDocuments are the stored document ids
	// behind Retrieved and Citations: a source name may exist in several
	// municipalities, an id in one only.
	RetrievedDocuments []int64 `json:"retrieved_documents,omitempty"`
	CitedDocuments     []int64 `json:"cited_documents,omitempty"`
	Declined           bool    `json:"declined"`
	Route              string  `json:"route"`
	Form               string  `json:"form,omitempty"`
	Status             string  `json:"status"`

	FactsFound   []string `json:"facts_found,omitempty"`
	FactsMissing []string `json:"facts_missing,omitempty"`
	LatencyMS    float64  `json:"latency_ms"` // of the engine's Handle

	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
	// Groundedness is the judge's verdict; nil when not judged.
	Groundedness *Verdict `json:"groundedness,omitempty"`
	JudgeError   string   `json:"judge_error,omitempty"`
	// Error is why the search or the turn failed, or why its token usage
	// could not be read; such an item fails.
	Error string `json:"error,omitempty"`

	Checks Checks `json:"checks"`
	Pass   bool   `json:"pass"`
}

// Checks are an item's pass/fail flags; nil means the item sets no
// expectation for that check.
type Checks struct {
	// Retrieval: an expected source is among the retrieved hits.
	Retrieval *bool `json:"retrieval,omitempty"`
	// Citations: the answer cites at least one expected source (items
	// with expect_sources that are not expected to refuse).
	Citations *bool `json:"citations,omitempty"`
	// Facts: every expected fact is in the answer.
	Facts *bool `json:"facts,omitempty"`
	// Refusal: the answer declined exactly when a refusal was expected.
	// Every item is checked.
	Refusal bool `json:"refusal"`
	// Tool: the turn started the expected form.
	Tool *bool `json:"tool,omitempty"`
}

// Verdict is a judge's count of an answer's claims.
type Verdict struct {
	Supported int `json:"supported"`
	Total     int `json:"total"`
}

// Declined statuses: a reply with one of these and no citation declines.
const (
	statusNoSource   = "no_source"
	statusOutOfScope = "out_of_scope"
	routeFormStart   = "form_start"
)

// Declines reports whether a reply declined to answer: its status is
// no_source or out_of_scope and it cites nothing.
func Declines(status string, citations int) bool {
	return (status == statusNoSource || status == statusOutOfScope) && citations == 0
}

// RankOf returns the 1-based position of the first of retrieved that is
// among expected, or 0.
func RankOf(retrieved, expected []string) int {
	for i, s := range retrieved {
		if slices.Contains(expected, s) {
			return i + 1
		}
	}
	return 0
}

// Normalize prepares text for fact matching: Cyrillic to Latin, lower
// case, č/ć→c, š→s, ž→z, đ→d (and dj→d, as serbian.Fold does on both
// sides), with runs of white space made one space so line breaks in an
// answer do not hide a fact.
func Normalize(s string) string {
	return strings.Join(strings.Fields(serbian.Fold(s)), " ")
}

// MatchFacts splits facts into those found in answer and those missing,
// both compared after Normalize.
func MatchFacts(answer string, facts []string) (found, missing []string) {
	a := Normalize(answer)
	for _, f := range facts {
		if strings.Contains(a, Normalize(f)) {
			found = append(found, f)
		} else {
			missing = append(missing, f)
		}
	}
	return found, missing
}

// Check fills r's checks and pass flag from its fields. An item whose
// search or turn failed does not pass.
func Check(r *Result) {
	r.Checks = Checks{Refusal: r.Declined == r.ExpectRefusal}
	if len(r.ExpectSources) > 0 {
		r.Checks.Retrieval = ptr(r.Rank > 0)
		if !r.ExpectRefusal {
			r.Checks.Citations = ptr(slices.ContainsFunc(r.Citations, func(s string) bool {
				return slices.Contains(r.ExpectSources, s)
			}))
		}
	}
	if len(r.ExpectFacts) > 0 {
		r.Checks.Facts = ptr(len(r.FactsMissing) == 0)
	}
	if r.ExpectTool != "" {
		r.Checks.Tool = ptr(r.Route == routeFormStart && r.Form == r.ExpectTool)
	}
	r.Pass = r.Error == "" && r.Checks.Refusal
	for _, c := range []*bool{r.Checks.Retrieval, r.Checks.Citations, r.Checks.Facts, r.Checks.Tool} {
		if c != nil && !*c {
			r.Pass = false
		}
	}
}

func ptr[T any](v T) *T { return &v }

// Metrics are a run's figures. Each share comes with the number of items
// it is computed over (Counts); a share over no items is 0.
type Metrics struct {
	Total  int `json:"total"`  // items run
	Passed int `json:"passed"` // items whose every check passed
	Errors int `json:"errors"` // items whose search or turn failed

	RecallAt1         float64 `json:"recall_at_1"`
	RecallAt5         float64 `json:"recall_at_5"`
	MRR               float64 `json:"mrr"`
	CitationPrecision float64 `json:"citation_precision"`
	FactRecall        float64 `json:"fact_recall"`
	RefusalPrecision  float64 `json:"refusal_precision"`
	RefusalRecall     float64 `json:"refusal_recall"`
	RefusalAccuracy   float64 `json:"refusal_accuracy"`
	ToolAccuracy      float64 `json:"tool_accuracy"`
	// UnexpectedForms counts items without expect_tool whose turn started
	// a form anyway (tool_accuracy does not see them); UnexpectedFormRate
	// is that count over the items without expect_tool (Counts.NoTool).
	// A question that is not a request must never open a form.
	UnexpectedForms    int     `json:"unexpected_forms"`
	UnexpectedFormRate float64 `json:"unexpected_form_rate"`
	LatencyP50MS       float64 `json:"latency_p50_ms"`
	LatencyP95MS       float64 `json:"latency_p95_ms"`
	// Tokens are the model's, summed over the run; 0 offline or when the
	// run could not read them.
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
	// Groundedness is nil unless a judge ran.
	Groundedness *float64 `json:"groundedness,omitempty"`

	Counts Counts `json:"counts"`
	// Intervals are the 95% confidence intervals of the figures above, by
	// their JSON name (recall_at_5, mrr, ...): see Intervals. A figure over
	// no items has none.
	Intervals map[string]Interval `json:"intervals,omitempty"`
}

// Counts are the denominators of the shares in Metrics.
type Counts struct {
	Retrieval      int `json:"retrieval"`       // items with expect_sources
	Citation       int `json:"citation"`        // ... that also cite something
	Facts          int `json:"facts"`           // items with expect_facts
	Declined       int `json:"declined"`        // items whose answer declined
	ExpectedRefuse int `json:"expected_refuse"` // items with expect_refusal
	Tool           int `json:"tool"`            // items with expect_tool
	NoTool         int `json:"no_tool"`         // items without expect_tool
	Judged         int `json:"judged"`          // items the judge counted claims in
}

// Summarize computes every metric from checked results.
func Summarize(rs []Result) Metrics {
	m := Metrics{Total: len(rs)}
	for _, r := range rs {
		if r.Pass {
			m.Passed++
		}
		if r.Error != "" {
			m.Errors++
		}
		if r.ExpectTool == "" {
			m.Counts.NoTool++
			if r.Route == routeFormStart {
				m.UnexpectedForms++
			}
		}
		m.PromptTokens += r.PromptTokens
		m.CompletionTokens += r.CompletionTokens
	}
	m.RecallAt1, m.Counts.Retrieval = RecallAt(rs, 1)
	m.RecallAt5, _ = RecallAt(rs, 5)
	m.MRR, _ = MRR(rs)
	m.CitationPrecision, m.Counts.Citation = CitationPrecision(rs)
	m.FactRecall, m.Counts.Facts = FactRecall(rs)
	rf := Refusals(rs)
	m.RefusalPrecision, m.RefusalRecall, m.RefusalAccuracy = rf.Precision, rf.Recall, rf.Accuracy
	m.Counts.Declined, m.Counts.ExpectedRefuse = rf.Declined, rf.Expected
	m.ToolAccuracy, m.Counts.Tool = ToolAccuracy(rs)
	m.LatencyP50MS = LatencyPercentile(rs, 50)
	m.LatencyP95MS = LatencyPercentile(rs, 95)
	if g, n := Groundedness(rs); n > 0 {
		m.Groundedness, m.Counts.Judged = &g, n
	}
	m.UnexpectedFormRate = share(float64(m.UnexpectedForms), m.Counts.NoTool)
	m.Intervals = Intervals(rs, m)
	return m
}

// RecallAt is the share of items with expect_sources whose first expected
// source is within the top k retrieved; n is the number of such items.
func RecallAt(rs []Result, k int) (recall float64, n int) {
	hits := 0
	for _, r := range rs {
		if len(r.ExpectSources) == 0 {
			continue
		}
		n++
		if r.Rank >= 1 && r.Rank <= k {
			hits++
		}
	}
	return share(float64(hits), n), n
}

// MRR is the mean reciprocal rank of the first expected source (0 when
// none was retrieved) over items with expect_sources.
func MRR(rs []Result) (mrr float64, n int) {
	var sum float64
	for _, r := range rs {
		if len(r.ExpectSources) == 0 {
			continue
		}
		n++
		if r.Rank > 0 {
			sum += 1 / float64(r.Rank)
		}
	}
	return share(sum, n), n
}

// CitationPrecision is, over items with expect_sources whose answer cites
// something, the mean share of citations whose source is expected. Each
// item weighs the same however many citations it has.
func CitationPrecision(rs []Result) (precision float64, n int) {
	var sum float64
	for _, r := range rs {
		if len(r.ExpectSources) == 0 || len(r.Citations) == 0 {
			continue
		}
		n++
		good := 0
		for _, c := range r.Citations {
			if slices.Contains(r.ExpectSources, c) {
				good++
			}
		}
		sum += float64(good) / float64(len(r.Citations))
	}
	return share(sum, n), n
}

// FactRecall is, over items with expect_facts, the mean share of their
// facts found in the answer. Each item weighs the same however many facts
// it lists.
func FactRecall(rs []Result) (recall float64, n int) {
	var sum float64
	for _, r := range rs {
		if len(r.ExpectFacts) == 0 {
			continue
		}
		n++
		sum += float64(len(r.FactsFound)) / float64(len(r.ExpectFacts))
	}
	return share(sum, n), n
}

// RefusalScores treats "declined" as the positive class.
type RefusalScores struct {
	// Precision: of the answers that declined, the share expected to.
	Precision float64
	// Recall: of the items expected to decline, the share that did.
	Recall float64
	// Accuracy: of all items, the share whose declining matched
	// expect_refusal.
	Accuracy float64
	// Declined and Expected are the denominators of Precision and Recall.
	Declined, Expected int
}

// Refusals computes the refusal scores.
func Refusals(rs []Result) RefusalScores {
	var s RefusalScores
	tp, right := 0, 0
	for _, r := range rs {
		if r.Declined {
			s.Declined++
		}
		if r.ExpectRefusal {
			s.Expected++
		}
		if r.Declined && r.ExpectRefusal {
			tp++
		}
		if r.Declined == r.ExpectRefusal {
			right++
		}
	}
	s.Precision = share(float64(tp), s.Declined)
	s.Recall = share(float64(tp), s.Expected)
	s.Accuracy = share(float64(right), len(rs))
	return s
}

// ToolAccuracy is the share of items with expect_tool whose turn started
// that form (route form_start with the same form). Items without
// expect_tool are not counted, even when they started a form: see
// Metrics.UnexpectedForms.
func ToolAccuracy(rs []Result) (accuracy float64, n int) {
	right := 0
	for _, r := range rs {
		if r.ExpectTool == "" {
			continue
		}
		n++
		if r.Route == routeFormStart && r.Form == r.ExpectTool {
			right++
		}
	}
	return share(float64(right), n), n
}

// LatencyPercentile is the p-th percentile (0 < p ≤ 100) of the items'
// latencies by the nearest-rank method: the smallest latency that at
// least p% of the items do not exceed. Items that failed with an error
// are left out; with none left it is 0.
func LatencyPercentile(rs []Result, p float64) float64 {
	var ls []float64
	for _, r := range rs {
		if r.Error == "" {
			ls = append(ls, r.LatencyMS)
		}
	}
	if len(ls) == 0 {
		return 0
	}
	slices.Sort(ls)
	i := int(math.Ceil(p/100*float64(len(ls)))) - 1
	return ls[min(max(i, 0), len(ls)-1)]
}

// Groundedness is the share of claims the judge found supported, over all
// judged answers' claims together; n counts the judged answers that made
// at least one claim.
func Groundedness(rs []Result) (g float64, n int) {
	supported, total := 0, 0
	for _, r := range rs {
		if r.Groundedness == nil || r.Groundedness.Total == 0 {
			continue
		}
		n++
		supported += r.Groundedness.Supported
		total += r.Groundedness.Total
	}
	if total == 0 {
		return 0, 0
	}
	return float64(supported) / float64(total), n
}

func share(x float64, n int) float64 {
	if n == 0 {
		return 0
	}
	return x / float64(n)
}
