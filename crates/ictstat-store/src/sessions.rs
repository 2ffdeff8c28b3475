//! Web sessions: what the dashboard's sign-in cookie stands for.
//!
//! The cookie holds a random 32-byte id that exists nowhere else: the row keeps its SHA-256,
//! so that a copy of the database cannot be turned into a signed-in browser. A session ends
//! after [`SessionPolicy::idle`] without a request, at [`SessionPolicy::absolute`] after it
//! began whatever the activity, when it is revoked (sign-out, or every session of a user at
//! once), or when its user is disabled. Every function takes the time as an argument, so that
//! the tests can travel in it instead of sleeping.

use std::time::Duration;

use time::OffsetDateTime;

use crate::accounts::{Actor, Grant, User, insert_audit, random_hex, sha256_hex};
use crate::db::{Db, StoreError, with_pool};
use crate::format_time;
use crate::write::Begin;

/// How long sessions last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionPolicy {
    /// A session unused this long has ended.
    pub idle: Duration,
    /// A session this old has ended, used or not.
    pub absolute: Duration,
}

impl Default for SessionPolicy {
    /// 30 minutes idle, 12 hours at most: OWASP's guidance for applications that change data.
    fn default() -> Self {
        SessionPolicy {
            idle: Duration::from_secs(30 * 60),
            absolute: Duration::from_secs(12 * 60 * 60),
        }
    }
}

impl SessionPolicy {
    /// How stale `last_seen_at` may get before a request writes it again: once a minute at
    /// most (a write per page view would queue every page behind a long import on SQLite),
    /// and often enough that a tiny idle timeout still sees activity.
    fn touch_every(&self) -> Duration {
        (self.idle / 2).min(Duration::from_secs(60))
    }
}

/// A live session: its user, their roles, and the key of its CSRF tokens. Never the id.
#[derive(Debug, Clone)]
pub struct Session {
    /// The row's id (for revoking it), not the secret session id.
    pub id: i64,
    pub user: User,
    pub grants: Vec<Grant>,
    /// 64 hexadecimal digits: the key the session's CSRF tokens are an HMAC with.
    pub csrf_secret: String,
    pub created_at: String,
    pub last_seen_at: String,
    pub expires_at: String,
}

/// A session just created: the id goes into the cookie and is never stored.
#[derive(Debug)]
pub struct NewSession {
    pub id: String,
    pub session: Session,
}

fn later(t: OffsetDateTime, d: Duration) -> OffsetDateTime {
    t + time::Duration::try_from(d).unwrap_or(time::Duration::MAX)
}

fn earlier(t: OffsetDateTime, d: Duration) -> OffsetDateTime {
    t - time::Duration::try_from(d).unwrap_or(time::Duration::MAX)
}

/// A row of `web_session` joined with its user's login and state.
type SessionRow = (
    i64,
    i64,
    String,
    bool,
    String,
    String,
    String,
    String,
    Option<String>,
);

impl Db {
    /// Starts a session for `user` (whose password was just checked) and returns the id for
    /// the cookie. Always a new id: a session is never carried over from before sign-in.
    pub async fn create_session(
        &self,
        user: &User,
        client: Option<&str>,
        policy: &SessionPolicy,
        now: OffsetDateTime,
    ) -> Result<NewSession, StoreError> {
        let id = random_hex()?;
        let csrf_secret = random_hex()?;
        let created_at = format_time(now);
        let expires_at = format_time(later(now, policy.absolute));
        let row: i64 = with_pool!(self, p => {
            sqlx::query_scalar(
                "INSERT INTO web_session (session_sha256, user_id, csrf_secret, client, created_at, last_seen_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5, $5, $6) RETURNING id",
            )
            .bind(sha256_hex(id.as_bytes()))
            .bind(user.id)
            .bind(&csrf_secret)
            .bind(client)
            .bind(&created_at)
            .bind(&expires_at)
            .fetch_one(p)
            .await?
        });
        Ok(NewSession {
            id,
            session: Session {
                id: row,
                user: user.clone(),
                grants: self.grants(user.id).await?,
                csrf_secret,
                last_seen_at: created_at.clone(),
                created_at,
                expires_at,
            },
        })
    }

    /// The live session whose id is `id`, or `None` when there is none: unknown, revoked,
    /// idle too long, past its absolute limit, or its user disabled. A live session's
    /// `last_seen_at` is brought up to date when it is older than a minute (or half the idle
    /// timeout); the write is awaited, because the idle timeout is measured from it.
    pub async fn session(
        &self,
        id: &str,
        policy: &SessionPolicy,
        now: OffsetDateTime,
    ) -> Result<Option<Session>, StoreError> {
        let row: Option<SessionRow> = with_pool!(self, p => {
            sqlx::query_as(
                "SELECT s.id, s.user_id, u.login, u.disabled, s.csrf_secret, s.created_at, s.last_seen_at, s.expires_at, s.revoked_at \
                 FROM web_session s JOIN app_user u ON u.id = s.user_id WHERE s.session_sha256 = $1",
            )
            .bind(sha256_hex(id.as_bytes()))
            .fetch_optional(p)
            .await?
        });
        let Some((
            row_id,
            _,
            login,
            disabled,
            csrf_secret,
            created_at,
            last_seen_at,
            expires_at,
            revoked_at,
        )) = row
        else {
            return Ok(None);
        };
        let now_text = format_time(now);
        let idle_since = format_time(earlier(now, policy.idle));
        if disabled || revoked_at.is_some() || expires_at <= now_text || last_seen_at <= idle_since
        {
            return Ok(None);
        }
        let Some(user) = self.user(&login).await? else {
            return Ok(None);
        };
        let mut last_seen_at = last_seen_at;
        if last_seen_at < format_time(earlier(now, policy.touch_every())) {
            with_pool!(self, p => {
                sqlx::query("UPDATE web_session SET last_seen_at = $1 WHERE id = $2")
                    .bind(&now_text)
                    .bind(row_id)
                    .execute(p)
                    .await?;
            });
            last_seen_at = now_text;
        }
        Ok(Some(Session {
            id: row_id,
            grants: self.grants(user.id).await?,
            user,
            csrf_secret,
            created_at,
            last_seen_at,
            expires_at,
        }))
    }

    /// Ends one session (sign-out), audited as `logout`. Ending an ended session changes
    /// nothing and is not an error: a second click on "Sign out" must not fail.
    pub async fn revoke_session(
        &self,
        id: i64,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        with_pool!(self, p => {
            let mut tx = p.begin_accounts().await?;
            let ended = sqlx::query("UPDATE web_session SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
                .bind(format_time(now))
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if ended > 0 {
                insert_audit!(&mut *tx, actor, "logout", Some(&format!("session:{id}")),
                    &serde_json::Value::Object(Default::default()))?;
            }
            tx.commit().await?;
        });
        Ok(())
    }
}
