-- Accounts, PostgreSQL dialect (the SQLite twin is ../sqlite/0002_accounts.sql; the schema
-- parity test compares them). Organisations, users with Argon2id password hashes, role grants
-- scoped to data, API tokens stored as their SHA-256 only, and an append-only audit log.
-- Nothing here is ever deleted: users are disabled and tokens revoked, so that the audit log
-- and the revisions keep naming who did what.

CREATE TABLE organisation (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('agency', 'statistical_office', 'regulator', 'ministry', 'other')),
    created_at TEXT COLLATE "C" NOT NULL
);

-- `app_user`, not `user`: USER is a reserved word in PostgreSQL.
CREATE TABLE app_user (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    login TEXT COLLATE "C" NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    organisation_id BIGINT NOT NULL REFERENCES organisation (id),
    -- Argon2id PHC string ($argon2id$v=19$m=19456,t=2,p=1$salt$hash).
    password_hash TEXT NOT NULL,
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TEXT COLLATE "C" NOT NULL
);

-- One row per role and unit of scope, so that a permission check is a lookup: '*' means any.
-- administrator, reviewer, viewer: indicator = area = '*'; custodian: one row per indicator,
-- area = '*'; provider: one row per (area, indicator) pair. Areas are M49 codes.
CREATE TABLE role_grant (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES app_user (id),
    role TEXT NOT NULL CHECK (role IN ('administrator', 'custodian', 'provider', 'reviewer', 'viewer')),
    indicator TEXT COLLATE "C" NOT NULL DEFAULT '*',
    area TEXT COLLATE "C" NOT NULL DEFAULT '*',
    created_at TEXT COLLATE "C" NOT NULL,
    UNIQUE (user_id, role, indicator, area)
);

-- API tokens: the token is shown once when created; only its SHA-256 (hex) is kept, and a
-- request is authenticated by looking the hash of the presented token up. `scopes` is a
-- space-separated subset of `read submit admin`, as OAuth scope strings are.
CREATE TABLE api_token (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES app_user (id),
    name TEXT NOT NULL,
    token_sha256 TEXT COLLATE "C" NOT NULL UNIQUE,
    scopes TEXT NOT NULL,
    created_at TEXT COLLATE "C" NOT NULL,
    expires_at TEXT COLLATE "C",
    revoked_at TEXT COLLATE "C",
    last_used_at TEXT COLLATE "C"
);
CREATE INDEX api_token_user ON api_token (user_id);

-- Who did what, when, from where. `actor` is the login, `cli:<os user>` for the command line
-- or `bootstrap-token`; NULL when nobody could be identified (a refused token). Rows are only
-- ever inserted: the trigger below refuses updates and deletes.
CREATE TABLE audit_log (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at TEXT COLLATE "C" NOT NULL,
    actor_id BIGINT REFERENCES app_user (id),
    actor TEXT COLLATE "C",
    action TEXT COLLATE "C" NOT NULL,
    target TEXT,
    details TEXT NOT NULL DEFAULT '{}',
    client TEXT
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_actor ON audit_log (actor, at);
CREATE INDEX audit_log_action ON audit_log (action, at);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
