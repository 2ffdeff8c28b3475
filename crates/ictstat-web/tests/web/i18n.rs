//! Translations: complete, consistent with English, and numbers written each language's way.

use std::collections::BTreeSet;

use ictstat_web::i18n::{Lang, SOURCES, flatten};

/// The `{placeholders}` of a message.
fn placeholders(text: &str) -> BTreeSet<String> {
    text.split('{')
        .skip(1)
        .filter_map(|s| s.split_once('}').map(|(name, _)| name.to_string()))
        .collect()
}

#[test]
fn every_language_has_exactly_the_english_keys_and_placeholders() {
    let english = flatten(SOURCES[0].1).unwrap();
    assert!(english.len() > 100, "en.toml has {} keys", english.len());
    for (tag, text) in &SOURCES[1..] {
        let other = flatten(text).unwrap();
        let missing: Vec<_> = english.keys().filter(|k| !other.contains_key(*k)).collect();
        let extra: Vec<_> = other.keys().filter(|k| !english.contains_key(*k)).collect();
        assert!(missing.is_empty(), "{tag}.toml lacks {missing:?}");
        assert!(
            extra.is_empty(),
            "{tag}.toml has keys English lacks: {extra:?}"
        );
        for (key, en) in &english {
            assert_eq!(
                placeholders(en),
                placeholders(&other[key]),
                "{tag}.toml `{key}` has other placeholders than English"
            );
        }
    }
}

#[test]
fn french_and_spanish_are_translated_not_copied() {
    let english = flatten(SOURCES[0].1).unwrap();
    for (tag, text) in &SOURCES[1..] {
        let other = flatten(text).unwrap();
        let same: Vec<_> = english
            .iter()
            .filter(|(k, v)| {
                other[*k] == **v && v.chars().filter(|c| c.is_alphabetic()).count() > 8
            })
            .map(|(k, _)| k.as_str())
            .collect();
        // A few words are the same in both languages ("Total", "Code"); long texts never are.
        assert!(same.len() < 8, "{tag}.toml repeats English in {same:?}");
    }
}

#[test]
fn languages_come_from_tags_and_accept_language() {
    assert_eq!(Lang::from_tag("fr-CA"), Some(Lang::Fr));
    assert_eq!(Lang::from_tag("ES"), Some(Lang::Es));
    assert_eq!(Lang::from_tag("de"), None);
    assert_eq!(
        Lang::from_accept_language("de-DE,de;q=0.9,es;q=0.8,en;q=0.7"),
        Some(Lang::Es)
    );
    assert_eq!(
        Lang::from_accept_language("fr;q=0, en;q=0.5"),
        Some(Lang::En)
    );
    assert_eq!(Lang::from_accept_language("zh"), None);
}

#[test]
fn numbers_use_each_languages_separators() {
    assert_eq!(Lang::En.number(1_234_567.891, 1), "1,234,567.9");
    // French groups with a narrow no-break space (U+202F) and a decimal comma.
    assert_eq!(
        Lang::Fr.number(1_234_567.891, 1),
        "1\u{202f}234\u{202f}567,9"
    );
    assert_eq!(Lang::Es.number(1_234_567.891, 1), "1.234.567,9");
    // Spanish does not group four digits.
    assert_eq!(Lang::Es.number(2023.0, 0), "2023");
    assert_eq!(Lang::En.number(-0.04, 1), "0.0");
    assert_eq!(Lang::En.number(-12.5, 1), "−12.5");
}

/// Every message key the pages name in the code, and every key they build (a progress status,
/// a dimension), is in English — so `Lang::t` never shows a reader a key.
#[test]
fn every_key_the_pages_use_is_in_english() {
    let english = flatten(SOURCES[0].1).unwrap();
    let mut used = Vec::new();
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut dirs = vec![src];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for call in [".t(\"", ".f(\""] {
                for piece in text.split(call).skip(1) {
                    let key = piece.split('"').next().unwrap();
                    used.push((key.to_string(), path.display().to_string()));
                }
            }
        }
    }
    assert!(used.len() > 100, "found {} keys", used.len());
    for status in [
        "target_achieved",
        "substantial_progress",
        "moderate_progress",
        "limited_progress",
        "deterioration",
        "not_available",
    ] {
        used.push((format!("progress.{status}"), "country.rs".into()));
    }
    for dim in ictstat_core::Dimension::ALL {
        used.push((format!("dimension.{}", dim.id()), "data.rs".into()));
    }
    let missing: Vec<_> = used
        .iter()
        .filter(|(k, _)| !english.contains_key(k))
        .collect();
    assert!(missing.is_empty(), "keys not in en.toml: {missing:?}");
}
