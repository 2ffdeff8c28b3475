//! The query string, decoded without turning `+` into a space.

use crate::error::{ErrorKind, SdmxError};

/// Query parameters, decoded without turning `+` into a space.
pub(super) struct Params(Vec<(String, String)>);

impl Params {
    pub(super) fn parse(query: &str) -> Result<Params, SdmxError> {
        let mut out: Vec<(String, String)> = Vec::new();
        // Far more than any SDMX query has; bounds the duplicate check below.
        const MAX_PARAMS: usize = 64;
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            if out.len() == MAX_PARAMS {
                return Err(SdmxError::syntax(format!(
                    "more than {MAX_PARAMS} query parameters"
                )));
            }
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let (k, v) = (percent_decode(k)?, percent_decode(v)?);
            if out.iter().any(|(seen, _)| *seen == k) {
                return Err(SdmxError::syntax(format!("parameter `{k}` is given twice")));
            }
            out.push((k, v));
        }
        Ok(Params(out))
    }

    pub(super) fn take(&mut self, name: &str) -> Option<String> {
        let i = self.0.iter().position(|(k, _)| k == name)?;
        Some(self.0.remove(i).1)
    }

    /// Removes and returns the `c[COMPONENT]` filters.
    pub(super) fn take_filters(&mut self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        self.0.retain(
            |(k, v)| match k.strip_prefix("c[").and_then(|r| r.strip_suffix(']')) {
                Some(component) => {
                    out.push((component.to_string(), v.clone()));
                    false
                }
                None => true,
            },
        );
        out
    }

    /// Fails on any parameter not taken: a misspelt `startperiod` silently ignored would
    /// return the wrong data.
    pub(super) fn finish(self, known: &[&str]) -> Result<(), SdmxError> {
        match self.0.first() {
            None => Ok(()),
            Some((k, _)) if known.contains(&k.as_str()) => Err(SdmxError::syntax(format!(
                "parameter `{k}` does not apply to this query"
            ))),
            Some((k, _)) => Err(SdmxError::syntax(format!(
                "unknown parameter `{k}`; this query takes {}",
                known.join(", ")
            ))),
        }
    }
}

/// Percent-decodes one path segment or query component (UTF-8).
pub(super) fn percent_decode(s: &str) -> Result<String, SdmxError> {
    if !s.contains('%') {
        return Ok(s.to_string());
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                // Two hex digits (`from_str_radix` alone would take `%+1`).
                .filter(|h| h.iter().all(u8::is_ascii_hexdigit))
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| SdmxError::syntax(format!("bad percent-encoding in `{s}`")))?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| {
        SdmxError::new(
            ErrorKind::Syntax,
            format!("`{s}` does not decode to UTF-8 text"),
        )
    })
}
