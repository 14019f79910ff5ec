package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/miasrbija/mia/eval"
	"github.com/miasrbija/mia/feedback"
	"github.com/miasrbija/mia/postgres/feedbackstore"
)

// gapQuestionsExported bounds the questions read per group.
const gapQuestionsExported = 1000

// runEvalExport is `mia eval export --gaps`: the knowledge gaps staff see
// on /staff/gaps, written as an evaluation dataset for QA to edit.
func runEvalExport(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet("eval export", e)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: mia eval export --gaps [--municipality SLUG] [--status new|document_added|not_our_remit] [--group ID] [--out FILE]

Writes the questions citizens asked that MIA declined or that got a
thumbs-down (the groups of /staff/gaps, filed first as the page does) as
a dataset in the format of eval/datasets: one item per distinct question,
expect_refusal: true. QA turns them into test items: once the city's
documents answer a question, set expect_refusal: false with its
expect_sources and expect_facts, and move it into a split.

`)
		fs.PrintDefaults()
	}
	cf := bindConfig(fs, e, []*setting{setMunicipality}, commonSettings)
	gaps := fs.Bool("gaps", false, "export the knowledge gaps (the only export so far)")
	status := fs.String("status", "", "only groups with this status: new, document_added or not_our_remit")
	group := fs.Int64("group", 0, "only this group (its number on /staff/gaps)")
	outPath := fs.String("out", "", "write to FILE instead of standard output")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if !*gaps || fs.NArg() > 0 {
		fs.Usage()
		return usageError{"give --gaps, and no other arguments"}
	}
	f := feedback.GapFilter{Group: *group, Examples: gapQuestionsExported}
	if *status != "" {
		st, err := feedback.ParseGapStatus(*status)
		if err != nil {
			return usageError{"--status: " + err.Error()}
		}
		f.Status = st
	}
	c, err := cf.load()
	if err != nil {
		return err
	}
	_, m, err := c.resolve(e)
	if err != nil {
		return err
	}
	db, err := c.openDB(ctx, c.logger(io.Discard), false)
	if err != nil {
		return err
	}
	defer db.Close()
	store := feedbackstore.New(db)
	if err := store.SyncGaps(ctx, m.Slug, feedback.Assign); err != nil {
		return err
	}
	groups, err := store.Gaps(ctx, m.Slug, f)
	if err != nil {
		return err
	}
	var out []eval.GapGroup
	for _, g := range groups {
		eg := eval.GapGroup{ID: g.ID, Municipality: g.Municipality, Status: string(g.Status)}
		for _, x := range g.Examples {
			eg.Questions = append(eg.Questions, x.Question)
		}
		for _, d := range g.Documents {
			eg.Documents = append(eg.Documents, fmt.Sprintf("%s (%d)", d.Title, d.N))
		}
		out = append(out, eg)
	}
	if len(out) == 0 {
		return fmt.Errorf("no knowledge gaps in %s match (status %q, group %d)", m.Slug, f.Status, f.Group)
	}
	if *outPath == "" {
		return eval.WriteGapItems(e.stdout, out)
	}
	file, err := os.Create(*outPath)
	if err != nil {
		return err
	}
	if err := eval.WriteGapItems(file, out); err != nil {
		file.Close()
		return err
	}
	if err := file.Close(); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "wrote %d group(s) to %s\n", len(out), *outPath)
	return nil
}
