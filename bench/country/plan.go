// Package country generates a country-scale knowledge base for
// benchmarks: many municipalities of very different sizes (a few large
// cities, many small towns), their chunks written from the demo corpora's
// sentences and embedded with the offline embedder, so filtered vector
// search and the load generator run against what one deployment serving
// a whole country would hold.
package country

import (
	"errors"
	"fmt"
	"math"
)

// Municipality is one generated municipality and its size.
type Municipality struct {
	Slug   string
	Name   string
	Prefix string // case reference prefix
	Chunks int
	// Lat, Lon are the centre of its rectangle of territory.
	Lat, Lon float64
}

// Plan describes a generated country.
type Plan struct {
	Municipalities int     // how many; 150 by default
	Chunks         int     // chunks in all
	Exponent       float64 // Zipf exponent s: the municipality of rank r holds about r^-s of the largest's chunks
	MinChunks      int     // the smallest municipality's floor
}

// DefaultPlan is the top setting: 150 municipalities, 1.5M chunks. With
// s = 1 the largest holds about 270k chunks and the median about 3.6k,
// the shape of Serbia's local self-governments (Belgrade and three other
// cities far ahead of some 150 towns).
func DefaultPlan() Plan {
	return Plan{Municipalities: 150, Chunks: 1_500_000, Exponent: 1, MinChunks: 100}
}

// Validate reports a plan that cannot be generated.
func (p Plan) Validate() error {
	var errs []error
	if p.Municipalities < 1 || p.Municipalities > 999 {
		errs = append(errs, fmt.Errorf("municipalities %d: expected 1 to 999", p.Municipalities))
	}
	if p.Exponent < 0 || p.Exponent > 3 {
		errs = append(errs, fmt.Errorf("exponent %g: expected 0 (equal sizes) to 3", p.Exponent))
	}
	if p.MinChunks < 1 {
		errs = append(errs, fmt.Errorf("min chunks %d: expected at least 1", p.MinChunks))
	}
	if p.Municipalities > 0 && p.Chunks < p.Municipalities*max(p.MinChunks, 1) {
		errs = append(errs, fmt.Errorf("chunks %d: expected at least municipalities × min chunks (%d)", p.Chunks,
			p.Municipalities*max(p.MinChunks, 1)))
	}
	return errors.Join(errs...)
}

// Sizes returns the municipalities, largest first, their chunk counts
// summing to p.Chunks: each municipality's share follows Zipf's law,
// raised to MinChunks where it would fall below (the rest shrinking to
// keep the total).
func (p Plan) Sizes() ([]Municipality, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	n := p.Municipalities
	weights := make([]float64, n)
	for r := range n {
		weights[r] = math.Pow(float64(r+1), -p.Exponent)
	}
	// Municipalities at the floor are fixed; the rest share what is left
	// in proportion to their weights. Repeat until no share falls below.
	floored := make([]bool, n)
	sizes := make([]int, n)
	for {
		left, w := p.Chunks, 0.0
		for r := range n {
			if floored[r] {
				left -= p.MinChunks
			} else {
				w += weights[r]
			}
		}
		changed := false
		for r := range n {
			if floored[r] {
				sizes[r] = p.MinChunks
				continue
			}
			sizes[r] = int(float64(left) * weights[r] / w)
			if sizes[r] < p.MinChunks {
				floored[r], changed = true, true
			}
		}
		if !changed {
			break
		}
	}
	// Rounding leaves a few chunks over: the largest takes them.
	sum := 0
	for _, s := range sizes {
		sum += s
	}
	sizes[0] += p.Chunks - sum

	out := make([]Municipality, n)
	for r := range n {
		out[r] = Municipality{
			Slug:   fmt.Sprintf("opstina-%03d", r+1),
			Name:   fmt.Sprintf("Opština %03d", r+1),
			Prefix: prefix(r),
			Chunks: sizes[r],
			// Rectangles of 0.1° on a grid over Serbia's latitude range, so
			// no two overlap.
			Lat: 42.3 + float64(r/30)*0.2 + 0.05,
			Lon: 19.0 + float64(r%30)*0.15 + 0.05,
		}
	}
	return out, nil
}

// prefix returns a distinct case reference prefix for rank r: "QA",
// "QB", … (Q and Z start no real municipality's prefix here).
func prefix(r int) string {
	const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	first := []byte{'Q', 'Z', 'X', 'W'}[r/(26*26)%4]
	return string([]byte{first, letters[r/26%26], letters[r%26]})
}
