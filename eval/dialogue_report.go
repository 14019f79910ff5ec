package eval

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// DialogueMetrics summarise a dialogue run.
type DialogueMetrics struct {
	Total int `json:"total"`
	// Succeeded dialogues filed the expected case with the expected
	// fields (or, expecting nothing, filed nothing and left no form open).
	Succeeded   int      `json:"succeeded"`
	SuccessRate float64  `json:"success_rate"`
	SuccessCI   Interval `json:"success_ci"`
	// OnTarget dialogues succeeded within one turn over their minimum:
	// the target is every test dialogue.
	OnTarget     int      `json:"on_target"`
	OnTargetRate float64  `json:"on_target_rate"`
	OnTargetCI   Interval `json:"on_target_ci"`
	// MeanOverMin is the mean of turns over the minimum, over succeeded
	// dialogues; OverMinPlusOne counts those that took more than min+1.
	MeanOverMin    float64 `json:"mean_turns_over_min"`
	OverMinPlusOne int     `json:"over_min_plus_one"`
	// Filing counts the dialogues that must file a case, FiledOK those of
	// them that did, as expected.
	Filing  int `json:"filing"`
	FiledOK int `json:"filed_ok"`
	// NoFiling counts the dialogues that must file nothing, NoFilingOK
	// those of them that did not (and left no form open).
	NoFiling   int `json:"no_filing"`
	NoFilingOK int `json:"no_filing_ok"`
	Errors     int `json:"errors"`
}

// DialogueReport is a dialogue run's outcome.
type DialogueReport struct {
	DialogueMetrics
	Dataset   string           `json:"dataset,omitempty"`
	StartedAt time.Time        `json:"started_at"`
	ElapsedMS float64          `json:"elapsed_ms"`
	Dialogues []DialogueResult `json:"dialogues"`
}

// SummarizeDialogues computes the metrics of results.
func SummarizeDialogues(rs []DialogueResult) DialogueMetrics {
	m := DialogueMetrics{Total: len(rs)}
	over := 0
	for i := range rs {
		r := &rs[i]
		if r.Error != "" {
			m.Errors++
		}
		if r.WantsCase {
			m.Filing++
		} else {
			m.NoFiling++
		}
		if !r.Success {
			continue
		}
		m.Succeeded++
		if r.WantsCase {
			m.FiledOK++
		} else {
			m.NoFilingOK++
		}
		over += r.OverMin()
		if r.OnTarget() {
			m.OnTarget++
		} else {
			m.OverMinPlusOne++
		}
	}
	if m.Total > 0 {
		m.SuccessRate = float64(m.Succeeded) / float64(m.Total)
		m.OnTargetRate = float64(m.OnTarget) / float64(m.Total)
		m.SuccessCI = Wilson(float64(m.Succeeded), m.Total)
		m.OnTargetCI = Wilson(float64(m.OnTarget), m.Total)
	}
	if m.Succeeded > 0 {
		m.MeanOverMin = float64(over) / float64(m.Succeeded)
	}
	return m
}

// WriteDialogueTable prints the report: the figures, one line per
// dialogue, then each failure with its transcript.
func WriteDialogueTable(w io.Writer, rep *DialogueReport) error {
	var b strings.Builder
	m := rep.DialogueMetrics
	fmt.Fprintf(&b, "DIALOGUES %s: %d dialogues (%d must file a case, %d must not)\n", rep.Dataset, m.Total, m.Filing, m.NoFiling)
	fmt.Fprintf(&b, "  success rate            %.3f [%.3f, %.3f]  %d of %d (filed as expected %d/%d, nothing filed as expected %d/%d)\n",
		m.SuccessRate, m.SuccessCI.Low, m.SuccessCI.High, m.Succeeded, m.Total, m.FiledOK, m.Filing, m.NoFilingOK, m.NoFiling)
	fmt.Fprintf(&b, "  within min+1 turns      %.3f [%.3f, %.3f]  %d of %d (target: all)\n",
		m.OnTargetRate, m.OnTargetCI.Low, m.OnTargetCI.High, m.OnTarget, m.Total)
	fmt.Fprintf(&b, "  mean turns over minimum %.2f (over the %d that succeeded); %d succeeded with more than min+1\n",
		m.MeanOverMin, m.Succeeded, m.OverMinPlusOne)
	if m.Errors > 0 {
		fmt.Fprintf(&b, "  errors                  %d\n", m.Errors)
	}
	b.WriteString("\n")
	if _, err := io.WriteString(w, b.String()); err != nil {
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tMUNICIPALITY\tCHANNEL\tRESULT\tTURNS/MIN\tCASE\tFAILURE")
	for _, r := range rep.Dialogues {
		verdict := "ok"
		switch {
		case !r.Success:
			verdict = "FAIL"
		case !r.OnTarget():
			verdict = "slow"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d/%d\t%s\t%s\n", r.ID, r.Municipality, r.Channel, verdict, r.Turns, r.MinTurns,
			refOrDash(r.CaseRef), r.Failure)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	b.Reset()
	for _, r := range rep.Dialogues {
		if r.Success {
			continue
		}
		fmt.Fprintf(&b, "\n--- %s FAILED: %s\n", r.ID, r.Failure)
		if r.Note != "" {
			fmt.Fprintf(&b, "    (%s)\n", r.Note)
		}
		for i, l := range r.Transcript {
			fmt.Fprintf(&b, "  %d. citizen: %s\n", i+1, l.Citizen)
			fmt.Fprintf(&b, "     MIA: %s\n", indentLines(l.MIA, "          "))
			if len(l.Buttons) > 0 {
				fmt.Fprintf(&b, "     buttons: %s\n", strings.Join(l.Buttons, " | "))
			}
			if l.Asks != "" {
				fmt.Fprintf(&b, "     (the form now asks %s)\n", l.Asks)
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func refOrDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func indentLines(s, prefix string) string {
	return strings.ReplaceAll(strings.TrimSpace(s), "\n", "\n"+prefix)
}
