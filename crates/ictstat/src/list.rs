//! `ictstat indicators`, `ictstat areas`, `ictstat token-hash`: the catalogue on the terminal.

use std::io::Read;

use anyhow::Context;
use ictstat_core::{AreaKind, Catalog};

use crate::cli::{AreaArgs, IndicatorArgs};

pub fn indicators(args: IndicatorArgs) -> anyhow::Result<u8> {
    let c = Catalog::embedded()?;
    let framework = match &args.framework {
        None => None,
        Some(id) => Some(
            c.frameworks
                .iter()
                .find(|f| f.id.eq_ignore_ascii_case(id))
                .with_context(|| format!("no framework `{id}`"))?,
        ),
    };
    let words: Vec<String> = args
        .search
        .as_deref()
        .unwrap_or("")
        .split_whitespace()
        .map(str::to_lowercase)
        .collect();
    for i in &c.indicators {
        if let Some(f) = framework
            && !f.items.iter().any(|it| it.indicators.contains(&i.code))
        {
            continue;
        }
        let text = format!("{} {} {}", i.code, i.name, i.aliases.join(" ")).to_lowercase();
        if words.iter().all(|w| text.contains(w.as_str())) {
            println!(
                "{:<18} {:<8} {:<12} {}",
                i.code,
                i.sdg_indicator.as_deref().unwrap_or("-"),
                i.unit,
                i.name
            );
        }
    }
    Ok(0)
}

pub fn areas(args: AreaArgs) -> anyhow::Result<u8> {
    let c = Catalog::embedded()?;
    let kind = match &args.kind {
        None => None,
        Some(k) => Some(AreaKind::parse(k).with_context(|| format!("unknown --kind `{k}`"))?),
    };
    let members: Option<Vec<&str>> = match &args.group {
        None => None,
        Some(g) => Some(
            c.members(
                c.resolve_area(g)
                    .with_context(|| format!("unknown group `{g}`"))?,
            )
            .collect(),
        ),
    };
    for a in &c.areas {
        if kind.is_some_and(|k| a.kind != k)
            || members
                .as_ref()
                .is_some_and(|m| !m.contains(&a.code.as_str()))
        {
            continue;
        }
        println!(
            "{:<4} {:<3} {:<4} {:<20} {}",
            a.code,
            a.iso2.as_deref().unwrap_or("-"),
            a.iso3.as_deref().unwrap_or("-"),
            a.kind.as_str(),
            a.name
        );
    }
    Ok(0)
}

pub fn token_hash() -> anyhow::Result<u8> {
    let mut token = String::new();
    std::io::stdin().read_to_string(&mut token)?;
    let token = token.trim_end_matches(['\n', '\r']);
    anyhow::ensure!(!token.is_empty(), "give the token on standard input");
    println!("{}", ictstat_server::sha256_hex(token.as_bytes()));
    Ok(0)
}
