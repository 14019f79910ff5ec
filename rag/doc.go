// Package rag is MIA's knowledge base: documents cut into chunks, their
// vectors (Embedder) and Serbian-normalised text (SearchText), and the
// hybrid search the assistant answers from (Searcher): nearest vectors
// and full text fused by reciprocal rank, query terms corrected against
// the corpus vocabulary and weighted by idf, and a confidence signal.
//
// rag holds no SQL: it defines what it needs from storage (Store for
// documents, Index for search) and postgres/docstore implements both.
package rag
