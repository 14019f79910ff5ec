package eval

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/miasrbija/mia/nlu"
)

// WriteNLUTable prints a run's figures with their 95% intervals, the
// intent confusions and the failing items.
func WriteNLUTable(w io.Writer, rep *NLUReport) error {
	m, iv := rep.Metrics, rep.Intervals
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "dataset\t%s\t\n", rep.Dataset)
	fmt.Fprintf(tw, "items\t%d (%d novel)\t\n", m.Total, m.Novel)
	row := func(name, key string, v float64, detail string) {
		fmt.Fprintf(tw, "%s\t%.3f\t[%.3f, %.3f]\t%s\n", name, v, iv[key].Low, iv[key].High, detail)
	}
	row("intent accuracy", "intent_accuracy", m.IntentAccuracy, "")
	if m.Novel > 0 {
		row("novel accuracy", "novel_accuracy", m.NovelAccuracy, fmt.Sprintf("%d items phrased unlike dev and training", m.Novel))
	}
	row("slot precision", "slot_precision", m.SlotPrecision, fmt.Sprintf("%d right, %d wrong or unexpected", m.SlotTP, m.SlotFP))
	row("slot recall", "slot_recall", m.SlotRecall, fmt.Sprintf("%d missing or wrong", m.SlotFN))
	row("slot F1", "slot_f1", m.SlotF1, "")
	row("clarification rate", "clarification_rate", m.ClarificationRate, fmt.Sprintf("accuracy when not asking %.3f", m.AnsweredAccuracy))
	row("info → form", "info_to_form_rate", m.InfoToFormRate, fmt.Sprintf("%d of %d questions", m.InfoToForm, m.InfoQuestions))
	row("form → info", "form_to_info_rate", m.FormToInfoRate, fmt.Sprintf("%d of %d form starts", m.FormToInfo, m.FormStarts))
	if err := tw.Flush(); err != nil {
		return err
	}
	if conf := confusions(m.Confusion); conf != "" {
		fmt.Fprintf(w, "\nconfusions (expected → got ×n): %s\n", conf)
	}
	var failed []NLUResult
	for _, r := range rep.Results {
		if !r.IntentOK() || len(r.SlotErrors) > 0 {
			failed = append(failed, r)
		}
	}
	if len(failed) == 0 {
		return nil
	}
	fmt.Fprintf(w, "\nfailing items (%d):\n", len(failed))
	for _, r := range failed {
		form := ""
		if r.Form != "" {
			form = " [in " + r.Form + "]"
		}
		fmt.Fprintf(w, "  %s%s %q\n", r.ID, form, r.Text)
		if !r.IntentOK() {
			fmt.Fprintf(w, "    intent %s (%.2f), want %s\n", r.Got, r.Confidence, r.Intent)
		}
		for _, e := range r.SlotErrors {
			fmt.Fprintf(w, "    %s\n", e)
		}
	}
	_, err := fmt.Fprintln(w)
	return err
}

// confusions lists the off-diagonal cells of a confusion table, largest
// first.
func confusions(c map[nlu.Intent]map[nlu.Intent]int) string {
	type cell struct {
		want, got nlu.Intent
		n         int
	}
	var cells []cell
	for want, row := range c {
		for got, n := range row {
			if got != want {
				cells = append(cells, cell{want, got, n})
			}
		}
	}
	slices.SortFunc(cells, func(a, b cell) int {
		if a.n != b.n {
			return b.n - a.n
		}
		return strings.Compare(string(a.want)+string(a.got), string(b.want)+string(b.got))
	})
	parts := make([]string, len(cells))
	for i, c := range cells {
		parts[i] = fmt.Sprintf("%s→%s ×%d", c.want, c.got, c.n)
	}
	return strings.Join(parts, ", ")
}
