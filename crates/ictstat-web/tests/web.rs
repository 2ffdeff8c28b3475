//! The dashboard's tests: pages rendered from real imports, the SVG renderers, translations,
//! sessions, the publication workflow from upload to release, and consultations on
//! indicator lists.
//! (The browser tests in `tests/browser/` drive the same pages in Chromium.)

#[path = "web/common.rs"]
mod common;
#[path = "web/consultation.rs"]
mod consultation;
#[path = "web/i18n.rs"]
mod i18n;
#[path = "web/pages.rs"]
mod pages;
#[path = "web/session.rs"]
mod session;
#[path = "web/svg.rs"]
mod svg;
#[path = "web/workflow.rs"]
mod workflow;
