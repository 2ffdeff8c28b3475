//! One module per page type, and the cells that the pages listing data points share.

pub mod account;
pub mod availability;
pub mod consultation;
pub mod country;
pub mod frameworks;
pub mod home;
pub mod indicator;
pub mod releases;
pub mod search;
pub mod submissions;
pub mod upload;

use maud::{Markup, html};

use crate::ctx::Ctx;

/// Where an area's own page is: a country's profile, a group's list of members.
pub fn area_href(a: &ictstat_core::Area) -> String {
    if a.kind.is_group() {
        format!("/countries?group={}", a.code)
    } else {
        format!("/countries/{}", a.code)
    }
}

/// The cells that name a data point: indicator, area, breakdown and period (the first a row
/// header), as submissions and releases list them.
pub fn data_point_cells(
    ctx: &Ctx,
    indicator: &str,
    area: &str,
    breakdown: &str,
    period: &str,
) -> Markup {
    html! {
        th scope="row" { a href=(ctx.link(&format!("/indicators/{indicator}"))) { (indicator) } }
        td { (ctx.area_name_of(area)) }
        td { (crate::data::breakdown_text_label(&ctx.catalog, breakdown, ctx.lang)) }
        td { (period) }
    }
}

/// A value with all its decimals, or a dash when there is none.
pub fn optional_value(ctx: &Ctx, v: Option<f64>) -> Markup {
    html! {
        @match v {
            Some(v) => (crate::format::exact(ctx.lang, v)),
            None => span.na { "—" },
        }
    }
}
