-- +goose Up
-- A web conversation token is the citizen's key to the conversation (its
-- history, case references and status notices). From now on only its
-- SHA-256 (lower-case hex) is stored as the web channel's channel_user;
-- channels/web computes the same (userID) from the token a browser sends.
-- Tokens issued before are hashed in place, in every table that names the
-- web citizen, so existing conversations, drafts, cases and pending
-- notifications keep working: the browser still holds the token.
-- PostgreSQL 11+ has sha256(bytea) built in (no pgcrypto). Only values of
-- the token's form (22 base64url characters) are touched: a value already
-- hashed (64 hex characters) is never hashed twice.
UPDATE conversations SET channel_user = encode(sha256(convert_to(channel_user, 'UTF8')), 'hex')
WHERE channel = 'web' AND channel_user ~ '^[A-Za-z0-9_-]{22}$';
UPDATE form_drafts SET channel_user = encode(sha256(convert_to(channel_user, 'UTF8')), 'hex')
WHERE channel = 'web' AND channel_user ~ '^[A-Za-z0-9_-]{22}$';
UPDATE cases SET channel_user = encode(sha256(convert_to(channel_user, 'UTF8')), 'hex')
WHERE channel = 'web' AND channel_user ~ '^[A-Za-z0-9_-]{22}$';
UPDATE case_notifications SET channel_user = encode(sha256(convert_to(channel_user, 'UTF8')), 'hex')
WHERE channel = 'web' AND channel_user ~ '^[A-Za-z0-9_-]{22}$';

-- +goose Down
-- A hash cannot be turned back into its token: going down leaves the
-- hashes, and a server of the earlier version would not find these
-- conversations (their citizens start new ones).
SELECT 1;
