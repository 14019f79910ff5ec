package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/miasrbija/mia/postgres/docstore"
	"github.com/miasrbija/mia/rag"
)

func runSearch(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet("search", e)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "Usage: mia search [flags] QUERY\n\nSearches the knowledge base the way the assistant does (hybrid vector + full-text).\n\n")
		fs.PrintDefaults()
	}
	cf := bindConfig(fs, e, []*setting{setMunicipality}, commonSettings, embedSettings, readSettings)
	k := fs.Int("k", 5, "number of results")
	asJSON := fs.Bool("json", false, "print the results as JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	query := strings.TrimSpace(strings.Join(fs.Args(), " "))
	if query == "" {
		fs.Usage()
		return usageError{"give a QUERY"}
	}
	if *k < 1 || *k > 50 {
		return usageError{"--k: expected 1 to 50"}
	}
	c, err := cf.load()
	if err != nil {
		return err
	}
	_, m, err := c.resolve(e)
	if err != nil {
		return err
	}
	emb, err := c.embedder()
	if err != nil {
		return err
	}
	db, err := c.openDB(ctx, c.logger(io.Discard), false)
	if err != nil {
		return err
	}
	defer db.Close()
	res, err := rag.NewSearcher(docstore.New(db).ReadIndex(), emb).Search(ctx, rag.Query{Municipality: m.Slug, Text: query, K: *k})
	if err != nil {
		return err
	}
	out := newPrinter(e.stdout, *asJSON)
	if out.json {
		return out.encode(res)
	}
	verdict := "confident"
	if !res.Confident {
		verdict = "NOT confident: the documents may not answer this"
	}
	fmt.Fprintf(e.stdout, "terms: %s\nconfidence %.2f (%s)\n\n", strings.Join(res.Terms, " "), res.Confidence, verdict)
	for i, h := range res.Hits {
		path := strings.Join(h.HeadingPath, " › ")
		fmt.Fprintf(e.stdout, "%d. %s — %s\n   %s\n   score %.4f  vector %.3f (#%d)  text %.3f (#%d)  coverage %.2f\n   %s\n\n",
			i+1, h.Source, h.Title, path, h.Score, h.VectorSim, h.VectorPos, h.TextRank, h.TextPos, h.Coverage, snippet(h.Content, 240))
	}
	return nil
}

// snippet shortens text to about n characters on a word boundary.
func snippet(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	cut := string(r[:n])
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return cut + " …"
}
