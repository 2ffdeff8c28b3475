//! One module per page type.

pub mod account;
pub mod availability;
pub mod country;
pub mod frameworks;
pub mod home;
pub mod indicator;
pub mod search;

/// Where an area's own page is: a country's profile, a group's list of members.
pub fn area_href(a: &ictstat_core::Area) -> String {
    if a.kind.is_group() {
        format!("/countries?group={}", a.code)
    } else {
        format!("/countries/{}", a.code)
    }
}
