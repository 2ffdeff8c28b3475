//! API tests over the real router, on SQLite and (when `ICTSTAT_TEST_DATABASE_URL` is set) on
//! PostgreSQL.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use ictstat_core::Catalog;
use ictstat_server::{AppState, ServerConfig, bootstrap, router};
use ictstat_store::ReadModel;
use ictstat_store::scratch::ScratchDbs;
use serde_json::Value;
use tower::ServiceExt;

#[path = "server/accounts.rs"]
mod accounts;
#[path = "server/consultation.rs"]
mod consultation;
#[path = "server/load.rs"]
mod load;
#[path = "server/workflow.rs"]
mod workflow;

const TOKEN: &str = "test-admin-token";

struct TestApp {
    state: AppState,
}

/// Apps on every configured backend, each on a fresh database; the scratch databases go when
/// the test calls `finish`.
async fn apps(name: &str, bundled: bool) -> (Vec<TestApp>, ScratchDbs) {
    let scratch = ScratchDbs::new(name).await.unwrap();
    let catalog = Arc::new(Catalog::embedded().unwrap());
    let mut out = Vec::new();
    for db in &scratch.dbs {
        if bundled {
            bootstrap::init(db, &catalog).await.unwrap();
        }
        let read_model = ReadModel::load(db).await.unwrap();
        let config = ServerConfig {
            admin_token_sha256: ictstat_server::parse_sha256_hex(&ictstat_server::sha256_hex(
                TOKEN.as_bytes(),
            )),
            max_upload_bytes: 1024 * 1024,
            ..ServerConfig::default()
        };
        let state = AppState::new(db.clone(), catalog.clone(), read_model, config);
        out.push(TestApp { state });
    }
    (out, scratch)
}

impl TestApp {
    async fn call(&self, req: Request<Body>) -> (StatusCode, Vec<u8>, String) {
        let resp = router(self.state.clone()).oneshot(req).await.unwrap();
        let status = resp.status();
        let ctype = resp
            .headers()
            .get(header::CONTENT_TYPE)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        let body = resp
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec();
        (status, body, ctype)
    }

    async fn get(&self, uri: &str) -> (StatusCode, Value) {
        let (status, body, _) = self
            .call(Request::get(uri).body(Body::empty()).unwrap())
            .await;
        (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
    }

    async fn import(
        &self,
        file_name: &str,
        body: &[u8],
        token: Option<&str>,
        extra: &str,
    ) -> (StatusCode, Value) {
        let mut req = Request::post(format!("/api/v1/imports?file_name={file_name}{extra}"));
        if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        let (status, body, _) = self
            .call(req.body(Body::from(body.to_vec())).unwrap())
            .await;
        (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
    }
}

fn values(page: &Value) -> Vec<(String, String, f64)> {
    page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["area"].as_str().unwrap().to_string(),
                r["period"].as_str().unwrap().to_string(),
                r["value"].as_f64().unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn bundled_data_is_loaded_once_and_served() {
    let (apps, scratch) = apps("bundled", true).await;
    for app in apps {
        let (obs, revs) = app.state.db.counts().await.unwrap();
        // Second start: nothing is rewritten.
        let again = bootstrap::init(&app.state.db, &app.state.catalog)
            .await
            .unwrap();
        assert!(!again.catalog_written && again.bundled.is_empty());
        assert_eq!(app.state.db.counts().await.unwrap(), (obs, revs));
        // One revision per bundled file, and one of the values derived from them.
        assert_eq!(revs, bootstrap::bundled_files().len() as i64 + 1);
        // A derived rate is 100 × subscriptions / population of the same country and year.
        let (_, rates) = app
            .get("/api/v1/observations?indicator=IT_CEL_SETS_P2")
            .await;
        let derived = rates["data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| {
                r["source"]
                    .as_str()
                    .unwrap_or("")
                    .starts_with("ictstat (derived)")
            })
            .expect("some rates are derived from counts and population");
        assert_eq!(derived["nature"], "CA");
        let (area, year) = (
            derived["area"].as_str().unwrap(),
            derived["period"].as_str().unwrap(),
        );
        let one = |code: &str| {
            let app = &app;
            let uri = format!(
                "/api/v1/observations?indicator={code}&area={area}&start={year}&end={year}"
            );
            async move { app.get(&uri).await.1["data"][0]["value"].as_f64().unwrap() }
        };
        let (count, population) = (one("IT_CEL_SETS").await, one("SP_POP_TOTL").await);
        let rate = derived["value"].as_f64().unwrap();
        assert!(
            (rate - 100.0 * count / population).abs() < 1e-9 * rate.abs().max(1.0),
            "{derived}"
        );

        // Afghanistan, Internet users 2019, as in data/gapminder/…internet_users…csv ("afg,2019,17.6").
        let (status, page) = app
            .get("/api/v1/observations?indicator=IT.NET.USER.ZS&area=AFG&start=2019&end=2019")
            .await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert_eq!(
            values(&page),
            vec![("004".to_string(), "2019".to_string(), 17.6)]
        );
        assert_eq!(
            page["data"][0]["source"].as_str(),
            Some(bootstrap::ITU_SOURCE)
        );

        // About 200 countries have Internet data.
        let (_, avail) = app.get("/api/v1/availability?indicator=IT_USE_ii99").await;
        let countries = avail[0]["areas"].as_object().unwrap().len();
        assert!((190..=215).contains(&countries), "{countries} areas");

        // A group filter returns only members: the latest value of each LDC.
        let (_, ldc) = app
            .get("/api/v1/observations?indicator=IT_USE_ii99&group=199&latest=true")
            .await;
        let members: Vec<String> = app
            .state
            .catalog
            .members("199")
            .map(str::to_string)
            .collect();
        let rows = values(&ldc);
        assert!(rows.len() >= 40, "{} LDC rows", rows.len());
        assert!(rows.iter().all(|(a, _, _)| members.contains(a)));

        // Population comes from the World Bank file: China 2020 = 1,411,100,000.
        let (_, pop) = app
            .get("/api/v1/observations?indicator=SP_POP_TOTL&area=CHN&start=2020&end=2020")
            .await;
        assert_eq!(values(&pop)[0].2, 1_411_100_000.0);
    }
    scratch.finish().await.unwrap();
}

#[tokio::test]
async fn catalogue_routes_and_openapi() {
    let (apps, scratch) = apps("catalog", false).await;
    for app in apps {
        let (status, ind) = app.get("/api/v1/indicators/17.8.1").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(ind["code"], "IT_USE_ii99");
        assert!(
            ind["framework_items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["framework"] == "SDG_ICT")
        );

        let (_, list) = app.get("/api/v1/indicators?framework=SDG_ICT").await;
        assert!(
            list.as_array()
                .unwrap()
                .iter()
                .any(|i| i["code"] == "IT_MOB_OWN")
        );

        let (_, fw) = app.get("/api/v1/frameworks").await;
        let wsis = fw
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["id"] == "WSIS")
            .unwrap();
        let (_, detail) = app.get("/api/v1/frameworks/WSIS").await;
        // The list counts what the detail lists, under one name.
        assert_eq!(
            wsis["item_count"].as_u64().unwrap() as usize,
            detail["items"].as_array().unwrap().len()
        );

        let (status, area) = app.get("/api/v1/areas/Afghanistan").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(area["iso3"], "AFG");
        assert!(
            area["groups"]
                .as_array()
                .unwrap()
                .iter()
                .any(|g| g["code"] == "199")
        );

        let (_, doc) = app.get("/api/v1/openapi.json").await;
        for path in [
            "/api/v1/observations",
            "/api/v1/observations/history",
            "/api/v1/imports",
            "/api/v1/availability",
            "/api/v1/indicators/{code}",
        ] {
            assert!(
                doc["paths"].get(path).is_some(),
                "{path} missing from the OpenAPI document"
            );
        }

        // Errors are JSON with a code.
        let (status, err) = app
            .get("/api/v1/observations?indicator=NOT_AN_INDICATOR")
            .await;
        assert_eq!(
            (status, err["code"].as_str()),
            (StatusCode::BAD_REQUEST, Some("bad-request"))
        );
        let (status, err) = app.get("/api/v1/observations?colour=blue").await;
        assert_eq!(
            (status, err["code"].as_str()),
            (StatusCode::BAD_REQUEST, Some("bad-request"))
        );
        let (status, err) = app.get("/api/v1/observations?sex=X").await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{err}");
        let (status, _) = app.get("/api/v1/observations?limit=0").await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let (status, _) = app
            .get("/api/v1/observations/history?indicator=IT_USE_ii99&area=KEN&start=2020&end=2021")
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let (status, err) = app.get("/nowhere").await;
        assert_eq!(
            (status, err["code"].as_str()),
            (StatusCode::NOT_FOUND, Some("not-found"))
        );
    }
    scratch.finish().await.unwrap();
}

const FIRST: &str = "indicator,area,period,sex,value,source\n\
IT_USE_ii99,KEN,2021,_T,29.5,KNBS\n\
IT_USE_ii99,KEN,2021,F,25.1,KNBS\n\
IT_USE_ii99,KEN,2021,M,33.9,KNBS\n";
const SECOND: &str = "indicator,area,period,sex,value,source\n\
IT_USE_ii99,KEN,2021,_T,30.1,KNBS revised\n";

#[tokio::test]
async fn imports_version_data_and_reads_travel_in_time() {
    let (apps, scratch) = apps("imports", false).await;
    for app in apps {
        // No token, wrong token: refused.
        assert_eq!(
            app.import("a.csv", FIRST.as_bytes(), None, "").await.0,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            app.import("a.csv", FIRST.as_bytes(), Some("wrong"), "")
                .await
                .0,
            StatusCode::UNAUTHORIZED
        );

        // Dry run writes nothing.
        let (status, r) = app
            .import("a.csv", FIRST.as_bytes(), Some(TOKEN), "&dry_run=true")
            .await;
        assert_eq!(
            (status, r["status"].as_str()),
            (StatusCode::OK, Some("dry-run"))
        );
        assert_eq!(app.state.db.counts().await.unwrap(), (0, 0));

        let (status, r) = app.import("a.csv", FIRST.as_bytes(), Some(TOKEN), "").await;
        assert_eq!(
            (status, r["status"].as_str()),
            (StatusCode::OK, Some("written")),
            "{r}"
        );
        let r1 = r["outcome"]["revision"].as_i64().unwrap();

        // The same file again: no new versions.
        let (_, r) = app.import("a.csv", FIRST.as_bytes(), Some(TOKEN), "").await;
        assert_eq!(r["status"].as_str(), Some("unchanged"));
        assert_eq!(app.state.db.counts().await.unwrap(), (3, 1));

        // A file with an error is rejected whole.
        let bad = format!("{SECOND}IT_USE_ii99,KEN,2022,_T,130,KNBS\n");
        let (status, r) = app.import("bad.csv", bad.as_bytes(), Some(TOKEN), "").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r["report"]["diagnostics"][0]["rule"], "out-of-range");
        assert_eq!(r["report"]["diagnostics"][0]["line"], 3);
        assert_eq!(app.state.db.counts().await.unwrap(), (3, 1));
        // … unless asked to keep the valid rows.
        let (status, r) = app
            .import("bad.csv", bad.as_bytes(), Some(TOKEN), "&skip_invalid=true")
            .await;
        assert_eq!(
            (status, r["status"].as_str()),
            (StatusCode::OK, Some("written")),
            "{r}"
        );
        let r2 = r["outcome"]["revision"].as_i64().unwrap();
        assert_eq!(r["outcome"]["closed"], 1);

        // Current data, data as of the first revision, and the history of the revised point.
        let (_, now) = app
            .get("/api/v1/observations?indicator=IT_USE_ii99&sex=_T")
            .await;
        assert_eq!(values(&now), vec![("404".into(), "2021".into(), 30.1)]);
        assert_eq!(now["revision"], r2);
        let (_, then) = app
            .get(&format!(
                "/api/v1/observations?indicator=IT_USE_ii99&sex=_T&as_of={r1}"
            ))
            .await;
        assert_eq!(values(&then), vec![("404".into(), "2021".into(), 29.5)]);
        let (_, before) = app
            .get("/api/v1/observations?indicator=IT_USE_ii99&as_of=2000-01-01")
            .await;
        assert_eq!(before["data"].as_array().unwrap().len(), 0);
        let (status, h) = app
            .get("/api/v1/observations/history?indicator=IT_USE_ii99&area=KEN&start=2021")
            .await;
        assert_eq!(status, StatusCode::OK, "{h}");
        let versions: Vec<(f64, i64)> = h["versions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| {
                (
                    v["value"].as_f64().unwrap(),
                    v["valid_from"].as_i64().unwrap(),
                )
            })
            .collect();
        assert_eq!(versions, vec![(29.5, r1), (30.1, r2)]);
        assert_eq!(h["versions"][0]["valid_to"], r2);

        // Availability now, and as of before the first import.
        let (_, avail) = app
            .get("/api/v1/availability?indicator=IT_USE_ii99&as_of=0")
            .await;
        assert_eq!(avail[0]["observations"], 0, "{avail}");
        let (_, avail) = app.get("/api/v1/availability?indicator=IT_USE_ii99").await;
        assert_eq!(avail[0]["observations"], 3, "{avail}");
        assert_eq!(avail[0]["breakdowns"]["SEX"], serde_json::json!(["F", "M"]));

        let (_, revs) = app.get("/api/v1/revisions").await;
        assert_eq!(revs.as_array().unwrap().len(), 2);
        assert_eq!(revs[0]["file"], "bad.csv");

        // Downloads: CSV that imports back unchanged, and an XLSX workbook.
        let (status, csv, ctype) = app
            .call(
                Request::get("/api/v1/observations?indicator=IT_USE_ii99&format=csv")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(ctype.starts_with("text/csv"));
        let (_, r) = app.import("roundtrip.csv", &csv, Some(TOKEN), "").await;
        assert_eq!(r["status"].as_str(), Some("unchanged"), "{r}");
        let (status, xlsx, ctype) = app
            .call(
                Request::get("/api/v1/observations?indicator=IT_USE_ii99&format=xlsx")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(ctype.contains("spreadsheetml"));
        assert_eq!(&xlsx[..2], b"PK");
    }
    scratch.finish().await.unwrap();
}

#[tokio::test]
async fn uploads_over_the_limit_are_refused() {
    let (apps, scratch) = apps("limit", false).await;
    for app in apps {
        let big = vec![b'a'; 2 * 1024 * 1024];
        let (status, err) = app.import("big.csv", &big, Some(TOKEN), "").await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(err["code"], "payload-too-large");
        assert_eq!(app.state.db.counts().await.unwrap(), (0, 0));
        // A submission, and a JSON body, are bounded alike; nothing is kept.
        for uri in ["/api/v1/submissions?file_name=big.csv", "/api/v1/releases"] {
            let req = Request::post(uri)
                .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(big.clone()))
                .unwrap();
            let (status, body, _) = app.call(req).await;
            assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{uri}");
            let err: Value = serde_json::from_slice(&body).unwrap();
            assert_eq!(err["code"], "payload-too-large", "{uri}: {err}");
        }
        assert!(
            app.state
                .db
                .submissions(&Default::default())
                .await
                .unwrap()
                .is_empty()
        );
    }
    scratch.finish().await.unwrap();
}

// ---------------------------------------------------------------------------------------------
// SDMX REST

/// Kenya and India, Internet use 2019–2021, Kenya 2021 also by sex with bounds.
const SDMX_CSV: &str = "indicator,area,period,sex,value,lower_bound,upper_bound\n\
IT_USE_ii99,KEN,2019,,21.8,,\n\
IT_USE_ii99,KEN,2020,,22.6,,\n\
IT_USE_ii99,KEN,2021,,29.5,,\n\
IT_USE_ii99,KEN,2021,F,25.1,23.5,26.7\n\
IT_USE_ii99,KEN,2021,M,33.9,,\n\
IT_USE_ii99,IND,2019,,29.5,,\n\
IT_USE_ii99,IND,2020,,43.4,,\n\
IT_USE_ii99,IND,2021,,46.3,,\n";

/// A 1.5 key for Internet use with the area part `areas`.
fn internet_key(areas: &str) -> String {
    format!("A.G.IT_USE_ii99.{areas}...........")
}

impl TestApp {
    async fn sdmx(&self, uri: &str, accept: Option<&str>) -> (StatusCode, String, String) {
        let mut req = Request::get(uri);
        if let Some(a) = accept {
            req = req.header(header::ACCEPT, a);
        }
        let (status, body, ctype) = self.call(req.body(Body::empty()).unwrap()).await;
        (status, ctype, String::from_utf8(body).unwrap())
    }
}

/// (REF_AREA, SEX, TIME_PERIOD, OBS_VALUE) of an SDMX-CSV 2.0 answer without quoted fields.
fn sdmx_csv_rows(text: &str) -> Vec<(String, String, String, f64)> {
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (area, sex, period, value) = (
        col("REF_AREA"),
        col("SEX"),
        col("TIME_PERIOD"),
        col("OBS_VALUE"),
    );
    let mut rows: Vec<_> = lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (
                f[area].to_string(),
                f[sex].to_string(),
                f[period].to_string(),
                f[value].parse().unwrap(),
            )
        })
        .collect();
    rows.sort_by(|a, b| a.partial_cmp(b).unwrap());
    rows
}

#[tokio::test]
async fn sdmx_data_answers_keys_periods_and_formats() {
    let (apps, scratch) = apps("sdmx_data", false).await;
    for app in apps {
        let (status, _) = app
            .import("internet.csv", SDMX_CSV.as_bytes(), Some(TOKEN), "")
            .await;
        assert_eq!(status, StatusCode::OK);
        let csv2 = "application/vnd.sdmx.data+csv;version=2.0.0";

        // REST 1.5: two areas with `+`, a start period; totals and the sex breakdown.
        let uri = format!(
            "/sdmx/data/DF_ICT/{}?startPeriod=2021",
            internet_key("404+356")
        );
        let (status, ctype, body) = app.sdmx(&uri, Some(csv2)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(ctype, csv2);
        let t = |a: &str, s: &str, p: &str, v: f64| (a.into(), s.into(), p.into(), v);
        assert_eq!(
            sdmx_csv_rows(&body),
            vec![
                t("356", "_T", "2021", 46.3),
                t("404", "F", "2021", 25.1),
                t("404", "M", "2021", 33.9),
                t("404", "_T", "2021", 29.5),
            ]
        );
        assert!(
            body.lines()
                .next()
                .unwrap()
                .starts_with("STRUCTURE,STRUCTURE_ID,ACTION,FREQ")
        );
        assert!(
            body.contains(",25.1,PT,,,,,,23.5,26.7,"),
            "bounds travel: {body}"
        );

        // REST 2.x: whole keys separated by `,`, percent-encoded, and c[] filters where a raw
        // `+` is AND.
        let uri = "/sdmx/data/dataflow/ICTSTAT/DF_ICT/1.0/A.G.IT_USE_ii99.404.F%2CA.G.IT_USE_ii99.356\
                   ?c%5BTIME_PERIOD%5D=ge%3A2020+le:2021";
        let (status, _, body) = app.sdmx(uri, Some(csv2)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(
            sdmx_csv_rows(&body),
            vec![
                t("356", "_T", "2020", 43.4),
                t("356", "_T", "2021", 46.3),
                t("404", "F", "2021", 25.1),
            ]
        );

        // lastNObservations keeps the latest of each series.
        let uri = format!("/sdmx/data/DF_ICT/{}?lastNObservations=1", internet_key(""));
        let (_, _, body) = app.sdmx(&uri, Some(csv2)).await;
        assert_eq!(sdmx_csv_rows(&body).len(), 4, "{body}");

        // The same selection in every format carries the same values.
        let uri = format!("/sdmx/data/DF_ICT/{}", internet_key("356"));
        for (accept, want_type) in [
            (None, "application/vnd.sdmx.genericdata+xml;version=2.1"),
            (
                Some("application/vnd.sdmx.structurespecificdata+xml;version=2.1"),
                "application/vnd.sdmx.structurespecificdata+xml;version=2.1",
            ),
            (
                Some("application/vnd.sdmx.data+json;version=1.0.0"),
                "application/vnd.sdmx.data+json;version=1.0.0",
            ),
            (
                Some("application/vnd.sdmx.data+json;version=2.0.0"),
                "application/vnd.sdmx.data+json;version=2.0.0",
            ),
            (
                Some("application/vnd.sdmx.data+csv;version=1.0.0"),
                "application/vnd.sdmx.data+csv;version=1.0.0",
            ),
        ] {
            let (status, ctype, body) = app.sdmx(&uri, accept).await;
            assert_eq!(status, StatusCode::OK, "{accept:?}: {body}");
            assert_eq!(ctype, want_type);
            for v in ["29.5", "43.4", "46.3"] {
                assert!(body.contains(v), "{accept:?} lacks {v}: {body}");
            }
        }
        // Streamed and compressed, as Python clients ask by default.
        let req = Request::get(format!("/sdmx/data/DF_ICT/{}", internet_key("")))
            .header(header::ACCEPT_ENCODING, "gzip")
            .body(Body::empty())
            .unwrap();
        let resp = router(app.state.clone()).oneshot(req).await.unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        assert_eq!(resp.headers()[header::CONTENT_ENCODING], "gzip");
        let gz = resp.into_body().collect().await.unwrap().to_bytes();
        assert_eq!(gz[..2], [0x1f, 0x8b], "a whole gzip stream");
        // The dataflow of a framework holds only its series.
        let (status, _, _) = app
            .sdmx(
                &format!("/sdmx/data/DF_IDI_2024/{}", internet_key("")),
                Some(csv2),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
    }
    scratch.finish().await.unwrap();
}

#[tokio::test]
async fn sdmx_vintages_map_onto_revisions() {
    let (apps, scratch) = apps("sdmx_vintage", false).await;
    for app in apps {
        app.import("internet.csv", SDMX_CSV.as_bytes(), Some(TOKEN), "")
            .await;
        // Vintages are what the public saw: the times releases made data public.
        let (_, releases) = app.get("/api/v1/releases").await;
        let first = releases[0]["publish_at"].as_str().unwrap().to_string();
        // Answers are cached per data revision: asked twice, then after an import.
        let india = format!("/sdmx/data/DF_ICT/{}?endPeriod=2021", internet_key("356"));
        let csv = Some("application/vnd.sdmx.data+csv;version=2.0.0");
        let (_, _, before) = app.sdmx(&india, csv).await;
        assert_eq!(
            app.sdmx(&india, csv).await.2,
            before,
            "the same answer twice"
        );
        assert!(before.contains(",2021,46.3,"), "{before}");
        let revised = "indicator,area,period,value\nIT_USE_ii99,IND,2021,47.0\n";
        let (status, _) = app
            .import("revised.csv", revised.as_bytes(), Some(TOKEN), "")
            .await;
        assert_eq!(status, StatusCode::OK);
        let csv2 = Some("application/vnd.sdmx.data+csv;version=2.0.0");
        let (_, _, after) = app.sdmx(&india, csv2).await;
        assert!(
            after.contains(",2021,47,") && !after.contains("46.3"),
            "{after}"
        );

        // updatedAfter the first release: only the revised value.
        let uri = format!(
            "/sdmx/data/DF_ICT/{}?updatedAfter={first}",
            internet_key("")
        );
        let (status, _, body) = app.sdmx(&uri, csv2).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(
            sdmx_csv_rows(&body),
            vec![("356".into(), "_T".into(), "2021".into(), 47.0)]
        );
        // asOf the first release: the value before the revision.
        let uri =
            format!("/sdmx/data/dataflow/ICTSTAT/DF_ICT/1.0/A.G.IT_USE_ii99.356?asOf={first}");
        let (status, _, body) = app.sdmx(&uri, csv2).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(
            sdmx_csv_rows(&body).contains(&("356".into(), "_T".into(), "2021".into(), 46.3)),
            "{body}"
        );
        // Nothing updated after now: 404, no results.
        let uri = "/sdmx/data/DF_ICT/all?updatedAfter=2100-01-01T00:00:00Z";
        let (status, _, body) = app.sdmx(uri, csv2).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(body.contains(r#"code="100""#), "{body}");
    }
    scratch.finish().await.unwrap();
}

#[tokio::test]
async fn sdmx_structures_availability_and_errors() {
    let (apps, scratch) = apps("sdmx_structure", false).await;
    for app in apps {
        app.import("internet.csv", SDMX_CSV.as_bytes(), Some(TOKEN), "")
            .await;
        // sdmx1's first call, and a dataflow with everything it references.
        let (status, ctype, body) = app.sdmx("/sdmx/dataflow/all/all/latest", None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(ctype, "application/vnd.sdmx.structure+xml;version=2.1");
        assert!(body.starts_with("<?xml"));
        assert!(body.contains(r#"id="DF_ICT""#) && body.contains(r#"id="DF_SDG_ICT""#));
        let (_, _, body) = app
            .sdmx("/sdmx/dataflow/ICTSTAT/DF_ICT/latest?references=all", None)
            .await;
        for part in [
            "<structure:DataStructure ",
            r#"id="CL_SEX""#,
            r#"id="SDG_CONCEPTS""#,
        ] {
            assert!(body.contains(part), "references=all lacks {part}");
        }
        // pysdmx's registry client: REST 2.x, SDMX-JSON 2.0.
        let (status, ctype, body) = app
            .sdmx(
                "/sdmx/structure/codelist/ICTSTAT/CL_SEX/1.0/",
                Some("application/vnd.sdmx.structure+json;version=2.0.0"),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(ctype, "application/vnd.sdmx.structure+json;version=2.0.0");
        let doc: Value = serde_json::from_str(&body).unwrap();
        let codes: Vec<&str> = doc["data"]["codelists"][0]["codes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap())
            .collect();
        assert!(codes.contains(&"F") && codes.contains(&"M") && codes.contains(&"_T"));

        // Availability: the areas and periods with data for the key.
        let uri = format!("/sdmx/availableconstraint/DF_ICT/{}", internet_key("404"));
        let (status, _, body) = app.sdmx(&uri, None).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(body.contains(r#"type="Actual""#), "{body}");
        assert!(body.contains("<common:Value>404</common:Value>"), "{body}");
        assert!(!body.contains("<common:Value>356</common:Value>"), "{body}");

        // Errors: the status and SDMX code a client gets, and a message that says what.
        for (uri, accept, status, code, says) in [
            (
                "/sdmx/data/DF_ICT/A.G.IT_USE_ii99",
                None,
                400,
                "140",
                "15 dimensions",
            ),
            (
                "/sdmx/data/DF_ICT/all?startperiod=2020",
                None,
                400,
                "140",
                "startperiod",
            ),
            ("/sdmx/data/DF_NOPE/all", None, 404, "100", "DF_NOPE"),
            (
                "/sdmx/codelist/ICTSTAT/CL_NOPE",
                None,
                404,
                "100",
                "no structure",
            ),
            (
                "/sdmx/data/DF_ICT/all",
                Some("text/html"),
                406,
                "406",
                "text/html",
            ),
            (
                "/sdmx/data/DF_ICT/all?includeHistory=true",
                None,
                501,
                "501",
                "includeHistory",
            ),
            (
                "/sdmx/schema/dataflow/ICTSTAT/DF_ICT/1.0",
                None,
                501,
                "501",
                "schema",
            ),
        ] {
            let (got, ctype, body) = app.sdmx(uri, accept).await;
            assert_eq!(got.as_u16(), status, "{uri}: {body}");
            assert_eq!(ctype, "application/xml", "{uri}");
            assert!(body.contains(&format!(r#"code="{code}""#)), "{uri}: {body}");
            assert!(body.contains(says), "{uri}: {body}");
        }
        // A JSON client gets its errors as SDMX-JSON.
        let (status, ctype, body) = app
            .sdmx(
                "/sdmx/data/dataflow/ICTSTAT/DF_ICT/1.0/A.B.C.D.E.F.G.H.I.J.K.L.M.N.O.P",
                Some("application/vnd.sdmx.data+json;version=2.0.0"),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(ctype, "application/json");
        let doc: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(doc["errors"][0]["code"], 140);
    }
    scratch.finish().await.unwrap();
}

// ---------------------------------------------------------------------------------------------
// Statistics

/// The population-weighted mean of Internet use for Southern Africa (018: Botswana, Eswatini,
/// Lesotho, Namibia, South Africa) in 2015, recomputed here from the observations the API
/// serves, equals the aggregate; coverage says what it rests on.
#[tokio::test]
async fn aggregates_are_weighted_means_with_coverage() {
    let (apps, scratch) = apps("aggregates", true).await;
    for app in apps {
        let (status, body) = app
            .get("/api/v1/aggregates?indicator=17.8.1&group=018&start=2015&end=2015&contributors=true")
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let agg = &body["data"][0];
        assert_eq!(
            (agg["group"].as_str(), agg["year"].as_i64()),
            (Some("018"), Some(2015))
        );
        let members = ["072", "748", "426", "516", "710"];
        let (_, use_) = app
            .get("/api/v1/observations?indicator=IT_USE_ii99&group=018&start=2015&end=2015")
            .await;
        let (_, pop) = app
            .get("/api/v1/observations?indicator=SP_POP_TOTL&group=018&start=2015&end=2015")
            .await;
        let value_of = |page: &Value, area: &str| {
            page["data"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["area"] == area)
                .and_then(|r| r["value"].as_f64())
        };
        let (mut num, mut den, mut covered, mut total) = (0.0, 0.0, 0.0, 0.0);
        for m in members {
            let p = value_of(&pop, m).expect("population of every member");
            total += p;
            if let Some(v) = value_of(&use_, m) {
                num += v * p;
                den += p;
                covered += p;
            }
        }
        let value = agg["aggregate"]["value"].as_f64().unwrap();
        assert!((value - num / den).abs() < 1e-9, "{value} vs {}", num / den);
        let coverage = &agg["aggregate"]["coverage"];
        assert_eq!(coverage["members"], 5);
        assert!(
            (coverage["weight_share"].as_f64().unwrap() - covered / total).abs() < 1e-12,
            "{coverage}"
        );
        assert_eq!(
            body["spec"]["coverage"]["min_weight_share"].as_f64(),
            Some(2.0 / 3.0)
        );
        let contributors = agg["aggregate"]["contributors"].as_array().unwrap();
        assert_eq!(
            contributors.len() as u64,
            coverage["countries_with_data"].as_u64().unwrap()
        );

        // A rule no group can meet: listed with its coverage, no value.
        let (_, strict) = app
            .get("/api/v1/aggregates?indicator=IT_USE_ii99&group=001&start=2015&end=2015&min_countries=1000")
            .await;
        assert_eq!(strict["data"][0]["aggregate"]["passed"], false);
        assert!(strict["data"][0]["aggregate"]["value"].is_null());
        // Every group, every year: coverage is a share.
        let (_, all) = app.get("/api/v1/aggregates?indicator=IT_NET_BBND").await;
        let rows = all["data"].as_array().unwrap();
        assert!(rows.len() > 500, "{}", rows.len());
        assert!(rows.iter().all(|r| {
            let s = r["aggregate"]["coverage"]["weight_share"]
                .as_f64()
                .unwrap_or(0.0);
            (0.0..=1.0).contains(&s)
        }));
        for (uri, says) in [
            ("/api/v1/aggregates?indicator=NOPE", "unknown indicator"),
            (
                "/api/v1/aggregates?indicator=IT_USE_ii99&group=404",
                "unknown group",
            ),
            (
                "/api/v1/aggregates?indicator=IT_USE_ii99&min_coverage=2",
                "min_coverage",
            ),
            (
                "/api/v1/aggregates?indicator=IT_USE_ii99&gap_fill=guess",
                "gap_fill",
            ),
        ] {
            let (status, err) = app.get(uri).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}");
            assert!(
                err["message"].as_str().unwrap().contains(says),
                "{uri}: {err}"
            );
        }
    }
    scratch.finish().await.unwrap();
}

/// Kenya's progress toward the universal-connectivity target, recomputed here from the
/// observations the API serves: the distance to 100% and Open SDG's observed growth rate
/// (compound annual growth from 2015 to the latest year).
#[tokio::test]
async fn progress_rests_on_the_served_observations() {
    let (apps, scratch) = apps("progress", true).await;
    for app in apps {
        let (status, body) = app
            .get("/api/v1/progress?indicator=17.8.1&area=KEN,001&target=UMC2030_INDIVIDUALS")
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let kenya = &body["data"][0];
        assert_eq!(kenya["area"], "404");
        let (_, obs) = app
            .get("/api/v1/observations?indicator=IT_USE_ii99&area=KEN&start=2015")
            .await;
        let rows = values(&obs);
        let (base, latest) = (rows.first().unwrap(), rows.last().unwrap());
        assert_eq!(base.1, "2015");
        assert_eq!(kenya["latest"]["value"].as_f64(), Some(latest.2));
        assert!((kenya["distance"]["gap"].as_f64().unwrap() - (100.0 - latest.2)).abs() < 1e-9);
        let years: f64 = latest.1.parse::<f64>().unwrap() - 2015.0;
        let cagr = (latest.2 / base.2).powf(1.0 / years) - 1.0;
        let open_sdg = kenya["assessments"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["method"] == "open_sdg")
            .unwrap();
        assert!((open_sdg["cagr_observed"].as_f64().unwrap() - cagr).abs() < 1e-12);
        let methods: Vec<&str> = kenya["assessments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["method"].as_str().unwrap())
            .collect();
        assert_eq!(
            methods,
            [
                "open_sdg",
                "unsd_2022",
                "unsd_2023",
                "escap_csi",
                "escap_api"
            ]
        );
        // A group's progress is that of its aggregates.
        let world = &body["data"][1];
        assert_eq!(
            (world["area"].as_str(), world["aggregated"].as_bool()),
            (Some("001"), Some(true))
        );
        assert!(world["points"].as_u64().unwrap() > 10);

        for (uri, says) in [
            (
                "/api/v1/progress?indicator=17.8.1&method=guess",
                "method `guess`",
            ),
            (
                "/api/v1/progress?indicator=17.8.1&target=NOPE",
                "unknown target",
            ),
            (
                "/api/v1/progress?indicator=IT_NET_BBND&target=UMC2030_INDIVIDUALS",
                "is for IT_USE_ii99",
            ),
            (
                "/api/v1/progress?indicator=17.8.1&direction=up",
                "direction",
            ),
        ] {
            let (status, err) = app.get(uri).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}");
            assert!(
                err["message"].as_str().unwrap().contains(says),
                "{uri}: {err}"
            );
        }
    }
    scratch.finish().await.unwrap();
}

/// The ICT Development Index of an economy with all ten indicators, worked by hand with the
/// default goalposts (percentages 0–100, mobile traffic 0–200 GB, fixed 0–3000 GB, prices 100
/// at 2 % of GNI p.c. and below): universal connectivity (50 + 50 + 50) / 3 = 50; meaningful
/// connectivity (coverage (50 + 50) / 2 = 50, traffic 100 and 100, prices 100 and 100,
/// ownership 50) / 6 = 500 / 6; the index (50 + 500 / 6) / 2 = 66.666….
#[tokio::test]
async fn ict_development_index_scores_and_explains() {
    let (apps, scratch) = apps("index", false).await;
    let csv = "indicator,area,period,value\n\
IT_USE_ii99,KEN,2023,50\nIT_HH_INET,KEN,2023,50\nIT_MBB_SUBS_P2,KEN,2023,50\n\
IT_MOB_3GNTWK,KEN,2023,50\nIT_MOB_4GNTWK,KEN,2023,50\nIT_MBB_TRAF_SUB,KEN,2023,200\n\
IT_FBB_TRAF_SUB,KEN,2023,3000\nIT_MBB_PRICE_GNI,KEN,2023,2\nIT_FBB_PRICE_GNI,KEN,2023,2\n\
IT_MOB_OWN,KEN,2023,50\nIT_USE_ii99,UGA,2023,20\n";
    for app in apps {
        let (status, report) = app.import("idi.csv", csv.as_bytes(), Some(TOKEN), "").await;
        assert_eq!(status, StatusCode::OK, "{report}");
        let (status, body) = app.get("/api/v1/index?year=2023").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let kenya = &body["data"][0];
        assert_eq!(
            (kenya["area"].as_str(), kenya["rank"].as_u64()),
            (Some("404"), Some(1))
        );
        let score = kenya["score"].as_f64().unwrap();
        assert!((score - (50.0 + 500.0 / 6.0) / 2.0).abs() < 1e-9, "{score}");
        let uganda = &body["data"][1];
        assert_eq!(uganda["area"], "800");
        assert!(uganda["score"].is_null());
        assert!(
            uganda["reason"].as_str().unwrap().contains("1 of 3"),
            "{uganda}"
        );
    }
    scratch.finish().await.unwrap();
}

/// The validation rules over series run on every import (the report of the import lists what
/// fails) and on demand over the current data, outliers included when asked.
#[tokio::test]
async fn validation_rules_run_on_import_and_on_demand() {
    let (apps, scratch) = apps("validation", false).await;
    // 3G coverage above 2G coverage; female and male both above the total; a spike in 2020
    // (changes 1.5, 0.9, 1.6, 1.1, 44.9, −42.5, 1.5: median 1.5, MAD 0.4, so the modified
    // z-score of the jump into 2020 is 0.6745 × 43.4 / 0.4 ≈ 73).
    let csv = "indicator,area,period,sex,value\n\
IT_MOB_2GNTWK,KEN,2022,,90\nIT_MOB_3GNTWK,KEN,2022,,95\n\
IT_USE_ii99,KEN,2021,,30\nIT_USE_ii99,KEN,2021,F,35\nIT_USE_ii99,KEN,2021,M,36\n\
IT_USE_ii99,UGA,2015,,10\nIT_USE_ii99,UGA,2016,,11.5\nIT_USE_ii99,UGA,2017,,12.4\n\
IT_USE_ii99,UGA,2018,,14\nIT_USE_ii99,UGA,2019,,15.1\nIT_USE_ii99,UGA,2020,,60\n\
IT_USE_ii99,UGA,2021,,17.5\nIT_USE_ii99,UGA,2022,,19\n";
    // "rule column" of each finding, sorted.
    let rules = |report: &Value| -> Vec<String> {
        let mut found: Vec<String> = report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                format!(
                    "{} {}",
                    d["rule"].as_str().unwrap(),
                    d["column"].as_str().unwrap_or("")
                )
            })
            .collect();
        found.sort();
        found
    };
    for app in apps {
        let (status, result) = app
            .import("checks.csv", csv.as_bytes(), Some(TOKEN), "")
            .await;
        assert_eq!(status, StatusCode::OK, "{result}");
        assert_eq!(
            result["status"], "written",
            "warnings do not block an import"
        );
        // The sexes above their total are the readers' `total-contradiction` on import.
        assert_eq!(
            rules(&result["report"]),
            ["coverage-3g-within-2g 404 2022", "total-contradiction SEX"]
        );
        let (status, report) = app.get("/api/v1/validation?area=KEN").await;
        assert_eq!(status, StatusCode::OK, "{report}");
        assert_eq!(
            rules(&report),
            [
                "coverage-3g-within-2g 404 2022",
                "sex-brackets-total IT_USE_ii99 404 2021"
            ]
        );
        let (_, report) = app.get("/api/v1/validation?area=UGA&outliers=true").await;
        let found = rules(&report);
        assert!(
            found
                .iter()
                .any(|r| r.starts_with("outlier-") && r.ends_with("800 2020")),
            "{found:?}"
        );
        let (status, _) = app.get("/api/v1/validation?area=Atlantis").await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
    }
    scratch.finish().await.unwrap();
}

/// Derived values follow their inputs after each import, and reported values win.
#[tokio::test]
async fn derived_values_follow_imports_and_yield_to_reported_ones() {
    let (apps, scratch) = apps("derived", false).await;
    for app in apps {
        let csv =
            "indicator,area,period,value\nIT_CEL_SETS,KEN,2022,1000\nSP_POP_TOTL,KEN,2022,500\n";
        let (_, result) = app
            .import("counts.csv", csv.as_bytes(), Some(TOKEN), "")
            .await;
        assert_eq!(result["derived"]["inserted"], 1, "{result}");
        let derived = kenya_rate(&app).await;
        // 100 × 1000 / 500
        assert_eq!(derived["value"].as_f64(), Some(200.0));
        assert!(
            derived["footnote"]
                .as_str()
                .unwrap()
                .contains("100 × IT_CEL_SETS / SP_POP_TOTL")
        );
        // New inputs, new derived value.
        let csv = "indicator,area,period,value\nIT_CEL_SETS,KEN,2022,1100\n";
        app.import("counts2.csv", csv.as_bytes(), Some(TOKEN), "")
            .await;
        assert_eq!(kenya_rate(&app).await["value"].as_f64(), Some(220.0));
        // An import of none of the derivation's inputs derives nothing.
        let csv = "indicator,area,period,value\nIT_USE_ii99,KEN,2022,40\n";
        let (_, result) = app.import("use.csv", csv.as_bytes(), Some(TOKEN), "").await;
        assert_eq!(result["status"], "written");
        assert!(result.get("derived").is_none(), "{result}");
        // A reported rate replaces the derived one and is not overwritten afterwards.
        let csv = "indicator,area,period,value,source\nIT_CEL_SETS_P2,KEN,2022,190,CA Kenya\n";
        app.import("rate.csv", csv.as_bytes(), Some(TOKEN), "")
            .await;
        let csv = "indicator,area,period,value\nIT_CEL_SETS,KEN,2022,1200\n";
        let (_, result) = app
            .import("counts3.csv", csv.as_bytes(), Some(TOKEN), "")
            .await;
        assert!(result.get("derived").is_none(), "{result}");
        let reported = kenya_rate(&app).await;
        assert_eq!(
            (reported["value"].as_f64(), reported["source"].as_str()),
            (Some(190.0), Some("CA Kenya"))
        );
    }
    scratch.finish().await.unwrap();
}

/// Kenya's mobile-cellular subscriptions per 100 as the API serves them.
async fn kenya_rate(app: &TestApp) -> Value {
    let (_, page) = app
        .get("/api/v1/observations?indicator=IT_CEL_SETS_P2&area=KEN")
        .await;
    page["data"][0].clone()
}

/// A store series with annual and quarterly values is two SDMX series, one per frequency,
/// each whole (the store sorts `2015-Q1` between `2015` and `2016`).
#[tokio::test]
async fn sdmx_series_are_split_by_frequency() {
    let (apps, scratch) = apps("sdmx_freq", false).await;
    let csv = "indicator,area,period,value\nIT_USE_ii99,KEN,2015,10\nIT_USE_ii99,KEN,2015-Q1,11\nIT_USE_ii99,KEN,2016,12\n";
    for app in apps {
        app.import("mixed.csv", csv.as_bytes(), Some(TOKEN), "")
            .await;
        // Any frequency (the key's first part empty).
        let uri = "/sdmx/data/DF_ICT/.G.IT_USE_ii99.404...........";
        let (status, _, body) = app
            .sdmx(uri, Some("application/vnd.sdmx.data+csv;version=2.0.0"))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let freq_period: Vec<(&str, &str)> = body
            .lines()
            .skip(1)
            .map(|l| {
                let f: Vec<&str> = l.split(',').collect();
                (f[3], f[18])
            })
            .collect();
        assert_eq!(
            freq_period,
            [("A", "2015"), ("A", "2016"), ("Q", "2015-Q1")]
        );
        let (_, _, json) = app
            .sdmx(uri, Some("application/vnd.sdmx.data+json;version=2.0.0"))
            .await;
        let doc: Value = serde_json::from_str(&json).unwrap();
        assert_eq!(
            doc["data"]["dataSets"][0]["series"]
                .as_object()
                .unwrap()
                .len(),
            2
        );
    }
    scratch.finish().await.unwrap();
}
