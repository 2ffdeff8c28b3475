//! The state of a view, as its query string.
//!
//! Every choice a reader makes (countries, year, breakdown, sort, language) is a query
//! parameter, so that a view is a URL: shareable, bookmarkable and embeddable. Forms submit
//! repeated keys (`area=404&area=800`) and links may use lists (`area=404,800`); both read the
//! same. The query is parsed by hand because serde's form decoding keeps only one value of a
//! repeated key.

/// The decoded query parameters of a request, in order.
#[derive(Debug, Clone, Default)]
pub struct Params {
    pairs: Vec<(String, String)>,
}

impl Params {
    pub fn parse(query: Option<&str>) -> Params {
        let pairs = query
            .unwrap_or("")
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (decode(k), decode(v))
            })
            .collect();
        Params { pairs }
    }

    /// The last non-empty value of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .rev()
            .find(|(k, v)| k == key && !v.trim().is_empty())
            .map(|(_, v)| v.trim())
    }

    /// Every value of `key`, comma-separated lists split, empty ones dropped, in order,
    /// without repeats.
    pub fn list(&self, key: &str) -> Vec<String> {
        let mut seen = std::collections::HashSet::new();
        let mut out: Vec<String> = Vec::new();
        for (_, v) in self.pairs.iter().filter(|(k, _)| k == key) {
            for item in v.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                if seen.insert(item) {
                    out.push(item.to_string());
                }
            }
        }
        out
    }

    /// A copy with `key` set to `value` (or removed when `None`), for links that change one
    /// choice and keep the others.
    pub fn with(&self, key: &str, value: Option<&str>) -> Params {
        let mut pairs: Vec<(String, String)> = self
            .pairs
            .iter()
            .filter(|(k, _)| k != key)
            .cloned()
            .collect();
        if let Some(v) = value {
            pairs.push((key.to_string(), v.to_string()));
        }
        Params { pairs }
    }

    /// The query string, without `?`; empty values left out.
    pub fn to_query(&self) -> String {
        self.pairs
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// `path` with this query, or `path` alone when the query is empty.
    pub fn url(&self, path: &str) -> String {
        let q = self.to_query();
        if q.is_empty() {
            path.to_string()
        } else {
            format!("{path}?{q}")
        }
    }
}

/// Percent-decoding of a form value: `+` is a space, invalid escapes are kept as written.
fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(hi), Some(lo)) => {
                    out.push(hi << 4 | lo);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// Percent-encoding of a query component: everything but unreserved characters and `,`
/// (kept readable in lists).
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b',') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
