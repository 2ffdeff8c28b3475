-- Releases and submissions, SQLite dialect (the PostgreSQL twin is ../postgres/0004_releases.sql;
-- the schema parity test compares them).
--
-- A release (`data_release`: RELEASE is an SQL keyword) makes the data written up to one revision
-- (`revision`, the cut) public from `publish_at` (an embargo when it is in the future). The
-- public reads answer as of the cut of the latest release whose time has come, so the release row
-- is the commit point of a publication: until it is inserted nothing of it is public, and a
-- publication that stops half-way leaves the previous release as the public data. Releases are
-- ordered: a later release never becomes public before an earlier one (`publish_at` does not
-- decrease), so that an embargoed cut cannot leak through a later one. `kind` is `release` for a
-- named publication of submissions and `direct` for an administrator's import, which publishes
-- itself.
CREATE TABLE data_release (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('release', 'direct')),
    description TEXT,
    revision INTEGER NOT NULL,
    publish_at TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX data_release_publish_at ON data_release (publish_at);
-- The `revised` flag asks, per data point with history, whether a cut lies between two of its
-- versions: a range probe on this index.
CREATE INDEX data_release_revision ON data_release (revision);

-- A provider's file on its way to a release: validated at upload (the report is kept), then
-- reviewed (accepted or rejected, with comments on rows), then published by a release, which
-- writes it as one revision. `payload` is the validated observations as ictstat's long CSV,
-- so that what was reviewed is exactly what is published. `base_revision` is the public cut
-- the provider saw: publishing over a data point someone else has changed since is a conflict,
-- never a silent overwrite. `indicators` and `areas` (space-separated) say whose review it
-- needs and whose scope it is in.
CREATE TABLE submission (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    submitter_id INTEGER REFERENCES app_user (id),
    submitter TEXT NOT NULL,
    file_name TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    comment TEXT,
    base_revision INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'rejected', 'published', 'withdrawn')),
    observations INTEGER NOT NULL,
    indicators TEXT NOT NULL,
    areas TEXT NOT NULL,
    report TEXT NOT NULL,
    payload TEXT NOT NULL,
    reviewed_by TEXT,
    reviewed_at TEXT,
    review_comment TEXT,
    release_id INTEGER REFERENCES data_release (id),
    revision INTEGER
);
CREATE INDEX submission_status ON submission (status, id);

-- Review comments, on the whole submission (no key) or on one of its data points.
CREATE TABLE submission_comment (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    submission_id INTEGER NOT NULL REFERENCES submission (id),
    at TEXT NOT NULL,
    author TEXT NOT NULL,
    series_key TEXT,
    period TEXT,
    body TEXT NOT NULL
);
CREATE INDEX submission_comment_submission ON submission_comment (submission_id, id);

-- Holds: the revisions from `held_from` on are being prepared for a named release (an import
-- written with --hold, a publication in progress) and no other release may cut past them; a
-- direct import written meanwhile waits for that release. A named release publishes every
-- revision so far and ends every hold, in its transaction.
CREATE TABLE release_hold (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    reason TEXT NOT NULL,
    held_from INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);

-- Data stored before releases existed was public as soon as it was written: one release per
-- revision, public from its time, so that `as_of` a time and the revised flags stay as they
-- were.
INSERT INTO data_release (name, kind, description, revision, publish_at, created_at, created_by)
SELECT 'direct-revision-' || id, 'direct', 'written before releases existed', id, created_at, created_at, 'ictstat'
FROM revision ORDER BY id;
