-- Web sessions, PostgreSQL dialect (the SQLite twin is ../sqlite/0003_sessions.sql; the
-- schema parity test compares them). The cookie holds a random 32-byte session id; the row
-- holds its SHA-256 only, so that reading this table does not let anyone sign in. A session
-- ends at the first of: `idle` after `last_seen_at`, `expires_at` (the absolute limit, fixed at
-- creation), `revoked_at` (sign-out), or its user being disabled. `csrf_secret` is the key the
-- session's CSRF tokens are an HMAC of. Rows are kept after they end, like tokens.
CREATE TABLE web_session (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    session_sha256 TEXT COLLATE "C" NOT NULL UNIQUE,
    user_id BIGINT NOT NULL REFERENCES app_user (id),
    csrf_secret TEXT NOT NULL,
    client TEXT,
    created_at TEXT COLLATE "C" NOT NULL,
    last_seen_at TEXT COLLATE "C" NOT NULL,
    expires_at TEXT COLLATE "C" NOT NULL,
    revoked_at TEXT COLLATE "C"
);
CREATE INDEX web_session_user ON web_session (user_id);
