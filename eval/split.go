package eval

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// The splits of a municipality's datasets. Constants, retrieval weights
// and answer rules are tuned on Dev only, and `mia eval --calibrate` fits
// on it. Validation is never fitted on: it was written apart from Dev
// (without reading it) and tells whether a change that helps on Dev helps
// on words nobody tuned for, before Test is read; it may be looked at.
// Test is never looked at while tuning, so its figures estimate how MIA
// does on questions nobody tuned for. CI gates on Test.
const (
	SplitDev        = "dev"
	SplitValidation = "validation"
	SplitTest       = "test"
)

// Splits are the valid split names, in the order reports show them.
var Splits = []string{SplitDev, SplitValidation, SplitTest}

// Split is one split of one municipality's datasets, its files merged.
type Split struct {
	Municipality string
	Name         string // SplitDev, SplitValidation or SplitTest
	// Files are the dataset files merged, NAME.yaml first, then the
	// NAME-*.yaml files by name.
	Files []string
	Items []Item
}

// SplitFiles returns the dataset files of a municipality's split under
// dir (dir/MUNICIPALITY/NAME.yaml, then dir/MUNICIPALITY/NAME-*.yaml by
// name) that exist; none is not an error here.
func SplitFiles(dir, municipality, name string) ([]string, error) {
	if !slices.Contains(Splits, name) {
		return nil, fmt.Errorf("split %q: want %s", name, strings.Join(Splits, " or "))
	}
	base := filepath.Join(dir, municipality)
	var files []string
	if _, err := os.Stat(filepath.Join(base, name+".yaml")); err == nil {
		files = append(files, filepath.Join(base, name+".yaml"))
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	extra, err := filepath.Glob(filepath.Join(base, name+"-*.yaml"))
	if err != nil {
		return nil, err
	}
	slices.Sort(extra)
	return append(files, extra...), nil
}

// LoadSplit reads and merges the dataset files of a municipality's split
// under dir (see SplitFiles). Items that name no municipality get this
// one: the directory says whose questions they are. An id may appear only
// once across the files. When the split has no file at all the error
// wraps fs.ErrNotExist.
func LoadSplit(dir, municipality, name string) (*Split, error) {
	files, err := SplitFiles(dir, municipality, name)
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%s split of %s: no %s.yaml or %s-*.yaml in %s: %w",
			name, municipality, name, name, filepath.Join(dir, municipality), fs.ErrNotExist)
	}
	s := &Split{Municipality: municipality, Name: name, Files: files}
	from := map[string]string{}
	var errs []error
	for _, f := range files {
		items, err := Load(f)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, it := range items {
			if prev, ok := from[it.ID]; ok {
				errs = append(errs, fmt.Errorf("%s: id %q is also in %s", f, it.ID, prev))
				continue
			}
			from[it.ID] = f
			if it.Municipality == "" {
				it.Municipality = municipality
			}
			s.Items = append(s.Items, it)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return s, nil
}

// otherDatasets are directories under the datasets directory that hold
// datasets of another kind, not a municipality's questions: the
// understanding (NLUDir) and dialogue datasets.
var otherDatasets = []string{NLUDir, "dialogues"}

// DatasetMunicipalities returns the municipalities that have a dataset
// directory under dir, by name.
func DatasetMunicipalities(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() && !slices.Contains(otherDatasets, e.Name()) {
			out = append(out, e.Name())
		}
	}
	return out, nil
}
