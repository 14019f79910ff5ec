package assistant

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/miasrbija/mia/internal/logit"
)

// Assessment is how the engine judges the documents' answer to one
// question, for calibrating answerability.
type Assessment struct {
	// Features are the answerability features, named by FeatureNames.
	Features []float64
	// Prob is the probability the engine's current operating point gives.
	Prob float64
	// Decided is set when answerability does not decide the question: the
	// engine routes it elsewhere (a greeting, an emergency, a form, a
	// refusal by topic) or finds nothing to quote. Declined tells whether
	// the reply then declines.
	Decided, Declined bool
}

// FeatureNames returns the names of the answerability features, in the
// order of Assessment.Features.
func FeatureNames() []string { return append([]string(nil), featureNames...) }

// Assess judges a question the way a first turn of a conversation would,
// without recording anything.
func (e *Engine) Assess(ctx context.Context, municipality, text string) (Assessment, error) {
	m, err := e.cfg.Municipalities.Get(municipality)
	if err != nil {
		return Assessment{}, err
	}
	raw, _ := CapInput(text)
	masked, _ := MaskPII(raw)
	if strings.TrimSpace(masked) == "" {
		return Assessment{Decided: true}, nil
	}
	in := classify(e.cfg.Understand, masked, m)
	if (in.Route == RouteInfo || in.Route == RouteOutOfScope) && m.ForeignPlace(masked) != "" {
		return Assessment{Decided: true, Declined: true}, nil
	}
	if fromDocs, declines := routeOf(in, masked, e.cfg.Forms != nil); !fromDocs {
		return Assessment{Decided: true, Declined: declines}, nil
	}
	c, err := e.candidate(ctx, m, masked)
	if err != nil {
		return Assessment{}, err
	}
	if len(c.passages) == 0 {
		// Nothing to quote: declined whatever the model says.
		return Assessment{Decided: true, Declined: true}, nil
	}
	return Assessment{Features: c.features.vector(), Prob: c.prob}, nil
}

// routeOf mirrors Engine.route: whether the intent ends in Engine.answer
// and, when it does not, whether the reply declines.
func routeOf(in Intent, text string, services bool) (fromDocs, declines bool) {
	if in.Route != RouteEmergency && LooksLikeInjection(text) {
		return false, true
	}
	switch in.Route {
	case RouteAbuse, RouteOutOfScope:
		return false, true
	case RouteEmergency, RouteGreeting, RouteThanks:
		return false, false
	case RouteFormStart:
		return !services || in.Form == "", false
	case RouteStatus:
		return !services, false
	}
	return true, false
}

// CalibrationSample is one question's features and whether the documents
// answer it.
type CalibrationSample struct {
	ID         string
	Features   []float64
	Answerable bool
	// Declined is, for a question decided elsewhere, whether it declines.
	Declined bool
}

// CalibrateOptions set the fit and the operating point's target.
type CalibrateOptions struct {
	// L2 is the penalty on the weights' squares; default 0.5.
	L2 float64
	// MinRefusalRecall is the share of unanswerable questions the chosen
	// threshold must decline; default 0.9, the product's target: a
	// confident, cited answer to a question the documents do not cover
	// misleads the citizen, a referral to the info desk does not.
	MinRefusalRecall float64
	// Dataset names the samples' source, recorded in the operating point.
	Dataset string
	// Elsewhere are the dataset's questions answerability does not decide
	// (Assessment.Decided), so that the target and the accuracy are those
	// of the whole dataset, as the evaluation reports them.
	Elsewhere []CalibrationSample
}

// Calibration is the fitted operating point and how it does on the
// samples it was fitted on.
type Calibration struct {
	Answerability *Answerability
	logit.Operating
	// CVAccuracy is the leave-one-out accuracy on the samples (refit
	// without each, threshold kept): less flattering than Accuracy, which,
	// like the recall and precision, counts the questions decided
	// elsewhere too.
	CVAccuracy float64
}

// Calibrate fits the answerability model to samples and picks the
// threshold with the best accuracy that declines at least
// MinRefusalRecall of the unanswerable questions. It is deterministic.
func Calibrate(samples []CalibrationSample, opt CalibrateOptions) (*Calibration, error) {
	if opt.L2 == 0 {
		opt.L2 = 0.5
	}
	if opt.MinRefusalRecall == 0 {
		opt.MinRefusalRecall = 0.9
	}
	if len(samples) == 0 {
		return nil, errors.New("calibrate: no samples")
	}
	x := make([][]float64, len(samples))
	y := make([]bool, len(samples))
	for i, s := range samples {
		if len(s.Features) != len(featureNames) {
			return nil, fmt.Errorf("calibrate: sample %s has %d features, want %d", s.ID, len(s.Features), len(featureNames))
		}
		x[i], y[i] = s.Features, s.Answerable
	}
	m, err := logit.Fit(x, y, opt.L2)
	if err != nil {
		return nil, fmt.Errorf("calibrate: %w", err)
	}
	p := make([]float64, len(x))
	for i := range x {
		p[i] = m.Prob(x[i])
	}
	// A question decided elsewhere is a fixed decision: declined ones
	// below any threshold, answered ones above.
	pAll, yAll := slices.Clone(p), slices.Clone(y)
	for _, s := range opt.Elsewhere {
		v := 2.0
		if s.Declined {
			v = -1
		}
		pAll, yAll = append(pAll, v), append(yAll, s.Answerable)
	}
	op := logit.ChooseThreshold(pAll, yAll, opt.MinRefusalRecall)
	c := &Calibration{Operating: op, Answerability: &Answerability{
		Features: FeatureNames(), Weights: m.Weights, Bias: m.Bias, Threshold: op.Threshold,
		Dataset: opt.Dataset, Samples: len(samples), L2: opt.L2, MinRecall: opt.MinRefusalRecall,
	}}
	// Leave-one-out: how the fit decides a question it has not seen.
	right := 0
	for i := range x {
		xs := append(append([][]float64{}, x[:i]...), x[i+1:]...)
		ys := append(append([]bool{}, y[:i]...), y[i+1:]...)
		mi, err := logit.Fit(xs, ys, opt.L2)
		if err != nil {
			continue // one class left: count it as wrong
		}
		if (mi.Prob(x[i]) >= op.Threshold) == y[i] {
			right++
		}
	}
	c.CVAccuracy = float64(right) / float64(len(x))
	return c, c.Answerability.validate()
}
