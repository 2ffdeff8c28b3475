//! `ictstat org`, `ictstat user` and `ictstat token`: accounts managed by whoever runs the
//! command line on the database (the first administrator is created this way). Every change
//! is audited with the actor `cli:$USER`.

use std::io::BufRead;

use anyhow::Context;
use ictstat_core::{AreaKind, Catalog};
use ictstat_store::accounts::{Actor, Grant, Role, Scope, parse_scopes};
use ictstat_store::{Db, StoreError};

use crate::cli::{
    GrantArgs, OrgAddArgs, OrgCommand, TokenCommand, TokenCreateArgs, UserAddArgs, UserCommand,
};
use crate::serve::redact;

/// Longest lifetime `--expires-in` accepts: ten years.
const MAX_EXPIRY_DAYS: u64 = 3650;

/// The person running the command, as the audit log names them.
fn actor() -> Actor {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_else(|_| "unknown".into());
    Actor::cli(&user)
}

/// Opens (creating if needed) the database: accounts may be set up before the first `serve`,
/// which then loads the catalogue and the bundled data into the same database.
async fn open(database_url: &str) -> anyhow::Result<Db> {
    Db::connect(database_url)
        .await
        .with_context(|| format!("cannot open database {}", redact(database_url)))
}

/// Account rule violations and unknown names are usage errors (exit code 2).
fn store_error(e: StoreError) -> anyhow::Error {
    match e {
        StoreError::Invalid(m) => crate::UsageError(m).into(),
        StoreError::Missing(_) | StoreError::Exists(_) => crate::UsageError(e.to_string()).into(),
        other => other.into(),
    }
}

fn parse<T: std::str::FromStr<Err = StoreError>>(text: &str) -> anyhow::Result<T> {
    text.parse().map_err(store_error)
}

/// Splits comma-separated values, ignoring blanks.
fn list(values: &[String]) -> impl Iterator<Item = &str> {
    values
        .iter()
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

/// The catalogue codes of `--indicator` and `--area` values (aliases, ISO codes and names
/// resolve; providers' areas must be countries).
fn resolve_scope(args: &GrantArgs) -> anyhow::Result<(Vec<String>, Vec<String>)> {
    let catalog = Catalog::embedded().context("the embedded catalogue is invalid")?;
    let mut indicators = Vec::new();
    for i in list(&args.indicator) {
        match catalog.indicator(i) {
            Some(ind) => indicators.push(ind.code.clone()),
            None => crate::usage!("unknown indicator `{i}` (see `ictstat indicators`)"),
        }
    }
    let mut areas = Vec::new();
    for a in list(&args.area) {
        let code = catalog.resolve_area(a).filter(|code| {
            catalog
                .area(code)
                .is_some_and(|x| x.kind == AreaKind::Country)
        });
        match code {
            Some(code) => areas.push(code.to_string()),
            None => crate::usage!(
                "`{a}` is not a country the catalogue knows (use its M49 or ISO code; see `ictstat areas --kind country`)"
            ),
        }
    }
    indicators.dedup();
    areas.dedup();
    Ok((indicators, areas))
}

/// A password: one line of standard input with `--password-stdin`, otherwise
/// typed twice at the terminal without echo. Never an argument, which other users of the
/// machine could read in the process list.
fn read_password(login: &str, from_stdin: bool) -> anyhow::Result<String> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        return Ok(line.trim_end_matches(['\n', '\r']).to_string());
    }
    let first = rpassword::prompt_password(format!("Password for {login}: "))
        .context("cannot read a password from the terminal (use --password-stdin)")?;
    let again = rpassword::prompt_password("Again: ")?;
    if first != again {
        crate::usage!("the two passwords differ");
    }
    Ok(first)
}

pub async fn org(database_url: &str, command: OrgCommand) -> anyhow::Result<u8> {
    let db = open(database_url).await?;
    match command {
        OrgCommand::Add(OrgAddArgs { name, kind }) => {
            let org = db
                .add_organisation(&name, parse(&kind)?, &actor())
                .await
                .map_err(store_error)?;
            println!("organisation {} added ({})", org.name, org.kind);
        }
        OrgCommand::List => {
            for o in db.organisations().await? {
                println!("{:<20} {}", o.kind.as_str(), o.name);
            }
        }
    }
    db.close().await;
    Ok(0)
}

pub async fn user(database_url: &str, command: UserCommand) -> anyhow::Result<u8> {
    let db = open(database_url).await?;
    match command {
        UserCommand::Add(UserAddArgs {
            login,
            org,
            name,
            password_stdin,
            grant,
        }) => {
            // Check the role before asking for a password that would then be wasted.
            let role: Option<Role> = grant.role.as_deref().map(parse).transpose()?;
            let scope = resolve_scope(&grant)?;
            match role {
                Some(role) => role.check_scope(&scope.0, &scope.1).map_err(store_error)?,
                None if !scope.0.is_empty() || !scope.1.is_empty() => {
                    crate::usage!("--indicator and --area need --role")
                }
                None => {}
            }
            let password = read_password(&login, password_stdin)?;
            let user = db
                .add_user(
                    &login,
                    name.as_deref().unwrap_or(""),
                    &org,
                    &password,
                    &actor(),
                )
                .await
                .map_err(store_error)?;
            println!("user {} added to {}", user.login, user.organisation);
            if let Some(role) = role {
                grant_role(&db, &login, role, &scope).await?;
            }
        }
        UserCommand::List => {
            for u in db.users().await? {
                let grants = db.grants(u.id).await?;
                println!(
                    "{:<20} {:<30} {:<30} {:<8} {}",
                    u.login,
                    u.display_name,
                    u.organisation,
                    if u.disabled { "disabled" } else { "active" },
                    roles_summary(&grants)
                );
            }
        }
        UserCommand::Grant { login, grant } => {
            let Some(role) = grant.role.as_deref() else {
                crate::usage!("give the role to grant with --role");
            };
            let role: Role = parse(role)?;
            let scope = resolve_scope(&grant)?;
            grant_role(&db, &login, role, &scope).await?;
        }
        UserCommand::Disable { login } => {
            db.disable_user(&login, &actor())
                .await
                .map_err(store_error)?;
            println!("user {login} disabled: their tokens no longer work");
        }
        UserCommand::Enable { login } => {
            db.enable_user(&login, &actor())
                .await
                .map_err(store_error)?;
            println!("user {login} enabled");
        }
        UserCommand::Password {
            login,
            password_stdin,
        } => {
            // An unknown login fails before the password is asked for.
            if db.user(&login).await?.is_none() {
                crate::usage!("no user `{login}`");
            }
            let password = read_password(&login, password_stdin)?;
            let ended = db
                .set_password(&login, &password, &actor())
                .await
                .map_err(store_error)?;
            println!("password of {login} set; {ended} web sessions ended");
        }
        UserCommand::Revoke { login, grant } => {
            let Some(role) = grant.role.as_deref() else {
                crate::usage!("give the role to revoke with --role");
            };
            let role: Role = parse(role)?;
            let (indicators, areas) = resolve_scope(&grant)?;
            let removed = db
                .revoke_grant(&login, role, &indicators, &areas, &actor())
                .await
                .map_err(store_error)?;
            println!("{removed} grants of {role} revoked from {login}");
        }
    }
    db.close().await;
    Ok(0)
}

async fn grant_role(
    db: &Db,
    login: &str,
    role: Role,
    (indicators, areas): &(Vec<String>, Vec<String>),
) -> anyhow::Result<()> {
    let added = db
        .grant(login, role, indicators, areas, &actor())
        .await
        .map_err(store_error)?;
    println!("{login}: {role} granted ({added} new grant rows)");
    Ok(())
}

/// `administrator; custodian IT_USE_ii99,IT_MOB_OWN; provider 404:IT_USE_ii99,…`.
fn roles_summary(grants: &[Grant]) -> String {
    let mut parts: Vec<String> = Vec::new();
    for role in Role::ALL {
        let scope: Vec<String> = grants
            .iter()
            .filter(|g| g.role == *role)
            .filter_map(|g| match (&g.area, &g.indicator) {
                (Some(area), Some(indicator)) => Some(format!("{area}:{indicator}")),
                (None, Some(indicator)) => Some(indicator.clone()),
                _ => None,
            })
            .collect();
        if grants.iter().any(|g| g.role == *role) {
            parts.push(if scope.is_empty() {
                role.to_string()
            } else {
                format!("{role} {}", scope.join(","))
            });
        }
    }
    if parts.is_empty() {
        "no role".into()
    } else {
        parts.join("; ")
    }
}

/// `90d`, `12h`, `2w`: a lifetime from now, at most ten years.
fn parse_lifetime(text: &str) -> anyhow::Result<std::time::Duration> {
    let (number, unit) = text.split_at(
        text.find(|c: char| !c.is_ascii_digit())
            .unwrap_or(text.len()),
    );
    let hours = match unit {
        "h" => 1,
        "d" => 24,
        "w" => 24 * 7,
        _ => crate::usage!(
            "`--expires-in {text}`: use a number of hours, days or weeks (12h, 90d, 2w)"
        ),
    };
    let Ok(n) = number.parse::<u64>() else {
        crate::usage!("`--expires-in {text}`: use a number of hours, days or weeks (12h, 90d, 2w)");
    };
    let total_hours = n
        .checked_mul(hours)
        .filter(|&h| (1..=MAX_EXPIRY_DAYS * 24).contains(&h));
    let Some(total_hours) = total_hours else {
        crate::usage!("`--expires-in {text}`: between 1 hour and {MAX_EXPIRY_DAYS} days");
    };
    Ok(std::time::Duration::from_secs(total_hours * 3600))
}

pub async fn token(database_url: &str, command: TokenCommand) -> anyhow::Result<u8> {
    let db = open(database_url).await?;
    match command {
        TokenCommand::Create(TokenCreateArgs {
            user,
            name,
            scope,
            expires_in,
        }) => {
            let scopes: Vec<Scope> = parse_scopes(&scope.join(",")).map_err(store_error)?;
            let expires_at = expires_in
                .as_deref()
                .map(parse_lifetime)
                .transpose()?
                .map(ictstat_store::time_after);
            let new = db
                .create_token(&user, &name, &scopes, expires_at, &actor())
                .await
                .map_err(store_error)?;
            // The token alone on standard output (so that `$(ictstat token create …)` is the
            // token); the rest on standard error.
            eprintln!(
                "token {} for {} ({}), expires {}; it is shown this once and stored only as its SHA-256:",
                new.token.id,
                new.token.login,
                scopes_list(&new.token.scopes),
                new.token.expires_at.as_deref().unwrap_or("never")
            );
            println!("{}", new.secret);
        }
        TokenCommand::List { user } => {
            for t in db.tokens(user.as_deref()).await? {
                let state = match (&t.revoked_at, &t.expires_at) {
                    (Some(at), _) => format!("revoked {at}"),
                    (None, Some(at)) if at.as_str() <= ictstat_store::now_text().as_str() => {
                        format!("expired {at}")
                    }
                    (None, Some(at)) => format!("expires {at}"),
                    (None, None) => "no expiry".into(),
                };
                println!(
                    "{:<5} {:<20} {:<24} {:<18} {:<40} last used {}",
                    t.id,
                    t.login,
                    t.name,
                    scopes_list(&t.scopes),
                    state,
                    t.last_used_at.as_deref().unwrap_or("never")
                );
            }
        }
        TokenCommand::Revoke { id } => {
            let t = db.revoke_token(id, &actor()).await.map_err(store_error)?;
            println!("token {} ({} of {}) revoked", t.id, t.name, t.login);
        }
    }
    db.close().await;
    Ok(0)
}

fn scopes_list(scopes: &[Scope]) -> String {
    scopes
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(",")
}
