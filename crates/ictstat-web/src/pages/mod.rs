//! One module per page type.

pub mod availability;
pub mod country;
pub mod frameworks;
pub mod home;
pub mod indicator;
pub mod search;
