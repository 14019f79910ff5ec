package rag

import (
	"context"
	"strings"
	"time"

	"github.com/miasrbija/mia/serbian"
)

// Store is the knowledge base's documents: their chunks with vectors and
// normalised text, and the vocabulary used for typo correction. Ingestion
// writes it, the document page reads it. postgres/docstore implements it.
type Store interface {
	// DocumentState returns the stored content hash and embedding model of
	// a document; ok is false when it is not stored.
	DocumentState(ctx context.Context, municipality, source string) (hash, model string, ok bool, err error)
	// ReplaceDocument stores doc and its chunks (Ord, HeadingPath, Content,
	// Tokens, Embedding) in one transaction, replacing any earlier version:
	// readers see the old version or the new, never a mix, and a run
	// killed midway leaves the old version intact. Chunks are indexed for
	// full text by SearchText. It returns the stored version number.
	ReplaceDocument(ctx context.Context, doc Document, chunks []Chunk) (int, error)
	// RemoveDocument deletes a document and its chunks; fault.ErrNotFound
	// when the municipality has no document with that source.
	RemoveDocument(ctx context.Context, municipality, source string) error
	// ListDocuments returns a municipality's documents ordered by source,
	// without their bodies.
	ListDocuments(ctx context.Context, municipality string) ([]Document, error)
	// Document returns one document of the municipality with its body;
	// fault.ErrNotFound when the municipality has no such document.
	Document(ctx context.Context, municipality string, id int64) (Document, error)
	// Passage returns the text of one chunk of a document, for showing the
	// passage a citation points to; fault.ErrNotFound when the chunk is not
	// the document's.
	Passage(ctx context.Context, municipality string, documentID, chunkID int64) (string, error)
	// EnsureVectorIndex creates the vector index for a model's vectors if
	// it does not exist, so several models (and a re-embedding in
	// progress) coexist. It refuses a model name or dimension it cannot
	// index.
	EnsureVectorIndex(ctx context.Context, model string, dim int) error
	// HasVectorIndex reports whether the vector index for a model's
	// vectors exists.
	HasVectorIndex(ctx context.Context, model string, dim int) (bool, error)
	// BuildVectorIndex is EnsureVectorIndex with build settings: memory for
	// the build and progress reports, for building over many chunks at once
	// (a first ingestion, a re-embedding).
	BuildVectorIndex(ctx context.Context, model string, dim int, b IndexBuild) error
	// RefreshLexemes rebuilds the municipality's vocabulary from its
	// chunks, in one transaction, after an ingestion run changed them, and
	// moves its LexiconState on.
	RefreshLexemes(ctx context.Context, municipality string) error

	// DocumentsToReembed returns the municipality's documents embedded
	// with a model other than model, ordered by id, with only ID and Title
	// set.
	DocumentsToReembed(ctx context.Context, municipality, model string) ([]Document, error)
	// DocumentChunks returns a document's chunks in order, with only ID,
	// Ord, HeadingPath and Content set.
	DocumentChunks(ctx context.Context, documentID int64) ([]Chunk, error)
	// ReplaceEmbeddings sets the Embedding of every chunk (by ID) and
	// records model on the chunks and the document, in one transaction:
	// search never mixes two models within a document.
	ReplaceEmbeddings(ctx context.Context, documentID int64, model string, chunks []Chunk) error
}

// Index is what the Searcher reads: the two retrieval branches and the
// vocabulary. postgres/docstore implements it.
type Index interface {
	// Lexicon returns the municipality's vocabulary generation and chunk
	// count, as of its last RefreshLexemes.
	Lexicon(ctx context.Context, municipality string) (LexiconState, error)
	// Lexemes returns the tokens the municipality's vocabulary holds as
	// they are, each with Token = Form.
	Lexemes(ctx context.Context, municipality string, tokens []string) ([]Lexeme, error)
	// SimilarLexemes returns, for each token, up to two vocabulary forms
	// closest to it by trigram similarity (at least 0.45), closest first.
	SimilarLexemes(ctx context.Context, municipality string, tokens []string) ([]Lexeme, error)
	// VectorSearch returns up to q.Limit passages of q.Model nearest to
	// q.Vector, Score being the cosine similarity, nearest first and equal
	// distances by chunk id.
	VectorSearch(ctx context.Context, q VectorQuery) ([]Candidate, error)
	// TextSearch returns up to q.Limit passages matching q.TSQuery, best
	// full-text rank first and equal ranks by chunk id, Score being that
	// rank; then, when they are fewer than q.FallbackBelow, those of
	// q.Fallback in the same order.
	TextSearch(ctx context.Context, q TextQuery) ([]Candidate, error)
	// Nearest returns the chunks of q.Model nearest to q.Vector by cosine
	// distance, nearest first.
	Nearest(ctx context.Context, q VectorQuery) ([]Neighbor, error)
}

// Document is a stored source document.
type Document struct {
	ID           int64
	Municipality string
	Source       string // identity: path relative to the ingested root, or a URL
	Title        string
	URL          string
	Format       string
	ContentHash  string
	EmbedModel   string
	Version      int
	Body         string
	Chunks       int
	// OCRConfidence is the mean OCR word confidence (0..100) of the pages
	// read by OCR; 0 when none was. OCRLowPages lists the 1-based pages
	// read under the confidence floor.
	OCRConfidence float64
	OCRLowPages   []int
	IngestedAt    time.Time
	UpdatedAt     time.Time
}

// Chunk is a stored piece of a document.
type Chunk struct {
	ID          int64 // set by the store; ignored by ReplaceDocument
	Ord         int
	HeadingPath []string
	Content     string
	Tokens      int
	Embedding   []float32
}

// LexiconState identifies a municipality's vocabulary: Generation moves
// on at every RefreshLexemes (0 before the first), so look-ups cached
// under an older one are stale. Chunks is the municipality's chunk count
// at that refresh.
type LexiconState struct {
	Generation int64
	Chunks     int
}

// IndexBuild are the settings of a vector index build.
type IndexBuild struct {
	// WorkMem is PostgreSQL's maintenance_work_mem for the build ("1GB");
	// empty keeps the server's. An HNSW graph that does not fit is built
	// several times slower.
	WorkMem string
	// Progress, when not nil, is called about every second while the
	// index is built.
	Progress func(IndexProgress)
}

// IndexProgress is how far an index build is.
type IndexProgress struct {
	Phase       string // PostgreSQL's phase name
	Done, Total int64  // tuples
}

// Lexeme is a corpus form found for a query token.
type Lexeme struct {
	Token string // the query token looked up
	Form  string // the corpus form
	NDoc  int    // chunks containing the form
}

// VectorQuery asks for the passages nearest to a vector.
type VectorQuery struct {
	Municipality string
	Model        string // only vectors of this model are compared
	Dim          int    // the model's dimension, which the vector index is built on
	Vector       []float32
	Limit        int
	// EfSearch is HNSW's candidate list size (hnsw.ef_search).
	EfSearch int
	// Candidates, when above twice Limit, is how many rows the walk
	// returns to be re-ranked by the stored vectors' distance. Past
	// ef_search (which pgvector caps at 1,000) the iterative scan walks
	// the graph on from where the first list ended, finding neighbours
	// the first walk missed.
	Candidates int
	// Exact scans every vector instead of walking the index.
	Exact bool
}

// TextQuery asks for the passages matching a full-text query.
type TextQuery struct {
	Municipality string
	// TSQuery is a PostgreSQL tsquery over SearchText's normalised forms.
	TSQuery string
	Limit   int
	// RankCap bounds how many matching rows are ranked: a term found in
	// thousands of chunks must not make every search slow.
	RankCap int
	// ShortList, when set below RankCap, is how many of those rows the
	// cheaper term-frequency rank (ts_rank) keeps for the cover-density
	// rank (ts_rank_cd) that orders the passages.
	ShortList int
	// Fallback, when set, is a broader tsquery searched only when TSQuery
	// finds fewer than FallbackBelow passages: its passages (up to Limit,
	// those TSQuery found left out) follow TSQuery's.
	Fallback      string
	FallbackBelow int
	// Sparse (FallbackSparse for Fallback) says the query matches few
	// chunks for the municipality's size (sparseMatches): reading every
	// match through the full-text index costs less than walking chunks in
	// id order until RankCap match. Either way the same rows are ranked.
	Sparse, FallbackSparse bool
	// Small says the municipality has fewer chunks than the Searcher's
	// ExactBelow: both queries are sparse and read at most its few hundred
	// rows whatever the plan, so planning each search anew (as much CPU as
	// the search itself) buys nothing and a cached plan may serve.
	Small bool
}

// Candidate is a passage a retrieval branch found, before fusion.
type Candidate struct {
	Hit Hit // citation and text; scores are left zero
	// Normalized is the passage's head and body as SearchText made them,
	// space separated: the terms the passage covers.
	Normalized string
	// Score is the cosine similarity (vector branch) or the full-text rank.
	Score float64
}

// Neighbor is a chunk and its cosine distance to a query.
type Neighbor struct {
	ChunkID  int64
	Distance float64
}

// EmbedText is what a chunk's vector is computed from: the document title
// and heading path give a short passage the context it lacks on its own.
func EmbedText(title string, headingPath []string, content string) string {
	var b strings.Builder
	b.WriteString(title)
	for _, h := range headingPath {
		b.WriteString(" > ")
		b.WriteString(h)
	}
	b.WriteString("\n")
	b.WriteString(content)
	return b.String()
}

// SearchText is what a chunk is found by in full-text search: its head
// (document title and heading path) and its body as the query's
// serbian.Tokens, space separated, so that every spelling of a word meets.
func SearchText(title string, headingPath []string, content string) (head, body string) {
	return serbian.Normalize(title + " " + strings.Join(headingPath, " ")), serbian.Normalize(content)
}
