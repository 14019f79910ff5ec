package municipality

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"go.yaml.in/yaml/v3"
)

// defaultFS holds the default configuration and the files it names (the
// boundaries of Sombor and Laktaši).
//
//go:embed municipalities.yaml sombor.geojson laktasi.geojson
var defaultFS embed.FS

const defaultName = "municipalities.yaml"

// defaultData is the embedded configuration file.
func defaultData() []byte {
	data, err := defaultFS.ReadFile(defaultName)
	if err != nil {
		panic(err) // embedded at build time
	}
	return data
}

// File is the shape of the municipalities configuration file.
type File struct {
	// Default is the slug used when a request or command names none.
	Default        string         `yaml:"default"`
	Municipalities []Municipality `yaml:"municipalities"`
}

// Registry is the loaded, validated set of municipalities. It is immutable
// after Load and safe for concurrent use.
type Registry struct {
	def  string
	list []*Municipality
}

// ErrUnknown is returned by Get for a slug the configuration does not name.
var ErrUnknown = errors.New("unknown municipality")

// Load reads the configuration file at path; an empty path loads the
// embedded default that serves Sombor. Files the configuration names (a
// boundary's GeoJSON) are read relative to the file's directory.
func Load(path string) (*Registry, error) {
	if path == "" {
		return Parse(defaultData())
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read municipalities file: %w", err)
	}
	r, err := ParseFS(data, os.DirFS(filepath.Dir(path)))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return r, nil
}

// Embedded returns a municipality of the embedded configuration (the demo
// towns), as tests and examples need one.
func Embedded(slug string) (*Municipality, error) {
	r, err := Load("")
	if err != nil {
		return nil, err
	}
	return r.Get(slug)
}

// Parse parses and validates a configuration file's contents. Unknown keys
// are an error: a misspelt key would otherwise silently drop a setting.
// Files the contents name are read from the embedded default's directory
// (sombor.geojson); ParseFS reads them from elsewhere.
func Parse(data []byte) (*Registry, error) { return ParseFS(data, defaultFS) }

// ParseFS is Parse reading the files the configuration names (boundary
// GeoJSON) from fsys, the configuration file's directory.
func ParseFS(data []byte, fsys fs.FS) (*Registry, error) { return parse(data, fsys) }

func parse(data []byte, fsys fs.FS) (*Registry, error) {
	var f File
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("parse municipalities: %w", err)
	}
	if len(f.Municipalities) == 0 {
		return nil, errors.New("municipalities: the file names no municipality")
	}
	r := &Registry{def: f.Default}
	var errs []error
	seen := map[string]bool{}
	for i := range f.Municipalities {
		m := &f.Municipalities[i]
		if m.Boundary != nil {
			if err := m.Boundary.load(fsys); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", m.Slug, err))
			}
		}
		if err := m.Validate(); err != nil {
			errs = append(errs, err)
		}
		if seen[m.Slug] {
			errs = append(errs, fmt.Errorf("slug %q appears twice", m.Slug))
		}
		seen[m.Slug] = true
		r.list = append(r.list, m)
	}
	if r.def == "" {
		r.def = r.list[0].Slug
	}
	if !seen[r.def] {
		errs = append(errs, fmt.Errorf("default %q is not among the municipalities", r.def))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("invalid municipalities: %w", err)
	}
	return r, nil
}

// Default returns the default municipality.
func (r *Registry) Default() *Municipality {
	m, _ := r.Get(r.def)
	return m
}

// Get returns the municipality with the slug; an empty slug means the default.
func (r *Registry) Get(slug string) (*Municipality, error) {
	if slug == "" {
		slug = r.def
	}
	i := slices.IndexFunc(r.list, func(m *Municipality) bool { return m.Slug == slug })
	if i < 0 {
		return nil, fmt.Errorf("%w %q", ErrUnknown, slug)
	}
	return r.list[i], nil
}

// All returns the municipalities in file order.
func (r *Registry) All() []*Municipality { return slices.Clone(r.list) }
