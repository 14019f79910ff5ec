package main

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/miasrbija/mia/nlu"
)

// TestEvalNLUCommand runs `mia eval nlu` in-process on the repository's
// datasets: the dev table, both splits as JSON, a calibration file, and
// the usage errors. No database is needed.
func TestEvalNLUCommand(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const datasets = "../../eval/datasets"
	table, _, err := runCmd(ctx, nil, "eval", "nlu", "--datasets", datasets)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"dev.yaml", "intent accuracy", "slot F1", "info → form"} {
		if !strings.Contains(table, want) {
			t.Errorf("table lacks %q:\n%s", want, table)
		}
	}
	out, _, err := runCmd(ctx, nil, "eval", "nlu", "--datasets", datasets, "--split", "dev,test", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var reports map[string]struct {
		Metrics struct {
			Total          int     `json:"total"`
			IntentAccuracy float64 `json:"intent_accuracy"`
		} `json:"metrics"`
	}
	if err := json.Unmarshal([]byte(out), &reports); err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	if len(reports) != 2 {
		t.Fatalf("%d reports, want dev and test", len(reports))
	}
	for name, r := range reports {
		if r.Metrics.Total == 0 || r.Metrics.IntentAccuracy <= 0 {
			t.Errorf("%s: %+v", name, r.Metrics)
		}
	}
	path := filepath.Join(t.TempDir(), "calibration.json")
	if _, _, err := runCmd(ctx, nil, "eval", "nlu", "--datasets", datasets, "--calibrate", path); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if c, err := nlu.ParseCalibration(b); err != nil || c.Temperature <= 0 || !strings.Contains(c.Fitted, "dev") {
		t.Errorf("calibration %+v, %v", c, err)
	}
	var u usageError
	if _, _, err := runCmd(ctx, nil, "eval", "nlu", "--split", "test", "--calibrate", path); err == nil || !strings.Contains(err.Error(), "dev split") {
		t.Errorf("--calibrate with --split: %v, want a usage error", err)
	} else if !errors.As(err, &u) {
		t.Errorf("not a usage error: %v", err)
	}
	if _, _, err := runCmd(ctx, nil, "eval", "nlu", "--split", "train"); err == nil {
		t.Error("--split train: no error")
	}
}
