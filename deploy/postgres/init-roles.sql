-- Database roles for docker compose (and the model for a production set-up).
-- PostgreSQL's image runs this once, as the superuser, when it creates an
-- empty data directory (docker-entrypoint-initdb.d).
--
--   mia_owner  owns the database, its schema and every table: `mia migrate`
--              (and `mia ingest`, `mia staff`, which may migrate) connect as it.
--   mia        the running server (`mia serve --migrate=false`): reads and
--              writes rows, owns nothing. Not owning staff_audit, it cannot
--              disable the triggers that keep the audit log append-only, nor
--              drop or alter any table.
--
-- The passwords are the demo's; a real deployment sets its own (ALTER ROLE
-- ... PASSWORD) and keeps mia_owner's out of the server's environment.
CREATE ROLE mia_owner LOGIN PASSWORD 'mia_owner';
CREATE ROLE mia LOGIN PASSWORD 'mia';

-- The extensions need the superuser (vector is not a trusted extension);
-- the first migration's CREATE EXTENSION IF NOT EXISTS then finds them.
CREATE EXTENSION IF NOT EXISTS vector;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

ALTER DATABASE mia OWNER TO mia_owner;
ALTER SCHEMA public OWNER TO mia_owner;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO mia;

-- Whatever mia_owner creates from now on (the migrations' tables and
-- sequences, River's) the server may use, row by row.
ALTER DEFAULT PRIVILEGES FOR ROLE mia_owner IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO mia;
ALTER DEFAULT PRIVILEGES FOR ROLE mia_owner IN SCHEMA public
    GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO mia;
ALTER DEFAULT PRIVILEGES FOR ROLE mia_owner IN SCHEMA public
    GRANT EXECUTE ON FUNCTIONS TO mia;
