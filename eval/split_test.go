package eval_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/miasrbija/mia/eval"
)

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestLoadSplit(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"sombor/test.yaml":       "- id: a\n  question: q\n",
		"sombor/test-cross.yaml": "- id: c\n  question: q\n  municipality: laktasi\n",
		"sombor/test-b.yaml":     "- id: b\n  question: q\n",
		"sombor/dev.yaml":        "- id: d\n  question: q\n",
		"sombor/testing.yaml":    "- id: x\n  question: q\n", // not test-*.yaml
		"laktasi/test-only.yaml": "- id: l\n  question: q\n",
	})
	s, err := eval.LoadSplit(dir, "sombor", eval.SplitTest)
	if err != nil {
		t.Fatal(err)
	}
	var ids, slugs []string
	for _, it := range s.Items {
		ids, slugs = append(ids, it.ID), append(slugs, it.Municipality)
	}
	// test.yaml first, then the extra files by name; an item naming no
	// municipality belongs to the directory's.
	if !slices.Equal(ids, []string{"a", "b", "c"}) || !slices.Equal(slugs, []string{"sombor", "sombor", "laktasi"}) {
		t.Errorf("items %v of %v", ids, slugs)
	}
	wantFiles := []string{"test.yaml", "test-b.yaml", "test-cross.yaml"}
	for i, f := range s.Files {
		if filepath.Base(f) != wantFiles[i] {
			t.Errorf("files %v, want %v", s.Files, wantFiles)
		}
	}
	// A split made only of extra files is a split.
	if s, err := eval.LoadSplit(dir, "laktasi", eval.SplitTest); err != nil || len(s.Items) != 1 {
		t.Errorf("laktasi test: %v, %v", s, err)
	}
	if ms, err := eval.DatasetMunicipalities(dir); err != nil || !slices.Equal(ms, []string{"laktasi", "sombor"}) {
		t.Errorf("municipalities %v, %v", ms, err)
	}
}

func TestLoadSplitErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"sombor/test.yaml":     "- id: a\n  question: q\n",
		"sombor/test-dup.yaml": "- id: a\n  question: q\n",
		"sombor/dev.yaml":      "- id: a\n  question: q\n- id: b\n",
	})
	if _, err := eval.LoadSplit(dir, "sombor", eval.SplitTest); err == nil || !strings.Contains(err.Error(), `id "a" is also in`) {
		t.Errorf("an id in two files: %v", err)
	}
	if _, err := eval.LoadSplit(dir, "sombor", eval.SplitDev); err == nil || !strings.Contains(err.Error(), "question is empty") {
		t.Errorf("a bad file: %v", err)
	}
	if _, err := eval.LoadSplit(dir, "laktasi", eval.SplitTest); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a missing split: %v, want fs.ErrNotExist", err)
	}
	if _, err := eval.LoadSplit(dir, "sombor", "train"); err == nil || !strings.Contains(err.Error(), "dev or validation or test") {
		t.Errorf("an unknown split: %v", err)
	}
}
