package eval_test

import (
	"path/filepath"
	"testing"

	"github.com/miasrbija/mia/eval"
	"github.com/miasrbija/mia/nlu"
)

// nluSplitMinimum is what each NLU split must hold for its figures to
// mean something.
var nluSplitMinimum = map[string]struct{ items, perIntent int }{
	eval.SplitDev:  {items: 120, perIntent: 3},
	eval.SplitTest: {items: 150, perIntent: 4},
}

// TestNLUDatasetsAreSound: each split keeps its size and covers every
// intent; test has at least a third of novel items; no message is in two
// of training, dev and test (compared folded), and no id is in both
// splits, or the figures would not be honest.
func TestNLUDatasetsAreSound(t *testing.T) {
	t.Parallel()
	td, err := nlu.DefaultData()
	if err != nil {
		t.Fatal(err)
	}
	training := map[string]bool{}
	for _, ex := range td.Examples {
		training[eval.Normalize(ex.Text)] = true
	}
	seenText := map[string]string{}
	seenID := map[string]string{}
	for _, split := range eval.NLUSplits {
		items := loadNLUSplit(t, split)
		min := nluSplitMinimum[split]
		if len(items) < min.items {
			t.Errorf("%s: %d items, want at least %d", split, len(items), min.items)
		}
		per := map[nlu.Intent]int{}
		novel := 0
		for _, it := range items {
			per[it.Intent]++
			if it.Novel {
				novel++
			}
			norm := eval.Normalize(it.Text)
			if training[norm] {
				t.Errorf("%s item %s is a training example: %q", split, it.ID, it.Text)
			}
			if other, ok := seenText[norm]; ok {
				t.Errorf("%s item %s repeats %s: %q", split, it.ID, other, it.Text)
			}
			seenText[norm] = split + " " + it.ID
			if other, ok := seenID[it.ID]; ok && other != split {
				t.Errorf("id %s is in %s and %s", it.ID, other, split)
			}
			seenID[it.ID] = split
		}
		for _, in := range nlu.Intents {
			if per[in] < min.perIntent {
				t.Errorf("%s: %d items of intent %s, want at least %d", split, per[in], in, min.perIntent)
			}
		}
		if split == eval.SplitTest && 3*novel < len(items) {
			t.Errorf("test: %d novel items of %d, want at least a third", novel, len(items))
		}
	}
	// The dev sets of unseen phrasing are tuned against too: none of
	// their messages may be a training example or an item of a split.
	for _, name := range []string{"dev_novel.yaml", "dev_novel_blind.yaml"} {
		items, err := eval.LoadNLU(filepath.Join(datasetsDir, "nlu", name))
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range items {
			norm := eval.Normalize(it.Text)
			if other, ok := seenText[norm]; ok || training[norm] {
				t.Errorf("%s item %s repeats a training example or %s", name, it.ID, other)
			}
			seenText[norm] = name + " " + it.ID
		}
	}
}
