-- +goose Up
-- Documents read (partly) by OCR: the mean word confidence of the OCR'd
-- pages (0..100; NULL when no page needed OCR) and the 1-based pages under
-- the confidence floor, which `mia ingest --list` flags for a human look.
ALTER TABLE documents
    ADD COLUMN ocr_confidence real,
    ADD COLUMN ocr_low_pages  int[] NOT NULL DEFAULT '{}';

-- +goose Down
ALTER TABLE documents DROP COLUMN ocr_confidence, DROP COLUMN ocr_low_pages;
