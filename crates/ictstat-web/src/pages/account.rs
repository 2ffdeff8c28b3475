//! Signing in and out, and the signed-in user's own page: who they are, their roles, their API
//! tokens. What a session is and how requests are checked is `ictstat_server::session`'s; these
//! handlers only render its outcomes. Every form that changes state is read through
//! [`SessionForm`], which refuses it (403, nothing changed) without this session's CSRF token.

use axum::Form;
use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use ictstat_server::ApiError;
use ictstat_server::session::{self, ClientAddress, SessionForm, SignIn, WebSession};
use ictstat_store::accounts::{NewToken, Role, Scope, Token};
use maud::{Markup, html};

use crate::ctx::Ctx;
use crate::layout::{self, csrf_field};
use crate::private::{private, refused, sign_in_first};

/// The sign-in form, with a message above it when a previous attempt failed.
fn signin_page(
    ctx: &Ctx,
    status: StatusCode,
    message: Option<&str>,
    extra: Vec<(header::HeaderName, HeaderValue)>,
    csrf: &str,
) -> Response {
    let body = html! {
        @if let Some(m) = message {
            p.error role="alert" { (m) }
        }
        form.signin action=(ctx.link("/signin")) method="post" {
            (csrf_field(csrf))
            label for="login" { (ctx.t("account.login")) }
            input #login name="login" autocomplete="username" required;
            label for="password" { (ctx.t("account.password")) }
            input #password type="password" name="password" autocomplete="current-password" required;
            button type="submit" { (ctx.t("account.sign_in")) }
        }
    };
    private(
        status,
        layout::page(ctx, ctx.t("account.sign_in"), body),
        extra,
    )
}

/// Renders the sign-in form with a pre-session token (setting its cookie when new).
fn signin_form(
    ctx: &Ctx,
    headers: &HeaderMap,
    status: StatusCode,
    message: Option<&str>,
    mut extra: Vec<(header::HeaderName, HeaderValue)>,
) -> Response {
    match session::presession(&ctx.state, headers) {
        Ok(pre) => {
            extra.extend(pre.set_cookie.map(|c| (header::SET_COOKIE, c)));
            signin_page(ctx, status, message, extra, &pre.csrf_token)
        }
        Err(e) => e.into_response(),
    }
}

/// `GET /signin`.
pub async fn signin(ctx: Ctx, headers: HeaderMap) -> Response {
    if ctx.session.is_some() {
        return Redirect::to(&ctx.link("/account")).into_response();
    }
    signin_form(&ctx, &headers, StatusCode::OK, None, Vec::new())
}

#[derive(serde::Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf: Option<String>,
}

/// `POST /signin`: a wrong login and a wrong password get the same answer.
pub async fn signin_post(
    ctx: Ctx,
    ClientAddress(client): ClientAddress,
    headers: HeaderMap,
    Form(form): Form<SignInForm>,
) -> Response {
    let outcome = session::sign_in(
        &ctx.state,
        &headers,
        client,
        &form.login,
        &form.password,
        form.csrf.as_deref(),
    )
    .await;
    match outcome {
        Ok(SignIn::SignedIn(cookies)) => {
            let mut response = Redirect::to(&ctx.link("/account")).into_response();
            for c in cookies {
                response.headers_mut().append(header::SET_COOKIE, c);
            }
            response
        }
        Ok(SignIn::Refused) => signin_form(
            &ctx,
            &headers,
            StatusCode::UNAUTHORIZED,
            Some(ctx.t("account.wrong")),
            Vec::new(),
        ),
        Ok(SignIn::Throttled(wait)) => {
            let seconds = wait.as_secs().max(1);
            let message = ctx.f("account.throttled", &[("seconds", &seconds)]);
            signin_form(
                &ctx,
                &headers,
                StatusCode::TOO_MANY_REQUESTS,
                Some(&message),
                vec![(header::RETRY_AFTER, HeaderValue::from(seconds))],
            )
        }
        Ok(SignIn::Busy(wait)) => {
            let seconds = wait.as_secs().max(1);
            let message = ctx.f("account.busy", &[("seconds", &seconds)]);
            signin_form(
                &ctx,
                &headers,
                StatusCode::SERVICE_UNAVAILABLE,
                Some(&message),
                vec![(header::RETRY_AFTER, HeaderValue::from(seconds))],
            )
        }
        Err(e) if e.status == StatusCode::FORBIDDEN => signin_form(
            &ctx,
            &headers,
            StatusCode::FORBIDDEN,
            Some(ctx.t("account.csrf")),
            Vec::new(),
        ),
        Err(e) => e.into_response(),
    }
}

/// `POST /signout`.
pub async fn signout(ctx: Ctx, form: Result<SessionForm, ApiError>) -> Response {
    let form = match form {
        Ok(form) => form,
        Err(e) => return refused(&ctx, e),
    };
    match session::sign_out(&ctx.state, &form.headers, &form.session, form.client).await {
        Ok(cookie) => {
            ([(header::SET_COOKIE, cookie)], Redirect::to(&ctx.link("/"))).into_response()
        }
        Err(e) => e.into_response(),
    }
}

/// `GET /account`: who the signed-in user is, their roles and their tokens.
pub async fn page(ctx: Ctx) -> Response {
    match &ctx.session {
        Some(s) => account_page(&ctx, s, StatusCode::OK, None, None).await,
        None => sign_in_first(&ctx),
    }
}

async fn account_page(
    ctx: &Ctx,
    s: &WebSession,
    status: StatusCode,
    created: Option<&NewToken>,
    problem: Option<&str>,
) -> Response {
    let user = &s.session.user;
    let tokens = match ctx.state.db.tokens(Some(&user.login)).await {
        Ok(t) => t,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let administrator = s
        .session
        .grants
        .iter()
        .any(|g| g.role == Role::Administrator);
    let body = html! {
        dl {
            dt { (ctx.t("account.login")) } dd { (user.login) }
            dt { (ctx.t("account.name")) } dd { (user.display_name) }
            dt { (ctx.t("account.organisation")) } dd { (user.organisation) }
        }
        h2 { (ctx.t("account.roles")) }
        ul {
            @for g in &s.session.grants {
                li {
                    (g.role.as_str())
                    @if let Some(i) = &g.indicator { " · " (i) }
                    @if let Some(a) = &g.area { " · " (ctx.area_name_of(a)) }
                }
            }
        }
        h2 { (ctx.t("account.tokens")) }
        @if let Some(new) = created {
            p role="status" { (ctx.f("account.token_created", &[("name", &new.token.name)])) }
            p.secret { code { (new.secret) } }
        }
        @if let Some(p) = problem {
            p.error role="alert" { (p) }
        }
        @if tokens.is_empty() {
            p { (ctx.t("account.no_tokens")) }
        } @else {
            table {
                thead { tr {
                    th { (ctx.t("account.token_name")) } th { (ctx.t("account.scopes")) }
                    th { (ctx.t("account.created")) } th { (ctx.t("account.expires")) }
                    th { (ctx.t("account.last_used")) } th {}
                } }
                tbody {
                    @for t in &tokens { (token_row(ctx, s, t)) }
                }
            }
        }
        h3 { (ctx.t("account.create_token")) }
        form action=(ctx.link("/account/tokens")) method="post" {
            (csrf_field(&s.csrf_token))
            p {
                label for="token-name" { (ctx.t("account.token_name")) " " }
                input #token-name name="name" required;
            }
            fieldset {
                legend { (ctx.t("account.scopes")) }
                @for scope in Scope::ALL {
                    @if *scope != Scope::Admin || administrator {
                        label { input type="checkbox" name="scope" value=(scope.as_str()) checked[*scope == Scope::Read]; " " (scope.as_str()) } " "
                    }
                }
            }
            p {
                label for="token-expiry" { (ctx.t("account.expires_in")) " " }
                select #token-expiry name="expires_in_days" {
                    @for days in [30, 90, 365] {
                        option value=(days) selected[days == 90] { (ctx.f("account.days", &[("n", &days)])) }
                    }
                    option value="" { (ctx.t("account.never")) }
                }
            }
            button type="submit" { (ctx.t("account.create")) }
        }
    };
    private(
        status,
        layout::page(ctx, ctx.t("account.title"), body),
        Vec::new(),
    )
}

fn token_row(ctx: &Ctx, s: &WebSession, t: &Token) -> Markup {
    let never = ctx.t("account.never");
    let date = |d: &Option<String>| {
        d.as_deref()
            .map_or(never.to_string(), |d| d.chars().take(10).collect())
    };
    html! {
        tr {
            td { (t.name) }
            td { (t.scopes.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")) }
            td { (t.created_at.chars().take(10).collect::<String>()) }
            td { (date(&t.expires_at)) }
            td { (date(&t.last_used_at)) }
            td {
                @if t.revoked_at.is_some() {
                    (ctx.t("account.revoked"))
                } @else {
                    form action=(ctx.link(&format!("/account/tokens/{}/revoke", t.id))) method="post" {
                        (csrf_field(&s.csrf_token))
                        button type="submit" { (ctx.t("account.revoke")) }
                    }
                }
            }
        }
    }
}

/// `POST /account/tokens`: creates a token of the signed-in user and shows it, once.
pub async fn create_token(ctx: Ctx, form: Result<SessionForm, ApiError>) -> Response {
    let form = match form {
        Ok(form) => form,
        Err(e) => return refused(&ctx, e),
    };
    let s = &form.session;
    let administrator = s
        .session
        .grants
        .iter()
        .any(|g| g.role == Role::Administrator);
    let scopes: Result<Vec<Scope>, _> = form.values("scope").map(str::parse).collect();
    let scopes = match scopes {
        Ok(scopes) if administrator || !scopes.contains(&Scope::Admin) => scopes,
        _ => {
            return account_page(
                &ctx,
                s,
                StatusCode::BAD_REQUEST,
                None,
                Some(ctx.t("account.bad_scopes")),
            )
            .await;
        }
    };
    let expires_at = form
        .field("expires_in_days")
        .and_then(|d| d.parse::<u64>().ok())
        .filter(|d| (1..=3650).contains(d))
        .map(|d| ictstat_store::time_after(std::time::Duration::from_secs(d * 86_400)));
    let name = form.field("name").unwrap_or("").trim();
    let actor = form.caller().actor;
    match ctx
        .state
        .db
        .create_token(&s.session.user.login, name, &scopes, expires_at, &actor)
        .await
    {
        Ok(new) => account_page(&ctx, s, StatusCode::OK, Some(&new), None).await,
        Err(ictstat_store::StoreError::Invalid(m)) => {
            account_page(&ctx, s, StatusCode::BAD_REQUEST, None, Some(&m)).await
        }
        Err(e) => ApiError::from(e).into_response(),
    }
}

/// `POST /account/tokens/{id}/revoke`: revokes one of the signed-in user's own tokens.
pub async fn revoke_token(
    ctx: Ctx,
    Path(id): Path<i64>,
    form: Result<SessionForm, ApiError>,
) -> Response {
    let form = match form {
        Ok(form) => form,
        Err(e) => return refused(&ctx, e),
    };
    let login = &form.session.session.user.login;
    let own = match ctx.state.db.tokens(Some(login)).await {
        Ok(tokens) => tokens.iter().any(|t| t.id == id && t.revoked_at.is_none()),
        Err(e) => return ApiError::from(e).into_response(),
    };
    if !own {
        return crate::error::render(
            &ctx,
            &crate::error::PageError::NotFound(ctx.t("account.no_such_token").to_string()),
        );
    }
    match ctx.state.db.revoke_token(id, &form.caller().actor).await {
        Ok(_) => Redirect::to(&ctx.link("/account")).into_response(),
        Err(e) => ApiError::from(e).into_response(),
    }
}
