//! The publication workflow in the browser, on every backend: a provider uploads a file
//! through the form (CSRF-checked, validated, scoped), a custodian reviews it with a comment
//! on a row, an administrator publishes it, and the public pages show the release and mark
//! the revised value. The rules are the API's; these tests check that the pages apply them.

use axum::http::{Method, StatusCode, header};
use ictstat_server::session::SessionConfig;
use ictstat_server::{AppState, ServerConfig};
use ictstat_store::accounts::{AuditQuery, Role};
use ictstat_store::scratch::ScratchDbs;
use ictstat_store::submissions::{SubmissionQuery, SubmissionStatus};

use crate::common::{
    Answer, Browser, KENYA, Part, add_user_of, multipart, signed_in, sites, sites_with,
};

/// Kenya's Internet use in 2021 revised (29.5 was published: it stays the latest year) and
/// 2020 new.
const REVISION: &str = "indicator,area,period,sex,value,source\n\
                        IT_USE_ii99,KEN,2020,_T,27.0,KNBS\n\
                        IT_USE_ii99,KEN,2021,_T,31.2,KNBS\n";

/// Sites where Kenya's 2021 value is published, with an administrator (`ada`), a provider of
/// Kenya (`pat`, Office), a custodian of Internet use (`cus`, Ministry) and a provider of
/// Uganda in another organisation (`oth`, Elsewhere).
async fn workflow_sites(name: &str) -> (Vec<AppState>, ScratchDbs) {
    let (states, scratch) = sites(name, SessionConfig::default()).await;
    for state in &states {
        let db = &state.db;
        add_user_of(db, "ada", Role::Administrator, "Office", "404").await;
        add_user_of(db, "pat", Role::Provider, "Office", "404").await;
        add_user_of(db, "cus", Role::Custodian, "Ministry", "404").await;
        add_user_of(db, "oth", Role::Provider, "Elsewhere", "800").await;
        let mut ada = signed_in(state, "ada").await;
        let csrf = ada.get("/account").await.csrf();
        let import = ada
            .send(
                Method::POST,
                "/api/v1/imports?file_name=kenya.csv",
                KENYA,
                &[("x-csrf-token", &csrf)],
            )
            .await;
        assert_eq!(import.status, StatusCode::OK, "{}", import.body);
    }
    (states, scratch)
}

/// Uploads `file` through the form, with the form's CSRF token before the file.
async fn upload(b: &mut Browser<'_>, file: &str) -> Answer {
    let form = b.get("/submissions/new").await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    let csrf = form.csrf();
    b.post_multipart(
        "/submissions/new",
        &[
            Part::Text("csrf", &csrf),
            Part::File("file", "kenya.csv", file),
            Part::Text("format", ""),
            Part::Text("comment", "from the survey"),
        ],
    )
    .await
}

async fn kept(state: &AppState) -> usize {
    state
        .db
        .submissions(&SubmissionQuery {
            limit: 100,
            ..SubmissionQuery::default()
        })
        .await
        .unwrap()
        .len()
}

/// The number in the first `/submissions/{id}` link of a page.
fn submission_link(page: &Answer) -> i64 {
    page.body
        .split("href=\"/submissions/")
        .skip(1)
        .find_map(|rest| {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            digits.parse().ok()
        })
        .unwrap_or_else(|| panic!("no submission link in {}", page.body))
}

#[tokio::test]
async fn an_upload_needs_the_csrf_token_before_its_file() {
    let (states, scratch) = workflow_sites("webuploadcsrf").await;
    for state in &states {
        let mut pat = signed_in(state, "pat").await;
        let form = pat.get("/submissions/new").await;
        assert!(
            form.body.contains("enctype=\"multipart/form-data\""),
            "{}",
            form.body
        );
        assert_eq!(form.headers[header::CACHE_CONTROL], "private, no-store");
        let csrf = form.csrf();
        let file = Part::File("file", "kenya.csv", REVISION);
        let without = pat.post_multipart("/submissions/new", &[file]).await;
        assert_eq!(without.status, StatusCode::FORBIDDEN, "{}", without.body);
        assert!(
            without.body.contains("nothing was changed"),
            "{}",
            without.body
        );
        let wrong = pat
            .post_multipart(
                "/submissions/new",
                &[Part::Text("csrf", &"0".repeat(64)), file],
            )
            .await;
        assert_eq!(wrong.status, StatusCode::FORBIDDEN);
        // The token after the file: refused, as the file was read before any token.
        let late = pat
            .post_multipart("/submissions/new", &[file, Part::Text("csrf", &csrf)])
            .await;
        assert_eq!(late.status, StatusCode::FORBIDDEN);
        let (content_type, body) = multipart(&[Part::Text("csrf", &csrf), file]);
        let foreign = pat
            .send(
                Method::POST,
                "/submissions/new",
                &body,
                &[
                    ("content-type", &content_type),
                    ("origin", "https://evil.example"),
                ],
            )
            .await;
        assert_eq!(foreign.status, StatusCode::FORBIDDEN);
        assert_eq!(kept(state).await, 0, "nothing is kept without the token");

        let mut nobody = Browser::new(state);
        let anonymous = nobody
            .post_multipart("/submissions/new", &[Part::Text("csrf", &csrf), file])
            .await;
        assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
        assert_eq!(
            nobody.get("/submissions/new").await.headers[header::LOCATION],
            "/signin"
        );

        let ok = upload(&mut pat, REVISION).await;
        assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.body);
        assert_eq!(kept(state).await, 1);
        let id = submission_link(&ok);
        assert!(ok.body.contains(&format!("Submission {id}")), "{}", ok.body);

        // A viewer's roles do not submit: the form says so.
        add_user_of(&state.db, "vic", Role::Viewer, "Office", "404").await;
        let mut vic = signed_in(state, "vic").await;
        let refused = vic.get("/submissions/new").await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        assert!(refused.body.contains("Your roles do not submit data"));
    }
    scratch.finish().await.unwrap();
}

/// The form's upload is bounded by the server's upload limit, as the API's are.
#[tokio::test]
async fn an_upload_past_the_servers_limit_is_refused() {
    let server = ServerConfig {
        max_upload_bytes: 4096,
        ..ServerConfig::default()
    };
    let (states, scratch) = sites_with("webuploadlimit", SessionConfig::default(), server).await;
    for state in &states {
        add_user_of(&state.db, "pat", Role::Provider, "Office", "404").await;
        let mut pat = signed_in(state, "pat").await;
        let rows: String = (1..=200)
            .map(|i| format!("IT_USE_ii99,KEN,{},_T,30.0,KNBS\n", 1800 + i))
            .collect();
        let big = format!("indicator,area,period,sex,value,source\n{rows}");
        assert!(big.len() > 4096);
        let answer = upload(&mut pat, &big).await;
        assert_eq!(
            answer.status,
            StatusCode::PAYLOAD_TOO_LARGE,
            "{}",
            answer.body
        );
        assert!(answer.body.contains("File too large"), "{}", answer.body);
        assert!(answer.body.contains("4096 bytes"), "{}", answer.body);
        assert_eq!(kept(state).await, 0);
        let small = upload(&mut pat, REVISION).await;
        assert_eq!(small.status, StatusCode::CREATED, "{}", small.body);
    }
    scratch.finish().await.unwrap();
}

#[tokio::test]
async fn a_file_with_errors_shows_its_report_and_keeps_nothing() {
    let (states, scratch) = workflow_sites("webuploadreport").await;
    for state in &states {
        let mut pat = signed_in(state, "pat").await;
        let bad = "indicator,area,period,sex,value,source\n\
                   IT_USE_ii99,KEN,2021,_T,31.2,KNBS\n\
                   IT_USE_ii99,KEN,2022,_T,lots,KNBS\n";
        let answer = upload(&mut pat, bad).await;
        assert_eq!(
            answer.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            answer.body
        );
        assert!(answer.body.contains("Validation report"), "{}", answer.body);
        // The error's row: its line, column, value, message and fix, in the page.
        let row = answer
            .body
            .split("<tr class=\"error\">")
            .nth(1)
            .expect("an error row")
            .split("</tr>")
            .next()
            .unwrap();
        for cell in [
            "kenya.csv",
            "<td class=\"num\">3</td>",
            "<td>value</td>",
            "<code>lots</code>",
        ] {
            assert!(row.contains(cell), "{cell} missing from {row}");
        }
        assert!(!answer.body.contains("href=\"/submissions/1\""));
        assert_eq!(kept(state).await, 0, "a file with errors is not kept");

        // Rows outside the provider's scope: the API's 403 message, audited; nothing kept.
        let uganda = "indicator,area,period,sex,value\nIT_USE_ii99,UGA,2021,_T,10.0\n";
        let outside = upload(&mut pat, uganda).await;
        assert_eq!(outside.status, StatusCode::FORBIDDEN, "{}", outside.body);
        assert!(
            outside
                .body
                .contains("outside the data your roles let you write"),
            "{}",
            outside.body
        );
        assert_eq!(kept(state).await, 0);
        let audited = state
            .db
            .audit_entries(&AuditQuery {
                action: Some("submission_refused".into()),
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(audited.len(), 1, "{audited:?}");
    }
    scratch.finish().await.unwrap();
}

/// The form fields of a review of `id`: the decision, and a comment on Kenya's 2021 row.
fn review_form(csrf: &str, decision: &str) -> String {
    format!(
        "csrf={csrf}&comment=Looks+right&comment.IT_USE_ii99%7C404%7C%7C2021=Check+the+2021+weights&comment.IT_USE_ii99%7C404%7C%7C2020=&decision={decision}"
    )
}

#[tokio::test]
async fn a_submission_goes_from_upload_to_release_under_the_apis_rules() {
    let (states, scratch) = workflow_sites("webworkflow").await;
    for state in &states {
        let mut public = Browser::new(state);
        let before = public.get("/indicators/IT_USE_ii99?area=404").await;
        assert!(
            !before.body.contains("class=\"revised\""),
            "nothing revised yet"
        );

        // The provider uploads; the submission lists the rows beside the published values.
        let mut pat = signed_in(state, "pat").await;
        let id = submission_link(&upload(&mut pat, REVISION).await);
        let url = format!("/submissions/{id}");
        let list = pat.get("/submissions").await;
        assert!(
            list.body.contains(&format!("href=\"{url}\"")),
            "{}",
            list.body
        );
        assert_eq!(list.headers[header::CACHE_CONTROL], "private, no-store");
        let own = pat.get(&url).await;
        assert_eq!(own.status, StatusCode::OK, "{}", own.body);
        let revised_row = own
            .body
            .split("<tr class=\"change-revised\">")
            .nth(1)
            .expect("a revised row")
            .split("</tr>")
            .next()
            .unwrap();
        assert!(revised_row.contains("31.2") && revised_row.contains("29.5"));
        assert!(own.body.contains("<tr class=\"change-new\">"));
        assert!(own.body.contains("/withdraw"), "the submitter may withdraw");
        assert!(!own.body.contains("id=\"review\""), "but not review");

        // The submitter cannot review their own submission.
        let csrf = own.csrf();
        let self_review = pat
            .post(&format!("{url}/review"), &review_form(&csrf, "accept"))
            .await;
        assert_eq!(self_review.status, StatusCode::FORBIDDEN);
        assert!(
            self_review
                .body
                .contains("someone other than its submitter")
        );

        // A provider of another organisation does not see it at all.
        let mut oth = signed_in(state, "oth").await;
        assert_eq!(oth.get(&url).await.status, StatusCode::NOT_FOUND);
        assert!(!oth.get("/submissions").await.body.contains(&url));
        let csrf_oth = oth.get("/account").await.csrf();
        let probe = oth
            .post(&format!("{url}/review"), &review_form(&csrf_oth, "accept"))
            .await;
        assert_eq!(probe.status, StatusCode::NOT_FOUND);

        // The custodian reviews: accepted, with a comment on a row; no token, no review.
        let mut cus = signed_in(state, "cus").await;
        let page = cus.get(&url).await;
        assert!(page.body.contains("id=\"review\""), "{}", page.body);
        assert!(page.body.contains("name=\"comment.IT_USE_ii99|404||2021\""));
        let forged = cus
            .post(&format!("{url}/review"), &review_form("", "accept"))
            .await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN);
        let csrf = page.csrf();
        let done = cus
            .post(&format!("{url}/review"), &review_form(&csrf, "accept"))
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
        assert_eq!(done.headers[header::LOCATION], url.as_str());
        let s = state.db.submission(id).await.unwrap().unwrap();
        assert_eq!(s.status, SubmissionStatus::Accepted);
        assert_eq!(s.reviewed_by.as_deref(), Some("cus"));
        let comments = state.db.submission_comments(id).await.unwrap();
        assert_eq!(comments.len(), 1, "the empty comment field is no comment");
        assert_eq!(comments[0].series_key.as_deref(), Some("IT_USE_ii99|404|"));
        assert_eq!(comments[0].period.as_deref(), Some("2021"));
        let reviewed = cus.get(&url).await;
        assert!(reviewed.body.contains("Check the 2021 weights"));
        assert!(!reviewed.body.contains("id=\"review\""), "decided once");
        let again = cus
            .post(&format!("{url}/review"), &review_form(&csrf, "reject"))
            .await;
        assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
        assert!(again.body.contains("no longer pending"));
        // A comment on a row the submission does not have is refused.
        let stray = cus
            .post(
                &format!("{url}/review"),
                &format!("csrf={csrf}&comment.IT_USE_ii99%7C800%7C%7C2021=x&decision=accept"),
            )
            .await;
        assert_eq!(stray.status, StatusCode::BAD_REQUEST);

        // Only administrators publish.
        let publish =
            |csrf: &str| format!("csrf={csrf}&name=2025-06&description=June&submission={id}");
        let refused = cus.post("/releases", &publish(&csrf)).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        let mut ada = signed_in(state, "ada").await;
        let releases = ada.get("/releases").await;
        assert!(
            releases
                .body
                .contains(&format!("name=\"submission\" value=\"{id}\" checked")),
            "{}",
            releases.body
        );
        let csrf = releases.csrf();
        let published = ada.post("/releases", &publish(&csrf)).await;
        assert_eq!(
            published.status,
            StatusCode::SEE_OTHER,
            "{}",
            published.body
        );
        assert_eq!(published.headers[header::LOCATION], "/releases/2025-06");
        let twice = ada.post("/releases", &publish(&csrf)).await;
        assert_eq!(twice.status, StatusCode::CONFLICT, "{}", twice.body);

        // The public sees the release, what it changed, and the revised value marked.
        let list = public.get("/releases").await;
        assert!(list.body.contains("href=\"/releases/2025-06\""));
        assert!(
            !list.body.contains("id=\"publish\""),
            "no form for the public"
        );
        let release = public.get("/releases/2025-06").await;
        assert_eq!(release.status, StatusCode::OK);
        let change = release
            .body
            .split("<td class=\"num before\">29.5</td>")
            .nth(1)
            .expect("the revised value's row");
        assert!(change.starts_with("<td class=\"num after\">31.2</td><td>pat</td>"));
        assert!(release.body.contains("<strong>1</strong> values revised"));
        assert!(
            release
                .body
                .contains("<strong>1</strong> data points added")
        );
        assert_eq!(
            public.get("/releases/no-such").await.status,
            StatusCode::NOT_FOUND
        );
        let indicator = public.get("/indicators/IT_USE_ii99?area=404").await;
        let marked = "31.2 <abbr class=\"revised\" title=\"revised\">r</abbr>";
        assert!(indicator.body.contains(marked), "{}", indicator.body);
        assert!(indicator.body.contains("class=\"note revised-note\""));
        let profile = public.get("/countries/404?lang=fr").await;
        assert!(
            profile
                .body
                .contains("<abbr class=\"revised\" title=\"révisée\">r</abbr>"),
            "{}",
            profile.body
        );
        let s = state.db.submission(id).await.unwrap().unwrap();
        assert_eq!(s.status, SubmissionStatus::Published);
        assert!(
            pat.get(&url)
                .await
                .body
                .contains("href=\"/releases/2025-06\"")
        );
    }
    scratch.finish().await.unwrap();
}
