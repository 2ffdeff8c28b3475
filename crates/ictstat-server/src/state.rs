//! What every handler shares.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ictstat_core::Catalog;
use ictstat_store::{Db, ReadModel};
use sha2::{Digest, Sha256};

/// Server settings.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// SHA-256 of the bootstrap administrator token: an administrator with every scope that
    /// exists before any account does (and a break-glass credential). The token itself is
    /// never kept: the presented token is hashed and compared in constant time. `None`: only
    /// the API tokens of accounts authenticate.
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
pub use ictstat_store::accounts::sha256_hex;

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
    ictstat_store::accounts::hex(&h.finalize())
}

/// Counts failed token attempts per client address, so that guessing tokens is slow: past
/// [`FailureLimiter::MAX_FAILURES`] failures in [`FailureLimiter::WINDOW`], the address is
/// answered 429 until the window ends, even with a good token (a correct guess must not be
/// told apart from a wrong one). The counts live in this process: several instances behind a
/// load balancer each count their own. At most [`FailureLimiter::MAX_TRACKED`] addresses are
/// tracked, so that a flood of addresses cannot exhaust memory: past it, expired windows are
/// dropped, then the oldest.
///
/// The sign-in limits ([`crate::session`]) are the same mechanism with their own limit and
/// window, keyed by login and by address.
#[derive(Debug)]
pub struct FailureLimiter {
    clients: Mutex<HashMap<String, (Instant, u32)>>,
    max_failures: u32,
    window: Duration,
}

impl Default for FailureLimiter {
    /// The failed-token limit.
    fn default() -> Self {
        FailureLimiter::new(Self::MAX_FAILURES, Self::WINDOW)
    }
}

impl FailureLimiter {
    pub const MAX_FAILURES: u32 = 10;
    pub const WINDOW: Duration = Duration::from_secs(60);
    pub const MAX_TRACKED: usize = 10_000;

    pub fn new(max_failures: u32, window: Duration) -> FailureLimiter {
        FailureLimiter {
            clients: Mutex::default(),
            max_failures,
            window,
        }
    }

    /// Forgets the failures of `client` (a successful sign-in clears its login's count).
    pub fn reset(&self, client: &str) {
        let mut clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        clients.remove(client);
    }

    /// How long `client` must wait, when it has failed too often.
    pub fn blocked(&self, client: &str) -> Option<Duration> {
        let clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        let (started, failures) = *clients.get(client)?;
        let elapsed = started.elapsed();
        (failures >= self.max_failures && elapsed < self.window).then(|| self.window - elapsed)
    }

    /// Records a failed attempt from `client`.
    pub fn failed(&self, client: &str) {
        let mut clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        if clients.len() >= Self::MAX_TRACKED && !clients.contains_key(client) {
            let window = self.window;
            clients.retain(|_, (started, _)| started.elapsed() < window);
            if clients.len() >= Self::MAX_TRACKED
                && let Some(oldest) = clients
                    .iter()
                    .min_by_key(|(_, (started, _))| *started)
                    .map(|(k, _)| k.clone())
            {
                clients.remove(&oldest);
            }
        }
        let entry = clients
            .entry(client.to_string())
            .or_insert((Instant::now(), 0));
        if entry.0.elapsed() >= self.window {
            *entry = (Instant::now(), 0);
        }
        entry.1 += 1;
    }
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
    /// Failed token attempts per client address.
    pub auth_failures: Arc<FailureLimiter>,
    /// Web sessions' settings and sign-in failure counts.
    pub sessions: Arc<crate::session::Sessions>,
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
            auth_failures: Arc::default(),
            sessions: Arc::default(),
        }
    }

    /// The same state with other session settings (timeouts, `Secure` cookies, sign-in limits).
    pub fn with_sessions(mut self, config: crate::session::SessionConfig) -> Self {
        self.sessions = Arc::new(crate::session::Sessions::new(config));
        self
    }
}

#[cfg(test)]
mod tests {
    use super::FailureLimiter;

    #[test]
    fn failures_block_past_the_limit_and_memory_stays_bounded() {
        let limiter = FailureLimiter::default();
        for _ in 0..FailureLimiter::MAX_FAILURES - 1 {
            limiter.failed("a");
        }
        assert!(limiter.blocked("a").is_none());
        limiter.failed("a");
        assert!(
            limiter
                .blocked("a")
                .is_some_and(|w| w <= FailureLimiter::WINDOW)
        );
        assert!(limiter.blocked("b").is_none());
        for i in 0..FailureLimiter::MAX_TRACKED + 5 {
            limiter.failed(&format!("10.0.{}.{}", i / 256, i % 256));
        }
        let tracked = limiter.clients.lock().unwrap().len();
        assert_eq!(tracked, FailureLimiter::MAX_TRACKED);
    }
}
