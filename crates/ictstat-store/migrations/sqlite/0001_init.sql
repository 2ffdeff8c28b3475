-- ictstat schema, SQLite dialect. The other dialect lives in
-- ../postgres/ with the same file names; a test checks that both define the same
-- tables, columns, nullability and indexes. Times are ISO-8601 UTC text in both dialects so that
-- they sort and compare identically.

-- Every write is a revision: who, when, from which file, why.
CREATE TABLE revision (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    author TEXT NOT NULL,
    kind TEXT NOT NULL,
    file TEXT,
    comment TEXT,
    content_hash TEXT,
    rows_inserted INTEGER NOT NULL DEFAULT 0,
    rows_closed INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX revision_created_at ON revision (created_at);

-- Catalogue copy: the definitions as JSON beside the columns queries filter on.
CREATE TABLE indicator (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    unit TEXT NOT NULL,
    kind TEXT NOT NULL,
    sdg_indicator TEXT,
    definition TEXT NOT NULL
);
CREATE TABLE framework (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    definition TEXT NOT NULL
);
CREATE TABLE area (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    iso2 TEXT,
    iso3 TEXT
);
CREATE TABLE area_member (
    grp TEXT NOT NULL,
    member TEXT NOT NULL,
    PRIMARY KEY (grp, member)
);
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- A series: indicator, area and one code per breakdown dimension ('_T' = total). `key` is the
-- canonical text form (indicator|area|breakdown) that makes a series unique.
CREATE TABLE series (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL UNIQUE,
    indicator TEXT NOT NULL,
    area TEXT NOT NULL,
    sex TEXT NOT NULL DEFAULT '_T',
    age TEXT NOT NULL DEFAULT '_T',
    urbanisation TEXT NOT NULL DEFAULT '_T',
    income_wealth_quantile TEXT NOT NULL DEFAULT '_T',
    education_lev TEXT NOT NULL DEFAULT '_T',
    occupation TEXT NOT NULL DEFAULT '_T',
    cust_breakdown TEXT NOT NULL DEFAULT '_T',
    composite_breakdown TEXT NOT NULL DEFAULT '_T',
    disability_status TEXT NOT NULL DEFAULT '_T',
    activity TEXT NOT NULL DEFAULT '_T',
    product TEXT NOT NULL DEFAULT '_T',
    breakdown TEXT NOT NULL
);
CREATE INDEX series_indicator_area ON series (indicator, area);

-- Versions of observations. A version is current while valid_to is NULL; a changed value closes
-- the current version (valid_to = the revision that replaced it) and adds a new one. Nothing is
-- updated in place otherwise and nothing is deleted.
CREATE TABLE observation (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    series_id INTEGER NOT NULL REFERENCES series (id),
    period TEXT NOT NULL,
    value DOUBLE PRECISION,
    obs_status TEXT,
    unit_mult INTEGER,
    nature TEXT,
    source TEXT,
    footnote TEXT,
    lower_bound DOUBLE PRECISION,
    upper_bound DOUBLE PRECISION,
    std_error DOUBLE PRECISION,
    valid_from INTEGER NOT NULL REFERENCES revision (id),
    valid_to INTEGER REFERENCES revision (id)
);
CREATE UNIQUE INDEX observation_current ON observation (series_id, period) WHERE valid_to IS NULL;
CREATE INDEX observation_versions ON observation (series_id, period, valid_from);
