package eval_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/miasrbija/mia/eval"
	"github.com/miasrbija/mia/ingest"
)

// splitMinimum is what a split must hold for its figures to mean
// something: the gate's intervals are only as narrow as the counts.
type splitMinimum struct {
	items, refusals, perForm int
	// everyDocument: each document of the corpus is the first expected
	// source of at least two items.
	everyDocument bool
}

var splitMinimums = map[string]splitMinimum{
	eval.SplitDev:        {items: 80, refusals: 12, perForm: 3, everyDocument: true},
	eval.SplitValidation: {items: 40, refusals: 8},
	eval.SplitTest:       {items: 40, refusals: 8, perForm: 2},
}

// TestDatasetsAreSound holds every municipality's splits to what the
// gate's figures rest on, without a database: every expected source is a
// document of the item's municipality's corpus, every expected fact is in
// one of the item's expected sources, each split keeps its size, refusals
// and form starts, and no question is in two splits (by id or by folded
// text), or the validation and test figures would not be honest.
func TestDatasetsAreSound(t *testing.T) {
	t.Parallel()
	slugs, err := eval.DatasetMunicipalities(datasetsDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range gateMunicipalities {
		if !slices.Contains(slugs, g) {
			slugs = append(slugs, g)
		}
	}
	texts := &corpora{texts: map[string]map[string]string{}}
	for _, slug := range slugs {
		t.Run(slug, func(t *testing.T) {
			t.Parallel()
			splits := map[string]*eval.Split{}
			for _, name := range eval.Splits {
				s, err := eval.LoadSplit(datasetsDir, slug, name)
				if errors.Is(err, fs.ErrNotExist) && !slices.Contains(gateMunicipalities, slug) {
					t.Logf("not checked: %v", err)
					continue
				}
				if err != nil {
					t.Fatal(err)
				}
				splits[name] = s
				checkSplit(t, s, texts)
			}
			for i, a := range eval.Splits {
				for _, b := range eval.Splits[i+1:] {
					checkDisjoint(t, splits[a], splits[b])
				}
			}
		})
	}
}

// checkDisjoint fails when two splits share an id or a question (by
// folded text). It names ids only: printing a test question would show it
// to whoever tunes on the others.
func checkDisjoint(t *testing.T, a, b *eval.Split) {
	t.Helper()
	if a == nil || b == nil {
		return
	}
	ids, questions := map[string]bool{}, map[string]string{}
	for _, it := range a.Items {
		ids[it.ID], questions[eval.Normalize(it.Question)] = true, it.ID
	}
	for _, it := range b.Items {
		if ids[it.ID] {
			t.Errorf("%s item %s: the id is also in %s", b.Name, it.ID, a.Name)
		}
		if id, ok := questions[eval.Normalize(it.Question)]; ok {
			t.Errorf("%s item %s asks what %s item %s asks", b.Name, it.ID, a.Name, id)
		}
	}
}

func checkSplit(t *testing.T, s *eval.Split, texts *corpora) {
	t.Helper()
	primary := map[string]int{}
	refusals, forms := 0, map[string]int{}
	for _, it := range s.Items {
		docs := texts.get(t, it.Municipality)
		for _, src := range it.ExpectSources {
			if _, ok := docs[src]; !ok {
				t.Errorf("%s %s: expect_sources names %q, not a document of %s's corpus", s.Name, it.ID, src, it.Municipality)
			}
		}
		if len(it.ExpectSources) > 0 {
			if it.Municipality == s.Municipality {
				primary[it.ExpectSources[0]]++
			}
			for _, f := range it.ExpectFacts {
				found := false
				for _, src := range it.ExpectSources {
					found = found || strings.Contains(docs[src], eval.Normalize(f))
				}
				if !found {
					t.Errorf("%s %s: fact %q is in none of %v", s.Name, it.ID, f, it.ExpectSources)
				}
			}
		}
		if it.ExpectRefusal {
			refusals++
		}
		if it.ExpectTool != "" {
			forms[it.ExpectTool]++
		}
	}
	want := splitMinimums[s.Name]
	if want.everyDocument {
		for src := range texts.get(t, s.Municipality) {
			if primary[src] < 2 {
				t.Errorf("%s: %s is the first expected source of %d items, want at least 2", s.Name, src, primary[src])
			}
		}
	}
	if len(s.Items) < want.items {
		t.Errorf("%s: %d items, want at least %d", s.Name, len(s.Items), want.items)
	}
	if refusals < want.refusals {
		t.Errorf("%s: %d items expect a refusal, want at least %d", s.Name, refusals, want.refusals)
	}
	for _, f := range []string{eval.FormCommunalReport, eval.FormRegistryExtract} {
		if forms[f] < want.perForm {
			t.Errorf("%s: %d items expect form %s, want at least %d", s.Name, forms[f], f, want.perForm)
		}
	}
}

// corpora loads each municipality's corpus text once, for parallel
// subtests.
type corpora struct {
	mu    sync.Mutex
	texts map[string]map[string]string
}

func (c *corpora) get(t *testing.T, slug string) map[string]string {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	if m, ok := c.texts[slug]; ok {
		return m
	}
	m := corpusTexts(t, filepath.Join(corpusDir, slug))
	c.texts[slug] = m
	return m
}

// corpusTexts loads every document under dir the way ingest does and
// returns its normalised text by source name (the path relative to dir).
func corpusTexts(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !ingest.Supported(path) {
			return err
		}
		doc, err := ingest.LoadFile(context.Background(), path, ingest.DefaultLimits())
		if err != nil {
			return err
		}
		var b strings.Builder
		b.WriteString(doc.Title + "\n")
		for _, bl := range doc.Blocks {
			b.WriteString(bl.Text + "\n")
			for _, row := range bl.Rows {
				b.WriteString(strings.Join(row, " ") + "\n")
			}
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		out[filepath.ToSlash(rel)] = eval.Normalize(b.String())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) == 0 {
		t.Fatalf("no documents under %s", dir)
	}
	return out
}
