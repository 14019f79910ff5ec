package eval_test

import (
	"math"
	"testing"

	"github.com/miasrbija/mia/eval"
)

func within(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

// TestWilson checks the Wilson score interval against the published
// values of Newcombe (1998), "Two-sided confidence intervals for the
// single proportion", Statistics in Medicine 17, Table II, method 3.
func TestWilson(t *testing.T) {
	t.Parallel()
	tests := []struct {
		x, n      int
		low, high float64
	}{
		{81, 263, 0.2553, 0.3662},
		{15, 148, 0.0624, 0.1605},
		{0, 20, 0, 0.1611},
		{1, 29, 0.0061, 0.1718},
	}
	for _, tt := range tests {
		got := eval.Wilson(float64(tt.x), tt.n)
		if !within(got.Low, tt.low, 5e-5) || !within(got.High, tt.high, 5e-5) {
			t.Errorf("Wilson(%d, %d) = [%.4f, %.4f], want [%.4f, %.4f]", tt.x, tt.n, got.Low, got.High, tt.low, tt.high)
		}
	}
	// All successes mirror no successes, and the interval never leaves [0, 1].
	if all, none := eval.Wilson(20, 20), eval.Wilson(0, 20); !within(all.Low, 1-none.High, 1e-12) || all.High != 1 {
		t.Errorf("Wilson(20, 20) = %+v, Wilson(0, 20) = %+v", all, none)
	}
	if got := eval.Wilson(0, 0); got != (eval.Interval{}) {
		t.Errorf("Wilson(0, 0) = %+v", got)
	}
}

// TestTQuantile975 checks Student's t 97.5th percentile against the
// standard tables, on both sides of the switch from table to expansion.
func TestTQuantile975(t *testing.T) {
	t.Parallel()
	for df, want := range map[int]float64{1: 12.7062, 2: 4.3027, 10: 2.2281, 30: 2.0423, 31: 2.0395, 40: 2.0211,
		60: 2.0003, 120: 1.9799, 1000: 1.9623} {
		if got := eval.TQuantile975(df); !within(got, want, 1e-4) {
			t.Errorf("t(0.975, %d) = %.5f, want %.4f", df, got, want)
		}
	}
	if !math.IsInf(eval.TQuantile975(0), 1) {
		t.Error("t with 0 degrees of freedom is finite")
	}
}

// TestMeanInterval checks the t interval on a worked example: 10, 12,
// 14, 16, 18 has mean 14, sd √10 and half-width t(0.975, 4)·√10/√5 =
// 2.7764·√2 = 3.9264.
func TestMeanInterval(t *testing.T) {
	t.Parallel()
	got := eval.MeanInterval([]float64{10, 12, 14, 16, 18}, math.Inf(-1), math.Inf(1))
	if !within(got.Low, 10.0736, 1e-3) || !within(got.High, 17.9264, 1e-3) {
		t.Errorf("interval %+v, want [10.0736, 17.9264]", got)
	}
	// Clipped to the range the values can take (an MRR is at most 1).
	got = eval.MeanInterval([]float64{1, 1, 1, 0.5}, 0, 1)
	if got.High != 1 || !(got.Low > 0 && got.Low < 0.875) {
		t.Errorf("clipped interval %+v", got)
	}
	if got := eval.MeanInterval(nil, 0, 1); got != (eval.Interval{}) {
		t.Errorf("no values: %+v", got)
	}
	if got := eval.MeanInterval([]float64{0.5}, 0, 1); got != (eval.Interval{Low: 0.5, High: 0.5}) {
		t.Errorf("one value: %+v", got)
	}
}
