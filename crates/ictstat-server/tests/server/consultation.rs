//! A consultation on the thematic list through the API: an administrator opens a draft and
//! edits it, registered stakeholders comment per item and reply, a custodian answers a
//! comment on their indicator, the draft is finalised, and the public sees both versions and
//! what changed.

use axum::http::{Method, StatusCode};
use ictstat_store::accounts::Role;
use serde_json::{Value, json};

use super::accounts::send;
use super::apps;
use super::workflow::member;

async fn call(
    app: &super::TestApp,
    method: Method,
    uri: &str,
    token: Option<&str>,
    body: &str,
) -> (StatusCode, Value) {
    let a = send(app, method, uri, token, body, None).await;
    (a.status, a.json)
}

#[tokio::test]
async fn a_draft_list_is_commented_on_and_finalised_as_a_new_version() {
    let (apps, scratch) = apps("consultation", false).await;
    for app in apps {
        let admin = member(&app, "ITU", "admin", Role::Administrator, &[], &[]).await;
        let mobile = member(&app, "ITU", "mob", Role::Custodian, &["IT_MOB_OWN"], &[]).await;
        let other = member(&app, "UIS", "uis", Role::Custodian, &["SE_ADT_ACTS"], &[]).await;
        let nso = member(
            &app,
            "KNBS",
            "knbs",
            Role::Provider,
            &["IT_USE_ii99"],
            &["404"],
        )
        .await;
        let viewer = member(&app, "Civil society", "cso", Role::Viewer, &[], &[]).await;
        let base = "/api/v1/frameworks/THEMATIC_SDG/versions";
        let shipped = app
            .state
            .catalog
            .frameworks
            .iter()
            .find(|f| f.id == "THEMATIC_SDG")
            .unwrap()
            .clone();

        // Only administrators open a consultation; one draft at a time.
        let open = r#"{"label":"2027 revision, draft 1","note":"comments welcome"}"#;
        assert_eq!(
            call(&app, Method::POST, base, Some(&nso), open).await.0,
            StatusCode::FORBIDDEN
        );
        let (status, draft) = call(&app, Method::POST, base, Some(&admin), open).await;
        assert_eq!(status, StatusCode::CREATED, "{draft}");
        assert_eq!(
            (draft["version"].as_i64(), draft["status"].as_str()),
            (Some(2), Some("draft"))
        );
        assert_eq!(
            call(&app, Method::POST, base, Some(&admin), open).await.0,
            StatusCode::CONFLICT
        );

        // The administrator edits the draft: one item renamed, one removed, one added.
        let mut items: Vec<Value> = serde_json::to_value(&shipped.items)
            .unwrap()
            .as_array()
            .unwrap()
            .clone();
        let removed = items.remove(0)["code"].as_str().unwrap().to_string();
        // 5.b-1 measures IT_MOB_OWN, whose custodian is `mob`.
        let renamed = "5.b-1";
        let at = items.iter().position(|i| i["code"] == renamed).unwrap();
        items[at]["name"] =
            json!("Proportion of individuals owning a mobile phone, by sex and age");
        items.push(json!({"code": "17.8-2", "name": "Proportion of individuals using the Internet, by age", "indicators": ["IT_USE_ii99"]}));
        let draft_uri = format!("{base}/2");
        let (status, edited) = call(
            &app,
            Method::PUT,
            &draft_uri,
            Some(&admin),
            &json!({"items": items}).to_string(),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{edited}");
        let twice = json!({"items": [items[0].clone(), items[0].clone()]}).to_string();
        let (status, refused) = call(&app, Method::PUT, &draft_uri, Some(&admin), &twice).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
        assert!(refused["message"].as_str().unwrap().contains("used twice"));

        // Stakeholders comment on an item and reply; bad comments are refused.
        let comments = format!("{draft_uri}/comments");
        let on_item = json!({"item": renamed, "body": "keep the 2015 wording"}).to_string();
        let (status, first) = call(&app, Method::POST, &comments, Some(&nso), &on_item).await;
        assert_eq!(status, StatusCode::CREATED, "{first}");
        let reply = json!({"parent": first["id"], "body": "agreed, age matters"}).to_string();
        assert_eq!(
            call(&app, Method::POST, &comments, Some(&viewer), &reply)
                .await
                .0,
            StatusCode::CREATED
        );
        for bad in [
            json!({"item": "nope", "body": "x"}),
            json!({"body": " "}),
            json!({"parent": 99999, "body": "x"}),
        ] {
            let (status, answer) =
                call(&app, Method::POST, &comments, Some(&nso), &bad.to_string()).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {answer}");
        }
        assert_eq!(
            call(&app, Method::POST, &comments, None, &on_item).await.0,
            StatusCode::UNAUTHORIZED
        );

        // The custodian of the item's indicator answers it; another custodian may not.
        let status_uri = format!(
            "/api/v1/frameworks/THEMATIC_SDG/comments/{}/status",
            first["id"]
        );
        assert_eq!(
            call(
                &app,
                Method::POST,
                &status_uri,
                Some(&other),
                r#"{"status":"declined"}"#
            )
            .await
            .0,
            StatusCode::FORBIDDEN
        );
        let (status, answered) = call(
            &app,
            Method::POST,
            &status_uri,
            Some(&mobile),
            r#"{"status":"accepted"}"#,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{answered}");
        assert_eq!(
            (answered["status"].as_str(), answered["status_by"].as_str()),
            (Some("accepted"), Some("mob"))
        );

        // Finalised: the current version, closed to comments.
        let (status, fin) = call(
            &app,
            Method::POST,
            &format!("{draft_uri}/finalise"),
            Some(&admin),
            "",
        )
        .await;
        assert_eq!(
            (status, fin["status"].as_str()),
            (StatusCode::OK, Some("final")),
            "{fin}"
        );
        assert_eq!(
            call(&app, Method::POST, &comments, Some(&nso), &on_item)
                .await
                .0,
            StatusCode::CONFLICT
        );
        assert_eq!(
            call(
                &app,
                Method::POST,
                &format!("{draft_uri}/finalise"),
                Some(&admin),
                ""
            )
            .await
            .0,
            StatusCode::CONFLICT
        );

        // The public sees the versions, what changed, and the comments.
        let (_, current) = call(
            &app,
            Method::GET,
            "/api/v1/frameworks/THEMATIC_SDG",
            None,
            "",
        )
        .await;
        assert_eq!(current["version"], "2027 revision, draft 1");
        assert_eq!(current["status"], "final", "the shipped list was a draft");
        assert_eq!(
            current["items"].as_array().unwrap().len(),
            shipped.items.len()
        );
        let (_, versions) = call(&app, Method::GET, base, None, "").await;
        let summary: Vec<(i64, u64, u64, u64)> = versions
            .as_array()
            .unwrap()
            .iter()
            .map(|v| {
                (
                    v["version"].as_i64().unwrap(),
                    v["added"].as_u64().unwrap(),
                    v["removed"].as_u64().unwrap(),
                    v["changed"].as_u64().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            vec![(1, shipped.items.len() as u64, 0, 0), (2, 1, 1, 1)]
        );
        let (_, v2) = call(&app, Method::GET, &draft_uri, None, "").await;
        assert_eq!(v2["changes"]["removed"][0]["code"], removed.as_str());
        assert_eq!(v2["changes"]["added"][0]["code"], "17.8-2");
        assert_eq!(v2["changes"]["changed"][0]["fields"], json!(["name"]));
        assert_eq!(v2["comments"].as_array().unwrap().len(), 2);
        assert_eq!(v2["comments"][1]["parent"], first["id"]);
        assert_eq!(
            call(&app, Method::GET, &format!("{base}/3"), None, "")
                .await
                .0,
            StatusCode::NOT_FOUND
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
        for action in [
            "consultation_opened",
            "draft_edited",
            "framework_comment",
            "comment_status",
            "framework_finalised",
        ] {
            assert!(
                actions.iter().any(|a| a == action),
                "{action} is not audited"
            );
        }
    }
    scratch.finish().await.unwrap();
}
