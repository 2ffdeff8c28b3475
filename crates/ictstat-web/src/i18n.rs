//! The interface in English, French and Spanish.
//!
//! Messages are data (`i18n/{en,fr,es}.toml`, embedded), looked up by dotted key
//! (`nav.home`). English is complete by construction; a test holds the other languages to
//! exactly the same keys and placeholders, so a missing translation fails CI instead of
//! showing a key to a reader. Area names come from the catalogue's own translations.

use std::collections::HashMap;
use std::sync::OnceLock;

/// A language of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    En,
    Fr,
    Es,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::En, Lang::Fr, Lang::Es];

    /// The BCP 47 tag, as in `<html lang>` and `?lang=`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
            Lang::Es => "es",
        }
    }

    /// The language's own name, for the switcher.
    pub fn endonym(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Fr => "Français",
            Lang::Es => "Español",
        }
    }

    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        Lang::ALL.into_iter().find(|l| l.tag() == primary)
    }

    /// The first supported language of an `Accept-Language` header, by q-value.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut best: Option<(f32, Lang)> = None;
        for part in header.split(',') {
            let mut pieces = part.split(';');
            let Some(lang) = pieces.next().and_then(Lang::from_tag) else {
                continue;
            };
            let q = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            if q > 0.0 && best.is_none_or(|(bq, _)| q > bq) {
                best = Some((q, lang));
            }
        }
        best.map(|(_, l)| l)
    }

    /// The message `key` in this language (English if it has none; the key itself only if
    /// English lacks it too, which the tests rule out for the keys the pages use).
    pub fn t(self, key: &str) -> &str {
        let all = messages();
        all[self as usize]
            .get(key)
            .or_else(|| all[Lang::En as usize].get(key))
            .map_or(key, String::as_str)
    }

    /// The message `key` with `{name}` placeholders replaced.
    pub fn f(self, key: &str, args: &[(&str, &dyn std::fmt::Display)]) -> String {
        let mut out = self.t(key).to_string();
        for (name, value) in args {
            out = out.replace(&format!("{{{name}}}"), &value.to_string());
        }
        out
    }

    /// A number as this language writes it: grouping and decimal separators.
    pub fn number(self, value: f64, decimals: usize) -> String {
        let s = format!("{:.*}", decimals, value.abs());
        let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
        let (group, point) = match self {
            Lang::En => (',', '.'),
            // French uses a narrow no-break space to group digits.
            Lang::Fr => ('\u{202f}', ','),
            Lang::Es => ('.', ','),
        };
        let mut grouped = String::new();
        let digits = int.len();
        for (i, c) in int.chars().enumerate() {
            // Spanish does not group four-digit numbers (RAE); the others do.
            let grouping = !(self == Lang::Es && digits == 4);
            if grouping && i > 0 && (digits - i) % 3 == 0 {
                grouped.push(group);
            }
            grouped.push(c);
        }
        let sign = if value < 0.0 && s.bytes().any(|b| (b'1'..=b'9').contains(&b)) {
            "−"
        } else {
            ""
        };
        if frac.is_empty() {
            format!("{sign}{grouped}")
        } else {
            format!("{sign}{grouped}{point}{frac}")
        }
    }
}

/// The embedded message files, in [`Lang`] order.
pub const SOURCES: [(&str, &str); 3] = [
    ("en", include_str!("../i18n/en.toml")),
    ("fr", include_str!("../i18n/fr.toml")),
    ("es", include_str!("../i18n/es.toml")),
];

fn messages() -> &'static [HashMap<String, String>; 3] {
    static MESSAGES: OnceLock<[HashMap<String, String>; 3]> = OnceLock::new();
    MESSAGES.get_or_init(|| {
        SOURCES.map(|(tag, text)| {
            flatten(text).unwrap_or_else(|e| panic!("i18n/{tag}.toml is invalid: {e}"))
        })
    })
}

/// A message file as `dotted.key → text`.
pub fn flatten(text: &str) -> Result<HashMap<String, String>, String> {
    fn walk(
        prefix: &str,
        table: &toml::Table,
        out: &mut HashMap<String, String>,
    ) -> Result<(), String> {
        for (k, v) in table {
            let key = if prefix.is_empty() {
                k.clone()
            } else {
                format!("{prefix}.{k}")
            };
            match v {
                toml::Value::String(s) => {
                    out.insert(key, s.clone());
                }
                toml::Value::Table(t) => walk(&key, t, out)?,
                _ => return Err(format!("`{key}` is not text")),
            }
        }
        Ok(())
    }
    let table: toml::Table = text.parse().map_err(|e: toml::de::Error| e.to_string())?;
    let mut out = HashMap::new();
    walk("", &table, &mut out)?;
    Ok(out)
}
