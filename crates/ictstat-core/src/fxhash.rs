//! A small, fast, non-cryptographic hasher for per-row lookup maps (file readers, the store's
//! bulk writes).
//!
//! The caches are keyed by short codes and small integer tuples that come from one file, and
//! are looked up once or twice per row; SipHash (the std default, built to resist HashDoS from
//! untrusted keys over a long-lived map) costs more than the rest of the row's work. A file can
//! at worst make its own import slower, which the field-size and row limits already bound.
//! This is the FxHash of rustc, from the `rustc-hash` crate (which rustc itself uses).

/// A `HashMap` with rustc's Fx hasher.
pub type FxMap<K, V> = rustc_hash::FxHashMap<K, V>;
