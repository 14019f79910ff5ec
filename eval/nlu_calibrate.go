package eval

import (
	"fmt"
	"math"

	"github.com/miasrbija/mia/municipality"
	"github.com/miasrbija/mia/nlu"
)

// Calibration policy. These are product choices, not fitted figures.
const (
	// infoToFormBudget is the share of dev information questions allowed
	// to start a form while choosing FormMin: half the 2% target,
	// a margin for the test split.
	infoToFormBudget = 0.01
	// wrongGuessCost is how much worse acting on a wrong intent is than
	// asking a clarifying question (which costs 1).
	wrongGuessCost = 3
)

// calibrationGrid are the thresholds tried, 0 to 0.95 by 0.05.
func calibrationGrid() []float64 {
	var g []float64
	for i := 0; i <= 19; i++ {
		g = append(g, float64(i)/20)
	}
	return g
}

// CalibrateNLU fits u's calibration on dev items (never test):
//   - the temperature minimising the negative log-likelihood of the
//     expected intents;
//   - FormMin, among the thresholds keeping information questions that
//     start a form within infoToFormBudget, the most accurate (the top
//     of its best plateau, see plateauTop);
//   - ClarifyBelow, minimising the cost of the decisions: 1 for each
//     clarifying question, wrongGuessCost for each wrong intent acted on;
//   - CategoryMin, maximising the F1 of the category slot.
//
// The other thresholds are the middle of the best plateau (plateauMiddle).
//
// The steps run in this order, each with the figures fitted before it.
func CalibrateNLU(u *nlu.Understander, reg *municipality.Registry, items []NLUItem) (nlu.Calibration, error) {
	if len(items) == 0 {
		return nlu.Calibration{}, fmt.Errorf("calibrate: no items")
	}
	cal := nlu.Calibration{Temperature: 1}
	run := func(c nlu.Calibration) (*NLUReport, error) { return RunNLU(u.WithCalibration(c), reg, items) }

	// Temperature: the ranking at T=1 holds softmax(s); at T it is
	// proportional to p^(1/T).
	ranks := make([][]nlu.Scored, len(items))
	for i, it := range items {
		m, err := reg.Get(it.Municipality)
		if err != nil {
			return cal, fmt.Errorf("item %s: %w", it.ID, err)
		}
		ranks[i] = u.WithCalibration(cal).Understand(it.Text, m, it.Form).Ranking
	}
	bestNLL := math.Inf(1)
	for k := 0; k <= 54; k++ {
		t := 0.3 + float64(k)*0.05
		var nll float64
		for i := range items {
			nll -= math.Log(max(probAt(ranks[i], items[i].Intent, t), 1e-12))
		}
		if nll < bestNLL {
			bestNLL, cal.Temperature = nll, math.Round(t*100)/100
		}
	}

	// FormMin.
	grid := calibrationGrid()
	scores := make([]float64, len(grid))
	for i, th := range grid {
		c := cal
		c.FormMin = th
		rep, err := run(c)
		if err != nil {
			return cal, err
		}
		scores[i] = rep.Metrics.IntentAccuracy
		if rep.Metrics.InfoToFormRate > infoToFormBudget {
			scores[i] = math.Inf(-1)
		}
	}
	cal.FormMin = plateauTop(grid, scores)

	// ClarifyBelow.
	for i, th := range grid {
		c := cal
		c.ClarifyBelow = th
		rep, err := run(c)
		if err != nil {
			return cal, err
		}
		var cost float64
		for _, r := range rep.Results {
			switch {
			case r.Clarify:
				cost++
			case !r.IntentOK():
				cost += wrongGuessCost
			}
		}
		scores[i] = -cost
	}
	cal.ClarifyBelow = plateauMiddle(grid, scores)

	// CategoryMin.
	for i, th := range grid {
		c := cal
		c.CategoryMin = th
		rep, err := run(c)
		if err != nil {
			return cal, err
		}
		var tp, fp, fn int
		for _, r := range rep.Results {
			want, got := r.Slots["category"], r.GotSlots["category"]
			switch {
			case want != "" && got == want:
				tp++
			case want != "" && got != "":
				fp++
				fn++
			case want != "":
				fn++
			case got != "":
				fp++
			}
		}
		scores[i] = float64(tp) / max(float64(tp)+float64(fp+fn)/2, 1)
	}
	cal.CategoryMin = plateauMiddle(grid, scores)
	cal.Fitted = fmt.Sprintf("dev split, %d items", len(items))
	return cal, nil
}

// plateauMiddle returns the threshold in the middle of the longest run
// of grid points sharing the best score (the lower middle of an even
// run): a threshold at the edge of the optimum would move with the next
// few items, the middle of it is the robust choice. With no finite score
// it returns the last grid point.
func plateauMiddle(grid, scores []float64) float64 {
	best := math.Inf(-1)
	for _, v := range scores {
		best = max(best, v)
	}
	if math.IsInf(best, -1) {
		return grid[len(grid)-1]
	}
	runStart, runLen := 0, 0
	for i := 0; i < len(scores); {
		if scores[i] != best {
			i++
			continue
		}
		j := i
		for j < len(scores) && scores[j] == best {
			j++
		}
		if j-i > runLen {
			runStart, runLen = i, j-i
		}
		i = j
	}
	return grid[runStart+(runLen-1)/2]
}

// plateauTop returns the highest threshold of the longest run of grid
// points sharing the best score. FormMin takes it: where dev cannot tell
// thresholds apart, the highest reads the most unsure form starts as
// questions, the safer mistake (an information question that starts a
// form costs the citizen more than a report read as a question, which
// still gets an answer offering the form).
func plateauTop(grid, scores []float64) float64 {
	mid := plateauMiddle(grid, scores)
	i := 0
	for i < len(grid) && grid[i] != mid {
		i++
	}
	for i+1 < len(grid) && scores[i+1] == scores[i] {
		i++
	}
	return grid[i]
}

// probAt returns the probability of in at temperature t from a ranking
// computed at temperature 1.
func probAt(rank []nlu.Scored, in nlu.Intent, t float64) float64 {
	var sum, p float64
	for _, s := range rank {
		v := math.Pow(max(s.P, 1e-300), 1/t)
		sum += v
		if s.Intent == in {
			p = v
		}
	}
	return p / sum
}
