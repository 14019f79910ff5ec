package municipality

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"path"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Boundary is a municipality's territory: one or more polygons (GeoJSON
// Polygon or MultiPolygon, WGS 84, [lon, lat] positions), each an outer
// ring with optional holes. A report's point must fall inside it.
//
// In the configuration file `boundary` is either the path of a GeoJSON
// file (a geometry, a Feature or a FeatureCollection of polygons),
// relative to the configuration file, or a GeoJSON geometry written inline.
type Boundary struct {
	File     string    // the path given, when the boundary is a file
	Polygons []Polygon // read from File, or inline
	geometry []byte    // inline GeoJSON, decoded by load
}

// Polygon is an outer ring and the holes cut out of it. Rings are closed
// (the last position repeats the first).
type Polygon struct {
	Outer Ring
	Holes []Ring
}

// Ring is a closed sequence of positions.
type Ring []Point

// Point is a WGS 84 position in degrees.
type Point struct{ Lat, Lon float64 }

// UnmarshalYAML takes a file path (a string) or an inline GeoJSON
// geometry (a mapping), which load decodes.
func (b *Boundary) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		b.File = strings.TrimSpace(n.Value)
		return nil
	case yaml.MappingNode:
		var v any
		if err := n.Decode(&v); err != nil {
			return err
		}
		raw, err := json.Marshal(v)
		if err != nil {
			return fmt.Errorf("boundary: %w", err)
		}
		b.geometry = raw
		return nil
	}
	return fmt.Errorf("line %d: boundary: expected a GeoJSON file path or a GeoJSON geometry", n.Line)
}

// load reads the GeoJSON (from fsys when the boundary names a file) and
// checks every ring.
func (b *Boundary) load(fsys fs.FS) error {
	raw := b.geometry
	if b.File != "" {
		var err error
		if raw, err = fs.ReadFile(fsys, path.Clean(b.File)); err != nil {
			return fmt.Errorf("boundary file %s: %w", b.File, err)
		}
	}
	polys, err := parseGeoJSON(raw)
	if err != nil {
		if b.File != "" {
			return fmt.Errorf("boundary file %s: %w", b.File, err)
		}
		return fmt.Errorf("boundary: %w", err)
	}
	b.Polygons = polys
	return nil
}

// geoObject is any GeoJSON object this package reads.
type geoObject struct {
	Type        string            `json:"type"`
	Coordinates json.RawMessage   `json:"coordinates"`
	Geometry    *geoObject        `json:"geometry"`
	Features    []json.RawMessage `json:"features"`
}

// parseGeoJSON reads a Polygon, a MultiPolygon, a Feature holding one or
// a FeatureCollection of such features.
func parseGeoJSON(raw []byte) ([]Polygon, error) {
	var o geoObject
	if err := json.Unmarshal(raw, &o); err != nil {
		return nil, fmt.Errorf("GeoJSON: %w", err)
	}
	switch o.Type {
	case "Polygon":
		var rings [][][]float64
		if err := json.Unmarshal(o.Coordinates, &rings); err != nil {
			return nil, fmt.Errorf("Polygon coordinates: %w", err)
		}
		p, err := polygon(rings)
		if err != nil {
			return nil, err
		}
		return []Polygon{p}, nil
	case "MultiPolygon":
		var polys [][][][]float64
		if err := json.Unmarshal(o.Coordinates, &polys); err != nil {
			return nil, fmt.Errorf("MultiPolygon coordinates: %w", err)
		}
		if len(polys) == 0 {
			return nil, errors.New("MultiPolygon has no polygon")
		}
		out := make([]Polygon, 0, len(polys))
		for i, rings := range polys {
			p, err := polygon(rings)
			if err != nil {
				return nil, fmt.Errorf("polygon %d: %w", i+1, err)
			}
			out = append(out, p)
		}
		return out, nil
	case "Feature":
		if o.Geometry == nil {
			return nil, errors.New("Feature has no geometry")
		}
		g, err := json.Marshal(o.Geometry)
		if err != nil {
			return nil, err
		}
		return parseGeoJSON(g)
	case "FeatureCollection":
		var out []Polygon
		for i, f := range o.Features {
			p, err := parseGeoJSON(f)
			if err != nil {
				return nil, fmt.Errorf("feature %d: %w", i+1, err)
			}
			out = append(out, p...)
		}
		if len(out) == 0 {
			return nil, errors.New("FeatureCollection has no polygon")
		}
		return out, nil
	}
	return nil, fmt.Errorf("GeoJSON type %q: expected Polygon, MultiPolygon, Feature or FeatureCollection", o.Type)
}

// polygon checks a GeoJSON polygon's rings: at least four [lon, lat]
// positions in range, closed.
func polygon(rings [][][]float64) (Polygon, error) {
	if len(rings) == 0 {
		return Polygon{}, errors.New("polygon has no ring")
	}
	var p Polygon
	for i, coords := range rings {
		if len(coords) < 4 {
			return Polygon{}, fmt.Errorf("ring %d: a ring needs at least 4 positions", i+1)
		}
		r := make(Ring, len(coords))
		for j, c := range coords {
			if len(c) < 2 || !(c[0] >= -180 && c[0] <= 180) || !(c[1] >= -90 && c[1] <= 90) {
				return Polygon{}, fmt.Errorf("ring %d, position %d: expected [longitude, latitude] in degrees", i+1, j+1)
			}
			r[j] = Point{Lon: c[0], Lat: c[1]}
		}
		if r[0] != r[len(r)-1] {
			return Polygon{}, fmt.Errorf("ring %d is not closed (its last position must repeat the first)", i+1)
		}
		if i == 0 {
			p.Outer = r
		} else {
			p.Holes = append(p.Holes, r)
		}
	}
	return p, nil
}

// Contains reports whether the point lies inside one of the polygons and
// in none of that polygon's holes. A point exactly on an edge may fall
// either way.
func (b *Boundary) Contains(lat, lon float64) bool {
	if math.IsNaN(lat) || math.IsNaN(lon) {
		return false
	}
	for _, p := range b.Polygons {
		if !p.Outer.contains(lat, lon) {
			continue
		}
		inHole := false
		for _, h := range p.Holes {
			if h.contains(lat, lon) {
				inHole = true
				break
			}
		}
		if !inHole {
			return true
		}
	}
	return false
}

// contains is the even-odd ray test: a ray from the point towards
// increasing longitude crosses the ring's edges an odd number of times
// when the point is inside. At a municipality's scale degrees can be
// treated as plane coordinates.
func (r Ring) contains(lat, lon float64) bool {
	in := false
	for i, j := 0, len(r)-1; i < len(r); j, i = i, i+1 {
		a, b := r[i], r[j]
		if (a.Lat > lat) != (b.Lat > lat) &&
			lon < (b.Lon-a.Lon)*(lat-a.Lat)/(b.Lat-a.Lat)+a.Lon {
			in = !in
		}
	}
	return in
}

// MarshalYAML writes the boundary back as the file did: the file's path,
// or the inline geometry.
func (b *Boundary) MarshalYAML() (any, error) {
	if b.File != "" {
		return b.File, nil
	}
	var v any
	raw := b.geometry
	if raw == nil {
		raw = b.geoJSON()
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, err
	}
	return v, nil
}

// geoJSON is the polygons as a GeoJSON MultiPolygon.
func (b *Boundary) geoJSON() []byte {
	coords := make([][][][2]float64, len(b.Polygons))
	for i, p := range b.Polygons {
		for _, r := range append([]Ring{p.Outer}, p.Holes...) {
			ring := make([][2]float64, len(r))
			for j, pt := range r {
				ring[j] = [2]float64{pt.Lon, pt.Lat}
			}
			coords[i] = append(coords[i], ring)
		}
	}
	raw, _ := json.Marshal(map[string]any{"type": "MultiPolygon", "coordinates": coords}) // plain numbers
	return raw
}
