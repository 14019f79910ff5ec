package nlu

import (
	"fmt"
	"io/fs"
	"os"
	"slices"
	"sort"
	"testing"
)

// familyGroups assigns each training example a family: examples of the
// same intent whose stem sets overlap by at least a third (Jaccard) are
// joined, transitively. A family is a template and its paraphrases, so
// holding out whole families measures reading phrasings the model has
// not seen a near copy of, which plain k-fold cross-validation (where a
// sentence's paraphrase usually sits in the training folds) rewards.
func familyGroups(exs []Example) []int {
	parent := make([]int, len(exs))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	for i, ns := range nearCopies(exs) {
		for _, j := range ns {
			parent[find(i)] = find(j)
		}
	}
	out := make([]int, len(exs))
	for i := range exs {
		out[i] = find(i)
	}
	return out
}

// nearCopies lists, for each example, the other examples of its intent
// whose stem sets overlap its own by at least a third (Jaccard).
func nearCopies(exs []Example) [][]int {
	sets := make([]map[string]bool, len(exs))
	for i, ex := range exs {
		sets[i] = map[string]bool{}
		for _, w := range splitText(ex.Text) {
			if !w.digits {
				sets[i][w.stem] = true
			}
		}
	}
	out := make([][]int, len(exs))
	for i := range exs {
		for j := i + 1; j < len(exs); j++ {
			if exs[i].Intent != exs[j].Intent {
				continue
			}
			inter := 0
			for s := range sets[i] {
				if sets[j][s] {
					inter++
				}
			}
			union := len(sets[i]) + len(sets[j]) - inter
			if union > 0 && 3*inter >= union {
				out[i] = append(out[i], j)
				out[j] = append(out[j], i)
			}
		}
	}
	return out
}

// cvResult is the outcome of a grouped cross-validation.
type cvResult struct {
	right, total int
	perIntent    map[Intent][2]int // right, total
	infoForm     int               // held-out info questions read as form starts
	misses       []string
}

func (r cvResult) acc() float64 { return float64(r.right) / float64(r.total) }

// groupedCrossValidate holds out whole families (familyGroups), k folds,
// and reads each held-out example as Understand does: in the dialogue
// state it belongs to, with the calibration's temperature and FormMin
// (a weak form start is read as info).
func groupedCrossValidate(t testing.TB, td TrainingData, k int) cvResult {
	t.Helper()
	base, extra := splitExtra(t, td)
	if os.Getenv("MIA_NLU_EXTRA") == "0" {
		extra = nil // compare features on the original sentences alone
	}
	td.Examples = base
	if testing.Verbose() {
		t.Logf("family cross-validation: %d examples held out by family, %d always trained on", len(base), len(extra))
	}
	groups := familyGroups(td.Examples)
	// A family's fold follows from its own sentences (a hash of the
	// first in sort order), so adding or removing sentences elsewhere
	// leaves the other families' folds as they were.
	key := map[int]string{}
	for i, g := range groups {
		if k, ok := key[g]; !ok || td.Examples[i].Text < k {
			key[g] = td.Examples[i].Text
		}
	}
	foldOf := func(i int) int { return int(featureHash('f', key[groups[i]]) % uint64(k)) }
	res := cvResult{perIntent: map[Intent][2]int{}}
	for fold := 0; fold < k; fold++ {
		train, held := splitFold(td, extra, func(i int) bool { return foldOf(i) == fold })
		u, err := Train(train)
		if err != nil {
			t.Fatal(err)
		}
		res.read(u, held)
	}
	return res
}

// read reads each held-out example as Understand does, in the dialogue
// state it belongs to, and counts the outcome.
func (res *cvResult) read(u *Understander, held []Example) {
	for _, ex := range held {
		outside, _ := ex.Intent.contexts()
		form := ""
		if !outside {
			form = "in-form"
		}
		got := u.decideIntent(ex.Text, form)
		pi := res.perIntent[ex.Intent]
		pi[1]++
		if got == ex.Intent {
			res.right++
			pi[0]++
		} else {
			res.misses = append(res.misses, fmt.Sprintf("%s→%s %q", ex.Intent, got, ex.Text))
		}
		if ex.Intent == Info && got.Form() != "" {
			res.infoForm++
		}
		res.perIntent[ex.Intent] = pi
		res.total++
	}
}

// purgedCrossValidate is a second family-held-out estimate, without the
// transitive chaining that makes familyGroups join most examples of some
// intents (registry_extract, thanks, confirm, status) into one family
// and so hold out an intent's whole vocabulary at once. Each example is
// in one of k folds (a hash of its text); training on a fold leaves out
// the held-out examples and every near copy of one (nearCopies: same
// intent, stem overlap ≥ 1/3), but keeps examples related to them only
// through a chain. So no held-out sentence has a near copy in training,
// yet each intent keeps most of its families. It is read as
// groupedCrossValidate reads. Measured 2026-12-05 (1094 examples, each
// fold trained on about 734): 0.751 against the family estimate's 0.699;
// registry_extract 0.651 (family 0.302), status 0.901 (0.746), confirm
// 0.654 (0.404); out_of_scope 0.292, greeting 0.280, emergency 0.409
// stay low under both.
func purgedCrossValidate(t testing.TB, td TrainingData, k int) cvResult {
	t.Helper()
	base, extra := splitExtra(t, td)
	if os.Getenv("MIA_NLU_EXTRA") == "0" {
		extra = nil
	}
	td.Examples = base
	near := nearCopies(base)
	res := cvResult{perIntent: map[Intent][2]int{}}
	trained := 0
	for fold := 0; fold < k; fold++ {
		held := make([]bool, len(base))
		for i, ex := range base {
			held[i] = int(featureHash('f', ex.Text)%uint64(k)) == fold
		}
		var heldOut []Example
		purged := make([]bool, len(base))
		for i, ex := range base {
			if !held[i] {
				continue
			}
			heldOut = append(heldOut, ex)
			purged[i] = true
			for _, j := range near[i] {
				purged[j] = true
			}
		}
		train, _ := splitFold(td, extra, func(i int) bool { return purged[i] })
		trained += len(train.Examples)
		u, err := Train(train)
		if err != nil {
			t.Fatal(err)
		}
		res.read(u, heldOut)
	}
	if testing.Verbose() {
		t.Logf("purged cross-validation: trained on %d of %d examples a fold on average", trained/k, len(base)+len(extra))
	}
	return res
}

// splitExtra separates the examples of the intents/*_more.yaml files
// (sentences written for families the data lacked) from the others, so
// that the families held out are the same with and without them: the
// extra sentences are always trained on, never held out.
func splitExtra(t testing.TB, td TrainingData) (base, extra []Example) {
	t.Helper()
	files, err := fs.Glob(dataFS, "data/intents/*_more.yaml")
	if err != nil {
		t.Fatal(err)
	}
	isExtra := map[string]bool{}
	for _, f := range files {
		exs, err := readIntentFile(dataFS, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, ex := range exs {
			isExtra[string(ex.Intent)+"\x00"+ex.Text] = true
		}
	}
	for _, ex := range td.Examples {
		if isExtra[string(ex.Intent)+"\x00"+ex.Text] {
			extra = append(extra, ex)
		} else {
			base = append(base, ex)
		}
	}
	return base, extra
}

// decideIntent is Understand's intent decision without slots: form is
// "" outside a form; any other value stands for a form in progress.
func (u *Understander) decideIntent(text, form string) Intent {
	p := u.intents.scores(withContext(featuresOf(text, splitText(text)), form != ""))
	softmax(p, u.cal.temperature())
	best := slices.Index(p, slices.Max(p))
	got := Intents[best]
	if got.Form() != "" && form == "" && p[best] < u.cal.FormMin {
		return Info
	}
	if got.Form() != "" && form != "" {
		return Inform
	}
	return got
}

// TestGroupedCrossValidation reports the family-held-out estimate (set
// MIA_NLU_EXPERIMENT; "v" lists the misses).
func TestGroupedCrossValidation(t *testing.T) {
	if os.Getenv("MIA_NLU_EXPERIMENT") == "" {
		t.Skip("set MIA_NLU_EXPERIMENT=1")
	}
	td, err := DefaultData()
	if err != nil {
		t.Fatal(err)
	}
	groups := familyGroups(td.Examples)
	fam := map[int]bool{}
	for _, g := range groups {
		fam[g] = true
	}
	r := groupedCrossValidate(t, td, 5)
	pr := purgedCrossValidate(t, td, 5)
	t.Logf("grouped 5-fold (%d families of %d examples): intent %.3f, info→form %d", len(fam), len(td.Examples), r.acc(), r.infoForm)
	t.Logf("near-copies-purged 5-fold: intent %.3f, info→form %d", pr.acc(), pr.infoForm)
	var names []string
	for in := range r.perIntent {
		names = append(names, string(in))
	}
	sort.Strings(names)
	t.Logf("  %-18s %-13s %s", "", "family", "purged")
	for _, n := range names {
		pi, pp := r.perIntent[Intent(n)], pr.perIntent[Intent(n)]
		t.Logf("  %-18s %3d/%3d %.3f  %3d/%3d %.3f", n, pi[0], pi[1], float64(pi[0])/float64(pi[1]), pp[0], pp[1], float64(pp[0])/float64(pp[1]))
	}
	if os.Getenv("MIA_NLU_EXPERIMENT") == "v" {
		for _, m := range r.misses {
			t.Log("  miss ", m)
		}
		for _, m := range pr.misses {
			t.Log("  purged miss ", m)
		}
	}
}

// splitFold returns td with the examples held (by index) left out and
// extra added, and the examples held.
func splitFold(td TrainingData, extra []Example, held func(i int) bool) (TrainingData, []Example) {
	train := td
	train.Examples = slices.Clone(extra)
	var out []Example
	for i, ex := range td.Examples {
		if held(i) {
			out = append(out, ex)
		} else {
			train.Examples = append(train.Examples, ex)
		}
	}
	return train, out
}
