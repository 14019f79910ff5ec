package assistant

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/miasrbija/mia/internal/logit"
	"github.com/miasrbija/mia/rag"
	"github.com/miasrbija/mia/serbian"
)

// Answerability decides whether the documents answer a question, from
// what the extractive answer would quote: a logistic model over the
// features below, its weights fitted by `mia eval --calibrate` on the
// development dataset, and a threshold, the operating point. Below the
// threshold the engine declines rather than quote a passage that does not
// hold what was asked.
type Answerability struct {
	// Features names the model's inputs in order; they must be the ones
	// this code computes (featureNames), or the engine refuses to start.
	Features  []string  `json:"features"`
	Weights   []float64 `json:"weights"`
	Bias      float64   `json:"bias"`
	Threshold float64   `json:"threshold"`
	// Provenance of the fit, for people reading the file.
	Dataset   string  `json:"dataset,omitempty"`
	Samples   int     `json:"samples,omitempty"`
	L2        float64 `json:"l2,omitempty"`
	MinRecall float64 `json:"min_refusal_recall,omitempty"`
}

// featureNames are the answerability features, in the order of features.
var featureNames = []string{
	"cov_answer", "cov_passage", "type_found", "type_missing", "branch_agreement",
	"margin", "rare_missing", "oov", "vector_sim",
}

// features describes a candidate answer. Every feature lies in 0..1.
type features struct {
	// CovAnswer is the idf-weighted share of the question's content words
	// that the quoted sentences hold, read with their passages' titles and
	// headings; CovPassage the same for the best
	// quoted passage with its title and headings.
	CovAnswer, CovPassage float64
	// TypeFound is 1 when the question asks for a kind of fact (a date,
	// an amount, a contact...) and a quoted sentence states one;
	// TypeMissing is 1 when it asks for one and none does.
	TypeFound, TypeMissing float64
	// BranchAgreement is how high the top passage ranks in both the
	// vector and the full-text branch (mean reciprocal rank).
	BranchAgreement float64
	// Margin is the top passage's fused score lead over the best passage
	// of another document, relative to its score.
	Margin float64
	// RareMissing is the weight of the rarest question word the quoted
	// passage lacks, relative to the question's rarest word: a question
	// whose most specific word is absent asks about something else.
	RareMissing float64
	// OOV is the share of the question's content words the corpus never
	// uses and does not nearly spell either ("stipendija"; "imovnu" is a
	// typo of a word it uses).
	OOV float64
	// VectorSim is the top passage's cosine similarity to the question.
	VectorSim float64
}

func (f features) vector() []float64 {
	return []float64{f.CovAnswer, f.CovPassage, f.TypeFound, f.TypeMissing, f.BranchAgreement,
		f.Margin, f.RareMissing, f.OOV, f.VectorSim}
}

// featureLog names each feature's value, for a debug log.
func featureLog(f features) map[string]float64 {
	m := make(map[string]float64, len(featureNames))
	for i, v := range f.vector() {
		m[featureNames[i]] = math.Round(v*1000) / 1000
	}
	return m
}

//go:embed answerability.json
var answerabilityJSON []byte

// DefaultAnswerability returns the operating point built into the
// program (assistant/answerability.json, written by `mia eval
// --calibrate`).
func DefaultAnswerability() (*Answerability, error) {
	return ParseAnswerability(answerabilityJSON)
}

// ParseAnswerability reads an operating point and checks that it fits the
// features this program computes.
func ParseAnswerability(data []byte) (*Answerability, error) {
	var a Answerability
	if err := json.Unmarshal(data, &a); err != nil {
		return nil, fmt.Errorf("answerability: %w", err)
	}
	if err := a.validate(); err != nil {
		return nil, err
	}
	return &a, nil
}

func (a *Answerability) validate() error {
	if !slices.Equal(a.Features, featureNames) || len(a.Weights) != len(featureNames) {
		return fmt.Errorf("answerability: the operating point is for features %v, this program computes %v: run mia eval --calibrate", a.Features, featureNames)
	}
	if a.Threshold <= 0 || a.Threshold >= 1 {
		return fmt.Errorf("answerability: threshold %v is not within (0, 1)", a.Threshold)
	}
	return nil
}

// prob is the model's probability that the candidate answers the question.
func (a *Answerability) prob(f features) float64 {
	return logit.Model{Weights: a.Weights, Bias: a.Bias}.Prob(f.vector())
}

// questionWords are words that shape a question but name nothing asked
// about: interrogatives, modal and auxiliary verbs, pronouns and fillers
// of the spoken register. serbian.Tokens keeps some of them (it drops only
// the commonest); they are compared as its tokens.
var questionWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`kako gde gdje koliko kolko kolika koliki kada kad kakav kakva kakvo
		sta sto šta što ko koga kome kim cemu čemu cega čega zasto zašto odakle dokle kuda
		treba trebam trebalo trebati mogu moze može možemo mogla moram mora moramo moraju
		hocu hoću hoce hoće zelim želim zelela želela jel jeli il dal dali molim pitam pitanje
		ima imam imati nema nemam bio bila bilo biti ja ti on ona ono mi vi oni moj moja moje
		naš vaš svoj ej evo eto ovde tamo sada sad još jos već vec samo nešto nesto neko neki
		sve svi sav uopšte uopste zaista tačno tacno li`) {
		for _, t := range serbian.Tokens(w) {
			m[t] = true
		}
	}
	return m
}()

// contentTerms are the question's terms that carry meaning: not hints,
// not question words, not the words asking for a kind of fact.
func contentTerms(res *rag.Results) []rag.QueryTerm {
	cues := cueTokens(res.Query)
	var out []rag.QueryTerm
	for _, t := range res.QueryTerms {
		if !t.Hint && !questionWords[t.Token] && !cues[t.Token] {
			out = append(out, t)
		}
	}
	return out
}

// termIn reports whether a term (the token or one of its corpus forms) is
// in have.
func termIn(t rag.QueryTerm, have func(string) bool) bool {
	if have(t.Token) {
		return true
	}
	return slices.ContainsFunc(t.Forms, have)
}

// weightedCoverage is the idf-weighted share of terms that have holds.
func weightedCoverage(terms []rag.QueryTerm, have func(string) bool) float64 {
	var got, all float64
	for _, t := range terms {
		all += t.IDF
		if termIn(t, have) {
			got += t.IDF
		}
	}
	if all == 0 {
		return 0
	}
	return got / all
}

// assess computes the features of the candidate answer ps to the question.
func assess(res *rag.Results, ps []passage, want factKind) features {
	var f features
	terms := contentTerms(res)
	if len(ps) == 0 || len(res.Hits) == 0 {
		return f
	}
	quoted := map[string]bool{}
	for _, p := range ps {
		// The quote is read under its document's title and section
		// headings (the citation shows them): a deadline quoted from a
		// table answers "porez na imovinu" through its heading.
		for _, t := range serbian.Tokens(p.quote + " " + p.hit.Title + " " + strings.Join(p.hit.HeadingPath, " ")) {
			quoted[t] = true
		}
		if want != anyFact && want != yesNoFact && f.TypeFound == 0 {
			for _, u := range p.units {
				if holds(u, want) {
					f.TypeFound = 1
					break
				}
			}
		}
	}
	if want != anyFact && want != yesNoFact && f.TypeFound == 0 {
		f.TypeMissing = 1
	}
	// The quote may say the question's word in another derivation
	// ("popunjava" / "popuniti", "plaćam" / "plaća"): the stems differ, the
	// root is shared.
	f.CovAnswer = weightedCoverage(terms, func(s string) bool { return quoted[s] || sharesRootIn(s, quoted) })
	best := ps[0].hit
	f.CovPassage = weightedCoverage(terms, best.Has)

	var top, missing float64
	var known, oov int
	for _, t := range terms {
		top = max(top, t.IDF)
		if !termIn(t, best.Has) {
			missing = max(missing, t.IDF)
		}
		// Short tokens are as often clipped colloquial forms as words.
		if len(t.Token) >= 4 && !hasDigit(t.Token) {
			known++
			// A word the corpus lacks but nearly spells is a typo.
			if t.DocFreq == 0 && len(t.Forms) == 0 {
				oov++
			}
		}
	}
	if top > 0 {
		f.RareMissing = missing / top
	}
	if known > 0 {
		f.OOV = float64(oov) / float64(known)
	}

	h := res.Hits[0]
	f.VectorSim = max(0, h.VectorSim)
	for _, pos := range []int{h.VectorPos, h.TextPos} {
		if pos > 0 {
			f.BranchAgreement += 0.5 / float64(pos)
		}
	}
	if h.Score > 0 {
		next := 0.0
		for _, o := range res.Hits[1:] {
			if o.DocumentID != h.DocumentID {
				next = o.Score
				break
			}
		}
		f.Margin = max(0, (h.Score-next)/h.Score)
	}
	return f
}

// sharesRootIn reports whether a token of have shares a root with stem:
// a common prefix of five letters, or the whole of the shorter of the two
// when it has four. Shorter roots meet too many unrelated words; numbers
// must match whole.
func sharesRootIn(stem string, have map[string]bool) bool {
	if len(stem) < 4 || hasDigit(stem) {
		return false
	}
	for h := range have {
		if sharesRoot(stem, h) {
			return true
		}
	}
	return false
}

func sharesRoot(a, b string) bool {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n >= 5 || n >= 4 && n == min(len(a), len(b))
}

func hasDigit(s string) bool { return strings.ContainsAny(s, "0123456789") }
