-- +goose Up
-- A 👎 with the reason "other" on Viber asks the citizen for a few words:
-- their next typed message, until this time, is the vote's comment
-- (Viber has no text box under a button).
ALTER TABLE answer_feedback ADD COLUMN comment_wanted_until timestamptz;
CREATE INDEX answer_feedback_comment_wanted_idx ON answer_feedback (conversation_id)
    WHERE comment_wanted_until IS NOT NULL;

-- +goose Down
DROP INDEX answer_feedback_comment_wanted_idx;
ALTER TABLE answer_feedback DROP COLUMN comment_wanted_until;
