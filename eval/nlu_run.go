package eval

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"unicode"

	"github.com/miasrbija/mia/municipality"
	"github.com/miasrbija/mia/nlu"
	"github.com/miasrbija/mia/serbian"
)

// NLUResult is what the understanding made of one item.
type NLUResult struct {
	NLUItem
	Got        nlu.Intent        `json:"got"`
	Confidence float64           `json:"confidence"`
	Clarify    bool              `json:"clarify"`
	GotSlots   map[string]string `json:"got_slots,omitempty"`
	// SlotTP, SlotFP and SlotFN count the item's slots: found and right;
	// found but not expected or wrong; expected but missing or wrong.
	SlotTP int `json:"slot_tp"`
	SlotFP int `json:"slot_fp"`
	SlotFN int `json:"slot_fn"`
	// SlotErrors describe each wrong, missing or unexpected slot.
	SlotErrors []string `json:"slot_errors,omitempty"`
}

// IntentOK reports whether the intent was read right.
func (r NLUResult) IntentOK() bool { return r.Got == r.Intent }

// NLUMetrics are the understanding's figures over a dataset.
type NLUMetrics struct {
	Total          int     `json:"total"`
	IntentAccuracy float64 `json:"intent_accuracy"`
	// NovelAccuracy is the intent accuracy on items marked novel.
	Novel         int     `json:"novel"`
	NovelAccuracy float64 `json:"novel_accuracy"`
	// SlotF1 is micro-averaged over every slot of every item.
	SlotPrecision float64 `json:"slot_precision"`
	SlotRecall    float64 `json:"slot_recall"`
	SlotF1        float64 `json:"slot_f1"`
	SlotTP        int     `json:"slot_tp"`
	SlotFP        int     `json:"slot_fp"`
	SlotFN        int     `json:"slot_fn"`
	// ClarificationRate is the share of items the understanding would ask
	// about instead of acting (Result.Clarify); AnsweredAccuracy is the
	// intent accuracy on the others.
	ClarificationRate float64 `json:"clarification_rate"`
	Answered          int     `json:"answered"`
	AnsweredAccuracy  float64 `json:"answered_accuracy"`
	// InfoToFormRate: information questions (Info expected, no form in
	// progress) read as a form start. FormToInfoRate: form starts read as
	// information questions.
	InfoQuestions  int     `json:"info_questions"`
	InfoToForm     int     `json:"info_to_form"`
	InfoToFormRate float64 `json:"info_to_form_rate"`
	FormStarts     int     `json:"form_starts"`
	FormToInfo     int     `json:"form_to_info"`
	FormToInfoRate float64 `json:"form_to_info_rate"`
	// Confusion counts expected → got intents.
	Confusion map[nlu.Intent]map[nlu.Intent]int `json:"confusion"`
}

// NLUReport is one run of the understanding over a dataset.
type NLUReport struct {
	Dataset   string              `json:"dataset"`
	Metrics   NLUMetrics          `json:"metrics"`
	Intervals map[string]Interval `json:"intervals"`
	Results   []NLUResult         `json:"results"`
}

// RunNLU reads every item with u, each with its municipality from reg.
func RunNLU(u *nlu.Understander, reg *municipality.Registry, items []NLUItem) (*NLUReport, error) {
	rep := &NLUReport{}
	for _, it := range items {
		m, err := reg.Get(it.Municipality)
		if err != nil {
			return nil, fmt.Errorf("item %s: %w", it.ID, err)
		}
		r := u.Understand(it.Text, m, it.Form)
		res := NLUResult{NLUItem: it, Got: r.Intent, Confidence: r.Confidence, Clarify: r.Clarify, GotSlots: r.Slots}
		res.SlotTP, res.SlotFP, res.SlotFN, res.SlotErrors = CompareSlots(it.Slots, r.Slots)
		rep.Results = append(rep.Results, res)
	}
	rep.Metrics = NLUMetricsOf(rep.Results)
	rep.Intervals = NLUIntervals(rep.Metrics)
	return rep, nil
}

// NLUMetricsOf computes the figures of a run.
func NLUMetricsOf(rs []NLUResult) NLUMetrics {
	m := NLUMetrics{Total: len(rs), Confusion: map[nlu.Intent]map[nlu.Intent]int{}}
	var right, novelRight, clarified, answeredRight int
	for _, r := range rs {
		if m.Confusion[r.Intent] == nil {
			m.Confusion[r.Intent] = map[nlu.Intent]int{}
		}
		m.Confusion[r.Intent][r.Got]++
		if r.IntentOK() {
			right++
		}
		if r.Novel {
			m.Novel++
			if r.IntentOK() {
				novelRight++
			}
		}
		if r.Clarify {
			clarified++
		} else if m.Answered++; r.IntentOK() {
			answeredRight++
		}
		if r.Intent == nlu.Info && r.Form == "" {
			m.InfoQuestions++
			if r.Got.Form() != "" {
				m.InfoToForm++
			}
		}
		if r.Intent.Form() != "" && r.Form == "" {
			m.FormStarts++
			if r.Got == nlu.Info {
				m.FormToInfo++
			}
		}
		m.SlotTP += r.SlotTP
		m.SlotFP += r.SlotFP
		m.SlotFN += r.SlotFN
	}
	m.IntentAccuracy = ratio(right, m.Total)
	m.NovelAccuracy = ratio(novelRight, m.Novel)
	m.ClarificationRate = ratio(clarified, m.Total)
	m.AnsweredAccuracy = ratio(answeredRight, m.Answered)
	m.InfoToFormRate = ratio(m.InfoToForm, m.InfoQuestions)
	m.FormToInfoRate = ratio(m.FormToInfo, m.FormStarts)
	m.SlotPrecision = ratio(m.SlotTP, m.SlotTP+m.SlotFP)
	m.SlotRecall = ratio(m.SlotTP, m.SlotTP+m.SlotFN)
	if d := float64(m.SlotTP) + float64(m.SlotFP+m.SlotFN)/2; d > 0 {
		m.SlotF1 = float64(m.SlotTP) / d
	}
	return m
}

func ratio(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return float64(n) / float64(d)
}

// NLUIntervals returns the 95% Wilson interval of each share. Slot F1 is
// TP/(TP+(FP+FN)/2), a share of that denominator, and gets its interval
// over it (rounded down to whole slots).
func NLUIntervals(m NLUMetrics) map[string]Interval {
	out := map[string]Interval{}
	add := func(key string, p float64, n int) {
		if n > 0 {
			out[key] = Wilson(p*float64(n), n)
		}
	}
	add("intent_accuracy", m.IntentAccuracy, m.Total)
	add("novel_accuracy", m.NovelAccuracy, m.Novel)
	add("slot_precision", m.SlotPrecision, m.SlotTP+m.SlotFP)
	add("slot_recall", m.SlotRecall, m.SlotTP+m.SlotFN)
	add("slot_f1", m.SlotF1, m.SlotTP+(m.SlotFP+m.SlotFN)/2)
	add("clarification_rate", m.ClarificationRate, m.Total)
	add("answered_accuracy", m.AnsweredAccuracy, m.Answered)
	add("info_to_form_rate", m.InfoToFormRate, m.InfoQuestions)
	add("form_to_info_rate", m.FormToInfoRate, m.FormStarts)
	return out
}

// textSlots hold free text (a description, a place, a name); they match
// when their words mostly agree (SlotValuesMatch).
var textSlots = map[string]bool{"description": true, "location": true, "name": true, "full_name": true, "post_address": true}

// CompareSlots counts the slots got against those expected and describes
// each difference.
func CompareSlots(want, got map[string]string) (tp, fp, fn int, errs []string) {
	keys := slices.Sorted(maps.Keys(want))
	for _, k := range keys {
		g, ok := got[k]
		switch {
		case !ok:
			fn++
			errs = append(errs, fmt.Sprintf("%s: missing, want %q", k, want[k]))
		case SlotValuesMatch(k, want[k], g):
			tp++
		default:
			fp++
			fn++
			errs = append(errs, fmt.Sprintf("%s: got %q, want %q", k, g, want[k]))
		}
	}
	extra := []string{}
	for k := range got {
		if _, ok := want[k]; !ok {
			extra = append(extra, k)
		}
	}
	sort.Strings(extra)
	for _, k := range extra {
		fp++
		errs = append(errs, fmt.Sprintf("%s: unexpected %q", k, got[k]))
	}
	return tp, fp, fn, errs
}

// SlotValuesMatch compares a slot's value with the one expected: option
// values, numbers and references exactly; free text (textSlots) when the
// F1 of their folded words is at least 0.8, so punctuation, script and a
// word more or less (a preposition) do not count as a miss.
func SlotValuesMatch(key, want, got string) bool {
	if !textSlots[key] {
		return strings.TrimSpace(want) == strings.TrimSpace(got)
	}
	return wordF1(foldedWords(want), foldedWords(got)) >= 0.8
}

func foldedWords(s string) []string {
	return strings.FieldsFunc(serbian.Fold(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// wordF1 is the F1 of two bags of words.
func wordF1(a, b []string) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	count := map[string]int{}
	for _, w := range a {
		count[w]++
	}
	common := 0
	for _, w := range b {
		if count[w] > 0 {
			count[w]--
			common++
		}
	}
	if common == 0 {
		return 0
	}
	p, r := float64(common)/float64(len(b)), float64(common)/float64(len(a))
	return 2 * p * r / (p + r)
}
