package main

import (
	"fmt"
	"os"

	"github.com/miasrbija/mia/eval"
	"github.com/miasrbija/mia/municipality"
	"github.com/miasrbija/mia/nlu"
)

// runEvalNLU is `mia eval nlu`: the understanding (intents and slots) on
// the NLU dataset, without a database or a model.
func runEvalNLU(e *env, args []string) error {
	fs := newFlagSet("eval nlu", e)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: mia eval nlu [--split dev|test|dev,test | --dataset FILE] [--json]
       mia eval nlu --calibrate FILE

Reads every message of the understanding dataset (eval/datasets/nlu/) with
the trained intent classifier and slot extraction, and reports intent
accuracy (also on the items marked novel), slot precision/recall/F1, the
clarification rate and information questions read as form starts, each
with its 95% interval, then the confusions and the failing items.

--calibrate fits the confidence temperature and the thresholds on the dev
split (never test) and writes them to FILE (nlu/data/calibration.json);
rebuild for the embedded calibration to change.

`)
		fs.PrintDefaults()
	}
	split := fs.String("split", "", "run the dev or test split, or both (dev,test)")
	dataset := fs.String("dataset", "", "an NLU dataset YAML file instead of a split")
	datasets := fs.String("datasets", defaultDatasets, "directory holding nlu/{dev,test}.yaml")
	asJSON := fs.Bool("json", false, "print the full report as JSON")
	calibrate := fs.String("calibrate", "", "fit the calibration on the dev split and write it to FILE")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return usageError{"mia eval nlu takes no arguments"}
	}
	reg, err := municipality.Load("")
	if err != nil {
		return err
	}
	if *calibrate != "" {
		if *split != "" || *dataset != "" {
			return usageError{"--calibrate always fits on the dev split: give no --split or --dataset"}
		}
		return calibrateNLU(e, reg, *datasets, *calibrate)
	}
	var runs []string
	if *dataset != "" {
		if *split != "" {
			return usageError{"give --split or --dataset, not both"}
		}
		runs = []string{*dataset}
	} else {
		splits, err := parseSplits(*split)
		if err != nil {
			return err
		}
		if len(splits) == 0 {
			splits = []string{eval.SplitDev}
		}
		for _, s := range splits {
			f, err := eval.NLUSplitFile(*datasets, s)
			if err != nil {
				return err
			}
			runs = append(runs, f)
		}
	}
	u := nlu.Default()
	out := newPrinter(e.stdout, *asJSON)
	reports := map[string]*eval.NLUReport{}
	for _, f := range runs {
		items, err := eval.LoadNLU(f)
		if err != nil {
			return err
		}
		rep, err := eval.RunNLU(u, reg, items)
		if err != nil {
			return err
		}
		rep.Dataset = f
		reports[f] = rep
		if !out.json {
			if err := eval.WriteNLUTable(e.stdout, rep); err != nil {
				return err
			}
		}
	}
	if !out.json {
		return nil
	}
	if len(runs) == 1 {
		return out.encode(reports[runs[0]])
	}
	return out.encode(reports)
}

// calibrateNLU fits the calibration on the dev split and writes it.
func calibrateNLU(e *env, reg *municipality.Registry, datasets, path string) error {
	f, err := eval.NLUSplitFile(datasets, eval.SplitDev)
	if err != nil {
		return err
	}
	items, err := eval.LoadNLU(f)
	if err != nil {
		return err
	}
	cal, err := eval.CalibrateNLU(nlu.Default(), reg, items)
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, cal.JSON(), 0o644); err != nil {
		return fmt.Errorf("write calibration: %w", err)
	}
	_, err = fmt.Fprintf(e.stdout, "calibration fitted on %s written to %s:\n%s", f, path, cal.JSON())
	return err
}
