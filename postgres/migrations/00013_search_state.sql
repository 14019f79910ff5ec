-- +goose Up
-- One row per municipality, rewritten whenever an ingestion run refreshes
-- its vocabulary: the searcher caches query-term look-ups per
-- municipality and drops them when generation moves, and reads the chunk
-- count here instead of counting chunks per search.
CREATE TABLE lexicon_state (
    municipality text PRIMARY KEY REFERENCES municipalities(slug),
    generation   bigint NOT NULL,
    chunks       int NOT NULL,
    refreshed_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO lexicon_state (municipality, generation, chunks)
SELECT municipality, 1, count(*) FROM chunks GROUP BY municipality;

-- +goose Down
DROP TABLE lexicon_state;
