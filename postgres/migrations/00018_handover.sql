-- +goose Up
-- Handover to a person (package handover): a citizen's request for staff,
-- its lifecycle, and the messages exchanged. Citizens' texts are stored
-- masked (package pii), as in messages.
CREATE TABLE handover_requests (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    municipality    text NOT NULL REFERENCES municipalities(slug),
    conversation_id bigint NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    channel         text NOT NULL,
    channel_user    text NOT NULL,
    body            text NOT NULL, -- the municipality's body whose staff answer
    script          text NOT NULL DEFAULT 'latin',
    status          text NOT NULL DEFAULT 'waiting'
                    CHECK (status IN ('waiting', 'active', 'closed', 'abandoned', 'timed_out')),
    close_reason    text CHECK (close_reason IN ('returned', 'closed')),
    requested_at    timestamptz NOT NULL DEFAULT now(),
    taken_at        timestamptz,
    taken_by        bigint REFERENCES staff(id) ON DELETE SET NULL,
    taken_by_name   text NOT NULL DEFAULT '',
    closed_at       timestamptz,
    CHECK (status <> 'active' OR taken_at IS NOT NULL)
);
-- One open request per conversation: a second "I want a person" joins it.
CREATE UNIQUE INDEX handover_requests_open_idx ON handover_requests (conversation_id)
    WHERE status IN ('waiting', 'active');
CREATE INDEX handover_requests_queue_idx ON handover_requests (municipality, status, requested_at);

CREATE TABLE handover_messages (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    request_id   bigint NOT NULL REFERENCES handover_requests(id) ON DELETE CASCADE,
    municipality text NOT NULL REFERENCES municipalities(slug),
    sender       text NOT NULL CHECK (sender IN ('citizen', 'staff', 'system')),
    staff_id     bigint REFERENCES staff(id) ON DELETE SET NULL,
    staff_name   text NOT NULL DEFAULT '',
    body         text NOT NULL,
    buttons      jsonb NOT NULL DEFAULT '[]', -- quick replies offered with a system message
    -- The copy in the citizen's conversation (what a reload shows and the
    -- engine remembers); NULL for the citizen's own messages.
    message_id   bigint REFERENCES messages(id) ON DELETE SET NULL,
    -- When the citizen's channel accepted it; NULL: still to be sent
    -- (Viber), retried by the handover job.
    delivered_at timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX handover_messages_request_idx ON handover_messages (request_id, id);
CREATE INDEX handover_messages_message_idx ON handover_messages (message_id);
CREATE INDEX handover_messages_undelivered_idx ON handover_messages (id) WHERE delivered_at IS NULL;

-- A message left for staff is a case of kind UP (forms.KindInquiry).
ALTER TABLE cases DROP CONSTRAINT cases_kind_check,
    ADD CONSTRAINT cases_kind_check CHECK (kind IN ('KP', 'IZ', 'UP'));
ALTER TABLE case_counters DROP CONSTRAINT case_counters_kind_check,
    ADD CONSTRAINT case_counters_kind_check CHECK (kind IN ('KP', 'IZ', 'UP'));

-- An open widget learns at once of a message it did not ask for: a notice
-- (a case's status, a staff reply: assistant rows written outside a turn,
-- which alone have no latency) or a change of a handover's state. Every
-- replica LISTENs on mia_live; the payload is the conversation id.
-- +goose StatementBegin
CREATE FUNCTION mia_live_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('mia_live', NEW.conversation_id::text);
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER messages_live AFTER INSERT ON messages FOR EACH ROW
    WHEN (NEW.role = 'assistant' AND NEW.latency_ms IS NULL) EXECUTE FUNCTION mia_live_notify();
CREATE TRIGGER handover_requests_live AFTER INSERT OR UPDATE OF status ON handover_requests FOR EACH ROW
    EXECUTE FUNCTION mia_live_notify();

-- +goose Down
DROP TRIGGER handover_requests_live ON handover_requests;
DROP TRIGGER messages_live ON messages;
DROP FUNCTION mia_live_notify();
ALTER TABLE case_counters DROP CONSTRAINT case_counters_kind_check,
    ADD CONSTRAINT case_counters_kind_check CHECK (kind IN ('KP', 'IZ'));
ALTER TABLE cases DROP CONSTRAINT cases_kind_check,
    ADD CONSTRAINT cases_kind_check CHECK (kind IN ('KP', 'IZ'));
DROP TABLE handover_messages;
DROP TABLE handover_requests;
