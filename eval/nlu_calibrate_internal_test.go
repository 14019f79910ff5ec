package eval

import (
	"math"
	"testing"
)

// TestPlateau: plateauMiddle (clarify_below, category_min) takes the
// middle of the longest best run on the grid, plateauTop (form_min) its
// top: the safer side of a boundary dev does not pin down.
func TestPlateau(t *testing.T) {
	t.Parallel()
	grid := []float64{0, 0.1, 0.2, 0.3, 0.4, 0.5}
	inf := math.Inf(-1)
	tests := []struct {
		name   string
		pick   func(grid, scores []float64) float64
		scores []float64
		want   float64
	}{
		{"middle", plateauMiddle, []float64{1, 2, 2, 2, 1, 0}, 0.2},       // the middle of three
		{"middle", plateauMiddle, []float64{1, 2, 2, 2, 2, 0}, 0.2},       // the lower middle of four
		{"middle", plateauMiddle, []float64{2, 1, 2, 2, 2, 1}, 0.3},       // the longest run, not the first best
		{"middle", plateauMiddle, []float64{inf, inf, 3, inf, 1, 0}, 0.2}, // a lone best point
		{"middle", plateauMiddle, []float64{inf, inf, inf, inf, inf, inf}, 0.5},
		{"top", plateauTop, []float64{1, 2, 2, 2, 1, 0}, 0.3},       // the top of three
		{"top", plateauTop, []float64{2, 2, 1, 2, 2, 2}, 0.5},       // the longest run's top, not the first's
		{"top", plateauTop, []float64{inf, inf, 3, inf, 1, 0}, 0.2}, // a lone best point
		{"top", plateauTop, []float64{inf, inf, inf, inf, inf, inf}, 0.5},
	}
	for _, tt := range tests {
		if got := tt.pick(grid, tt.scores); got != tt.want {
			t.Errorf("plateau %s of %v = %v, want %v", tt.name, tt.scores, got, tt.want)
		}
	}
}
