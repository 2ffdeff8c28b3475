//! What every handler shares.

use std::sync::Arc;

use ictstat_core::Catalog;
use ictstat_store::{Db, ReadModel};
use sha2::{Digest, Sha256};

/// Server settings.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// SHA-256 of the administrator token that may import. The token itself is never kept:
    /// requests are authorised by hashing the presented token and comparing in constant time.
    /// `None` disables writes through the API.
    pub admin_token_sha256: Option<[u8; 32]>,
    /// Largest accepted upload, in bytes.
    pub max_upload_bytes: usize,
    /// Who maintains the SDMX structures.
    pub sdmx: ictstat_sdmx::Config,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            admin_token_sha256: None,
            max_upload_bytes: 256 * 1024 * 1024,
            sdmx: ictstat_sdmx::Config::default(),
        }
    }
}

impl ServerConfig {
    /// True when `token` is the administrator token.
    pub fn is_admin(&self, token: &str) -> bool {
        let Some(expected) = &self.admin_token_sha256 else {
            return false;
        };
        let got: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        // Constant-time comparison: no early exit on the first differing byte.
        got.iter()
            .zip(expected)
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
    }
}

/// Parses a SHA-256 given as 64 hexadecimal digits.
pub fn parse_sha256_hex(hex: &str) -> Option<[u8; 32]> {
    let hex = hex.trim();
    if hex.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

/// The SHA-256 of a token, as 64 hexadecimal digits (for the configuration file).
pub fn sha256_hex(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
}

/// One SHA-256 over several named files, each framed by its name and length so that
/// different splits of the same bytes hash differently; streamed, never concatenated.
pub fn files_sha256_hex<'a>(files: impl Iterator<Item = (&'a str, &'a [u8])>) -> String {
    let mut h = Sha256::new();
    for (name, bytes) in files {
        h.update((name.len() as u64).to_le_bytes());
        h.update(name.as_bytes());
        h.update((bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    }
    hex(&h.finalize())
}

fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub catalog: Arc<Catalog>,
    pub read_model: ReadModel,
    pub config: Arc<ServerConfig>,
    /// The SDMX structures, generated once from the catalogue.
    pub sdmx: Arc<ictstat_sdmx::Registry>,
    /// Recent SDMX answers, per data revision.
    pub answers: Arc<crate::routes::AnswerCache>,
}

impl AppState {
    pub fn new(db: Db, catalog: Arc<Catalog>, read_model: ReadModel, config: ServerConfig) -> Self {
        let sdmx = ictstat_sdmx::Registry::build(&catalog, config.sdmx.clone());
        AppState {
            db,
            catalog,
            read_model,
            config: Arc::new(config),
            sdmx: Arc::new(sdmx),
            answers: Arc::default(),
        }
    }
}
