//! Accounts, roles, API tokens and the audit log, on every backend.

use ictstat_store::accounts::{
    Actor, AuditQuery, Grant, OrganisationKind, Role, Scope, TokenCheck, hash_password,
    is_valid_login, sha256_hex, verify_password,
};
use ictstat_store::{Db, StoreError};

use super::scratch;

const PASSWORD: &str = "correct horse battery staple";

fn cli() -> Actor {
    Actor::cli("tester")
}

/// Every audit row, oldest first, as (actor, action, target).
pub(crate) async fn audit_trail(db: &Db) -> Vec<(Option<String>, String, Option<String>)> {
    let q = AuditQuery {
        limit: 1000,
        ..AuditQuery::default()
    };
    let mut rows: Vec<_> = db
        .audit_entries(&q)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.actor, e.action, e.target))
        .collect();
    rows.reverse();
    rows
}

/// Every text value of every row of `table`, to look for secrets in.
pub(crate) async fn all_text(db: &Db, table: &str) -> String {
    let sql = format!("SELECT * FROM {table}");
    let mut out = String::new();
    match db {
        Db::Sqlite(p) => {
            use sqlx::Row;
            for row in sqlx::query(sqlx::AssertSqlSafe(sql))
                .fetch_all(p)
                .await
                .unwrap()
            {
                for i in 0..row.len() {
                    if let Ok(Some(v)) = row.try_get::<Option<String>, _>(i) {
                        out.push_str(&v);
                        out.push('\n');
                    }
                }
            }
        }
        Db::Postgres(p) => {
            use sqlx::Row;
            for row in sqlx::query(sqlx::AssertSqlSafe(sql))
                .fetch_all(p)
                .await
                .unwrap()
            {
                for i in 0..row.len() {
                    if let Ok(Some(v)) = row.try_get::<Option<String>, _>(i) {
                        out.push_str(&v);
                        out.push('\n');
                    }
                }
            }
        }
    }
    out
}

#[test]
fn passwords_hash_to_salted_argon2id_and_only_the_password_verifies() {
    let a = hash_password(PASSWORD).unwrap();
    let b = hash_password(PASSWORD).unwrap();
    // OWASP's minimum: 19 MiB, 2 passes, 1 lane; PHC string form.
    assert!(a.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{a}");
    assert_ne!(a, b, "each hash has its own random salt");
    assert!(!a.contains(PASSWORD));
    assert!(verify_password(PASSWORD, &a) && verify_password(PASSWORD, &b));
    assert!(!verify_password("correct horse battery stapler", &a));
    assert!(!verify_password("", &a));
    assert!(!verify_password(PASSWORD, "not a PHC string"));
    assert!(matches!(
        hash_password("short"),
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        hash_password(&"x".repeat(2000)),
        Err(StoreError::Invalid(_))
    ));
}

#[tokio::test]
async fn users_organisations_and_grants_are_stored_and_audited() {
    let t = scratch("accounts").await;
    for db in &t.dbs {
        let org = db
            .add_organisation(
                "Communications Authority of Kenya",
                OrganisationKind::Regulator,
                &cli(),
            )
            .await
            .unwrap();
        assert_eq!(org.kind, OrganisationKind::Regulator);
        assert!(matches!(
            db.add_organisation(
                "Communications Authority of Kenya",
                OrganisationKind::Other,
                &cli()
            )
            .await,
            Err(StoreError::Exists(_))
        ));
        assert!(matches!(
            db.add_user("ann", "", "Nowhere", PASSWORD, &cli()).await,
            Err(StoreError::Missing(_))
        ));
        let ann = db
            .add_user("ann", "Ann K.", &org.name, PASSWORD, &cli())
            .await
            .unwrap();
        assert_eq!((ann.display_name.as_str(), ann.disabled), ("Ann K.", false));
        assert!(matches!(
            db.add_user("ann", "", &org.name, PASSWORD, &cli()).await,
            Err(StoreError::Exists(_))
        ));
        // No shape a login cannot have, and not the audit log's names of the bootstrap token
        // and of the command line.
        let long = "a".repeat(65);
        for bad in [
            "a b",
            "",
            &long,
            "bootstrap-token",
            "Bootstrap-Token",
            "cli:root",
        ] {
            assert!(
                matches!(
                    db.add_user(bad, "", &org.name, PASSWORD, &cli()).await,
                    Err(StoreError::Invalid(_))
                ),
                "{bad}"
            );
        }
        assert!(is_valid_login(&"a".repeat(64)) && !is_valid_login(&long));
        // The table holds an Argon2id PHC string, never the password.
        let stored = all_text(db, "app_user").await;
        assert!(stored.contains("$argon2id$") && !stored.contains(PASSWORD));

        // Passwords: right, wrong, unknown login; each attempt audited.
        let client = Some("192.0.2.7");
        assert_eq!(
            db.authenticate_password("ann", PASSWORD, client)
                .await
                .unwrap()
                .map(|u| u.id),
            Some(ann.id)
        );
        assert!(
            db.authenticate_password("ann", "wrong password!", client)
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            db.authenticate_password("bob", PASSWORD, client)
                .await
                .unwrap()
                .is_none()
        );

        // Provider: every (area, indicator) pair is a row; again adds nothing.
        let areas = vec!["404".to_string(), "800".to_string()];
        let indicators = vec!["IT_USE_ii99".to_string(), "IT_MOB_OWN".to_string()];
        assert_eq!(
            db.grant("ann", Role::Provider, &indicators, &areas, &cli())
                .await
                .unwrap(),
            4
        );
        assert_eq!(
            db.grant("ann", Role::Provider, &indicators, &areas, &cli())
                .await
                .unwrap(),
            0
        );
        assert_eq!(
            db.grant("ann", Role::Viewer, &[], &[], &cli())
                .await
                .unwrap(),
            1
        );
        let grants = db.grants(ann.id).await.unwrap();
        assert_eq!(grants.len(), 5);
        assert!(grants.contains(&Grant {
            role: Role::Provider,
            indicator: Some("IT_MOB_OWN".into()),
            area: Some("800".into()),
        }));
        assert!(grants.contains(&Grant {
            role: Role::Viewer,
            indicator: None,
            area: None
        }));
        // Each role takes exactly its kind of scope.
        for (role, ind, area) in [
            (Role::Administrator, &indicators[..], &[][..]),
            (Role::Custodian, &[][..], &[][..]),
            (Role::Custodian, &indicators[..], &areas[..]),
            (Role::Provider, &indicators[..], &[][..]),
            (Role::Provider, &["*".to_string()][..], &areas[..]),
        ] {
            assert!(
                matches!(
                    db.grant("ann", role, ind, area, &cli()).await,
                    Err(StoreError::Invalid(_))
                ),
                "{role} {ind:?} {area:?}"
            );
        }
        assert!(matches!(
            db.grant("nobody", Role::Viewer, &[], &[], &cli()).await,
            Err(StoreError::Missing(_))
        ));

        db.disable_user("ann", &cli()).await.unwrap();
        assert!(db.user("ann").await.unwrap().unwrap().disabled);
        assert!(
            db.authenticate_password("ann", PASSWORD, None)
                .await
                .unwrap()
                .is_none()
        );

        let cli_name = Some("cli:tester".to_string());
        let ann_target = Some("user:ann".to_string());
        assert_eq!(
            audit_trail(db).await,
            vec![
                (
                    cli_name.clone(),
                    "organisation_created".into(),
                    Some(format!("organisation:{}", org.id))
                ),
                (cli_name.clone(), "user_created".into(), ann_target.clone()),
                (Some("ann".into()), "login".into(), ann_target.clone()),
                (None, "login_failed".into(), ann_target.clone()),
                (None, "login_failed".into(), Some("user:bob".into())),
                (cli_name.clone(), "role_granted".into(), ann_target.clone()),
                (cli_name.clone(), "role_granted".into(), ann_target.clone()),
                (cli_name.clone(), "role_granted".into(), ann_target.clone()),
                (cli_name.clone(), "user_disabled".into(), ann_target.clone()),
                (None, "login_failed".into(), ann_target.clone()),
            ]
        );
        let failed = db
            .audit_entries(&AuditQuery {
                action: Some("login_failed".into()),
                limit: 10,
                ..AuditQuery::default()
            })
            .await
            .unwrap();
        assert_eq!(failed.len(), 3);
        assert_eq!(failed[1].client.as_deref(), Some("192.0.2.7"));
    }
    t.finish().await.unwrap();
}

#[tokio::test]
async fn tokens_are_stored_hashed_and_refused_once_revoked_or_expired() {
    let t = scratch("tokens").await;
    for db in &t.dbs {
        db.add_organisation("UBOS", OrganisationKind::StatisticalOffice, &cli())
            .await
            .unwrap();
        db.add_user("ubos", "", "UBOS", PASSWORD, &cli())
            .await
            .unwrap();
        let new = db
            .create_token(
                "ubos",
                "nightly upload",
                &[Scope::Submit, Scope::Read, Scope::Submit],
                None,
                &cli(),
            )
            .await
            .unwrap();
        assert!(
            new.secret.starts_with("ict_") && new.secret.len() == 4 + 64,
            "{}",
            new.secret
        );
        assert_eq!(new.token.scopes, vec![Scope::Read, Scope::Submit]);
        // The table holds the SHA-256 of the token, never the token.
        let stored = all_text(db, "api_token").await;
        assert!(stored.contains(&sha256_hex(new.secret.as_bytes())));
        assert!(!stored.contains(&new.secret) && !stored.contains(&new.secret[4..]));
        let audit = all_text(db, "audit_log").await;
        assert!(!audit.contains(&new.secret[4..]));

        let TokenCheck::Valid(owner) = db.check_token(&new.secret).await.unwrap() else {
            panic!("a new token is valid")
        };
        assert_eq!(
            (owner.user.login.as_str(), owner.token.id),
            ("ubos", new.token.id)
        );
        assert!(matches!(
            db.check_token("ict_0000").await.unwrap(),
            TokenCheck::Unknown
        ));
        // Its use is recorded (in the background).
        let mut used = None;
        for _ in 0..50 {
            used = db.tokens(Some("ubos")).await.unwrap()[0]
                .last_used_at
                .clone();
            if used.is_some() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        assert!(used.is_some());

        let revoked = db.revoke_token(new.token.id, &cli()).await.unwrap();
        assert!(revoked.revoked_at.is_some());
        assert!(matches!(
            db.check_token(&new.secret).await.unwrap(),
            TokenCheck::Refused {
                reason: "revoked",
                ..
            }
        ));
        assert!(matches!(
            db.revoke_token(new.token.id, &cli()).await,
            Err(StoreError::Invalid(_))
        ));
        assert!(matches!(
            db.revoke_token(999, &cli()).await,
            Err(StoreError::Missing(_))
        ));

        let expired = db
            .create_token(
                "ubos",
                "old",
                &[Scope::Submit],
                Some("2020-01-01T00:00:00.000000Z".into()),
                &cli(),
            )
            .await
            .unwrap();
        assert!(matches!(
            db.check_token(&expired.secret).await.unwrap(),
            TokenCheck::Refused {
                reason: "expired",
                ..
            }
        ));
        let later = db
            .create_token(
                "ubos",
                "later",
                &[Scope::Submit],
                Some("2999-01-01T00:00:00.000000Z".into()),
                &cli(),
            )
            .await
            .unwrap();
        assert!(matches!(
            db.check_token(&later.secret).await.unwrap(),
            TokenCheck::Valid(_)
        ));
        db.disable_user("ubos", &cli()).await.unwrap();
        assert!(matches!(
            db.check_token(&later.secret).await.unwrap(),
            TokenCheck::Refused {
                reason: "user disabled",
                ..
            }
        ));
        assert!(matches!(
            db.create_token("ubos", "x", &[Scope::Read], None, &cli())
                .await,
            Err(StoreError::Invalid(_))
        ));
        assert_eq!(db.tokens(None).await.unwrap().len(), 3);

        let actions: Vec<String> = audit_trail(db)
            .await
            .into_iter()
            .map(|(_, a, _)| a)
            .collect();
        assert_eq!(
            actions,
            [
                "organisation_created",
                "user_created",
                "token_created",
                "token_revoked",
                "token_created",
                "token_created",
                "user_disabled"
            ]
        );
    }
    t.finish().await.unwrap();
}

/// The audit log filters by actor, action and time, pages newest first, and refuses every
/// update and delete, whoever sends them.
#[tokio::test]
async fn audit_log_filters_pages_and_is_append_only() {
    let t = scratch("audit").await;
    for db in &t.dbs {
        let before = ictstat_store::now_text();
        for i in 0..5 {
            let actor = Actor {
                user_id: None,
                name: Some(if i % 2 == 0 { "cli:a" } else { "cli:b" }.into()),
                client: None,
            };
            db.audit(
                &actor,
                "import",
                Some(&format!("revision:{i}")),
                &serde_json::json!({"i": i}),
            )
            .await
            .unwrap();
        }
        let page = |actor: Option<&str>, from: Option<String>, limit, offset| {
            let q = AuditQuery {
                actor: actor.map(str::to_string),
                action: Some("import".into()),
                from,
                to: None,
                limit,
                offset,
            };
            async move { db.audit_entries(&q).await.unwrap() }
        };
        let a = page(Some("cli:a"), None, 10, 0).await;
        assert_eq!(
            a.iter()
                .map(|e| e.details["i"].as_i64().unwrap())
                .collect::<Vec<_>>(),
            [4, 2, 0]
        );
        let second = page(None, Some(before.clone()), 2, 2).await;
        assert_eq!(
            second
                .iter()
                .map(|e| e.target.clone().unwrap())
                .collect::<Vec<_>>(),
            ["revision:2", "revision:1"]
        );
        assert!(
            page(None, Some("2999-01-01T00:00:00.000000Z".into()), 10, 0)
                .await
                .is_empty()
        );

        for sql in [
            "UPDATE audit_log SET action = 'nothing'",
            "DELETE FROM audit_log",
        ] {
            let result = match db {
                Db::Sqlite(p) => sqlx::query(sql).execute(p).await.map(drop),
                Db::Postgres(p) => sqlx::query(sql).execute(p).await.map(drop),
            };
            let err = result.expect_err(sql).to_string();
            assert!(err.contains("append-only"), "{sql}: {err}");
        }
        assert_eq!(page(None, None, 10, 0).await.len(), 5);
    }
    t.finish().await.unwrap();
}

#[tokio::test]
async fn roles_are_revoked_row_by_row_and_audited() {
    let t = scratch("revoke").await;
    for db in &t.dbs {
        db.add_organisation("Office", OrganisationKind::Agency, &cli())
            .await
            .unwrap();
        db.add_user("knbs", "", "Office", PASSWORD, &cli())
            .await
            .unwrap();
        let codes = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let (indicators, areas) = (
            codes(&["IT_USE_ii99", "IT_MOB_OWN"]),
            codes(&["404", "800"]),
        );
        db.grant("knbs", Role::Provider, &indicators, &areas, &cli())
            .await
            .unwrap();
        let id = db.user("knbs").await.unwrap().unwrap().id;
        assert_eq!(db.grants(id).await.unwrap().len(), 4);
        // Uganda's mobile phones only; then what is no longer held revokes nothing.
        let (one, uganda) = (codes(&["IT_MOB_OWN"]), codes(&["800"]));
        assert_eq!(
            db.revoke_grant("knbs", Role::Provider, &one, &uganda, &cli())
                .await
                .unwrap(),
            1
        );
        assert_eq!(
            db.revoke_grant("knbs", Role::Provider, &one, &uganda, &cli())
                .await
                .unwrap(),
            0
        );
        let left: Vec<(Option<String>, Option<String>)> = db
            .grants(id)
            .await
            .unwrap()
            .into_iter()
            .map(|g: Grant| (g.indicator, g.area))
            .collect();
        assert_eq!(left.len(), 3);
        assert!(!left.contains(&(Some("IT_MOB_OWN".into()), Some("800".into()))));
        // A scope the role does not take is refused, as for a grant.
        assert!(matches!(
            db.revoke_grant("knbs", Role::Viewer, &one, &[], &cli())
                .await,
            Err(StoreError::Invalid(_))
        ));
        let revoked = audit_trail(db)
            .await
            .into_iter()
            .filter(|(_, a, _)| a == "role_revoked")
            .count();
        assert_eq!(revoked, 2);
    }
    t.finish().await.unwrap();
}
