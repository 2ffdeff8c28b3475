-- ictstat schema, PostgreSQL dialect. The other dialect lives in
-- ../sqlite/ with the same file names; a test checks that both define the same
-- tables, columns, nullability and indexes. Times are ISO-8601 UTC text in both dialects so that
-- they sort and compare identically. Text that is sorted or range-compared (keys, codes,
-- periods, times) uses the "C" collation: byte order, as in SQLite and in the read model.

-- Every write is a revision: who, when, from which file, why.
CREATE TABLE revision (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_at TEXT COLLATE "C" NOT NULL,
    author TEXT NOT NULL,
    kind TEXT NOT NULL,
    file TEXT,
    comment TEXT,
    content_hash TEXT,
    rows_inserted BIGINT NOT NULL DEFAULT 0,
    rows_closed BIGINT NOT NULL DEFAULT 0
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
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key TEXT COLLATE "C" NOT NULL UNIQUE,
    indicator TEXT COLLATE "C" NOT NULL,
    area TEXT COLLATE "C" NOT NULL,
    sex TEXT COLLATE "C" NOT NULL DEFAULT '_T',
    age TEXT COLLATE "C" NOT NULL DEFAULT '_T',
    urbanisation TEXT COLLATE "C" NOT NULL DEFAULT '_T',
    income_wealth_quantile TEXT COLLATE "C" NOT NULL DEFAULT '_T',
    education_lev TEXT COLLATE "C" NOT NULL DEFAULT '_T',
    occupation TEXT COLLATE "C" NOT NULL DEFAULT '_T',
    cust_breakdown TEXT COLLATE "C" NOT NULL DEFAULT '_T',
    composite_breakdown TEXT COLLATE "C" NOT NULL DEFAULT '_T',
    disability_status TEXT COLLATE "C" NOT NULL DEFAULT '_T',
    activity TEXT COLLATE "C" NOT NULL DEFAULT '_T',
    product TEXT COLLATE "C" NOT NULL DEFAULT '_T',
    breakdown TEXT COLLATE "C" NOT NULL
);
CREATE INDEX series_indicator_area ON series (indicator, area);

-- Versions of observations. A version is current while valid_to is NULL; a changed value closes
-- the current version (valid_to = the revision that replaced it) and adds a new one. Nothing is
-- updated in place otherwise and nothing is deleted.
CREATE TABLE observation (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    series_id BIGINT NOT NULL REFERENCES series (id),
    period TEXT COLLATE "C" NOT NULL,
    value DOUBLE PRECISION,
    obs_status TEXT,
    unit_mult BIGINT,
    nature TEXT,
    source TEXT,
    footnote TEXT,
    lower_bound DOUBLE PRECISION,
    upper_bound DOUBLE PRECISION,
    std_error DOUBLE PRECISION,
    valid_from BIGINT NOT NULL REFERENCES revision (id),
    valid_to BIGINT REFERENCES revision (id)
);
CREATE UNIQUE INDEX observation_current ON observation (series_id, period) WHERE valid_to IS NULL;
CREATE INDEX observation_versions ON observation (series_id, period, valid_from);
