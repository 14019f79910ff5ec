-- +goose Up
-- The state of every URL the crawler (package crawl) has met on a
-- municipality's sites, for conditional re-crawls (ETag, Last-Modified),
-- duplicate detection (content_hash) and retiring pages that disappear
-- (misses). A page's document is the row of `documents` whose source is
-- its canonical URL. Public web pages only: no personal data.
CREATE TABLE crawl_pages (
    municipality  text NOT NULL REFERENCES municipalities(slug),
    source_name   text NOT NULL,            -- the municipality's sources: entry
    url           text NOT NULL,            -- as requested, normalised
    canonical     text NOT NULL DEFAULT '',
    etag          text NOT NULL DEFAULT '',
    last_modified text NOT NULL DEFAULT '', -- the header as the site sent it
    content_hash  text NOT NULL DEFAULT '', -- SHA-256 of the bytes served
    format        text NOT NULL DEFAULT '',
    links         text[] NOT NULL DEFAULT '{}', -- followed again after a 304
    depth         int  NOT NULL DEFAULT 0,
    misses        int  NOT NULL DEFAULT 0,  -- runs in a row answering 404/410
    retired       boolean NOT NULL DEFAULT false,
    duplicate_of  text NOT NULL DEFAULT '',
    first_seen    timestamptz NOT NULL,
    last_seen     timestamptz NOT NULL,
    last_changed  timestamptz,              -- Last-Modified, else the run that saw new bytes
    PRIMARY KEY (municipality, url)
);
CREATE INDEX crawl_pages_source_idx ON crawl_pages (municipality, source_name);
CREATE INDEX crawl_pages_canonical_idx ON crawl_pages (municipality, canonical);

-- One row per crawl run of a source, shown on /staff/sources.
CREATE TABLE crawl_runs (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    municipality text NOT NULL REFERENCES municipalities(slug),
    source_name  text NOT NULL,
    status       text NOT NULL,             -- running, ok, failed
    error        text NOT NULL DEFAULT '',
    started_at   timestamptz NOT NULL,
    finished_at  timestamptz,
    seen         int NOT NULL DEFAULT 0,
    unchanged    int NOT NULL DEFAULT 0,
    changed      int NOT NULL DEFAULT 0,
    added        int NOT NULL DEFAULT 0,
    retired      int NOT NULL DEFAULT 0,
    failed       int NOT NULL DEFAULT 0,
    skipped      int NOT NULL DEFAULT 0,
    requests     int NOT NULL DEFAULT 0,
    chunks       int NOT NULL DEFAULT 0,
    -- the failed and skipped URLs with their reasons: [{url, outcome, reason, status}]
    failures     jsonb NOT NULL DEFAULT '[]'
);
CREATE INDEX crawl_runs_municipality_idx ON crawl_runs (municipality, started_at DESC);

-- +goose Down
DROP TABLE crawl_runs;
DROP TABLE crawl_pages;
