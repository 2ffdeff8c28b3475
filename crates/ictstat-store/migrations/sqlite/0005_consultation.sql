-- Consultation on indicator lists, SQLite dialect (the PostgreSQL twin is
-- ../postgres/0005_consultation.sql; the schema parity test compares them).
--
-- A framework's first version is the one the catalogue ships. Opening a consultation records
-- a draft as the next version (its items as JSON, the catalogue's `[[framework.item]]` shape);
-- registered stakeholders comment on the draft, on one of its items or in reply to another
-- comment; administrators edit the draft, set each comment's status, and finalise the draft,
-- which makes it the framework's current version. Versions are never deleted, so that the
-- public framework page can show every version and what changed between them.
CREATE TABLE framework_version (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    framework TEXT NOT NULL,
    version INTEGER NOT NULL,
    label TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'final')),
    items TEXT NOT NULL,
    note TEXT,
    closes_at TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    finalised_at TEXT,
    finalised_by TEXT,
    UNIQUE (framework, version)
);

CREATE TABLE framework_comment (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    framework TEXT NOT NULL,
    version INTEGER NOT NULL,
    item TEXT,
    parent_id INTEGER REFERENCES framework_comment (id),
    author_id INTEGER REFERENCES app_user (id),
    author TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'accepted', 'declined', 'answered')),
    created_at TEXT NOT NULL,
    status_by TEXT,
    status_at TEXT
);
CREATE INDEX framework_comment_version ON framework_comment (framework, version, id);
