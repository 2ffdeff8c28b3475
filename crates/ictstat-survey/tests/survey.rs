//! Integration tests of ictstat-survey: one binary, one module per area. The golden values
//! come from R's survey package (scripts/survey/make_goldens.R); no R is needed here.

#[path = "survey/common.rs"]
mod common;
#[path = "survey/demo.rs"]
mod demo;
#[path = "survey/design.rs"]
mod design;
#[path = "survey/edge.rs"]
mod edge;
#[path = "survey/expr.rs"]
mod expr;
#[path = "survey/golden.rs"]
mod golden;
#[path = "survey/parquet.rs"]
mod parquet;
#[path = "survey/plan.rs"]
mod plan;
#[path = "survey/quantiles.rs"]
mod quantiles;
#[path = "survey/review.rs"]
mod review;
#[path = "survey/stata_spss.rs"]
mod stata_spss;
#[path = "survey/tabulate.rs"]
mod tabulate;
