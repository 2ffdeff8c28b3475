//! `ictstat indicators`, `ictstat areas`, `ictstat token-hash`: the catalogue on the terminal.

use std::io::Read;

use ictstat_core::{AreaKind, Catalog};

use crate::cli::{AreaArgs, IndicatorArgs};

pub fn indicators(args: IndicatorArgs) -> anyhow::Result<u8> {
    let c = Catalog::embedded()?;
    let found = match c.find_indicators(
        args.framework.as_deref(),
        args.search.as_deref().unwrap_or(""),
    ) {
        Ok(found) => found,
        Err(e) => crate::usage!("{e}"),
    };
    for i in found {
        println!(
            "{:<18} {:<8} {:<12} {}",
            i.code,
            i.sdg_indicator.as_deref().unwrap_or("-"),
            i.unit,
            i.name
        );
    }
    Ok(0)
}

pub fn areas(args: AreaArgs) -> anyhow::Result<u8> {
    let c = Catalog::embedded()?;
    let kind = match args.kind.as_deref().map(|k| (k, AreaKind::parse(k))) {
        None => None,
        Some((_, Some(kind))) => Some(kind),
        Some((k, None)) => crate::usage!("unknown --kind `{k}`"),
    };
    let found = match c.find_areas(kind, args.group.as_deref()) {
        Ok(found) => found,
        Err(e) => crate::usage!("{e}"),
    };
    for a in found {
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
    if token.is_empty() {
        crate::usage!("give the token on standard input");
    }
    println!("{}", ictstat_server::sha256_hex(token.as_bytes()));
    Ok(0)
}
