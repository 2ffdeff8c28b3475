//! A bounded cache of whole SDMX answers.
//!
//! Dashboards and SDMX clients ask the same queries again and again (a chart's series, a
//! dataflow with its codelists), and until the next import the answer is the same bytes. Each
//! entry is keyed by the data revision it was computed from, so an import makes every older
//! entry unreachable at once (they age out); the cache never serves stale data. Large answers
//! (full dumps) are not kept: they stream, and caching them would only evict the small, hot
//! ones.

use std::collections::HashMap;
use std::sync::Mutex;

use axum::body::Bytes;

/// Largest answer kept.
pub const MAX_ENTRY_BYTES: usize = 4 << 20;
/// Bytes kept in all, keys included (a URI may be tens of kilobytes).
const BUDGET_BYTES: usize = 64 << 20;
/// Entries kept at most: bounds the memory of many tiny answers and the eviction scan.
const MAX_ENTRIES: usize = 10_000;

/// What an entry costs: its body, its URI and a rough allowance for the rest.
fn cost(key: &Key, body: &Bytes) -> usize {
    body.len() + key.uri.len() + 64
}

/// What identifies an answer: the revision, the request and the negotiated media type.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Key {
    pub revision: i64,
    pub uri: String,
    pub media_type: &'static str,
}

#[derive(Debug, Default)]
pub struct AnswerCache {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    entries: HashMap<Key, (Bytes, u64)>,
    bytes: usize,
    clock: u64,
}

impl AnswerCache {
    /// The cached answer, marked as just used.
    pub fn get(&self, key: &Key) -> Option<Bytes> {
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        inner.clock += 1;
        let now = inner.clock;
        let (body, used) = inner.entries.get_mut(key)?;
        *used = now;
        Some(body.clone())
    }

    /// Keeps an answer, evicting the least recently used ones beyond the budget.
    pub fn put(&self, key: Key, body: Bytes) {
        if body.len() > MAX_ENTRY_BYTES {
            return;
        }
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        inner.clock += 1;
        let now = inner.clock;
        inner.bytes += cost(&key, &body);
        if let Some((old, _)) = inner.entries.insert(key.clone(), (body, now)) {
            inner.bytes -= cost(&key, &old);
        }
        while inner.bytes > BUDGET_BYTES || inner.entries.len() > MAX_ENTRIES {
            let Some(oldest) = inner
                .entries
                .iter()
                .min_by_key(|(_, (_, used))| *used)
                .map(|(k, _)| k.clone())
            else {
                break;
            };
            if let Some((gone, _)) = inner.entries.remove(&oldest) {
                inner.bytes -= cost(&oldest, &gone);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(revision: i64, uri: &str) -> Key {
        Key {
            revision,
            uri: uri.to_string(),
            media_type: "text/csv",
        }
    }

    #[test]
    fn answers_are_per_revision_and_bounded() {
        let cache = AnswerCache::default();
        cache.put(key(1, "/a"), Bytes::from_static(b"one"));
        assert_eq!(cache.get(&key(1, "/a")).as_deref(), Some(&b"one"[..]));
        assert!(cache.get(&key(2, "/a")).is_none(), "a new revision misses");
        cache.put(key(1, "/big"), Bytes::from(vec![0; MAX_ENTRY_BYTES + 1]));
        assert!(cache.get(&key(1, "/big")).is_none(), "too large to keep");
        // Fill past the budget: the least recently used entry goes first.
        let chunk = MAX_ENTRY_BYTES;
        for i in 0..(BUDGET_BYTES / chunk) {
            cache.put(key(1, &format!("/{i}")), Bytes::from(vec![0; chunk]));
            cache.get(&key(1, "/a"));
        }
        assert!(cache.get(&key(1, "/0")).is_none(), "oldest evicted");
        assert!(cache.get(&key(1, "/a")).is_some(), "recently used kept");
    }

    #[test]
    fn keys_count_and_entries_are_bounded() {
        let cache = AnswerCache::default();
        // Long URIs with tiny answers: the keys are what fills the budget.
        let long = "x".repeat(64 << 10);
        for i in 0..2_000 {
            cache.put(key(1, &format!("/{i}{long}")), Bytes::from_static(b"ok"));
        }
        let inner = cache.inner.lock().unwrap();
        assert!(inner.bytes <= BUDGET_BYTES, "{}", inner.bytes);
        assert!(inner.entries.len() < 2_000);
        drop(inner);
        for i in 0..(MAX_ENTRIES + 10) {
            cache.put(key(2, &i.to_string()), Bytes::from_static(b"ok"));
        }
        assert!(cache.inner.lock().unwrap().entries.len() <= MAX_ENTRIES);
    }
}
