//! The stylesheet and icon, embedded in the binary and served under names that carry their
//! content hash, so browsers may keep them for a year and still never use a stale copy.

use std::sync::OnceLock;

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

struct Asset {
    /// `style.<hash>.css`
    name: String,
    content_type: &'static str,
    body: &'static [u8],
}

const FILES: [(&str, &str, &str, &[u8]); 2] = [
    (
        "style",
        "css",
        "text/css; charset=utf-8",
        include_bytes!("../assets/style.css"),
    ),
    (
        "icon",
        "svg",
        "image/svg+xml",
        include_bytes!("../assets/icon.svg"),
    ),
];

fn assets() -> &'static [Asset] {
    static ASSETS: OnceLock<Vec<Asset>> = OnceLock::new();
    ASSETS.get_or_init(|| {
        FILES
            .iter()
            .map(|&(stem, ext, content_type, body)| {
                let digest = Sha256::digest(body);
                let hash: String = digest[..6].iter().map(|b| format!("{b:02x}")).collect();
                Asset {
                    name: format!("{stem}.{hash}.{ext}"),
                    content_type,
                    body,
                }
            })
            .collect()
    })
}

/// The URL of the asset whose name starts with `stem` (`style`, `icon`).
pub fn url(stem: &str) -> String {
    let asset = assets()
        .iter()
        .find(|a| a.name.split('.').next() == Some(stem))
        .expect("asset stems are the FILES above");
    format!("/assets/{}", asset.name)
}

/// `GET /assets/{file}`.
pub async fn serve(Path(file): Path<String>) -> Response {
    match assets().iter().find(|a| a.name == file) {
        Some(a) => (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static(a.content_type),
                ),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=31536000, immutable"),
                ),
            ],
            a.body,
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "no such asset").into_response(),
    }
}
