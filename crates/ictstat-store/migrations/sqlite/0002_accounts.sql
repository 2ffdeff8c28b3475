-- Accounts, SQLite dialect (the PostgreSQL twin is ../postgres/0002_accounts.sql; the schema
-- parity test compares them). Organisations, users with Argon2id password hashes, role grants
-- scoped to data, API tokens stored as their SHA-256 only, and an append-only audit log.
-- Nothing here is ever deleted: users are disabled and tokens revoked, so that the audit log
-- and the revisions keep naming who did what.

CREATE TABLE organisation (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('agency', 'statistical_office', 'regulator', 'ministry', 'other')),
    created_at TEXT NOT NULL
);

-- `app_user`, not `user`: USER is a reserved word in PostgreSQL.
CREATE TABLE app_user (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    login TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    organisation_id INTEGER NOT NULL REFERENCES organisation (id),
    -- Argon2id PHC string ($argon2id$v=19$m=19456,t=2,p=1$salt$hash).
    password_hash TEXT NOT NULL,
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TEXT NOT NULL
);

-- One row per role and unit of scope, so that a permission check is a lookup: '*' means any.
-- administrator, reviewer, viewer: indicator = area = '*'; custodian: one row per indicator,
-- area = '*'; provider: one row per (area, indicator) pair. Areas are M49 codes.
CREATE TABLE role_grant (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES app_user (id),
    role TEXT NOT NULL CHECK (role IN ('administrator', 'custodian', 'provider', 'reviewer', 'viewer')),
    indicator TEXT NOT NULL DEFAULT '*',
    area TEXT NOT NULL DEFAULT '*',
    created_at TEXT NOT NULL,
    UNIQUE (user_id, role, indicator, area)
);

-- API tokens: the token is shown once when created; only its SHA-256 (hex) is kept, and a
-- request is authenticated by looking the hash of the presented token up. `scopes` is a
-- space-separated subset of `read submit admin`, as OAuth scope strings are.
CREATE TABLE api_token (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES app_user (id),
    name TEXT NOT NULL,
    token_sha256 TEXT NOT NULL UNIQUE,
    scopes TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT,
    revoked_at TEXT,
    last_used_at TEXT
);
CREATE INDEX api_token_user ON api_token (user_id);

-- Who did what, when, from where. `actor` is the login, `cli:<os user>` for the command line
-- or `bootstrap-token`; NULL when nobody could be identified (a refused token). Rows are only
-- ever inserted: the triggers below refuse updates and deletes.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor_id INTEGER REFERENCES app_user (id),
    actor TEXT,
    action TEXT NOT NULL,
    target TEXT,
    details TEXT NOT NULL DEFAULT '{}',
    client TEXT
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_actor ON audit_log (actor, at);
CREATE INDEX audit_log_action ON audit_log (action, at);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
