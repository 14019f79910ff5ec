package eval

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"text/tabwriter"
	"time"
)

// Report is a run's outcome: the metrics (flattened into the top level of
// the JSON) and every item's result.
type Report struct {
	Metrics
	Dataset string `json:"dataset,omitempty"`
	// Split is "dev" or "test" when the run is a municipality's split (see
	// LoadSplit); Files are then the dataset files merged into it.
	Split        string    `json:"split,omitempty"`
	Files        []string  `json:"files,omitempty"`
	Municipality string    `json:"municipality"`
	StartedAt    time.Time `json:"started_at"`
	ElapsedMS    float64   `json:"elapsed_ms"`
	Items        []Result  `json:"items"`
	// Comparison is set when the run was compared with an earlier one.
	Comparison *Comparison `json:"comparison,omitempty"`
}

// ReadReport reads a report written as JSON by an earlier run.
func ReadReport(path string) (*Report, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read report: %w", err)
	}
	var r Report
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("%s: not an eval report: %w", path, err)
	}
	if r.Items == nil {
		return nil, fmt.Errorf("%s: not an eval report: no items", path)
	}
	return &r, nil
}

// metric describes one figure for the table and the comparison.
type metric struct {
	key, label string
	value      func(Metrics) float64
	// n is the number of items the figure is computed over; 0 means the
	// figure is not defined for this run.
	n           func(Metrics) int
	ms          bool // a latency, not a share
	lowerBetter bool
}

var metrics = []metric{
	{"recall_at_1", "recall@1", func(m Metrics) float64 { return m.RecallAt1 }, func(m Metrics) int { return m.Counts.Retrieval }, false, false},
	{"recall_at_5", "recall@5", func(m Metrics) float64 { return m.RecallAt5 }, func(m Metrics) int { return m.Counts.Retrieval }, false, false},
	{"mrr", "MRR", func(m Metrics) float64 { return m.MRR }, func(m Metrics) int { return m.Counts.Retrieval }, false, false},
	{"citation_precision", "citation precision", func(m Metrics) float64 { return m.CitationPrecision }, func(m Metrics) int { return m.Counts.Citation }, false, false},
	{"fact_recall", "fact recall", func(m Metrics) float64 { return m.FactRecall }, func(m Metrics) int { return m.Counts.Facts }, false, false},
	{"refusal_precision", "refusal precision", func(m Metrics) float64 { return m.RefusalPrecision }, func(m Metrics) int { return m.Counts.Declined }, false, false},
	{"refusal_recall", "refusal recall", func(m Metrics) float64 { return m.RefusalRecall }, func(m Metrics) int { return m.Counts.ExpectedRefuse }, false, false},
	{"refusal_accuracy", "refusal accuracy", func(m Metrics) float64 { return m.RefusalAccuracy }, func(m Metrics) int { return m.Total }, false, false},
	{"tool_accuracy", "tool accuracy", func(m Metrics) float64 { return m.ToolAccuracy }, func(m Metrics) int { return m.Counts.Tool }, false, false},
	{"unexpected_form_rate", "unexpected form starts", func(m Metrics) float64 { return m.UnexpectedFormRate }, func(m Metrics) int { return m.Counts.NoTool }, false, true},
	{"groundedness", "groundedness", func(m Metrics) float64 {
		if m.Groundedness == nil {
			return 0
		}
		return *m.Groundedness
	}, func(m Metrics) int { return m.Counts.Judged }, false, false},
	{"latency_p50_ms", "latency p50", func(m Metrics) float64 { return m.LatencyP50MS }, func(m Metrics) int { return m.Total - m.Errors }, true, true},
	{"latency_p95_ms", "latency p95", func(m Metrics) float64 { return m.LatencyP95MS }, func(m Metrics) int { return m.Total - m.Errors }, true, true},
}

// what each metric's count counts, for the table.
var over = map[string]string{
	"recall_at_1":          "items with expect_sources",
	"citation_precision":   "of those, answers citing something",
	"fact_recall":          "items with expect_facts",
	"refusal_precision":    "answers that declined",
	"refusal_recall":       "items with expect_refusal",
	"refusal_accuracy":     "all items",
	"tool_accuracy":        "items with expect_tool",
	"unexpected_form_rate": "items without expect_tool",
	"groundedness":         "judged answers",
	"latency_p50_ms":       "turns (engine Handle)",
}

func (m metric) format(v float64) string {
	if m.ms {
		return fmt.Sprintf("%.1f ms", v)
	}
	return fmt.Sprintf("%.3f", v)
}

// interval returns the figure's 95% interval for a table cell, or "" when
// it has none.
func (m metric) interval(r Metrics) string {
	iv, ok := r.Intervals[m.key]
	if !ok || m.n(r) == 0 {
		return ""
	}
	return fmt.Sprintf("[%.3f, %.3f]", iv.Low, iv.High)
}

// overText says what a figure's count counts, with the number of
// unexpected form starts beside their rate.
func overText(m metric, r Metrics) string {
	what := over[m.key]
	if m.key == "unexpected_form_rate" {
		what += fmt.Sprintf(": %d started a form", r.UnexpectedForms)
	}
	if what != "" {
		what = " " + what
	}
	return fmt.Sprintf("%d%s", m.n(r), what)
}

// header is a report's first line: what ran and how many items passed.
func header(r *Report) string {
	name := r.Dataset
	if name == "" {
		name = "dataset"
	}
	s := fmt.Sprintf("%s: %d items, municipality %s, %.1f s: %d passed, %d failed",
		name, r.Total, r.Municipality, r.ElapsedMS/1000, r.Passed, r.Total-r.Passed)
	if r.Errors > 0 {
		s += fmt.Sprintf(" (%d with errors)", r.Errors)
	}
	return s
}

// WriteTable writes the report for a terminal: the metrics with their 95%
// intervals, then one line per failing item.
func WriteTable(w io.Writer, r *Report) error {
	var b strings.Builder
	h := header(r)
	if r.Split != "" {
		// A split's dataset is its directory: say which split ran.
		h = r.Split + " split of " + h
	}
	b.WriteString(h + "\n\n")
	tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "METRIC\tVALUE\t95% CI\tOVER")
	for _, m := range metrics {
		n := m.n(r.Metrics)
		val := m.format(m.value(r.Metrics))
		if n == 0 {
			val = "n/a"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", m.label, val, m.interval(r.Metrics), overText(m, r.Metrics))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(&b, "tokens: %s\n", tokens(r.Metrics))
	writeFailing(&b, r, "")
	_, err := io.WriteString(w, b.String())
	return err
}

func tokens(m Metrics) string {
	if m.PromptTokens+m.CompletionTokens == 0 {
		return "0 (no model, or usage not recorded)"
	}
	return fmt.Sprintf("%d prompt + %d completion", m.PromptTokens, m.CompletionTokens)
}

// writeFailing lists r's failing items, if any, under a heading with the
// given prefix.
func writeFailing(b *strings.Builder, r *Report, prefix string) {
	var failing []Result
	for _, it := range r.Items {
		if !it.Pass {
			failing = append(failing, it)
		}
	}
	if len(failing) == 0 {
		return
	}
	fmt.Fprintf(b, "\n%sFAILING (%d)\n", prefix, len(failing))
	for _, it := range failing {
		b.WriteString(FailureLine(it))
		b.WriteString("\n")
	}
}

// FailureLine describes a failing item on one line: its id, every failed
// check with what happened, and the question.
func FailureLine(r Result) string {
	var why []string
	if r.Error != "" {
		why = append(why, "error: "+r.Error)
	}
	failed := func(c *bool) bool { return c != nil && !*c }
	if failed(r.Checks.Retrieval) {
		why = append(why, fmt.Sprintf("not retrieved (top: %s)", list(r.Retrieved)))
	}
	if failed(r.Checks.Citations) {
		why = append(why, fmt.Sprintf("cites %s", list(r.Citations)))
	}
	if failed(r.Checks.Facts) {
		why = append(why, fmt.Sprintf("missing %s", quoted(r.FactsMissing)))
	}
	if !r.Checks.Refusal && r.Error == "" {
		if r.ExpectRefusal {
			why = append(why, fmt.Sprintf("answered (%s/%s, %d citations) instead of declining", r.Route, r.Status, len(r.Citations)))
		} else {
			why = append(why, fmt.Sprintf("declined (%s/%s, confidence %.2f)", r.Route, r.Status, r.Confidence))
		}
	}
	if failed(r.Checks.Tool) {
		form := r.Form
		if form == "" {
			form = "-"
		}
		why = append(why, fmt.Sprintf("route %s form %s, want form %s", r.Route, form, r.ExpectTool))
	}
	return fmt.Sprintf("%s  %s  %q", r.ID, strings.Join(why, "; "), clip(r.Question, 70))
}

func list(s []string) string {
	if len(s) == 0 {
		return "nothing"
	}
	return strings.Join(s, ", ")
}

func quoted(s []string) string {
	q := make([]string, len(s))
	for i, x := range s {
		q[i] = fmt.Sprintf("%q", x)
	}
	return strings.Join(q, ", ")
}

// Comparison is a run measured against an earlier one.
type Comparison struct {
	Deltas []Delta `json:"deltas"`
	// PassToFail and FailToPass are the ids of items in both runs whose
	// verdict changed.
	PassToFail []string `json:"pass_to_fail"`
	FailToPass []string `json:"fail_to_pass"`
	// Added and Removed are ids in only one of the runs.
	Added   []string `json:"added,omitempty"`
	Removed []string `json:"removed,omitempty"`
}

// Delta is one metric in both runs. Metrics not defined in either run
// (computed over no items) are left out.
type Delta struct {
	Metric   string  `json:"metric"`
	Previous float64 `json:"previous"`
	Current  float64 `json:"current"`
	Change   float64 `json:"change"`
	// Worse is set when the change goes the wrong way (a lower share, a
	// higher latency).
	Worse bool `json:"worse"`
}

// Compare measures cur against prev.
func Compare(prev, cur *Report) *Comparison {
	c := &Comparison{PassToFail: []string{}, FailToPass: []string{}}
	for _, m := range metrics {
		if m.n(prev.Metrics) == 0 || m.n(cur.Metrics) == 0 {
			continue
		}
		p, v := m.value(prev.Metrics), m.value(cur.Metrics)
		d := Delta{Metric: m.key, Previous: p, Current: v, Change: v - p}
		d.Worse = d.Change < 0 && !m.lowerBetter || d.Change > 0 && m.lowerBetter
		c.Deltas = append(c.Deltas, d)
	}
	before := map[string]bool{}
	for _, it := range prev.Items {
		before[it.ID] = it.Pass
	}
	seen := map[string]bool{}
	for _, it := range cur.Items {
		seen[it.ID] = true
		was, ok := before[it.ID]
		switch {
		case !ok:
			c.Added = append(c.Added, it.ID)
		case was && !it.Pass:
			c.PassToFail = append(c.PassToFail, it.ID)
		case !was && it.Pass:
			c.FailToPass = append(c.FailToPass, it.ID)
		}
	}
	for _, it := range prev.Items {
		if !seen[it.ID] {
			c.Removed = append(c.Removed, it.ID)
		}
	}
	return c
}

// WriteComparison writes a comparison for a terminal: each metric with ▲
// or ▼ and the signed change, then the items whose verdict changed (a
// newly failing one with what failed, from cur).
func WriteComparison(w io.Writer, c *Comparison, cur *Report) error {
	var b strings.Builder
	b.WriteString("\nCOMPARED WITH THE PREVIOUS RUN\n")
	tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	byKey := map[string]metric{}
	for _, m := range metrics {
		byKey[m.key] = m
	}
	for _, d := range c.Deltas {
		m := byKey[d.Metric]
		mark, note := "=", ""
		switch {
		case math.Abs(d.Change) < 1e-9:
		case d.Change > 0:
			mark = "▲"
		default:
			mark = "▼"
		}
		if d.Worse {
			note = "  worse"
		}
		change := fmt.Sprintf("%+.3f", d.Change)
		if m.ms {
			change = fmt.Sprintf("%+.1f ms", d.Change)
		}
		fmt.Fprintf(tw, "%s\t%s → %s\t%s %s%s\n", m.label, m.format(d.Previous), m.format(d.Current), mark, change, note)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	byID := map[string]Result{}
	for _, it := range cur.Items {
		byID[it.ID] = it
	}
	fmt.Fprintf(&b, "\npass → fail (%d)\n", len(c.PassToFail))
	for _, id := range c.PassToFail {
		b.WriteString("  " + FailureLine(byID[id]) + "\n")
	}
	fmt.Fprintf(&b, "fail → pass (%d)", len(c.FailToPass))
	if len(c.FailToPass) > 0 {
		b.WriteString(": " + strings.Join(c.FailToPass, ", "))
	}
	b.WriteString("\n")
	if len(c.Added) > 0 {
		fmt.Fprintf(&b, "new items (%d): %s\n", len(c.Added), strings.Join(c.Added, ", "))
	}
	if len(c.Removed) > 0 {
		fmt.Fprintf(&b, "items no longer in the dataset (%d): %s\n", len(c.Removed), strings.Join(c.Removed, ", "))
	}
	_, err := io.WriteString(w, b.String())
	return err
}
