//! What every page handler starts from: the request's language and query, the data snapshot
//! and the catalogue.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use ictstat_core::{Area, Catalog, Indicator};
use ictstat_server::AppState;
use ictstat_store::Snapshot;

use crate::i18n::Lang;
use crate::params::Params;
use crate::stats::StatsCache;

/// A page request, resolved.
pub struct Ctx {
    pub lang: Lang,
    pub params: Params,
    /// The request path, for links that change one parameter.
    pub path: String,
    pub snapshot: Arc<Snapshot>,
    pub catalog: Arc<Catalog>,
    pub stats: Arc<StatsCache>,
    pub state: AppState,
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
        Ok(Ctx {
            lang,
            params,
            path: parts.uri.path().to_string(),
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

    /// A link to another page that keeps the language chosen in the query, if any.
    pub fn link(&self, path: &str) -> String {
        match self.params.get("lang") {
            Some(l) => format!("{path}?lang={}", crate::params::encode(l)),
            None => path.to_string(),
        }
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

    pub fn indicator(&self, code: &str) -> Option<&Indicator> {
        self.catalog.indicator(code)
    }
}
