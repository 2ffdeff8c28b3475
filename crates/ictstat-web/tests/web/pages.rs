//! Pages rendered from a real import: what they show must be what the API serves.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use ictstat_core::Catalog;
use ictstat_server::{AppState, ServerConfig};
use ictstat_store::ReadModel;
use ictstat_store::scratch::ScratchDbs;
use serde_json::Value;
use tower::ServiceExt;

const TOKEN: &str = "web-test-token";
const FIXTURE: &str = include_str!("../../../../tests/fixtures/web/dashboard_estimates.csv");

struct Site {
    state: AppState,
    _scratch: ScratchDbs,
}

/// A site on a fresh SQLite database holding the catalogue and the dashboard fixture.
async fn site(name: &str) -> Site {
    let scratch = ScratchDbs::new(name).await.unwrap();
    let db = scratch.dbs[0].clone();
    let catalog = Arc::new(Catalog::embedded().unwrap());
    let read_model = ReadModel::load(&db).await.unwrap();
    let config = ServerConfig {
        admin_token_sha256: ictstat_server::parse_sha256_hex(&ictstat_server::sha256_hex(
            TOKEN.as_bytes(),
        )),
        ..ServerConfig::default()
    };
    let site = Site {
        state: AppState::new(db, catalog, read_model, config),
        _scratch: scratch,
    };
    let req = Request::post("/api/v1/imports?file_name=dashboard_estimates.csv")
        .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
        .body(Body::from(FIXTURE))
        .unwrap();
    let (status, body, _) = site.call(req).await;
    let answer: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["outcome"]["inserted"], 15, "{answer}");
    site
}

impl Site {
    async fn call(&self, req: Request<Body>) -> (StatusCode, Vec<u8>, axum::http::HeaderMap) {
        let resp = ictstat_web::app(self.state.clone())
            .oneshot(req)
            .await
            .unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let body = resp
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec();
        (status, body, headers)
    }

    async fn page(&self, uri: &str) -> (StatusCode, String) {
        let (status, body, _) = self
            .call(Request::get(uri).body(Body::empty()).unwrap())
            .await;
        (status, String::from_utf8(body).unwrap())
    }

    async fn json(&self, uri: &str) -> Value {
        let (status, body) = self.page(uri).await;
        assert_eq!(status, StatusCode::OK, "{uri}: {body}");
        serde_json::from_str(&body).unwrap()
    }
}

/// The text between `start` and the next `end` after it.
fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text.find(start).unwrap_or_else(|| panic!("no `{start}`")) + start.len();
    let to = text[from..]
        .find(end)
        .unwrap_or_else(|| panic!("no `{end}` after `{start}`"));
    &text[from..from + to]
}

#[tokio::test]
async fn indicator_page_charts_maps_and_tables_the_served_values() {
    let site = site("web_indicator").await;
    // Kenya (404) and Uganda (800), by their ISO codes as a reader would type them.
    let (status, html) = site
        .page("/indicators/IT_USE_ii99?area=KEN,UGA&year=2020")
        .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    let chart = between(&html, "<svg class=\"chart\"", "</svg>");
    // Kenya 2019–2021 and Uganda 2019–2020: five points, one of them estimated (Kenya 2021).
    assert_eq!(chart.matches("class=\"mark").count(), 5, "{chart}");
    assert_eq!(chart.matches("class=\"mark estimated\"").count(), 1);
    // Kenya's published bounds make a band; Uganda has none.
    let kenya = between(chart, "data-series=\"404\"", "</g>");
    assert!(kenya.contains("class=\"band\""), "{kenya}");
    let uganda = between(chart, "data-series=\"800\"", "</g>");
    assert!(!uganda.contains("class=\"band\""));
    // The map of 2020: the three countries with data, Tuvalu among them (as a point).
    let map = between(&html, "<svg class=\"map\"", "</svg>");
    assert_eq!(map.matches("has-data").count(), 3, "{map}");
    assert!(
        map.contains("data-area=\"798\""),
        "Tuvalu is not on the map"
    );
    // The table lists the map's values as the API serves them.
    let api = site
        .json("/api/v1/observations?indicator=IT_USE_ii99&start=2020&end=2020&sex=_T")
        .await;
    let served: Vec<f64> = api["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["value"].as_f64().unwrap())
        .collect();
    assert_eq!(served.len(), 3);
    for v in served {
        assert!(
            html.contains(&format!("data-value=\"{v}\"")),
            "the table lacks {v}"
        );
    }
}

#[tokio::test]
async fn breakdowns_come_from_the_data_and_switch_the_chart() {
    let site = site("web_breakdown").await;
    let (_, html) = site.page("/indicators/IT_USE_ii99?area=KEN,UGA").await;
    let select = between(&html, "<select id=\"bd\"", "</select>");
    assert!(select.contains("value=\"SEX=F\""), "{select}");
    assert!(select.contains("value=\"SEX=M\""));
    assert_eq!(
        select.matches("<option").count(),
        3,
        "total, female, male: {select}"
    );
    let (status, html) = site
        .page("/indicators/IT_USE_ii99?area=KEN,UGA&bd=SEX%3DF")
        .await;
    assert_eq!(status, StatusCode::OK);
    let chart = between(&html, "<svg class=\"chart\"", "</svg>");
    // Female values: Kenya 2020 (with a standard error: a band) and Uganda 2020.
    assert_eq!(chart.matches("class=\"mark").count(), 2, "{chart}");
    assert!(between(chart, "data-series=\"404\"", "</g>").contains("class=\"band\""));
    // Without a choice, groups (which are not aggregated by breakdown) give way to the most
    // populous countries with data: Kenya before Uganda.
    let (_, html) = site.page("/indicators/IT_USE_ii99?bd=SEX%3DF").await;
    let chart = between(&html, "<svg class=\"chart\"", "</svg>");
    let (kenya, uganda) = (
        chart.find("data-series=\"404\""),
        chart.find("data-series=\"800\""),
    );
    assert!(kenya.is_some() && kenya < uganda, "{chart}");
}

#[tokio::test]
async fn csv_download_holds_exactly_the_charted_rows() {
    let site = site("web_download").await;
    let (status, body, headers) = site
        .call(
            Request::get("/indicators/IT_USE_ii99/download?area=KEN,UGA&view=chart&format=csv")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains("IT_USE_ii99-chart.csv")
    );
    let text = String::from_utf8(body).unwrap();
    let mut lines = text.lines();
    let head: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| head.iter().position(|h| *h == name).unwrap();
    let mut rows: Vec<(String, String, f64)> = lines
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            (
                cells[col("area")].to_string(),
                cells[col("period")].to_string(),
                cells[col("value")].parse().unwrap(),
            )
        })
        .collect();
    rows.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let api = site
        .json("/api/v1/observations?indicator=IT_USE_ii99&area=KEN,UGA&sex=_T")
        .await;
    let mut served: Vec<(String, String, f64)> = api["data"]
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
        .collect();
    served.sort_by(|a, b| a.partial_cmp(b).unwrap());
    assert_eq!(rows, served);
}

#[tokio::test]
async fn country_profile_compares_and_lists_the_gaps() {
    let site = site("web_country").await;
    let (status, _, headers) = site
        .call(Request::get("/countries/KEN").body(Body::empty()).unwrap())
        .await;
    // ISO codes redirect to the M49 URL, the stable one.
    assert_eq!(status, StatusCode::MOVED_PERMANENTLY);
    assert_eq!(headers[header::LOCATION], "/countries/404");
    // A quarterly value and a reported-missing one are not the latest annual value.
    let extra = "indicator,area,period,value,obs_status\n\
                 IT_USE_ii99,KEN,2024-Q1,41.5,A\n\
                 IT_USE_ii99,KEN,2025,,M\n";
    let req = Request::post("/api/v1/imports?file_name=extra.csv")
        .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
        .body(Body::from(extra))
        .unwrap();
    assert_eq!(site.call(req).await.0, StatusCode::OK);
    let (status, html2) = site.page("/countries/404").await;
    assert_eq!(status, StatusCode::OK, "{html2}");
    assert!(html2.contains("<h1>Kenya</h1>"));
    // Latest value 33.0 (2021, estimated).
    let latest = between(&html2, "id=\"latest-h\"", "</table>");
    assert!(latest.contains("33.0"), "{latest}");
    assert!(
        !latest.contains("41.5") && !latest.contains("2024-Q1"),
        "{latest}"
    );
    // Gaps: the indicators without data, and Internet use is reported by sex but not by
    // urban/rural location.
    let gaps = between(&html2, "id=\"gaps-h\"", "</section>");
    // Kenya has Internet use and population only: the mobile and broadband series are gaps.
    for name in [
        "Mobile-cellular telephone subscriptions per 100 inhabitants",
        "Fixed Internet broadband subscriptions per 100 inhabitants",
    ] {
        assert!(gaps.contains(name), "{name} not among the gaps: {gaps}");
    }
    assert!(!between(gaps, "<ul", "</ul>").contains("individuals using the Internet"));
    assert!(gaps.contains("urban/rural"), "{gaps}");
    assert!(!between(gaps, "urban/rural", "</li>").contains("sex"));
}

#[tokio::test]
async fn availability_views_count_what_is_reported() {
    let site = site("web_availability").await;
    let (status, html) = site.page("/availability?group=199").await;
    assert_eq!(status, StatusCode::OK);
    // Uganda is an LDC with Internet use up to 2020; Kenya is not an LDC.
    assert!(html.contains(">Uganda<"));
    assert!(!html.contains(">Kenya<"));
    assert!(html.contains(">2020</td>"));
    // Names sort as readers expect, accents ignored: Bénin before Burkina Faso in French.
    let (_, html) = site.page("/availability?group=199&lang=fr").await;
    let benin = html.find(">Bénin<").expect("Bénin is an LDC");
    assert!(benin < html.find(">Burkina Faso<").unwrap());
    assert!(benin > html.find(">Bangladesh<").unwrap());
    let (_, html) = site.page("/availability/disaggregation").await;
    let foot = between(&html, "<tfoot>", "</tfoot>");
    // Two countries report Internet use by sex (Kenya, Uganda), of all countries.
    assert!(foot.contains(">2/249<"), "{foot}");
}

#[tokio::test]
async fn language_follows_the_query_then_the_browser() {
    let site = site("web_lang").await;
    let (_, html) = site.page("/?lang=fr").await;
    assert!(html.contains("<html lang=\"fr\">"));
    assert!(html.contains("Indicateurs"), "French navigation");
    let (_, body, _) = site
        .call(
            Request::get("/countries/404")
                .header(header::ACCEPT_LANGUAGE, "es-ES,es;q=0.9")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    let html = String::from_utf8(body).unwrap();
    assert!(html.contains("<html lang=\"es\">"));
    // Area names come from the catalogue's translations.
    let (_, html) = site.page("/countries/276?lang=es").await;
    assert!(html.contains("<h1>Alemania</h1>"), "{html}");
    // The catalogue's English texts are marked as English inside a French page.
    let (_, html) = site.page("/indicators/IT_USE_ii99?lang=fr").await;
    assert!(
        html.contains("<p lang=\"en\">Individuals who used the Internet"),
        "{html}"
    );
    // The country picker offers translated names, so it must take them back.
    let (status, _, headers) = site
        .call(
            Request::get("/indicators/IT_USE_ii99?lang=fr&area=404&add=Allemagne")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let to = headers[header::LOCATION].to_str().unwrap();
    assert!(
        to.contains("area=404,276") && to.contains("lang=fr"),
        "{to}"
    );
}

#[tokio::test]
async fn bad_requests_and_unknown_pages_say_what_is_wrong() {
    let site = site("web_errors").await;
    let (status, html) = site.page("/indicators/NOPE").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("NOPE"));
    let (status, html) = site.page("/indicators/IT_USE_ii99?year=twenty").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("twenty"));
    let (status, html) = site.page("/indicators/IT_USE_ii99?area=Atlantis").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("Atlantis"));
    let many = (0..13)
        .map(|i| format!("{:03}", 4 + i * 4))
        .collect::<Vec<_>>()
        .join(",");
    let (status, html) = site
        .page(&format!("/indicators/IT_USE_ii99?area={many}"))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("at most 12"), "{html}");
    // A path that starts with `//` must not become an off-site link on the 404 page.
    let (status, html) = site.page("//evil.example/x").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!html.contains("href=\"//evil"), "{html}");
    let (status, _) = site.page("/no/such/page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Under the APIs, errors stay JSON.
    let (status, body) = site.page("/api/v1/nothing").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(serde_json::from_str::<Value>(&body).is_ok(), "{body}");
}

#[tokio::test]
async fn assets_are_immutable_and_every_page_links_them() {
    let site = site("web_assets").await;
    let (_, html) = site.page("/").await;
    let css = between(&html, "rel=\"stylesheet\" href=\"", "\"");
    let (status, _, headers) = site
        .call(Request::get(css).body(Body::empty()).unwrap())
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers[header::CACHE_CONTROL]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    let (status, _) = site.page("/assets/style.0000.css").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
