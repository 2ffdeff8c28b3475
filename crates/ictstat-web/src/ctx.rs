//! What every page handler starts from: the request's language and query, the data snapshot
//! and the catalogue.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use ictstat_core::{Area, Catalog, Indicator};
use ictstat_server::AppState;
use ictstat_server::session::WebSession;
use ictstat_store::Snapshot;

use crate::i18n::Lang;
use crate::params::Params;
use crate::stats::StatsCache;

/// A page request, resolved.
pub struct Ctx {
    pub lang: Lang,
    pub params: Params,
    /// The request path, for links that change one parameter; always one leading `/`, so that
    /// a link built from it can never leave the site (`//evil.example/x` would).
    pub path: String,
    /// The `Host` the request reached, when it is a plain host name (for absolute links).
    pub host: Option<String>,
    pub snapshot: Arc<Snapshot>,
    pub catalog: Arc<Catalog>,
    pub stats: Arc<StatsCache>,
    pub state: AppState,
    /// The signed-in user, for the page header and the forms' CSRF token.
    pub session: Option<WebSession>,
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Ctx, Self::Rejection> {
        let params = Params::parse(parts.uri.query());
        // The query wins (a shared link keeps its language), then the browser's preference.
        let lang = params
            .get("lang")
            .and_then(Lang::from_tag)
            .or_else(|| {
                parts
                    .headers
                    .get(axum::http::header::ACCEPT_LANGUAGE)
                    .and_then(|v| v.to_str().ok())
                    .and_then(Lang::from_accept_language)
            })
            .unwrap_or(Lang::En);
        let stats = parts
            .extensions
            .get::<Arc<StatsCache>>()
            .cloned()
            .unwrap_or_default();
        let host = parts
            .headers
            .get(axum::http::header::HOST)
            .and_then(|v| v.to_str().ok())
            .filter(|h| {
                !h.is_empty()
                    && h.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
            })
            .map(str::to_string);
        // A page is still shown when the session cannot be read: signed out.
        let session = ictstat_server::session::current(state, &parts.headers)
            .await
            .unwrap_or_else(|e| {
                tracing::warn!("reading the session failed: {}", e.message);
                None
            });
        Ok(Ctx {
            session,
            lang,
            params,
            path: format!("/{}", parts.uri.path().trim_start_matches(['/', '\\'])),
            host,
            snapshot: state.read_model.snapshot(),
            catalog: state.catalog.clone(),
            stats,
            state: state.clone(),
        })
    }
}

impl Ctx {
    pub fn t<'a>(&self, key: &'a str) -> &'a str {
        self.lang.t(key)
    }

    /// A message with `{name}` placeholders filled.
    pub fn f(&self, key: &str, args: &[(&str, &dyn std::fmt::Display)]) -> String {
        self.lang.f(key, args)
    }

    /// The current URL with `key` changed (or removed).
    pub fn with(&self, key: &str, value: Option<&str>) -> String {
        self.params.with(key, value).url(&self.path)
    }

    /// A link to another page (which may have its own query) that keeps the language chosen
    /// in this page's query, if any.
    pub fn link(&self, path: &str) -> String {
        match self.params.get("lang") {
            Some(l) => {
                let join = if path.contains('?') { '&' } else { '?' };
                format!("{path}{join}lang={}", crate::params::encode(l))
            }
            None => path.to_string(),
        }
    }

    /// The language of the catalogue's texts (indicator and framework names and definitions,
    /// which are in English only) when it is not the page's: for their `lang` attribute, so
    /// that screen readers pronounce them as English (WCAG 3.1.2).
    pub fn catalog_lang(&self) -> Option<&'static str> {
        (self.lang != crate::i18n::Lang::En).then_some("en")
    }

    /// An area's name in the page's language.
    pub fn area_name<'a>(&'a self, area: &'a Area) -> &'a str {
        self.catalog
            .area_name(&area.code, self.lang.tag())
            .unwrap_or(&area.name)
    }

    /// The name of an area by code, or the code when the catalogue does not know it.
    pub fn area_name_of<'a>(&'a self, code: &'a str) -> &'a str {
        match self.catalog.area(code) {
            Some(a) => self.area_name(a),
            None => code,
        }
    }

    /// The M49 code of an area a reader typed: a code, an ISO code, an English name, or its
    /// name in any language of the interface (the country picker offers translated names).
    pub fn resolve_area(&self, token: &str) -> Option<&str> {
        if let Some(code) = self.catalog.resolve_area(token) {
            return Some(code);
        }
        let token = token.trim();
        self.catalog
            .areas
            .iter()
            .map(|a| a.code.as_str())
            .find(|code| {
                crate::i18n::Lang::ALL.iter().any(|l| {
                    self.catalog
                        .area_name(code, l.tag())
                        .is_some_and(|n| n.to_lowercase() == token.to_lowercase())
                })
            })
    }

    pub fn indicator(&self, code: &str) -> Option<&Indicator> {
        self.catalog.indicator(code)
    }
}
