package assistant

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/miasrbija/mia/rag"
	"github.com/miasrbija/mia/serbian"
)

// TestTokenMemo: the memo gives what serbian.Tokens gives, every time,
// and stays within its bound.
func TestTokenMemo(t *testing.T) {
	m := newTokenMemo(3)
	texts := []string{"Rok za prvu ratu je 14. februar.", "Порез на имовину", "rođenih", "rodjenih", "", "Rok za prvu ratu je 14. februar."}
	for round := range 2 {
		for _, s := range texts {
			if got, want := m.tokens(s), serbian.Tokens(s); !slices.Equal(got, want) {
				t.Errorf("round %d, %q: %v, want %v", round, s, got, want)
			}
			if len(m.m) > 3 {
				t.Fatalf("the memo holds %d texts, over its bound of 3", len(m.m))
			}
		}
	}
}

// BenchmarkCompose is the extractive answer's own work over five passages
// of the demo corpus (BenchmarkTurnOffline includes it).
func BenchmarkCompose(b *testing.B) {
	data, err := os.ReadFile("../corpus/sombor/porez-na-imovinu.md")
	if err != nil {
		b.Fatal(err)
	}
	var paras []string
	for p := range strings.SplitSeq(string(data), "\n\n") {
		if len(p) > 200 {
			paras = append(paras, p)
		}
	}
	x := extractive{maxPassages: 2, maxUnits: 4}
	for _, q := range []string{"Do kada se plaća prva rata poreza na imovinu?", "Koliko iznosi akontacija poreza?"} {
		res := &rag.Results{Query: q, Weights: map[string]float64{}}
		for _, t := range serbian.Tokens(q) {
			res.QueryTerms = append(res.QueryTerms, rag.QueryTerm{Token: t, Forms: []string{t}, IDF: 2, DocFreq: 3})
			res.Weights[t] = 2
		}
		for i, p := range paras[:min(5, len(paras))] {
			res.Hits = append(res.Hits, rag.Hit{DocumentID: int64(i % 2), Content: p, HeadingPath: []string{"Porez na imovinu", fmt.Sprint("Deo ", i)}})
		}
		want := answerType(q)
		b.Run(q[:12], func(b *testing.B) {
			for b.Loop() {
				x.compose(res, want)
			}
		})
	}
}
