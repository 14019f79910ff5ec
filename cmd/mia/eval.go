package main

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/miasrbija/mia/eval"
	"github.com/miasrbija/mia/llm"
	"github.com/miasrbija/mia/postgres/docstore"
	"github.com/miasrbija/mia/rag"
)

// defaultDatasets is where --split looks for eval/datasets/<municipality>/
// when run from the repository's root.
const defaultDatasets = "eval/datasets"

// evalRun is one dataset to run: a file or a municipality's split.
type evalRun struct {
	name  string // the file, or DIR/MUNICIPALITY for a split
	split string // "" for a file
	files []string
	items []eval.Item
}

func runEval(ctx context.Context, e *env, args []string) error {
	if len(args) > 0 && args[0] == "export" {
		return runEvalExport(ctx, e, args[1:]) // eval_export.go
	}
	if len(args) > 0 && args[0] == "nlu" {
		return runEvalNLU(e, args[1:]) // eval_nlu.go
	}
	fs := newFlagSet("eval", e)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: mia eval --split dev|validation|test|dev,test [--municipality SLUG] [flags]
       mia eval --dataset FILE [flags]
       mia eval export --gaps [flags]   (the knowledge gaps as a dataset; mia eval export -h)
       mia eval --dialogues FILE [--json]
       mia eval nlu [--split dev|test|dev,test | --dataset FILE] [--json] [--calibrate FILE]

Runs every question of a dataset through the search and the whole engine,
each as a new conversation, and reports retrieval recall@1/@5 and MRR,
citation precision, fact recall, refusal precision/recall/accuracy, tool
accuracy, unexpected form starts, latency and model tokens, each share with
its 95% interval, then the failing items. It works on whatever corpus
`+"`mia ingest`"+` loaded; expected sources are the document identities ingest
gives (see eval/datasets/sombor/dev.yaml for the format).

--split runs the municipality's split from DIR/MUNICIPALITY/ (SPLIT.yaml
and SPLIT-*.yaml merged); --split dev,test runs both and prints them side
by side. Tune on dev only: test estimates how MIA does on questions nobody
tuned for, and CI gates on it.
The turns are recorded like any other, as conversations on channel cli
with user ids eval-RUN-ITEM. --judge uses the configured chat model
(MIA_LLM_*) as the judge.

--dialogues runs scripted citizen dialogues (eval/datasets/dialogues/) through
the engine and the citizen services, one new conversation each, reads each
filed case back and reports the success rate and the turns taken against the
fewest possible.

`)
		fs.PrintDefaults()
	}
	cf := bindConfig(fs, e, []*setting{setMunicipality}, commonSettings, engineSettings)
	dataset := fs.String("dataset", "", "dataset YAML file")
	split := fs.String("split", "", "run the municipality's dev or test split, or both side by side (dev,test)")
	datasets := fs.String("datasets", defaultDatasets, "directory of the municipalities' splits (with --split)")
	asJSON := fs.Bool("json", false, "print the full report as JSON (save it for --compare); with two splits, an object by split")
	compare := fs.String("compare", "", "a previous JSON report: show the change of each metric and the items that changed verdict (one dataset or split)")
	calibrate := fs.String("calibrate", "", "fit answerability on the dev questions and write the operating point to FILE (assistant/answerability.json), instead of reporting")
	minRecall := fs.Float64("min-refusal-recall", 0.9, "with --calibrate: the share of unanswerable dev questions the chosen threshold must decline")
	judge := fs.Bool("judge", false, "let the model judge each answer's claims against the cited passages (groundedness); needs a model")
	dialogues := fs.String("dialogues", "", "run a dialogue dataset (YAML) through the engine and report completed cases and turns")
	if err := fs.Parse(args); err != nil {
		return err
	}
	c, err := cf.load()
	if err != nil {
		return err
	}
	if *dialogues != "" {
		if fs.NArg() > 0 || *dataset != "" || *split != "" || *compare != "" || *calibrate != "" || *judge {
			return usageError{"--dialogues runs alone: give only --json with it"}
		}
		reg, _, err := c.resolve(e)
		if err != nil {
			return err
		}
		return runDialogueEval(ctx, e, c, reg, *dialogues, *asJSON)
	}
	splits, err := parseSplits(*split)
	if err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0 || (*dataset == "") == (len(splits) == 0):
		fs.Usage()
		return usageError{"give --dataset FILE or --split SPLIT, and no other arguments"}
	case *compare != "" && len(splits) > 1:
		return usageError{"--compare compares one run: give one split"}
	case *calibrate != "" && len(splits) > 0 && !slices.Equal(splits, []string{eval.SplitDev}):
		// Validation and test estimate what the fit does on words it has
		// not seen; fitted on, they would no longer.
		return usageError{"--calibrate fits on --split dev only"}
	case *judge && c.Chat == nil:
		return usageError{fmt.Sprintf("--judge needs a model: set %s or %s", llm.EnvBaseURL, llm.EnvChatModel)}
	}
	var runs []evalRun
	if *dataset != "" {
		items, err := eval.Load(*dataset)
		if err != nil {
			return err
		}
		runs = append(runs, evalRun{name: *dataset, items: items})
	}
	// Read the earlier report first: a wrong path should not cost a run.
	var prev *eval.Report
	if *compare != "" {
		if prev, err = eval.ReadReport(*compare); err != nil {
			return err
		}
	}
	reg, m, err := c.resolve(e)
	if err != nil {
		return err
	}
	slugs := []string{m.Slug}
	if *calibrate != "" && len(splits) > 0 {
		// One operating point serves every municipality: it is fitted on
		// the dev questions of all of them.
		if slugs, err = eval.DatasetMunicipalities(*datasets); err != nil {
			return err
		}
	}
	for _, slug := range slugs {
		for _, name := range splits {
			s, err := eval.LoadSplit(*datasets, slug, name)
			if err != nil {
				return err
			}
			for i := range s.Items {
				if s.Items[i].Municipality == "" {
					s.Items[i].Municipality = slug
				}
			}
			runs = append(runs, evalRun{name: filepath.Join(*datasets, slug), split: name, files: s.Files, items: s.Items})
		}
	}
	for _, run := range runs {
		for _, it := range run.items {
			if _, err := reg.Get(it.Municipality); err != nil {
				return fmt.Errorf("%s: item %s: %w", run.name, it.ID, err)
			}
		}
	}
	emb, err := c.embedder()
	if err != nil {
		return err
	}
	db, eng, err := c.openEngine(ctx, e, reg)
	if err != nil {
		return err
	}
	defer db.Close()
	if *calibrate != "" {
		if *minRecall <= 0 || *minRecall > 1 {
			return usageError{"--min-refusal-recall must be in (0, 1]"}
		}
		return calibrateEval(ctx, e, eng, runs, m.Slug, *calibrate, *minRecall)
	}
	r := &eval.Runner{
		Search:       rag.NewSearcher(docstore.New(db), emb),
		Answer:       eng,
		Municipality: m.Slug,
	}
	if *judge {
		chat, err := llm.NewChatClient(*c.Chat)
		if err != nil {
			return fmt.Errorf("configuration: %w", err)
		}
		r.Judge = &eval.Judge{Chat: chat}
	}
	reports := make([]*eval.Report, 0, len(runs))
	for _, run := range runs {
		if isTerminal(e.stderr) && !*asJSON {
			r.Progress = func(done, total int) {
				fmt.Fprintf(e.stderr, "\r%s %d/%d items ", run.split, done, total)
				if done == total {
					fmt.Fprintln(e.stderr)
				}
			}
		}
		rep, err := r.Run(ctx, run.items)
		if err != nil {
			return err
		}
		rep.Dataset, rep.Split, rep.Files = run.name, run.split, run.files
		reports = append(reports, rep)
	}
	return printEval(e, reports, prev, *asJSON)
}

// parseSplits reads --split: empty, one split, or splits separated by
// commas, each once, in the order given.
func parseSplits(v string) ([]string, error) {
	if v == "" {
		return nil, nil
	}
	var out []string
	for s := range strings.SplitSeq(v, ",") {
		s = strings.TrimSpace(s)
		if !slices.Contains(eval.Splits, s) || slices.Contains(out, s) {
			return nil, usageError{fmt.Sprintf("--split %q: want %s, or several separated by commas", v, strings.Join(eval.Splits, ", "))}
		}
		out = append(out, s)
	}
	return out, nil
}

// printEval writes one report as a table (with the comparison against
// prev, if any) or several side by side; as JSON, one report, or an
// object of reports by split.
func printEval(e *env, reports []*eval.Report, prev *eval.Report, asJSON bool) error {
	if len(reports) == 1 && prev != nil {
		reports[0].Comparison = eval.Compare(prev, reports[0])
	}
	out := newPrinter(e.stdout, asJSON)
	if len(reports) > 1 {
		if out.json {
			bySplit := map[string]*eval.Report{}
			for _, r := range reports {
				bySplit[r.Split] = r
			}
			return out.encode(bySplit)
		}
		return eval.WriteSideBySide(e.stdout, reports)
	}
	rep := reports[0]
	if out.json {
		return out.encode(rep)
	}
	if err := eval.WriteTable(e.stdout, rep); err != nil {
		return err
	}
	if rep.Comparison != nil {
		return eval.WriteComparison(e.stdout, rep.Comparison, rep)
	}
	return nil
}
