//! Accounts through the API: tokens authenticate, roles and scopes authorise, every route that
//! needs an account is in the authorisation matrix, refusals are audited, failed attempts are
//! limited, tokens stay out of the logs, and answers carry the security headers.

use std::collections::BTreeMap;
use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use ictstat_server::{router, router_with};
use ictstat_store::accounts::{Actor, OrganisationKind, Role, Scope};
use ictstat_store::scratch::CapturedLog;
use serde_json::Value;
use tower::ServiceExt;

use super::{TOKEN, TestApp, apps};

const PASSWORD: &str = "a long enough passphrase";

/// One row of Kenya's Internet use, in every scope of the matrix's importers.
const KENYA: &str = "indicator,area,period,sex,value,source\nIT_USE_ii99,KEN,2021,_T,29.5,KNBS\n";

/// An answer: status, JSON body (or null) and headers.
pub(super) struct Answer {
    pub(super) status: StatusCode,
    pub(super) json: Value,
    headers: HeaderMap,
}

/// Sends a request with an optional bearer token, from `client` when given.
pub(super) async fn send(
    app: &TestApp,
    method: Method,
    uri: &str,
    token: Option<&str>,
    body: &str,
    client: Option<&str>,
) -> Answer {
    let auth = token.map(|t| (header::AUTHORIZATION.as_str(), format!("Bearer {t}")));
    send_headers(app, method, uri, auth.as_slice(), body, client).await
}

/// Sends a request with `headers`, from `client` when given.
pub(super) async fn send_headers(
    app: &TestApp,
    method: Method,
    uri: &str,
    headers: &[(&str, String)],
    body: &str,
    client: Option<&str>,
) -> Answer {
    let mut req = Request::builder().method(method).uri(uri);
    for (name, value) in headers {
        req = req.header(*name, value);
    }
    if body.starts_with('{') {
        req = req.header(header::CONTENT_TYPE, "application/json");
    }
    let mut req = req.body(Body::from(body.to_string())).unwrap();
    if let Some(ip) = client {
        let addr: SocketAddr = format!("{ip}:40000").parse().unwrap();
        req.extensions_mut().insert(ConnectInfo(addr));
    }
    let resp = router(app.state.clone()).oneshot(req).await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    Answer {
        status,
        json: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        headers,
    }
}

/// A new web session of `login`: its cookie header and its CSRF token.
async fn session_of(app: &TestApp, login: &str) -> (String, String) {
    let user = app.state.db.user(login).await.unwrap().unwrap();
    let new = app
        .state
        .db
        .create_session(
            &user,
            None,
            &ictstat_store::sessions::SessionPolicy::default(),
            time::OffsetDateTime::now_utc(),
        )
        .await
        .unwrap();
    let cookie = format!("{}={}", ictstat_server::session::SESSION_COOKIE, new.id);
    let mut headers = HeaderMap::new();
    headers.insert(header::COOKIE, cookie.parse().unwrap());
    let session = ictstat_server::session::current(&app.state, &headers)
        .await
        .unwrap()
        .unwrap();
    (cookie, session.csrf_token)
}

pub(super) fn cli() -> Actor {
    Actor::cli("tester")
}

/// Creates a user of `org` with `grants` and returns a token of `scopes`.
async fn user_with_token(
    app: &TestApp,
    login: &str,
    grants: &[(Role, &[&str], &[&str])],
    scopes: &[Scope],
) -> String {
    let db = &app.state.db;
    if db.organisations().await.unwrap().is_empty() {
        db.add_organisation("Test Office", OrganisationKind::StatisticalOffice, &cli())
            .await
            .unwrap();
    }
    if db.user(login).await.unwrap().is_none() {
        db.add_user(login, "", "Test Office", PASSWORD, &cli())
            .await
            .unwrap();
    }
    let strings = |codes: &[&str]| codes.iter().map(|c| c.to_string()).collect::<Vec<_>>();
    for (role, indicators, areas) in grants {
        db.grant(login, *role, &strings(indicators), &strings(areas), &cli())
            .await
            .unwrap();
    }
    db.create_token(login, "test", scopes, None, &cli())
        .await
        .unwrap()
        .secret
}

const ALL: &[Scope] = &[Scope::Read, Scope::Submit, Scope::Admin];
const READ_SUBMIT: &[Scope] = &[Scope::Read, Scope::Submit];

/// The importers of the scope tests: (login, grants).
const PROVIDER: (Role, &[&str], &[&str]) = (Role::Provider, &["IT_USE_ii99"], &["404"]);
const CUSTODIAN: (Role, &[&str], &[&str]) = (Role::Custodian, &["IT_USE_ii99"], &[]);

async fn submit(app: &TestApp, file: &str, body: &str, token: &str) -> Answer {
    send(
        app,
        Method::POST,
        &format!("/api/v1/submissions?file_name={file}"),
        Some(token),
        body,
        None,
    )
    .await
}

/// The number of submissions kept, whatever their status.
async fn submission_count(app: &TestApp) -> usize {
    app.state
        .db
        .submissions(&ictstat_store::submissions::SubmissionQuery {
            limit: 1000,
            ..Default::default()
        })
        .await
        .unwrap()
        .len()
}

/// The audit log's actions, oldest first, as (actor, action).
async fn audit_actions(app: &TestApp) -> Vec<(Option<String>, String)> {
    let q = ictstat_store::accounts::AuditQuery {
        limit: 1000,
        ..Default::default()
    };
    let mut out: Vec<_> = app
        .state
        .db
        .audit_entries(&q)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| !e.actor.as_deref().unwrap_or("").starts_with("cli:"))
        .map(|e| (e.actor, e.action))
        .collect();
    out.reverse();
    out
}

#[tokio::test]
async fn submitters_submit_only_within_their_scope_and_only_administrators_import() {
    let (apps, scratch) = apps("scope", false).await;
    for app in apps {
        let provider = user_with_token(&app, "knbs", &[PROVIDER], READ_SUBMIT).await;
        let custodian = user_with_token(&app, "itu", &[CUSTODIAN], READ_SUBMIT).await;
        let reviewer = user_with_token(&app, "rev", &[(Role::Reviewer, &[], &[])], ALL).await;
        let viewer = user_with_token(&app, "view", &[(Role::Viewer, &[], &[])], ALL).await;
        let data_before = app.state.db.counts().await.unwrap();

        // In scope: kept for review under the provider's name; no data written.
        let a = submit(&app, "kenya.csv", KENYA, &provider).await;
        assert_eq!(
            (a.status, a.json["status"].as_str()),
            (StatusCode::CREATED, Some("submitted")),
            "{}",
            a.json
        );
        assert_eq!(a.json["submission"]["submitter"], "knbs", "{}", a.json);
        assert_eq!(a.json["submission"]["status"], "pending");
        assert_eq!(app.state.db.counts().await.unwrap(), data_before);

        // One row of Uganda among Kenya's: refused whole, naming the row; nothing kept.
        let mixed = format!(
            "{KENYA}IT_USE_ii99,KEN,2022,_T,31.0,KNBS\nIT_USE_ii99,UGA,2022,_T,20.0,UBOS\n"
        );
        let a = submit(&app, "mixed.csv", &mixed, &provider).await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", a.json);
        assert_eq!(a.json["code"], "forbidden");
        let message = a.json["message"].as_str().unwrap();
        assert!(
            message.contains("area 800") && message.contains("period 2022"),
            "{message}"
        );
        assert_eq!(a.json["details"]["row"]["area"], "800");
        assert_eq!(a.json["details"]["rows_out_of_scope"], 1);
        assert_eq!(submission_count(&app).await, 1);

        // Another indicator of the provider's own country: refused too.
        let mobile = "indicator,area,period,value\nIT_MOB_OWN,KEN,2021,60\n";
        assert_eq!(
            submit(&app, "mob.csv", mobile, &provider).await.status,
            StatusCode::FORBIDDEN
        );

        // A custodian submits their indicator for any country, and only it.
        let a = submit(&app, "mixed.csv", &mixed, &custodian).await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.json);
        assert_eq!(
            submit(&app, "mob.csv", mobile, &custodian).await.status,
            StatusCode::FORBIDDEN
        );

        // Reviewers and viewers do not submit, whatever their token's scopes.
        for token in [&reviewer, &viewer] {
            let a = submit(&app, "kenya.csv", KENYA, token).await;
            assert_eq!(a.status, StatusCode::FORBIDDEN);
            assert!(
                a.json["message"].as_str().unwrap().contains("role"),
                "{}",
                a.json
            );
        }
        // Importing directly is for administrators, with a token of the `submit` scope.
        for token in [&provider, &custodian] {
            let a = send(
                &app,
                Method::POST,
                "/api/v1/imports?file_name=kenya.csv",
                Some(token),
                KENYA,
                None,
            )
            .await;
            assert_eq!(a.status, StatusCode::FORBIDDEN);
            assert!(
                a.json["message"]
                    .as_str()
                    .unwrap()
                    .contains("/api/v1/submissions"),
                "{}",
                a.json
            );
        }
        let admin_read = user_with_token(
            &app,
            "boss",
            &[(Role::Administrator, &[], &[])],
            &[Scope::Read],
        )
        .await;
        let a = send(
            &app,
            Method::POST,
            "/api/v1/imports?file_name=kenya.csv",
            Some(&admin_read),
            KENYA,
            None,
        )
        .await;
        assert_eq!(a.status, StatusCode::FORBIDDEN);
        assert!(
            a.json["message"].as_str().unwrap().contains("`submit`"),
            "{}",
            a.json
        );
        assert_eq!(submission_count(&app).await, 2);
        assert_eq!(app.state.db.counts().await.unwrap(), data_before);

        let knbs = Some("knbs".to_string());
        let itu = Some("itu".to_string());
        assert_eq!(
            audit_actions(&app).await,
            vec![
                (knbs.clone(), "submission_created".into()),
                (knbs.clone(), "submission_refused".into()),
                (knbs.clone(), "submission_refused".into()),
                (itu.clone(), "submission_created".into()),
                (itu.clone(), "submission_refused".into()),
                (Some("rev".into()), "submission_refused".into()),
                (Some("view".into()), "submission_refused".into()),
                (knbs.clone(), "import_refused".into()),
                (itu.clone(), "import_refused".into()),
                (Some("boss".into()), "import_refused".into()),
            ]
        );
    }
    scratch.finish().await.unwrap();
}

#[tokio::test]
async fn unknown_expired_revoked_and_disabled_tokens_get_401() {
    let (apps, scratch) = apps("tokens", false).await;
    for app in apps {
        let db = &app.state.db;
        let good = user_with_token(&app, "knbs", &[PROVIDER], READ_SUBMIT).await;
        let expired = db
            .create_token(
                "knbs",
                "old",
                READ_SUBMIT,
                Some("2020-01-01T00:00:00.000000Z".into()),
                &cli(),
            )
            .await
            .unwrap();
        let revoked = db
            .create_token("knbs", "gone", READ_SUBMIT, None, &cli())
            .await
            .unwrap();
        db.revoke_token(revoked.token.id, &cli()).await.unwrap();

        let me = |token: Option<String>| {
            let app = &app;
            async move { send(app, Method::GET, "/api/v1/me", token.as_deref(), "", None).await }
        };
        let a = me(Some(good.clone())).await;
        assert_eq!(a.status, StatusCode::OK);
        assert_eq!(a.json["actor"], "knbs");
        assert_eq!(
            a.json["roles"][0],
            serde_json::json!({"role": "provider", "indicator": "IT_USE_ii99", "area": "404"})
        );
        assert_eq!(a.json["scopes"], serde_json::json!(["read", "submit"]));
        assert!(
            a.json["token"]["name"] == "test" && a.json["user"]["organisation"] == "Test Office"
        );
        assert!(!a.json.to_string().contains(&good[4..]));

        for (token, says) in [
            (None, "Authorization: Bearer"),
            (Some("ict_0123".to_string()), "unknown token"),
            (Some(expired.secret.clone()), "expired"),
            (Some(revoked.secret.clone()), "revoked"),
        ] {
            let a = me(token).await;
            assert_eq!(a.status, StatusCode::UNAUTHORIZED);
            assert_eq!(
                a.headers[header::WWW_AUTHENTICATE],
                "Bearer realm=\"ictstat\""
            );
            assert!(
                a.json["message"].as_str().unwrap().contains(says),
                "{}",
                a.json
            );
        }
        // Not Bearer: refused, without counting as a guess.
        let req = Request::get("/api/v1/me")
            .header(header::AUTHORIZATION, "Basic a25iczpwdw==")
            .body(Body::empty())
            .unwrap();
        assert_eq!(
            router(app.state.clone())
                .oneshot(req)
                .await
                .unwrap()
                .status(),
            StatusCode::UNAUTHORIZED
        );

        db.disable_user("knbs", &cli()).await.unwrap();
        let a = me(Some(good.clone())).await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED);
        assert!(a.json["message"].as_str().unwrap().contains("disabled"));

        // Each refused token is audited with why, never with the token.
        let refused = db
            .audit_entries(&ictstat_store::accounts::AuditQuery {
                action: Some("token_refused".into()),
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap();
        let reasons: Vec<&str> = refused
            .iter()
            .rev()
            .map(|e| e.details["reason"].as_str().unwrap())
            .collect();
        assert_eq!(reasons, ["unknown", "expired", "revoked", "user disabled"]);
        assert_eq!(
            refused[1].target,
            Some(format!("token:{}", revoked.token.id))
        );
        let everything = serde_json::to_string(
            &db.audit_entries(&ictstat_store::accounts::AuditQuery {
                limit: 1000,
                ..Default::default()
            })
            .await
            .unwrap(),
        )
        .unwrap();
        for secret in [&good, &expired.secret, &revoked.secret] {
            assert!(!everything.contains(&secret[4..]));
        }
    }
    scratch.finish().await.unwrap();
}

#[tokio::test]
async fn failed_token_attempts_are_limited_per_address() {
    let (apps, scratch) = apps("ratelimit", false).await;
    for app in apps {
        let good = user_with_token(&app, "knbs", &[PROVIDER], READ_SUBMIT).await;
        let me = |token: String, client: &'static str| {
            let app = &app;
            async move {
                send(
                    app,
                    Method::GET,
                    "/api/v1/me",
                    Some(&token),
                    "",
                    Some(client),
                )
                .await
            }
        };
        for i in 0..10 {
            let a = me(format!("ict_guess{i}"), "203.0.113.9").await;
            assert_eq!(a.status, StatusCode::UNAUTHORIZED, "attempt {i}");
        }
        // The eleventh attempt within the minute: 429, even with the right token.
        for token in ["ict_guess10".to_string(), good.clone()] {
            let a = me(token, "203.0.113.9").await;
            assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS);
            assert_eq!(a.json["code"], "too-many-requests");
            let wait: u64 = a.headers[header::RETRY_AFTER]
                .to_str()
                .unwrap()
                .parse()
                .unwrap();
            assert!((1..=60).contains(&wait));
        }
        // Another address is not affected; a public route neither.
        assert_eq!(
            me(good.clone(), "198.51.100.1").await.status,
            StatusCode::OK
        );
        let public = send(
            &app,
            Method::GET,
            "/api/v1/frameworks",
            None,
            "",
            Some("203.0.113.9"),
        )
        .await;
        assert_eq!(public.status, StatusCode::OK);
        let refused = app
            .state
            .db
            .audit_entries(&ictstat_store::accounts::AuditQuery {
                action: Some("token_refused".into()),
                limit: 100,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(refused.len(), 10);
        assert_eq!(refused[0].client.as_deref(), Some("203.0.113.9"));
    }
    scratch.finish().await.unwrap();
}

#[tokio::test]
async fn audit_log_is_for_administrators_and_filters() {
    let (apps, scratch) = apps("auditlog", false).await;
    for app in apps {
        let admin = user_with_token(&app, "boss", &[(Role::Administrator, &[], &[])], ALL).await;
        let provider = user_with_token(&app, "knbs", &[PROVIDER], ALL).await;
        let start = ictstat_store::now_text();
        let import = |token: &str| {
            let app = &app;
            let token = token.to_string();
            async move {
                let uri = "/api/v1/imports?file_name=kenya.csv";
                send(app, Method::POST, uri, Some(&token), KENYA, None)
                    .await
                    .status
            }
        };
        assert_eq!(import(&admin).await, StatusCode::OK);
        assert_eq!(import(TOKEN).await, StatusCode::OK);
        assert_eq!(
            submit(&app, "kenya.csv", KENYA, &provider).await.status,
            StatusCode::CREATED
        );

        let get = |uri: String, token: &str| {
            let app = &app;
            let token = token.to_string();
            async move { send(app, Method::GET, &uri, Some(&token), "", None).await }
        };
        let a = get(format!("/api/v1/audit?action=import&from={start}"), &admin).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.json);
        let rows = a.json["data"].as_array().unwrap();
        let who: Vec<&str> = rows.iter().map(|r| r["actor"].as_str().unwrap()).collect();
        assert_eq!(who, ["bootstrap-token", "boss"]);
        assert_eq!(rows[0]["details"]["status"], "unchanged");
        assert_eq!(rows[1]["details"]["status"], "written");

        // Pages, newest first, cover everything once.
        let mut seen = Vec::new();
        let mut offset = Some(0);
        while let Some(o) = offset {
            let a = get(format!("/api/v1/audit?limit=3&offset={o}"), &admin).await;
            seen.extend(
                a.json["data"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| r["id"].as_i64().unwrap()),
            );
            offset = a.json["next_offset"].as_u64();
        }
        let total = app
            .state
            .db
            .audit_entries(&ictstat_store::accounts::AuditQuery {
                limit: 1000,
                ..Default::default()
            })
            .await
            .unwrap()
            .len();
        assert_eq!(seen.len(), total);
        assert!(seen.windows(2).all(|w| w[0] > w[1]));

        let a = get("/api/v1/audit?actor=knbs".into(), &admin).await;
        assert!(
            a.json["data"]
                .as_array()
                .unwrap()
                .iter()
                .all(|r| r["actor"] == "knbs")
        );
        assert_eq!(
            get("/api/v1/audit?to=2000-01-01".into(), &admin).await.json["returned"],
            0
        );
        assert_eq!(
            get("/api/v1/audit?from=yesterday".into(), &admin)
                .await
                .status,
            StatusCode::BAD_REQUEST
        );
        assert_eq!(
            get("/api/v1/audit?limit=0".into(), &admin).await.status,
            StatusCode::BAD_REQUEST
        );
        // An offset past any log is refused, not overflowed into a panic.
        for offset in [u64::MAX, u64::from(u32::MAX) + 1] {
            assert_eq!(
                get(format!("/api/v1/audit?offset={offset}&limit=1000"), &admin)
                    .await
                    .status,
                StatusCode::BAD_REQUEST
            );
        }
        assert_eq!(
            get(format!("/api/v1/audit?offset={}", u32::MAX), &admin)
                .await
                .json["returned"],
            0
        );
        assert_eq!(
            get("/api/v1/audit".into(), &provider).await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            get("/api/v1/audit".into(), TOKEN).await.status,
            StatusCode::OK
        );
    }
    scratch.finish().await.unwrap();
}

/// Every operation of the OpenAPI document that declares the bearer scheme (and every
/// operation that is not a GET, which must declare it) is listed here with the exact status
/// each kind of caller gets; a new route that is not added fails the test. Every other
/// operation must answer the anonymous caller exactly as it answers an administrator.
#[tokio::test]
async fn authorisation_matrix_covers_every_route() {
    let (apps, scratch) = apps("matrix", false).await;
    for app in apps {
        // (caller, token)
        let mut callers: Vec<(&str, Option<String>)> = vec![
            ("anonymous", None),
            ("bad token", Some("ict_not-a-token".into())),
            ("bootstrap", Some(TOKEN.into())),
        ];
        let admin = &[(Role::Administrator, &[][..], &[][..])];
        for (name, login, grants, scopes) in [
            ("administrator", "a1", &admin[..], ALL),
            (
                "administrator, submit only",
                "a1",
                &[][..],
                &[Scope::Submit][..],
            ),
            ("custodian", "c1", &[CUSTODIAN][..], ALL),
            (
                "custodian of another indicator",
                "c2",
                &[(Role::Custodian, &["IT_MOB_OWN"][..], &[][..])][..],
                ALL,
            ),
            ("provider", "p1", &[PROVIDER][..], ALL),
            (
                "provider of another area",
                "p2",
                &[(Role::Provider, &["IT_USE_ii99"][..], &["800"][..])][..],
                ALL,
            ),
            (
                "reviewer",
                "r1",
                &[(Role::Reviewer, &[][..], &[][..])][..],
                ALL,
            ),
            ("viewer", "v1", &[(Role::Viewer, &[][..], &[][..])][..], ALL),
        ] {
            callers.push((
                name,
                Some(user_with_token(&app, login, grants, scopes).await),
            ));
        }
        use StatusCode as S;
        const OK: S = S::OK;
        const NO: S = S::FORBIDDEN;
        const WHO: S = S::UNAUTHORIZED;
        const NEW: S = S::CREATED;
        // Authorised: any answer but 401, 403 or 404. Routes that move a submission or
        // publish answer the first allowed caller and refuse the rest as a conflict (409) or
        // as nothing left to publish (400); what they allow is what this matrix checks.
        const IN: S = S::ACCEPTED;
        // A submission to review and withdraw, by the provider p1 of the callers above.
        let submitted = send(
            &app,
            Method::POST,
            "/api/v1/submissions?file_name=kenya.csv",
            callers[7].1.as_deref(),
            KENYA,
            None,
        )
        .await;
        let id = submitted.json["submission"]["id"]
            .as_i64()
            .expect("submitted");
        let release = r#"{"name":"matrix","description":"every accepted submission"}"#;
        // A consultation on the SDG list with a comment on 17.8.1 (Internet use, whose
        // custodian c1 is).
        let catalog = app.state.catalog.clone();
        let sdg = catalog
            .frameworks
            .iter()
            .find(|f| f.id == "SDG_ICT")
            .unwrap();
        let draft = app
            .state
            .db
            .open_draft("SDG_ICT", "draft", None, None, &sdg.items, &cli())
            .await
            .unwrap();
        let comment = app
            .state
            .db
            .add_framework_comment(
                "SDG_ICT",
                draft.version,
                &ictstat_store::consultation::NewFrameworkComment {
                    item: Some("17.8.1".into()),
                    parent: None,
                    body: "add the urban/rural breakdown".into(),
                },
                &cli(),
            )
            .await
            .unwrap()
            .id;
        let version = format!("/api/v1/frameworks/SDG_ICT/versions/{}", draft.version);
        let items = serde_json::json!({"items": sdg.items}).to_string();
        let admin_only = [WHO, WHO, IN, IN, NO, NO, NO, NO, NO, NO, NO];
        // Statuses in the order of `callers`, with the URI and body of the request.
        let matrix: BTreeMap<&str, (String, &str, [S; 11])> = BTreeMap::from([
            (
                "POST /api/v1/imports",
                (
                    "/api/v1/imports?file_name=kenya.csv&dry_run=true".into(),
                    KENYA,
                    [WHO, WHO, OK, OK, OK, NO, NO, NO, NO, NO, NO],
                ),
            ),
            (
                "POST /api/v1/submissions",
                (
                    "/api/v1/submissions?file_name=kenya.csv".into(),
                    KENYA,
                    [WHO, WHO, NEW, NEW, NEW, NEW, NO, NEW, NO, NO, NO],
                ),
            ),
            (
                "GET /api/v1/submissions",
                (
                    "/api/v1/submissions".into(),
                    "",
                    [WHO, WHO, OK, OK, NO, OK, OK, OK, OK, OK, OK],
                ),
            ),
            (
                "GET /api/v1/submissions/{id}",
                (
                    format!("/api/v1/submissions/{id}"),
                    "",
                    [WHO, WHO, OK, OK, NO, OK, OK, OK, OK, OK, OK],
                ),
            ),
            (
                "POST /api/v1/submissions/{id}/review",
                (
                    format!("/api/v1/submissions/{id}/review"),
                    r#"{"decision":"accept","comment":"checked"}"#,
                    [WHO, WHO, IN, IN, IN, IN, NO, NO, NO, IN, NO],
                ),
            ),
            (
                "POST /api/v1/submissions/{id}/withdraw",
                (
                    format!("/api/v1/submissions/{id}/withdraw"),
                    "",
                    [WHO, WHO, NO, NO, NO, NO, NO, IN, NO, NO, NO],
                ),
            ),
            (
                "POST /api/v1/releases",
                (
                    "/api/v1/releases".into(),
                    release,
                    [WHO, WHO, IN, IN, NO, NO, NO, NO, NO, NO, NO],
                ),
            ),
            (
                "GET /api/v1/embargoes",
                (
                    "/api/v1/embargoes".into(),
                    "",
                    [WHO, WHO, OK, OK, NO, NO, NO, NO, NO, NO, NO],
                ),
            ),
            (
                "POST /api/v1/frameworks/{id}/versions",
                (
                    "/api/v1/frameworks/SDG_ICT/versions".into(),
                    r#"{"label":"another draft"}"#,
                    admin_only,
                ),
            ),
            (
                "PUT /api/v1/frameworks/{id}/versions/{version}",
                (version.clone(), &items, admin_only),
            ),
            (
                "POST /api/v1/frameworks/{id}/versions/{version}/finalise",
                (format!("{version}/finalise"), "", admin_only),
            ),
            (
                "POST /api/v1/frameworks/{id}/versions/{version}/comments",
                (
                    format!("{version}/comments"),
                    r#"{"item":"5.b.1","body":"by age too"}"#,
                    [WHO, WHO, IN, IN, IN, IN, IN, IN, IN, IN, IN],
                ),
            ),
            (
                "POST /api/v1/frameworks/{id}/comments/{comment}/status",
                (
                    format!("/api/v1/frameworks/SDG_ICT/comments/{comment}/status"),
                    r#"{"status":"accepted"}"#,
                    [WHO, WHO, IN, IN, IN, IN, NO, NO, NO, NO, NO],
                ),
            ),
            (
                "GET /api/v1/me",
                (
                    "/api/v1/me".into(),
                    "",
                    [WHO, WHO, OK, OK, NO, OK, OK, OK, OK, OK, OK],
                ),
            ),
            (
                "GET /api/v1/audit",
                (
                    "/api/v1/audit".into(),
                    "",
                    [WHO, WHO, OK, OK, NO, NO, NO, NO, NO, NO, NO],
                ),
            ),
        ]);
        let matches = |got: S, want: S| {
            if want == IN {
                ![S::UNAUTHORIZED, S::FORBIDDEN, S::NOT_FOUND].contains(&got)
            } else {
                got == want
            }
        };

        let doc = send(&app, Method::GET, "/api/v1/openapi.json", None, "", None)
            .await
            .json;
        // Every schema the document refers to (Me, Grant, Token, AuditPage…) is in it.
        let text = doc.to_string();
        assert!(text.contains("\"$ref\":\"#/components/schemas/AuditPage\""));
        for reference in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
            let name = &reference[..reference.find('"').unwrap()];
            assert!(doc["components"]["schemas"].get(name).is_some(), "{name}");
        }
        let mut secured = Vec::new();
        let mut public = Vec::new();
        for (path, operations) in doc["paths"].as_object().unwrap() {
            for (method, op) in operations.as_object().unwrap() {
                let key = format!("{} {path}", method.to_uppercase());
                let needs_token = op["security"].as_array().is_some_and(|s| !s.is_empty());
                assert!(
                    needs_token || method == "get",
                    "{key} changes data but does not declare the bearer scheme"
                );
                if needs_token {
                    secured.push(key);
                } else {
                    public.push(key);
                }
            }
        }
        secured.sort();
        assert_eq!(
            secured,
            matrix.keys().map(|k| k.to_string()).collect::<Vec<_>>(),
            "every route that needs a token must be in the authorisation matrix"
        );
        for (route, (key, (uri, body, expected))) in matrix.iter().enumerate() {
            let (method, _) = key.split_once(' ').unwrap();
            // The bad token calls from an address of its own per route, so that the limit on
            // failed tokens (which answers 429) never decides a cell of the matrix.
            let own_address = format!("192.0.2.{route}");
            for ((caller, token), want) in callers.iter().zip(expected) {
                let client = (*caller == "bad token").then_some(own_address.as_str());
                let a = send(
                    &app,
                    method.parse().unwrap(),
                    uri,
                    token.as_deref(),
                    body,
                    client,
                )
                .await;
                assert!(
                    matches(a.status, *want),
                    "{key} as {caller}: {} {}",
                    a.status,
                    a.json
                );
            }
            // A browser signed in as each role holds what a token of every scope of that
            // role holds (the columns of the matrix above), provided it sends the session's
            // CSRF token with what changes data; without it, 403 there and nothing else.
            for (login, column) in [("a1", 3), ("c1", 5), ("p1", 7), ("r1", 9), ("v1", 10)] {
                let (cookie, csrf) = session_of(&app, login).await;
                let with_csrf = [
                    (header::COOKIE.as_str(), cookie.clone()),
                    ("x-csrf-token", csrf),
                ];
                let a =
                    send_headers(&app, method.parse().unwrap(), uri, &with_csrf, body, None).await;
                assert!(
                    matches(a.status, expected[column]),
                    "{key} as {login}'s session: {} {}",
                    a.status,
                    a.json
                );
                let without = [(header::COOKIE.as_str(), cookie)];
                let a =
                    send_headers(&app, method.parse().unwrap(), uri, &without, body, None).await;
                let want = if method == "GET" {
                    expected[column]
                } else {
                    S::FORBIDDEN
                };
                assert!(
                    matches(a.status, want),
                    "{key} as {login}'s session without CSRF token: {} {}",
                    a.status,
                    a.json
                );
            }
        }

        // Public routes: a token changes nothing, and nobody is refused.
        let sample = |path: &str| {
            path.replace("/indicators/{code}", "/indicators/IT_USE_ii99")
                .replace("/areas/{code}", "/areas/404")
                .replace("/releases/{name}", "/releases/matrix")
                .replace("/versions/{version}", "/versions/1")
                .replace("/frameworks/{id}", "/frameworks/SDG_ICT")
        };
        assert!(public.len() >= 15, "{public:?}");
        for key in &public {
            let path = sample(key.trim_start_matches("GET "));
            assert!(!path.contains('{'), "no sample value for {key}");
            let query = if path.ends_with("/history")
                || path.ends_with("/aggregates")
                || path.ends_with("/progress")
            {
                "?indicator=IT_USE_ii99&area=404"
            } else {
                ""
            };
            let uri = format!("{path}{query}");
            let anonymous = send(&app, Method::GET, &uri, None, "", None).await.status;
            assert!(
                anonymous != S::UNAUTHORIZED && anonymous != S::FORBIDDEN,
                "{uri}: {anonymous}"
            );
            for (caller, token) in &callers[2..] {
                let a = send(&app, Method::GET, &uri, token.as_deref(), "", None).await;
                assert_eq!(a.status, anonymous, "{uri} as {caller}");
            }
        }
    }
    scratch.finish().await.unwrap();
}

/// With every log of this thread on at TRACE, requests carrying good, bad and revoked tokens
/// leave no trace of the tokens or their hashes in the log.
#[tokio::test]
async fn tokens_never_reach_the_logs() {
    let (apps, scratch) = apps("nolog", false).await;
    let app = &apps[0];
    let good = user_with_token(app, "knbs", &[PROVIDER], READ_SUBMIT).await;
    let revoked = app
        .state
        .db
        .create_token("knbs", "gone", READ_SUBMIT, None, &cli())
        .await
        .unwrap();
    app.state
        .db
        .revoke_token(revoked.token.id, &cli())
        .await
        .unwrap();
    let bad = "ict_0123456789abcdef0123456789abcdef";
    // The capture itself can come out empty when tests on other threads register tracing's
    // callsites at the same moment (the load test runs a server on its own threads): then the
    // requests are made again under a new capture, up to three times. What is checked below
    // is always a log that holds the requests.
    let mut text = String::new();
    for _ in 0..3 {
        let log = CapturedLog::default();
        {
            let _guard = log.start();
            for token in [good.as_str(), bad, revoked.secret.as_str(), TOKEN] {
                send(app, Method::GET, "/api/v1/me", Some(token), "", None).await;
                submit(app, "kenya.csv", KENYA, token).await;
            }
            // A failing request is logged too (the trace layer logs failures at ERROR).
            send(app, Method::GET, "/api/v1/nope", Some(&good), "", None).await;
        }
        text = log.text();
        if text.contains("/api/v1/me") && text.contains("/api/v1/submissions") {
            break;
        }
    }
    assert!(
        text.contains("/api/v1/me") && text.contains("/api/v1/submissions"),
        "the log was captured: {text}"
    );
    for token in [good.as_str(), bad, revoked.secret.as_str(), TOKEN] {
        assert!(!text.contains(token), "a token is in the log");
        let hash = ictstat_server::sha256_hex(token.as_bytes());
        assert!(!text.contains(&hash), "a token's hash is in the log");
    }
    scratch.finish().await.unwrap();
}

#[tokio::test]
async fn answers_carry_security_headers() {
    let (apps, scratch) = apps("headers", false).await;
    let app = &apps[0];
    let site = axum::Router::new()
        .route(
            "/page",
            axum::routing::get(|| async { axum::response::Html("<p>page</p>") }),
        )
        .route(
            "/embed/chart",
            axum::routing::get(|| async { axum::response::Html("<p>chart</p>") }),
        );
    let headers = |uri: &'static str| {
        let app = router_with(app.state.clone(), site.clone());
        async move {
            let resp = app
                .oneshot(Request::get(uri).body(Body::empty()).unwrap())
                .await
                .unwrap();
            resp.headers().clone()
        }
    };
    for uri in [
        "/api/v1/frameworks",
        "/page",
        "/embed/chart",
        "/api/v1/nope",
    ] {
        let h = headers(uri).await;
        assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff", "{uri}");
        assert_eq!(
            h[header::REFERRER_POLICY],
            "strict-origin-when-cross-origin",
            "{uri}"
        );
    }
    assert!(
        headers("/api/v1/frameworks")
            .await
            .get(header::CONTENT_SECURITY_POLICY)
            .is_none()
    );
    let page = headers("/page").await;
    let csp = page[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(
        csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'self'"),
        "{csp}"
    );
    let embed = headers("/embed/chart").await;
    assert!(
        embed[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .contains("frame-ancestors *")
    );
    scratch.finish().await.unwrap();
}
