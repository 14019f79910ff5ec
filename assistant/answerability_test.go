package assistant

import (
	"math"
	"testing"

	"github.com/miasrbija/mia/rag"
	"github.com/miasrbija/mia/serbian"
)

// TestDefaultAnswerabilityFits: the embedded operating point names the
// features this code computes, was fitted (not left at zero) and has a
// usable threshold; a stale one is refused.
func TestDefaultAnswerabilityFits(t *testing.T) {
	t.Parallel()
	a, err := DefaultAnswerability()
	if err != nil {
		t.Fatal(err)
	}
	if a.Samples == 0 || a.Dataset == "" || a.Weights[0] == 0 {
		t.Errorf("operating point %+v: not written by mia eval --calibrate", a)
	}
	if _, err := ParseAnswerability([]byte(`{"features":["confidence"],"weights":[1],"threshold":0.5}`)); err == nil {
		t.Error("stale feature list accepted")
	}
}

// TestAnswerabilityFeatures: an out-of-vocabulary word and a missing
// expected fact lower the features that carry them.
func TestAnswerabilityFeatures(t *testing.T) {
	t.Parallel()
	izdaj := serbian.Tokens("izdaje")[0]
	hit := rag.Hit{DocumentID: 1, Score: 0.03, VectorPos: 1, TextPos: 1, VectorSim: 0.6}
	res := &rag.Results{Hits: []rag.Hit{hit, {DocumentID: 2, Score: 0.01}}, QueryTerms: []rag.QueryTerm{
		{Token: "pasos", IDF: 4, DocFreq: 0},
		{Token: izdaj, Forms: []string{izdaj}, IDF: 2, DocFreq: 5},
		{Token: "kako", IDF: 1, DocFreq: 50},
		{Token: "gradonacelnik", IDF: 4, DocFreq: 0},
		{Token: "rok", Forms: []string{"rok"}, IDF: 1, DocFreq: 9, Hint: true},
	}}
	ps := []passage{{hit: hit, quote: "Uverenje se izdaje na šalteru.", units: []string{"Uverenje se izdaje na šalteru."}}}
	f := assess(res, ps, whenFact)
	if math.Abs(f.OOV-2.0/3) > 1e-9 {
		t.Errorf("oov %.2f, want 2/3 (pasos, gradonacelnik of those and izdaj; kako is a question word)", f.OOV)
	}
	if f.TypeMissing != 1 || f.TypeFound != 0 {
		t.Errorf("type found %v missing %v: the quote states no date", f.TypeFound, f.TypeMissing)
	}
	if math.Abs(f.CovAnswer-0.2) > 1e-9 {
		t.Errorf("cov_answer %.2f, want 2/10 (izdaj of pasos, izdaj, gradonacelnik; the hint does not count)", f.CovAnswer)
	}
	if f.BranchAgreement != 1 || f.Margin <= 0.6 {
		t.Errorf("agreement %.2f margin %.2f", f.BranchAgreement, f.Margin)
	}
	ps[0].units = []string{"Rok je 14. februar."}
	if f := assess(res, ps, whenFact); f.TypeFound != 1 {
		t.Error("the date in the quote is not found")
	}
}

// TestCoverageReadsRootsAndCues: a quote saying the question's word in
// another derivation covers it, a word asking for the kind of fact is
// answered by the fact, and a root of three letters or a different number
// covers nothing.
func TestCoverageReadsRootsAndCues(t *testing.T) {
	t.Parallel()
	tok := func(w string) string { return serbian.Tokens(w)[0] }
	term := func(w string) rag.QueryTerm {
		return rag.QueryTerm{Token: tok(w), Forms: []string{tok(w)}, IDF: 2, DocFreq: 3}
	}
	hit := rag.Hit{DocumentID: 1, Score: 0.03}
	res := &rag.Results{Query: "Koliko košta da se popunjava obrazac 025?", Hits: []rag.Hit{hit}, QueryTerms: []rag.QueryTerm{
		term("košta"), term("popunjava"), term("obrazac"), term("025"),
	}}
	quote := "Obrazac se popuni na šalteru 0255, taksa iznosi 300 dinara."
	ps := []passage{{hit: hit, quote: quote, units: []string{quote}}}
	f := assess(res, ps, howMuchFact)
	// košta is the cue; popunjava meets popuni by its root, obrazac as is;
	// 025 is not 0255.
	if math.Abs(f.CovAnswer-2.0/3) > 1e-9 {
		t.Errorf("cov_answer %.3f, want 2/3", f.CovAnswer)
	}
	if f.TypeFound != 1 {
		t.Error("the amount in the quote is not found")
	}
	if sharesRoot("dec", "deceg") || !sharesRoot("plac", "placa") || !sharesRoot("popunjav", "popun") || sharesRoot("prij", "prim") {
		t.Error("sharesRoot: roots of 4+ letters meet, shorter ones and different ones do not")
	}
}
