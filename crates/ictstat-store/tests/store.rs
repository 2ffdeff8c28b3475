//! Store tests, run against SQLite always and against PostgreSQL when
//! `ICTSTAT_TEST_DATABASE_URL` is set (CI sets it): every scenario runs on every backend.

use std::collections::BTreeSet;

use ictstat_core::{Attributes, Breakdown, Catalog, Dimension, Observation, Period, SeriesKey};
use ictstat_store::scratch::ScratchDbs;
use ictstat_store::{AsOf, Db, ObservationQuery, ReadModel, RevisionMeta};

#[path = "store/accounts.rs"]
mod accounts;
#[path = "store/releases.rs"]
mod releases;
#[path = "store/sessions.rs"]
mod sessions;

/// Fresh databases on every configured backend.
async fn scratch(name: &str) -> ScratchDbs {
    ScratchDbs::new(name).await.expect("scratch databases")
}

fn obs(indicator: &str, area: &str, sex: &str, year: i32, value: f64) -> Observation {
    let mut breakdown = Breakdown::total();
    breakdown.set(Dimension::Sex, sex);
    Observation {
        key: std::sync::Arc::new(SeriesKey {
            indicator: indicator.into(),
            area: area.into(),
            breakdown,
        }),
        period: Period::Year(year),
        value: Some(value),
        attrs: Attributes {
            source: Some("test".into()),
            ..Attributes::default()
        },
    }
}

fn meta(file: &str) -> RevisionMeta {
    RevisionMeta {
        author: "tester".into(),
        kind: "import".into(),
        file: Some(file.into()),
        ..RevisionMeta::default()
    }
}

/// Publishes everything written so far as release `name`, now.
async fn release(db: &Db, name: &str) -> ictstat_store::releases::Release {
    db.add_release(
        &ictstat_store::releases::NewRelease {
            name: name.into(),
            description: None,
            publish_at: None,
            submissions: vec![],
        },
        &ictstat_store::accounts::Actor::cli("tester"),
    )
    .await
    .unwrap()
}

fn all() -> ObservationQuery {
    ObservationQuery {
        limit: usize::MAX >> 2,
        ..ObservationQuery::default()
    }
}

#[tokio::test]
async fn revisions_close_old_versions_and_reads_travel_in_time() {
    let t = scratch("versions").await;
    for db in &t.dbs {
        let first = vec![
            obs("IT_USE_ii99", "004", "_T", 2019, 13.5),
            obs("IT_USE_ii99", "004", "F", 2019, 6.0),
        ];
        let out1 = db.write(&meta("a.csv"), &first).await.unwrap();
        assert_eq!((out1.inserted, out1.closed, out1.unchanged), (2, 0, 0));
        let r1 = out1.revision.unwrap();
        release(db, "first").await;

        // Same content again: no new versions and no revision.
        let again = db.write(&meta("a.csv"), &first).await.unwrap();
        assert_eq!(
            (again.revision, again.inserted, again.unchanged),
            (None, 0, 2)
        );
        assert_eq!(db.counts().await.unwrap(), (2, 1));

        // A changed value closes the old version.
        let second = vec![
            obs("IT_USE_ii99", "004", "_T", 2019, 17.6),
            obs("IT_USE_ii99", "004", "_T", 2020, 18.4),
        ];
        let out2 = db.write(&meta("b.csv"), &second).await.unwrap();
        assert_eq!((out2.inserted, out2.closed, out2.unchanged), (2, 1, 0));
        let r2 = out2.revision.unwrap();
        assert!(r2 > r1);
        release(db, "second").await;

        let q = ObservationQuery {
            breakdown: vec![(Dimension::Sex, vec!["_T".into()])],
            ..all()
        };
        let now = db.observations_as_of(&q, r2).await.unwrap();
        let values: Vec<(String, Option<f64>)> =
            now.iter().map(|r| (r.period.clone(), r.value)).collect();
        assert_eq!(
            values,
            vec![("2019".into(), Some(17.6)), ("2020".into(), Some(18.4))]
        );
        let then = db.observations_as_of(&q, r1).await.unwrap();
        let values: Vec<(String, Option<f64>)> =
            then.iter().map(|r| (r.period.clone(), r.value)).collect();
        assert_eq!(values, vec![("2019".into(), Some(13.5))]);

        // As of a time before any revision: nothing; as of now: the latest revision.
        assert_eq!(
            db.resolve_as_of(&AsOf::Time("2000-01-01T00:00:00.000000Z".into()))
                .await
                .unwrap(),
            0
        );
        assert_eq!(
            db.resolve_as_of(&AsOf::Time(ictstat_store::now_text()))
                .await
                .unwrap(),
            r2
        );
        assert!(db.resolve_as_of(&AsOf::Revision(r2 + 1)).await.is_err());

        let history = db
            .history("IT_USE_ii99", "004", &Breakdown::total(), "2019", r2)
            .await
            .unwrap();
        let versions: Vec<(Option<f64>, i64, Option<i64>)> = history
            .iter()
            .map(|v| (v.value, v.valid_from, v.valid_to))
            .collect();
        assert_eq!(
            versions,
            vec![(Some(13.5), r1, Some(r2)), (Some(17.6), r2, None)]
        );
        assert_eq!(history[0].file.as_deref(), Some("a.csv"));

        let revisions = db.revisions(r2, 10, 0).await.unwrap();
        assert_eq!(
            revisions.iter().map(|r| r.id).collect::<Vec<_>>(),
            vec![r2, r1]
        );
        assert_eq!(
            (revisions[0].rows_inserted, revisions[0].rows_closed),
            (2, 1)
        );
    }
    t.finish().await.unwrap();
}

/// Two imports of the same data points at once: writers are serialised, so exactly one
/// writes and the other finds everything current (no lost update, no duplicate current row).
/// `write_keeping` leaves the data points whose current version the predicate holds on to,
/// and writes the others (new ones included) as one revision.
#[tokio::test]
async fn write_keeping_leaves_what_it_is_told_to_keep() {
    let t = scratch("keeping").await;
    for db in &t.dbs {
        let reported = vec![obs("IT_CEL_SETS_P2", "404", "_T", 2022, 190.0)];
        db.write(&meta("rate.csv"), &reported).await.unwrap();
        let derived = vec![
            obs("IT_CEL_SETS_P2", "404", "_T", 2022, 220.0),
            obs("IT_CEL_SETS_P2", "404", "_T", 2023, 230.0),
        ];
        let keep_test_source =
            |a: &ictstat_store::StoredAttributes| a.source.as_deref() == Some("test");
        let out = db
            .write_keeping(&meta("derived"), &derived, keep_test_source)
            .await
            .unwrap();
        assert_eq!((out.inserted, out.closed, out.unchanged), (1, 0, 1));
        let rows = db
            .observations_as_of(&all(), db.latest_revision().await.unwrap())
            .await
            .unwrap();
        let values: Vec<(String, Option<f64>)> =
            rows.iter().map(|r| (r.period.clone(), r.value)).collect();
        assert_eq!(
            values,
            vec![("2022".into(), Some(190.0)), ("2023".into(), Some(230.0))]
        );
        // Told to keep nothing, it is a plain write.
        let out = db
            .write_keeping(&meta("again"), &derived, |_| false)
            .await
            .unwrap();
        assert_eq!((out.inserted, out.closed, out.unchanged), (1, 1, 1));
    }
    t.finish().await.unwrap();
}

#[tokio::test]
async fn concurrent_writers_do_not_both_insert() {
    let t = scratch("concurrent").await;
    for db in &t.dbs {
        let rows: Vec<Observation> = (2000..2020)
            .map(|y| obs("IT_USE_ii99", "404", "_T", y, 10.0))
            .collect();
        let (meta_a, meta_b) = (meta("a.csv"), meta("b.csv"));
        let (a, b) = tokio::join!(db.write(&meta_a, &rows), db.write(&meta_b, &rows));
        let (a, b) = (a.unwrap(), b.unwrap());
        let mut inserted = [a.inserted, b.inserted];
        inserted.sort();
        assert_eq!(inserted, [0, 20]);
        assert_eq!(db.counts().await.unwrap(), (20, 1));
    }
    t.finish().await.unwrap();
}

/// `-0` and `0` are the same value: re-importing a file that writes `-0` changes nothing
/// (SQLite gives `-0.0` back as `0.0`).
#[tokio::test]
async fn negative_zero_is_not_a_revision() {
    let t = scratch("negzero").await;
    for db in &t.dbs {
        db.write(
            &meta("a.csv"),
            &[obs("IT_USE_ii99", "004", "_T", 2019, -0.0)],
        )
        .await
        .unwrap();
        let again = db
            .write(
                &meta("a.csv"),
                &[obs("IT_USE_ii99", "004", "_T", 2019, -0.0)],
            )
            .await
            .unwrap();
        assert_eq!((again.revision, again.unchanged), (None, 1));
    }
    t.finish().await.unwrap();
}

/// Text with the characters bulk-insert formats escape (PostgreSQL COPY: tab, newline,
/// backslash) and quotes comes back exactly as written.
#[tokio::test]
async fn awkward_text_round_trips() {
    let t = scratch("awkward").await;
    for db in &t.dbs {
        let mut o = obs("IT_USE_ii99", "004", "_T", 2019, 13.5);
        let footnote = "tab\there, newline\nthere, return\rthere, back\\slash \\N, 'quotes' \"too\", \\t literal";
        o.attrs.footnote = Some(footnote.into());
        o.attrs.lower_bound = Some(1e-7);
        o.attrs.unit_mult = Some(-3);
        let rev = db
            .write(&meta("a.csv"), &[o])
            .await
            .unwrap()
            .revision
            .unwrap();
        let rows = db.observations_as_of(&all(), rev).await.unwrap();
        assert_eq!(rows[0].attributes.footnote.as_deref(), Some(footnote));
        assert_eq!(
            (rows[0].attributes.lower_bound, rows[0].attributes.unit_mult),
            (Some(1e-7), Some(-3))
        );
    }
    t.finish().await.unwrap();
}

#[tokio::test]
async fn read_model_answers_like_the_database() {
    let t = scratch("readmodel").await;
    for db in &t.dbs {
        let mut rows = Vec::new();
        for (i, area) in ["004", "008", "012", "762"].iter().enumerate() {
            for year in 2015..2021 {
                for sex in ["_T", "F", "M"] {
                    rows.push(obs(
                        "IT_USE_ii99",
                        area,
                        sex,
                        year,
                        (i * 10 + year as usize % 7) as f64,
                    ));
                }
                rows.push(obs("IT_CEL_SETS_P2", area, "_T", year, 100.0 + year as f64));
            }
        }
        // Codes and periods whose order differs between collations: `Y_GE65` and `Y15T24`,
        // quarters beside years.
        for (age, value) in [("Y_GE65", 1.0), ("Y15T24", 2.0)] {
            let mut o = obs("IT_USE_ii99", "762", "_T", 2019, value);
            let mut key = (*o.key).clone();
            key.breakdown.set(Dimension::Age, age);
            o.key = std::sync::Arc::new(key);
            rows.push(o);
        }
        for q in 1..=4 {
            let mut o = obs("IT_CEL_SETS_P2", "004", "_T", 2020, f64::from(q));
            o.period = Period::Quarter(2020, q);
            rows.push(o);
        }
        db.write(&meta("a.csv"), &rows).await.unwrap();
        let changed = vec![obs("IT_USE_ii99", "008", "F", 2020, 99.0)];
        let rev = db
            .write(&meta("b.csv"), &changed)
            .await
            .unwrap()
            .revision
            .unwrap();
        release(db, "r1").await;
        let model = ReadModel::load(db).await.unwrap();
        let snap = model.snapshot();
        assert_eq!(snap.revision, rev);
        assert_eq!(snap.len(), rows.len());

        let queries = vec![
            all(),
            ObservationQuery {
                indicators: vec!["IT_USE_ii99".into()],
                ..all()
            },
            ObservationQuery {
                areas: vec!["008".into(), "762".into()],
                latest_only: true,
                ..all()
            },
            ObservationQuery {
                breakdown: vec![(Dimension::Sex, vec!["F".into(), "M".into()])],
                start: Some("2017".into()),
                end: Some("2018".into()),
                ..all()
            },
            ObservationQuery {
                indicators: vec!["IT_CEL_SETS_P2".into()],
                limit: 5,
                offset: 3,
                ..all()
            },
            ObservationQuery {
                indicators: vec!["NOPE".into()],
                ..all()
            },
            ObservationQuery {
                start: Some("2020".into()),
                end: Some("2020-Q2".into()),
                ..all()
            },
            ObservationQuery {
                breakdown: vec![(Dimension::Age, vec!["Y_GE65".into(), "Y15T24".into()])],
                ..all()
            },
        ];
        for q in &queries {
            let from_db = db.observations_as_of(q, rev).await.unwrap();
            let from_model: Vec<_> = snap.query(q).into_iter().cloned().collect();
            assert_eq!(from_model, from_db, "query {q:?}");
        }
        // Latest of each series of two areas: 3 sexes and 1 mobile series each, plus 762's two
        // age series.
        assert_eq!(snap.query(&queries[2]).len(), 2 * 4 + 2);
        // A quarter as the end bound is exact; a year includes its quarters.
        assert_eq!(
            snap.query(&queries[6])
                .iter()
                .filter(|r| r.period.contains('Q'))
                .count(),
            2
        );
    }
    t.finish().await.unwrap();
}

#[tokio::test]
async fn catalog_is_copied_once_per_fingerprint() {
    let t = scratch("catalog").await;
    let catalog = Catalog::embedded().unwrap();
    for db in &t.dbs {
        assert!(db.sync_catalog(&catalog, "v1").await.unwrap());
        assert!(!db.sync_catalog(&catalog, "v1").await.unwrap());
        assert!(db.sync_catalog(&catalog, "v2").await.unwrap());
        assert_eq!(
            db.meta("catalog_fingerprint").await.unwrap().as_deref(),
            Some("v2")
        );
    }
    t.finish().await.unwrap();
}

/// The two migration folders must define the same tables, columns, nullability and indexes.
#[tokio::test]
async fn sqlite_and_postgres_schemas_match() {
    if std::env::var("ICTSTAT_TEST_DATABASE_URL").is_err() {
        eprintln!("ICTSTAT_TEST_DATABASE_URL not set: schema parity needs PostgreSQL; skipped");
        return;
    }
    let t = scratch("parity").await;
    let (Db::Sqlite(lite), Db::Postgres(pg)) = (&t.dbs[0], &t.dbs[1]) else {
        panic!("expected both backends")
    };
    let lite_cols: Vec<(String, String, String, bool)> = sqlx::query_as(
        "SELECT m.name, p.name, p.type, p.\"notnull\" = 1 OR p.pk = 1 FROM sqlite_master m, pragma_table_info(m.name) p \
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '_sqlx%'",
    )
    .fetch_all(lite)
    .await
    .unwrap();
    let pg_cols: Vec<(String, String, String, bool)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text, data_type::text, is_nullable = 'NO' FROM information_schema.columns \
         WHERE table_schema = current_schema() AND table_name NOT LIKE '_sqlx%'",
    )
    .fetch_all(pg)
    .await
    .unwrap();
    let portable = |t: &str| match t.to_ascii_lowercase().as_str() {
        "integer" | "bigint" => "integer".to_string(),
        "double precision" | "real" => "double".to_string(),
        other => other.to_string(),
    };
    let norm =
        |cols: Vec<(String, String, String, bool)>| -> BTreeSet<(String, String, String, bool)> {
            cols.into_iter()
                .map(|(t, c, ty, nn)| (t, c, portable(&ty), nn))
                .collect()
        };
    let (a, b) = (norm(lite_cols), norm(pg_cols));
    assert!(!a.is_empty());
    assert_eq!(
        a,
        b,
        "columns differ: only in SQLite {:?}, only in PostgreSQL {:?}",
        a.difference(&b).collect::<Vec<_>>(),
        b.difference(&a).collect::<Vec<_>>()
    );

    let lite_idx: BTreeSet<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL",
    )
    .fetch_all(lite)
    .await
    .unwrap()
    .into_iter()
    .collect();
    let pg_idx: BTreeSet<String> = sqlx::query_scalar(
        "SELECT indexname::text FROM pg_indexes WHERE schemaname = current_schema() AND indexname NOT LIKE '%_pkey' AND indexname NOT LIKE '%_key'",
    )
    .fetch_all(pg)
    .await
    .unwrap()
    .into_iter()
    .collect();
    assert!(lite_idx.contains("observation_current"));
    assert_eq!(lite_idx, pg_idx);
    t.finish().await.unwrap();
}
