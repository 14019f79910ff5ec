package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/miasrbija/mia/assistant"
)

// calibrateEval runs every question of the runs through the engine's
// answerability assessment, fits the model on them (label: answerable =
// not expect_refusal) and writes the operating point to path. Test splits
// are refused: the operating point is tuned on dev only.
func calibrateEval(ctx context.Context, e *env, eng *assistant.Engine, runs []evalRun, municipality, path string, minRecall float64) error {
	var samples, elsewhere []assistant.CalibrationSample
	var names []string
	for _, run := range runs {
		if run.split == "test" || strings.Contains(filepath.Base(run.name), "test") {
			return usageError{fmt.Sprintf("--calibrate tunes on dev only, not on %s", run.name)}
		}
		names = append(names, filepath.ToSlash(filepath.Join(run.name, run.split)))
		for _, it := range run.items {
			slug := it.Municipality
			if slug == "" {
				slug = municipality
			}
			a, err := eng.Assess(ctx, slug, it.Question)
			if err != nil {
				return fmt.Errorf("item %s: %w", it.ID, err)
			}
			s := assistant.CalibrationSample{ID: it.ID, Features: a.Features, Answerable: !it.ExpectRefusal, Declined: a.Declined}
			if a.Decided {
				elsewhere = append(elsewhere, s)
			} else {
				samples = append(samples, s)
			}
		}
	}
	c, err := assistant.Calibrate(samples, assistant.CalibrateOptions{Dataset: strings.Join(names, ", "), Elsewhere: elsewhere, MinRefusalRecall: minRecall})
	if err != nil {
		return err
	}
	data, err := json.MarshalIndent(c.Answerability, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("write operating point: %w", err)
	}
	neg := 0
	for _, s := range samples {
		if !s.Answerable {
			neg++
		}
	}
	fmt.Fprintf(e.stdout, "answerability fitted on %d questions answered from the documents (%d expect a refusal); %d more decided by routing\n\n",
		len(samples), neg, len(elsewhere))
	fmt.Fprintf(e.stdout, "%-18s %8s\n", "FEATURE", "WEIGHT")
	for i, n := range c.Answerability.Features {
		fmt.Fprintf(e.stdout, "%-18s %8.3f\n", n, c.Answerability.Weights[i])
	}
	fmt.Fprintf(e.stdout, "%-18s %8.3f\n\n", "(bias)", c.Answerability.Bias)
	fmt.Fprintf(e.stdout, "threshold %.3f: accuracy %.3f (leave-one-out %.3f), refusal recall %.3f, refusal precision %.3f on the whole dataset\n",
		c.Threshold, c.Accuracy, c.CVAccuracy, c.RejectRecall, c.RejectPrecision)
	fmt.Fprintf(e.stdout, "wrote %s; rebuild for the engine to embed it\n", path)
	return nil
}
