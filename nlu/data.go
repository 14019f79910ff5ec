package nlu

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"go.yaml.in/yaml/v3"
)

//go:embed data/intents/*.yaml data/lexicon.yaml data/calibration.json
var dataFS embed.FS

// Example is one training message with its intent and, optionally, the
// values it carries (communal reports are labelled with their category,
// which trains the category model).
type Example struct {
	Text   string
	Intent Intent
	Slots  map[string]string
}

// TrainingData is what an Understander is trained from.
type TrainingData struct {
	Examples []Example
	// Lexicon holds synonyms of option values by form and field; the
	// forms' own option labels are always added.
	Lexicon Lexicon
	// Calibration is the confidence temperature and thresholds; the zero
	// value means temperature 1 and no thresholds.
	Calibration Calibration
}

// Lexicon is form → field → option value → phrases naming that option.
type Lexicon map[string]map[string]map[string][]string

// intentFile is one data/intents/*.yaml file.
type intentFile struct {
	Intent   Intent   `yaml:"intent"`
	Examples []string `yaml:"examples"`
	Groups   []struct {
		Slots    map[string]string `yaml:"slots"`
		Examples []string          `yaml:"examples"`
	} `yaml:"groups"`
}

// DefaultData returns the embedded training data.
func DefaultData() (TrainingData, error) {
	return LoadData(dataFS, "data")
}

// LoadData reads training data from dir in fsys: intents/*.yaml,
// lexicon.yaml and calibration.json (optional).
func LoadData(fsys fs.FS, dir string) (TrainingData, error) {
	var td TrainingData
	files, err := fs.Glob(fsys, path.Join(dir, "intents", "*.yaml"))
	if err != nil {
		return td, fmt.Errorf("nlu data: %w", err)
	}
	if len(files) == 0 {
		return td, fmt.Errorf("nlu data: no intents/*.yaml under %s", dir)
	}
	var errs []error
	for _, f := range files {
		exs, err := readIntentFile(fsys, f)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		td.Examples = append(td.Examples, exs...)
	}
	if err := errors.Join(errs...); err != nil {
		return td, err
	}
	b, err := fs.ReadFile(fsys, path.Join(dir, "lexicon.yaml"))
	if err != nil {
		return td, fmt.Errorf("nlu data: %w", err)
	}
	if err := decodeStrict(b, &td.Lexicon); err != nil {
		return td, fmt.Errorf("nlu data: lexicon.yaml: %w", err)
	}
	b, err = fs.ReadFile(fsys, path.Join(dir, "calibration.json"))
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return td, fmt.Errorf("nlu data: %w", err)
	default:
		if td.Calibration, err = ParseCalibration(b); err != nil {
			return td, fmt.Errorf("nlu data: calibration.json: %w", err)
		}
	}
	return td, nil
}

func readIntentFile(fsys fs.FS, name string) ([]Example, error) {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("nlu data: %w", err)
	}
	var f intentFile
	if err := decodeStrict(b, &f); err != nil {
		return nil, fmt.Errorf("nlu data: %s: %w", name, err)
	}
	if !f.Intent.Valid() {
		return nil, fmt.Errorf("nlu data: %s: unknown intent %q", name, f.Intent)
	}
	var out []Example
	add := func(text string, slots map[string]string) error {
		if strings.TrimSpace(text) == "" {
			return fmt.Errorf("nlu data: %s: empty example", name)
		}
		out = append(out, Example{Text: text, Intent: f.Intent, Slots: slots})
		return nil
	}
	for _, t := range f.Examples {
		if err := add(t, nil); err != nil {
			return nil, err
		}
	}
	for _, g := range f.Groups {
		for _, t := range g.Examples {
			if err := add(t, g.Slots); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// decodeStrict decodes YAML (JSON is YAML) refusing unknown keys, so a
// misspelt key is an error rather than silently ignored data.
func decodeStrict(b []byte, v any) error {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	return dec.Decode(v)
}
