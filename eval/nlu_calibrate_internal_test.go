package eval

import (
	"math"
	"testing"
)

func TestPlateauMiddle(t *testing.T) {
	t.Parallel()
	grid := []float64{0, 0.1, 0.2, 0.3, 0.4, 0.5}
	inf := math.Inf(-1)
	tests := []struct {
		scores []float64
		want   float64
	}{
		{[]float64{1, 2, 2, 2, 1, 0}, 0.2},       // the middle of three
		{[]float64{1, 2, 2, 2, 2, 0}, 0.2},       // the lower middle of four
		{[]float64{2, 1, 2, 2, 2, 1}, 0.3},       // the longest run, not the first best
		{[]float64{inf, inf, 3, inf, 1, 0}, 0.2}, // a lone best point
		{[]float64{inf, inf, inf, inf, inf, inf}, 0.5},
	}
	for _, tt := range tests {
		if got := plateauMiddle(grid, tt.scores); got != tt.want {
			t.Errorf("plateauMiddle(%v) = %v, want %v", tt.scores, got, tt.want)
		}
	}
}

func TestPlateauTop(t *testing.T) {
	t.Parallel()
	grid := []float64{0, 0.1, 0.2, 0.3, 0.4, 0.5}
	inf := math.Inf(-1)
	tests := []struct {
		scores []float64
		want   float64
	}{
		{[]float64{1, 2, 2, 2, 1, 0}, 0.3},       // the top of three
		{[]float64{2, 2, 1, 2, 2, 2}, 0.5},       // the longest run's top, not the first's
		{[]float64{inf, inf, 3, inf, 1, 0}, 0.2}, // a lone best point
		{[]float64{inf, inf, inf, inf, inf, inf}, 0.5},
	}
	for _, tt := range tests {
		if got := plateauTop(grid, tt.scores); got != tt.want {
			t.Errorf("plateauTop(%v) = %v, want %v", tt.scores, got, tt.want)
		}
	}
}
