package main

import (
	"context"
	"fmt"
	"io"

	"github.com/miasrbija/mia/eval"
	"github.com/miasrbija/mia/municipality"
)

// runDialogueEval runs a dialogue dataset through the engine and the
// citizen services as `mia serve` wires them, and prints the report.
func runDialogueEval(ctx context.Context, e *env, c *Config, reg *municipality.Registry, path string, asJSON bool) error {
	ds, err := eval.LoadDialogues(path)
	if err != nil {
		return err
	}
	for _, d := range ds {
		if _, err := reg.Get(d.Municipality); err != nil {
			return fmt.Errorf("%s: dialogue %s: %w", path, d.ID, err)
		}
	}
	log := c.logger(e.stderr)
	crypt, err := c.crypter(log)
	if err != nil {
		return err
	}
	db, err := c.openDB(ctx, c.logger(io.Discard), false)
	if err != nil {
		return err
	}
	defer db.Close()
	eng, services, err := newEngine(c, db, reg, crypt, log)
	if err != nil {
		return err
	}
	r := &eval.DialogueRunner{Answer: eng, Forms: services}
	if isTerminal(e.stderr) && !asJSON {
		r.Progress = func(done, total int) {
			fmt.Fprintf(e.stderr, "\rdialogues %d/%d ", done, total)
			if done == total {
				fmt.Fprintln(e.stderr)
			}
		}
	}
	rep, err := r.Run(ctx, ds)
	if err != nil {
		return err
	}
	rep.Dataset = path
	out := newPrinter(e.stdout, asJSON)
	if out.json {
		return out.encode(rep)
	}
	return eval.WriteDialogueTable(e.stdout, rep)
}
