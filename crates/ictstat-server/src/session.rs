//! Signing in on the web: session cookies, CSRF protection and the sign-in rate limit.
//!
//! The web pages render in `ictstat-web`; what decides who is signed in lives here, beside the
//! bearer-token [`Caller`], so that a session and a token grant the same things by the same
//! checks.
//!
//! - **Session cookie** `ictstat_session`: a random 32-byte id whose SHA-256 is the store's
//!   row ([`ictstat_store::sessions`]); `HttpOnly` (no script can read it), `SameSite=Lax`
//!   (other sites' forms do not carry it), `Path=/`, and `Secure` when configured or when the
//!   request came over HTTPS. Signing in always issues a new id and ends any session the
//!   browser sent along, so that an id planted before sign-in is never promoted (session
//!   fixation).
//! - **CSRF**: a cookie is ambient (the browser sends it whoever made the page), so every
//!   state-changing request authenticated by it must carry the session's CSRF token (form field
//!   `csrf` or header `X-CSRF-Token`: an HMAC-SHA256 under the session's own key, compared in
//!   constant time) and, when the browser says where it comes from (`Origin`, else `Referer`),
//!   come from this origin. Bearer tokens are not ambient and need neither.
//! - **Before sign-in** there is no session to bind a token to: the sign-in form carries an
//!   HMAC, under a key of this process, of a random `ictstat_presession` cookie (a signed
//!   double-submit cookie), so that another site cannot sign a browser in to its own account.
//! - **Rate limit**: failed sign-ins are counted per login and per client address; past the
//!   limit the answer is 429 with `Retry-After` until the window ends, whether the password is
//!   right or not. A successful sign-in clears its login's count. Each attempt is counted
//!   before its password is checked, and checks run at most one per core at a time.

use std::net::IpAddr;
use std::time::Duration;

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use hmac::{Hmac, KeyInit, Mac};
use ictstat_store::accounts::{Actor, Role, Scope};
use ictstat_store::sessions::{Session, SessionPolicy};
use sha2::Sha256;
use time::OffsetDateTime;

use crate::error::ApiError;
use crate::routes::Caller;
use crate::state::{AppState, FailureLimiter, parse_sha256_hex};

pub const SESSION_COOKIE: &str = "ictstat_session";
pub const PRESESSION_COOKIE: &str = "ictstat_presession";
/// The form field of CSRF tokens.
pub const CSRF_FIELD: &str = "csrf";
/// The header of CSRF tokens, for requests that are not form posts.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// How sessions and sign-ins behave.
#[derive(Debug, Clone)]
pub struct SessionConfig {
    pub policy: SessionPolicy,
    /// Mark cookies `Secure` even when the request does not say it came over HTTPS (set it
    /// behind a TLS-terminating proxy that does not send `X-Forwarded-Proto`).
    pub secure_cookies: bool,
    /// Failed sign-ins allowed per login, and per client address, in `login_window`.
    pub failures_per_login: u32,
    pub failures_per_address: u32,
    pub login_window: Duration,
}

impl Default for SessionConfig {
    fn default() -> Self {
        SessionConfig {
            policy: SessionPolicy::default(),
            secure_cookies: false,
            failures_per_login: 5,
            failures_per_address: 20,
            login_window: Duration::from_secs(15 * 60),
        }
    }
}

/// What sessions need beyond the database: their settings, the sign-in failure counts, and
/// the key that signs pre-session CSRF tokens (random per process: a restart only means
/// reloading the sign-in form).
#[derive(Debug)]
pub struct Sessions {
    pub config: SessionConfig,
    by_login: FailureLimiter,
    by_address: FailureLimiter,
    /// Permits to run a password check: an Argon2 verification takes 19 MiB and tens of
    /// milliseconds of a core, so at most one per core runs at a time whatever arrives.
    verifiers: tokio::sync::Semaphore,
    presession_key: [u8; 32],
}

impl Sessions {
    pub fn new(config: SessionConfig) -> Sessions {
        let mut presession_key = [0u8; 32];
        getrandom::fill(&mut presession_key).expect("the OS random source works");
        Sessions {
            by_login: FailureLimiter::new(config.failures_per_login, config.login_window),
            by_address: FailureLimiter::new(config.failures_per_address, config.login_window),
            verifiers: tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(1, std::num::NonZero::get),
            ),
            config,
            presession_key,
        }
    }
}

impl Default for Sessions {
    fn default() -> Self {
        Sessions::new(SessionConfig::default())
    }
}

/// The signed-in user of a request, and the CSRF token its forms must carry.
#[derive(Debug, Clone)]
pub struct WebSession {
    pub session: Session,
    pub csrf_token: String,
}

impl WebSession {
    /// The session as a caller of the API's role checks: `read` and `submit`, and `admin` for
    /// administrators (a person signed in holds what their roles allow; the scopes of a token
    /// exist to narrow what a program may do).
    pub fn caller(&self, client: Option<IpAddr>) -> Caller {
        let user = &self.session.user;
        let mut scopes = vec![Scope::Read, Scope::Submit];
        if self
            .session
            .grants
            .iter()
            .any(|g| g.role == Role::Administrator)
        {
            scopes.push(Scope::Admin);
        }
        Caller {
            actor: actor(&self.session, client),
            user: Some(user.clone()),
            token: None,
            grants: self.session.grants.clone(),
            scopes,
        }
    }
}

fn actor(session: &Session, client: Option<IpAddr>) -> Actor {
    Actor {
        user_id: Some(session.user.id),
        name: Some(session.user.login.clone()),
        client: client.map(|ip| ip.to_string()),
    }
}

type HmacSha256 = Hmac<Sha256>;

fn mac(key: &[u8], message: &[u8]) -> HmacSha256 {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(message);
    mac
}

/// What the CSRF tokens of a session, or of a pre-session, are an HMAC of: a fixed label, so
/// that the token is not the key.
const CSRF_LABEL: &[u8] = b"ictstat csrf v1";

fn csrf_token(key: &[u8]) -> String {
    ictstat_store::accounts::hex(&mac(key, CSRF_LABEL).finalize().into_bytes())
}

/// True when `presented` is the token of `key`, compared in constant time.
fn csrf_matches(key: &[u8], presented: Option<&str>) -> bool {
    presented
        .and_then(parse_sha256_hex)
        .is_some_and(|bytes| mac(key, CSRF_LABEL).verify_slice(&bytes).is_ok())
}

/// The value of cookie `name`, from every `Cookie` header of the request.
fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim())
        // Ids are 64 hexadecimal digits; anything else is not worth a database query.
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// True when the request carries a session cookie at all (valid or not).
pub(crate) fn has_session_cookie(headers: &HeaderMap) -> bool {
    cookie(headers, SESSION_COOKIE).is_some()
}

/// The live session of the request's cookie, if any.
pub async fn current(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<WebSession>, ApiError> {
    let Some(id) = cookie(headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    let session = state
        .db
        .session(id, &state.sessions.config.policy, OffsetDateTime::now_utc())
        .await?;
    Ok(session.map(|session| WebSession {
        csrf_token: csrf_token(session.csrf_secret.as_bytes()),
        session,
    }))
}

/// True unless the browser says the request comes from another origin: `Origin` (or, without
/// it, `Referer`) must name the scheme-less authority the request was sent to: the
/// `X-Forwarded-Host` of a reverse proxy that rewrites `Host`, else `Host` (another site's page
/// cannot set either: a browser sends `Host` itself, and a custom header across origins needs
/// CORS, which this server never grants). A request that says nothing passes: the CSRF token
/// is the check that always applies.
fn same_origin(headers: &HeaderMap) -> bool {
    let claimed = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER));
    let Some(claimed) = claimed else {
        return true;
    };
    let authority = claimed
        .to_str()
        .ok()
        .and_then(|v| v.split_once("://"))
        .map(|(_, rest)| rest.split(['/', '?', '#']).next().unwrap_or(""));
    let host = headers
        .get("x-forwarded-host")
        .or_else(|| headers.get(header::HOST))
        .and_then(|v| v.to_str().ok())
        .map(|h| h.split(',').next().unwrap_or("").trim());
    matches!((authority, host), (Some(a), Some(h)) if !a.is_empty() && a.eq_ignore_ascii_case(h))
}

/// Why a state-changing request authenticated by the session cookie was refused.
fn csrf_refused(message: &str) -> ApiError {
    ApiError::forbidden(format!(
        "{message}; nothing was changed. Reload the page and try again."
    ))
}

/// Checks a state-changing request against its session: same origin, and the CSRF token.
fn check_csrf(
    session: &WebSession,
    headers: &HeaderMap,
    presented: Option<&str>,
) -> Result<(), ApiError> {
    if !same_origin(headers) {
        return Err(csrf_refused("this request comes from another site"));
    }
    if !csrf_matches(session.session.csrf_secret.as_bytes(), presented) {
        return Err(csrf_refused("this request lacks this session's CSRF token"));
    }
    Ok(())
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// The [`Caller`] of a request without `Authorization`: its session, with the CSRF checks of
/// a state-changing request (the token comes in the `X-CSRF-Token` header here: the body is
/// not read before the caller is known). `Ok(None)` when there is no session cookie.
pub(crate) async fn session_caller(
    parts: &Parts,
    state: &AppState,
    client: Option<IpAddr>,
) -> Result<Option<Caller>, ApiError> {
    if !has_session_cookie(&parts.headers) {
        return Ok(None);
    }
    let Some(session) = current(state, &parts.headers).await? else {
        return Err(ApiError::new(
            axum::http::StatusCode::UNAUTHORIZED,
            "unauthorized",
            "your session has ended; sign in again",
        ));
    };
    if !is_safe(&parts.method) {
        let presented = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
        check_csrf(&session, &parts.headers, presented)?;
    }
    Ok(Some(session.caller(client)))
}

/// A `Set-Cookie` value with the attributes every cookie of ours has; `max_age` zero deletes.
fn set_cookie(
    state: &AppState,
    headers: &HeaderMap,
    name: &str,
    value: &str,
    max_age: Option<u64>,
) -> HeaderValue {
    let over_https = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("https"));
    let mut text = format!("{name}={value}; HttpOnly; SameSite=Lax; Path=/");
    if state.sessions.config.secure_cookies || over_https {
        text.push_str("; Secure");
    }
    if let Some(age) = max_age {
        text.push_str(&format!("; Max-Age={age}"));
    }
    HeaderValue::from_str(&text).expect("cookie names and values are ASCII")
}

/// The sign-in form's CSRF token, and the cookie to set when the browser has none yet.
pub struct PreSession {
    pub csrf_token: String,
    pub set_cookie: Option<HeaderValue>,
}

/// The pre-session of a request that shows the sign-in form.
pub fn presession(state: &AppState, headers: &HeaderMap) -> Result<PreSession, ApiError> {
    let (value, set_cookie) = match cookie(headers, PRESESSION_COOKIE) {
        Some(v) => (v.to_string(), None),
        None => {
            let v = ictstat_store::accounts::random_hex()?;
            let c = set_cookie(state, headers, PRESESSION_COOKIE, &v, None);
            (v, Some(c))
        }
    };
    Ok(PreSession {
        csrf_token: csrf_token(&presession_key(state, &value)),
        set_cookie,
    })
}

/// The key of a pre-session's CSRF token: bound to this process's key and the cookie.
fn presession_key(state: &AppState, cookie_value: &str) -> Vec<u8> {
    mac(&state.sessions.presession_key, cookie_value.as_bytes())
        .finalize()
        .into_bytes()
        .to_vec()
}

/// What a sign-in attempt came to.
pub enum SignIn {
    /// Signed in: the cookies to set (the new session; the pre-session deleted).
    SignedIn(Vec<HeaderValue>),
    /// Wrong login or password (the same answer for both).
    Refused,
    /// Too many failures: try again after this long.
    Throttled(Duration),
    /// Every password check is busy: try again after this long (nothing was counted).
    Busy(Duration),
}

/// How long a sign-in waits for a free password check before it is answered
/// [`SignIn::Busy`]: long enough to ride out a burst of honest sign-ins, short enough that a
/// flood does not pile up waiting requests.
const VERIFY_QUEUE_WAIT: Duration = Duration::from_secs(2);
/// The `Retry-After` of [`SignIn::Busy`].
const VERIFY_RETRY_AFTER: Duration = Duration::from_secs(5);

/// Handles a sign-in form: origin and pre-session token first (403 otherwise), then the
/// login's shape (anything no user can have is refused at once), the rate limit, a free
/// password check, the password, and a new session. A session cookie sent along is ended,
/// whatever it is: it is never the one the browser gets back.
pub async fn sign_in(
    state: &AppState,
    headers: &HeaderMap,
    client: Option<IpAddr>,
    login: &str,
    password: &str,
    csrf: Option<&str>,
) -> Result<SignIn, ApiError> {
    if !same_origin(headers) {
        return Err(csrf_refused("this sign-in comes from another site"));
    }
    let presession_ok = cookie(headers, PRESESSION_COOKIE)
        .is_some_and(|v| csrf_matches(&presession_key(state, v), csrf));
    if !presession_ok {
        return Err(csrf_refused(
            "this sign-in form has expired or comes from elsewhere",
        ));
    }
    let login = login.trim();
    // Nobody can have any other login: refuse it before it is counted, audited or hashed,
    // so that outside text never reaches the audit log or the limiter's memory.
    if !ictstat_store::accounts::is_valid_login(login) {
        return Ok(SignIn::Refused);
    }
    let login_key = login.to_lowercase();
    let address_key = crate::routes::limit_key(client);
    let client_text = client.map(|ip| ip.to_string());
    let limits = &state.sessions;
    // Reserved (counted as failed) before the password is checked, so that concurrent
    // attempts cannot all pass the limit before any of them is counted.
    let reserved = limits.by_login.reserve(&login_key).and_then(|()| {
        limits.by_address.reserve(&address_key).inspect_err(|_| {
            limits.by_login.release(&login_key);
        })
    });
    if let Err(throttled) = reserved {
        if throttled.first {
            let actor = Actor {
                user_id: None,
                name: None,
                client: client_text,
            };
            state
                .db
                .audit(
                    &actor,
                    "login_throttled",
                    Some(&format!("user:{login}")),
                    &serde_json::json!({ "retry_after_s": throttled.wait.as_secs().max(1) }),
                )
                .await?;
        }
        return Ok(SignIn::Throttled(throttled.wait));
    }
    let permit = tokio::time::timeout(VERIFY_QUEUE_WAIT, limits.verifiers.acquire()).await;
    let Ok(Ok(_permit)) = permit else {
        limits.by_login.release(&login_key);
        limits.by_address.release(&address_key);
        return Ok(SignIn::Busy(VERIFY_RETRY_AFTER));
    };
    let user = state
        .db
        .authenticate_password(login, password, client_text.as_deref())
        .await?;
    let Some(user) = user else {
        return Ok(SignIn::Refused);
    };
    limits.by_address.release(&address_key);
    limits.by_login.reset(&login_key);
    let now = OffsetDateTime::now_utc();
    if let Some(old) = current(state, headers).await? {
        state
            .db
            .revoke_session(old.session.id, &actor(&old.session, client), now)
            .await?;
    }
    let new = state
        .db
        .create_session(&user, client_text.as_deref(), &limits.config.policy, now)
        .await?;
    Ok(SignIn::SignedIn(vec![
        set_cookie(state, headers, SESSION_COOKIE, &new.id, None),
        set_cookie(state, headers, PRESESSION_COOKIE, "", Some(0)),
    ]))
}

/// Ends the session and returns the cookie that deletes it from the browser.
pub async fn sign_out(
    state: &AppState,
    headers: &HeaderMap,
    session: &WebSession,
    client: Option<IpAddr>,
) -> Result<HeaderValue, ApiError> {
    state
        .db
        .revoke_session(
            session.session.id,
            &actor(&session.session, client),
            OffsetDateTime::now_utc(),
        )
        .await?;
    Ok(set_cookie(state, headers, SESSION_COOKIE, "", Some(0)))
}

/// The client's address (without the port), when the server runs with connection information.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddress(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddress(crate::routes::client_address(parts)))
    }
}

/// A form posted by a signed-in user: the only way a handler gets a session together with a
/// form body, so that no form handler can forget the CSRF check. Refuses with 401 without a
/// live session and 403 when the origin or the CSRF token is wrong, before the handler runs.
/// (File uploads come as [`SessionUpload`].)
pub struct SessionForm {
    pub session: WebSession,
    pub client: Option<IpAddr>,
    pub headers: HeaderMap,
    /// The form's fields in order, `csrf` included (checkboxes repeat a name).
    pub fields: Vec<(String, String)>,
}

impl SessionForm {
    /// The first value of field `name`.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of field `name`.
    pub fn values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> {
        self.fields
            .iter()
            .filter(move |(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn caller(&self) -> Caller {
        self.session.caller(self.client)
    }
}

/// The live session of a request that posts a form: 401 without one.
async fn signed_in(state: &AppState, parts: &Parts) -> Result<WebSession, ApiError> {
    current(state, &parts.headers).await?.ok_or_else(|| {
        ApiError::new(
            axum::http::StatusCode::UNAUTHORIZED,
            "unauthorized",
            "you are not signed in (or your session has ended); sign in again",
        )
    })
}

/// The CSRF token of the `X-CSRF-Token` header, for scripts that post forms.
fn header_token(headers: &HeaderMap) -> Option<&str> {
    headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok())
}

impl FromRequest<AppState> for SessionForm {
    /// The web renders it as a page: take `Result<SessionForm, ApiError>` in the handler.
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (parts, body) = req.into_parts();
        let client = crate::routes::client_address(&parts);
        let session = signed_in(state, &parts).await?;
        let headers = parts.headers.clone();
        let req = Request::from_parts(parts, body);
        let axum::Form(fields) = axum::Form::<Vec<(String, String)>>::from_request(req, state)
            .await
            .map_err(|e| ApiError::new(e.status(), "bad-request", e.body_text()))?;
        let form = SessionForm {
            session,
            client,
            headers,
            fields,
        };
        check_csrf(
            &form.session,
            &form.headers,
            form.field(CSRF_FIELD).or(header_token(&form.headers)),
        )?;
        Ok(form)
    }
}

/// A file of a [`SessionUpload`].
#[derive(Debug, Clone)]
pub struct UploadedFile {
    /// The form field it came in.
    pub field: String,
    /// The name the browser gave it (its name on the user's disk; some browsers send folders).
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// A `multipart/form-data` form posted by a signed-in user (a file upload), with the checks of
/// [`SessionForm`]: 401 without a live session and 403 when the origin or the CSRF token is
/// wrong, before the handler runs. The body is bounded by the server's upload limit
/// (`ServerConfig::max_upload_bytes`, as the API's uploads are: 413 past it).
///
/// The CSRF token must come before the first file, as the dashboard's forms put it (a browser
/// sends fields in the form's order), so that a forged upload is refused before its file is
/// read; a token in `X-CSRF-Token` serves too. A form without a file is checked once read.
pub struct SessionUpload {
    /// The session and the form's text fields.
    pub form: SessionForm,
    pub files: Vec<UploadedFile>,
}

/// A multipart body that cannot be read, as the API's error (413 past the upload limit).
fn multipart_error(state: &AppState, status: axum::http::StatusCode, text: String) -> ApiError {
    if status == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::new(
            status,
            "payload-too-large",
            format!(
                "{text} (the limit is {} bytes)",
                state.config.max_upload_bytes
            ),
        )
    } else {
        ApiError::new(status, "bad-request", text)
    }
}

impl FromRequest<AppState> for SessionUpload {
    /// The web renders it as a page: take `Result<SessionUpload, ApiError>` in the handler.
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (parts, body) = req.into_parts();
        let client = crate::routes::client_address(&parts);
        let session = signed_in(state, &parts).await?;
        let headers = parts.headers.clone();
        let mut req = Request::from_parts(parts, body);
        axum::extract::DefaultBodyLimit::max(state.config.max_upload_bytes).apply(&mut req);
        let mut multipart = axum::extract::Multipart::from_request(req, state)
            .await
            .map_err(|e| multipart_error(state, e.status(), e.body_text()))?;
        let mut fields: Vec<(String, String)> = Vec::new();
        let mut files = Vec::new();
        let mut checked = false;
        let check = |fields: &[(String, String)]| {
            let presented = fields
                .iter()
                .find(|(k, _)| k == CSRF_FIELD)
                .map(|(_, v)| v.as_str())
                .or(header_token(&headers));
            check_csrf(&session, &headers, presented)
        };
        let unreadable = |e: axum::extract::multipart::MultipartError| {
            multipart_error(state, e.status(), e.body_text())
        };
        while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
            let name = field.name().unwrap_or_default().to_string();
            match field.file_name().map(str::to_string) {
                Some(file_name) => {
                    if !checked {
                        check(&fields)?;
                        checked = true;
                    }
                    let bytes = field.bytes().await.map_err(unreadable)?.to_vec();
                    files.push(UploadedFile {
                        field: name,
                        file_name,
                        bytes,
                    });
                }
                None => {
                    let text = field.text().await.map_err(unreadable)?;
                    fields.push((name, text));
                }
            }
        }
        if !checked {
            check(&fields)?;
        }
        Ok(SessionUpload {
            form: SessionForm {
                session,
                client,
                headers,
                fields,
            },
            files,
        })
    }
}
