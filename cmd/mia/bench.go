package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/miasrbija/mia/bench/country"
)

// runBench is `mia bench gen|load`: the country-scale data set and the
// load generator the README's capacity table comes from.
func runBench(ctx context.Context, e *env, args []string) error {
	usage := "Usage: mia bench gen [flags]    generate a country-scale knowledge base (a benchmark database)\n" +
		"       mia bench load [flags]   drive a mixed workload against running MIA replicas\n"
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(e.stderr, usage)
		if len(args) == 0 {
			return usageError{"give gen or load"}
		}
		return nil
	}
	switch args[0] {
	case "gen":
		return runBenchGen(ctx, e, args[1:])
	case "load":
		return runBenchLoad(ctx, e, args[1:])
	}
	fmt.Fprint(e.stderr, usage)
	return usageError{fmt.Sprintf("unknown bench command %q", args[0])}
}

func runBenchGen(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet("bench gen", e)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: mia bench gen [flags]

Registers N generated municipalities (opstina-001 largest … opstina-N smallest, sizes by Zipf's law) and loads
their chunks, written from the demo corpora's sentences and embedded offline, then builds the vector index and
each municipality's vocabulary. It drops and rebuilds the vector index: use a benchmark database.

`)
		fs.PrintDefaults()
	}
	cf := bindConfig(fs, e, commonSettings)
	plan := country.DefaultPlan()
	fs.IntVar(&plan.Municipalities, "count", plan.Municipalities, "municipalities to generate")
	fs.IntVar(&plan.Chunks, "chunks", plan.Chunks, "chunks in all")
	fs.Float64Var(&plan.Exponent, "exponent", plan.Exponent, "Zipf exponent of the sizes (0: all equal)")
	fs.IntVar(&plan.MinChunks, "min-chunks", plan.MinChunks, "the smallest municipality's chunks at least")
	corpora := fs.String("corpus", "corpus/sombor,corpus/laktasi", "directories of Markdown documents giving the sentences, comma-separated")
	workMem := fs.String("work-mem", "2GB", "maintenance_work_mem for the HNSW build")
	out := fs.String("write-municipalities", "", "also write a municipalities file with the generated municipalities (for mia serve)")
	dryRun := fs.Bool("dry-run", false, "print the sizes and change nothing")
	if err := fs.Parse(args); err != nil {
		return err
	}
	towns, err := plan.Sizes()
	if err != nil {
		return usageError{err.Error()}
	}
	if *dryRun {
		for _, t := range towns {
			fmt.Fprintf(e.stdout, "%s\t%d\n", t.Slug, t.Chunks)
		}
		return nil
	}
	c, err := cf.load()
	if err != nil {
		return err
	}
	if _, _, err := c.resolve(e); err != nil {
		return err
	}
	db, err := c.openDB(ctx, c.logger(io.Discard), true)
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	last := time.Time{}
	towns, err = country.Generate(ctx, db, country.Options{Plan: plan, Corpora: strings.Split(*corpora, ","), WorkMem: *workMem,
		Progress: func(p country.Progress) {
			if time.Since(last) < 2*time.Second && p.Done < p.Total {
				return
			}
			last = time.Now()
			switch {
			case p.Index != nil:
				fmt.Fprintf(e.stderr, "%5.0fs vector index: %s %d/%d\n", time.Since(start).Seconds(), p.Index.Phase, p.Index.Done, p.Index.Total)
			case p.RefreshingLexica:
				fmt.Fprintf(e.stderr, "%5.0fs vocabularies\n", time.Since(start).Seconds())
			default:
				fmt.Fprintf(e.stderr, "%5.0fs %d/%d municipalities, %d chunks\n", time.Since(start).Seconds(), p.Done, p.Total, p.Chunks)
			}
		}})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%d municipalities, %d chunks (largest %s %d, smallest %s %d) in %s\n", len(towns), plan.Chunks,
		towns[0].Slug, towns[0].Chunks, towns[len(towns)-1].Slug, towns[len(towns)-1].Chunks, time.Since(start).Round(time.Second))
	if *out != "" {
		if err := country.WriteFile(*out, towns); err != nil {
			return fmt.Errorf("municipalities file: %w", err)
		}
		fmt.Fprintf(e.stdout, "municipalities file %s (Viber token from %s)\n", *out, country.ViberTokenEnv)
	}
	return nil
}
