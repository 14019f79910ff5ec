package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/miasrbija/mia/ingest"
	"github.com/miasrbija/mia/postgres/docstore"
	"github.com/miasrbija/mia/rag"

	"github.com/schollz/progressbar/v3"
)

func runIngest(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet("ingest", e)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: mia ingest [flags] PATH...   ingest files and directories (recursively)
       mia ingest [flags] URL...    crawl a site (or sitemap) from these URLs into the knowledge base
       mia ingest --sources         crawl the municipality's configured sources once
       mia ingest --list            list the knowledge base's documents
       mia ingest --remove SOURCE   remove one document
       mia ingest --reembed         re-embed stored chunks with the configured embedder

A document's identity (SOURCE) is its path relative to the directory given,
e.g. porez-na-imovinu.md; re-ingesting an unchanged file does nothing.
A crawled document's identity is its canonical URL; a re-crawl asks only
for what changed (see README, Following the city's web site).

`)
		fs.PrintDefaults()
	}
	cf := bindConfig(fs, e, []*setting{setMunicipality, setCrawlDelay}, commonSettings, embedSettings)
	cflags := bindCrawlFlags(fs)
	list := fs.Bool("list", false, "list documents instead of ingesting")
	remove := fs.String("remove", "", "remove the document with this SOURCE")
	reembed := fs.Bool("reembed", false, "re-embed every chunk embedded by another model")
	indexMemory := fs.String("index-memory", "1GB", "PostgreSQL maintenance_work_mem for building a model's vector index (first ingestion, --reembed) and a municipality's own index; empty: the server's")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	modes := 0
	for _, on := range []bool{*list, *remove != "", *reembed, fs.NArg() > 0, cflags.sources} {
		if on {
			modes++
		}
	}
	if modes != 1 {
		fs.Usage()
		return usageError{"give PATHs or URLs to ingest, or exactly one of --sources, --list, --remove, --reembed"}
	}
	urls, err := crawlArgs(fs.Args(), cflags)
	if err != nil {
		fs.Usage()
		return err
	}
	c, err := cf.load()
	if err != nil {
		return err
	}
	_, m, err := c.resolve(e)
	if err != nil {
		return err
	}
	// Listing reads; ingesting writes documents and may be the first
	// command run on a new database, so it migrates.
	db, err := c.openDB(ctx, c.logger(io.Discard), !*list)
	if err != nil {
		return err
	}
	defer db.Close()
	store := docstore.New(db)
	store.TownIndexMemory = *indexMemory // the municipality's own index too
	out := newPrinter(e.stdout, *asJSON)

	switch {
	case *list:
		docs, err := store.ListDocuments(ctx, m.Slug)
		if err != nil {
			return err
		}
		return out.documents(docs)
	case *remove != "":
		if err := store.RemoveDocument(ctx, m.Slug, *remove); err != nil {
			return err
		}
		return out.message(map[string]string{"removed": *remove}, "removed %s\n", *remove)
	}

	emb, err := c.embedder()
	if err != nil {
		return err
	}
	if *reembed {
		n, err := rag.Reembed(ctx, store, m.Slug, emb, nil, indexBuild(e.stderr, *indexMemory, !*asJSON))
		if err != nil {
			return err
		}
		return out.message(map[string]any{"reembedded_chunks": n, "model": emb.Model()},
			"re-embedded %d chunks with %s\n", n, emb.Model())
	}
	r := &ingest.Runner{Store: store, Embedder: emb, Municipality: m.Slug, Limits: ingest.DefaultLimits(),
		IndexBuild: indexBuild(e.stderr, *indexMemory, !*asJSON)}
	if cflags.sources || len(urls) > 0 {
		return runCrawl(ctx, e, c, db, m, r, urls, cflags, *asJSON)
	}
	if isTerminal(e.stderr) && !*asJSON {
		r.Progress = progressBar(e.stderr)
	}
	sum, runErr := r.Run(ctx, fs.Args())
	if err := out.summary(sum); err != nil {
		return err
	}
	if runErr != nil {
		return runErr
	}
	if sum.Failed > 0 {
		return fmt.Errorf("%d of %d files failed", sum.Failed, len(sum.Files))
	}
	return nil
}

// printer writes either readable text or JSON.
type printer struct {
	w    io.Writer
	json bool
}

func newPrinter(w io.Writer, asJSON bool) *printer { return &printer{w, asJSON} }

func (p *printer) encode(v any) error {
	enc := json.NewEncoder(p.w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func (p *printer) message(v any, format string, a ...any) error {
	if p.json {
		return p.encode(v)
	}
	_, err := fmt.Fprintf(p.w, format, a...)
	return err
}

func (p *printer) documents(docs []rag.Document) error {
	if p.json {
		type row struct {
			ID      int64     `json:"id"`
			Source  string    `json:"source"`
			Title   string    `json:"title"`
			URL     string    `json:"url,omitempty"`
			Format  string    `json:"format"`
			Chunks  int       `json:"chunks"`
			Version int       `json:"version"`
			Model   string    `json:"embed_model"`
			Updated time.Time `json:"updated_at"`
			OCR     float64   `json:"ocr_confidence,omitempty"` // mean OCR word confidence, 0..100
			OCRLow  []int     `json:"ocr_low_pages,omitempty"`  // pages under the confidence floor
		}
		rows := make([]row, 0, len(docs))
		for _, d := range docs {
			rows = append(rows, row{d.ID, d.Source, d.Title, d.URL, d.Format, d.Chunks, d.Version, d.EmbedModel, d.UpdatedAt, d.OCRConfidence, d.OCRLowPages})
		}
		return p.encode(rows)
	}
	tw := tabwriter.NewWriter(p.w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SOURCE\tFORMAT\tCHUNKS\tVERSION\tUPDATED\tTITLE")
	for _, d := range docs {
		format := d.Format // scans show their OCR confidence, and pages a human should check
		if d.OCRConfidence > 0 {
			format += fmt.Sprintf(" OCR %.0f%%", d.OCRConfidence)
			if len(d.OCRLowPages) > 0 {
				format += " LOW p." + strings.Trim(fmt.Sprint(d.OCRLowPages), "[]")
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\t%s\n", d.Source, format, d.Chunks, d.Version, d.UpdatedAt.Format("2006-01-02 15:04"), d.Title)
	}
	fmt.Fprintf(tw, "%d documents\n", len(docs))
	return tw.Flush()
}

func (p *printer) summary(s *ingest.Summary) error {
	if p.json {
		return p.encode(s)
	}
	tw := tabwriter.NewWriter(p.w, 0, 4, 2, ' ', 0)
	for _, f := range s.Files {
		if f.Outcome == ingest.Failed || f.Outcome == ingest.Skipped {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", strings.ToUpper(string(f.Outcome)), f.Source, f.Reason)
		}
	}
	rate := 0.0
	if s.Elapsed > 0 {
		rate = float64(s.Chunks) / s.Elapsed.Seconds()
	}
	fmt.Fprintf(tw, "added %d, updated %d, unchanged %d, failed %d, skipped %d; %d chunks in %.1fs (%.0f chunks/s)\n",
		s.Added, s.Updated, s.Unchanged, s.Failed, s.Skipped, s.Chunks, s.Elapsed.Seconds(), rate)
	return tw.Flush()
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// progressBar draws a bar of documents done, with the chunks stored so
// far and the rate; it ends its line when the last document is done.
func progressBar(w io.Writer) func(ingest.Progress) {
	var bar *progressbar.ProgressBar
	return func(p ingest.Progress) {
		if bar == nil {
			bar = progressbar.NewOptions(max(p.Total, 1), progressbar.OptionSetWriter(w), progressbar.OptionSetWidth(30), progressbar.OptionThrottle(100*time.Millisecond),
				progressbar.OptionShowCount(), progressbar.OptionShowIts(), progressbar.OptionSetItsString("documents"),
				progressbar.OptionSetPredictTime(true), progressbar.OptionOnCompletion(func() { fmt.Fprintln(w) }))
		}
		bar.Describe(fmt.Sprintf("%d chunks", p.Chunks))
		bar.Set(p.Done)
	}
}

// indexBuild sets the vector index build's memory and, on a terminal, a
// bar of the vectors loaded into the graph (PostgreSQL's progress report).
func indexBuild(w io.Writer, workMem string, show bool) rag.IndexBuild {
	b := rag.IndexBuild{WorkMem: workMem}
	if !show || !isTerminal(w) {
		return b
	}
	var bar *progressbar.ProgressBar
	b.Progress = func(p rag.IndexProgress) {
		if p.Total <= 0 {
			return
		}
		if bar == nil {
			bar = progressbar.NewOptions64(p.Total, progressbar.OptionSetWriter(w), progressbar.OptionSetWidth(30),
				progressbar.OptionShowCount(), progressbar.OptionShowIts(), progressbar.OptionSetItsString("vectors"),
				progressbar.OptionSetPredictTime(true), progressbar.OptionOnCompletion(func() { fmt.Fprintln(w) }))
		}
		bar.Describe("vector index: " + p.Phase)
		bar.Set64(p.Done)
	}
	return b
}
