package main

import (
	"context"
	"fmt"

	"github.com/miasrbija/mia/eval"
	"github.com/miasrbija/mia/llm"
	"github.com/miasrbija/mia/postgres/docstore"
	"github.com/miasrbija/mia/rag"
)

func runEval(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet("eval", e)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: mia eval --dataset FILE [flags]

Runs every question of a dataset through the search and the whole engine,
each as a new conversation, and reports retrieval recall@1/@5 and MRR,
citation precision, fact recall, refusal precision/recall/accuracy, tool
accuracy, latency and model tokens, then the failing items. It works on
whatever corpus `+"`mia ingest`"+` loaded; expected sources are the document
identities ingest gives (see eval/datasets/sombor.yaml for the format).
The turns are recorded like any other, as conversations on channel cli
with user ids eval-RUN-ITEM. --judge uses the configured chat model
(MIA_LLM_*) as the judge.

`)
		fs.PrintDefaults()
	}
	cf := bindConfig(fs, e, []*setting{setMunicipality}, commonSettings, engineSettings)
	dataset := fs.String("dataset", "", "dataset YAML file (required)")
	asJSON := fs.Bool("json", false, "print the full report as JSON (save it for --compare)")
	compare := fs.String("compare", "", "a previous JSON report: show the change of each metric and the items that changed verdict")
	judge := fs.Bool("judge", false, "let the model judge each answer's claims against the cited passages (groundedness); needs a model")
	if err := fs.Parse(args); err != nil {
		return err
	}
	c, err := cf.load()
	if err != nil {
		return err
	}
	if *dataset == "" || fs.NArg() > 0 {
		fs.Usage()
		return usageError{"give --dataset FILE and no other arguments"}
	}
	if *judge && c.Chat == nil {
		return usageError{fmt.Sprintf("--judge needs a model: set %s or %s", llm.EnvBaseURL, llm.EnvChatModel)}
	}
	items, err := eval.Load(*dataset)
	if err != nil {
		return err
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
	for _, it := range items {
		if _, err := reg.Get(it.Municipality); err != nil {
			return fmt.Errorf("%s: item %s: %w", *dataset, it.ID, err)
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
	if isTerminal(e.stderr) && !*asJSON {
		r.Progress = func(done, total int) {
			fmt.Fprintf(e.stderr, "\r%d/%d items ", done, total)
			if done == total {
				fmt.Fprintln(e.stderr)
			}
		}
	}
	rep, err := r.Run(ctx, items)
	if err != nil {
		return err
	}
	rep.Dataset = *dataset
	if prev != nil {
		rep.Comparison = eval.Compare(prev, rep)
	}
	out := newPrinter(e.stdout, *asJSON)
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
