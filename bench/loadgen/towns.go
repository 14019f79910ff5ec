package loadgen

import (
	"fmt"
	"os"

	"go.yaml.in/yaml/v3"

	"github.com/miasrbija/mia/municipality"
)

// TownsOf returns the registry's municipalities as the generator's towns,
// in file order, the one at position r weighted 1/r: traffic as skewed as
// the sizes `mia bench gen` gives (largest first in its file).
func TownsOf(reg *municipality.Registry) ([]Town, error) {
	var out []Town
	for i, m := range reg.All() {
		lat, lon, ok := inside(m)
		if !ok {
			return nil, fmt.Errorf("%s: no point found inside its territory", m.Slug)
		}
		out = append(out, Town{Slug: m.Slug, Lat: lat, Lon: lon, Weight: 1 / float64(i+1)})
	}
	return out, nil
}

// inside finds a point of the municipality's territory: the centre of
// its outline's bounding box when that is inside, else the first inside
// point of a grid over the box.
func inside(m *municipality.Municipality) (float64, float64, bool) {
	b := m.Bounds
	if m.Boundary != nil && len(m.Boundary.Polygons) > 0 {
		b = municipality.Bounds{MinLat: 90, MaxLat: -90, MinLon: 180, MaxLon: -180}
		for _, p := range m.Boundary.Polygons[0].Outer {
			b.MinLat, b.MaxLat = min(b.MinLat, p.Lat), max(b.MaxLat, p.Lat)
			b.MinLon, b.MaxLon = min(b.MinLon, p.Lon), max(b.MaxLon, p.Lon)
		}
	}
	const steps = 16
	for i := range steps {
		for j := range steps {
			// Start at the centre, then spread out over the grid.
			lat := b.MinLat + (b.MaxLat-b.MinLat)*float64((i+steps/2)%steps+1)/(steps+1)
			lon := b.MinLon + (b.MaxLon-b.MinLon)*float64((j+steps/2)%steps+1)/(steps+1)
			if m.InTerritory(lat, lon) {
				return lat, lon, true
			}
		}
	}
	return 0, 0, false
}

// Questions reads the questions of evaluation dataset files
// (eval/datasets/M/SPLIT.yaml).
func Questions(paths ...string) ([]string, error) {
	var out []string
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		var items []struct {
			Question string `yaml:"question"`
		}
		if err := yaml.Unmarshal(data, &items); err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		for _, it := range items {
			if it.Question != "" {
				out = append(out, it.Question)
			}
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no questions in %v", paths)
	}
	return out, nil
}
