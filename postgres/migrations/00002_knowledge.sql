-- +goose Up
-- The knowledge base: ingested documents and their chunks.
CREATE TABLE documents (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    municipality text NOT NULL REFERENCES municipalities(slug),
    -- source is the document's identity: its path relative to the ingested
    -- root (e.g. porez-na-imovinu.md), or a URL.
    source       text NOT NULL,
    title        text NOT NULL,
    url          text NOT NULL DEFAULT '',
    format       text NOT NULL,
    -- content_hash covers the file, its sidecar and the chunking settings;
    -- with embed_model it decides whether a re-run can skip the document.
    content_hash text NOT NULL,
    embed_model  text NOT NULL,
    version      int  NOT NULL DEFAULT 1,
    body         text NOT NULL, -- the extracted text, shown on /documents/{id}
    ingested_at  timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (municipality, source)
);

CREATE TABLE chunks (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    municipality text NOT NULL REFERENCES municipalities(slug),
    document_id  bigint NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    ord          int  NOT NULL,
    heading_path text[] NOT NULL DEFAULT '{}',
    content      text NOT NULL,
    tokens       int  NOT NULL,
    -- search_head and search_body are serbian.Normalize of the title with
    -- the heading path, and of the content: Cyrillic to Latin, stemmed,
    -- then folded. The same Go code normalises queries, so the database
    -- needs no Serbian dictionary of its own. Headings weigh more (A).
    search_head  text NOT NULL,
    search_body  text NOT NULL,
    tsv          tsvector GENERATED ALWAYS AS (
                     setweight(to_tsvector('simple', search_head), 'A') ||
                     setweight(to_tsvector('simple', search_body), 'D')) STORED,
    model        text NOT NULL,
    -- No fixed dimension: each model's vectors are indexed by a partial
    -- expression index cast to its dimension (rag.Store.EnsureVectorIndex).
    embedding    vector NOT NULL,
    UNIQUE (document_id, ord)
);
CREATE INDEX chunks_tsv_idx ON chunks USING gin (tsv);
CREATE INDEX chunks_municipality_model_idx ON chunks (municipality, model);

-- The normalised vocabulary of each municipality's corpus, for correcting
-- typos in queries by trigram similarity.
CREATE TABLE lexemes (
    municipality text NOT NULL REFERENCES municipalities(slug),
    lexeme       text NOT NULL,
    ndoc         int  NOT NULL,
    PRIMARY KEY (municipality, lexeme)
);
CREATE INDEX lexemes_trgm_idx ON lexemes USING gin (lexeme gin_trgm_ops);

-- +goose Down
DROP TABLE lexemes;
DROP TABLE chunks;
DROP TABLE documents;
