-- +goose Up
-- Citizens' ratings of answers and the knowledge gaps (package feedback):
-- one vote per answer (a second click replaces it), and the questions MIA
-- declined or that got a thumbs-down, filed into groups of similar
-- questions that staff give a status. Comments are stored masked.
CREATE TABLE answer_feedback (
    message_id      bigint PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
    conversation_id bigint NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    municipality    text NOT NULL REFERENCES municipalities(slug),
    rating          text NOT NULL CHECK (rating IN ('up', 'down')),
    reason          text CHECK (reason IN ('wrong', 'outdated', 'not_understood', 'other')),
    comment         text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CHECK (rating = 'down' OR (reason IS NULL AND comment = ''))
);
CREATE INDEX answer_feedback_municipality_idx ON answer_feedback (municipality, updated_at);

CREATE TABLE gap_groups (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    municipality      text NOT NULL REFERENCES municipalities(slug),
    status            text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'document_added', 'not_our_remit')),
    status_changed_at timestamptz,
    status_changed_by bigint REFERENCES staff(id) ON DELETE SET NULL,
    created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX gap_groups_municipality_idx ON gap_groups (municipality, status);

-- One row per gap question: the answer (declined or rated down) and the
-- citizen's question before it, with the question's signature (folded
-- stems) that later questions are compared with.
CREATE TABLE gap_questions (
    answer_id    bigint PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
    question_id  bigint REFERENCES messages(id) ON DELETE CASCADE,
    group_id     bigint NOT NULL REFERENCES gap_groups(id) ON DELETE CASCADE,
    municipality text NOT NULL REFERENCES municipalities(slug),
    tokens       text[] NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX gap_questions_group_idx ON gap_questions (group_id);
CREATE INDEX gap_questions_municipality_idx ON gap_questions (municipality);

-- Declined answers are where most gaps come from: found without scanning
-- every answer of the municipality at each sync.
CREATE INDEX messages_declined_idx ON messages (municipality, id)
    WHERE role = 'assistant' AND status IN ('no_source', 'out_of_scope');

-- +goose Down
DROP INDEX messages_declined_idx;
DROP TABLE gap_questions;
DROP TABLE gap_groups;
DROP TABLE answer_feedback;
