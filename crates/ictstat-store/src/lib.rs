//! The versioned observation store of ictstat, on SQLite (embedded) and PostgreSQL (served).
//!
//! One `Db` value dispatches to either backend; the SQL text is shared (sqlx's `QueryBuilder`
//! writes each backend's placeholders), only the DDL differs (`migrations/{sqlite,postgres}`).
//! Writes are revisions (`write`): a changed value closes the current version of a data point
//! and adds a new one, in one transaction, so a crash leaves the previous state. Reads of the
//! current data go to an in-memory `ReadModel` rebuilt after each write; reads "as of" a past
//! revision go to the database (`read`). The public sees the data as of the latest release
//! (`releases`); providers' files wait as `submissions` for review and release; indicator
//! lists change through `consultation`. Accounts, roles, API tokens and the audit log are
//! in `accounts`; web sessions in `sessions`.

pub mod accounts;
mod catalog_sync;
pub mod consultation;
mod db;
mod read;
mod read_model;
pub mod releases;
mod rows;
#[cfg(feature = "scratch")]
pub mod scratch;
pub mod sessions;
pub mod submissions;
mod write;

pub use db::{Db, StoreError};
pub use read::{AsOf, ObservationQuery, VersionRow};
pub use read_model::{ReadModel, Snapshot};
pub use rows::{ObservationRow, Revision, StoredAttributes};
pub use write::{RevisionMeta, WriteOutcome};

/// The current time as the store writes it: ISO-8601 UTC with microseconds, so that text order
/// is time order on both backends.
pub fn now_text() -> String {
    format_time(time::OffsetDateTime::now_utc())
}

/// The time `after` from now, in the store's text form (token expiry dates).
pub fn time_after(after: std::time::Duration) -> String {
    format_time(time::OffsetDateTime::now_utc() + after)
}

const TIME_FORMAT: &[time::format_description::BorrowedFormatItem<'static>] = time::macros::format_description!(
    "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z"
);

fn format_time(t: time::OffsetDateTime) -> String {
    t.to_offset(time::UtcOffset::UTC)
        .format(TIME_FORMAT)
        .expect("a UTC time always formats")
}

/// Parses an RFC 3339 time (or a date, meaning its midnight UTC) into the store's text form.
pub fn parse_time(text: &str) -> Option<String> {
    use time::format_description::well_known::Rfc3339;
    if let Ok(t) = time::OffsetDateTime::parse(text, &Rfc3339) {
        return Some(format_time(t));
    }
    let date = time::Date::parse(
        text,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .ok()?;
    Some(format_time(date.midnight().assume_utc()))
}
