package nlu

import (
	"slices"
	"sync"

	"github.com/miasrbija/mia/forms"
	"github.com/miasrbija/mia/municipality"
)

// Understander reads citizens' messages. It is immutable after Train and
// safe for concurrent use.
type Understander struct {
	intents *model
	// categories is the communal-report category model, for problems
	// described without naming a category ("potpuni mrak u ulici").
	categories *model
	catValues  []string
	lex        *lexIndex
	cal        Calibration
}

var (
	defaultOnce sync.Once
	defaultU    *Understander
)

// Default returns the Understander trained from the embedded data, trained
// on first use. The embedded data is checked by the package's tests, so a
// failure here is a build defect and panics.
func Default() *Understander {
	defaultOnce.Do(func() {
		td, err := DefaultData()
		if err != nil {
			panic(err)
		}
		u, err := Train(td)
		if err != nil {
			panic(err)
		}
		defaultU = u
	})
	return defaultU
}

// Train builds an Understander from training data. Each example is used
// as written and with typos generated from it (a fixed seed, so training
// is deterministic).
func Train(data TrainingData) (*Understander, error) {
	if len(data.Examples) == 0 {
		return nil, errorf("train: no examples")
	}
	if err := data.Calibration.check(); err != nil {
		return nil, errorf("train: calibration: %w", err)
	}
	lex, err := newLexIndex(data.Lexicon, data.Examples)
	if err != nil {
		return nil, err
	}
	class := map[Intent]int{}
	for i, in := range Intents {
		class[in] = i
	}
	catDef, ok := forms.Lookup(forms.FormCommunalReport)
	if !ok {
		return nil, errorf("train: form %s is not defined", forms.FormCommunalReport)
	}
	catField, ok := catDef.Field("category")
	if !ok {
		return nil, errorf("train: form %s has no category field", forms.FormCommunalReport)
	}
	var catValues []string
	catClass := map[string]int{}
	for _, o := range catField.Options {
		catClass[o.Value] = len(catValues)
		catValues = append(catValues, o.Value)
	}
	var exs, catExs []example
	for i, ex := range data.Examples {
		c, ok := class[ex.Intent]
		if !ok {
			return nil, errorf("train: example %q: unknown intent %q", ex.Text, ex.Intent)
		}
		outside, inside := ex.Intent.contexts()
		for _, text := range augment(ex.Text, uint64(i)) {
			f := features(text)
			if outside {
				exs = append(exs, example{feats: f, class: c})
			}
			if inside {
				exs = append(exs, example{feats: withContext(f, true), class: c})
			}
			cat, has := ex.Slots["category"]
			if !has || ex.Intent != CommunalReport {
				continue
			}
			cc, ok := catClass[cat]
			if !ok {
				return nil, errorf("train: example %q: unknown category %q", ex.Text, cat)
			}
			catExs = append(catExs, example{feats: f, class: cc})
		}
	}
	u := &Understander{
		intents:   trainModel(exs, len(Intents), defaultTrain),
		catValues: catValues,
		lex:       lex,
		cal:       data.Calibration,
	}
	if len(catExs) > 0 {
		u.categories = trainModel(catExs, len(catValues), defaultTrain)
	}
	return u, nil
}

// Calibration returns the calibration the Understander decides with.
func (u *Understander) Calibration() Calibration { return u.cal }

// WithCalibration returns a copy of u deciding with c (the models are
// shared, not copied).
func (u *Understander) WithCalibration(c Calibration) *Understander {
	v := *u
	v.cal = c
	return &v
}

// Understand reads one message. m gives the settlements (villages) and
// may be nil. form, when non-empty, is the form in progress: slots are
// then keyed by its field names; when empty, by the fields of the form
// the intent starts (case_ref in any case).
func (u *Understander) Understand(text string, m *municipality.Municipality, form string) Result {
	return u.understand(text, m, form, "")
}

// UnderstandExcept reads a message as Understand does when except is
// ruled out. The others keep their probabilities (not scaled up to fill
// the gap): a reading that was weak stays weak, below the form-start and
// clarification thresholds. The engine rules an emergency out when the
// danger word the classifier read is used in a harmless sense ("pala je
// tuča": hail).
func (u *Understander) UnderstandExcept(text string, m *municipality.Municipality, form string, except Intent) Result {
	return u.understand(text, m, form, except)
}

func (u *Understander) understand(text string, m *municipality.Municipality, form string, except Intent) Result {
	words := splitText(text)
	probs := u.intents.scores(withContext(featuresOf(text, words), form != ""))
	softmax(probs, u.cal.temperature())
	if i := slices.Index(Intents, except); i >= 0 {
		probs[i] = 0
	}
	r := Result{Ranking: make([]Scored, len(Intents))}
	for i, in := range Intents {
		r.Ranking[i] = Scored{Intent: in, P: probs[i]}
	}
	slices.SortStableFunc(r.Ranking, func(a, b Scored) int {
		switch {
		case a.P > b.P:
			return -1
		case a.P < b.P:
			return 1
		}
		return 0
	})
	r.Intent, r.Confidence = r.Ranking[0].Intent, r.Ranking[0].P
	if r.Intent.Form() != "" && r.Intent.Form() != form && r.Confidence < u.cal.FormMin {
		// A form start needs evidence; when unsure, answer the question.
		r.Intent, r.Confidence = Info, probs[slices.Index(Intents, Info)]
	}
	if form != "" && r.Intent.Form() == form {
		r.Intent = Inform
	}
	r.Clarify = r.Confidence < u.cal.ClarifyBelow
	target := form
	if target == "" {
		target = r.Intent.Form()
	}
	r.Slots, r.Named = u.slots(text, words, m, target, r.Intent)
	return r
}

// Category reads the communal-report category a message describes the
// way an opening message is read: the options it names outside the place
// it gives, or else the category model. It is for the answer to the
// category question, which describes a problem whatever its words; ""
// when neither is sure.
func (u *Understander) Category(text string, m *municipality.Municipality) string {
	words := splitText(text)
	_, place, _ := locationOf(text, words, m, nil)
	return u.categoryOf(text, words, place, true)
}
