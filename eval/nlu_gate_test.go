package eval_test

import (
	"bytes"
	"math"
	"path/filepath"
	"testing"

	"github.com/miasrbija/mia/eval"
	"github.com/miasrbija/mia/municipality"
	"github.com/miasrbija/mia/nlu"
)

// nluThresholds are the figures the NLU test split must reach.
type nluThresholds struct {
	intentAccuracy, slotF1, infoToFormRate float64
}

// nluTarget is issue 20's target on the test split.
var nluTarget = nluThresholds{intentAccuracy: 0.95, slotF1: 0.90, infoToFormRate: 0.02}

// nluEnforced is what CI enforces on the test split: the target, or where
// the understanding does not reach it yet, the figure measured rounded
// down to two decimals (a rate: rounded up), so that any regression
// fails. Raise each towards its target by improving the training data or
// the slot rules on dev; never lower one to make a change pass.
//
// Measured on 2026-12-03 (207 items, 69 novel), calibration fitted on
// the 259 dev items: intent accuracy 0.874 (novel 0.739), slot F1 0.882
// (precision 0.899, recall 0.866), clarification 0.034, info→form 2 of
// 52, form→info 5 of 52.
var nluEnforced = nluThresholds{
	// target 0.95 (issue 20), enforced 0.93: measured 0.894 on 2026-12-04
	// after the model and feature rework, 0.937 (novel 0.884) later that
	// day after 313 training sentences for the phrasing families the data
	// lacked and the calibration refitted on dev.
	intentAccuracy: 0.93,
	// target 0.90 (issue 20), met: 0.898 on 2026-12-04 after places,
	// corrections and villages were reworked, 0.907 with the training
	// sentences and the day's slot work (names beside a phone, litter on a
	// street, option labels typed, streets named by their adjective);
	// 0.918 after street cleaning by meaning and refused options (second
	// session of 2026-12-04; intent accuracy unchanged, 0.937), enforced
	// at 0.91.
	slotF1: 0.91,
	// target 0.02 (issue 20), met: 0 of 52 on 2026-12-04.
	infoToFormRate: 0.02,
}

// TestNLUGate reads the test split with the embedded understanding and
// holds it to nluEnforced.
func TestNLUGate(t *testing.T) {
	t.Parallel()
	rep := runNLUSplit(t, eval.SplitTest)
	m := rep.Metrics
	t.Logf("test split: %d items, intent accuracy %.3f (novel %.3f), slot F1 %.3f (P %.3f R %.3f), clarification %.3f, info→form %.3f (%d/%d), form→info %.3f",
		m.Total, m.IntentAccuracy, m.NovelAccuracy, m.SlotF1, m.SlotPrecision, m.SlotRecall, m.ClarificationRate, m.InfoToFormRate, m.InfoToForm, m.InfoQuestions, m.FormToInfoRate)
	failed := false
	check := func(name string, got, enforced, target float64, atMost bool) {
		if atMost && got > enforced || !atMost && got < enforced {
			failed = true
			t.Errorf("%s %.3f, enforced %.2f (target %.2f)", name, got, enforced, target)
		}
	}
	check("intent accuracy", m.IntentAccuracy, nluEnforced.intentAccuracy, nluTarget.intentAccuracy, false)
	check("slot F1", m.SlotF1, nluEnforced.slotF1, nluTarget.slotF1, false)
	check("info→form rate", m.InfoToFormRate, nluEnforced.infoToFormRate, nluTarget.infoToFormRate, true)
	if failed {
		var b bytes.Buffer
		if err := eval.WriteNLUTable(&b, rep); err != nil {
			t.Fatal(err)
		}
		t.Log("\n" + b.String())
	}
}

// TestNLUCalibrationFittedOnDev: the embedded calibration is what
// calibrating on the dev split gives now, so it was fitted on dev (not
// set by hand or on test) and is refitted when the training data change.
func TestNLUCalibrationFittedOnDev(t *testing.T) {
	t.Parallel()
	items := loadNLUSplit(t, eval.SplitDev)
	reg := mustRegistry(t)
	got, err := eval.CalibrateNLU(nlu.Default(), reg, items)
	if err != nil {
		t.Fatal(err)
	}
	have := nlu.Default().Calibration()
	if !sameCalibration(got, have) {
		t.Errorf("nlu/data/calibration.json is %+v; calibrating on dev gives %+v: run `go run ./cmd/mia eval nlu --calibrate nlu/data/calibration.json`", have, got)
	}
}

func sameCalibration(a, b nlu.Calibration) bool {
	near := func(x, y float64) bool { return math.Abs(x-y) < 1e-9 }
	return near(a.Temperature, b.Temperature) && near(a.ClarifyBelow, b.ClarifyBelow) &&
		near(a.FormMin, b.FormMin) && near(a.CategoryMin, b.CategoryMin)
}

func mustRegistry(t *testing.T) *municipality.Registry {
	t.Helper()
	reg, err := municipality.Load("")
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

func loadNLUSplit(t *testing.T, split string) []eval.NLUItem {
	t.Helper()
	f, err := eval.NLUSplitFile(datasetsDir, split)
	if err != nil {
		t.Fatal(err)
	}
	items, err := eval.LoadNLU(f)
	if err != nil {
		t.Fatal(err)
	}
	return items
}

func runNLUSplit(t *testing.T, split string) *eval.NLUReport {
	t.Helper()
	rep, err := eval.RunNLU(nlu.Default(), mustRegistry(t), loadNLUSplit(t, split))
	if err != nil {
		t.Fatal(err)
	}
	rep.Dataset = filepath.Join(datasetsDir, eval.NLUDir, split+".yaml")
	return rep
}
