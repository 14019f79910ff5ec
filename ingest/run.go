package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/miasrbija/mia/rag"
	"github.com/miasrbija/mia/serbian"
)

// pipelineVersion changes whenever loading or chunking changes what a file
// turns into, so the next run re-ingests files whose bytes did not change.
const pipelineVersion = "ingest-v3"

// Outcome is what happened to one file in a run.
type Outcome string

// Outcomes of a file in a run.
const (
	Added     Outcome = "added"
	Updated   Outcome = "updated"
	Unchanged Outcome = "unchanged"
	Failed    Outcome = "failed"
	Skipped   Outcome = "skipped" // not a document format MIA reads
)

// FileResult is one file's line in the run's summary.
type FileResult struct {
	Source  string  `json:"source"`
	Path    string  `json:"path"`
	Outcome Outcome `json:"outcome"`
	Reason  string  `json:"reason,omitempty"` // one line, for failed and skipped files
	Chunks  int     `json:"chunks,omitempty"`
	Version int     `json:"version,omitempty"`
}

// Summary is the result of a run.
type Summary struct {
	Added     int           `json:"added"`
	Updated   int           `json:"updated"`
	Unchanged int           `json:"unchanged"`
	Failed    int           `json:"failed"`
	Skipped   int           `json:"skipped"`
	Chunks    int           `json:"chunks"` // chunks embedded and stored in this run
	Elapsed   time.Duration `json:"elapsed_ns"`
	Files     []FileResult  `json:"files"`
}

// Progress is reported after each file.
type Progress struct {
	Done, Total int
	Chunks      int
	Elapsed     time.Duration
}

// Runner ingests files into the knowledge base of one municipality.
type Runner struct {
	Store        rag.Store
	Embedder     rag.Embedder
	Chunker      *Chunker
	Limits       Limits
	Municipality string
	Log          *slog.Logger   // nil discards
	Progress     func(Progress) // nil reports nothing
	// IndexBuild sets up the vector index build of a model's first
	// ingestion (memory, progress).
	IndexBuild rag.IndexBuild
}

// file is one document found under a root.
type file struct {
	path   string // on disk
	source string // identity: relative to the root
}

// Run ingests every file under paths (files or directories, recursively).
// A file that cannot be read or parsed is recorded as failed and the run
// goes on; a storage or embedding error, or a cancelled ctx, ends the run
// with an error and the summary so far. Each document is replaced
// atomically, so an interrupted run leaves no half document behind.
func (r *Runner) Run(ctx context.Context, paths []string) (*Summary, error) {
	if r.Log == nil {
		r.Log = slog.New(slog.DiscardHandler)
	}
	if r.Chunker == nil {
		r.Chunker = NewChunker(0, 0)
	}
	start := time.Now()
	sum := &Summary{}
	files, err := collect(paths)
	if err != nil {
		return sum, err
	}
	// The model's first ingestion builds its vector index after the load,
	// in one pass with IndexBuild's memory, instead of growing the graph
	// row by row.
	indexed, err := r.Store.HasVectorIndex(ctx, r.Embedder.Model(), r.Embedder.Dim())
	if err != nil {
		return sum, err
	}
	changed := false
	for i, f := range files {
		if err := ctx.Err(); err != nil {
			return sum, err
		}
		res, err := r.ingestFile(ctx, f)
		if err != nil {
			return sum, err
		}
		sum.add(res)
		if res.Outcome == Added || res.Outcome == Updated {
			changed = true
			sum.Chunks += res.Chunks
		}
		r.Log.Info("ingest", "source", res.Source, "outcome", res.Outcome, "reason", res.Reason, "chunks", res.Chunks)
		if r.Progress != nil {
			r.Progress(Progress{Done: i + 1, Total: len(files), Chunks: sum.Chunks, Elapsed: time.Since(start)})
		}
	}
	if !indexed {
		if err := r.Store.BuildVectorIndex(ctx, r.Embedder.Model(), r.Embedder.Dim(), r.IndexBuild); err != nil {
			return sum, err
		}
	}
	if changed {
		if err := r.Store.RefreshLexemes(ctx, r.Municipality); err != nil {
			return sum, fmt.Errorf("refresh vocabulary: %w", err)
		}
	}
	sum.Elapsed = time.Since(start)
	return sum, nil
}

func (s *Summary) add(res FileResult) {
	switch res.Outcome {
	case Added:
		s.Added++
	case Updated:
		s.Updated++
	case Unchanged:
		s.Unchanged++
	case Failed:
		s.Failed++
	case Skipped:
		s.Skipped++
	}
	s.Files = append(s.Files, res)
}

// ingestFile returns a non-nil error only for failures that are not the
// file's fault (database, embedder, cancellation).
func (r *Runner) ingestFile(ctx context.Context, f file) (FileResult, error) {
	res := FileResult{Source: f.source, Path: f.path}
	fail := func(err error) (FileResult, error) {
		res.Outcome, res.Reason = Failed, reasonLine(err)
		return res, nil
	}
	if !Supported(f.path) {
		res.Outcome, res.Reason = Skipped, "not a supported document format"
		return res, nil
	}
	hash, err := r.contentHash(f.path)
	if err != nil {
		return fail(err)
	}
	oldHash, oldModel, exists, err := r.Store.DocumentState(ctx, r.Municipality, f.source)
	if err != nil {
		return res, err
	}
	if exists && oldHash == hash && oldModel == r.Embedder.Model() {
		res.Outcome = Unchanged
		return res, nil
	}
	doc, err := LoadFile(ctx, f.path, r.Limits)
	if err != nil {
		if ctx.Err() != nil {
			return res, ctx.Err()
		}
		return fail(err)
	}
	return r.storeDocument(ctx, res, f.source, hash, doc, exists)
}

// storeDocument chunks, embeds and stores a loaded document under source,
// replacing an earlier version; res carries the file's identity and gets
// the outcome. A non-nil error is not the document's fault.
func (r *Runner) storeDocument(ctx context.Context, res FileResult, source, hash string, doc *Document, exists bool) (FileResult, error) {
	chunks := r.Chunker.Split(doc)
	if len(chunks) == 0 {
		res.Outcome, res.Reason = Failed, reasonLine(fmt.Errorf("%w: the document has no text to index", ErrNoText))
		return res, nil
	}
	title := doc.Title
	if title == "" {
		title = strings.TrimSuffix(filepath.Base(res.Path), filepath.Ext(res.Path))
	}
	texts := make([]string, len(chunks))
	for i, c := range chunks {
		texts[i] = rag.EmbedText(title, c.HeadingPath, c.Text)
	}
	vecs, err := r.Embedder.Embed(ctx, texts)
	if err != nil {
		return res, fmt.Errorf("embed %s: %w", source, err)
	}
	stored := make([]rag.Chunk, len(chunks))
	for i, c := range chunks {
		stored[i] = rag.Chunk{Ord: c.Ord, HeadingPath: c.HeadingPath, Content: c.Text, Tokens: c.Tokens, Embedding: vecs[i]}
	}
	ocrConf, ocrLow := doc.OCR.stored()
	version, err := r.Store.ReplaceDocument(ctx, rag.Document{
		Municipality: r.Municipality, Source: source, Title: title, URL: doc.URL, Format: doc.Format,
		ContentHash: hash, EmbedModel: r.Embedder.Model(), Body: doc.PlainText(),
		OCRConfidence: ocrConf, OCRLowPages: ocrLow,
	}, stored)
	if err != nil {
		return res, err
	}
	res.Outcome, res.Chunks, res.Version = Added, len(chunks), version
	if exists {
		res.Outcome = Updated
	}
	return res, nil
}

// contentHash covers the file, its sidecar, the pipeline settings and the
// text normalisation the search vectors are built with. A
// file over the size limit fails here before it is read.
func (r *Runner) contentHash(path string) (string, error) {
	lim := r.Limits.withDefaults()
	st, err := os.Stat(path)
	if err != nil {
		return "", err
	}
	if st.Size() > lim.MaxFileBytes {
		return "", fmt.Errorf("%w: %d MB, the limit is %d MB", ErrTooLarge, st.Size()>>20, lim.MaxFileBytes>>20)
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%d\x00%d\x00", pipelineVersion, serbian.NormalizationVersion, r.Chunker.MaxTokens, r.Chunker.OverlapTokens)
	for _, p := range []string{path, path + ".meta.yaml"} {
		b, err := os.ReadFile(p)
		if errors.Is(err, fs.ErrNotExist) && p != path {
			continue
		}
		if err != nil {
			return "", err
		}
		h.Write(b)
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// collect lists the files under paths with their identities: a directory's
// files are named relative to it, a file named directly by its base name.
// Hidden files and sidecars are not documents.
func collect(paths []string) ([]file, error) {
	var files []file
	seen := map[string]bool{}
	add := func(path, source string) {
		if !seen[source] {
			seen[source] = true
			files = append(files, file{path: path, source: filepath.ToSlash(source)})
		}
	}
	for _, root := range paths {
		st, err := os.Stat(root)
		if err != nil {
			return nil, fmt.Errorf("ingest %s: %w", root, err)
		}
		if !st.IsDir() {
			add(root, filepath.Base(root))
			continue
		}
		err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			name := d.Name()
			if p != root && strings.HasPrefix(name, ".") {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.IsDir() || strings.HasSuffix(name, ".meta.yaml") || !d.Type().IsRegular() {
				return nil
			}
			rel, err := filepath.Rel(root, p)
			if err != nil {
				return err
			}
			add(p, rel)
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("ingest %s: %w", root, err)
		}
	}
	slices.SortFunc(files, func(a, b file) int { return strings.Compare(a.source, b.source) })
	return files, nil
}

// reasonLine flattens an error for the summary table.
func reasonLine(err error) string {
	s := strings.Join(strings.Fields(err.Error()), " ")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}
