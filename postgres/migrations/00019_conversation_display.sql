-- +goose Up
-- What a reloaded widget needs to show an answer as it was first shown
-- (its buttons, the form it belonged to, the case it filed), and the
-- script a citizen chose explicitly: replies keep to it whatever script a
-- single message is written in.
ALTER TABLE conversations
    ADD COLUMN script_preference text CHECK (script_preference IN ('latin', 'cyrillic'));
ALTER TABLE messages
    ADD COLUMN quick_replies jsonb NOT NULL DEFAULT '[]',
    ADD COLUMN form          text,
    ADD COLUMN case_ref      text;

-- +goose Down
ALTER TABLE messages DROP COLUMN quick_replies, DROP COLUMN form, DROP COLUMN case_ref;
ALTER TABLE conversations DROP COLUMN script_preference;
