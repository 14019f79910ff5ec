package eval

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// column names a report in a side-by-side table: its split, else its
// dataset.
func column(r *Report) string {
	switch {
	case r.Split != "":
		return r.Split
	case r.Dataset != "":
		return r.Dataset
	}
	return "run"
}

// WriteSideBySide writes several runs (a municipality's dev and test
// splits) as one table for a terminal: a column per run with each figure
// and its 95% interval, the counts of every run, then each run's failing
// items under its name.
func WriteSideBySide(w io.Writer, reports []*Report) error {
	var b strings.Builder
	for _, r := range reports {
		fmt.Fprintf(&b, "%s: %s\n", strings.ToUpper(column(r)), header(r))
	}
	b.WriteString("\n")
	tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	head := []string{"METRIC"}
	for _, r := range reports {
		head = append(head, strings.ToUpper(column(r))+" (95% CI)")
	}
	fmt.Fprintln(tw, strings.Join(append(head, "OVER"), "\t"))
	for _, m := range metrics {
		row := []string{m.label}
		var ns []string
		for _, r := range reports {
			cell := "n/a"
			if m.n(r.Metrics) > 0 {
				cell = m.format(m.value(r.Metrics))
				if iv := m.interval(r.Metrics); iv != "" {
					cell += " " + iv
				}
			}
			row = append(row, cell)
			ns = append(ns, fmt.Sprint(m.n(r.Metrics)))
		}
		what := strings.Join(ns, " / ")
		if o := over[m.key]; o != "" {
			what += " " + o
		}
		if m.key == "unexpected_form_rate" {
			var counts []string
			for _, r := range reports {
				counts = append(counts, fmt.Sprint(r.UnexpectedForms))
			}
			what += ": " + strings.Join(counts, " / ") + " started a form"
		}
		fmt.Fprintln(tw, strings.Join(append(row, what), "\t"))
	}
	row := []string{"tokens"}
	for _, r := range reports {
		row = append(row, fmt.Sprintf("%d + %d", r.PromptTokens, r.CompletionTokens))
	}
	fmt.Fprintln(tw, strings.Join(append(row, "prompt + completion"), "\t"))
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, r := range reports {
		writeFailing(&b, r, strings.ToUpper(column(r))+" ")
	}
	_, err := io.WriteString(w, b.String())
	return err
}
