//! End-to-end tests of the `ictstat` command: real malformed files leave the database as it
//! was, a killed import leaves nothing behind, exports import back unchanged.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use ictstat_store::Db;

fn ictstat() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ictstat"));
    cmd.env("ICTSTAT_LOG", "warn");
    cmd
}

fn run(args: &[&str], db_url: &str) -> Output {
    ictstat()
        .args(args)
        .arg("--database-url")
        .arg(db_url)
        .output()
        .expect("ictstat runs")
}

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(rel)
}

/// `ictstat survey tabulate --design D [--plan P] -o OUT DATA`.
fn survey_tabulate(design: &Path, plan: Option<&Path>, out: &Path, data: &Path) -> Output {
    let mut cmd = ictstat();
    cmd.args(["survey", "tabulate", "--design"]).arg(design);
    if let Some(plan) = plan {
        cmd.arg("--plan").arg(plan);
    }
    cmd.arg("-o").arg(out).arg(data).output().unwrap()
}

/// The first row of a tabulation's CSV output that `keep` accepts, as cells by column name.
fn tabulated_row(
    path: &Path,
    keep: impl Fn(&dyn Fn(&str) -> String) -> bool,
) -> std::collections::HashMap<String, String> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let head: Vec<String> = lines
        .next()
        .unwrap()
        .split(',')
        .map(str::to_string)
        .collect();
    lines
        .map(|l| {
            head.iter()
                .cloned()
                .zip(l.split(',').map(str::to_string))
                .collect::<std::collections::HashMap<String, String>>()
        })
        .find(|row| keep(&|c: &str| row.get(c).cloned().unwrap_or_default()))
        .unwrap()
}

async fn counts(url: &str) -> (i64, i64) {
    let db = Db::connect(url).await.unwrap();
    let c = db.counts().await.unwrap();
    db.close().await;
    c
}

/// The number of current observations (the versions no later revision has closed).
async fn current(url: &str) -> usize {
    let db = Db::connect(url).await.unwrap();
    let n = ictstat_store::ReadModel::load(&db)
        .await
        .unwrap()
        .snapshot()
        .len();
    db.close().await;
    n
}

/// An initialised database (catalogue and bundled data) in a temporary directory.
fn initialised() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let url = Db::sqlite_url(&dir.path().join("ictstat.db"));
    let out = run(&["init"], &url);
    assert!(
        out.status.success(),
        "init failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (dir, url)
}

#[tokio::test]
async fn malformed_files_are_refused_and_change_nothing() {
    let (dir, url) = initialised();
    let before = counts(&url).await;
    assert!(before.0 > 50_000, "bundled data loaded: {before:?}");

    // A 10 MB field, generated rather than committed.
    let huge = dir.path().join("huge_field.csv");
    std::fs::write(
        &huge,
        format!(
            "indicator,area,period,value,footnote\nIT_USE_ii99,KEN,2020,20.1,{}\n",
            "x".repeat(10 << 20)
        ),
    )
    .unwrap();
    let cases: Vec<(PathBuf, &str)> = vec![
        (fixture("malformed/empty.csv"), "empty-file"),
        (fixture("malformed/truncated.csv"), "bad-row"),
        (fixture("malformed/semicolon.csv"), "wrong-delimiter"),
        (
            fixture("malformed/windows1252_mehrabi_surveylist_head20.csv"),
            "invalid-encoding",
        ),
        (fixture("malformed/header_twice.csv"), "repeated-header"),
        (
            fixture("malformed/formula_injection.csv"),
            "formula-injection",
        ),
        (fixture("malformed/workbook_renamed.csv"), "binary-file"),
        (fixture("malformed/validation_errors.csv"), "unknown-area"),
        (fixture("malformed/sdmx_ml_xxe.xml"), "xml-doctype"),
        (
            fixture("malformed/sdmx_ml_billion_laughs.xml"),
            "xml-doctype",
        ),
        (
            fixture("malformed/sdmx_ml_deep_nesting.xml"),
            "xml-too-deep",
        ),
        (fixture("malformed/sdmx_json_truncated.json"), "bad-json"),
        (
            fixture("malformed/sdmx_json_bad_key.json"),
            "sdmx-bad-reference",
        ),
        (
            fixture("malformed/sdmx_json_delete.json"),
            "sdmx-delete-unsupported",
        ),
        (
            fixture("malformed/sdmx_json_nesting_bomb.json"),
            "json-too-deep",
        ),
        (huge, "field-too-large"),
    ];
    for (path, rule) in cases {
        let out = run(&["import", path.to_str().unwrap(), "--json"], &url);
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        assert_eq!(
            out.status.code(),
            Some(3),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let report: serde_json::Value =
            serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{name}: not JSON: {e}"));
        assert_eq!(report["status"], "rejected", "{name}");
        let rules: Vec<&str> = report["report"]["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["rule"].as_str().unwrap())
            .collect();
        assert!(
            rules.contains(&rule),
            "{name}: expected {rule}, got {rules:?}"
        );
        assert_eq!(counts(&url).await, before, "{name} changed the database");
    }
}

/// `rows` rows of Internet use (a long CSV with its header) over every country, year and
/// sex × urbanisation × age breakdown, after skipping the first `skip`: files large enough
/// that writing them takes long enough to be interrupted.
fn internet_use_rows(skip: usize, rows: usize) -> String {
    let mut text = String::from("indicator,area,period,sex,urbanisation,age,value\n");
    let catalog = ictstat_core::Catalog::embedded().unwrap();
    let countries = catalog
        .areas
        .iter()
        .filter(|a| a.kind == ictstat_core::AreaKind::Country);
    let mut cells = Vec::new();
    'fill: for area in countries {
        for year in 1960..2025 {
            for sex in ["_T", "F", "M"] {
                for urb in ["_T", "U", "R"] {
                    for age in ["_T", "Y15T24", "Y25T64", "Y_GE65"] {
                        cells.push(format!(
                            "IT_USE_ii99,{},{year},{sex},{urb},{age},50.125\n",
                            area.code
                        ));
                        if cells.len() == skip + rows {
                            break 'fill;
                        }
                    }
                }
            }
        }
    }
    for line in &cells[skip..] {
        text.push_str(line);
    }
    text
}

#[tokio::test]
async fn killed_import_leaves_the_database_as_before() {
    let (dir, url) = initialised();
    let before = counts(&url).await;
    // A file large enough that its write transaction spills to the WAL before it commits.
    let path = dir.path().join("large.csv");
    let text = internet_use_rows(0, 300_000);
    std::fs::write(&path, text).unwrap();
    // A small page cache makes SQLite spill the open transaction to the WAL long before it
    // commits, so a growing WAL means "killed mid-transaction", not "killed mid-commit".
    let mut child = ictstat()
        .env("ICTSTAT_SQLITE_CACHE_KIB", "512")
        .args(["import", path.to_str().unwrap(), "--database-url", &url])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let wal = dir.path().join("ictstat.db-wal");
    let start_len = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
    let deadline = Instant::now() + Duration::from_secs(300);
    loop {
        let grown = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0) > start_len + (4 << 20);
        if grown {
            break;
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "the import finished before it could be killed; make the file larger"
        );
        assert!(
            Instant::now() < deadline,
            "the import never started writing"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert!(!status.success(), "the import was killed, not finished");

    assert_eq!(
        counts(&url).await,
        before,
        "a killed import left rows behind"
    );
    let db = Db::connect(&url).await.unwrap();
    let Db::Sqlite(pool) = &db else {
        unreachable!()
    };
    let check: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(check, "ok");
    db.close().await;

    // The same import, not killed, completes.
    let out = run(&["import", path.to_str().unwrap()], &url);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let after = counts(&url).await;
    assert_eq!(after.1, before.1 + 1);
    assert!(after.0 >= before.0 + 300_000, "{after:?}");
}

/// A publication killed after it has written one of its two submissions, but before its
/// release row, leaves the previous release as the public data, and both submissions
/// accepted; publishing again completes it, writing the first submission as unchanged.
#[tokio::test]
async fn killed_publication_leaves_the_previous_release_public() {
    use ictstat_server::ingest::InputFile;
    use ictstat_server::submit::{SubmitOptions, submit};
    use ictstat_store::accounts::Actor;
    use ictstat_store::submissions::{Decision, SubmissionStatus};

    let (_dir, url) = initialised();
    let db = Db::connect(&url).await.unwrap();
    let catalog = std::sync::Arc::new(ictstat_core::Catalog::embedded().unwrap());
    let mut ids = Vec::new();
    for (name, skip) in [("first.csv", 0), ("second.csv", 150_000)] {
        let files = vec![InputFile {
            name: name.into(),
            bytes: internet_use_rows(skip, 150_000).into_bytes(),
        }];
        let result = submit(
            &db,
            catalog.clone(),
            files,
            &SubmitOptions::default(),
            None,
            &Actor::cli("nso"),
        )
        .await
        .unwrap();
        let id = result.submission.expect("a valid submission").id;
        db.review_submission(id, Decision::Accept, None, &[], &Actor::cli("custodian"))
            .await
            .unwrap();
        ids.push(id);
    }
    let all = ictstat_store::ObservationQuery {
        limit: usize::MAX >> 2,
        ..Default::default()
    };
    let cut = db.published_revision().await.unwrap();
    let public = db.observations_as_of(&all, cut).await.unwrap();
    let revisions = db.counts().await.unwrap().1;
    db.close().await;

    let mut child = ictstat()
        .env("ICTSTAT_SQLITE_CACHE_KIB", "512")
        .args(["release", "publish", "2026-12", "--database-url", &url])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(300);
    // Killed once the first submission's revision is committed.
    while counts(&url).await.1 == revisions {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the publication finished before it could be killed; make the submissions larger"
        );
        assert!(Instant::now() < deadline, "the publication never wrote");
        std::thread::sleep(Duration::from_millis(10));
    }
    child.kill().unwrap();
    assert!(!child.wait().unwrap().success(), "killed, not finished");

    let db = Db::connect(&url).await.unwrap();
    assert_eq!(
        db.counts().await.unwrap().1,
        revisions + 1,
        "killed after the first write"
    );
    assert!(db.release("2026-12").await.unwrap().is_none());
    assert_eq!(db.published_revision().await.unwrap(), cut);
    assert_eq!(
        db.observations_as_of(&all, cut).await.unwrap(),
        public,
        "the public data changed"
    );
    let model = ictstat_store::ReadModel::load(&db).await.unwrap();
    assert_eq!(model.snapshot().len(), public.len());
    for id in &ids {
        let s = db.submission(*id).await.unwrap().unwrap();
        assert_eq!(s.status, SubmissionStatus::Accepted);
    }
    db.close().await;

    // Publishing again completes the release.
    let out = run(&["release", "publish", "2026-12"], &url);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains(&format!(
            "submission {}: revision none, 0 new versions, 0 closed, 150000 unchanged",
            ids[0]
        )),
        "{text}"
    );
    let db = Db::connect(&url).await.unwrap();
    let release = db.release("2026-12").await.unwrap().unwrap();
    assert_eq!(db.published_revision().await.unwrap(), release.revision);
    for id in &ids {
        let s = db.submission(*id).await.unwrap().unwrap();
        assert_eq!(
            (s.status, s.release.as_deref()),
            (SubmissionStatus::Published, Some("2026-12"))
        );
    }
    let model = ictstat_store::ReadModel::load(&db).await.unwrap();
    let snapshot = model.snapshot();
    // 50.125 is in no bundled series: every row of both submissions is public.
    let published = snapshot
        .indicator_rows("IT_USE_ii99")
        .iter()
        .filter(|r| r.value == Some(50.125))
        .count();
    assert_eq!(published, 300_000);
    db.close().await;
}

#[tokio::test]
async fn export_imports_back_unchanged_and_validate_needs_no_database() {
    let dir = tempfile::tempdir().unwrap();
    let url = Db::sqlite_url(&dir.path().join("ictstat.db"));
    let csv = dir.path().join("obs.csv");
    std::fs::write(&csv, "indicator,area,period,sex,value,source\nIT_USE_ii99,Kenya,2021,F,25.1,KNBS\nIT_USE_ii99,KE,2021,M,33.9,KNBS\n").unwrap();

    let out = ictstat()
        .args(["validate", csv.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("2 valid observations"));

    // A dry run is a validation: it does not create the database.
    let out = run(&["import", csv.to_str().unwrap(), "--dry-run"], &url);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("\ndry-run: 0 errors"));
    assert!(
        !dir.path().join("ictstat.db").exists(),
        "a dry run created the database"
    );
    // Export reads an existing database only.
    let out = run(&["export", "--indicator", "17.8.1"], &url);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !dir.path().join("ictstat.db").exists(),
        "export created the database"
    );
    let out = run(&["init"], &url);
    assert!(out.status.success());
    let dry = counts(&url).await;

    let out = run(
        &["import", csv.to_str().unwrap(), "--comment", "KNBS 2021"],
        &url,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(counts(&url).await, (dry.0 + 2, dry.1 + 1));

    let exported = dir.path().join("out.csv");
    let out = run(
        &[
            "export",
            "--indicator",
            "17.8.1",
            "--area",
            "KEN",
            "-o",
            exported.to_str().unwrap(),
        ],
        &url,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&exported).unwrap();
    assert!(
        text.contains("IT_USE_ii99") && text.contains("25.1") && text.contains("33.9"),
        "{text}"
    );
    let out = run(&["import", exported.to_str().unwrap()], &url);
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("\nunchanged: 0 errors"), "{stdout}");
    assert_eq!(counts(&url).await, (dry.0 + 2, dry.1 + 1));
}

/// Round trip through SDMX: the whole database (bundled data plus disaggregated values with
/// bounds, status and a footnote that needs escaping) exported in each of the six SDMX data
/// formats imports back with every observation unchanged (the store compares value and every
/// attribute).
#[tokio::test]
async fn every_sdmx_export_imports_back_unchanged() {
    let (dir, url) = initialised();
    let extra = dir.path().join("extra.csv");
    std::fs::write(
        &extra,
        "indicator,area,period,sex,value,obs_status,lower_bound,upper_bound,std_error,footnote\n\
         IT_USE_ii99,KE,2021,F,25.1,E,23.5,26.7,0.8,\"survey <KIHBS> & \"\"ICT\"\", see:\nline two\"\n\
         IT_USE_ii99,KE,2021,M,33.9,A,,,,\n",
    )
    .unwrap();
    assert!(
        run(&["import", extra.to_str().unwrap()], &url)
            .status
            .success()
    );
    let observations = current(&url).await;
    let versions = counts(&url).await.0;
    for (format, ext) in [
        ("sdmx-ml", "xml"),
        ("sdmx-ml-ss", "xml"),
        ("sdmx-json", "json"),
        ("sdmx-json-1.0", "json"),
        ("sdmx-csv", "csv"),
        ("sdmx-csv-1.0", "csv"),
    ] {
        let file = dir.path().join(format!("dump-{format}.{ext}"));
        let out = run(
            &["export", "--format", format, "-o", file.to_str().unwrap()],
            &url,
        );
        assert!(
            out.status.success(),
            "{format}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let out = run(&["import", file.to_str().unwrap(), "--json"], &url);
        assert!(
            out.status.success(),
            "{format}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(report["status"], "unchanged", "{format}: {report}");
        assert_eq!(report["outcome"]["unchanged"], observations, "{format}");
        assert_eq!(report["report"]["errors"], 0, "{format}: {report}");
        // The only findings are the validation rules' warnings on the bundled data itself:
        // Hong Kong's and Macao's mobile subscriptions above 250 per 100 (28), and Armenia's
        // speed tiers, which leave a remainder of unknown speed below its total per 100 (9) and,
        // as counts derived from those rates and population, miss or pass ITU's total count
        // (3, one of them above it: a total contradiction).
        let rules: Vec<&str> = report["report"]["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["rule"].as_str().unwrap())
            .collect();
        let count = |prefix: &str| rules.iter().filter(|r| r.starts_with(prefix)).count();
        assert_eq!(count("mobile-subscriptions-"), 28, "{format}: {rules:?}");
        assert_eq!(count("speed-tiers-sum"), 12, "{format}: {rules:?}");
        assert_eq!(count("total-contradiction"), 1, "{format}: {rules:?}");
        assert_eq!(rules.len(), 41, "{format}: {rules:?}");
    }
    assert_eq!(counts(&url).await.0, versions);

    // The World aggregate of Internet use, on the command line as in the API.
    let out = run(
        &[
            "compute",
            "aggregates",
            "--indicator",
            "17.8.1",
            "--group",
            "001",
            "--start",
            "2020",
            "--end",
            "2020",
        ],
        &url,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some(
            "group,group_name,year,value,estimated,population_share,countries_with_data,members,passed"
        )
    );
    let world: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(world[..3], ["001", "World", "2020"]);
    let value: f64 = world[3].parse().unwrap();
    assert!((40.0..80.0).contains(&value), "{text}");
    assert_eq!(world[8], "true");

    // Progress on the command line: one row per area and method.
    let out = run(
        &[
            "compute",
            "progress",
            "--indicator",
            "17.8.1",
            "--area",
            "KEN",
            "--target",
            "UMC2030_INDIVIDUALS",
        ],
        &url,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let rows: Vec<&str> = text.lines().skip(1).collect();
    assert_eq!(rows.len(), 5, "{text}");
    assert!(
        rows.iter()
            .all(|r| r.starts_with("404,Kenya,") && r.contains(",UMC2030_INDIVIDUALS,")),
        "{text}"
    );
}

/// The real Tajikistan SDG message (SDMX-ML 2.0 generic): its non-ICT series are refused by
/// name, and with --skip-invalid its fixed-broadband series loads.
#[tokio::test]
async fn sdmx_message_loads_what_maps() {
    let dir = tempfile::tempdir().unwrap();
    let url = Db::sqlite_url(&dir.path().join("ictstat.db"));
    assert!(run(&["init"], &url).status.success());
    let before = counts(&url).await;
    let file = fixture("real/sdmx/TAJSTAT_sdg_generic_20.xml");
    let out = run(&["import", file.to_str().unwrap(), "--json"], &url);
    assert_eq!(out.status.code(), Some(3));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let unknown: Vec<&str> = report["report"]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "unknown-indicator")
        .filter_map(|d| d["value"].as_str())
        .collect();
    assert!(unknown.contains(&"SI_POV_DAY1"), "{unknown:?}");
    assert_eq!(counts(&url).await, before);

    let out = run(&["import", file.to_str().unwrap(), "--skip-invalid"], &url);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The national figures (0.7 per 100 in 2015 and 2016) replace the bundled ITU ones (0.069).
    let args = [
        "export",
        "--indicator",
        "IT_NET_BBND",
        "--area",
        "TJK",
        "--start",
        "2015",
        "--end",
        "2016",
        "--format",
        "json",
    ];
    let out = run(&args, &url);
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let got: Vec<(&str, f64, &str)> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["period"].as_str().unwrap(),
                r["value"].as_f64().unwrap(),
                r["nature"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(got, vec![("2015", 0.7, "C"), ("2016", 0.7, "C")]);
}

#[test]
fn every_command_has_help_and_bad_usage_exits_2() {
    for cmd in [
        "serve",
        "init",
        "import",
        "validate",
        "export",
        "indicators",
        "areas",
        "token-hash",
        "compute aggregates",
        "compute progress",
        "survey tabulate",
        "survey demo",
        "org add",
        "org list",
        "user add",
        "user list",
        "user grant",
        "user disable",
        "token create",
        "token list",
        "token revoke",
    ] {
        let out = ictstat()
            .args(cmd.split(' ').chain(["--help"]))
            .output()
            .unwrap();
        assert!(out.status.success(), "{cmd} --help");
    }
    let out = ictstat().args(["import"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    // Parsed, but naming what does not exist: still a usage error.
    for args in [
        &["validate", "x.csv", "--format", "parquet"][..],
        &["indicators", "--framework", "NOPE"],
        &["areas", "--kind", "planet"],
        &["export", "--breakdown", "colour=red"],
        &["compute", "aggregates", "--indicator", "NOPE"],
        &["check", "--area", "Atlantis"],
        &[
            "compute",
            "progress",
            "--indicator",
            "17.8.1",
            "--method",
            "guess",
        ],
        &[
            "compute",
            "aggregates",
            "--indicator",
            "17.8.1",
            "--gap-fill",
            "guess",
        ],
    ] {
        let out = ictstat().args(args).output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let out = ictstat()
        .args(["indicators", "--framework", "SDG_ICT"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("IT_MOB_OWN") && text.contains("SE_ADT_ACTS"),
        "{text}"
    );
}

/// `ictstat survey tabulate` on the survey fixtures: the national proportion equals R's
/// `svymean`/`svyciprop` on the same design (tests/fixtures/survey/golden_strat_clus.csv),
/// and invalid input ends with exit code 3 and no output file.
#[test]
fn survey_tabulate_matches_r_and_refuses_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let design = dir.path().join("design.toml");
    std::fs::write(
        &design,
        "weight = \"w\"\nstrata = \"stratum\"\npsu = \"psu\"\nnest = true\n\n\
         [indicator.IT_USE_ii99]\nvalue = \"internet == 1\"\n\n\
         [breakdown.SEX]\nvariable = \"sex\"\ncodes = { M = 1, F = 2 }\n",
    )
    .unwrap();
    let out = dir.path().join("out.csv");
    let o = survey_tabulate(&design, None, &out, &fixture("survey/persons.csv"));
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let total = tabulated_row(&out, |c| c("SEX") == "_T");
    let golden = std::fs::read_to_string(fixture("survey/golden_strat_clus.csv")).unwrap();
    let r = |quantity: &str| -> f64 {
        let prefix = format!("strat_clus,all,{quantity},");
        golden
            .lines()
            .find_map(|l| l.strip_prefix(prefix.as_str()))
            .unwrap()
            .parse()
            .unwrap()
    };
    let close = |ours: &str, theirs: f64| {
        let ours: f64 = ours.parse().unwrap();
        assert!(
            (ours - theirs).abs() <= 1e-9 * theirs.abs(),
            "{ours} vs R {theirs}"
        );
    };
    close(&total["value"], r("mean,internet,estimate"));
    close(&total["se"], r("mean,internet,se"));
    close(&total["deff"], r("mean,internet,deff"));
    assert_eq!(total["df"], "19");
    // The logit interval, as R's svyciprop: R fits it by IRLS (1e-8, see ictstat-survey).
    let ours: f64 = total["ci_lower"].parse().unwrap();
    assert!((ours - r("prop,internet,logit_lower")).abs() < 1e-8);

    let bad = dir.path().join("bad.csv");
    let status = survey_tabulate(&design, None, &bad, &fixture("survey/malformed_weight.csv"));
    assert_eq!(status.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&status.stderr).contains("line 5, column `w`"));
    assert!(!bad.exists());
}

/// `ictstat survey demo` then `ictstat survey tabulate` on its files: the national Internet
/// use lies within 3 SE of ITU's published figure for the default country (Peru 2018,
/// 52.5 %), and bad options exit with code 2.
#[test]
fn survey_demo_tabulates_to_the_published_figure() {
    let dir = tempfile::tempdir().unwrap();
    let demo = demo_survey(dir.path());
    for f in ["persons.csv", "design.toml", "plan.toml"] {
        assert!(demo.join(f).exists(), "{f}");
    }
    let results = dir.path().join("results.csv");
    let out = survey_tabulate(
        &demo.join("design.toml"),
        Some(&demo.join("plan.toml")),
        &results,
        &demo.join("persons.csv"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let national = tabulated_row(&results, |c| {
        c("indicator") == "IT_USE_ii99"
            && ["SEX", "URBANISATION", "AGE", "REGION", "EDUCATION_LEV"]
                .iter()
                .all(|d| c(d) == "_T")
    });
    let value: f64 = national["value"].parse().unwrap();
    let se: f64 = national["se"].parse().unwrap();
    assert!(
        (value - 0.525).abs() <= 3.0 * se,
        "{value} ± {se} vs ITU's 52.5 %"
    );
    let deff: f64 = national["deff"].parse().unwrap();
    assert!(deff > 1.0, "deff {deff}");

    for args in [
        &["survey", "demo", "--country", "KEN", "-o"][..],
        &["survey", "demo", "--persons", "10", "-o"],
    ] {
        let out = ictstat()
            .args(args)
            .arg(dir.path().join("bad"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(!dir.path().join("bad").exists());
    }
}

/// Bad files exit 3 with a message (header only, empty, no indicators), and the output is
/// written through a unique temporary file: a user's `out.partial` is left alone and
/// `-o x.partial` works.
#[test]
fn survey_tabulate_refuses_empty_input_and_writes_atomically() {
    let dir = tempfile::tempdir().unwrap();
    let design = dir.path().join("design.toml");
    std::fs::write(
        &design,
        "weight = \"w\"\nstrata = \"stratum\"\npsu = \"psu\"\nnest = true\n\n\
         [indicator.IT_USE_ii99]\nvalue = \"internet == 1\"\n",
    )
    .unwrap();
    let tabulate =
        |design: &Path, data: &Path, out: &Path| survey_tabulate(design, None, out, data);
    let header_only = dir.path().join("header.csv");
    std::fs::write(&header_only, "stratum,psu,w,internet\n").unwrap();
    let empty = dir.path().join("empty.csv");
    std::fs::write(&empty, "").unwrap();
    let out = dir.path().join("out.csv");
    for (data, message) in [(&header_only, "no data rows"), (&empty, "file is empty")] {
        let o = tabulate(&design, data, &out);
        assert_eq!(o.status.code(), Some(3), "{message}");
        assert!(
            String::from_utf8_lossy(&o.stderr).contains(message),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(!out.exists());
    }
    let bare = dir.path().join("bare.toml");
    std::fs::write(&bare, "weight = \"w\"\n").unwrap();
    let o = tabulate(&bare, &fixture("survey/persons.csv"), &out);
    assert_eq!(o.status.code(), Some(3));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("no indicators") && err.contains("--plan"),
        "{err}"
    );

    // A user's out.partial survives; -o x.partial is written.
    let partial = dir.path().join("out.partial");
    std::fs::write(&partial, "mine").unwrap();
    let o = tabulate(&design, &fixture("survey/persons.csv"), &out);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(std::fs::read_to_string(&partial).unwrap(), "mine");
    assert!(
        std::fs::read_to_string(&out)
            .unwrap()
            .starts_with("indicator,")
    );
    let o = tabulate(&design, &fixture("survey/persons.csv"), &partial);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        std::fs::read_to_string(&partial)
            .unwrap()
            .starts_with("indicator,")
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    // A missing directory: the error names the target.
    let nowhere = dir.path().join("no/such/dir/out.csv");
    let o = tabulate(&design, &fixture("survey/persons.csv"), &nowhere);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("out.csv"));
}

/// A demo survey of 20,000 persons in `dir/demo` (design.toml, plan.toml, persons.csv).
fn demo_survey(dir: &Path) -> PathBuf {
    let demo = dir.join("demo");
    let out = ictstat()
        .args(["survey", "demo", "--persons", "20000", "-o"])
        .arg(&demo)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    demo
}

/// `--import` stores the estimates as observations of their indicators, in percent, with
/// bounds, standard errors, OBS_STATUS and the design's source, as one revision (plus the
/// derived values); what the store cannot hold is reported, not stored.
#[tokio::test]
async fn survey_import_stores_the_estimates_as_one_revision() {
    let (dir, url) = initialised();
    let demo = demo_survey(dir.path());
    let before = counts(&url).await;
    let results = dir.path().join("results.csv");
    let out = ictstat()
        .args(["survey", "tabulate", "--import", "--design"])
        .arg(demo.join("design.toml"))
        .arg("--plan")
        .arg(demo.join("plan.toml"))
        .args(["--comment", "demo survey", "-o"])
        .arg(&results)
        .arg(demo.join("persons.csv"))
        .args(["--database-url", &url])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("estimates by REGION: "), "{err}");
    let after = counts(&url).await;
    assert!(after.0 > before.0, "{before:?} → {after:?}");
    // One revision for the estimates, one for the values derived from them.
    assert_eq!(after.1, before.1 + 2, "{before:?} → {after:?}");

    let exported = ictstat()
        .args([
            "export",
            "--indicator",
            "IT_USE_ii99",
            "--area",
            "PER",
            "--start",
            "2018",
            "--end",
            "2018",
            "--format",
            "json",
            "--database-url",
            &url,
        ])
        .output()
        .unwrap();
    assert!(exported.status.success());
    let stored: Vec<serde_json::Value> = serde_json::from_slice(&exported.stdout).unwrap();
    for (code, dimension) in [("_T", "SEX"), ("F", "SEX"), ("R", "URBANISATION")] {
        let row = tabulated_row(&results, |c| {
            c("indicator") == "IT_USE_ii99"
                && ["SEX", "URBANISATION", "AGE", "EDUCATION_LEV"]
                    .iter()
                    .all(|d| c(d) == if *d == dimension { code } else { "_T" })
                && c("REGION") == "_T"
                && c("LABOUR_FORCE_STATUS") == "_T"
        });
        let obs = stored
            .iter()
            .find(|o| {
                let b = o["breakdown"].as_object().unwrap();
                if code == "_T" {
                    b.is_empty()
                } else {
                    b.len() == 1 && b.get(dimension).and_then(|v| v.as_str()) == Some(code)
                }
            })
            .unwrap_or_else(|| panic!("{dimension}={code} not stored: {stored:?}"));
        for (column, key) in [
            ("value", "value"),
            ("se", "std_error"),
            ("ci_lower", "lower_bound"),
            ("ci_upper", "upper_bound"),
        ] {
            let want = 100.0 * row[column].parse::<f64>().unwrap();
            let got = obs[key].as_f64().unwrap();
            assert!(
                (got - want).abs() <= 1e-12 * want.abs(),
                "{dimension}={code} {key}: {got} vs {want}"
            );
        }
        assert_eq!(obs["obs_status"], row["obs_status"].as_str());
        assert!(
            obs["source"].as_str().unwrap().starts_with("SYNTHETIC"),
            "{obs}"
        );
        assert!(obs["footnote"].as_str().unwrap().contains("n = "), "{obs}");
    }
}

/// An import that the store would refuse (a plan naming an indicator the catalogue does
/// not have), that cannot say where its estimates go, or whose file is malformed (cut in
/// the middle of a row, a negative weight) changes nothing.
#[tokio::test]
async fn survey_import_refused_changes_nothing() {
    let (dir, url) = initialised();
    let demo = demo_survey(dir.path());
    let before = counts(&url).await;
    let plan = dir.path().join("plan.toml");
    std::fs::write(
        &plan,
        "[indicator.IT_NO_SUCH]\nvalue = \"q_internet == 1\"\nscope = \"age >= 15\"\n",
    )
    .unwrap();
    let no_survey = dir.path().join("design.toml");
    std::fs::write(
        &no_survey,
        "weight = \"weight\"\nstrata = \"stratum\"\npsu = \"psu\"\nnest = true\n",
    )
    .unwrap();
    // The demo's own file, cut in the middle of a row, and with a negative weight.
    let persons = std::fs::read_to_string(demo.join("persons.csv")).unwrap();
    let truncated = dir.path().join("truncated.csv");
    std::fs::write(&truncated, &persons[..persons.len() / 2]).unwrap();
    let mut lines: Vec<String> = persons.lines().map(str::to_string).collect();
    let weight = lines[0].split(',').position(|c| c == "weight").unwrap();
    let mut fields: Vec<String> = lines[5].split(',').map(str::to_string).collect();
    fields[weight] = "-1".to_string();
    lines[5] = fields.join(",");
    let negative = dir.path().join("negative.csv");
    std::fs::write(&negative, lines.join("\n") + "\n").unwrap();
    let (good_design, good_plan) = (demo.join("design.toml"), demo.join("plan.toml"));
    for (design, plan, data, code, message) in [
        (
            &good_design,
            &plan,
            demo.join("persons.csv"),
            3,
            "of IT_NO_SUCH: not an indicator",
        ),
        (&no_survey, &plan, demo.join("persons.csv"), 2, "--area"),
        (
            &good_design,
            &good_plan,
            truncated,
            3,
            "truncated.csv: line ",
        ),
        (
            &good_design,
            &good_plan,
            negative,
            3,
            "negative.csv: line 6, column `weight`",
        ),
    ] {
        let out = ictstat()
            .args(["survey", "tabulate", "--import", "--design"])
            .arg(design)
            .arg("--plan")
            .arg(plan)
            .arg(&data)
            .args(["--database-url", &url])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{err}");
        assert!(err.contains(message), "{err}");
        assert_eq!(counts(&url).await, before);
    }
}

/// `--format xlsx`: one sheet per indicator laid out like ITU's questionnaire, whose
/// figures are the tidy table's (percent for proportions, weighted counts).
#[test]
fn survey_xlsx_holds_the_tidy_tables_figures() {
    use calamine::{Data, Reader, Xlsx};
    let dir = tempfile::tempdir().unwrap();
    let demo = demo_survey(dir.path());
    let csv = dir.path().join("results.csv");
    let xlsx = dir.path().join("results.xlsx");
    let design = demo.join("design.toml");
    let plan = demo.join("plan.toml");
    let data = demo.join("persons.csv");
    assert!(
        survey_tabulate(&design, Some(&plan), &csv, &data)
            .status
            .success()
    );
    let out = ictstat()
        .args(["survey", "tabulate", "--format", "xlsx", "--design"])
        .arg(&design)
        .arg("--plan")
        .arg(&plan)
        .arg("-o")
        .arg(&xlsx)
        .arg(&data)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut book: Xlsx<_> = calamine::open_workbook(&xlsx).unwrap();
    let names = book.sheet_names();
    assert_eq!(names[0], "About");
    for key in [
        "IT_HH_COMP",
        "IT_USE_ii99",
        "IT_MOB_OWN",
        "SE_ADT_ACTS.SKILL_ICTPRGM",
    ] {
        assert!(names.iter().any(|n| n == key), "{key} in {names:?}");
    }
    let sheet = book.worksheet_range("IT_USE_ii99").unwrap();
    let rows: Vec<&[Data]> = sheet.rows().collect();
    let number = |row: &[Data], c: usize| match &row[c] {
        Data::Float(f) => *f,
        other => panic!("column {c}: {other:?}"),
    };
    let female = rows
        .iter()
        .find(|r| r[1] == Data::String("Female".into()))
        .expect("a Female row");
    let want = tabulated_row(&csv, |c| {
        c("indicator") == "IT_USE_ii99"
            && c("SEX") == "F"
            && c("URBANISATION") == "_T"
            && c("AGE") == "_T"
    });
    let value: f64 = want["value"].parse().unwrap();
    let size: f64 = want["weighted_size"].parse().unwrap();
    assert!((number(female, 3) - size).abs() <= 1e-9 * size);
    assert!((number(female, 4) - value * size).abs() <= 1e-9 * size);
    assert!((number(female, 5) - 100.0 * value).abs() <= 1e-12 * 100.0);
    assert_eq!(female[2], Data::String("F".into()));
    assert!(
        rows.iter()
            .any(|r| r[0] == Data::String("By sex and urban/rural location".into()))
    );

    // xlsx without -o is a usage error.
    let out = ictstat()
        .args(["survey", "tabulate", "--format", "xlsx", "--design"])
        .arg(&design)
        .arg(&data)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// Runs `ictstat ARGS --database-url URL` with `stdin` as standard input.
fn run_with_stdin(args: &[&str], db_url: &str, stdin: &str) -> Output {
    use std::io::Write;
    let mut child = ictstat()
        .args(args)
        .arg("--database-url")
        .arg(db_url)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("ictstat runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// One HTTP/1.1 request to `addr`; the status and the body.
fn http(addr: &str, method: &str, path: &str, token: Option<&str>, body: &str) -> (u16, String) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    let auth = token.map_or(String::new(), |t| format!("Authorization: Bearer {t}\r\n"));
    let json = if body.starts_with('{') {
        "Content-Type: application/json\r\n"
    } else {
        ""
    };
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n{auth}{json}Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let status = answer[9..12].parse().unwrap();
    let body = answer
        .split_once("\r\n\r\n")
        .map_or("", |(_, b)| b)
        .to_string();
    (status, body)
}

/// The README's walk-through: organisations, the first administrator, a provider and a
/// custodian from the command line (passwords on standard input), tokens printed once, then
/// `ictstat serve` takes the provider's in-scope file as a submission (not public) and refuses
/// another country's row; the custodian accepts it with a comment on its row; the
/// administrator publishes it with `ictstat release publish`, and the running server serves
/// it; the token is refused once revoked. Every step is in the audit log; neither the token
/// nor its hash is in the database's token table as the token, nor in the server's debug log.
#[tokio::test]
async fn accounts_and_tokens_from_the_command_line_to_the_api() {
    let (_dir, url) = initialised();
    let ok = |out: Output| {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    ok(run(
        &[
            "org",
            "add",
            "Kenya National Bureau of Statistics",
            "--kind",
            "statistical_office",
        ],
        &url,
    ));
    let org = "Kenya National Bureau of Statistics";
    ok(run_with_stdin(
        &[
            "user",
            "add",
            "admin",
            "--org",
            org,
            "--role",
            "administrator",
            "--password-stdin",
        ],
        &url,
        "a long enough passphrase\n",
    ));
    ok(run_with_stdin(
        &[
            "user",
            "add",
            "knbs",
            "--org",
            org,
            "--password-stdin",
            "--role",
            "provider",
            "--area",
            "KEN",
            "--indicator",
            "17.8.1",
        ],
        &url,
        "another long passphrase\n",
    ));
    // Refused before anything is written: a short password, a scope the role does not take,
    // an unknown country.
    for (args, stdin) in [
        (
            &["user", "add", "x", "--org", org, "--password-stdin"][..],
            "short\n",
        ),
        (
            &[
                "user",
                "add",
                "y",
                "--org",
                org,
                "--password-stdin",
                "--role",
                "custodian",
            ][..],
            "a long enough passphrase\n",
        ),
        (
            &[
                "user",
                "grant",
                "knbs",
                "--role",
                "provider",
                "--area",
                "Atlantis",
                "--indicator",
                "17.8.1",
            ][..],
            "",
        ),
    ] {
        let out = run_with_stdin(args, &url, stdin);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
    let users = ok(run(&["user", "list"], &url));
    assert!(users.contains("provider 404:IT_USE_ii99"), "{users}");
    assert!(!users.contains("\ny ") && !users.contains("\nx "));

    let token = ok(run(
        &[
            "token",
            "create",
            "--user",
            "knbs",
            "--name",
            "upload",
            "--scope",
            "submit,read",
            "--expires-in",
            "90d",
        ],
        &url,
    ))
    .trim()
    .to_string();
    assert!(token.starts_with("ict_") && token.len() == 68, "{token}");
    let list = ok(run(&["token", "list"], &url));
    assert!(
        list.contains("upload") && !list.contains(&token[4..]),
        "{list}"
    );

    ok(run(&["org", "add", "ITU", "--kind", "agency"], &url));
    ok(run_with_stdin(
        &[
            "user",
            "add",
            "itu",
            "--org",
            "ITU",
            "--password-stdin",
            "--role",
            "custodian",
            "--indicator",
            "17.8.1",
        ],
        &url,
        "a third long passphrase\n",
    ));
    let custodian = ok(run(
        &[
            "token",
            "create",
            "--user",
            "itu",
            "--name",
            "review",
            "--scope",
            "submit,read",
        ],
        &url,
    ))
    .trim()
    .to_string();

    // The server, with its debug log captured.
    let mut server = ictstat()
        .args(["serve", "--listen", "127.0.0.1:0", "--database-url", &url])
        .env("ICTSTAT_LOG", "debug")
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let log = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let (tx, rx) = std::sync::mpsc::channel();
    let stderr = server.stderr.take().unwrap();
    let log_writer = log.clone();
    let reader = std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(stderr).lines() {
            let line = line.unwrap();
            if let Some(rest) = line.split("listening on http://").nth(1) {
                let _ = tx.send(rest.split_whitespace().next().unwrap().to_string());
            }
            log_writer.lock().unwrap().push_str(&line);
            log_writer.lock().unwrap().push('\n');
        }
    });
    let addr = rx
        .recv_timeout(Duration::from_secs(120))
        .expect("the server starts");

    let kenya = "indicator,area,period,sex,value,source\nIT_USE_ii99,KEN,2024,_T,41.5,KNBS\n";
    let uganda = format!("{kenya}IT_USE_ii99,UGA,2024,_T,27.0,UBOS\n");
    let path = "/api/v1/submissions?file_name=kenya.csv";
    let public = "/api/v1/observations?indicator=IT_USE_ii99&area=KEN&start=2024";
    let (status, body) = http(&addr, "GET", "/api/v1/me", Some(&token), "");
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("\"actor\":\"knbs\""), "{body}");
    // A provider imports nothing directly: they submit for review.
    let (status, body) = http(
        &addr,
        "POST",
        "/api/v1/imports?file_name=kenya.csv",
        Some(&token),
        kenya,
    );
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("/api/v1/submissions"), "{body}");
    let (status, body) = http(&addr, "POST", path, Some(&token), kenya);
    assert_eq!(status, 201, "{body}");
    assert!(body.contains("\"status\":\"pending\""), "{body}");
    let before = counts(&url).await;
    let (status, body) = http(&addr, "POST", path, Some(&token), &uganda);
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("area 800"), "{body}");
    assert_eq!(counts(&url).await, before);
    // Submitted is not public: the public still sees the bundled ITU value.
    let (_, body) = http(&addr, "GET", public, None, "");
    assert!(body.contains("34.9762") && !body.contains("41.5"), "{body}");

    // The custodian reviews, with a comment on the row; the administrator publishes from
    // the command line; the server notices the release.
    let (status, body) = http(
        &addr,
        "POST",
        "/api/v1/submissions/1/review",
        Some(&custodian),
        r#"{"decision":"accept","comment":"matches the KNBS release","comments":[{"series_key":"IT_USE_ii99|404|","period":"2024","body":"checked against table 4.2"}]}"#,
    );
    assert_eq!(status, 200, "{body}");
    let published = ok(run(
        &[
            "release",
            "publish",
            "2024-kenya",
            "--description",
            "KNBS 2024",
        ],
        &url,
    ));
    assert!(
        published.contains("release 2024-kenya published"),
        "{published}"
    );
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (_, body) = http(&addr, "GET", public, None, "");
        if body.contains("41.5") {
            assert!(body.contains("\"revised\":true"), "{body}");
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the release never became public: {body}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let (status, body) = http(&addr, "GET", "/api/v1/releases/2024-kenya", None, "");
    assert_eq!(status, 200, "{body}");
    assert!(
        body.contains("\"revised\":1") && body.contains("\"author\":\"knbs\""),
        "{body}"
    );
    let shown = ok(run(&["release", "show", "2024-kenya"], &url));
    assert!(
        shown.contains("IT_USE_ii99 404 _T 2024: 41.5 (revised from 34.9762"),
        "{shown}"
    );

    let id = list.split_whitespace().next().unwrap();
    ok(run(&["token", "revoke", id], &url));
    let (status, _) = http(&addr, "POST", path, Some(&token), kenya);
    assert_eq!(status, 401);
    server.kill().unwrap();
    server.wait().unwrap();
    reader.join().unwrap();

    let log = log.lock().unwrap().clone();
    assert!(
        log.contains("/api/v1/submissions"),
        "the debug log was read"
    );
    assert!(
        !log.contains(&token[4..])
            && !log.contains(&ictstat_store::accounts::sha256_hex(token.as_bytes()))
    );

    let db = Db::connect(&url).await.unwrap();
    let q = ictstat_store::accounts::AuditQuery {
        limit: 100,
        ..Default::default()
    };
    let mut trail: Vec<(String, String)> = db
        .audit_entries(&q)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.actor.unwrap_or_default(), e.action))
        .collect();
    trail.reverse();
    let os_user = std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_else(|_| "unknown".into());
    let me = format!("cli:{os_user}");
    let expected: Vec<(String, String)> = [
        // The first start published the bundled data.
        ("ictstat", "release_published"),
        (me.as_str(), "organisation_created"),
        (&me, "user_created"),
        (&me, "role_granted"),
        (&me, "user_created"),
        (&me, "role_granted"),
        (&me, "token_created"),
        (&me, "organisation_created"),
        (&me, "user_created"),
        (&me, "role_granted"),
        (&me, "token_created"),
        ("knbs", "import_refused"),
        ("knbs", "submission_created"),
        ("knbs", "submission_refused"),
        ("itu", "submission_reviewed"),
        // The publication holds what it writes until its release row.
        (&me, "revisions_held"),
        (&me, "release_published"),
        (&me, "token_revoked"),
        ("", "token_refused"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(trail, expected);
    db.close().await;
}

/// `import --hold` writes without publishing: exports (the published data by default) leave
/// it out until `release publish` covers it, under embargo first; `--as-of` a revision still
/// reaches it from the command line.
#[test]
fn held_imports_wait_for_a_release() {
    let (dir, url) = initialised();
    let path = dir.path().join("kenya.csv");
    std::fs::write(
        &path,
        "indicator,area,period,value\nIT_USE_ii99,KEN,2030,77.25\n",
    )
    .unwrap();
    let ok = |out: Output| {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let imported = ok(run(&["import", path.to_str().unwrap(), "--hold"], &url));
    assert!(!imported.contains("published as release"), "{imported}");
    let export = |extra: &[&str]| {
        let mut args = vec![
            "export",
            "--indicator",
            "IT_USE_ii99",
            "--area",
            "KEN",
            "--start",
            "2030",
        ];
        args.extend_from_slice(extra);
        ok(run(&args, &url))
    };
    assert!(!export(&[]).contains("77.25"));
    let held = imported
        .split("revision ")
        .nth(1)
        .unwrap()
        .split([',', ' ', ':'])
        .next()
        .unwrap()
        .to_string();
    assert!(
        export(&["--as-of", &held]).contains("77.25"),
        "the command line reaches any revision"
    );

    // Under embargo: listed, still not exported.
    ok(run(
        &["release", "publish", "2030-preview", "--at", "2100-01-01"],
        &url,
    ));
    let list = ok(run(&["release", "list"], &url));
    assert!(
        list.contains("2030-preview") && list.contains("embargoed until 2100-01-01"),
        "{list}"
    );
    assert!(!export(&[]).contains("77.25"));
    // A release cannot come out before the embargoed one, and a name is used once.
    let early = run(&["release", "publish", "early"], &url);
    assert_eq!(
        early.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&early.stderr)
    );
    let again = run(
        &["release", "publish", "2030-preview", "--at", "2100-01-02"],
        &url,
    );
    assert_eq!(again.status.code(), Some(2));
}

/// Account commands (whose `--help` the test of every command checks) refuse what does not
/// exist with exit code 2.
#[test]
fn account_commands_refuse_bad_usage_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let url = Db::sqlite_url(&dir.path().join("accounts.db"));
    for args in [
        &["token", "create", "--user", "nobody", "--name", "x"][..],
        &[
            "token", "create", "--user", "nobody", "--name", "x", "--scope", "submit",
        ],
        &["token", "revoke", "7"],
        &["user", "grant", "nobody"],
        &["user", "disable", "nobody"],
        &["user", "enable", "nobody"],
        &["user", "password", "nobody", "--password-stdin"],
        &["user", "revoke", "nobody", "--role", "viewer"],
        &["user", "revoke", "nobody"],
        &["org", "add", "X", "--kind", "club"],
    ] {
        let out = run(args, &url);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// An expiry so large that hours times its unit overflows is a usage error, not a panic.
#[test]
fn token_expiry_that_overflows_is_refused_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let url = Db::sqlite_url(&dir.path().join("accounts.db"));
    let out = run(
        &[
            "token",
            "create",
            "--user",
            "nobody",
            "--name",
            "x",
            "--scope",
            "read",
            "--expires-in",
            "18446744073709551615w",
        ],
        &url,
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("between 1 hour") && !stderr.contains("panicked"),
        "{stderr}"
    );
}
