//! `ictstat release`: publishing and listing releases from the command line, as an
//! administrator on the database's machine (audited as `cli:$USER`).

use anyhow::Context;
use ictstat_server::ingest::IngestError;
use ictstat_server::publish::{PublishRequest, publish};
use ictstat_store::StoreError;
use ictstat_store::accounts::Actor;

use crate::EXIT_INVALID;
use crate::cli::{ReleaseCommand, ReleasePublishArgs};

pub async fn run(database_url: &str, command: ReleaseCommand) -> anyhow::Result<u8> {
    match command {
        ReleaseCommand::Publish(args) => publish_release(database_url, args).await,
        ReleaseCommand::List => {
            let db = crate::serve::open_existing(database_url).await?;
            let now = ictstat_store::now_text();
            for r in db.releases(true).await? {
                println!(
                    "{:<24} {:<8} revision {:<6} {} {:<40} by {}",
                    r.name,
                    r.kind,
                    r.revision,
                    if r.is_embargoed(&now) {
                        format!("embargoed until {}", r.publish_at)
                    } else {
                        format!("public since {}", r.publish_at)
                    },
                    r.description.as_deref().unwrap_or(""),
                    r.created_by
                );
            }
            Ok(0)
        }
        ReleaseCommand::Show { name } => {
            let db = crate::serve::open_existing(database_url).await?;
            let Some(release) = db.release(&name).await? else {
                crate::usage!("no release `{name}`: see `ictstat release list`");
            };
            let before = db
                .previous_release(&release)
                .await?
                .map_or(0, |p| p.revision);
            let changes = db.changes_between(before, release.revision).await?;
            println!(
                "release {} (revision {}, public from {}): {} data points changed since revision {before}",
                release.name,
                release.revision,
                release.publish_at,
                changes.len()
            );
            for c in changes {
                let what = match (c.before, c.value_changed) {
                    (None, _) => "added".to_string(),
                    (Some(b), true) => format!("revised from {b}"),
                    (Some(_), false) => "attributes changed".to_string(),
                };
                println!(
                    "{} {} {} {}: {} ({what}; revision {} by {})",
                    c.indicator,
                    c.area,
                    if c.breakdown.is_empty() {
                        "_T"
                    } else {
                        &c.breakdown
                    },
                    c.period,
                    c.after.map_or("NaN".into(), |v| v.to_string()),
                    c.revision,
                    c.author
                );
            }
            Ok(0)
        }
    }
}

async fn publish_release(database_url: &str, args: ReleasePublishArgs) -> anyhow::Result<u8> {
    let publish_at = match args.at.as_deref() {
        None => None,
        Some(t) => Some(ictstat_store::parse_time(t).ok_or_else(|| {
            crate::UsageError(format!("--at `{t}` is not an RFC 3339 time or a date"))
        })?),
    };
    let (db, catalog) = crate::serve::open(database_url).await?;
    let user = std::env::var("USER").unwrap_or_else(|_| "unknown".into());
    let request = PublishRequest {
        name: args.name,
        description: args.description,
        publish_at,
        submissions: (!args.submission.is_empty()).then_some(args.submission),
    };
    let result = publish(&db, catalog, &request, &Actor::cli(&user)).await;
    db.close().await;
    match result {
        Ok(p) => {
            for s in &p.submissions {
                println!(
                    "submission {}: revision {}, {} new versions, {} closed, {} unchanged",
                    s.id,
                    s.outcome.revision.map_or("none".into(), |r| r.to_string()),
                    s.outcome.inserted,
                    s.outcome.closed,
                    s.outcome.unchanged
                );
            }
            println!(
                "release {} published: revision {}, public from {}",
                p.release.name, p.release.revision, p.release.publish_at
            );
            Ok(0)
        }
        Err(IngestError::Store(StoreError::Conflict(m))) => {
            eprintln!("error: {m}");
            Ok(EXIT_INVALID)
        }
        Err(IngestError::Store(
            e @ (StoreError::Invalid(_) | StoreError::Exists(_) | StoreError::Missing(_)),
        )) => Err(crate::UsageError(e.to_string()).into()),
        Err(e) => Err(e).context("publishing failed"),
    }
}
