-- +goose Up
-- Citizen services (package forms): drafts of forms in progress, filed
-- cases with their status history, attachments, and the notification
-- outbox a channel worker delivers. JMBG is never stored in clear: only
-- AES-GCM ciphertext (the key is MIA_DATA_KEY) and a masked form for staff.

-- One form in progress per conversation. Values hold the fields answered
-- so far (sensitive ones as ciphertext); a submitted draft keeps the id of
-- the case it created, so a repeated confirmation returns that case.
CREATE TABLE form_drafts (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    municipality    text NOT NULL REFERENCES municipalities(slug),
    conversation_id bigint NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    form            text NOT NULL,
    channel         text NOT NULL,
    channel_user    text NOT NULL,
    status          text NOT NULL CHECK (status IN ('active', 'confirming', 'submitted')),
    current_field   text NOT NULL DEFAULT '',
    field_values    jsonb NOT NULL DEFAULT '{}',
    case_id         bigint,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX form_drafts_open_idx ON form_drafts (conversation_id) WHERE status <> 'submitted';

-- The last reference number handed out per municipality, kind and year,
-- incremented in the transaction that files the case: numbers are gapless.
CREATE TABLE case_counters (
    municipality text NOT NULL REFERENCES municipalities(slug),
    kind         text NOT NULL CHECK (kind IN ('KP', 'IZ')),
    year         int  NOT NULL,
    last         int  NOT NULL,
    PRIMARY KEY (municipality, kind, year)
);

CREATE TABLE cases (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    municipality text NOT NULL REFERENCES municipalities(slug),
    ref          text NOT NULL,
    kind         text NOT NULL CHECK (kind IN ('KP', 'IZ')),
    form         text NOT NULL,
    status       text NOT NULL CHECK (status IN ('received', 'forwarded', 'in_progress', 'resolved', 'rejected')),
    body_key     text NOT NULL DEFAULT '', -- responsible body (communal reports)
    fields       jsonb NOT NULL,           -- field values, JMBG excluded
    jmbg_enc     bytea,                    -- AES-GCM nonce||ciphertext
    jmbg_masked  text,                     -- e.g. 0101******006, for staff display
    fee_exempt   boolean NOT NULL DEFAULT false,
    due_at       date,                     -- legal deadline (extracts: 8 days)
    channel      text NOT NULL,            -- where the citizen filed and hears back
    channel_user text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (municipality, ref)
);
CREATE INDEX cases_citizen_idx ON cases (municipality, channel, channel_user);

ALTER TABLE form_drafts ADD CONSTRAINT form_drafts_case_fk FOREIGN KEY (case_id) REFERENCES cases(id);

-- Every status change: who, when, why.
CREATE TABLE case_events (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    municipality text NOT NULL REFERENCES municipalities(slug),
    case_id      bigint NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    from_status  text,
    to_status    text NOT NULL,
    actor        text NOT NULL,
    note         text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX case_events_case_idx ON case_events (case_id, id);

-- Attachment bytes (the PostgreSQL AttachmentStore; an object store may
-- replace it). Read only through staff-facing methods.
CREATE TABLE attachment_blobs (
    key          text PRIMARY KEY,
    municipality text NOT NULL REFERENCES municipalities(slug),
    data         bytea NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);

-- Attachment metadata: first owned by a draft, moved to the case when it
-- is filed. Content type is sniffed from the bytes; JPEG metadata (EXIF,
-- GPS) is stripped before storage.
CREATE TABLE case_attachments (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    municipality text NOT NULL REFERENCES municipalities(slug),
    draft_id     bigint REFERENCES form_drafts(id) ON DELETE SET NULL,
    case_id      bigint REFERENCES cases(id) ON DELETE CASCADE,
    storage_key  text NOT NULL,
    mime         text NOT NULL,
    size         bigint NOT NULL,
    name         text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX case_attachments_draft_idx ON case_attachments (draft_id);
CREATE INDEX case_attachments_case_idx ON case_attachments (case_id);

-- Outbox of messages to citizens, written in the transaction of the status
-- change; a channel worker sends pending rows and marks them sent.
CREATE TABLE case_notifications (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    municipality text NOT NULL REFERENCES municipalities(slug),
    case_id      bigint NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    event_id     bigint NOT NULL REFERENCES case_events(id) ON DELETE CASCADE,
    channel      text NOT NULL,
    channel_user text NOT NULL,
    text         text NOT NULL,
    status       text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent')),
    created_at   timestamptz NOT NULL DEFAULT now(),
    sent_at      timestamptz
);
CREATE INDEX case_notifications_pending_idx ON case_notifications (channel, id) WHERE status = 'pending';

-- +goose Down
DROP TABLE case_notifications;
DROP TABLE case_attachments;
DROP TABLE attachment_blobs;
DROP TABLE case_events;
ALTER TABLE form_drafts DROP CONSTRAINT form_drafts_case_fk;
DROP TABLE cases;
DROP TABLE case_counters;
DROP TABLE form_drafts;
