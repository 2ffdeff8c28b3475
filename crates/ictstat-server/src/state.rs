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
/// load balancer each count their own. At most [`FailureLimiter::MAX_TRACKED`] keys are
/// tracked, so that a flood of keys cannot exhaust memory: past it, expired windows are
/// dropped, then the oldest key that is not blocked. A blocked key is never forgotten (that
/// would unblock it); when every tracked key is blocked, a new key is treated as blocked too.
///
/// The sign-in limits ([`crate::session`]) are the same mechanism with their own limit and
/// window, keyed by login and by address; they [`reserve`](FailureLimiter::reserve) an
/// attempt before checking the password, so that concurrent attempts cannot all pass the
/// check before any of them is counted.
#[derive(Debug)]
pub struct FailureLimiter {
    clients: Mutex<HashMap<String, Window>>,
    max_failures: u32,
    window: Duration,
}

/// The failures of one key in its current window.
#[derive(Debug, Clone, Copy)]
struct Window {
    started: Instant,
    failures: u32,
    /// Whether a refusal in this window has been audited already: one audit row per key and
    /// window, however many refused attempts follow.
    throttle_audited: bool,
}

impl Window {
    fn new() -> Window {
        Window {
            started: Instant::now(),
            failures: 0,
            throttle_audited: false,
        }
    }
}

/// A refused attempt: how long to wait, and whether it is the first refusal of its key in
/// this window (the one worth an audit row).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Throttled {
    pub wait: Duration,
    pub first: bool,
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

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Window>> {
        self.clients.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn expired(&self, w: &Window) -> bool {
        w.started.elapsed() >= self.window
    }

    /// How long a key with window `w` must still wait, when it is blocked.
    fn wait(&self, w: &Window) -> Option<Duration> {
        let elapsed = w.started.elapsed();
        (w.failures >= self.max_failures && elapsed < self.window).then(|| self.window - elapsed)
    }

    /// Makes room for one more key: drops expired windows, then the oldest key that is not
    /// blocked. False when every tracked key is blocked.
    fn make_room(&self, clients: &mut HashMap<String, Window>) -> bool {
        if clients.len() < Self::MAX_TRACKED {
            return true;
        }
        clients.retain(|_, w| !self.expired(w));
        if clients.len() < Self::MAX_TRACKED {
            return true;
        }
        let oldest = clients
            .iter()
            .filter(|(_, w)| self.wait(w).is_none())
            .min_by_key(|(_, w)| w.started)
            .map(|(k, _)| k.clone());
        oldest.is_some_and(|k| clients.remove(&k).is_some())
    }

    /// Counts one failure of `client`; false when there is no room to track it.
    fn count(&self, clients: &mut HashMap<String, Window>, client: &str) -> bool {
        if !clients.contains_key(client) && !self.make_room(clients) {
            return false;
        }
        let entry = clients
            .entry(client.to_string())
            .or_insert_with(Window::new);
        if self.expired(entry) {
            *entry = Window::new();
        }
        entry.failures += 1;
        true
    }

    /// Forgets the failures of `client` (a successful sign-in clears its login's count).
    pub fn reset(&self, client: &str) {
        self.lock().remove(client);
    }

    /// How long `client` must wait, when it has failed too often (or when it is new and every
    /// tracked key is blocked).
    pub fn blocked(&self, client: &str) -> Option<Duration> {
        let mut clients = self.lock();
        match clients.get(client) {
            Some(w) => self.wait(w),
            None => (!self.make_room(&mut clients)).then_some(self.window),
        }
    }

    /// Records a failed attempt from `client`.
    pub fn failed(&self, client: &str) {
        let mut clients = self.lock();
        self.count(&mut clients, client);
    }

    /// Checks and counts an attempt of `client` in one step, as a failure until
    /// [`release`](Self::release)d: refused when `client` is blocked (or cannot be tracked).
    pub fn reserve(&self, client: &str) -> Result<(), Throttled> {
        let mut clients = self.lock();
        if let Some(w) = clients.get_mut(client)
            && let Some(wait) = self.wait(w)
        {
            let first = !w.throttle_audited;
            w.throttle_audited = true;
            return Err(Throttled { wait, first });
        }
        if self.count(&mut clients, client) {
            Ok(())
        } else {
            // Nothing tracks this key, so nothing can say whether it was audited: it is not.
            Err(Throttled {
                wait: self.window,
                first: false,
            })
        }
    }

    /// Takes back a [`reserve`](Self::reserve)d attempt that did not fail.
    pub fn release(&self, client: &str) {
        if let Some(w) = self.lock().get_mut(client) {
            w.failures = w.failures.saturating_sub(1);
        }
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
    /// Comparisons of published releases.
    pub releases: Arc<crate::routes::ReleaseCache>,
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
            releases: Arc::default(),
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
    use std::time::Duration;

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
        // The blocked key was the oldest, but eviction passes it over.
        assert!(limiter.blocked("a").is_some());
    }

    #[test]
    fn reserving_counts_up_front_and_a_full_table_of_blocked_keys_refuses_new_ones() {
        let limiter = FailureLimiter::new(2, Duration::from_secs(60));
        assert_eq!(limiter.reserve("a"), Ok(()));
        limiter.release("a");
        assert_eq!(limiter.reserve("a"), Ok(()));
        assert_eq!(limiter.reserve("a"), Ok(()));
        let first = limiter.reserve("a").unwrap_err();
        assert!(first.first && first.wait <= Duration::from_secs(60));
        assert!(!limiter.reserve("a").unwrap_err().first);
        // Fill the table with blocked keys: none is evicted, and a new key is refused.
        {
            let mut clients = limiter.clients.lock().unwrap();
            let blocked = clients["a"];
            for i in 0..FailureLimiter::MAX_TRACKED - 1 {
                clients.insert(format!("k{i}"), blocked);
            }
        }
        assert!(limiter.blocked("new").is_some());
        assert!(limiter.reserve("new").is_err());
        limiter.failed("new");
        let clients = limiter.clients.lock().unwrap();
        assert_eq!(clients.len(), FailureLimiter::MAX_TRACKED);
        assert!(clients.contains_key("a") && !clients.contains_key("new"));
        drop(clients);
        // Expired windows are dropped to make room.
        let short = FailureLimiter::new(1, Duration::from_millis(1));
        short.failed("old");
        std::thread::sleep(Duration::from_millis(5));
        {
            let mut clients = short.clients.lock().unwrap();
            let old = clients["old"];
            for i in 0..FailureLimiter::MAX_TRACKED - 1 {
                clients.insert(format!("k{i}"), old);
            }
        }
        assert_eq!(short.reserve("new"), Ok(()));
        assert_eq!(short.clients.lock().unwrap().len(), 1);
    }
}
