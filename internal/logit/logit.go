// Package logit fits small logistic regression models and picks their
// decision threshold: deterministic (Newton's method from zero weights),
// L2-regularised, with the two classes weighted equally however
// unbalanced the sample.
package logit

import (
	"errors"
	"math"
	"slices"
)

// Model is a fitted logistic model: P(y) = σ(Bias + Σ Weights[i]·x[i]).
type Model struct {
	Weights []float64
	Bias    float64
}

// Prob returns the model's probability for x; extra or missing features
// count as zero.
func (m Model) Prob(x []float64) float64 {
	z := m.Bias
	for i, w := range m.Weights {
		if i < len(x) {
			z += w * x[i]
		}
	}
	return 1 / (1 + math.Exp(-z))
}

// Fit fits a model to the rows of x and their labels by Newton's method
// (iteratively reweighted least squares) on the log-likelihood with an L2
// penalty l2·|w|² (the bias is not penalised). Each class weighs half of
// the total, so a rare class is not ignored. It fails on an empty sample,
// rows of different lengths, or a sample with one class only.
func Fit(x [][]float64, y []bool, l2 float64) (Model, error) {
	if len(x) == 0 || len(x) != len(y) {
		return Model{}, errors.New("logit: no samples, or not one label per sample")
	}
	d := len(x[0])
	var pos int
	for i, r := range x {
		if len(r) != d {
			return Model{}, errors.New("logit: samples of different lengths")
		}
		if y[i] {
			pos++
		}
	}
	if pos == 0 || pos == len(y) {
		return Model{}, errors.New("logit: the sample has one class only")
	}
	n := float64(len(y))
	wPos, wNeg := n/(2*float64(pos)), n/(2*float64(len(y)-pos))
	// beta[0] is the bias, beta[1:] the weights.
	beta := make([]float64, d+1)
	row := make([]float64, d+1)
	for iter := 0; iter < 100; iter++ {
		grad := make([]float64, d+1)
		hess := make([][]float64, d+1)
		for i := range hess {
			hess[i] = make([]float64, d+1)
		}
		for i, r := range x {
			row[0] = 1
			copy(row[1:], r)
			z := 0.0
			for j, v := range row {
				z += beta[j] * v
			}
			p := 1 / (1 + math.Exp(-z))
			t, c := 0.0, wNeg
			if y[i] {
				t, c = 1, wPos
			}
			for j, v := range row {
				grad[j] += c * (t - p) * v
				for k, u := range row {
					hess[j][k] += c * p * (1 - p) * v * u
				}
			}
		}
		for j := 1; j <= d; j++ {
			grad[j] -= 2 * l2 * beta[j]
			hess[j][j] += 2 * l2
		}
		hess[0][0] += 1e-9 // a separable sample must not make the system singular
		step, err := solve(hess, grad)
		if err != nil {
			return Model{}, err
		}
		var size float64
		for j := range beta {
			beta[j] += step[j]
			size = max(size, math.Abs(step[j]))
		}
		if size < 1e-10 {
			break
		}
	}
	return Model{Bias: beta[0], Weights: beta[1:]}, nil
}

// solve solves a·s = b by Gaussian elimination with partial pivoting; a
// and b are overwritten.
func solve(a [][]float64, b []float64) ([]float64, error) {
	n := len(b)
	for c := 0; c < n; c++ {
		p := c
		for r := c + 1; r < n; r++ {
			if math.Abs(a[r][c]) > math.Abs(a[p][c]) {
				p = r
			}
		}
		if math.Abs(a[p][c]) < 1e-12 {
			return nil, errors.New("logit: singular system; raise the L2 penalty")
		}
		a[c], a[p] = a[p], a[c]
		b[c], b[p] = b[p], b[c]
		for r := c + 1; r < n; r++ {
			f := a[r][c] / a[c][c]
			for k := c; k < n; k++ {
				a[r][k] -= f * a[c][k]
			}
			b[r] -= f * b[c]
		}
	}
	s := make([]float64, n)
	for r := n - 1; r >= 0; r-- {
		v := b[r]
		for k := r + 1; k < n; k++ {
			v -= a[r][k] * s[k]
		}
		s[r] = v / a[r][r]
	}
	return s, nil
}

// Operating is the outcome of a threshold on a sample: a sample is
// accepted when its probability is at or above Threshold, rejected below.
type Operating struct {
	Threshold float64
	// Accuracy is the share of samples decided right; RejectRecall the
	// share of negatives rejected; RejectPrecision the share of rejected
	// samples that are negative (1 when none is rejected).
	Accuracy, RejectRecall, RejectPrecision float64
}

// Evaluate measures threshold t on probabilities p with labels y.
func Evaluate(p []float64, y []bool, t float64) Operating {
	var right, neg, rej, rejNeg int
	for i, v := range p {
		accept := v >= t
		if accept == y[i] {
			right++
		}
		if !y[i] {
			neg++
		}
		if !accept {
			rej++
			if !y[i] {
				rejNeg++
			}
		}
	}
	o := Operating{Threshold: t, RejectPrecision: 1}
	if len(p) > 0 {
		o.Accuracy = float64(right) / float64(len(p))
	}
	if neg > 0 {
		o.RejectRecall = float64(rejNeg) / float64(neg)
	}
	if rej > 0 {
		o.RejectPrecision = float64(rejNeg) / float64(rej)
	}
	return o
}

// ChooseThreshold returns the threshold with the best accuracy among
// those that reject at least minRejectRecall of the negatives (the
// highest candidate when none does). A probability below 0 or above 1
// stands for a decision taken elsewhere: always rejected, always
// accepted. Candidates
// lie halfway between consecutive distinct probabilities; among equally
// accurate ones the one farthest from any sample wins, so a small shift of
// the model does not flip a decision.
func ChooseThreshold(p []float64, y []bool, minRejectRecall float64) Operating {
	// Probabilities outside [0, 1] stand for fixed decisions.
	s := slices.DeleteFunc(slices.Clone(p), func(v float64) bool { return v < 0 || v > 1 })
	if len(s) == 0 {
		return Evaluate(p, y, 0.5)
	}
	slices.Sort(s)
	s = slices.Compact(s)
	cands := []float64{s[0] / 2}
	for i := 1; i < len(s); i++ {
		cands = append(cands, (s[i-1]+s[i])/2)
	}
	cands = append(cands, (s[len(s)-1]+1)/2)
	var best Operating
	bestGap, found := -1.0, false
	for _, t := range cands {
		o := Evaluate(p, y, t)
		if o.RejectRecall < minRejectRecall {
			continue
		}
		gap := math.Inf(1)
		for _, v := range s {
			gap = min(gap, math.Abs(v-t))
		}
		if !found || o.Accuracy > best.Accuracy || o.Accuracy == best.Accuracy && gap > bestGap {
			best, bestGap, found = o, gap, true
		}
	}
	if !found {
		// Unreachable: the highest candidate rejects every negative.
		return Evaluate(p, y, cands[len(cands)-1])
	}
	return best
}
