-- +goose Up
-- Rate limits shared by every replica (package ratelimit, kept here by
-- postgres/limitstore): the web channel's per-IP and per-conversation
-- limits and the back office's login limits. One row per key holds the
-- key's GCRA state, its theoretical arrival time; a check is one UPSERT
-- that reads and writes it under the row lock.
--
-- Keys are opaque: callers pass hashes, never an address or e-mail in
-- clear. A row whose tat has passed is a full allowance, the same as no
-- row, and is deleted in passing. Unlogged: the state is worth a few
-- minutes at most, so it skips the WAL (and so the replicas); a crash of
-- the primary empties it, which only forgets recent counts. The fill
-- factor leaves room in each page for HOT updates, the only write a check
-- makes (no column of the update is indexed).
CREATE UNLOGGED TABLE rate_limits (
    key text   PRIMARY KEY,
    tat bigint NOT NULL,  -- theoretical arrival time, microseconds since the Unix epoch
    ok  boolean NOT NULL  -- whether the last check passed, for its RETURNING
) WITH (fillfactor = 70);

-- The back office's login limits move here (GCRA instead of a list of
-- attempt times per key).
DROP TABLE staff_login_attempts;

-- +goose Down
DROP TABLE rate_limits;
CREATE TABLE staff_login_attempts (
    key        text PRIMARY KEY,
    attempts   timestamptz[] NOT NULL,
    expires_at timestamptz NOT NULL
);
CREATE INDEX staff_login_attempts_expires_idx ON staff_login_attempts (expires_at);
