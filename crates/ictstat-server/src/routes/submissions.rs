//! `/api/v1/submissions`: providers and custodians submit files; custodians and reviewers
//! accept or reject them with comments on rows; nothing is public until a release.
//!
//! Who sees what: administrators and reviewers every submission; a submitter their own and
//! their organisation's; a custodian those touching one of their indicators. A submission
//! the caller may not see answers 404, as one that does not exist. Who reviews: an
//! administrator, a reviewer, or a custodian of every indicator in it; never its submitter
//! (four eyes).

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{FromRequest, Path, Request, State};
use axum::http::StatusCode;
use ictstat_core::Attributes;
use ictstat_formats::{Format, ReadOptions};
use ictstat_store::accounts::{Role, Scope};
use ictstat_store::submissions::{
    Decision, NewComment, Submission, SubmissionComment, SubmissionQuery, SubmissionStatus,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::auth::Caller;
use super::extract::{Json, Query};
use crate::error::ApiError;
use crate::ingest::InputFile;
use crate::state::AppState;
use crate::submit::{SubmitOptions, SubmitResult, submission_observations, submit};

impl Caller {
    /// Whether the caller submitted `s` (a submission without a user id was made by the
    /// bootstrap token or the command line, known by name).
    pub fn is_submitter(&self, s: &Submission) -> bool {
        match (&self.user, s.submitter_id) {
            (Some(u), id) => Some(u.id) == id,
            (None, None) => s.submitter == self.name(),
            (None, Some(_)) => false,
        }
    }

    fn is_custodian_of(&self, indicator: &str) -> bool {
        self.grants
            .iter()
            .any(|g| g.role == Role::Custodian && g.indicator.as_deref() == Some(indicator))
    }

    /// Whether the caller may see `s` (see the module documentation).
    pub fn may_see(&self, s: &Submission) -> bool {
        self.has_role(Role::Administrator)
            || self.has_role(Role::Reviewer)
            || self.is_submitter(s)
            || self
                .user
                .as_ref()
                .is_some_and(|u| s.organisation.as_deref() == Some(u.organisation.as_str()))
            || s.indicators.iter().any(|i| self.is_custodian_of(i))
    }

    /// Whether the caller may review `s`: why not, when not.
    pub fn may_review(&self, s: &Submission) -> Result<(), ApiError> {
        if self.is_submitter(s) {
            return Err(ApiError::forbidden(
                "a submission is reviewed by someone other than its submitter",
            ));
        }
        if self.has_role(Role::Administrator)
            || self.has_role(Role::Reviewer)
            || s.indicators.iter().all(|i| self.is_custodian_of(i))
        {
            Ok(())
        } else {
            Err(ApiError::forbidden(
                "reviewing needs the administrator or reviewer role, or custody of every indicator in the submission",
            ))
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SubmitParams {
    /// The file's name: it decides the layout when `format` is absent.
    pub file_name: String,
    /// `long-csv`, `open-sdg`, `world-bank`, `gapminder`, `xlsx`, `sdmx-ml` or `sdmx-json`.
    pub format: Option<String>,
    /// Indicator for layouts that do not name it.
    pub indicator: Option<String>,
    /// Area for national files (Open SDG).
    pub area: Option<String>,
    /// SOURCE attribute for rows that have none.
    pub source: Option<String>,
    pub comment: Option<String>,
    /// The published revision the file is based on (default: the latest). Publishing it over
    /// a data point changed after this revision is a conflict.
    pub base_revision: Option<i64>,
}

/// Reads a request body within the upload limit, as a JSON error when it is too large.
pub(crate) async fn upload_body(state: &AppState, request: Request) -> Result<Bytes, ApiError> {
    Bytes::from_request(request, state).await.map_err(|r| {
        let code = if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            "payload-too-large"
        } else {
            "bad-request"
        };
        ApiError::new(
            r.status(),
            code,
            format!(
                "{} (the limit is {} bytes)",
                r.body_text(),
                state.config.max_upload_bytes
            ),
        )
    })
}

/// The longest file name an upload may give: it is kept in the submission, the revision and
/// the audit log.
const MAX_FILE_NAME_CHARS: usize = 255;

/// Refuses an upload's file name that is empty or too long, before anything is recorded.
pub(crate) fn check_file_name(name: &str) -> Result<(), ApiError> {
    if name.trim().is_empty() || name.chars().count() > MAX_FILE_NAME_CHARS {
        return Err(ApiError::bad_request(format!(
            "file_name must have 1 to {MAX_FILE_NAME_CHARS} characters"
        )));
    }
    Ok(())
}

/// Parses the `format` parameter of an upload.
pub(crate) fn parse_format(format: Option<&str>) -> Result<Option<Format>, ApiError> {
    format
        .map(|f| {
            f.parse::<Format>()
                .map_err(|_| ApiError::bad_request(format!("unknown format `{f}`")))
        })
        .transpose()
}

/// Submits one file (the request body) for review, with a token of the `submit` scope. It is
/// validated like an import; a provider may submit only their (area, indicator) pairs and a
/// custodian their indicators (one row outside refuses the file: 403 naming it). Answers
/// 201 with the report and the pending submission, or 422 with the report when it was
/// rejected and nothing was kept.
#[utoipa::path(post, path = "/submissions", tag = "submissions", params(SubmitParams),
    request_body(content = Vec<u8>, description = "The file's bytes", content_type = "application/octet-stream"),
    responses(
        (status = 201, description = "Valid: kept for review", body = SubmitResult),
        (status = 400, description = "Bad parameter", body = ApiError),
        (status = 401, description = "No token or session", body = ApiError),
        (status = 403, description = "No role of the caller submits, or a row is outside their scope: nothing was kept", body = ApiError),
        (status = 413, description = "Upload too large", body = ApiError),
        (status = 422, description = "Rejected: the report says why; nothing was kept", body = SubmitResult)),
    security(("bearer" = []), ("session" = [])))]
pub async fn create_submission(
    State(state): State<AppState>,
    caller: Caller,
    Query(p): Query<SubmitParams>,
    request: Request,
) -> Result<(StatusCode, axum::Json<SubmitResult>), ApiError> {
    check_file_name(&p.file_name)?;
    let file_name = p.file_name.clone();
    let result = submit_as(&state, &caller, p, request).await;
    // Kept submissions are audited with them; refusals here (the body is never kept).
    if let Err(e) = &result
        && e.status == StatusCode::FORBIDDEN
    {
        audit_submission_refusal(&state, &caller, Some(&file_name), e).await;
    }
    let result = result?;
    let status = match result.status {
        crate::submit::SubmitStatus::Submitted => StatusCode::CREATED,
        crate::submit::SubmitStatus::Rejected => StatusCode::UNPROCESSABLE_ENTITY,
    };
    Ok((status, axum::Json(result)))
}

/// Records a refused submission in the audit log (a kept one is audited with it; a refused
/// file is never kept). The answer stands if the audit row cannot be written: the failure
/// goes to the server log.
pub async fn audit_submission_refusal(
    state: &AppState,
    caller: &Caller,
    file: Option<&str>,
    e: &ApiError,
) {
    let details = serde_json::json!({"file": file, "reason": e.message, "details": e.details});
    if let Err(e) = state
        .db
        .audit(&caller.actor, "submission_refused", None, &details)
        .await
    {
        tracing::error!("a refused submission is missing from the audit log: {e}");
    }
}

/// The submission itself, once the caller is known.
async fn submit_as(
    state: &AppState,
    caller: &Caller,
    p: SubmitParams,
    request: Request,
) -> Result<SubmitResult, ApiError> {
    caller.require(Scope::Submit)?;
    let scope = caller.import_scope()?;
    let body = upload_body(state, request).await?;
    let opts = SubmitOptions {
        read: ReadOptions {
            format: parse_format(p.format.as_deref())?,
            indicator: p.indicator,
            area: p.area,
            source: p.source,
            ..ReadOptions::default()
        },
        comment: p.comment,
        base_revision: p.base_revision,
    };
    let files = vec![InputFile {
        name: p.file_name,
        bytes: body.to_vec(),
    }];
    Ok(submit(
        &state.db,
        state.catalog.clone(),
        files,
        &opts,
        scope.as_ref(),
        &caller.actor,
    )
    .await?)
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SubmissionListParams {
    /// `pending`, `accepted`, `rejected`, `published` or `withdrawn`.
    pub status: Option<String>,
    /// At most this many (default 100, at most 1000).
    pub limit: Option<usize>,
    pub offset: Option<usize>,
}

/// The submissions the caller may see, newest first (a token of the `read` scope).
#[utoipa::path(get, path = "/submissions", tag = "submissions", params(SubmissionListParams),
    responses(
        (status = 200, description = "Submissions, without their data", body = Vec<Submission>),
        (status = 400, description = "Bad parameter", body = ApiError),
        (status = 401, description = "No token or session", body = ApiError),
        (status = 403, description = "The token lacks the `read` scope", body = ApiError)),
    security(("bearer" = []), ("session" = [])))]
pub async fn list_submissions(
    State(state): State<AppState>,
    caller: Caller,
    Query(p): Query<SubmissionListParams>,
) -> Result<axum::Json<Vec<Submission>>, ApiError> {
    caller.require(Scope::Read)?;
    let status = p
        .status
        .as_deref()
        .map(str::parse::<SubmissionStatus>)
        .transpose()?;
    Ok(axum::Json(
        visible_submissions(
            &state,
            &caller,
            status,
            p.limit.unwrap_or(100).clamp(1, 1000),
            p.offset.unwrap_or(0),
        )
        .await?,
    ))
}

/// The submissions `caller` may see, newest first, with `status` when given. Visibility is
/// decided per row, so the page is cut after the filter.
pub async fn visible_submissions(
    state: &AppState,
    caller: &Caller,
    status: Option<SubmissionStatus>,
    limit: usize,
    offset: usize,
) -> Result<Vec<Submission>, ApiError> {
    let all = state
        .db
        .submissions(&SubmissionQuery {
            status,
            limit: usize::MAX >> 2,
            ..SubmissionQuery::default()
        })
        .await?;
    Ok(all
        .into_iter()
        .filter(|s| caller.may_see(s))
        .skip(offset)
        .take(limit)
        .collect())
}

/// One submitted data point beside the public value it would replace.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubmittedRow {
    pub indicator: String,
    pub area: String,
    /// Canonical breakdown text (`SEX=F`), empty for the total.
    pub breakdown: String,
    pub period: String,
    pub value: Option<f64>,
    #[serde(flatten)]
    pub attributes: Attributes,
    /// The value the public sees now; absent for a new data point.
    pub published: Option<f64>,
    /// `new`, `revised` (another value) or `same`.
    pub change: &'static str,
}

/// A submission with its data, its review comments and what it would change.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubmissionDetail {
    pub submission: Submission,
    pub comments: Vec<SubmissionComment>,
    pub rows: Vec<SubmittedRow>,
}

/// Loads a submission the caller may see; 404 otherwise.
pub async fn visible_submission(
    state: &AppState,
    caller: &Caller,
    id: i64,
) -> Result<Submission, ApiError> {
    match state.db.submission(id).await? {
        Some(s) if caller.may_see(&s) => Ok(s),
        _ => Err(ApiError::not_found(format!("no submission {id}"))),
    }
}

/// A submission with its rows beside the published values, and its comments.
pub async fn submission_detail(
    state: &AppState,
    caller: &Caller,
    id: i64,
) -> Result<SubmissionDetail, ApiError> {
    let submission = visible_submission(state, caller, id).await?;
    let payload = state.db.submission_payload(id).await?.unwrap_or_default();
    let (observations, _) = submission_observations(&state.catalog, &submission, &payload);
    let snapshot = state.read_model.snapshot();
    let mut published: HashMap<(&str, &str, String, &str), Option<f64>> = HashMap::new();
    for indicator in &submission.indicators {
        for r in snapshot.indicator_rows(indicator) {
            if submission.areas.contains(&r.area) {
                published.insert(
                    (
                        r.indicator.as_str(),
                        r.area.as_str(),
                        r.breakdown.to_string(),
                        r.period.as_str(),
                    ),
                    r.value,
                );
            }
        }
    }
    let rows = observations
        .iter()
        .map(|o| {
            let breakdown = o.key.breakdown.to_string();
            let period = o.period.to_string();
            let before = published
                .get(&(
                    o.key.indicator.as_str(),
                    o.key.area.as_str(),
                    breakdown.clone(),
                    period.as_str(),
                ))
                .copied();
            SubmittedRow {
                change: match before {
                    None => "new",
                    Some(v) if v == o.value => "same",
                    Some(_) => "revised",
                },
                indicator: o.key.indicator.clone(),
                area: o.key.area.clone(),
                breakdown,
                period,
                value: o.value,
                attributes: o.attrs.clone(),
                published: before.flatten(),
            }
        })
        .collect();
    Ok(SubmissionDetail {
        comments: state.db.submission_comments(id).await?,
        submission,
        rows,
    })
}

/// One submission with its data beside the published values and its review comments (a
/// token of the `read` scope; 404 for a submission the caller may not see).
#[utoipa::path(get, path = "/submissions/{id}", tag = "submissions",
    params(("id" = i64, Path, description = "Submission number")),
    responses(
        (status = 200, description = "The submission", body = SubmissionDetail),
        (status = 401, description = "No token or session", body = ApiError),
        (status = 403, description = "The token lacks the `read` scope", body = ApiError),
        (status = 404, description = "No such submission, or not one the caller may see", body = ApiError)),
    security(("bearer" = []), ("session" = [])))]
pub async fn get_submission(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<axum::Json<SubmissionDetail>, ApiError> {
    caller.require(Scope::Read)?;
    Ok(axum::Json(submission_detail(&state, &caller, id).await?))
}

/// The most comments on rows one review may hold.
const MAX_ROW_COMMENTS: usize = 1000;

/// A review: the decision, an overall comment and comments on rows.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Review {
    pub decision: Decision,
    pub comment: Option<String>,
    /// Comments on data points: `series_key` (`indicator|area|breakdown`) and `period`.
    #[serde(default)]
    pub comments: Vec<NewComment>,
}

/// Accepts or rejects a pending submission (a token of the `submit` scope; see the module
/// documentation for who may). A submission that is no longer pending is a conflict (409):
/// someone decided first, or it was withdrawn.
#[utoipa::path(post, path = "/submissions/{id}/review", tag = "submissions",
    params(("id" = i64, Path, description = "Submission number")),
    request_body = Review,
    responses(
        (status = 200, description = "Reviewed", body = Submission),
        (status = 400, description = "A bad comment", body = ApiError),
        (status = 401, description = "No token or session", body = ApiError),
        (status = 403, description = "Not a reviewer of this submission", body = ApiError),
        (status = 404, description = "No such submission, or not one the caller may see", body = ApiError),
        (status = 409, description = "No longer pending", body = ApiError)),
    security(("bearer" = []), ("session" = [])))]
pub async fn review_submission(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Json(review): Json<Review>,
) -> Result<axum::Json<Submission>, ApiError> {
    caller.require(Scope::Submit)?;
    let submission = visible_submission(&state, &caller, id).await?;
    caller.may_review(&submission)?;
    if review.comments.len() > MAX_ROW_COMMENTS {
        return Err(ApiError::bad_request(format!(
            "a review holds at most {MAX_ROW_COMMENTS} comments on rows"
        )));
    }
    if !review.comments.is_empty() {
        let payload = state.db.submission_payload(id).await?.unwrap_or_default();
        let (observations, _) = submission_observations(&state.catalog, &submission, &payload);
        let points: std::collections::HashSet<(String, String)> = observations
            .iter()
            .map(|o| (o.key.text(), o.period.to_string()))
            .collect();
        for c in &review.comments {
            if let (Some(key), Some(period)) = (&c.series_key, &c.period)
                && !points.contains(&(key.clone(), period.clone()))
            {
                return Err(ApiError::bad_request(format!(
                    "the submission has no data point {key} {period} to comment on"
                )));
            }
        }
    }
    Ok(axum::Json(
        state
            .db
            .review_submission(
                id,
                review.decision,
                review.comment.as_deref(),
                &review.comments,
                &caller.actor,
            )
            .await?,
    ))
}

/// Withdraws a pending submission: its submitter only (a token of the `submit` scope).
#[utoipa::path(post, path = "/submissions/{id}/withdraw", tag = "submissions",
    params(("id" = i64, Path, description = "Submission number")),
    responses(
        (status = 200, description = "Withdrawn", body = Submission),
        (status = 401, description = "No token or session", body = ApiError),
        (status = 403, description = "Not the submitter", body = ApiError),
        (status = 404, description = "No such submission, or not one the caller may see", body = ApiError),
        (status = 409, description = "No longer pending", body = ApiError)),
    security(("bearer" = []), ("session" = [])))]
pub async fn withdraw_submission(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<axum::Json<Submission>, ApiError> {
    caller.require(Scope::Submit)?;
    let submission = visible_submission(&state, &caller, id).await?;
    if !caller.is_submitter(&submission) {
        return Err(ApiError::forbidden(
            "only its submitter withdraws a submission",
        ));
    }
    state.db.withdraw_submission(id, &caller.actor).await?;
    Ok(axum::Json(visible_submission(&state, &caller, id).await?))
}
