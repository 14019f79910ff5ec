-- +goose Up
-- When the retention job erased a closed case's personal data (the JMBG
-- and the other sensitive values, in clear nowhere and now not even
-- encrypted). The case, its masked display and its history stay.
ALTER TABLE cases ADD COLUMN personal_erased_at timestamptz;
CREATE INDEX cases_personal_due_idx ON cases (municipality, updated_at)
    WHERE personal_erased_at IS NULL AND status IN ('resolved', 'rejected');

-- +goose Down
DROP INDEX cases_personal_due_idx;
ALTER TABLE cases DROP COLUMN personal_erased_at;
