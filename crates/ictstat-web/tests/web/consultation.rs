//! A consultation on the thematic list in the browser, on every backend: the framework page
//! lists the versions and shows the current one, a version's page shows what changed and the
//! comments, signed-in users comment and reply through the forms (CSRF-checked), custodians of
//! an item's indicators set the status of comments on it, and a final version takes no more
//! comments. The rules are the API's; these tests check that the pages apply them.

use axum::http::{StatusCode, header};
use ictstat_core::FrameworkItem;
use ictstat_server::AppState;
use ictstat_server::session::SessionConfig;
use ictstat_store::accounts::{Actor, Role};
use ictstat_store::consultation::{CommentStatus, FrameworkComment};
use ictstat_store::scratch::ScratchDbs;

use crate::common::{Answer, Browser, add_user_of, signed_in, sites};

const LIST: &str = "THEMATIC_SDG";
const FRAMEWORK: &str = "/frameworks/THEMATIC_SDG";
const DRAFT: &str = "/frameworks/THEMATIC_SDG/versions/2";
const COMMENTS: &str = "/frameworks/THEMATIC_SDG/versions/2/comments";
/// The item the draft renames; it measures Internet use, whose custodian is `cus`.
const RENAMED: &str = "17.8-1";
const NEW_NAME: &str = "Proportion of individuals using the Internet, by sex";
/// The item the draft adds.
const ADDED: &str = "17.8-2";

/// Sites with an administrator (`ada`), a custodian of Internet use (`cus`, Ministry), a
/// provider of Kenya's Internet use (`pat`: no custodian) and a viewer (`vic`).
async fn consultation_sites(name: &str) -> (Vec<AppState>, ScratchDbs) {
    let (states, scratch) = sites(name, SessionConfig::default()).await;
    for state in &states {
        let db = &state.db;
        add_user_of(db, "ada", Role::Administrator, "Office", "404").await;
        add_user_of(db, "cus", Role::Custodian, "Ministry", "404").await;
        add_user_of(db, "pat", Role::Provider, "Office", "404").await;
        add_user_of(db, "vic", Role::Viewer, "Civil society", "404").await;
    }
    (states, scratch)
}

fn tester() -> Actor {
    Actor::cli("tester")
}

/// Opens version 2 of the thematic list: its first item removed, [`RENAMED`] renamed, and
/// [`ADDED`] added. Returns the code of the removed item.
async fn open_draft(state: &AppState) -> String {
    let shipped = state
        .catalog
        .frameworks
        .iter()
        .find(|f| f.id == LIST)
        .unwrap();
    let mut items = shipped.items.clone();
    let removed = items.remove(0).code;
    let at = items.iter().position(|i| i.code == RENAMED).unwrap();
    items[at].name = NEW_NAME.into();
    items.push(FrameworkItem {
        code: ADDED.into(),
        name: "Proportion of individuals using the Internet, by age".into(),
        parent: None,
        indicators: vec!["IT_USE_ii99".into()],
        sdg_targets: vec![],
        confirmed: true,
        note: String::new(),
    });
    let draft = state
        .db
        .open_draft(
            LIST,
            "2027 revision, draft 1",
            Some("comments welcome"),
            None,
            &items,
            &tester(),
        )
        .await
        .unwrap();
    assert_eq!(draft.version, 2);
    removed
}

async fn comments(state: &AppState) -> Vec<FrameworkComment> {
    state.db.framework_comments(LIST, 2).await.unwrap()
}

/// The `<tr>` of the element whose opening tag contains `marker`.
fn row<'p>(page: &'p Answer, marker: &str) -> &'p str {
    let at = page
        .body
        .find(marker)
        .unwrap_or_else(|| panic!("no {marker} in {}", page.body));
    let start = page.body[..at].rfind("<tr").unwrap();
    let end = at + page.body[at..].find("</tr>").unwrap();
    &page.body[start..end]
}

/// The `<li>` of comment `id`.
fn comment_item(page: &Answer, id: i64) -> &str {
    let marker = format!("id=\"comment-{id}\"");
    let at = page
        .body
        .find(&marker)
        .unwrap_or_else(|| panic!("no comment {id} in {}", page.body));
    let start = page.body[..at].rfind("<li").unwrap();
    // A comment's item holds no other list item (replies are siblings).
    let end = at + page.body[at..].find("</li>").unwrap();
    &page.body[start..end]
}

/// The comment a redirect after a form points to (`…/versions/2#comment-{id}`).
fn redirected_comment(answer: &Answer) -> i64 {
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    let location = answer.headers[header::LOCATION].to_str().unwrap();
    let (page, id) = location.split_once("#comment-").unwrap();
    assert_eq!(page, DRAFT);
    id.parse().unwrap()
}

fn comment_form(csrf: &str, item: &str, body: &str) -> String {
    format!("csrf={csrf}&item={item}&body={body}")
}

#[tokio::test]
async fn the_framework_page_lists_versions_and_shows_the_current_one() {
    let (states, scratch) = consultation_sites("webconsultversions").await;
    for state in &states {
        let mut public = Browser::new(state);
        let before = public.get(FRAMEWORK).await;
        assert_eq!(before.status, StatusCode::OK);
        assert!(before.body.contains("id=\"versions\""), "{}", before.body);
        let v1 = row(&before, "data-version=\"1\"");
        assert!(v1.contains("href=\"/frameworks/THEMATIC_SDG/versions/1\""));
        assert!(v1.contains("current"), "{v1}");

        let removed = open_draft(state).await;
        let drafted = public.get(FRAMEWORK).await;
        let v2 = row(&drafted, "data-version=\"2\"");
        assert!(v2.contains("draft, open for comments"), "{v2}");
        assert!(
            !v2.contains("current"),
            "a draft is not the current version"
        );
        for (class, n) in [("added", 1), ("removed", 1), ("changed", 1)] {
            let cell = format!("<td class=\"num {class}\">{n}</td>");
            assert!(v2.contains(&cell), "{cell} missing from {v2}");
        }
        // Until it is final, the list stands as the catalogue ships it.
        assert!(
            drafted.body.contains(&format!("data-code=\"{removed}\"")),
            "{}",
            drafted.body
        );
        assert!(!drafted.body.contains(&format!("data-code=\"{ADDED}\"")));

        state.db.finalise_draft(LIST, 2, &tester()).await.unwrap();
        let after = public.get(FRAMEWORK).await;
        assert!(
            after
                .body
                .contains("<p class=\"meta\">2027 revision, draft 1"),
            "{}",
            after.body
        );
        assert!(after.body.contains(&format!("data-code=\"{ADDED}\"")));
        let items = after.body.split("id=\"items\"").nth(1).unwrap();
        let items = items.split("</table>").next().unwrap();
        assert!(!items.contains(&format!("data-code=\"{removed}\"")));
        assert!(items.contains(NEW_NAME));
        let v2 = row(&after, "data-version=\"2\"");
        assert!(v2.contains(">final") && v2.contains("current"), "{v2}");
        assert!(!row(&after, "data-version=\"1\"").contains("current"));
        let list = public.get("/frameworks").await;
        assert!(
            list.body.contains("2027 revision, draft 1"),
            "{}",
            list.body
        );

        let french = public.get(&format!("{FRAMEWORK}?lang=fr")).await;
        assert!(french.body.contains("en vigueur"), "{}", french.body);
        assert!(
            french
                .body
                .contains("href=\"/frameworks/THEMATIC_SDG/versions/2?lang=fr\"")
        );
    }
    scratch.finish().await.unwrap();
}

#[tokio::test]
async fn a_version_page_shows_what_changed_since_the_version_before() {
    let (states, scratch) = consultation_sites("webconsultchanges").await;
    for state in &states {
        let removed = open_draft(state).await;
        let mut public = Browser::new(state);
        let page = public.get(DRAFT).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(page.body.contains("Version 2: 2027 revision, draft 1"));
        assert!(page.body.contains("comments welcome"));
        let added = page.body.split("id=\"added\"").nth(1).expect("added items");
        let added = added.split("</table>").next().unwrap();
        assert!(added.contains(&format!("data-code=\"{ADDED}\"")), "{added}");
        let gone = page.body.split("id=\"removed\"").nth(1).expect("removed");
        let gone = gone.split("</table>").next().unwrap();
        assert!(gone.contains(&format!("data-code=\"{removed}\"")), "{gone}");
        let changed = row(&page, "data-field=\"name\"");
        assert!(changed.contains(&format!("data-code=\"{RENAMED}\"")));
        assert!(
            changed
                .contains("<td class=\"before\">Proportion of individuals using the Internet</td>"),
            "{changed}"
        );
        assert!(
            changed.contains(&format!("<td class=\"after\">{NEW_NAME}</td>")),
            "{changed}"
        );
        // Nobody is signed in: the comments and a way to sign in, no form.
        assert!(page.body.contains("No comments yet."));
        assert!(page.body.contains("Sign in to comment on this draft"));
        assert!(!page.body.contains("id=\"comment-form\""));

        let first = public.get("/frameworks/thematic_sdg/versions/1").await;
        assert_eq!(first.status, StatusCode::OK);
        assert!(first.body.contains("The first version"), "{}", first.body);
        assert!(first.body.contains("This version takes no more comments."));
        let spanish = public.get(&format!("{DRAFT}?lang=es")).await;
        assert!(
            spanish
                .body
                .contains("Qué cambió desde la versión anterior")
        );
        assert!(spanish.body.contains("<th scope=\"col\">Antes</th>"));

        for missing in [
            "/frameworks/THEMATIC_SDG/versions/3",
            "/frameworks/THEMATIC_SDG/versions/two",
            "/frameworks/NOPE/versions/1",
            "/frameworks/NOPE",
        ] {
            let answer = public.get(missing).await;
            assert_eq!(answer.status, StatusCode::NOT_FOUND, "{missing}");
        }
        let french = public
            .get("/frameworks/THEMATIC_SDG/versions/3?lang=fr")
            .await;
        assert!(
            french
                .body
                .contains("La version 3 de THEMATIC_SDG n'existe pas."),
            "{}",
            french.body
        );
    }
    scratch.finish().await.unwrap();
}

#[tokio::test]
async fn signed_in_users_comment_and_reply_through_the_forms() {
    let (states, scratch) = consultation_sites("webconsultcomment").await;
    for state in &states {
        open_draft(state).await;
        let mut vic = signed_in(state, "vic").await;
        let page = vic.get(DRAFT).await;
        assert_eq!(page.headers[header::CACHE_CONTROL], "private, no-store");
        assert!(page.body.contains("id=\"comment-form\""), "{}", page.body);
        assert!(page.body.contains(&format!("<option value=\"{RENAMED}\">")));
        let csrf = page.csrf();

        // Without the form's token, or with another: refused, nothing kept.
        let body = "item=17.8-1&body=Keep+the+2015+wording";
        let without = vic.post(COMMENTS, body).await;
        assert_eq!(without.status, StatusCode::FORBIDDEN, "{}", without.body);
        assert!(without.body.contains("nothing was changed"));
        let forged = vic
            .post(COMMENTS, &comment_form(&"0".repeat(64), RENAMED, "x"))
            .await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN);
        let mut nobody = Browser::new(state);
        let anonymous = nobody
            .post(COMMENTS, &comment_form(&csrf, RENAMED, "x"))
            .await;
        assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
        assert!(comments(state).await.is_empty());

        // A comment on an item, with the line breaks a browser sends.
        let posted = vic
            .post(
                COMMENTS,
                &comment_form(&csrf, RENAMED, "Keep+the+2015+wording.%0D%0AAnd+say+why."),
            )
            .await;
        let first = redirected_comment(&posted);
        let stored = comments(state).await;
        assert_eq!(stored.len(), 1);
        assert_eq!(
            (
                stored[0].id,
                stored[0].item.as_deref(),
                stored[0].author.as_str(),
                stored[0].body.as_str(),
                stored[0].status,
            ),
            (
                first,
                Some(RENAMED),
                "vic",
                "Keep the 2015 wording.\nAnd say why.",
                CommentStatus::Open
            )
        );

        // Another user replies under it, through the reply form the page offers.
        let mut pat = signed_in(state, "pat").await;
        let page = pat.get(DRAFT).await;
        let item = comment_item(&page, first);
        assert!(item.contains("class=\"comment depth-0\""), "{item}");
        assert!(item.contains("<strong class=\"author\">vic</strong>"));
        assert!(item.contains("on 17.8-1"));
        assert!(item.contains(&format!("name=\"parent\" value=\"{first}\"")));
        assert!(
            !item.contains("comments/"),
            "a provider sets no status: {item}"
        );
        let reply = pat
            .post(
                COMMENTS,
                &format!(
                    "csrf={}&parent={first}&item={RENAMED}&body=Agreed",
                    page.csrf()
                ),
            )
            .await;
        let second = redirected_comment(&reply);
        let stored = comments(state).await;
        assert_eq!(stored[1].parent, Some(first));
        let page = vic.get(DRAFT).await;
        let replied = comment_item(&page, second);
        assert!(replied.contains("class=\"comment depth-1\""), "{replied}");
        assert!(replied.contains(&format!("href=\"#comment-{first}\">in reply to vic")));
        assert!(
            page.body.find(&format!("id=\"comment-{first}\""))
                < page.body.find(&format!("id=\"comment-{second}\""))
        );

        // A comment on the whole draft; bad comments are refused with the store's reason.
        let whole = vic.post(COMMENTS, &comment_form(&csrf, "", "Thanks")).await;
        let third = redirected_comment(&whole);
        assert!(comment_item(&vic.get(DRAFT).await, third).contains("on the whole draft"));
        let long = "x".repeat(4001);
        for (bad, why) in [
            (comment_form(&csrf, RENAMED, "+%0D%0A+"), "needs a text"),
            (comment_form(&csrf, RENAMED, &long), "at most 4000"),
            (comment_form(&csrf, "nope", "x"), "no item `nope`"),
            (
                format!("csrf={csrf}&parent=one&body=x"),
                "not a comment number",
            ),
            (
                format!("csrf={csrf}&parent=99999&body=x"),
                "not a comment on this draft",
            ),
        ] {
            let answer = vic.post(COMMENTS, &bad).await;
            assert_eq!(
                answer.status,
                StatusCode::BAD_REQUEST,
                "{why}: {}",
                answer.body
            );
            assert!(answer.body.contains(why), "{why}: {}", answer.body);
            assert!(
                answer
                    .body
                    .contains("href=\"/frameworks/THEMATIC_SDG/versions/2\"")
            );
        }
        assert_eq!(comments(state).await.len(), 3);
    }
    scratch.finish().await.unwrap();
}

#[tokio::test]
async fn custodians_of_an_items_indicators_set_the_status_of_comments_on_it() {
    let (states, scratch) = consultation_sites("webconsultstatus").await;
    for state in &states {
        open_draft(state).await;
        let mut vic = signed_in(state, "vic").await;
        let csrf = vic.get(DRAFT).await.csrf();
        let on_item = redirected_comment(
            &vic.post(COMMENTS, &comment_form(&csrf, RENAMED, "Why+by+sex"))
                .await,
        );
        let on_draft =
            redirected_comment(&vic.post(COMMENTS, &comment_form(&csrf, "", "Thanks")).await);
        let status_of = |id: i64| format!("/frameworks/THEMATIC_SDG/comments/{id}/status");
        let set = |csrf: &str, status: &str| format!("csrf={csrf}&status={status}");

        // The custodian sees a status select on the comment on their item only.
        let mut cus = signed_in(state, "cus").await;
        let page = cus.get(DRAFT).await;
        let form = format!("action=\"{}\"", status_of(on_item));
        assert!(
            comment_item(&page, on_item).contains(&form),
            "{}",
            page.body
        );
        assert!(!comment_item(&page, on_draft).contains("/status"));
        assert!(
            !vic.get(DRAFT)
                .await
                .body
                .contains("class=\"comment-status\"")
        );

        // Anyone else is refused, and nothing changes.
        let mut pat = signed_in(state, "pat").await;
        let pat_csrf = pat.get(DRAFT).await.csrf();
        let refused = pat
            .post(&status_of(on_item), &set(&pat_csrf, "declined"))
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
        assert!(
            refused
                .body
                .contains("custodian of the indicators of its item")
        );
        let refused = cus
            .post(&status_of(on_draft), &set(&page.csrf(), "declined"))
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        let without = cus.post(&status_of(on_item), "status=accepted").await;
        assert_eq!(without.status, StatusCode::FORBIDDEN);
        assert!(
            comments(state)
                .await
                .iter()
                .all(|c| c.status == CommentStatus::Open)
        );

        // The custodian accepts; a bad status or comment is refused.
        let done = cus
            .post(&status_of(on_item), &set(&page.csrf(), "accepted"))
            .await;
        assert_eq!(redirected_comment(&done), on_item);
        let stored = comments(state).await;
        assert_eq!(
            (stored[0].status, stored[0].status_by.as_deref()),
            (CommentStatus::Accepted, Some("cus"))
        );
        let shown = comment_item(&vic.get(DRAFT).await, on_item).to_string();
        assert!(shown.contains("data-status=\"accepted\""), "{shown}");
        assert!(shown.contains("Status set by cus"), "{shown}");
        let bad = cus
            .post(&status_of(on_item), &set(&page.csrf(), "maybe"))
            .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        let missing = cus
            .post(&status_of(99999), &set(&page.csrf(), "accepted"))
            .await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND);

        // An administrator sets the status of any comment.
        let mut ada = signed_in(state, "ada").await;
        let ada_csrf = ada.get(DRAFT).await.csrf();
        let done = ada
            .post(&status_of(on_draft), &set(&ada_csrf, "answered"))
            .await;
        assert_eq!(redirected_comment(&done), on_draft);
        assert_eq!(comments(state).await[1].status, CommentStatus::Answered);
    }
    scratch.finish().await.unwrap();
}

#[tokio::test]
async fn a_final_or_closed_version_takes_no_comments() {
    let (states, scratch) = consultation_sites("webconsultclosed").await;
    for state in &states {
        open_draft(state).await;
        state.db.finalise_draft(LIST, 2, &tester()).await.unwrap();
        let mut vic = signed_in(state, "vic").await;
        let page = vic.get(DRAFT).await;
        assert!(!page.body.contains("id=\"comment-form\""), "{}", page.body);
        assert!(page.body.contains("This version takes no more comments."));
        let refused = vic
            .post(COMMENTS, &comment_form(&page.csrf(), RENAMED, "Too+late"))
            .await;
        assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
        assert!(
            refused.body.contains("comments are closed"),
            "{}",
            refused.body
        );
        assert!(comments(state).await.is_empty());

        // A draft whose comments closed: shown as closed, and refused the same way.
        let current = ictstat_server::current_framework(state, LIST)
            .await
            .unwrap();
        state
            .db
            .open_draft(
                LIST,
                "2028 revision",
                None,
                Some("2020-01-01T00:00:00Z"),
                &current.items,
                &tester(),
            )
            .await
            .unwrap();
        let closed_uri = "/frameworks/THEMATIC_SDG/versions/3";
        let page = vic.get(closed_uri).await;
        assert!(
            page.body.contains("draft, comments closed"),
            "{}",
            page.body
        );
        assert!(!page.body.contains("id=\"comment-form\""));
        assert!(page.body.contains("No item was added, removed or changed."));
        let refused = vic
            .post(
                &format!("{closed_uri}/comments"),
                &comment_form(&page.csrf(), "", "Too+late"),
            )
            .await;
        assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
        assert!(refused.body.contains("closed at"), "{}", refused.body);
    }
    scratch.finish().await.unwrap();
}
