package assistant

import (
	"strings"
	"testing"

	"github.com/miasrbija/mia/rag"
	"github.com/miasrbija/mia/serbian"
)

// BenchmarkAnswerability is the work answerability adds to a turn: the
// features of the candidate answer over five passages of demo length, and
// the model.
func BenchmarkAnswerability(b *testing.B) {
	content := strings.Repeat("Porez na imovinu plaća se u četiri tromesečne rate. Rok za prvu ratu je 14. februar. "+
		"Ovi iznosi su primer; proverite iznose za 2026. godinu. Rešenje izdaje Poreska uprava na šalteru 2. ", 8)
	q := "Do kada se plaća prva rata poreza na imovinu?"
	res := &rag.Results{Weights: map[string]float64{}}
	for _, t := range serbian.Tokens(q) {
		res.QueryTerms = append(res.QueryTerms, rag.QueryTerm{Token: t, Forms: []string{t}, IDF: 2, DocFreq: 3})
		res.Weights[t] = 2
	}
	for i := range 5 {
		res.Hits = append(res.Hits, rag.Hit{DocumentID: int64(i), Content: content, Score: 0.03 - float64(i)*0.001, VectorPos: i + 1, TextPos: i + 1})
	}
	a, err := DefaultAnswerability()
	if err != nil {
		b.Fatal(err)
	}
	x := extractive{maxPassages: 2, maxUnits: 4}
	want := answerType(q)
	ps := x.compose(res, want)
	for b.Loop() {
		_ = a.prob(assess(res, ps, want))
	}
}
