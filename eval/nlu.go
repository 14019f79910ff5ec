package eval

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"go.yaml.in/yaml/v3"

	"github.com/miasrbija/mia/forms"
	"github.com/miasrbija/mia/nlu"
)

// NLUDir is the directory under the datasets directory that holds the
// understanding dataset's splits (dev.yaml, test.yaml).
const NLUDir = "nlu"

// NLUItem is one message of the understanding dataset with what it says.
type NLUItem struct {
	ID   string `yaml:"id" json:"id"`
	Text string `yaml:"text" json:"text"`
	// Intent is the intent expected, as nlu names them.
	Intent nlu.Intent `yaml:"intent" json:"intent"`
	// Form is the form in progress when the message arrives, or "".
	Form string `yaml:"form" json:"form,omitempty"`
	// Municipality is a slug; empty means sombor.
	Municipality string `yaml:"municipality" json:"municipality,omitempty"`
	// Slots are every value the message carries, keyed by the field names
	// of Form or, without one, of the form Intent starts; case_ref in any
	// case. A slot found but not listed counts against precision.
	Slots map[string]string `yaml:"slots" json:"slots,omitempty"`
	// Novel marks a message phrased unlike anything in dev or training.
	Novel bool `yaml:"novel" json:"novel,omitempty"`
}

// NLUSplits are the splits of the understanding and the dialogue
// datasets: dev and test, no validation split (yet).
var NLUSplits = []string{SplitDev, SplitTest}

// NLUSplitFile is the file of an understanding split under dir.
func NLUSplitFile(dir, split string) (string, error) {
	if !slices.Contains(NLUSplits, split) {
		return "", fmt.Errorf("split %q: want dev or test", split)
	}
	return filepath.Join(dir, NLUDir, split+".yaml"), nil
}

// LoadNLU reads and validates an understanding dataset file.
func LoadNLU(path string) ([]NLUItem, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read nlu dataset: %w", err)
	}
	items, err := ParseNLU(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return items, nil
}

// ParseNLU decodes an understanding dataset (a YAML list of items) and
// validates every item: unknown keys, duplicate ids, unknown intents or
// forms, and slot names the form does not have are errors, all reported.
func ParseNLU(data []byte) ([]NLUItem, error) {
	var items []NLUItem
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&items); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("empty nlu dataset")
		}
		return nil, fmt.Errorf("parse nlu dataset: %w", err)
	}
	var errs []error
	seen := map[string]bool{}
	for i := range items {
		it := &items[i]
		if it.Municipality == "" {
			it.Municipality = "sombor"
		}
		if err := it.check(); err != nil {
			errs = append(errs, fmt.Errorf("item %d (%s): %w", i+1, it.ID, err))
		}
		if seen[it.ID] {
			errs = append(errs, fmt.Errorf("item %d: duplicate id %q", i+1, it.ID))
		}
		seen[it.ID] = true
	}
	if len(items) == 0 {
		errs = append(errs, errors.New("no items"))
	}
	return items, errors.Join(errs...)
}

func (it *NLUItem) check() error {
	switch {
	case it.ID == "":
		return errors.New("no id")
	case it.Text == "":
		return errors.New("no text")
	case !it.Intent.Valid():
		return fmt.Errorf("unknown intent %q", it.Intent)
	}
	form := it.Form
	if form != "" {
		if _, ok := forms.Lookup(form); !ok {
			return fmt.Errorf("unknown form %q", form)
		}
	} else {
		form = it.Intent.Form()
	}
	for k, v := range it.Slots {
		if v == "" {
			return fmt.Errorf("slot %s: empty value", k)
		}
		if k == "case_ref" {
			continue
		}
		def, ok := forms.Lookup(form)
		if !ok {
			return fmt.Errorf("slot %s: the item names no form", k)
		}
		f, ok := def.Field(k)
		if !ok {
			return fmt.Errorf("slot %s: form %s has no such field", k, form)
		}
		if f.Type == forms.TypeChoice {
			if _, ok := f.Option(v); !ok {
				return fmt.Errorf("slot %s: %q is not an option", k, v)
			}
		}
		if f.Type == forms.TypeYesNo && v != "yes" && v != "no" {
			return fmt.Errorf("slot %s: %q: want yes or no", k, v)
		}
	}
	return nil
}
