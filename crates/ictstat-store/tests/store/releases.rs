//! Releases decide what the public sees; submissions wait for review; optimistic
//! concurrency refuses lost updates.

use ictstat_store::accounts::Actor;
use ictstat_store::releases::NewRelease;
use ictstat_store::submissions::{
    Decision, NewComment, NewSubmission, SubmissionQuery, SubmissionStatus,
};
use ictstat_store::{ReadModel, RevisionMeta, StoreError};

use super::{all, meta, obs, release, scratch};

fn named(name: &str, publish_at: Option<String>) -> NewRelease {
    NewRelease {
        name: name.into(),
        description: Some(format!("release {name}")),
        publish_at,
        submissions: vec![],
    }
}

fn in_an_hour() -> String {
    ictstat_store::time_after(std::time::Duration::from_secs(3600))
}

#[tokio::test]
async fn the_public_sees_the_latest_release_whose_time_has_come() {
    let t = scratch("releases").await;
    let cli = Actor::cli("tester");
    for db in &t.dbs {
        // Written, not released: not public.
        let r1 = db
            .write(
                &meta("a.csv"),
                &[obs("IT_USE_ii99", "004", "_T", 2019, 13.5)],
            )
            .await
            .unwrap()
            .revision
            .unwrap();
        assert_eq!(db.published_revision().await.unwrap(), 0);
        let model = ReadModel::load(db).await.unwrap();
        assert!(model.snapshot().is_empty());
        assert!(matches!(
            db.resolve_public_as_of(&ictstat_store::AsOf::Revision(r1))
                .await,
            Err(StoreError::NoSuchRevision(_))
        ));

        let first = release(db, "2026-a").await;
        assert_eq!((first.revision, first.kind.as_str()), (r1, "release"));
        assert!(model.refresh(db).await.unwrap());
        assert_eq!(model.snapshot().revision, r1);
        assert_eq!(model.snapshot().len(), 1);

        // A change released under embargo: written, listed for administrators, not public.
        let r2 = db
            .write(
                &meta("b.csv"),
                &[obs("IT_USE_ii99", "004", "_T", 2019, 17.6)],
            )
            .await
            .unwrap()
            .revision
            .unwrap();
        let embargo = in_an_hour();
        let second = db
            .add_release(&named("2026-b", Some(embargo.clone())), &cli)
            .await
            .unwrap();
        assert_eq!(second.revision, r2);
        assert_eq!(db.published_revision().await.unwrap(), r1);
        assert!(!model.refresh(db).await.unwrap());
        assert_eq!(
            model.snapshot().indicator_rows("IT_USE_ii99")[0].value,
            Some(13.5)
        );
        let public: Vec<String> = db
            .releases(false)
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.name)
            .collect();
        assert_eq!(public, vec!["2026-a"]);
        assert_eq!(db.releases(true).await.unwrap().len(), 2);
        // The public history and revision log stop at the published cut.
        let history = db
            .history(
                "IT_USE_ii99",
                "004",
                &ictstat_core::Breakdown::total(),
                "2019",
                r1,
            )
            .await
            .unwrap();
        assert_eq!(history.len(), 1);
        assert_eq!(history[0].valid_to, None);

        // A later named release cannot be public before the embargoed one, at a time or now.
        let r3 = db
            .write(
                &meta("c.csv"),
                &[obs("IT_USE_ii99", "008", "_T", 2019, 40.0)],
            )
            .await
            .unwrap()
            .revision
            .unwrap();
        for early in [None, Some(ictstat_store::now_text())] {
            let refused = db.add_release(&named("2026-c", early), &cli).await;
            assert!(
                matches!(refused, Err(StoreError::Invalid(_))),
                "{refused:?}"
            );
        }
        assert!(matches!(
            db.check_new_release("2026-c", Some(&ictstat_store::now_text()))
                .await,
            Err(StoreError::Invalid(_))
        ));
        assert!(matches!(
            db.check_new_release("2026-a", None).await,
            Err(StoreError::Exists(_))
        ));
        for bad in ["../x", "direct-import-9"] {
            assert!(matches!(
                db.check_new_release(bad, None).await,
                Err(StoreError::Invalid(_))
            ));
        }
        // A time past is refused: it would rewrite what the public saw then.
        assert!(matches!(
            db.check_new_release("2026-c", Some("2020-01-01T00:00:00.000000Z"))
                .await,
            Err(StoreError::Invalid(_))
        ));
        // An administrator's direct import waits for the embargo instead of leaking it.
        let direct = db.release_direct("import", &cli).await.unwrap().unwrap();
        assert_eq!(
            (
                direct.revision,
                direct.publish_at.as_str(),
                direct.name.as_str()
            ),
            (r3, embargo.as_str(), "direct-import-3")
        );
        assert!(
            db.release_direct("import", &cli).await.unwrap().is_none(),
            "nothing new"
        );
        assert_eq!(db.published_revision().await.unwrap(), r1);
        // Once the embargo ends (seen here as the public cut at that time), all of it is public.
        assert_eq!(
            db.revision_public_at(&embargo).await.unwrap(),
            r1,
            "a time to come counts as now"
        );

        // Release comparison: the revised value and the added one.
        let changes = db.changes_between(r1, r3).await.unwrap();
        let summary: Vec<(&str, Option<f64>, Option<f64>, bool)> = changes
            .iter()
            .map(|c| (c.area.as_str(), c.before, c.after, c.value_changed))
            .collect();
        assert_eq!(
            summary,
            vec![
                ("004", Some(13.5), Some(17.6), true),
                ("008", None, Some(40.0), true)
            ]
        );
    }
}

#[tokio::test]
async fn held_revisions_wait_for_a_named_release() {
    let t = scratch("holds").await;
    let cli = Actor::cli("tester");
    for db in &t.dbs {
        let first = db
            .write(
                &meta("a.csv"),
                &[obs("IT_USE_ii99", "004", "_T", 2019, 1.0)],
            )
            .await
            .unwrap()
            .revision
            .unwrap();
        assert_eq!(
            db.release_direct("import", &cli)
                .await
                .unwrap()
                .unwrap()
                .revision,
            first
        );
        // A held import, then a direct one: neither is published by the direct release.
        let held_from = db.hold_next_revisions("import --hold", &cli).await.unwrap();
        assert_eq!(held_from, first + 1);
        for (file, area) in [("held.csv", "008"), ("direct.csv", "012")] {
            db.write(&meta(file), &[obs("IT_USE_ii99", area, "_T", 2019, 2.0)])
                .await
                .unwrap();
        }
        assert!(db.release_direct("import", &cli).await.unwrap().is_none());
        assert_eq!(db.published_revision().await.unwrap(), first);
        // The named release publishes both and ends the hold; direct releases resume.
        let named_release = db.add_release(&named("2026-q1", None), &cli).await.unwrap();
        assert_eq!(named_release.revision, first + 2);
        assert_eq!(db.published_revision().await.unwrap(), first + 2);
        let later = db
            .write(
                &meta("later.csv"),
                &[obs("IT_USE_ii99", "012", "_T", 2020, 3.0)],
            )
            .await
            .unwrap()
            .revision
            .unwrap();
        assert_eq!(
            db.release_direct("import", &cli)
                .await
                .unwrap()
                .unwrap()
                .revision,
            later
        );
        // A public revision number between two cuts shows the cut below it.
        assert_eq!(
            db.resolve_public_as_of(&ictstat_store::AsOf::Revision(first + 1))
                .await
                .unwrap(),
            first
        );
    }
    t.finish().await.unwrap();
}

#[tokio::test]
async fn only_values_a_release_published_count_as_revised() {
    let t = scratch("revised").await;
    for db in &t.dbs {
        db.write(
            &meta("a.csv"),
            &[
                obs("IT_USE_ii99", "004", "_T", 2019, 1.0),
                obs("IT_USE_ii99", "008", "_T", 2019, 2.0),
            ],
        )
        .await
        .unwrap();
        release(db, "one").await;
        // 004 changes after a release: revised. 008 never changes. 012 is written twice
        // before any release published it: its first value was never public.
        db.write(
            &meta("b.csv"),
            &[
                obs("IT_USE_ii99", "004", "_T", 2019, 1.5),
                obs("IT_USE_ii99", "012", "_T", 2019, 3.0),
            ],
        )
        .await
        .unwrap();
        db.write(
            &meta("c.csv"),
            &[obs("IT_USE_ii99", "012", "_T", 2019, 3.5)],
        )
        .await
        .unwrap();
        release(db, "two").await;
        let model = ReadModel::load(db).await.unwrap();
        let snapshot = model.snapshot();
        let flags: Vec<(&str, bool)> = snapshot
            .query(&all())
            .into_iter()
            .map(|r| (r.area.as_str(), r.revised))
            .collect();
        assert_eq!(flags, vec![("004", true), ("008", false), ("012", false)]);
        // The as-of read agrees with the read model.
        let cut = db.published_revision().await.unwrap();
        let as_of: Vec<bool> = db
            .observations_as_of(&all(), cut)
            .await
            .unwrap()
            .iter()
            .map(|r| r.revised)
            .collect();
        assert_eq!(as_of, vec![true, false, false]);
        // 012's first value was never public: its public history has one version.
        let history = db
            .history(
                "IT_USE_ii99",
                "012",
                &ictstat_core::Breakdown::total(),
                "2019",
                cut,
            )
            .await
            .unwrap();
        assert_eq!(
            history.iter().map(|v| v.value).collect::<Vec<_>>(),
            vec![Some(3.5)]
        );
        let history = db
            .history(
                "IT_USE_ii99",
                "004",
                &ictstat_core::Breakdown::total(),
                "2019",
                cut,
            )
            .await
            .unwrap();
        assert_eq!(
            history.iter().map(|v| v.value).collect::<Vec<_>>(),
            vec![Some(1.0), Some(1.5)]
        );
    }
}

#[tokio::test]
async fn a_write_based_on_old_data_never_overwrites_a_newer_change() {
    let t = scratch("conflict").await;
    for db in &t.dbs {
        let base = db
            .write(
                &meta("a.csv"),
                &[
                    obs("IT_USE_ii99", "004", "_T", 2019, 1.0),
                    obs("IT_USE_ii99", "008", "_T", 2019, 2.0),
                ],
            )
            .await
            .unwrap()
            .revision
            .unwrap();
        // Someone else changes 004 after `base`.
        db.write(
            &RevisionMeta {
                author: "other".into(),
                ..meta("other.csv")
            },
            &[obs("IT_USE_ii99", "004", "_T", 2019, 1.1)],
        )
        .await
        .unwrap();
        let before = db.counts().await.unwrap();
        let stale = vec![
            obs("IT_USE_ii99", "004", "_T", 2019, 1.2),
            obs("IT_USE_ii99", "008", "_T", 2019, 2.2),
        ];
        let refused = db.write_over(&meta("stale.csv"), &stale, base).await;
        let Err(StoreError::Conflict(message)) = refused else {
            panic!("expected a conflict, got {refused:?}");
        };
        assert!(
            message.contains("IT_USE_ii99 004 2019") && message.contains("by other"),
            "{message}"
        );
        assert!(message.contains("nothing was written"), "{message}");
        assert_eq!(db.counts().await.unwrap(), before);

        // Writing what is already there is no conflict; neither is a point nobody changed.
        let agreeing = vec![
            obs("IT_USE_ii99", "004", "_T", 2019, 1.1),
            obs("IT_USE_ii99", "008", "_T", 2019, 2.2),
        ];
        let written = db
            .write_over(&meta("rebased.csv"), &agreeing, base)
            .await
            .unwrap();
        assert_eq!((written.inserted, written.unchanged), (1, 1));

        // A derived value changed since the base is replaced: it is recomputed from inputs.
        let derived_rev = db
            .write(
                &RevisionMeta {
                    kind: "derived".into(),
                    ..meta("derived")
                },
                &[obs("IT_USE_ii99", "012", "_T", 2019, 5.0)],
            )
            .await
            .unwrap()
            .revision
            .unwrap();
        let over_derived = db
            .write_over(
                &meta("d.csv"),
                &[obs("IT_USE_ii99", "012", "_T", 2019, 5.5)],
                derived_rev - 1,
            )
            .await
            .unwrap();
        assert_eq!(over_derived.inserted, 1);
    }
}

fn new_submission(file: &str) -> NewSubmission {
    NewSubmission {
        file_name: file.into(),
        content_hash: "00".repeat(32),
        comment: Some("2024 survey".into()),
        base_revision: 0,
        observations: 1,
        indicators: vec!["IT_USE_ii99".into()],
        areas: vec!["004".into()],
        report: serde_json::json!({"errors": 0}),
        payload: "INDICATOR,REF_AREA,TIME_PERIOD,OBS_VALUE\nIT_USE_ii99,004,2019,13.5\n".into(),
    }
}

#[tokio::test]
async fn submissions_are_reviewed_once_and_every_move_is_audited() {
    let t = scratch("submissions").await;
    let provider = Actor {
        user_id: None,
        name: Some("afg-nso".into()),
        client: None,
    };
    let (first, second) = (Actor::cli("custodian-a"), Actor::cli("custodian-b"));
    for db in &t.dbs {
        let s = db
            .create_submission(&new_submission("afg.csv"), &provider)
            .await
            .unwrap();
        assert_eq!(
            (s.status, s.submitter.as_str()),
            (SubmissionStatus::Pending, "afg-nso")
        );
        assert_eq!(s.indicators, vec!["IT_USE_ii99"]);
        assert!(
            db.submission_payload(s.id)
                .await
                .unwrap()
                .unwrap()
                .contains("13.5")
        );

        let row = NewComment {
            series_key: Some("IT_USE_ii99|004|".into()),
            period: Some("2019".into()),
            body: "matches the survey report, table 3".into(),
        };
        let accepted = db
            .review_submission(s.id, Decision::Accept, Some("fine"), &[row], &first)
            .await
            .unwrap();
        assert_eq!(accepted.status, SubmissionStatus::Accepted);
        assert_eq!(accepted.reviewed_by.as_deref(), Some("cli:custodian-a"));
        // The second reviewer loses, and writes nothing.
        let late = db
            .review_submission(
                s.id,
                Decision::Reject,
                Some("no"),
                &[NewComment {
                    body: "x".into(),
                    ..NewComment::default()
                }],
                &second,
            )
            .await;
        let Err(StoreError::Conflict(message)) = late else {
            panic!("{late:?}")
        };
        assert!(
            message.contains("accepted") && message.contains("custodian-a"),
            "{message}"
        );
        let comments = db.submission_comments(s.id).await.unwrap();
        assert_eq!(comments.len(), 1);
        assert_eq!(comments[0].period.as_deref(), Some("2019"));

        // Bad comments change nothing.
        let other = db
            .create_submission(&new_submission("b.csv"), &provider)
            .await
            .unwrap();
        for bad in [
            NewComment {
                body: "  ".into(),
                ..NewComment::default()
            },
            NewComment {
                period: Some("2019".into()),
                body: "half a key".into(),
                ..NewComment::default()
            },
            NewComment {
                body: "x".repeat(4001),
                ..NewComment::default()
            },
        ] {
            let refused = db
                .review_submission(other.id, Decision::Reject, None, &[bad], &first)
                .await;
            assert!(
                matches!(refused, Err(StoreError::Invalid(_))),
                "{refused:?}"
            );
        }
        db.withdraw_submission(other.id, &provider).await.unwrap();
        assert!(matches!(
            db.withdraw_submission(other.id, &provider).await,
            Err(StoreError::Conflict(_))
        ));
        assert!(matches!(
            db.withdraw_submission(9999, &provider).await,
            Err(StoreError::Missing(_))
        ));

        // A release publishes the accepted submission; one that is not accepted is refused
        // and the release is not recorded.
        let refused = db
            .add_release(
                &NewRelease {
                    submissions: vec![(other.id, None)],
                    ..named("bad", None)
                },
                &first,
            )
            .await;
        assert!(
            matches!(refused, Err(StoreError::Conflict(_))),
            "{refused:?}"
        );
        assert!(db.release("bad").await.unwrap().is_none());
        db.add_release(
            &NewRelease {
                submissions: vec![(s.id, None)],
                ..named("good", None)
            },
            &first,
        )
        .await
        .unwrap();
        let published = db.submission(s.id).await.unwrap().unwrap();
        assert_eq!(
            (published.status, published.release.as_deref()),
            (SubmissionStatus::Published, Some("good"))
        );

        let listed = db
            .submissions(&SubmissionQuery {
                status: Some(SubmissionStatus::Withdrawn),
                limit: 10,
                ..SubmissionQuery::default()
            })
            .await
            .unwrap();
        assert_eq!(
            listed.iter().map(|s| s.id).collect::<Vec<_>>(),
            vec![other.id]
        );
        let actions: Vec<String> = db
            .audit_entries(&ictstat_store::accounts::AuditQuery {
                limit: 100,
                ..Default::default()
            })
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect();
        for action in [
            "submission_created",
            "submission_reviewed",
            "submission_withdrawn",
            "release_published",
        ] {
            assert!(
                actions.iter().any(|a| a == action),
                "{action} not in {actions:?}"
            );
        }
        // The losing review and the refused comments left no audit row.
        assert_eq!(
            actions
                .iter()
                .filter(|a| *a == "submission_reviewed")
                .count(),
            1
        );
    }
}
