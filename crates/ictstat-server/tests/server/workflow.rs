//! One dataset from upload to publication through the API: a provider submits, the custodian
//! reviews with a comment on a row, the administrator publishes a named release; nothing is
//! public before; submissions are seen only by whom they concern; a stale submission is a
//! conflict, never a lost update; an embargo holds until its time; a release is compared with
//! the one before it and revised values are flagged.

use axum::http::{Method, StatusCode};
use ictstat_store::accounts::{OrganisationKind, Role, Scope};
use serde_json::Value;

use super::accounts::{Answer, cli, send};
use super::{TestApp, apps};

const ALL: &[Scope] = &[Scope::Read, Scope::Submit, Scope::Admin];

/// A user of a new or existing organisation `org`, with one grant, and a token of every scope.
pub(super) async fn member(
    app: &TestApp,
    org: &str,
    login: &str,
    role: Role,
    indicators: &[&str],
    areas: &[&str],
) -> String {
    let db = &app.state.db;
    if !db
        .organisations()
        .await
        .unwrap()
        .iter()
        .any(|o| o.name == org)
    {
        db.add_organisation(org, OrganisationKind::Other, &cli())
            .await
            .unwrap();
    }
    db.add_user(login, "", org, "a long enough passphrase", &cli())
        .await
        .unwrap();
    let strings = |codes: &[&str]| codes.iter().map(|c| c.to_string()).collect::<Vec<_>>();
    db.grant(login, role, &strings(indicators), &strings(areas), &cli())
        .await
        .unwrap();
    db.create_token(login, "test", ALL, None, &cli())
        .await
        .unwrap()
        .secret
}

async fn get(app: &TestApp, uri: &str, token: Option<&str>) -> Answer {
    send(app, Method::GET, uri, token, "", None).await
}

async fn post(app: &TestApp, uri: &str, token: &str, body: &str) -> Answer {
    send(app, Method::POST, uri, Some(token), body, None).await
}

async fn submit(app: &TestApp, token: &str, csv: &str) -> i64 {
    let a = post(app, "/api/v1/submissions?file_name=ken.csv", token, csv).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.json);
    a.json["submission"]["id"].as_i64().unwrap()
}

async fn accept(app: &TestApp, token: &str, id: i64) {
    let body = r#"{"decision":"accept"}"#;
    let a = post(
        app,
        &format!("/api/v1/submissions/{id}/review"),
        token,
        body,
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.json);
}

/// The public values of Kenya's Internet use, by period.
async fn public_kenya(app: &TestApp) -> Vec<(String, f64, bool)> {
    let page = get(
        app,
        "/api/v1/observations?indicator=IT_USE_ii99&area=KEN",
        None,
    )
    .await;
    page.json["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["period"].as_str().unwrap().to_string(),
                r["value"].as_f64().unwrap(),
                r["revised"].as_bool().unwrap(),
            )
        })
        .collect()
}

fn kenya(value: f64) -> String {
    format!("indicator,area,period,sex,value,source\nIT_USE_ii99,KEN,2021,_T,{value},KNBS\n")
}

fn names(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn a_dataset_goes_from_upload_to_publication() {
    let (apps, scratch) = apps("workflow", false).await;
    for app in apps {
        let knbs = member(
            &app,
            "KNBS",
            "knbs",
            Role::Provider,
            &["IT_USE_ii99"],
            &["404"],
        )
        .await;
        let ubos = member(
            &app,
            "UBOS",
            "ubos",
            Role::Provider,
            &["IT_USE_ii99"],
            &["800"],
        )
        .await;
        let itu = member(&app, "ITU", "itu", Role::Custodian, &["IT_USE_ii99"], &[]).await;
        let other = member(
            &app,
            "ITU",
            "itu-mob",
            Role::Custodian,
            &["IT_MOB_OWN"],
            &[],
        )
        .await;
        let admin = member(&app, "ITU", "admin", Role::Administrator, &[], &[]).await;

        // Upload: validated, kept, not public.
        let first = submit(&app, &knbs, &kenya(29.5)).await;
        assert!(public_kenya(&app).await.is_empty());
        let sdmx = "/sdmx/data/DF_ICT/A.G.IT_USE_ii99.404...........";
        assert_eq!(
            get(&app, sdmx, None).await.status,
            StatusCode::NOT_FOUND,
            "SDMX serves nothing unpublished"
        );
        // A file with an error is rejected with its report, and nothing is kept.
        let bad = post(
            &app,
            "/api/v1/submissions?file_name=bad.csv",
            &knbs,
            "indicator,area,period,value\nIT_USE_ii99,KEN,20x1,5\n",
        )
        .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.json);
        assert!(bad.json["report"]["errors"].as_u64().unwrap() >= 1);
        assert!(bad.json.get("submission").is_none());

        // Who sees it: the submitter's organisation and the custodian, not another provider
        // nor another indicator's custodian (404, as if it did not exist).
        let listed = |token: String| {
            let app = &app;
            async move {
                get(app, "/api/v1/submissions", Some(&token))
                    .await
                    .json
                    .as_array()
                    .unwrap()
                    .len()
            }
        };
        assert_eq!(
            (listed(knbs.clone()).await, listed(itu.clone()).await),
            (1, 1)
        );
        assert_eq!(
            (listed(ubos.clone()).await, listed(other.clone()).await),
            (0, 0)
        );
        let detail = format!("/api/v1/submissions/{first}");
        for token in [&ubos, &other] {
            assert_eq!(
                get(&app, &detail, Some(token)).await.status,
                StatusCode::NOT_FOUND
            );
        }
        let shown = get(&app, &detail, Some(&itu)).await;
        assert_eq!(shown.json["rows"][0]["change"], "new", "{}", shown.json);
        assert_eq!(shown.json["rows"][0]["value"], 29.5);

        // Review: never by the submitter; the custodian accepts with a comment on the row.
        let review = format!("/api/v1/submissions/{first}/review");
        let a = post(&app, &review, &knbs, r#"{"decision":"accept"}"#).await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", a.json);
        let a = post(&app, &review, &other, r#"{"decision":"accept"}"#).await;
        assert_eq!(a.status, StatusCode::NOT_FOUND, "{}", a.json);
        let with_comment = r#"{"decision":"accept","comment":"consistent with the 2021 survey",
            "comments":[{"series_key":"IT_USE_ii99|404|","period":"2021","body":"table 4.2"}]}"#;
        // A comment on a row the submission does not have, or without JSON: refused.
        let elsewhere = r#"{"decision":"accept","comments":[{"series_key":"IT_USE_ii99|800|","period":"2021","body":"?"}]}"#;
        let a = post(&app, &review, &itu, elsewhere).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.json);
        let plain = super::accounts::send_headers(
            &app,
            Method::POST,
            &review,
            &[("authorization", format!("Bearer {itu}"))],
            "decision=accept",
            None,
        )
        .await;
        assert_eq!(plain.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        let long_name = format!("/api/v1/submissions?file_name={}", "x".repeat(300));
        assert_eq!(
            post(&app, &long_name, &knbs, &kenya(1.0)).await.status,
            StatusCode::BAD_REQUEST
        );
        let a = post(&app, &review, &itu, with_comment).await;
        assert_eq!(
            (a.status, a.json["status"].as_str()),
            (StatusCode::OK, Some("accepted"))
        );
        let again = post(&app, &review, &admin, r#"{"decision":"reject"}"#).await;
        assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.json);
        let shown = get(&app, &detail, Some(&knbs)).await;
        assert_eq!(shown.json["comments"][0]["body"], "table 4.2");
        assert!(
            public_kenya(&app).await.is_empty(),
            "accepted is not public"
        );

        // A second file for the same data point, based on the same (empty) public data.
        let stale = submit(&app, &knbs, &kenya(31.0)).await;
        accept(&app, &itu, stale).await;
        // Both in one release: refused, nothing published.
        let before = app.state.db.counts().await.unwrap();
        let a = post(&app, "/api/v1/releases", &admin, r#"{"name":"2026-01"}"#).await;
        assert_eq!(a.status, StatusCode::CONFLICT, "{}", a.json);
        assert!(
            a.json["message"].as_str().unwrap().contains("both give"),
            "{}",
            a.json
        );
        assert_eq!(app.state.db.counts().await.unwrap(), before);
        // Only providers' and custodians' administrators publish.
        let body = format!(r#"{{"name":"2026-01","submissions":[{first}]}}"#);
        assert_eq!(
            post(&app, "/api/v1/releases", &itu, &body).await.status,
            StatusCode::FORBIDDEN
        );
        let a = post(&app, "/api/v1/releases", &admin, &body).await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.json);
        assert_eq!(public_kenya(&app).await, vec![("2021".into(), 29.5, false)]);
        assert_eq!(get(&app, sdmx, None).await.status, StatusCode::OK);
        let releases = get(&app, "/api/v1/releases", None).await;
        assert_eq!(names(&releases.json), vec!["2026-01"]);
        let compared = get(&app, "/api/v1/releases/2026-01", None).await;
        assert_eq!(
            (
                compared.json["added"].as_u64(),
                compared.json["revised"].as_u64()
            ),
            (Some(1), Some(0))
        );
        assert_eq!(compared.json["changes"][0]["author"], "knbs");
        let revisions = get(&app, "/api/v1/revisions", None).await;
        assert_eq!(
            revisions.json[0]["kind"], "submission",
            "{}",
            revisions.json
        );

        // The stale submission now conflicts with the published value: a clear error naming
        // the data point and who changed it; nothing is written; it stays accepted.
        let before = app.state.db.counts().await.unwrap();
        let body = format!(r#"{{"name":"2026-02","submissions":[{stale}]}}"#);
        let a = post(&app, "/api/v1/releases", &admin, &body).await;
        assert_eq!(a.status, StatusCode::CONFLICT, "{}", a.json);
        let message = a.json["message"].as_str().unwrap();
        assert!(
            message.contains("IT_USE_ii99 404 2021") && message.contains("by knbs"),
            "{message}"
        );
        assert_eq!(app.state.db.counts().await.unwrap(), before);
        assert!(app.state.db.release("2026-02").await.unwrap().is_none());
        let shown = get(&app, &format!("/api/v1/submissions/{stale}"), Some(&knbs)).await;
        assert_eq!(shown.json["submission"]["status"], "accepted");
        assert_eq!(shown.json["rows"][0]["change"], "revised");

        // Resubmitted on the current release, published under a short embargo.
        let withdraw = post(
            &app,
            &format!("/api/v1/submissions/{stale}/withdraw"),
            &knbs,
            "",
        )
        .await;
        assert_eq!(
            withdraw.status,
            StatusCode::CONFLICT,
            "an accepted submission is not withdrawn"
        );
        let fresh = submit(&app, &knbs, &kenya(31.0)).await;
        accept(&app, &itu, fresh).await;
        let at = ictstat_store::time_after(std::time::Duration::from_secs(3));
        let body = format!(r#"{{"name":"2026-02","publish_at":"{at}","submissions":[{fresh}]}}"#);
        let a = post(&app, "/api/v1/releases", &admin, &body).await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.json);
        assert_eq!(
            public_kenya(&app).await,
            vec![("2021".into(), 29.5, false)],
            "under embargo"
        );
        assert_eq!(
            names(&get(&app, "/api/v1/releases", None).await.json),
            vec!["2026-01"]
        );
        assert_eq!(
            get(&app, "/api/v1/releases/2026-02", None).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            names(&get(&app, "/api/v1/embargoes", Some(&admin)).await.json),
            vec!["2026-02"]
        );
        let history = "/api/v1/observations/history?indicator=IT_USE_ii99&area=KEN&start=2021";
        assert_eq!(
            get(&app, history, None).await.json["versions"]
                .as_array()
                .unwrap()
                .len(),
            1
        );
        // A later release cannot come out before the embargoed one.
        let early = post(
            &app,
            "/api/v1/releases",
            &admin,
            r#"{"name":"2026-03","publish_at":"2020-01-01"}"#,
        )
        .await;
        assert_eq!(early.status, StatusCode::BAD_REQUEST, "{}", early.json);

        // The embargo ends: the server's poll (here, one refresh) publishes it.
        tokio::time::sleep(std::time::Duration::from_millis(3200)).await;
        assert!(app.state.read_model.refresh(&app.state.db).await.unwrap());
        assert_eq!(public_kenya(&app).await, vec![("2021".into(), 31.0, true)]);
        let compared = get(&app, "/api/v1/releases/2026-02", None).await;
        assert_eq!(compared.json["revised"], 1, "{}", compared.json);
        assert_eq!(compared.json["previous"]["name"], "2026-01");
        assert_eq!(compared.json["changes"][0]["before"], 29.5);
        // Changes come a page at a time.
        let paged = get(&app, "/api/v1/releases/2026-02?limit=1&offset=1", None).await;
        assert_eq!(
            paged.json["changes"].as_array().unwrap().len(),
            0,
            "{}",
            paged.json
        );
        assert_eq!(
            (
                paged.json["offset"].as_u64(),
                paged.json["revised"].as_u64()
            ),
            (Some(1), Some(1))
        );
        assert_eq!(
            get(&app, history, None).await.json["versions"]
                .as_array()
                .unwrap()
                .len(),
            2
        );

        let actions: Vec<String> = app
            .state
            .db
            .audit_entries(&ictstat_store::accounts::AuditQuery {
                limit: 1000,
                ..Default::default()
            })
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect();
        assert_eq!(
            actions.iter().filter(|a| *a == "release_published").count(),
            2
        );
        assert_eq!(
            actions
                .iter()
                .filter(|a| *a == "submission_reviewed")
                .count(),
            3
        );
    }
    scratch.finish().await.unwrap();
}

/// Two administrators publish two submissions of the same data point at once: one release
/// wins, the other is a conflict, and the published value is the winner's.
/// The bootstrap token (no user) is held to the four eyes too: it may not accept what it
/// submitted.
#[tokio::test]
async fn the_bootstrap_token_does_not_review_its_own_submission() {
    let (apps, scratch) = apps("selfreview", false).await;
    for app in apps {
        let itu = member(&app, "ITU", "itu", Role::Custodian, &["IT_USE_ii99"], &[]).await;
        let own = submit(&app, super::TOKEN, &kenya(12.5)).await;
        let review = format!("/api/v1/submissions/{own}/review");
        let a = post(&app, &review, super::TOKEN, r#"{"decision":"accept"}"#).await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", a.json);
        accept(&app, &itu, own).await;
    }
    scratch.finish().await.unwrap();
}

#[tokio::test]
async fn concurrent_publications_never_lose_an_update() {
    let (apps, scratch) = apps("concurrent", false).await;
    for app in apps {
        let knbs = member(
            &app,
            "KNBS",
            "knbs",
            Role::Provider,
            &["IT_USE_ii99"],
            &["404"],
        )
        .await;
        let itu = member(&app, "ITU", "itu", Role::Custodian, &["IT_USE_ii99"], &[]).await;
        let admin = member(&app, "ITU", "admin", Role::Administrator, &[], &[]).await;
        let (a, b) = (
            submit(&app, &knbs, &kenya(40.0)).await,
            submit(&app, &knbs, &kenya(41.0)).await,
        );
        accept(&app, &itu, a).await;
        accept(&app, &itu, b).await;
        let (body_a, body_b) = (
            format!(r#"{{"name":"a","submissions":[{a}]}}"#),
            format!(r#"{{"name":"b","submissions":[{b}]}}"#),
        );
        let (ra, rb) = tokio::join!(
            post(&app, "/api/v1/releases", &admin, &body_a),
            post(&app, "/api/v1/releases", &admin, &body_b),
        );
        let mut statuses = [ra.status, rb.status];
        statuses.sort();
        assert_eq!(
            statuses,
            [StatusCode::CREATED, StatusCode::CONFLICT],
            "{} {}",
            ra.json,
            rb.json
        );
        let winner = if ra.status == StatusCode::CREATED {
            40.0
        } else {
            41.0
        };
        assert_eq!(
            public_kenya(&app).await,
            vec![("2021".into(), winner, false)]
        );
    }
    scratch.finish().await.unwrap();
}
