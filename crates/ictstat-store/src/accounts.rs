//! Accounts: organisations, users, role grants scoped to data, API tokens and the audit log.
//!
//! Secrets never reach the database: passwords are stored as Argon2id PHC strings, API tokens
//! as their SHA-256. Every change made here writes its audit row in the same transaction, so
//! that a change without its audit row (or the reverse) cannot be committed. The audit log is
//! append-only: this module has no update or delete for it, and the schema's triggers refuse
//! them from anyone else.

use std::collections::BTreeSet;
use std::str::FromStr;
use std::sync::LazyLock;

use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::QueryBuilder;

use crate::db::{Db, StoreError, with_pool};
use crate::write::Begin;

/// Defines a closed set of names stored as text: parsing, the stored name, and the list of
/// valid names for error messages.
macro_rules! text_enum {
    ($(#[$doc:meta])* $name:ident ($what:literal) { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, utoipa::ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl FromStr for $name {
            type Err = StoreError;
            fn from_str(s: &str) -> Result<Self, StoreError> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err(StoreError::Invalid(format!(
                        "`{s}` is not {}: use one of {}",
                        $what,
                        [$($text),+].join(", ")
                    ))),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

text_enum!(
    /// What kind of body an organisation is.
    OrganisationKind("an organisation kind") {
        Agency = "agency",
        StatisticalOffice = "statistical_office",
        Regulator = "regulator",
        Ministry = "ministry",
        Other = "other",
    }
);

text_enum!(
    /// A role. Administrators may do everything; custodians write their indicators for every
    /// area; providers write their (area, indicator) pairs; reviewers and viewers do not write.
    Role("a role") {
        Administrator = "administrator",
        Custodian = "custodian",
        Provider = "provider",
        Reviewer = "reviewer",
        Viewer = "viewer",
    }
);

text_enum!(
    /// What an API token may be used for, on top of what its user's roles allow: `read` the
    /// routes that need an account, `submit` data, `admin` the administrators' routes.
    Scope("a token scope") {
        Read = "read",
        Submit = "submit",
        Admin = "admin",
    }
);

impl Role {
    /// Checks that `indicators` and `areas` are the scope this role takes: none for
    /// administrators, reviewers and viewers; indicators for a custodian; both for a provider.
    pub fn check_scope(self, indicators: &[String], areas: &[String]) -> Result<(), StoreError> {
        if let Some(bad) = indicators
            .iter()
            .chain(areas)
            .find(|c| c.is_empty() || *c == ANY)
        {
            return Err(StoreError::Invalid(format!(
                "`{bad}` is not an indicator or area code"
            )));
        }
        let problem = match self {
            Role::Administrator | Role::Reviewer | Role::Viewer
                if !indicators.is_empty() || !areas.is_empty() =>
            {
                format!("the {self} role is not scoped: give no indicators or areas")
            }
            Role::Custodian if indicators.is_empty() || !areas.is_empty() => {
                "a custodian is scoped by indicators, and only by indicators".into()
            }
            Role::Provider if indicators.is_empty() || areas.is_empty() => {
                "a provider is scoped by areas and indicators: give both".into()
            }
            _ => return Ok(()),
        };
        Err(StoreError::Invalid(problem))
    }
}

/// Parses a list of scopes separated by spaces or commas.
pub fn parse_scopes(text: &str) -> Result<Vec<Scope>, StoreError> {
    let scopes: BTreeSet<Scope> = text
        .split([' ', ','])
        .filter(|s| !s.is_empty())
        .map(str::parse)
        .collect::<Result<_, _>>()?;
    if scopes.is_empty() {
        return Err(StoreError::Invalid(
            "a token needs at least one scope: read, submit or admin".into(),
        ));
    }
    Ok(scopes.into_iter().collect())
}

fn scopes_text(scopes: &[Scope]) -> String {
    let set: BTreeSet<Scope> = scopes.iter().copied().collect();
    set.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" ")
}

/// The wildcard of `role_grant`: any indicator, any area.
const ANY: &str = "*";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Organisation {
    pub id: i64,
    pub name: String,
    pub kind: OrganisationKind,
    pub created_at: String,
}

/// A user as shown to people: never the password hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct User {
    pub id: i64,
    pub login: String,
    pub display_name: String,
    pub organisation: String,
    pub disabled: bool,
    pub created_at: String,
}

/// One row of a user's roles: `None` is "any" (administrator, reviewer, viewer: both; a
/// custodian: the area).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
pub struct Grant {
    pub role: Role,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub indicator: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub area: Option<String>,
}

/// An API token's record: never the token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Token {
    pub id: i64,
    pub login: String,
    pub name: String,
    pub scopes: Vec<Scope>,
    pub created_at: String,
    pub expires_at: Option<String>,
    pub revoked_at: Option<String>,
    pub last_used_at: Option<String>,
}

/// A token just created: the only time the secret exists outside the caller's hands.
#[derive(Debug)]
pub struct NewToken {
    pub token: Token,
    /// `ict_` and 64 hexadecimal digits (32 random bytes).
    pub secret: String,
}

/// The user, roles and token behind a valid API token.
#[derive(Debug, Clone)]
pub struct TokenOwner {
    pub user: User,
    pub grants: Vec<Grant>,
    pub token: Token,
}

/// The result of presenting a token.
#[derive(Debug, Clone)]
pub enum TokenCheck {
    Valid(Box<TokenOwner>),
    /// No token has this hash.
    Unknown,
    /// The token (by id) exists but may no longer be used: why.
    Refused {
        token_id: i64,
        reason: &'static str,
    },
}

/// Who acts, for the audit log.
#[derive(Debug, Clone, Default)]
pub struct Actor {
    /// The acting user, when it is an account.
    pub user_id: Option<i64>,
    /// The login, `cli:<os user>`, `bootstrap-token`; `None` when nobody was identified.
    pub name: Option<String>,
    /// The client's address, for requests.
    pub client: Option<String>,
}

impl Actor {
    /// The administrator running the command line on the database's machine.
    pub fn cli(os_user: &str) -> Actor {
        Actor {
            user_id: None,
            name: Some(format!("cli:{os_user}")),
            client: None,
        }
    }
}

/// One audit row, as read back.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct AuditEntry {
    pub id: i64,
    pub at: String,
    pub actor_id: Option<i64>,
    pub actor: Option<String>,
    /// `login`, `login_failed`, `token_created`, `token_revoked`, `token_refused`,
    /// `organisation_created`, `user_created`, `user_disabled`, `role_granted`, `import`,
    /// `import_refused`.
    pub action: String,
    pub target: Option<String>,
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
    pub client: Option<String>,
}

/// A filter over the audit log, newest first.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    pub actor: Option<String>,
    pub action: Option<String>,
    /// Inclusive bounds in the store's time format (see [`crate::parse_time`]).
    pub from: Option<String>,
    pub to: Option<String>,
    pub limit: usize,
    pub offset: usize,
}

/// Shortest password accepted. Long passphrases beat complexity rules (NIST SP 800-63B).
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Longest password accepted, so that hashing cost cannot be driven up by huge inputs.
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// Argon2id with OWASP's recommended minimum (19 MiB of memory, 2 passes, 1 lane), stated here
/// rather than taken from the crate's defaults so that a change of defaults cannot lower it.
fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid Argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password to an Argon2id PHC string with a random salt from the OS. CPU-bound for
/// tens of milliseconds: call it off the async workers.
pub fn hash_password(password: &str) -> Result<String, StoreError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(StoreError::Invalid(format!(
            "a password needs at least {MIN_PASSWORD_CHARS} characters"
        )));
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(StoreError::Invalid(format!(
            "a password may have at most {MAX_PASSWORD_BYTES} bytes"
        )));
    }
    argon2()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| StoreError::Password(e.to_string()))
}

/// Ends every live web session of user `$2` at time `$1` (a disabled user's, or after a
/// password change: a session is not revived by enabling the user again).
const END_SESSIONS: &str =
    "UPDATE web_session SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL";

/// The `role_grant` rows (indicator, area) of a role and its scope.
fn grant_rows(role: Role, indicators: &[String], areas: &[String]) -> Vec<(String, String)> {
    match role {
        Role::Administrator | Role::Reviewer | Role::Viewer => vec![(ANY.into(), ANY.into())],
        Role::Custodian => indicators.iter().map(|i| (i.clone(), ANY.into())).collect(),
        Role::Provider => areas
            .iter()
            .flat_map(|a| indicators.iter().map(move |i| (i.clone(), a.clone())))
            .collect(),
    }
}

/// The audit log's name of the bootstrap administrator token; no user may have it.
pub const BOOTSTRAP_LOGIN: &str = "bootstrap-token";

/// True when `login` could be a user's: 1 to 64 ASCII letters, digits, `.`, `_`, `-` or `@`.
/// Sign-in refuses anything else before counting or auditing it, so that no outside text of
/// any length or shape reaches the audit log or the rate limiter.
pub fn is_valid_login(login: &str) -> bool {
    !login.is_empty()
        && login.len() <= 64
        && login
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'-' | b'@'))
}

/// True when `password` matches the PHC string `hash` (its own parameters are used; the
/// comparison is constant-time in the argon2 crate).
pub fn verify_password(password: &str, hash: &str) -> bool {
    password.len() <= MAX_PASSWORD_BYTES
        && argon2().verify_password(password.as_bytes(), hash).is_ok()
}

/// A hash that no password matches in practice, verified against when a login does not
/// exist, so that an unknown login takes as long to refuse as a wrong password.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    hash_password("no account has this password").expect("hashing a fixed password")
});

/// Lower-case hexadecimal digits of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// SHA-256 of `data` as 64 hexadecimal digits: how API tokens are stored and looked up.
pub fn sha256_hex(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
}

/// Prefix of API tokens, so that secret scanners and people recognise one.
pub const TOKEN_PREFIX: &str = "ict_";

/// 32 bytes from the OS random source, as 64 hexadecimal digits: the secret part of API
/// tokens, session ids and per-session CSRF keys.
pub fn random_hex() -> Result<String, StoreError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| StoreError::Password(e.to_string()))?;
    Ok(hex(&bytes))
}

fn new_secret() -> Result<String, StoreError> {
    Ok(format!("{TOKEN_PREFIX}{}", random_hex()?))
}

/// A row of `app_user` joined with its organisation's name.
type UserRow = (i64, String, String, String, bool, String);

fn user_from(row: UserRow) -> User {
    let (id, login, display_name, organisation, disabled, created_at) = row;
    User {
        id,
        login,
        display_name,
        organisation,
        disabled,
        created_at,
    }
}

const USER_COLUMNS: &str = "u.id, u.login, u.display_name, o.name, u.disabled, u.created_at \
     FROM app_user u JOIN organisation o ON o.id = u.organisation_id";

/// A row of `api_token` joined with its user's login.
type TokenRow = (
    i64,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
);

fn token_from(row: TokenRow) -> Result<Token, StoreError> {
    let (id, login, name, scopes, created_at, expires_at, revoked_at, last_used_at) = row;
    Ok(Token {
        id,
        login,
        name,
        scopes: parse_scopes(&scopes)?,
        created_at,
        expires_at,
        revoked_at,
        last_used_at,
    })
}

const TOKEN_COLUMNS: &str = "t.id, u.login, t.name, t.scopes, t.created_at, t.expires_at, t.revoked_at, t.last_used_at \
     FROM api_token t JOIN app_user u ON u.id = t.user_id";

/// Inserts an audit row through `$executor` (a transaction, or a pool of either backend).
macro_rules! insert_audit {
    ($executor:expr, $actor:expr, $action:expr, $target:expr, $details:expr) => {{
        let actor: &Actor = $actor;
        let target: Option<&str> = $target;
        let details: &serde_json::Value = $details;
        sqlx::query(
            "INSERT INTO audit_log (at, actor_id, actor, action, target, details, client) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(crate::now_text())
        .bind(actor.user_id)
        .bind(actor.name.clone())
        .bind($action)
        .bind(target)
        .bind(details.to_string())
        .bind(actor.client.clone())
        .execute($executor)
        .await
    }};
}
pub(crate) use insert_audit;

impl Db {
    /// Appends one row to the audit log (for actions recorded outside this module's
    /// transactions: imports, refused tokens).
    pub async fn audit(
        &self,
        actor: &Actor,
        action: &str,
        target: Option<&str>,
        details: &serde_json::Value,
    ) -> Result<(), StoreError> {
        with_pool!(self, p => {
            insert_audit!(p, actor, action, target, details)?;
        });
        Ok(())
    }

    /// Audit rows matching `q`, newest first.
    pub async fn audit_entries(&self, q: &AuditQuery) -> Result<Vec<AuditEntry>, StoreError> {
        type Row = (
            i64,
            String,
            Option<i64>,
            Option<String>,
            String,
            Option<String>,
            String,
            Option<String>,
        );
        let rows: Vec<Row> = with_pool!(self, p => {
            let mut qb = QueryBuilder::new(
                "SELECT id, at, actor_id, actor, action, target, details, client FROM audit_log WHERE 1 = 1",
            );
            if let Some(actor) = &q.actor {
                qb.push(" AND actor = ").push_bind(actor.clone());
            }
            if let Some(action) = &q.action {
                qb.push(" AND action = ").push_bind(action.clone());
            }
            if let Some(from) = &q.from {
                qb.push(" AND at >= ").push_bind(from.clone());
            }
            if let Some(to) = &q.to {
                qb.push(" AND at <= ").push_bind(to.clone());
            }
            qb.push(" ORDER BY id DESC LIMIT ")
                .push_bind(i64::try_from(q.limit).unwrap_or(i64::MAX))
                .push(" OFFSET ")
                .push_bind(i64::try_from(q.offset).unwrap_or(i64::MAX));
            qb.build_query_as().fetch_all(p).await?
        });
        Ok(rows
            .into_iter()
            .map(
                |(id, at, actor_id, actor, action, target, details, client)| AuditEntry {
                    id,
                    at,
                    actor_id,
                    actor,
                    action,
                    target,
                    details: serde_json::from_str(&details).unwrap_or(serde_json::Value::Null),
                    client,
                },
            )
            .collect())
    }

    pub async fn add_organisation(
        &self,
        name: &str,
        kind: OrganisationKind,
        actor: &Actor,
    ) -> Result<Organisation, StoreError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(StoreError::Invalid("an organisation needs a name".into()));
        }
        let created_at = crate::now_text();
        with_pool!(self, p => {
            let mut tx = p.begin_accounts().await?;
            let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM organisation WHERE name = $1")
                .bind(name)
                .fetch_optional(&mut *tx)
                .await?;
            if exists.is_some() {
                return Err(StoreError::Exists(format!("organisation `{name}`")));
            }
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO organisation (name, kind, created_at) VALUES ($1, $2, $3) RETURNING id",
            )
            .bind(name)
            .bind(kind.as_str())
            .bind(&created_at)
            .fetch_one(&mut *tx)
            .await?;
            insert_audit!(&mut *tx, actor, "organisation_created", Some(&format!("organisation:{id}")),
                &serde_json::json!({"name": name, "kind": kind}))?;
            tx.commit().await?;
            Ok(Organisation { id, name: name.to_string(), kind, created_at })
        })
    }

    pub async fn organisations(&self) -> Result<Vec<Organisation>, StoreError> {
        let rows: Vec<(i64, String, String, String)> = with_pool!(self, p => {
            sqlx::query_as("SELECT id, name, kind, created_at FROM organisation ORDER BY name")
                .fetch_all(p)
                .await?
        });
        rows.into_iter()
            .map(|(id, name, kind, created_at)| {
                Ok(Organisation {
                    id,
                    name,
                    kind: kind.parse()?,
                    created_at,
                })
            })
            .collect()
    }

    /// Creates a user of an existing organisation with an Argon2id-hashed password.
    pub async fn add_user(
        &self,
        login: &str,
        display_name: &str,
        organisation: &str,
        password: &str,
        actor: &Actor,
    ) -> Result<User, StoreError> {
        if !is_valid_login(login) {
            return Err(StoreError::Invalid(format!(
                "`{login}` is not a valid login: use 1 to 64 letters, digits, `.`, `_`, `-` or `@`"
            )));
        }
        // The audit log names the bootstrap token `bootstrap-token` and the command line
        // `cli:<os user>`: no user may be mistaken for either (`:` is not a login character).
        if login.eq_ignore_ascii_case(BOOTSTRAP_LOGIN) {
            return Err(StoreError::Invalid(format!(
                "`{login}` is reserved: the audit log names the bootstrap token so"
            )));
        }
        let password = password.to_string();
        let hash = tokio::task::spawn_blocking(move || hash_password(&password))
            .await
            .map_err(|e| StoreError::Password(e.to_string()))??;
        let created_at = crate::now_text();
        let display_name = if display_name.trim().is_empty() {
            login
        } else {
            display_name.trim()
        };
        with_pool!(self, p => {
            let mut tx = p.begin_accounts().await?;
            let org: Option<i64> = sqlx::query_scalar("SELECT id FROM organisation WHERE name = $1")
                .bind(organisation)
                .fetch_optional(&mut *tx)
                .await?;
            let Some(org) = org else {
                return Err(StoreError::Missing(format!(
                    "organisation `{organisation}` (create it first: `ictstat org add`)"
                )));
            };
            let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM app_user WHERE login = $1")
                .bind(login)
                .fetch_optional(&mut *tx)
                .await?;
            if exists.is_some() {
                return Err(StoreError::Exists(format!("user `{login}`")));
            }
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO app_user (login, display_name, organisation_id, password_hash, disabled, created_at) \
                 VALUES ($1, $2, $3, $4, FALSE, $5) RETURNING id",
            )
            .bind(login)
            .bind(display_name)
            .bind(org)
            .bind(&hash)
            .bind(&created_at)
            .fetch_one(&mut *tx)
            .await?;
            insert_audit!(&mut *tx, actor, "user_created", Some(&format!("user:{login}")),
                &serde_json::json!({"organisation": organisation, "display_name": display_name}))?;
            tx.commit().await?;
            Ok(User {
                id,
                login: login.to_string(),
                display_name: display_name.to_string(),
                organisation: organisation.to_string(),
                disabled: false,
                created_at,
            })
        })
    }

    pub async fn users(&self) -> Result<Vec<User>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} ORDER BY u.login");
        let rows: Vec<UserRow> = with_pool!(self, p => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(p).await?
        });
        Ok(rows.into_iter().map(user_from).collect())
    }

    pub async fn user(&self, login: &str) -> Result<Option<User>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} WHERE u.login = $1");
        let row: Option<UserRow> = with_pool!(self, p => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(login).fetch_optional(p).await?
        });
        Ok(row.map(user_from))
    }

    async fn user_id(&self, login: &str) -> Result<i64, StoreError> {
        self.user(login)
            .await?
            .map(|u| u.id)
            .ok_or_else(|| StoreError::Missing(format!("user `{login}`")))
    }

    /// Disables a user: their tokens stop working, their web sessions end, and they cannot
    /// sign in. Users are never deleted, so that the audit log and revisions keep naming them.
    pub async fn disable_user(&self, login: &str, actor: &Actor) -> Result<(), StoreError> {
        let id = self.user_id(login).await?;
        let now = crate::now_text();
        with_pool!(self, p => {
            let mut tx = p.begin_accounts().await?;
            sqlx::query("UPDATE app_user SET disabled = TRUE WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            let ended = sqlx::query(END_SESSIONS).bind(&now).bind(id).execute(&mut *tx).await?.rows_affected();
            insert_audit!(&mut *tx, actor, "user_disabled", Some(&format!("user:{login}")),
                &serde_json::json!({ "sessions_ended": ended }))?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Enables a disabled user again: their tokens that have not expired or been revoked
    /// work again, and they may sign in.
    pub async fn enable_user(&self, login: &str, actor: &Actor) -> Result<(), StoreError> {
        let id = self.user_id(login).await?;
        with_pool!(self, p => {
            let mut tx = p.begin_accounts().await?;
            sqlx::query("UPDATE app_user SET disabled = FALSE WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            insert_audit!(&mut *tx, actor, "user_enabled", Some(&format!("user:{login}")),
                &serde_json::Value::Object(Default::default()))?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Sets a user's password (a reset by an administrator, or a change) and ends every web
    /// session of theirs, in one transaction: whoever knew the old password is signed out.
    /// Returns how many sessions ended.
    pub async fn set_password(
        &self,
        login: &str,
        password: &str,
        actor: &Actor,
    ) -> Result<u64, StoreError> {
        let id = self.user_id(login).await?;
        let password = password.to_string();
        let hash = tokio::task::spawn_blocking(move || hash_password(&password))
            .await
            .map_err(|e| StoreError::Password(e.to_string()))??;
        let now = crate::now_text();
        with_pool!(self, p => {
            let mut tx = p.begin_accounts().await?;
            sqlx::query("UPDATE app_user SET password_hash = $1 WHERE id = $2")
                .bind(&hash)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            let ended = sqlx::query(END_SESSIONS)
                .bind(&now)
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            insert_audit!(&mut *tx, actor, "password_changed", Some(&format!("user:{login}")),
                &serde_json::json!({ "sessions_ended": ended }))?;
            tx.commit().await?;
            Ok(ended)
        })
    }

    /// Revokes `role` from `login`: for a custodian the given indicators, for a provider the
    /// given areas × indicators, for the unscoped roles the role itself. Returns how many
    /// grant rows went (0 when the user did not hold them).
    pub async fn revoke_grant(
        &self,
        login: &str,
        role: Role,
        indicators: &[String],
        areas: &[String],
        actor: &Actor,
    ) -> Result<usize, StoreError> {
        role.check_scope(indicators, areas)?;
        let rows = grant_rows(role, indicators, areas);
        let id = self.user_id(login).await?;
        with_pool!(self, p => {
            let mut tx = p.begin_accounts().await?;
            let mut removed = 0;
            for (indicator, area) in &rows {
                removed += sqlx::query(
                    "DELETE FROM role_grant WHERE user_id = $1 AND role = $2 AND indicator = $3 AND area = $4",
                )
                .bind(id)
                .bind(role.as_str())
                .bind(indicator)
                .bind(area)
                .execute(&mut *tx)
                .await?
                .rows_affected() as usize;
            }
            insert_audit!(&mut *tx, actor, "role_revoked", Some(&format!("user:{login}")),
                &serde_json::json!({"role": role, "indicators": indicators, "areas": areas, "rows": removed}))?;
            tx.commit().await?;
            Ok(removed)
        })
    }

    /// Grants `role` to `login`. Administrators, reviewers and viewers take no scope; a
    /// custodian takes indicators; a provider takes areas and indicators (every pair is
    /// granted). Codes are stored as given: the caller resolves them against the catalogue.
    /// Returns how many grant rows were new.
    pub async fn grant(
        &self,
        login: &str,
        role: Role,
        indicators: &[String],
        areas: &[String],
        actor: &Actor,
    ) -> Result<usize, StoreError> {
        role.check_scope(indicators, areas)?;
        let rows = grant_rows(role, indicators, areas);
        let id = self.user_id(login).await?;
        let created_at = crate::now_text();
        with_pool!(self, p => {
            let mut tx = p.begin_accounts().await?;
            let mut added = 0;
            for (indicator, area) in &rows {
                added += sqlx::query(
                    "INSERT INTO role_grant (user_id, role, indicator, area, created_at) VALUES ($1, $2, $3, $4, $5) \
                     ON CONFLICT DO NOTHING",
                )
                .bind(id)
                .bind(role.as_str())
                .bind(indicator)
                .bind(area)
                .bind(&created_at)
                .execute(&mut *tx)
                .await?
                .rows_affected() as usize;
            }
            insert_audit!(&mut *tx, actor, "role_granted", Some(&format!("user:{login}")),
                &serde_json::json!({"role": role, "indicators": indicators, "areas": areas, "new_rows": added}))?;
            tx.commit().await?;
            Ok(added)
        })
    }

    /// The roles of a user, one row per unit of scope.
    pub async fn grants(&self, user_id: i64) -> Result<Vec<Grant>, StoreError> {
        let rows: Vec<(String, String, String)> = with_pool!(self, p => {
            sqlx::query_as("SELECT role, indicator, area FROM role_grant WHERE user_id = $1")
                .bind(user_id)
                .fetch_all(p)
                .await?
        });
        let any = |s: String| (s != ANY).then_some(s);
        let mut grants = rows
            .into_iter()
            .map(|(role, indicator, area)| {
                Ok(Grant {
                    role: role.parse()?,
                    indicator: any(indicator),
                    area: any(area),
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        grants.sort();
        Ok(grants)
    }

    /// Checks a login and password and records the attempt (`login` or `login_failed`). An
    /// unknown login, a disabled user and a wrong password are refused alike and take the
    /// same time.
    pub async fn authenticate_password(
        &self,
        login: &str,
        password: &str,
        client: Option<&str>,
    ) -> Result<Option<User>, StoreError> {
        let row: Option<(i64, String, bool)> = with_pool!(self, p => {
            sqlx::query_as("SELECT id, password_hash, disabled FROM app_user WHERE login = $1")
                .bind(login)
                .fetch_optional(p)
                .await?
        });
        let hash = row
            .as_ref()
            .map_or_else(|| DUMMY_HASH.clone(), |(_, h, _)| h.clone());
        let password = password.to_string();
        let matches = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
            .await
            .map_err(|e| StoreError::Password(e.to_string()))?;
        let user = match row {
            Some((_, _, false)) if matches => self.user(login).await?,
            _ => None,
        };
        let actor = Actor {
            user_id: user.as_ref().map(|u| u.id),
            name: user.as_ref().map(|u| u.login.clone()),
            client: client.map(str::to_string),
        };
        let action = if user.is_some() {
            "login"
        } else {
            "login_failed"
        };
        self.audit(
            &actor,
            action,
            Some(&format!("user:{login}")),
            &serde_json::Value::Object(Default::default()),
        )
        .await?;
        Ok(user)
    }

    /// Creates an API token for `login`; the secret is in the result and nowhere else.
    pub async fn create_token(
        &self,
        login: &str,
        name: &str,
        scopes: &[Scope],
        expires_at: Option<String>,
        actor: &Actor,
    ) -> Result<NewToken, StoreError> {
        if name.trim().is_empty() {
            return Err(StoreError::Invalid(
                "a token needs a name that says what it is for".into(),
            ));
        }
        let user = self
            .user(login)
            .await?
            .ok_or_else(|| StoreError::Missing(format!("user `{login}`")))?;
        if user.disabled {
            return Err(StoreError::Invalid(format!("user `{login}` is disabled")));
        }
        let scopes_text = scopes_text(scopes);
        let scopes = parse_scopes(&scopes_text)?;
        let secret = new_secret()?;
        let created_at = crate::now_text();
        let id: i64 = with_pool!(self, p => {
            let mut tx = p.begin_accounts().await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO api_token (user_id, name, token_sha256, scopes, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(user.id)
            .bind(name)
            .bind(sha256_hex(secret.as_bytes()))
            .bind(&scopes_text)
            .bind(&created_at)
            .bind(&expires_at)
            .fetch_one(&mut *tx)
            .await?;
            insert_audit!(&mut *tx, actor, "token_created", Some(&format!("token:{id}")),
                &serde_json::json!({"user": login, "name": name, "scopes": scopes, "expires_at": expires_at}))?;
            tx.commit().await?;
            id
        });
        Ok(NewToken {
            token: Token {
                id,
                login: login.to_string(),
                name: name.to_string(),
                scopes,
                created_at,
                expires_at,
                revoked_at: None,
                last_used_at: None,
            },
            secret,
        })
    }

    /// Tokens, of one user or of everyone, oldest first.
    pub async fn tokens(&self, login: Option<&str>) -> Result<Vec<Token>, StoreError> {
        let rows: Vec<TokenRow> = with_pool!(self, p => {
            match login {
                Some(login) => sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {TOKEN_COLUMNS} WHERE u.login = $1 ORDER BY t.id")))
                    .bind(login).fetch_all(p).await?,
                None => sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {TOKEN_COLUMNS} ORDER BY t.id")))
                    .fetch_all(p).await?,
            }
        });
        rows.into_iter().map(token_from).collect()
    }

    /// Revokes a token; it is refused from then on. Revoking twice is an error, so that a
    /// mistyped id does not look like a success.
    pub async fn revoke_token(&self, id: i64, actor: &Actor) -> Result<Token, StoreError> {
        let now = crate::now_text();
        let sql = format!("SELECT {TOKEN_COLUMNS} WHERE t.id = $1");
        with_pool!(self, p => {
            let mut tx = p.begin_accounts().await?;
            let row: Option<TokenRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(&mut *tx).await?;
            let mut token = token_from(row.ok_or_else(|| StoreError::Missing(format!("token {id}")))?)?;
            if token.revoked_at.is_some() {
                return Err(StoreError::Invalid(format!("token {id} is already revoked")));
            }
            sqlx::query("UPDATE api_token SET revoked_at = $1 WHERE id = $2")
                .bind(&now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            insert_audit!(&mut *tx, actor, "token_revoked", Some(&format!("token:{id}")),
                &serde_json::json!({"user": token.login, "name": token.name}))?;
            tx.commit().await?;
            token.revoked_at = Some(now);
            Ok(token)
        })
    }

    /// Looks a presented token up by its SHA-256 and says whether it may be used: not
    /// revoked, not expired, its user not disabled. A valid token's `last_used_at` is
    /// brought up to date at most once a minute (a write per request would queue every
    /// authenticated request behind a long import on SQLite).
    pub async fn check_token(&self, secret: &str) -> Result<TokenCheck, StoreError> {
        let sql = format!("SELECT {TOKEN_COLUMNS} WHERE t.token_sha256 = $1");
        let hash = sha256_hex(secret.as_bytes());
        let row: Option<TokenRow> = with_pool!(self, p => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(&hash).fetch_optional(p).await?
        });
        let Some(row) = row else {
            return Ok(TokenCheck::Unknown);
        };
        let token = token_from(row)?;
        let now = crate::now_text();
        let refused = |reason| {
            Ok(TokenCheck::Refused {
                token_id: token.id,
                reason,
            })
        };
        if token.revoked_at.is_some() {
            return refused("revoked");
        }
        if token
            .expires_at
            .as_deref()
            .is_some_and(|e| e <= now.as_str())
        {
            return refused("expired");
        }
        let Some(user) = self.user(&token.login).await? else {
            return refused("no such user");
        };
        if user.disabled {
            return refused("user disabled");
        }
        let grants = self.grants(user.id).await?;
        let minute_ago =
            crate::format_time(time::OffsetDateTime::now_utc() - time::Duration::minutes(1));
        if token
            .last_used_at
            .as_deref()
            .is_none_or(|t| t < minute_ago.as_str())
        {
            let db = self.clone();
            let id = token.id;
            tokio::spawn(async move {
                let sql = "UPDATE api_token SET last_used_at = $1 WHERE id = $2";
                let result = with_pool!(&db, p => sqlx::query(sql).bind(now).bind(id).execute(p).await.map(drop));
                if let Err(e) = result {
                    tracing::warn!("recording the use of token {id} failed: {e}");
                }
            });
        }
        Ok(TokenCheck::Valid(Box::new(TokenOwner {
            user,
            grants,
            token,
        })))
    }
}
