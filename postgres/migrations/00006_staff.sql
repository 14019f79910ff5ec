-- +goose Up
-- The back office (package backoffice): staff accounts, their sessions,
-- and the append-only audit log of every view of personal data and every
-- change staff make to a case.

-- A municipality admin (role admin) sees every case of the municipality
-- and its analytics; staff of a responsible body (role staff) see only the
-- cases routed to their body (cases.body_key = staff.body_key).
CREATE TABLE staff (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    municipality  text NOT NULL REFERENCES municipalities(slug),
    email         text NOT NULL,
    name          text NOT NULL,
    role          text NOT NULL CHECK (role IN ('admin', 'staff')),
    body_key      text NOT NULL DEFAULT '',
    password_hash text NOT NULL, -- argon2id, PHC string
    disabled      boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now(),
    CHECK (role = 'admin' OR body_key <> '')
);
CREATE UNIQUE INDEX staff_email_idx ON staff (municipality, lower(email));

-- Sessions: only a SHA-256 of the cookie's random token is stored, so a
-- leaked table opens no session. csrf_token goes into every form.
CREATE TABLE staff_sessions (
    token_hash bytea PRIMARY KEY,
    staff_id   bigint NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
    csrf_token text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);
CREATE INDEX staff_sessions_staff_idx ON staff_sessions (staff_id);

-- Who looked at or changed what, and when. No foreign key to cases: the
-- record outlives the case. The triggers below make it append-only.
CREATE TABLE staff_audit (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    municipality text NOT NULL REFERENCES municipalities(slug),
    staff_id     bigint NOT NULL REFERENCES staff(id),
    action       text NOT NULL,
    case_id      bigint,
    detail       text NOT NULL DEFAULT '',
    at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX staff_audit_case_idx ON staff_audit (case_id, id);

-- +goose StatementBegin
CREATE FUNCTION staff_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'staff_audit is append-only: % refused', TG_OP;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER staff_audit_no_update_delete BEFORE UPDATE OR DELETE ON staff_audit
    FOR EACH ROW EXECUTE FUNCTION staff_audit_append_only();
CREATE TRIGGER staff_audit_no_truncate BEFORE TRUNCATE ON staff_audit
    FOR EACH STATEMENT EXECUTE FUNCTION staff_audit_append_only();

-- +goose Down
DROP TABLE staff_audit;
DROP FUNCTION staff_audit_append_only();
DROP TABLE staff_sessions;
DROP TABLE staff;
