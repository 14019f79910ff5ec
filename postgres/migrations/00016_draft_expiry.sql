-- +goose Up
-- Drafts expire after an idle time (forms.Config.DraftTTL, MIA_DRAFT_TTL):
-- the retention job deletes them with their personal data and media. The
-- citizen who comes back must be told once, so the job leaves this note
-- behind: the conversation and the form only, no value the citizen gave.
-- forms takes the note (deletes it) the next time the conversation asks
-- for its form; the job drops notes nobody came back for.
CREATE TABLE form_draft_expiries (
    conversation_id bigint PRIMARY KEY REFERENCES conversations(id) ON DELETE CASCADE,
    municipality    text NOT NULL REFERENCES municipalities(slug),
    form            text NOT NULL,
    expired_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX form_draft_expiries_age_idx ON form_draft_expiries (municipality, expired_at);

-- +goose Down
DROP TABLE form_draft_expiries;
