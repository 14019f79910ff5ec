-- +goose Up
-- Conversations and their messages: the engine's memory and the record of
-- every answer (route, status, citations, latency, tokens) for analytics
-- and evaluation. Message text is stored with personal data masked.
CREATE TABLE conversations (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    municipality   text NOT NULL REFERENCES municipalities(slug),
    channel        text NOT NULL,
    channel_user   text NOT NULL, -- the channel's id of the citizen
    script         text NOT NULL DEFAULT 'latin',
    created_at     timestamptz NOT NULL DEFAULT now(),
    last_active_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (municipality, channel, channel_user)
);

CREATE TABLE messages (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    conversation_id   bigint NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    municipality      text NOT NULL REFERENCES municipalities(slug),
    role              text NOT NULL CHECK (role IN ('user', 'assistant')),
    content           text NOT NULL,
    route             text,
    status            text CHECK (status IN ('answered', 'out_of_scope', 'no_source', 'fallback_offline', 'error')),
    citations         jsonb NOT NULL DEFAULT '[]',
    confidence        real,  -- retrieval confidence, when the knowledge base was asked
    latency_ms        int,   -- the whole turn
    model_ms          int,   -- time in the model, when one was asked
    prompt_tokens     int,
    completion_tokens int,
    model             text,
    error             text,  -- why a model answer fell back, for operators
    created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX messages_conversation_idx ON messages (conversation_id, id);
CREATE INDEX messages_answers_idx ON messages (municipality, created_at) WHERE role = 'assistant';

-- +goose Down
DROP TABLE messages;
DROP TABLE conversations;
