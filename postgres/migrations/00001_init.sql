-- +goose Up
CREATE EXTENSION IF NOT EXISTS vector;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Every other table references a municipality by slug. Rows here mirror
-- the configuration file and are upserted at start (SyncMunicipalities).
CREATE TABLE municipalities (
    slug       text PRIMARY KEY,
    name       text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE municipalities;
