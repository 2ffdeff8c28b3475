//! The load test on loopback: a real server on a TCP port, public readers asking for data,
//! SDMX and the catalogue without pause, while a custodian submits a large file, an
//! administrator accepts it and publishes it as a release. Every public answer must be a
//! 200, and the readers must have been answered throughout. Bounded in time by the size of
//! the file (a few seconds of work), never by a timing assertion; latencies are printed for
//! the record, not checked.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use ictstat_store::accounts::Role;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::apps;
use super::workflow::member;

/// One HTTP/1.1 request on a new connection; the status and the body.
async fn request(
    addr: std::net::SocketAddr,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: &[u8],
) -> (u16, Vec<u8>) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let auth = token.map_or(String::new(), |t| format!("Authorization: Bearer {t}\r\n"));
    let json = if body.starts_with(b"{") {
        "Content-Type: application/json\r\n"
    } else {
        ""
    };
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n{auth}{json}Content-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(body).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    let status = std::str::from_utf8(&answer[9..12])
        .unwrap()
        .parse()
        .unwrap();
    let start = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(answer.len(), |p| p + 4);
    (status, answer[start..].to_vec())
}

/// Up to `rows` rows of Internet use by sex and age over countries and years (150 per
/// country): new data points.
fn large_file(rows: usize) -> String {
    let catalog = ictstat_core::Catalog::embedded().unwrap();
    let mut text = String::from("indicator,area,period,sex,age,value\n");
    let mut n = 0;
    'fill: for area in catalog
        .areas
        .iter()
        .filter(|a| a.kind == ictstat_core::AreaKind::Country)
    {
        for year in 2000..2025 {
            for sex in ["F", "M"] {
                for age in ["Y15T24", "Y25T64", "Y_GE65"] {
                    text.push_str(&format!(
                        "IT_USE_ii99,{},{year},{sex},{age},50.125\n",
                        area.code
                    ));
                    n += 1;
                    if n == rows {
                        break 'fill;
                    }
                }
            }
        }
    }
    text
}

/// The value at quantile `q` of sorted `values`.
fn quantile(values: &[Duration], q: f64) -> Duration {
    values[((values.len() - 1) as f64 * q).round() as usize]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_reads_keep_answering_while_a_release_is_published() {
    let (apps, scratch) = apps("load", true).await;
    for app in apps {
        let itu = member(&app, "ITU", "itu", Role::Custodian, &["IT_USE_ii99"], &[]).await;
        let admin = member(&app, "ITU", "admin", Role::Administrator, &[], &[]).await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        // The tests' 1 MiB upload limit, raised for this file.
        let state = ictstat_server::AppState::new(
            app.state.db.clone(),
            app.state.catalog.clone(),
            app.state.read_model.clone(),
            ictstat_server::ServerConfig {
                max_upload_bytes: 16 << 20,
                ..ictstat_server::ServerConfig::default()
            },
        );
        let server = tokio::spawn(ictstat_server::serve(
            state.clone(),
            ictstat_server::router(state),
            listener,
        ));
        let file = large_file(40_000);

        let stop = Arc::new(AtomicBool::new(false));
        let paths = [
            "/api/v1/observations?indicator=IT_USE_ii99&area=KEN",
            "/sdmx/data/DF_ICT/A.G.IT_USE_ii99.404...........",
            "/api/v1/indicators",
            "/api/v1/releases",
        ];
        let readers: Vec<_> = (0..4)
            .map(|i| {
                let stop = stop.clone();
                tokio::spawn(async move {
                    let mut answers: Vec<(u16, Duration)> = Vec::new();
                    let mut k = i;
                    while !stop.load(Ordering::Relaxed) {
                        let started = Instant::now();
                        let (status, _) =
                            request(addr, "GET", paths[k % paths.len()], None, b"").await;
                        answers.push((status, started.elapsed()));
                        k += 1;
                    }
                    answers
                })
            })
            .collect();

        let work = async {
            let started = Instant::now();
            let (status, body) = request(
                addr,
                "POST",
                "/api/v1/submissions?file_name=large.csv",
                Some(&itu),
                file.as_bytes(),
            )
            .await;
            assert_eq!(status, 201, "{}", String::from_utf8_lossy(&body));
            let submitted = started.elapsed();
            let answer: serde_json::Value = serde_json::from_slice(&body).unwrap();
            let id = answer["submission"]["id"].as_i64().unwrap();
            let kept = answer["submission"]["observations"].as_u64().unwrap();
            let (status, body) = request(
                addr,
                "POST",
                &format!("/api/v1/submissions/{id}/review"),
                Some(&admin),
                br#"{"decision":"accept"}"#,
            )
            .await;
            assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
            let (status, body) = request(
                addr,
                "POST",
                "/api/v1/releases",
                Some(&admin),
                br#"{"name":"load"}"#,
            )
            .await;
            assert_eq!(status, 201, "{}", String::from_utf8_lossy(&body));
            (submitted, started.elapsed(), kept)
        };
        let (submitted, published, kept) = tokio::time::timeout(Duration::from_secs(600), work)
            .await
            .expect("the publication ends");
        stop.store(true, Ordering::Relaxed);
        let mut answers = Vec::new();
        for r in readers {
            answers.extend(r.await.unwrap());
        }
        server.abort();

        let failed: Vec<u16> = answers
            .iter()
            .map(|(s, _)| *s)
            .filter(|s| *s != 200)
            .collect();
        assert!(
            failed.is_empty(),
            "public reads failed during the publication: {failed:?}"
        );
        assert!(
            answers.len() >= 20,
            "the readers were answered throughout: {}",
            answers.len()
        );
        let snapshot = app.state.read_model.snapshot();
        let published_rows = snapshot
            .indicator_rows("IT_USE_ii99")
            .iter()
            .filter(|r| r.value == Some(50.125))
            .count();
        assert_eq!(published_rows as u64, kept, "the release is public");
        let mut latencies: Vec<Duration> = answers.iter().map(|(_, d)| *d).collect();
        latencies.sort();
        eprintln!(
            "load: {} public answers, all 200, while submitting ({submitted:?}) and publishing ({published:?}) {kept} rows; latency median {:?}, 99th percentile {:?}, max {:?}",
            answers.len(),
            quantile(&latencies, 0.5),
            quantile(&latencies, 0.99),
            latencies.last().unwrap()
        );
    }
    scratch.finish().await.unwrap();
}
