package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/miasrbija/mia/fault"
	"github.com/miasrbija/mia/serbian"
)

// RemoteDocument is a document fetched from the web (crawl feeds these):
// its bytes, their format and the identity it is stored under.
type RemoteDocument struct {
	// Source is the document's identity, its canonical URL: a document
	// seen under two URLs is stored once.
	Source string
	// URL is what a citation links to (normally Source).
	URL string
	// Format is one of the formats LoadFile reads: "html", "pdf", "docx",
	// "odt", "md", "txt".
	Format string
	// Title, when not empty, wins over the title found in the document.
	Title string
	Data  []byte
	// LastModified is when the site says the document last changed (zero:
	// unknown); it does not change the document's identity or hash.
	LastModified time.Time
}

// extensions maps a RemoteDocument format to the file extension LoadFile
// chooses its parser by.
var extensions = map[string]string{"html": ".html", "pdf": ".pdf", "docx": ".docx", "odt": ".odt", "md": ".md", "txt": ".txt"}

// SupportedFormat reports whether IngestRemote reads documents of format.
func SupportedFormat(format string) bool { return extensions[format] != "" }

// Prepare readies the store for the runner's embedding model; call it
// once before IngestRemote.
func (r *Runner) Prepare(ctx context.Context) error {
	if r.Chunker == nil {
		r.Chunker = NewChunker(0, 0)
	}
	return r.Store.EnsureVectorIndex(ctx, r.Embedder.Model(), r.Embedder.Dim())
}

// IngestRemote loads, chunks, embeds and stores one fetched document under
// d.Source, exactly as Run does a file: unchanged bytes (with the same
// title, URL, pipeline and model) are not re-embedded, and the document is
// replaced in one transaction. A document that cannot be parsed comes back
// Failed with a one-line reason; a non-nil error is not the document's
// fault (database, embedder, cancellation). Call Finish after the last one.
func (r *Runner) IngestRemote(ctx context.Context, d RemoteDocument) (FileResult, error) {
	if r.Chunker == nil {
		r.Chunker = NewChunker(0, 0)
	}
	res := FileResult{Source: d.Source, Path: d.URL}
	ext := extensions[d.Format]
	if ext == "" {
		res.Outcome, res.Reason = Skipped, fmt.Sprintf("format %q is not read", d.Format)
		return res, nil
	}
	if lim := r.Limits.withDefaults(); int64(len(d.Data)) > lim.MaxFileBytes {
		res.Outcome, res.Reason = Failed, reasonLine(fmt.Errorf("%w: %d MB, the limit is %d MB", ErrTooLarge, len(d.Data)>>20, lim.MaxFileBytes>>20))
		return res, nil
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%d\x00%d\x00%s\x00%s\x00%s\x00", pipelineVersion, serbian.NormalizationVersion,
		r.Chunker.MaxTokens, r.Chunker.OverlapTokens, d.Format, d.URL, d.Title)
	h.Write(d.Data)
	hash := hex.EncodeToString(h.Sum(nil))
	oldHash, oldModel, exists, err := r.Store.DocumentState(ctx, r.Municipality, d.Source)
	if err != nil {
		return res, err
	}
	if exists && oldHash == hash && oldModel == r.Embedder.Model() {
		res.Outcome = Unchanged
		return res, nil
	}
	doc, err := loadBytes(ctx, d, ext, r.Limits)
	if err != nil {
		if ctx.Err() != nil {
			return res, ctx.Err()
		}
		res.Outcome, res.Reason = Failed, reasonLine(err)
		return res, nil
	}
	if d.Title != "" {
		doc.Title = oneLine(d.Title)
	}
	doc.URL = d.URL
	return r.storeDocument(ctx, res, d.Source, hash, doc, exists)
}

// Retire removes a document from search (its chunks and its page go); a
// document that is not stored is not an error.
func (r *Runner) Retire(ctx context.Context, source string) error {
	if err := r.Store.RemoveDocument(ctx, r.Municipality, source); err != nil && !errors.Is(err, fault.ErrNotFound) {
		return err
	}
	return nil
}

// Finish rebuilds the vocabulary after documents were added, changed or
// retired.
func (r *Runner) Finish(ctx context.Context) error {
	if err := r.Store.RefreshLexemes(ctx, r.Municipality); err != nil {
		return fmt.Errorf("refresh vocabulary: %w", err)
	}
	return nil
}

// loadBytes runs LoadFile on a private copy of the bytes, named after the
// URL's last segment so a document without a title of its own is called
// by its file name, as a local one would be. The directory holds no
// sidecar, so nothing but the bytes decides the result.
func loadBytes(ctx context.Context, d RemoteDocument, ext string, lim Limits) (*Document, error) {
	dir, err := os.MkdirTemp("", "mia-remote-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	p := filepath.Join(dir, remoteFileName(d.URL, ext))
	if err := os.WriteFile(p, d.Data, 0o600); err != nil {
		return nil, err
	}
	return LoadFile(ctx, p, lim)
}

// remoteFileName turns a URL's last path segment into a safe file name
// ending in ext: "/dokumenti/Odluka%20o%20porezu.pdf" → "Odluka o porezu.pdf".
func remoteFileName(rawURL, ext string) string {
	base := "document"
	if u, err := url.Parse(rawURL); err == nil {
		if b := path.Base(u.Path); b != "/" && b != "." && b != "" {
			base = b
		}
	}
	base = strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == 0 || r < ' ' {
			return '-'
		}
		return r
	}, base)
	base = strings.TrimPrefix(strings.TrimSuffix(base, filepath.Ext(base)), ".")
	if len(base) > 100 {
		base = base[:100]
	}
	if base == "" {
		base = "document"
	}
	return base + ext
}
