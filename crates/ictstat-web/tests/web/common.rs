//! What the web tests share: sites on every backend, users, and a browser that keeps its
//! cookies and posts forms (urlencoded, or multipart with a file).

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use ictstat_core::Catalog;
use ictstat_server::session::SessionConfig;
use ictstat_server::{AppState, ServerConfig};
use ictstat_store::accounts::{Actor, OrganisationKind, Role};
use ictstat_store::scratch::ScratchDbs;
use ictstat_store::{Db, ReadModel};
use tower::ServiceExt;

pub const PASSWORD: &str = "a long enough passphrase";
pub const HOST: &str = "ictstat.test";
pub const KENYA: &str =
    "indicator,area,period,sex,value,source\nIT_USE_ii99,KEN,2021,_T,29.5,KNBS\n";

/// Sites on every configured backend, with `config` for their sessions.
pub async fn sites(name: &str, config: SessionConfig) -> (Vec<AppState>, ScratchDbs) {
    sites_with(name, config, ServerConfig::default()).await
}

/// [`sites`] with a server configuration (an upload limit).
pub async fn sites_with(
    name: &str,
    config: SessionConfig,
    server: ServerConfig,
) -> (Vec<AppState>, ScratchDbs) {
    let scratch = ScratchDbs::new(name).await.unwrap();
    let catalog = Arc::new(Catalog::embedded().unwrap());
    let mut out = Vec::new();
    for db in &scratch.dbs {
        let read_model = ReadModel::load(db).await.unwrap();
        let state = AppState::new(db.clone(), catalog.clone(), read_model, server.clone())
            .with_sessions(config.clone());
        out.push(state);
    }
    (out, scratch)
}

/// Adds a user of the organisation "Office" with `role` (providers and custodians of Kenya's
/// Internet use).
pub async fn add_user(db: &Db, login: &str, role: Role) {
    add_user_of(db, login, role, "Office", "404").await;
}

/// Adds a user of `organisation` (created if new) with `role`: providers provide Internet use
/// of `area`, custodians keep Internet use.
pub async fn add_user_of(db: &Db, login: &str, role: Role, organisation: &str, area: &str) {
    let cli = Actor::cli("tester");
    if !db
        .organisations()
        .await
        .unwrap()
        .iter()
        .any(|o| o.name == organisation)
    {
        db.add_organisation(organisation, OrganisationKind::StatisticalOffice, &cli)
            .await
            .unwrap();
    }
    db.add_user(login, "", organisation, PASSWORD, &cli)
        .await
        .unwrap();
    let own = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let (indicators, areas) = match role {
        Role::Custodian => (own(&["IT_USE_ii99"]), vec![]),
        Role::Provider => (own(&["IT_USE_ii99"]), own(&[area])),
        _ => (vec![], vec![]),
    };
    db.grant(login, role, &indicators, &areas, &cli)
        .await
        .unwrap();
}

pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Answer {
    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .collect()
    }

    /// The value of the hidden `csrf` field of the page's first form that has one.
    pub fn csrf(&self) -> String {
        let at = self
            .body
            .find("name=\"csrf\" value=\"")
            .expect("a CSRF field")
            + 19;
        self.body[at..at + 64].to_string()
    }
}

/// A browser: keeps its cookies, says where it is (`Origin`) when told to.
pub struct Browser<'a> {
    pub state: &'a AppState,
    pub cookies: BTreeMap<String, String>,
    pub client: &'a str,
}

/// The sign-in form's body (spaces of the password as `+`, as a browser sends them).
pub fn signin_form(login: &str, password: &str, csrf: &str) -> String {
    format!(
        "login={login}&password={}&csrf={csrf}",
        password.replace(' ', "+")
    )
}

impl<'a> Browser<'a> {
    pub fn new(state: &'a AppState) -> Self {
        Browser {
            state,
            cookies: BTreeMap::new(),
            client: "192.0.2.10",
        }
    }

    pub async fn send(
        &mut self,
        method: Method,
        uri: &str,
        body: &str,
        headers: &[(&str, &str)],
    ) -> Answer {
        let mut req = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::HOST, HOST);
        if !self.cookies.is_empty() {
            let jar: Vec<String> = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            req = req.header(header::COOKIE, jar.join("; "));
        }
        let typed = headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case("content-type"));
        if !body.is_empty() && !typed {
            req = req.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let mut req = req.body(Body::from(body.to_string())).unwrap();
        let addr: SocketAddr = format!("{}:40000", self.client).parse().unwrap();
        req.extensions_mut().insert(ConnectInfo(addr));
        let resp = ictstat_web::app(self.state.clone())
            .oneshot(req)
            .await
            .unwrap();
        let answer = Answer {
            status: resp.status(),
            headers: resp.headers().clone(),
            body: String::new(),
        };
        let bytes = resp.into_body().collect().await.unwrap().to_bytes();
        let answer = Answer {
            body: String::from_utf8_lossy(&bytes).into_owned(),
            ..answer
        };
        for c in answer.set_cookies() {
            let (pair, attributes) = c.split_once(';').unwrap_or((&c, ""));
            let (name, value) = pair.split_once('=').unwrap();
            if attributes.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.into(), value.into());
            }
        }
        answer
    }

    pub async fn get(&mut self, uri: &str) -> Answer {
        self.send(Method::GET, uri, "", &[]).await
    }

    pub async fn post(&mut self, uri: &str, body: &str) -> Answer {
        self.send(Method::POST, uri, body, &[]).await
    }

    pub async fn sign_in(&mut self, login: &str, password: &str) -> Answer {
        let csrf = self.get("/signin").await.csrf();
        self.post("/signin", &signin_form(login, password, &csrf))
            .await
    }

    /// Posts a `multipart/form-data` form, as a browser sends a form with a file.
    pub async fn post_multipart(&mut self, uri: &str, parts: &[Part<'_>]) -> Answer {
        let (content_type, body) = multipart(parts);
        self.send(
            Method::POST,
            uri,
            &body,
            &[("content-type", content_type.as_str())],
        )
        .await
    }

    pub fn session(&self) -> Option<String> {
        self.cookies.get("ictstat_session").cloned()
    }
}

/// A browser signed in as `login` (with [`PASSWORD`]).
pub async fn signed_in<'a>(state: &'a AppState, login: &str) -> Browser<'a> {
    let mut b = Browser::new(state);
    let answer = b.sign_in(login, PASSWORD).await;
    assert_eq!(
        answer.status,
        StatusCode::SEE_OTHER,
        "{login}: {}",
        answer.body
    );
    b
}

/// A part of a multipart form: a text field, or a file (field, file name, content).
#[derive(Clone, Copy)]
pub enum Part<'a> {
    Text(&'a str, &'a str),
    File(&'a str, &'a str, &'a str),
}

/// A multipart body in the order of `parts`, and its content type.
pub fn multipart(parts: &[Part<'_>]) -> (String, String) {
    const BOUNDARY: &str = "----ictstat-test-boundary-7MA4YWxkTrZu0gW";
    let mut body = String::new();
    for part in parts {
        body.push_str(&format!("--{BOUNDARY}\r\n"));
        match part {
            Part::Text(name, value) => body.push_str(&format!(
                "Content-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )),
            Part::File(name, file_name, content) => body.push_str(&format!(
                "Content-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\n\
                 Content-Type: text/csv\r\n\r\n{content}\r\n"
            )),
        }
    }
    body.push_str(&format!("--{BOUNDARY}--\r\n"));
    (format!("multipart/form-data; boundary={BOUNDARY}"), body)
}
