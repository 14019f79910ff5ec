-- +goose Up
-- A case's sensitive values other than the JMBG (names, phone, e-mail,
-- postal address: the fields a form marks sensitive) are kept encrypted,
-- as one JSON object sealed by forms.Crypter for purpose "case_private";
-- cases.fields holds only their masked display. Only staff read them in
-- clear, on the case page.
ALTER TABLE cases ADD COLUMN private_enc bytea; -- AES-GCM nonce||ciphertext

-- +goose Down
ALTER TABLE cases DROP COLUMN private_enc;
