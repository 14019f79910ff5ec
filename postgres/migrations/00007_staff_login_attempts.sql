-- +goose Up
-- Login limits of the back office (package backoffice, postgres/staffstore):
-- the recent attempts per key, shared by every replica. A key is opaque to
-- the database: backoffice passes a SHA-256 of "email:..." (per account,
-- whatever the address) or "ip:..." (per client address), never the
-- address itself.
--
-- An attempt is reserved here before the password is compared, in one
-- transaction over all its keys (INSERT ... ON CONFLICT DO UPDATE locks the
-- row, so parallel guesses queue on it): at most the allowed number of
-- guesses is ever evaluated within the window, however many arrive at once
-- and on however many replicas.
CREATE TABLE staff_login_attempts (
    key        text PRIMARY KEY,
    attempts   timestamptz[] NOT NULL, -- the reserved attempts, oldest first
    expires_at timestamptz NOT NULL    -- the newest attempt has left its window: the row may go
);
CREATE INDEX staff_login_attempts_expires_idx ON staff_login_attempts (expires_at);

-- +goose Down
DROP TABLE staff_login_attempts;
