//! Web sessions on every backend: stored hashed, ended by idle time, age, sign-out and a
//! disabled user, touched at most once a minute.

use std::time::Duration;

use ictstat_store::Db;
use ictstat_store::accounts::{Actor, OrganisationKind, User, sha256_hex};
use ictstat_store::sessions::SessionPolicy;
use time::OffsetDateTime;

use super::accounts::{all_text, audit_trail};
use super::scratch;

async fn user(db: &Db, login: &str) -> User {
    let cli = Actor::cli("tester");
    if db.organisations().await.unwrap().is_empty() {
        db.add_organisation("Office", OrganisationKind::Agency, &cli)
            .await
            .unwrap();
    }
    db.add_user(login, "", "Office", "correct horse battery staple", &cli)
        .await
        .unwrap()
}

fn minutes(n: u64) -> time::Duration {
    time::Duration::minutes(n as i64)
}

#[tokio::test]
async fn sessions_are_stored_hashed_and_end_idle_old_revoked_or_disabled() {
    let t = scratch("sessions").await;
    let policy = SessionPolicy {
        idle: Duration::from_secs(30 * 60),
        absolute: Duration::from_secs(2 * 60 * 60),
    };
    for db in &t.dbs {
        let alice = user(db, "alice").await;
        let t0 = OffsetDateTime::now_utc();
        let new = db
            .create_session(&alice, Some("192.0.2.1"), &policy, t0)
            .await
            .unwrap();
        assert_eq!(new.id.len(), 64);
        let stored = all_text(db, "web_session").await;
        assert!(!stored.contains(&new.id), "the session id is stored");
        assert!(stored.contains(&sha256_hex(new.id.as_bytes())));
        assert!(stored.contains("192.0.2.1"));

        // Used every 20 minutes, it outlives the idle timeout, up to the absolute limit.
        for step in 1..=5 {
            let s = db
                .session(&new.id, &policy, t0 + minutes(20 * step))
                .await
                .unwrap();
            let s = s.unwrap_or_else(|| panic!("live at {} min", 20 * step));
            assert_eq!(s.user.login, "alice");
            assert_eq!(s.csrf_secret, new.session.csrf_secret);
        }
        assert!(
            db.session(&new.id, &policy, t0 + minutes(121))
                .await
                .unwrap()
                .is_none()
        );

        // Unused for longer than the idle timeout: ended.
        let idle = db.create_session(&alice, None, &policy, t0).await.unwrap();
        assert!(
            db.session(&idle.id, &policy, t0 + minutes(29))
                .await
                .unwrap()
                .is_some()
        );
        assert!(
            db.session(&idle.id, &policy, t0 + minutes(60))
                .await
                .unwrap()
                .is_none()
        );

        // A touch is written at most once a minute.
        let touched = db.create_session(&alice, None, &policy, t0).await.unwrap();
        let at = |s: Option<ictstat_store::sessions::Session>| s.unwrap().last_seen_at;
        let first = at(db
            .session(&touched.id, &policy, t0 + time::Duration::seconds(30))
            .await
            .unwrap());
        assert_eq!(
            first, touched.session.created_at,
            "touched within the minute"
        );
        let second = at(db
            .session(&touched.id, &policy, t0 + minutes(2))
            .await
            .unwrap());
        assert!(second > first);

        // Unknown ids, sign-out, revoking all of a user, a disabled user.
        assert!(
            db.session(&"0".repeat(64), &policy, t0)
                .await
                .unwrap()
                .is_none()
        );
        let actor = Actor {
            user_id: Some(alice.id),
            name: Some("alice".into()),
            client: None,
        };
        db.revoke_session(touched.session.id, &actor, t0)
            .await
            .unwrap();
        db.revoke_session(touched.session.id, &actor, t0)
            .await
            .unwrap();
        assert!(
            db.session(&touched.id, &policy, t0)
                .await
                .unwrap()
                .is_none()
        );
        let a = db.create_session(&alice, None, &policy, t0).await.unwrap();
        let b = db.create_session(&alice, None, &policy, t0).await.unwrap();
        let bob = user(db, "bob").await;
        let c = db.create_session(&bob, None, &policy, t0).await.unwrap();
        // A new password ends every session of its user (the two above and two earlier
        // ones still live), and only theirs; the old password stops working.
        let new_password = "a brand new passphrase";
        assert_eq!(
            db.set_password("alice", new_password, &actor)
                .await
                .unwrap(),
            4
        );
        for s in [&a, &b] {
            assert!(db.session(&s.id, &policy, t0).await.unwrap().is_none());
        }
        assert!(db.session(&c.id, &policy, t0).await.unwrap().is_some());
        let cli = Actor::cli("tester");
        assert!(matches!(
            db.set_password("alice", "short", &actor).await,
            Err(ictstat_store::StoreError::Invalid(_))
        ));
        // Disabling ends the sessions too: enabling again does not revive them.
        db.disable_user("bob", &cli).await.unwrap();
        assert!(db.session(&c.id, &policy, t0).await.unwrap().is_none());
        db.enable_user("bob", &cli).await.unwrap();
        assert!(db.session(&c.id, &policy, t0).await.unwrap().is_none());
        let again = db.create_session(&bob, None, &policy, t0).await.unwrap();
        assert!(db.session(&again.id, &policy, t0).await.unwrap().is_some());

        let trail = audit_trail(db).await;
        let actions: Vec<&str> = trail
            .iter()
            .filter(|(who, _, _)| who.as_deref() == Some("alice"))
            .map(|(_, action, _)| action.as_str())
            .collect();
        assert_eq!(
            actions,
            ["logout", "password_changed"],
            "one logout for two sign-outs"
        );
        assert!(
            db.authenticate_password("alice", "correct horse battery staple", None)
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            db.authenticate_password("alice", new_password, None)
                .await
                .unwrap()
                .is_some()
        );
    }
    t.finish().await.unwrap();
}
