package logit

import (
	"math"
	"testing"
)

// TestFitSeparatesAndIsDeterministic: the fit gives the informative
// feature a positive weight and the misleading one a negative weight,
// balances the rare class, and repeats exactly.
func TestFitSeparatesAndIsDeterministic(t *testing.T) {
	t.Parallel()
	var x [][]float64
	var y []bool
	for i := range 40 {
		v := float64(i) / 40
		x = append(x, []float64{v, 1 - v, 0.5})
		y = append(y, v > 0.8 || i%7 == 0 && v > 0.5) // few negatives: the rare class is "true" here
	}
	m1, err := Fit(x, y, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	m2, _ := Fit(x, y, 0.5)
	if m1.Weights[0] <= 0 || m1.Weights[1] >= 0 {
		t.Errorf("weights %v: want the first positive, the second negative", m1.Weights)
	}
	for i := range m1.Weights {
		if m1.Weights[i] != m2.Weights[i] || m1.Bias != m2.Bias {
			t.Fatalf("two fits differ: %+v %+v", m1, m2)
		}
	}
	// Balanced classes: the rare positives still get p > 0.5.
	if p := m1.Prob([]float64{0.95, 0.05, 0.5}); p <= 0.5 {
		t.Errorf("p(0.95) = %.3f, want > 0.5", p)
	}
	if _, err := Fit(x, make([]bool, len(x)), 0.5); err == nil {
		t.Error("one class: no error")
	}
}

// TestChooseThreshold: the threshold meets the reject recall, maximises
// accuracy, and counts fixed decisions (p outside [0, 1]).
func TestChooseThreshold(t *testing.T) {
	t.Parallel()
	p := []float64{0.1, 0.2, 0.35, 0.4, 0.6, 0.7, 0.9}
	y := []bool{false, false, true, false, true, true, true}
	o := ChooseThreshold(p, y, 0.9)
	if o.RejectRecall < 0.9 || o.Threshold <= 0.4 || o.Threshold > 0.6 {
		t.Errorf("%+v: want the threshold between 0.4 and 0.6", o)
	}
	if math.Abs(o.Accuracy-6.0/7) > 1e-9 {
		t.Errorf("accuracy %.3f, want 6/7", o.Accuracy)
	}
	// Two negatives declined elsewhere and one positive answered
	// elsewhere count in the figures, never as candidates.
	o = ChooseThreshold(append(p, -1, -1, 2), append(y, false, false, true), 0.9)
	if o.Threshold <= 0.4 || o.Threshold > 0.6 || math.Abs(o.Accuracy-9.0/10) > 1e-9 || o.RejectRecall != 1 {
		t.Errorf("%+v: want the same threshold, accuracy 9/10", o)
	}
}
