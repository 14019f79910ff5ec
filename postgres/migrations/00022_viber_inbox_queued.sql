-- +goose Up
-- A Viber callback is acknowledged once its message is kept, in one
-- statement; its turn job is inserted just after, by the process that kept
-- it, or by any process's sweep if that one stopped first. queued says the
-- job has been inserted (in the same transaction that set it). Rows kept
-- before this version have their jobs.
ALTER TABLE viber_inbox ADD COLUMN queued boolean NOT NULL DEFAULT true;
ALTER TABLE viber_inbox ALTER COLUMN queued SET DEFAULT false;
CREATE INDEX viber_inbox_waiting ON viber_inbox (id) WHERE NOT queued;

-- +goose Down
DROP INDEX viber_inbox_waiting;
ALTER TABLE viber_inbox DROP COLUMN queued;
