//! Reference areas (UN M49) and the resolution of the many ways files name them.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

/// What an area is. Groups hold other areas; their membership is data (`Catalog::members`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AreaKind {
    Country,
    World,
    Region,
    SubRegion,
    IntermediateRegion,
    /// LDC, LLDC, SIDS
    SpecialGroup,
    /// Developed / developing regions
    DevelopmentGroup,
    /// World Bank income groups
    IncomeGroup,
}

impl AreaKind {
    pub fn is_group(self) -> bool {
        self != AreaKind::Country
    }

    pub fn as_str(self) -> &'static str {
        match self {
            AreaKind::Country => "country",
            AreaKind::World => "world",
            AreaKind::Region => "region",
            AreaKind::SubRegion => "sub_region",
            AreaKind::IntermediateRegion => "intermediate_region",
            AreaKind::SpecialGroup => "special_group",
            AreaKind::DevelopmentGroup => "development_group",
            AreaKind::IncomeGroup => "income_group",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            AreaKind::Country,
            AreaKind::World,
            AreaKind::Region,
            AreaKind::SubRegion,
            AreaKind::IntermediateRegion,
            AreaKind::SpecialGroup,
            AreaKind::DevelopmentGroup,
            AreaKind::IncomeGroup,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// A country or a group. `code` is the M49 code, zero-padded to three digits (`004`), or for
/// groups that M49 does not number (income groups), the World Bank's code (`HIC`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Area {
    pub code: String,
    pub name: String,
    pub kind: AreaKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iso2: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iso3: Option<String>,
}

/// Resolves an area as written in a file — M49 with or without zero padding, ISO alpha-2 or
/// alpha-3 in any case, or an English name (official, short or common) — to its M49 code.
#[derive(Debug, Clone, Default)]
pub struct AreaResolver {
    by_token: HashMap<String, String>,
}

impl AreaResolver {
    /// Registers `token` (a code or a name) for area `code`. Earlier registrations win, so
    /// codes are registered before names.
    pub fn add(&mut self, token: &str, code: &str) {
        let key = normalize(token);
        if !key.is_empty() {
            self.by_token.entry(key).or_insert_with(|| code.to_string());
        }
    }

    /// The M49 code of an area, if the token names one.
    pub fn resolve(&self, token: &str) -> Option<&str> {
        self.by_token.get(&normalize(token)).map(String::as_str)
    }
}

/// Case-folded, whitespace-collapsed form without a leading "the"; an all-digit token is read as a number so that `4`,
/// `04` and `004` are the same M49 code.
fn normalize(token: &str) -> String {
    let t = token.trim();
    if !t.is_empty() && t.len() <= 3 && t.bytes().all(|b| b.is_ascii_digit()) {
        return format!("{:03}", t.parse::<u16>().unwrap_or(0));
    }
    let mut out = String::with_capacity(t.len());
    for word in t.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
    // UNTERM writes articles first ("the Islamic Republic of Afghanistan").
    match out.strip_prefix("the ") {
        Some(rest) => rest.to_string(),
        None => out,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_padded_and_unpadded_codes_and_names_in_any_case() {
        let mut r = AreaResolver::default();
        r.add("004", "004");
        r.add("AFG", "004");
        r.add("Afghanistan", "004");
        assert_eq!(r.resolve("4"), Some("004"));
        assert_eq!(r.resolve("004"), Some("004"));
        assert_eq!(r.resolve("afg"), Some("004"));
        assert_eq!(r.resolve("  AFGHANISTAN "), Some("004"));
        assert_eq!(r.resolve("Narnia"), None);
    }
}
