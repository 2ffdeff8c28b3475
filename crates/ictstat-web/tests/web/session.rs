//! Signing in on the web, on every backend: the cookie's attributes, the id stored hashed,
//! session fixation, CSRF, sign-out, idle and absolute expiry, the sign-in rate limit, the
//! session as a credential of the API's role checks, and no secret in the logs.

use std::net::SocketAddr;
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, StatusCode, header};
use ictstat_server::session::SessionConfig;
use ictstat_store::Db;
use ictstat_store::accounts::{Role, sha256_hex};
use ictstat_store::scratch::CapturedLog;
use ictstat_store::sessions::SessionPolicy;
use tower::ServiceExt;

use crate::common::{Answer, Browser, HOST, KENYA, PASSWORD, add_user, signin_form, sites};

/// The session ids' hashes as stored, and every text of the table.
async fn stored_sessions(db: &Db) -> (Vec<String>, String) {
    let sql = "SELECT session_sha256 || ' ' || csrf_secret || ' ' || COALESCE(client, '') FROM web_session";
    let rows: Vec<String> = match db {
        Db::Sqlite(p) => sqlx::query_scalar(sql).fetch_all(p).await.unwrap(),
        Db::Postgres(p) => sqlx::query_scalar(sql).fetch_all(p).await.unwrap(),
    };
    let hashes = rows
        .iter()
        .map(|r| r.split(' ').next().unwrap().to_string())
        .collect();
    (hashes, rows.join("\n"))
}

#[tokio::test]
async fn sign_in_issues_a_new_hashed_session_and_sign_out_ends_it() {
    let (states, scratch) = sites("websignin", SessionConfig::default()).await;
    for state in &states {
        add_user(&state.db, "alice", Role::Viewer).await;
        let mut browser = Browser::new(state);
        let anonymous = browser.get("/").await;
        assert!(anonymous.body.contains("href=\"/signin\""));

        // The sign-in form is open; meanwhile a session id gets planted in the browser (here
        // a valid one of the attacker's, the worst case).
        let csrf = browser.get("/signin").await.csrf();
        let alice = state.db.user("alice").await.unwrap().unwrap();
        let planted = state
            .db
            .create_session(
                &alice,
                None,
                &SessionPolicy::default(),
                time::OffsetDateTime::now_utc(),
            )
            .await
            .unwrap();
        browser
            .cookies
            .insert("ictstat_session".into(), planted.id.clone());

        let a = browser
            .post("/signin", &signin_form("alice", PASSWORD, &csrf))
            .await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
        assert_eq!(a.headers[header::LOCATION], "/account");
        let cookie = a
            .set_cookies()
            .into_iter()
            .find(|c| c.starts_with("ictstat_session="))
            .unwrap();
        for attribute in ["; HttpOnly", "; SameSite=Lax", "; Path=/"] {
            assert!(cookie.contains(attribute), "{cookie}");
        }
        assert!(
            !cookie.contains("Secure"),
            "plain HTTP, not configured: {cookie}"
        );
        let id = browser.session().unwrap();
        assert_ne!(id, planted.id, "the planted session was promoted");
        assert!(!browser.cookies.contains_key("ictstat_presession"));

        // Stored as its SHA-256, never as itself.
        let (hashes, text) = stored_sessions(&state.db).await;
        assert!(hashes.contains(&sha256_hex(id.as_bytes())));
        assert!(!text.contains(&id));

        // The new session works, the planted one does not.
        let page = browser.get("/account").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("alice") && page.body.contains("action=\"/signout\""));
        assert_eq!(page.headers[header::CACHE_CONTROL], "private, no-store");
        assert_eq!(browser.get("/api/v1/me").await.status, StatusCode::OK);
        let mut attacker = Browser::new(state);
        attacker
            .cookies
            .insert("ictstat_session".into(), planted.id.clone());
        assert_eq!(
            attacker.get("/api/v1/me").await.status,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(attacker.get("/account").await.status, StatusCode::SEE_OTHER);

        // Sign-out ends the session: the old cookie opens nothing any more.
        let csrf = page.csrf();
        let out = browser.post("/signout", &format!("csrf={csrf}")).await;
        assert_eq!(out.status, StatusCode::SEE_OTHER);
        assert!(browser.session().is_none(), "the cookie is deleted");
        let mut replay = Browser::new(state);
        replay.cookies.insert("ictstat_session".into(), id.clone());
        assert_eq!(
            replay.get("/api/v1/me").await.status,
            StatusCode::UNAUTHORIZED
        );
        let again = replay.get("/account").await;
        assert_eq!(again.headers[header::LOCATION], "/signin");
        let logouts = state
            .db
            .audit_entries(&ictstat_store::accounts::AuditQuery {
                action: Some("logout".into()),
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(
            logouts.len(),
            2,
            "the planted session and the signed-out one"
        );

        // Behind TLS the cookie is Secure.
        let mut tls = Browser::new(state);
        let csrf = tls.get("/signin").await.csrf();
        let a = tls
            .send(
                Method::POST,
                "/signin",
                &signin_form("alice", PASSWORD, &csrf),
                &[("x-forwarded-proto", "https")],
            )
            .await;
        assert!(
            a.set_cookies().iter().all(|c| c.contains("; Secure")),
            "{:?}",
            a.set_cookies()
        );
    }
    scratch.finish().await.unwrap();
}

#[tokio::test]
async fn state_changes_by_cookie_need_this_sessions_csrf_token_and_origin() {
    let (states, scratch) = sites("webcsrf", SessionConfig::default()).await;
    for state in &states {
        add_user(&state.db, "alice", Role::Administrator).await;
        add_user(&state.db, "bob", Role::Viewer).await;
        let mut alice = Browser::new(state);
        alice.sign_in("alice", PASSWORD).await;
        let csrf = alice.get("/account").await.csrf();
        let mut bob = Browser::new(state);
        bob.sign_in("bob", PASSWORD).await;
        let bobs = bob.get("/account").await.csrf();
        let tokens = || async { state.db.tokens(Some("alice")).await.unwrap().len() };

        let form = |csrf: &str| format!("name=nightly&scope=read&expires_in_days=30&csrf={csrf}");
        for (what, body, headers) in [
            ("no token", "name=nightly&scope=read".to_string(), vec![]),
            ("a wrong token", form(&"0".repeat(64)), vec![]),
            ("another session's token", form(&bobs), vec![]),
            (
                "a foreign Origin",
                form(&csrf),
                vec![("origin", "https://evil.example")],
            ),
            (
                "a foreign Referer",
                form(&csrf),
                vec![("referer", "https://evil.example/x")],
            ),
            ("a null Origin", form(&csrf), vec![("origin", "null")]),
        ] {
            let a = alice
                .send(Method::POST, "/account/tokens", &body, &headers)
                .await;
            assert_eq!(a.status, StatusCode::FORBIDDEN, "{what}: {}", a.body);
            assert!(a.body.contains("nothing was changed"), "{what}: {}", a.body);
            assert_eq!(tokens().await, 0, "{what}");
        }
        let a = alice
            .send(
                Method::POST,
                "/account/tokens",
                &form(&csrf),
                &[("origin", "http://ictstat.test")],
            )
            .await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.body);
        assert_eq!(tokens().await, 1);
        // Behind a proxy that rewrites Host, the public host is in X-Forwarded-Host.
        let headers = [
            ("origin", "https://stats.example"),
            ("x-forwarded-host", "stats.example"),
        ];
        let a = alice
            .send(Method::POST, "/account/tokens", &form(&csrf), &headers)
            .await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.body);
        assert_eq!(tokens().await, 2);
        let secret = a
            .body
            .split("<code>")
            .nth(1)
            .unwrap()
            .split("</code>")
            .next()
            .unwrap();
        assert!(
            secret.starts_with("ict_"),
            "the token is shown once: {secret}"
        );
        assert!(!alice.get("/account").await.body.contains(secret));

        // Revoking: CSRF-checked too, and only one's own tokens.
        let id = state.db.tokens(Some("alice")).await.unwrap()[0].id;
        let uri = format!("/account/tokens/{id}/revoke");
        assert_eq!(
            alice.post(&uri, "csrf=").await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            bob.post(&uri, &format!("csrf={bobs}")).await.status,
            StatusCode::NOT_FOUND
        );
        assert!(
            state.db.tokens(Some("alice")).await.unwrap()[0]
                .revoked_at
                .is_none()
        );
        assert_eq!(
            alice.post(&uri, &format!("csrf={csrf}")).await.status,
            StatusCode::SEE_OTHER
        );
        assert!(
            state.db.tokens(Some("alice")).await.unwrap()[0]
                .revoked_at
                .is_some()
        );

        // The API by cookie: the token in the X-CSRF-Token header.
        let import = "/api/v1/imports?file_name=kenya.csv&dry_run=true";
        let a = alice.send(Method::POST, import, KENYA, &[]).await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", a.body);
        let a = alice
            .send(Method::POST, import, KENYA, &[("x-csrf-token", &bobs)])
            .await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", a.body);
        let a = alice
            .send(Method::POST, import, KENYA, &[("x-csrf-token", &csrf)])
            .await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.body);

        // Signing out and signing in are protected too.
        assert_eq!(
            alice.post("/signout", "csrf=x").await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            alice.get("/api/v1/me").await.status,
            StatusCode::OK,
            "still signed in"
        );
        let mut stranger = Browser::new(state);
        let a = stranger
            .post("/signin", &signin_form("alice", PASSWORD, ""))
            .await;
        assert_eq!(a.status, StatusCode::FORBIDDEN);
        assert!(stranger.session().is_none());
        let csrf = stranger.get("/signin").await.csrf();
        let a = stranger
            .send(
                Method::POST,
                "/signin",
                &signin_form("alice", PASSWORD, &csrf),
                &[("origin", "https://evil.example")],
            )
            .await;
        assert_eq!(a.status, StatusCode::FORBIDDEN);
        assert!(stranger.session().is_none());
    }
    scratch.finish().await.unwrap();
}

#[tokio::test]
async fn sessions_end_after_the_idle_and_the_absolute_timeouts() {
    let idle = SessionConfig {
        policy: SessionPolicy {
            idle: Duration::from_millis(600),
            absolute: Duration::from_secs(3600),
        },
        ..SessionConfig::default()
    };
    let absolute = SessionConfig {
        policy: SessionPolicy {
            idle: Duration::from_secs(3600),
            absolute: Duration::from_millis(900),
        },
        ..SessionConfig::default()
    };
    for (name, config) in [("webidle", idle), ("webabsolute", absolute)] {
        let (states, scratch) = sites(name, config).await;
        for state in &states {
            add_user(&state.db, "alice", Role::Viewer).await;
            let mut browser = Browser::new(state);
            browser.sign_in("alice", PASSWORD).await;
            // Used every 0.3 s: alive under the idle timeout, not past the absolute one.
            for _ in 0..2 {
                assert_eq!(
                    browser.get("/api/v1/me").await.status,
                    StatusCode::OK,
                    "{name}"
                );
                tokio::time::sleep(Duration::from_millis(300)).await;
            }
            tokio::time::sleep(Duration::from_millis(700)).await;
            assert_eq!(
                browser.get("/api/v1/me").await.status,
                StatusCode::UNAUTHORIZED,
                "{name}"
            );
            assert!(browser.get("/").await.body.contains("href=\"/signin\""));
        }
        scratch.finish().await.unwrap();
    }
}

#[tokio::test]
async fn failed_sign_ins_are_limited_per_login_and_address() {
    let config = SessionConfig {
        failures_per_login: 3,
        failures_per_address: 6,
        ..SessionConfig::default()
    };
    let (states, scratch) = sites("weblimit", config).await;
    for state in &states {
        add_user(&state.db, "alice", Role::Viewer).await;
        add_user(&state.db, "bob", Role::Viewer).await;
        let mut browser = Browser::new(state);

        // Unknown login and wrong password: the same answer.
        let csrf = browser.get("/signin").await.csrf();
        let unknown = browser
            .post("/signin", &format!("login=nobody&password=x&csrf={csrf}"))
            .await;
        let wrong = browser
            .post("/signin", &format!("login=bob&password=x&csrf={csrf}"))
            .await;
        assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
        assert_eq!((unknown.status, &unknown.body), (wrong.status, &wrong.body));

        // Bob: 1 failure so far, one more, then a success clears his count.
        browser
            .post("/signin", &format!("login=bob&password=x&csrf={csrf}"))
            .await;
        assert_eq!(
            browser.sign_in("bob", PASSWORD).await.status,
            StatusCode::SEE_OTHER
        );
        browser.cookies.remove("ictstat_session");

        // Alice, from another address: 3 failures, then even her password gets 429.
        let mut other = Browser::new(state);
        other.client = "198.51.100.7";
        for _ in 0..3 {
            assert_eq!(
                other.sign_in("alice", "wrong password").await.status,
                StatusCode::UNAUTHORIZED
            );
        }
        let a = other.sign_in("alice", PASSWORD).await;
        assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS);
        let wait: u64 = a.headers[header::RETRY_AFTER]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((1..=900).contains(&wait));
        assert!(a.body.contains("action=\"/signin\""), "the same page");
        assert!(other.session().is_none());

        // Bob's count was cleared: 2 more failures do not block him.
        for _ in 0..2 {
            browser.sign_in("bob", "wrong password").await;
        }
        assert_eq!(
            browser.sign_in("bob", PASSWORD).await.status,
            StatusCode::SEE_OTHER
        );
        browser.cookies.remove("ictstat_session");

        // The first address has failed 5 times (over three logins): one more, and it is
        // blocked for anyone.
        assert_eq!(
            browser.sign_in("carol", "wrong password").await.status,
            StatusCode::UNAUTHORIZED
        );
        let a = browser.sign_in("bob", PASSWORD).await;
        assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS, "{}", a.body);
        let throttled = state
            .db
            .audit_entries(&ictstat_store::accounts::AuditQuery {
                action: Some("login_throttled".into()),
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(throttled.len(), 2);
    }
    scratch.finish().await.unwrap();
}

/// Every role signed in by cookie gets what the same role gets with a token of every scope.
#[tokio::test]
async fn a_session_is_checked_like_a_token_of_its_roles() {
    let (states, scratch) = sites("webmatrix", SessionConfig::default()).await;
    for state in &states {
        use StatusCode as S;
        let import = "/api/v1/imports?file_name=kenya.csv&dry_run=true";
        let submit = "/api/v1/submissions?file_name=kenya.csv";
        let (ok, no, new) = (S::OK, S::FORBIDDEN, S::CREATED);
        // (login, role, GET /api/v1/me, GET /api/v1/audit, POST import, POST submission)
        for (login, role, want) in [
            ("a1", Role::Administrator, [ok, ok, ok, new]),
            ("c1", Role::Custodian, [ok, no, no, new]),
            ("p1", Role::Provider, [ok, no, no, new]),
            ("r1", Role::Reviewer, [ok, no, no, no]),
            ("v1", Role::Viewer, [ok, no, no, no]),
        ] {
            add_user(&state.db, login, role).await;
            let mut b = Browser::new(state);
            b.sign_in(login, PASSWORD).await;
            let csrf = b.get("/account").await.csrf();
            let got = [
                b.get("/api/v1/me").await.status,
                b.get("/api/v1/audit").await.status,
                b.send(Method::POST, import, KENYA, &[("x-csrf-token", &csrf)])
                    .await
                    .status,
                b.send(Method::POST, submit, KENYA, &[("x-csrf-token", &csrf)])
                    .await
                    .status,
            ];
            assert_eq!(got, want, "{login}");
        }
        // Nobody signed in: the web's own routes.
        let mut nobody = Browser::new(state);
        assert_eq!(
            nobody.get("/account").await.headers[header::LOCATION],
            "/signin"
        );
        for uri in ["/signout", "/account/tokens", "/account/tokens/1/revoke"] {
            assert_eq!(
                nobody.post(uri, "csrf=x").await.status,
                S::UNAUTHORIZED,
                "{uri}"
            );
        }
        assert_eq!(nobody.get("/api/v1/me").await.status, S::UNAUTHORIZED);
    }
    scratch.finish().await.unwrap();
}

/// With every log on at TRACE, signing in, browsing and signing out leave no trace of the
/// password, the session id, its hash or the CSRF token.
#[tokio::test]
async fn session_cookies_and_passwords_never_reach_the_logs() {
    let (states, scratch) = sites("weblog", SessionConfig::default()).await;
    let state = &states[0];
    add_user(&state.db, "alice", Role::Viewer).await;
    let log = CapturedLog::default();
    let mut browser = Browser::new(state);
    let (id, csrf) = {
        let _guard = log.start();
        browser.sign_in("alice", "a wrong passphrase here").await;
        browser.sign_in("alice", PASSWORD).await;
        let id = browser.session().unwrap();
        let csrf = browser.get("/account").await.csrf();
        browser.get("/api/v1/me").await;
        browser.get("/nope").await;
        browser.post("/signout", &format!("csrf={csrf}")).await;
        (id, csrf)
    };
    let text = log.text();
    assert!(
        text.contains("/signin") && text.contains("/account"),
        "captured: {text}"
    );
    for secret in [
        PASSWORD,
        "a wrong passphrase here",
        &PASSWORD.replace(' ', "+"),
        &id,
        &sha256_hex(id.as_bytes()),
        &csrf,
    ] {
        assert!(!text.contains(secret), "`{secret}` is in the log");
    }
    scratch.finish().await.unwrap();
}

/// Every audit row of the database.
async fn audit_rows(db: &Db) -> Vec<ictstat_store::accounts::AuditEntry> {
    db.audit_entries(&ictstat_store::accounts::AuditQuery {
        limit: 1000,
        ..Default::default()
    })
    .await
    .unwrap()
}

/// A login no user can have is refused like a wrong password, but before it is counted or
/// audited; a form past 8 KiB is not even read.
#[tokio::test]
async fn impossible_logins_are_refused_unaudited_and_uncounted() {
    let (states, scratch) = sites("webbadlogin", SessionConfig::default()).await;
    for state in &states {
        add_user(&state.db, "alice", Role::Viewer).await;
        let mut browser = Browser::new(state);
        let csrf = browser.get("/signin").await.csrf();
        let wrong = browser
            .post("/signin", &format!("login=alice&password=x&csrf={csrf}"))
            .await;
        let before = audit_rows(&state.db).await.len();
        let long = "a".repeat(65);
        let spaced = format!("{}+x", "b".repeat(10));
        // More attempts than the address may fail: none of them counts.
        for _ in 0..25 {
            for login in [long.as_str(), spaced.as_str(), "user%3Aroot", "%00"] {
                let a = browser
                    .post("/signin", &format!("login={login}&password=x&csrf={csrf}"))
                    .await;
                assert_eq!((a.status, &a.body), (wrong.status, &wrong.body), "{login}");
            }
        }
        let huge = browser
            .post(
                "/signin",
                &format!("login={}&password=x&csrf={csrf}", "a".repeat(100_000)),
            )
            .await;
        assert_eq!(huge.status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(audit_rows(&state.db).await.len(), before);
        assert_eq!(
            browser.sign_in("alice", PASSWORD).await.status,
            StatusCode::SEE_OTHER,
            "not throttled"
        );
    }
    scratch.finish().await.unwrap();
}

/// Concurrent wrong passwords for one login: each attempt is counted before its password is
/// checked, so no more than the limit are checked, and the rest are throttled, audited once.
#[tokio::test]
async fn concurrent_sign_ins_cannot_outrun_the_limit() {
    let (states, scratch) = sites("webrace", SessionConfig::default()).await;
    for state in &states {
        add_user(&state.db, "alice", Role::Viewer).await;
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..15 {
            let mut browser = Browser::new(state);
            let csrf = browser.get("/signin").await.csrf();
            let mut req = Request::post("/signin")
                .header(header::HOST, HOST)
                .header(
                    header::COOKIE,
                    format!(
                        "ictstat_presession={}",
                        browser.cookies["ictstat_presession"]
                    ),
                )
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(format!(
                    "login=alice&password=wrong&csrf={csrf}"
                )))
                .unwrap();
            // Different addresses: only the login's limit applies.
            let addr: SocketAddr = format!("192.0.2.{}:40000", 100 + i).parse().unwrap();
            req.extensions_mut().insert(ConnectInfo(addr));
            let app = ictstat_web::app(state.clone());
            tasks.spawn(async move { app.oneshot(req).await.unwrap().status() });
        }
        let statuses = tasks.join_all().await;
        let count = |s: StatusCode| statuses.iter().filter(|&&x| x == s).count();
        assert_eq!(count(StatusCode::TOO_MANY_REQUESTS), 10, "{statuses:?}");
        // Checked (401) or, on a slow machine, answered busy (503) without a check.
        let failed = count(StatusCode::UNAUTHORIZED);
        assert_eq!(failed + count(StatusCode::SERVICE_UNAVAILABLE), 5);
        let rows = audit_rows(&state.db).await;
        let of = |action: &str| rows.iter().filter(|r| r.action == action).count();
        assert_eq!(of("login_failed"), failed);
        assert_eq!(of("login_throttled"), 1);
    }
    scratch.finish().await.unwrap();
}

/// An `/embed/…` path that is not a chart is not framable: its page has the sign-out form.
/// Pages shown to a signed-in browser are never cached.
#[tokio::test]
async fn signed_in_pages_are_private_and_embed_errors_unframable() {
    let (states, scratch) = sites("webframe", SessionConfig::default()).await;
    for state in &states {
        add_user(&state.db, "alice", Role::Viewer).await;
        let mut browser = Browser::new(state);
        let anonymous = browser.get("/").await;
        assert!(
            !anonymous.headers[header::VARY]
                .to_str()
                .unwrap()
                .contains("cookie")
        );
        assert_eq!(
            browser.sign_in("alice", PASSWORD).await.status,
            StatusCode::SEE_OTHER
        );
        let csp = |a: &Answer| {
            a.headers[header::CONTENT_SECURITY_POLICY]
                .to_str()
                .unwrap()
                .to_string()
        };
        let missing = browser.get("/embed/no-such-thing").await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND);
        assert!(missing.body.contains("/signout"), "the full layout");
        assert!(csp(&missing).contains("frame-ancestors 'self'"));
        let chart = browser.get("/embed/indicators/IT_USE_ii99").await;
        assert_eq!(chart.status, StatusCode::OK);
        assert!(csp(&chart).contains("frame-ancestors *"));
        for page in ["/", "/account", "/indicators", "/embed/no-such-thing"] {
            let a = browser.get(page).await;
            assert!(a.body.contains("/signout"), "{page}");
            assert_eq!(
                a.headers[header::CACHE_CONTROL],
                "private, no-store",
                "{page}"
            );
            assert!(
                a.headers
                    .get_all(header::VARY)
                    .iter()
                    .any(|v| v.to_str().unwrap().contains("cookie")),
                "{page}"
            );
        }
    }
    scratch.finish().await.unwrap();
}
