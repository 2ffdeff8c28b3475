//! The command line.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "ictstat",
    version,
    about = "ICT-for-development indicators: catalogue, versioned store, imports with validation, JSON API.",
    after_help = "Examples:\n  ictstat serve                      # http://127.0.0.1:8080 on ./ictstat.db with the bundled data\n  ictstat import data.csv --dry-run  # validate a file and show the report\n  ictstat export --indicator 17.8.1 --group 199 --latest -o ldc.csv\n\nExit codes: 0 success, 1 failure, 2 bad command line, 3 invalid input (nothing written)."
)]
pub struct Cli {
    /// Database: sqlite://FILE (embedded, the default) or postgres://USER@HOST/DB.
    #[arg(
        long,
        global = true,
        env = "ICTSTAT_DATABASE_URL",
        default_value = "sqlite://ictstat.db"
    )]
    pub database_url: String,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Start the HTTP API; on an empty database, first load the catalogue and the bundled data.
    #[command(
        after_help = "Examples:\n  ictstat serve\n  ictstat serve --listen 0.0.0.0:8080 --database-url postgres://postgres@127.0.0.1/ictstat\n  ICTSTAT_ADMIN_TOKEN_SHA256=$(printf %s \"$TOKEN\" | ictstat token-hash) ictstat serve"
    )]
    Serve(ServeArgs),
    /// Create the schema and load the catalogue and the bundled data, then exit.
    #[command(after_help = "Example:\n  ictstat init --database-url sqlite://ictstat.db")]
    Init,
    /// Import files as one revision (all or nothing unless --skip-invalid).
    #[command(
        after_help = "Examples:\n  ictstat import observations.csv\n  ictstat import indicator_17-8-1.csv --area ARM --comment \"Armstat 2025 release\"\n  ictstat import wb_sp_pop_totl.csv --indicator SP.POP.TOTL --skip-invalid\n  ictstat import big.csv --dry-run"
    )]
    Import(ImportArgs),
    /// Validate files against the catalogue and print the report; writes nothing, needs no database.
    #[command(after_help = "Example:\n  ictstat validate survey_tables.xlsx")]
    Validate(ReadArgs),
    /// Write observations as CSV, XLSX or JSON.
    #[command(
        after_help = "Examples:\n  ictstat export --indicator IT_USE_ii99 -o internet.csv\n  ictstat export --indicator 17.8.1 --area KEN,UGA --start 2010 --format xlsx -o east-africa.xlsx\n  ictstat export --indicator IT_USE_ii99 --as-of 3 --format json"
    )]
    Export(ExportArgs),
    /// Compute statistics from the data of an existing database.
    #[command(subcommand)]
    Compute(ComputeCommand),
    /// Run the validation rules over series on the data of an existing database.
    #[command(
        after_help = "Examples:\n  ictstat check\n  ictstat check --area KEN,UGA --outliers\n  ictstat check --rules my-rules.toml --json\n\nExit code 3 when a rule of importance `error` fails."
    )]
    Check(CheckArgs),
    /// List the catalogue's indicators.
    #[command(
        after_help = "Examples:\n  ictstat indicators\n  ictstat indicators --framework SDG_ICT\n  ictstat indicators --search broadband"
    )]
    Indicators(IndicatorArgs),
    /// List areas and groups.
    #[command(
        after_help = "Examples:\n  ictstat areas --kind income_group\n  ictstat areas --group 199"
    )]
    Areas(AreaArgs),
    /// Print the SHA-256 of a token read from standard input, for ICTSTAT_ADMIN_TOKEN_SHA256.
    TokenHash,
    /// Organisations that users belong to.
    #[command(subcommand)]
    Org(OrgCommand),
    /// Users and their roles (the first administrator is created here).
    #[command(subcommand)]
    User(UserCommand),
    /// API tokens of users: create (shown once), list, revoke.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Survey microdata to indicators with design-based standard errors.
    #[command(subcommand)]
    Survey(SurveyCommand),
    /// Releases: what the public sees. Publish accepted submissions (and imports made with
    /// --hold), under embargo if wanted; list releases; show what one changed.
    #[command(subcommand)]
    Release(ReleaseCommand),
}

#[derive(Subcommand)]
pub enum ReleaseCommand {
    /// Publish every accepted submission (or those given) and every unreleased import as one
    /// named release, atomically: until it completes the public sees the previous release.
    #[command(
        after_help = "Examples:\n  ictstat release publish 2026-12\n  ictstat release publish 2027-q1 --at 2027-01-15T09:00:00Z --description \"Q1 update\"\n  ictstat release publish fix-ken --submission 12,14\n\nExit code 3 when a submission is not accepted, two give the same data point, or\nsomeone changed one of its data points since it was submitted (nothing is published)."
    )]
    Publish(ReleasePublishArgs),
    /// List releases, newest first, embargoed ones included.
    #[command(after_help = "Example:\n  ictstat release list")]
    List,
    /// What a release changed since the one before it.
    #[command(after_help = "Example:\n  ictstat release show 2026-12")]
    Show {
        /// The release's name.
        name: String,
    },
}

#[derive(Args)]
pub struct ReleasePublishArgs {
    /// Letters, digits, `.`, `-`, `_`; unique.
    pub name: String,
    /// When it becomes public (RFC 3339 time or a date); now when absent. A time to come is
    /// an embargo.
    #[arg(long)]
    pub at: Option<String>,
    #[arg(long)]
    pub description: Option<String>,
    /// Publish only these accepted submissions (comma-separated or repeated ids).
    #[arg(long, value_delimiter = ',')]
    pub submission: Vec<i64>,
}

#[derive(Subcommand)]
pub enum SurveyCommand {
    /// Estimate every indicator of a tabulation plan, by every breakdown, from a microdata file
    /// read once: values, standard errors, design df and effects, confidence intervals and
    /// quality flags.
    #[command(
        after_help = "Examples:\n  ictstat survey tabulate --design design.toml persons.csv\n  ictstat survey tabulate --design design.toml --plan plan.toml --format json -o results.json persons.csv\n  ictstat survey tabulate --design design.toml --import --comment \"LFS 2024 ICT module\" persons.csv\n\nThe design file names the weight, strata, PSU, FPC or replicate weights, and the lonely-PSU\npolicy; the plan maps survey variables to indicators and breakdowns (it may be in the design\nfile, and may extend the built-in ITU household plan with base = \"itu_household\").\nSee crates/ictstat-survey/README.md. Exit code 3 when the design, plan or data are invalid."
    )]
    Tabulate(TabulateArgs),
    /// Write a synthetic household survey with ICT questions (persons.csv, design.toml,
    /// plan.toml) whose expected estimates equal a real country's published Internet use by
    /// sex and urban/rural: stratified two-stage, seeded, the same files for the same options.
    #[command(
        after_help = "Examples:\n  ictstat survey demo -o demo/\n  ictstat survey tabulate --design demo/design.toml --plan demo/plan.toml demo/persons.csv -o results.csv\n  ictstat survey demo --country IDN --persons 100000 --seed 7 -o demo-idn/\n\nCountries (ITU, Individuals using the Internet by gender and urban/rural location, 2019\nedition): PER (default), IDN, COL, MEX, BOL, GEO, THA. Exit code 2 for an unknown country\nor too few persons."
    )]
    Demo(DemoArgs),
}

#[derive(Args)]
pub struct DemoArgs {
    /// Country whose published figures the demo reproduces (ISO 3166 alpha-3).
    #[arg(long, default_value = ictstat_survey::demo::DEFAULT_COUNTRY)]
    pub country: String,
    /// About how many persons (whole households are drawn; at least 2000).
    #[arg(long, default_value_t = ictstat_survey::demo::DEFAULT_PERSONS)]
    pub persons: usize,
    /// Seed of the random generator.
    #[arg(long, default_value_t = ictstat_survey::demo::DEFAULT_SEED)]
    pub seed: u64,
    /// Directory to write persons.csv, design.toml and plan.toml into (created if needed).
    #[arg(short, long)]
    pub output: PathBuf,
}

#[derive(Args)]
pub struct TabulateArgs {
    /// The survey design (TOML); also the plan when --plan is absent.
    #[arg(long)]
    pub design: PathBuf,
    /// The tabulation plan (TOML).
    #[arg(long)]
    pub plan: Option<PathBuf>,
    /// csv (the tidy table), json, parquet (the tidy table, typed; needs -o), or xlsx (one
    /// sheet per indicator, laid out like ITU's household questionnaire; needs -o).
    #[arg(long, default_value = "csv")]
    pub format: String,
    /// Output file (standard output when absent, unless --import); written whole or not at all.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Store the estimates as observations of their indicators (values, bounds, standard
    /// errors, OBS_STATUS) as one revision of --database-url, validated as `ictstat import`
    /// validates a file: all or nothing.
    #[arg(long)]
    pub import: bool,
    /// The survey's country for --import (ISO 3166 alpha-3 or M49); default: the design's
    /// `[survey]` area.
    #[arg(long)]
    pub area: Option<String>,
    /// The reference period for --import (a year); default: the design's `[survey]` period.
    #[arg(long)]
    pub period: Option<String>,
    /// The SOURCE of the stored observations; default: the design's `[survey]` source.
    #[arg(long)]
    pub source: Option<String>,
    /// Why this revision exists (--import).
    #[arg(long)]
    pub comment: Option<String>,
    /// Who imports (--import; default: $USER).
    #[arg(long, env = "USER", default_value = "unknown")]
    pub author: String,
    /// The microdata: .csv (with a header row), .parquet, .dta (Stata 10–18) or .sav/.zsav
    /// (SPSS); the format follows the extension.
    pub file: PathBuf,
}

#[derive(Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "ICTSTAT_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: String,
    /// SHA-256 (hex) of a bootstrap administrator token: an administrator with every scope
    /// before any account exists, and a break-glass credential (users' tokens: `ictstat token`).
    #[arg(long, env = "ICTSTAT_ADMIN_TOKEN_SHA256")]
    pub admin_token_sha256: Option<String>,
    /// Largest accepted upload in MiB.
    #[arg(long, default_value_t = 256)]
    pub max_upload_mib: usize,
    /// SDMX agency id that maintains the published structures (dataflows, DSD, codelists).
    #[arg(long, env = "ICTSTAT_SDMX_AGENCY", default_value = "ICTSTAT")]
    pub sdmx_agency: String,
    /// Mark the sign-in cookies `Secure` on every answer: set it behind a TLS-terminating
    /// proxy that does not send `X-Forwarded-Proto: https` (ictstat serves plain HTTP).
    #[arg(long, env = "ICTSTAT_SECURE_COOKIES")]
    pub secure_cookies: bool,
}

#[derive(Args)]
pub struct ReadArgs {
    /// Files to read: long CSV (and SDMX-CSV), Open SDG CSV, World Bank CSV, Gapminder DDF CSV, XLSX, SDMX-ML or SDMX-JSON.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Layout, when the file name does not tell: long-csv, open-sdg, world-bank, gapminder, xlsx, sdmx-ml, sdmx-json.
    #[arg(long)]
    pub format: Option<String>,
    /// Indicator, for layouts that do not name it.
    #[arg(long)]
    pub indicator: Option<String>,
    /// Area, for national files (Open SDG) without an area column.
    #[arg(long)]
    pub area: Option<String>,
    /// SOURCE attribute for rows that have none.
    #[arg(long)]
    pub source: Option<String>,
    /// Field delimiter of CSV files.
    #[arg(long)]
    pub delimiter: Option<char>,
    /// Character encoding of CSV files that are not UTF-8, e.g. windows-1252.
    #[arg(long)]
    pub encoding: Option<String>,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct ImportArgs {
    #[command(flatten)]
    pub read: ReadArgs,
    /// Validate and report; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Write the valid rows even when some rows have errors.
    #[arg(long)]
    pub skip_invalid: bool,
    /// Why this revision exists.
    #[arg(long)]
    pub comment: Option<String>,
    /// Who imports (default: $USER).
    #[arg(long, env = "USER", default_value = "unknown")]
    pub author: String,
    /// Write without publishing, for a named release (`ictstat release publish`, under
    /// embargo say): until one is published, this revision and every later one stay out of
    /// the public data (imports written meanwhile wait for that release too). Otherwise the
    /// import publishes itself as a `direct` release.
    #[arg(long)]
    pub hold: bool,
}

#[derive(Args)]
pub struct ExportArgs {
    /// Indicator codes or aliases, comma-separated (all when absent).
    #[arg(long)]
    pub indicator: Option<String>,
    /// Areas (M49, ISO codes or names), comma-separated.
    #[arg(long)]
    pub area: Option<String>,
    /// Groups whose members to include (199 LDCs, 722 SIDS, HIC…).
    #[arg(long)]
    pub group: Option<String>,
    /// Breakdown filters, e.g. --breakdown sex=F,M --breakdown urbanisation=R.
    #[arg(long, value_name = "DIMENSION=CODES")]
    pub breakdown: Vec<String>,
    #[arg(long)]
    pub start: Option<String>,
    #[arg(long)]
    pub end: Option<String>,
    /// Only the latest period of each series.
    #[arg(long)]
    pub latest: bool,
    /// A revision number (any, released or not: the command line runs on the database) or
    /// an ISO-8601 time (the data the public saw then). Default: the published data, as of
    /// the latest release whose time has come; embargoed and unreleased revisions are left
    /// out.
    #[arg(long)]
    pub as_of: Option<String>,
    /// csv, xlsx, json, or an SDMX data message: sdmx-ml (SDMX-ML 2.1 Generic), sdmx-ml-ss
    /// (Structure-Specific), sdmx-json (2.0), sdmx-json-1.0, sdmx-csv (2.0), sdmx-csv-1.0.
    #[arg(long, default_value = "csv")]
    pub format: String,
    /// Output file (standard output when absent; required for xlsx).
    #[arg(short, long)]
    pub output: Option<PathBuf>,
}

#[derive(Subcommand)]
pub enum ComputeCommand {
    /// Group aggregates of an indicator with their coverage (as GET /api/v1/aggregates).
    #[command(
        after_help = "Examples:\n  ictstat compute aggregates --indicator 17.8.1 --group 001,199 --start 2015\n  ictstat compute aggregates --indicator IT_NET_BBND --min-coverage 0.9 --gap-fill interpolate --format json"
    )]
    Aggregates(AggregateArgs),
    /// Progress toward targets by several methods side by side (as GET /api/v1/progress).
    #[command(
        after_help = "Examples:\n  ictstat compute progress --indicator 17.8.1 --area KEN,001\n  ictstat compute progress --indicator 17.8.1 --method open_sdg --target UMC2030_INDIVIDUALS --format json"
    )]
    Progress(ProgressArgs),
    /// The ICT Development Index of a year (as GET /api/v1/index).
    #[command(
        after_help = "Examples:\n  ictstat compute index\n  ictstat compute index --year 2022 --format json"
    )]
    Index(IndexArgs),
}

#[derive(Args)]
pub struct IndexArgs {
    /// Reference year (default: the latest with data).
    #[arg(long)]
    pub year: Option<i32>,
    /// csv or json.
    #[arg(long, default_value = "csv")]
    pub format: String,
}

#[derive(Args)]
pub struct ProgressArgs {
    /// Indicator code or alias.
    #[arg(long)]
    pub indicator: String,
    /// Countries and groups, comma-separated (every country with data when absent).
    #[arg(long)]
    pub area: Option<String>,
    /// open_sdg, unsd_2022, unsd_2023, escap_csi, escap_api (default: all).
    #[arg(long)]
    pub method: Option<String>,
    /// A catalogue target id.
    #[arg(long)]
    pub target: Option<String>,
    #[arg(long)]
    pub base_year: Option<i32>,
    /// Without a target: increase (default) or decrease.
    #[arg(long)]
    pub direction: Option<String>,
    /// csv or json.
    #[arg(long, default_value = "csv")]
    pub format: String,
}

#[derive(Args)]
pub struct AggregateArgs {
    /// Indicator code or alias.
    #[arg(long)]
    pub indicator: String,
    /// Groups, comma-separated (all groups when absent).
    #[arg(long)]
    pub group: Option<String>,
    #[arg(long)]
    pub start: Option<i32>,
    #[arg(long)]
    pub end: Option<i32>,
    /// Least share of a group's population with data (0–1, default 2/3).
    #[arg(long)]
    pub min_coverage: Option<f64>,
    /// Least number of countries with data (default 1).
    #[arg(long)]
    pub min_countries: Option<usize>,
    /// none, carry-forward or interpolate.
    #[arg(long)]
    pub gap_fill: Option<String>,
    /// Most years a filled gap may span (default 3).
    #[arg(long)]
    pub gap_years: Option<u32>,
    /// With --format json: list the countries each aggregate rests on.
    #[arg(long)]
    pub contributors: bool,
    /// csv or json.
    #[arg(long, default_value = "csv")]
    pub format: String,
}

#[derive(Args)]
pub struct CheckArgs {
    /// Areas, comma-separated (all when absent).
    #[arg(long)]
    pub area: Option<String>,
    /// Also flag year-on-year outliers.
    #[arg(long)]
    pub outliers: bool,
    /// A TOML file of rules to run instead of the built-in ones (same syntax as
    /// ictstat_stats::checks::DEFAULT_RULES; see crates/ictstat-stats/README.md).
    #[arg(long)]
    pub rules: Option<PathBuf>,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct IndicatorArgs {
    #[arg(long)]
    pub framework: Option<String>,
    #[arg(long)]
    pub search: Option<String>,
}

#[derive(Args)]
pub struct AreaArgs {
    #[arg(long)]
    pub kind: Option<String>,
    #[arg(long)]
    pub group: Option<String>,
}

#[derive(Subcommand)]
pub enum OrgCommand {
    /// Add an organisation.
    #[command(
        after_help = "Examples:\n  ictstat org add \"International Telecommunication Union\" --kind agency\n  ictstat org add \"Kenya National Bureau of Statistics\" --kind statistical_office"
    )]
    Add(OrgAddArgs),
    /// List organisations.
    List,
}

#[derive(Args)]
pub struct OrgAddArgs {
    pub name: String,
    /// agency, statistical_office, regulator, ministry or other.
    #[arg(long)]
    pub kind: String,
}

#[derive(Subcommand)]
pub enum UserCommand {
    /// Add a user (the first administrator too); the password is typed twice without echo,
    /// or read from standard input with --password-stdin, never given as an argument.
    #[command(
        after_help = "Examples:\n  ictstat user add admin --org \"International Telecommunication Union\" --role administrator\n  printf '%s\\n' \"$PASSWORD\" | ictstat user add knbs --org KNBS --password-stdin --role provider --area KEN --indicator IT_USE_ii99\n\nPasswords need at least 12 characters."
    )]
    Add(UserAddArgs),
    /// List users, their organisation, state and roles.
    List,
    /// Grant a role: administrator, reviewer and viewer take no scope; a custodian takes
    /// --indicator; a provider takes --area and --indicator (every pair is granted).
    #[command(
        after_help = "Examples:\n  ictstat user grant itu --role custodian --indicator IT_USE_ii99,IT_MOB_OWN\n  ictstat user grant knbs --role provider --area KEN --indicator 17.8.1,IT_MOB_OWN\n  ictstat user grant ann --role reviewer"
    )]
    Grant {
        login: String,
        #[command(flatten)]
        grant: GrantArgs,
    },
    /// Disable a user: their tokens stop working. Users are never deleted, so that the audit
    /// log and the revisions keep naming them.
    #[command(after_help = "Example:\n  ictstat user disable knbs")]
    Disable { login: String },
    /// Enable a disabled user again.
    #[command(after_help = "Example:\n  ictstat user enable knbs")]
    Enable { login: String },
    /// Set a user's password (typed twice without echo, or --password-stdin); every web
    /// session of theirs ends.
    #[command(
        after_help = "Examples:\n  ictstat user password knbs\n  printf '%s\\n' \"$NEW_PASSWORD\" | ictstat user password knbs --password-stdin"
    )]
    Password {
        login: String,
        /// Read the password from the first line of standard input instead of the terminal.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Revoke a role, or part of a custodian's or provider's scope.
    #[command(
        after_help = "Examples:\n  ictstat user revoke itu --role custodian --indicator IT_MOB_OWN\n  ictstat user revoke knbs --role provider --area KEN --indicator 17.8.1\n  ictstat user revoke ann --role reviewer"
    )]
    Revoke {
        login: String,
        #[command(flatten)]
        grant: GrantArgs,
    },
}

#[derive(Args)]
pub struct UserAddArgs {
    /// Letters, digits, `.`, `_`, `-` or `@`.
    pub login: String,
    /// The user's organisation (`ictstat org add` first).
    #[arg(long)]
    pub org: String,
    /// Display name (default: the login).
    #[arg(long)]
    pub name: Option<String>,
    /// Read the password from the first line of standard input instead of the terminal.
    #[arg(long)]
    pub password_stdin: bool,
    #[command(flatten)]
    pub grant: GrantArgs,
}

#[derive(Args)]
pub struct GrantArgs {
    /// administrator, custodian, provider, reviewer or viewer.
    #[arg(long)]
    pub role: Option<String>,
    /// Indicators (codes or aliases, comma-separated) of a custodian or provider.
    #[arg(long)]
    pub indicator: Vec<String>,
    /// Countries (M49 or ISO codes, comma-separated) of a provider.
    #[arg(long)]
    pub area: Vec<String>,
}

#[derive(Subcommand)]
pub enum TokenCommand {
    /// Create an API token and print it, once: only its SHA-256 is stored.
    #[command(
        after_help = "Examples:\n  ictstat token create --user knbs --name \"nightly upload\" --scope submit --expires-in 90d\n  TOKEN=$(ictstat token create --user admin --name audit --scope read,admin)\n\nScopes: read (reading what needs an account), submit (submitting, reviewing and\ncommenting, within the user's roles; imports for administrators), admin (publishing,\nconsultations, the audit log)."
    )]
    Create(TokenCreateArgs),
    /// List tokens (never the tokens themselves): owner, name, scopes, expiry, last use.
    #[command(after_help = "Examples:\n  ictstat token list\n  ictstat token list --user knbs")]
    List {
        /// Only this user's tokens.
        #[arg(long)]
        user: Option<String>,
    },
    /// Revoke a token by its id (from `ictstat token list`).
    #[command(after_help = "Example:\n  ictstat token revoke 3")]
    Revoke { id: i64 },
}

#[derive(Args)]
pub struct TokenCreateArgs {
    /// The user the token acts as.
    #[arg(long)]
    pub user: String,
    /// What the token is for.
    #[arg(long)]
    pub name: String,
    /// read, submit, admin (comma-separated or repeated).
    #[arg(long, required = true)]
    pub scope: Vec<String>,
    /// Lifetime: 12h, 90d, 2w (at most 3650d); no expiry when absent.
    #[arg(long)]
    pub expires_in: Option<String>,
}
