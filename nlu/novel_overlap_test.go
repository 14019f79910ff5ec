package nlu

import (
	"testing"

	"github.com/miasrbija/mia/serbian"
)

// TestDevNovelIsNotTrainedOn: no dev-novel message is a training example
// (compared folded, in Latin), or its estimate would reward memorising.
func TestDevNovelIsNotTrainedOn(t *testing.T) {
	td, err := DefaultData()
	if err != nil {
		t.Fatal(err)
	}
	norm := func(s string) string { return foldedWords(splitText(serbian.ToLatin(s))) }
	training := map[string]bool{}
	for _, ex := range td.Examples {
		training[norm(ex.Text)] = true
	}
	for _, it := range append(loadDevFile(t, "../eval/datasets/nlu/dev_novel.yaml"), loadDevFile(t, "../eval/datasets/nlu/dev_novel_blind.yaml")...) {
		if training[norm(it.Text)] {
			t.Errorf("dev-novel item is a training example: %q", it.Text)
		}
	}
}
