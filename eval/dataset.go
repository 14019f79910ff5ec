package eval

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Forms an item may expect the turn to start; the names are the engine's
// (assistant.FormCommunalReport, assistant.FormRegistryExtract).
const (
	FormCommunalReport  = "communal_report"
	FormRegistryExtract = "registry_extract"
)

// Item is one question of a dataset with what a good answer looks like.
type Item struct {
	ID       string `yaml:"id" json:"id"`
	Question string `yaml:"question" json:"question"`
	// Municipality is a slug; empty means the run's default.
	Municipality string `yaml:"municipality" json:"municipality,omitempty"`
	// ExpectSources are document identities as `mia ingest` names them
	// (the path relative to the ingested root); any one of them counts.
	ExpectSources []string `yaml:"expect_sources" json:"expect_sources,omitempty"`
	// ExpectFacts are substrings of a good answer, compared after
	// Normalize.
	ExpectFacts []string `yaml:"expect_facts" json:"expect_facts,omitempty"`
	// ExpectRefusal: the answer must decline and cite nothing.
	ExpectRefusal bool `yaml:"expect_refusal" json:"expect_refusal,omitempty"`
	// ExpectTool is the form the turn must start, or empty.
	ExpectTool string `yaml:"expect_tool" json:"expect_tool,omitempty"`
}

// Load reads and validates a dataset file.
func Load(path string) ([]Item, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read dataset: %w", err)
	}
	items, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return items, nil
}

// Parse decodes a dataset (a YAML list of items) and validates it. Unknown
// keys are an error, so a misspelt expectation is never silently skipped.
// Every problem found is reported, not only the first.
func Parse(data []byte) ([]Item, error) {
	var items []Item
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&items); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("dataset is empty")
		}
		return nil, fmt.Errorf("parse dataset: %w", err)
	}
	if len(items) == 0 {
		return nil, errors.New("dataset is empty")
	}
	// A second document after "---" would otherwise be skipped unseen.
	var more any
	if err := dec.Decode(&more); !errors.Is(err, io.EOF) {
		return nil, errors.New("dataset: want one YAML document (a list of items), found more")
	}
	var errs []error
	seen := map[string]bool{}
	for i, it := range items {
		bad := func(format string, a ...any) {
			errs = append(errs, fmt.Errorf("item %d (id %q): %s", i+1, it.ID, fmt.Sprintf(format, a...)))
		}
		switch {
		case strings.TrimSpace(it.ID) == "":
			bad("id is empty")
		case seen[it.ID]:
			bad("id appears twice")
		}
		seen[it.ID] = true
		if strings.TrimSpace(it.Question) == "" {
			bad("question is empty")
		}
		switch it.ExpectTool {
		case "", FormCommunalReport, FormRegistryExtract:
		default:
			bad("expect_tool %q: want %s, %s or empty", it.ExpectTool, FormCommunalReport, FormRegistryExtract)
		}
		for _, s := range it.ExpectSources {
			if strings.TrimSpace(s) == "" {
				bad("expect_sources has an empty name")
			}
		}
		for _, f := range it.ExpectFacts {
			if Normalize(f) == "" {
				bad("expect_facts has an empty fact")
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return items, nil
}
