package municipality

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSomborTerritory checks the embedded boundary against real places:
// the city and its villages inside; neighbouring towns, including Apatin,
// Kula and Baja that the old rectangle took in or touched, outside.
func TestSomborTerritory(t *testing.T) {
	t.Parallel()
	r, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	m := r.Default()
	if m.Boundary == nil {
		t.Fatal("Sombor has no boundary")
	}
	tests := []struct {
		place    string
		lat, lon float64
		inside   bool
	}{
		{"Sombor", 45.7733, 19.1122, true},
		{"Bezdan", 45.8500, 18.9333, true},
		{"Stanišić", 45.9400, 19.1653, true},
		{"Riđica", 45.9864, 19.1050, true},
		{"Kljajićevo", 45.7667, 19.2833, true},
		{"Čonoplja", 45.8133, 19.2519, true},
		{"Telečka", 45.8000, 19.3833, true},
		{"Doroslovo", 45.6086, 19.1906, true},
		{"Bački Monoštor", 45.7833, 18.9333, true},
		{"Subotica", 46.1000, 19.6667, false},
		{"Apatin", 45.6710, 18.9847, false},
		{"Kula", 45.6089, 19.5275, false},
		{"Baja (Hungary)", 46.1811, 18.9536, false},
		{"Osijek (Croatia)", 45.5550, 18.6955, false},
		{"Belgrade", 44.8125, 20.4612, false},
	}
	for _, tt := range tests {
		if got := m.InTerritory(tt.lat, tt.lon); got != tt.inside {
			t.Errorf("%s (%.4f, %.4f): in territory = %v, want %v", tt.place, tt.lat, tt.lon, got, tt.inside)
		}
	}
	// The rectangle the boundary replaced took in Apatin: the boundary is
	// what decides now.
	old := Bounds{MinLat: 45.55, MaxLat: 46.0, MinLon: 18.85, MaxLon: 19.45}
	if !old.Contains(45.6710, 18.9847) || m.InTerritory(45.6710, 18.9847) {
		t.Error("Apatin should be inside the old rectangle and outside the boundary")
	}
}

func TestBoundaryHolesAndMultiPolygon(t *testing.T) {
	t.Parallel()
	// Two unit squares; the first with a hole in its middle.
	polys, err := parseGeoJSON([]byte(`{"type": "MultiPolygon", "coordinates": [
		[[[0,0],[4,0],[4,4],[0,4],[0,0]], [[1,1],[1,3],[3,3],[3,1],[1,1]]],
		[[[10,10],[12,10],[12,12],[10,12],[10,10]]]]}`))
	if err != nil {
		t.Fatal(err)
	}
	b := &Boundary{Polygons: polys}
	tests := []struct {
		name     string
		lat, lon float64
		want     bool
	}{
		{"ring of the first", 0.5, 0.5, true},
		{"hole", 2, 2, false},
		{"second polygon", 11, 11, true},
		{"between", 6, 6, false},
		{"outside", -1, 2, false},
	}
	for _, tt := range tests {
		if got := b.Contains(tt.lat, tt.lon); got != tt.want {
			t.Errorf("%s (%v, %v) = %v, want %v", tt.name, tt.lat, tt.lon, got, tt.want)
		}
	}
}

const boundaryBase = `
municipalities:
  - slug: novi-grad
    name: Novi Grad
    ref_prefix: NG
    BOUNDARY
    bodies:
      - key: jkp
        name: JKP
        handles: [waste, street_cleaning, greenery, public_lighting, water_sewage, roads, illegal_dumping, animals, other]
`

func TestParseBoundary(t *testing.T) {
	t.Parallel()
	inline := `boundary: {type: Polygon, coordinates: [[[19, 45], [20, 45], [20, 46], [19, 46], [19, 45]]]}`
	r, err := Parse([]byte(strings.Replace(boundaryBase, "BOUNDARY", inline, 1)))
	if err != nil {
		t.Fatalf("inline boundary rejected: %v", err)
	}
	if m := r.Default(); !m.InTerritory(45.5, 19.5) || m.InTerritory(46.5, 19.5) {
		t.Error("inline boundary not applied")
	}

	// A file next to the configuration file.
	dir := t.TempDir()
	geo := `{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {},
		"geometry": {"type": "Polygon", "coordinates": [[[19, 45], [20, 45], [20, 46], [19, 46], [19, 45]]]}}]}`
	if err := os.WriteFile(filepath.Join(dir, "novi.geojson"), []byte(geo), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "m.yaml")
	if err := os.WriteFile(cfg, []byte(strings.Replace(boundaryBase, "BOUNDARY", "boundary: novi.geojson", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	if r, err = Load(cfg); err != nil {
		t.Fatalf("boundary file rejected: %v", err)
	}
	if m := r.Default(); !m.InTerritory(45.5, 19.5) || m.InTerritory(45.5, 20.5) {
		t.Error("boundary file not applied")
	}

	bad := []struct{ name, boundary, want string }{
		{"no territory", "", "bounds"},
		{"missing file", "boundary: nowhere.geojson", "nowhere.geojson"},
		{"too few positions", `boundary: {type: Polygon, coordinates: [[[19, 45], [20, 45], [19, 45]]]}`, "at least 4"},
		{"not closed", `boundary: {type: Polygon, coordinates: [[[19, 45], [20, 45], [20, 46], [19, 46], [19, 45.5]]]}`, "not closed"},
		{"swapped", `boundary: {type: Polygon, coordinates: [[[45, 190], [46, 190], [46, 191], [45, 190]]]}`, "longitude, latitude"},
		{"a point", `boundary: {type: Point, coordinates: [19, 45]}`, `"Point"`},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(strings.Replace(boundaryBase, "BOUNDARY", tt.boundary, 1)))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}
