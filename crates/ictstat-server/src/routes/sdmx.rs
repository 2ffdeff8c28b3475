//! The SDMX REST API under `/sdmx`: REST 1.5 (`/sdmx/dataflow/…`, `/sdmx/data/{flow}/{key}`,
//! `/sdmx/availableconstraint/…`) and REST 2.x (`/sdmx/structure/…`, `/sdmx/data/dataflow/…`,
//! `/sdmx/availability/…`) on one entry point, as the specification allows.
//!
//! The protocol lives in `ictstat-sdmx`; this module only takes the raw path, query and
//! `Accept` header to it, picks the rows from the read model (or the store, for `asOf`) and
//! streams the message. Data messages are written on a blocking thread into a bounded channel
//! of 64 KiB chunks, so a full dump starts at once and holds a few chunks in memory, whatever
//! its size.

use std::collections::BTreeSet;
use std::io::{self, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use ictstat_core::Catalog;
use ictstat_sdmx::data::DataMessage;
use ictstat_sdmx::filter::{DataFilter, window};
use ictstat_sdmx::media::{negotiate_data, negotiate_structure, wants_json};
use ictstat_sdmx::query::{
    ArtefactType, AvailabilityMode, DataQuery, FlowSel, References, Request, StructureDetail,
    StructureQuery, VersionSel,
};
use ictstat_sdmx::structure::{self, Availability, Selection};
use ictstat_sdmx::{
    Api, DataRow, Dataflow, ErrorKind, Header, Registry, SdmxError, group_frequencies,
};
use ictstat_store::{AsOf, ObservationQuery, ObservationRow, Snapshot};

use super::answer_cache::{AnswerCache, Key, MAX_ENTRY_BYTES};
use crate::state::AppState;

/// `GET /sdmx/…`: every SDMX REST query.
pub async fn handle(State(state): State<AppState>, uri: Uri, headers: HeaderMap) -> Response {
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let path = uri.path().strip_prefix("/sdmx").unwrap_or("");
    let api_guess = if path.starts_with("/structure") || path.starts_with("/availability/") {
        Api::V2
    } else {
        Api::V1
    };
    let request = ictstat_sdmx::parse(path, uri.query().unwrap_or(""), &state.sdmx.dsd);
    let (api, result) = match request {
        Err(e) => (api_guess, Err(e)),
        Ok(Request::Structure { api, query, format }) => (
            api,
            structure_answer(
                &state,
                api,
                &query,
                &uri,
                accept.as_deref(),
                format.as_deref(),
            ),
        ),
        Ok(Request::Data { api, query }) => (
            api,
            data_answer(&state, api, query, &uri, accept.as_deref()).await,
        ),
        Ok(Request::Availability {
            api,
            query,
            component,
            mode,
            references,
        }) => (
            api,
            availability_answer(
                &state,
                api,
                query,
                component,
                mode,
                &references,
                accept.as_deref(),
            )
            .await,
        ),
    };
    match result {
        Ok(response) => response,
        Err(e) => error_response(&e, accept.as_deref(), api),
    }
}

/// An SDMX error as SDMX-ML (or SDMX-JSON when the client asked for JSON).
fn error_response(e: &SdmxError, accept: Option<&str>, api: Api) -> Response {
    let mut body = Vec::new();
    let json = wants_json(accept, api);
    let written = if json {
        e.write_json(&mut body)
    } else {
        e.write_xml(&mut body)
    };
    written.expect("writing to a Vec cannot fail");
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let content_type = if json {
        "application/json"
    } else {
        "application/xml"
    };
    (status, [(header::CONTENT_TYPE, content_type)], body).into_response()
}

/// A server-side failure: logged in full, answered without internals.
fn internal(e: impl std::fmt::Display) -> SdmxError {
    tracing::error!("sdmx: {e}");
    SdmxError::new(
        ErrorKind::Internal,
        "the server failed to answer; see its log",
    )
}

/// A fresh message header.
fn message_header(registry: &Registry) -> Header {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let prepared = ictstat_store::now_text();
    Header {
        id: format!(
            "IREF{}{}",
            prepared
                .chars()
                .filter(char::is_ascii_digit)
                .collect::<String>(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ),
        prepared,
        sender: registry.config.agency.clone(),
    }
}

/// An answer with its exact media type; `attachment` names the file of a download.
fn respond(body: Body, media_type: &'static str, attachment: Option<String>) -> Response {
    let mut response = body.into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(media_type));
    h.insert(
        header::VARY,
        HeaderValue::from_static("Accept, Accept-Encoding"),
    );
    if let Some(v) = attachment
        .and_then(|f| HeaderValue::from_str(&format!("attachment; filename=\"{f}\"")).ok())
    {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    response
}

// ---------------------------------------------------------------------------------------------
// Structures
// ---------------------------------------------------------------------------------------------

fn structure_answer(
    state: &AppState,
    api: Api,
    query: &StructureQuery,
    uri: &Uri,
    accept: Option<&str>,
    format: Option<&str>,
) -> Result<Response, SdmxError> {
    let format = negotiate_structure(accept, format, api)?;
    // Structures do not change while the server runs: one cache generation for all of them.
    let key = Key {
        revision: STRUCTURES,
        uri: uri.to_string(),
        media_type: format.media_type(),
    };
    if let Some(body) = state.answers.get(&key) {
        return Ok(respond(Body::from(body), format.media_type(), None));
    }
    let registry = &state.sdmx;
    let selection = structure::select(registry, query).map_err(|_| {
        SdmxError::no_results(format!(
            "no structure matches; this server publishes dataflows {}, the data structure {}, \
             its codelists and the concept scheme {}, all by agency {}",
            registry
                .dataflows
                .iter()
                .map(|d| d.r#ref.id.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            registry.dsd.r#ref.id,
            registry.concept_scheme.id,
            registry.config.agency
        ))
    })?;
    let header = message_header(registry);
    let mut body = Vec::new();
    match format {
        ictstat_sdmx::StructureFormat::Xml21 => {
            structure::write_xml(&selection, registry, &header, &mut body)
        }
        ictstat_sdmx::StructureFormat::Json2 => {
            structure::write_json(&selection, registry, &header, &mut body)
        }
    }
    .map_err(internal)?;
    let body = Bytes::from(body);
    state.answers.put(key, body.clone());
    Ok(respond(Body::from(body), format.media_type(), None))
}

/// The cache generation of structure answers (data revisions are never negative).
const STRUCTURES: i64 = -1;

// ---------------------------------------------------------------------------------------------
// Data
// ---------------------------------------------------------------------------------------------

/// The dataflow a data query names. Without an id (or by the DSD) it is the dataflow of all
/// data.
fn resolve_flow<'r>(registry: &'r Registry, sel: &FlowSel) -> Result<&'r Dataflow, SdmxError> {
    let agency = &registry.config.agency;
    if !sel.agencies.is_empty() && !sel.agencies.iter().any(|a| a == agency) {
        return Err(SdmxError::no_results(format!(
            "no data of agency {}: this server's agency is {agency}",
            sel.agencies.join(", ")
        )));
    }
    let all = registry
        .dataflow(ictstat_sdmx::ALL_DATA)
        .ok_or_else(|| internal("the dataflow of all data is missing"))?;
    let flow = if sel.by_structure {
        match sel.ids.as_slice() {
            [] => all,
            ids if ids.contains(&registry.dsd.r#ref.id) => all,
            ids => {
                return Err(SdmxError::no_results(format!(
                    "no data structure {}: this server's is {}",
                    ids.join(", "),
                    registry.dsd.r#ref.id
                )));
            }
        }
    } else {
        match sel.ids.as_slice() {
            [] => all,
            [id] => registry.dataflow(id).ok_or_else(|| {
                SdmxError::no_results(format!(
                    "no dataflow {id}; this server has {}",
                    registry
                        .dataflows
                        .iter()
                        .map(|d| d.r#ref.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })?,
            _ => {
                return Err(SdmxError::not_implemented(
                    "one dataflow per data query: ask for each in turn, or for DF_ICT (all data)",
                ));
            }
        }
    };
    if !sel.version.matches(&flow.r#ref.version) {
        return Err(SdmxError::no_results(format!(
            "{} exists in version {} only",
            flow.r#ref.id, flow.r#ref.version
        )));
    }
    Ok(flow)
}

/// Where the rows come from: the current read model, or the store as of a past time.
enum Source {
    Current(Arc<Snapshot>),
    AsOf(Vec<ObservationRow>),
}

/// Everything the blocking writer needs, owned.
struct Job {
    source: Source,
    catalog: Arc<Catalog>,
    registry: Arc<Registry>,
    flow: usize,
    query: DataQuery,
    /// Only versions written by this revision or later (`updatedAfter`).
    min_revision: Option<i64>,
}

impl Job {
    async fn new(state: &AppState, query: DataQuery) -> Result<Job, SdmxError> {
        let registry = state.sdmx.clone();
        let flow = resolve_flow(&registry, &query.flow)?;
        let flow_index = registry
            .dataflows
            .iter()
            .position(|d| d.r#ref == flow.r#ref)
            .ok_or_else(|| internal("dataflow index"))?;
        let min_revision = match &query.updated_after {
            None => None,
            Some(t) => Some(first_revision_after(state, t).await?),
        };
        let source = match &query.as_of {
            None => Source::Current(state.read_model.snapshot()),
            Some(t) => {
                let time = store_time(t)?;
                let revision = state
                    .db
                    .resolve_public_as_of(&AsOf::Time(time))
                    .await
                    .map_err(internal)?;
                let filter = DataFilter::new(&query, flow, &registry.dsd);
                let q = narrowing(&filter, &state.catalog);
                Source::AsOf(match q {
                    Some(q) => state
                        .db
                        .observations_as_of(&q, revision)
                        .await
                        .map_err(internal)?,
                    None => Vec::new(),
                })
            }
        };
        Ok(Job {
            source,
            catalog: state.catalog.clone(),
            registry,
            flow: flow_index,
            query,
            min_revision,
        })
    }

    /// The same job for another query (availability's `mode=available` relaxes the key).
    fn with_query(&self, query: DataQuery) -> Job {
        Job {
            source: match &self.source {
                Source::Current(s) => Source::Current(s.clone()),
                Source::AsOf(rows) => Source::AsOf(rows.clone()),
            },
            catalog: self.catalog.clone(),
            registry: self.registry.clone(),
            flow: self.flow,
            query,
            min_revision: self.min_revision,
        }
    }

    /// The data revision of a current answer (`None` for an `asOf` one).
    fn revision(&self) -> Option<i64> {
        match &self.source {
            Source::Current(s) => Some(s.revision),
            Source::AsOf(_) => None,
        }
    }

    fn flow(&self) -> &Dataflow {
        &self.registry.dataflows[self.flow]
    }

    /// The selected rows, grouped by series and sorted by period.
    fn rows(&self) -> Vec<&ObservationRow> {
        let filter = DataFilter::new(&self.query, self.flow(), &self.registry.dsd);
        let candidates: Vec<&ObservationRow> = match &self.source {
            Source::Current(snapshot) => match narrowing(&filter, &self.catalog) {
                Some(q) => snapshot.query(&q),
                None => Vec::new(),
            },
            Source::AsOf(rows) => rows.iter().collect(),
        };
        let mut selected: Vec<&ObservationRow> = candidates
            .into_iter()
            .filter(|r| {
                self.min_revision.is_none_or(|m| r.revision >= m)
                    && filter.matches(&data_row(r), &self.catalog)
            })
            .collect();
        group_frequencies(&mut selected, |r| data_row(r));
        window(
            selected,
            |a, b| data_row(a).same_series(&data_row(b)),
            self.query.first_n,
            self.query.last_n,
        )
    }
}

/// The store query that fetches a superset of what `filter` selects: only the series and
/// areas the key names. `None` when the key names only series ictstat does not have.
fn narrowing(filter: &DataFilter<'_>, catalog: &Catalog) -> Option<ObservationQuery> {
    let indicators = match filter.codes_of("SERIES") {
        None => Vec::new(),
        Some(codes) => {
            let known: Vec<String> = codes
                .iter()
                .filter_map(|c| catalog.indicator(c).map(|i| i.code.clone()))
                .collect();
            if known.is_empty() {
                return None;
            }
            known
        }
    };
    Some(ObservationQuery {
        indicators,
        areas: filter.codes_of("REF_AREA").unwrap_or_default(),
        // Everything; the store binds the limit as a signed 64-bit number.
        limit: i64::MAX as usize,
        ..ObservationQuery::default()
    })
}

/// A stored observation as the SDMX writers see it (shared with `ictstat export`).
pub fn data_row(r: &ObservationRow) -> DataRow<'_> {
    DataRow {
        indicator: &r.indicator,
        area: &r.area,
        breakdown: &r.breakdown,
        period: &r.period,
        value: r.value,
        attrs: &r.attributes,
    }
}

/// An xs:dateTime (zone optional, UTC assumed) in the store's time format.
fn store_time(t: &str) -> Result<String, SdmxError> {
    ictstat_store::parse_time(t)
        .or_else(|| ictstat_store::parse_time(&format!("{t}Z")))
        .ok_or_else(|| SdmxError::syntax(format!("`{t}` is not an xs:dateTime")))
}

/// The first revision after the cut the public saw at `t`: versions it or later revisions
/// wrote are the updates `updatedAfter` asks for.
async fn first_revision_after(state: &AppState, t: &str) -> Result<i64, SdmxError> {
    let time = store_time(t)?;
    let at_or_before = state
        .db
        .resolve_public_as_of(&AsOf::Time(time))
        .await
        .map_err(internal)?;
    Ok(at_or_before + 1)
}

async fn data_answer(
    state: &AppState,
    api: Api,
    query: DataQuery,
    uri: &Uri,
    accept: Option<&str>,
) -> Result<Response, SdmxError> {
    let format = negotiate_data(accept, query.format.as_deref(), api)?;
    let job = Job::new(state, query).await?;
    let attachment = job
        .query
        .format
        .is_some()
        .then(|| format!("{}.{}", job.flow().r#ref.id, format.extension()));
    let key = job.revision().map(|revision| Key {
        revision,
        uri: uri.to_string(),
        media_type: format.media_type(),
    });
    if let Some(body) = key.as_ref().and_then(|k| state.answers.get(k)) {
        return Ok(respond(Body::from(body), format.media_type(), attachment));
    }
    let keep = key.map(|k| (state.answers.clone(), k));
    let header = message_header(&job.registry);
    let body = stream(keep, move |out| {
        let rows = job.rows();
        if rows.is_empty() {
            return Ok(false);
        }
        let msg = DataMessage {
            registry: &job.registry,
            catalog: &job.catalog,
            flow: job.flow(),
            header: &header,
            at_observation: job.query.at_observation,
            detail: job.query.detail,
        };
        ictstat_sdmx::data::write(format, &msg, rows.iter().map(|r| data_row(r)), out.start())?;
        Ok(true)
    })
    .await?;
    Ok(respond(body, format.media_type(), attachment))
}

/// Chunks of a streamed body.
type Chunk = Result<Bytes, io::Error>;

/// An `io::Write` that sends 64 KiB chunks into a bounded channel: the writer thread waits
/// when the client reads slowly, so memory stays at a few chunks.
struct ChannelWriter {
    tx: tokio::sync::mpsc::Sender<Chunk>,
    buf: Vec<u8>,
    /// A copy of what was sent, for the answer cache, while it is small enough to keep.
    copy: Option<Vec<u8>>,
}

const CHUNK: usize = 64 * 1024;

impl Write for ChannelWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= CHUNK {
            self.flush()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK)));
        if let Some(copy) = &mut self.copy {
            if copy.len() + chunk.len() <= MAX_ENTRY_BYTES {
                copy.extend_from_slice(&chunk);
            } else {
                self.copy = None;
            }
        }
        self.tx
            .blocking_send(Ok(chunk))
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the client went away"))
    }
}

/// A streamed body's writer. The response starts when the writer job first calls
/// [`Output::start`]; a job that returns before that has produced nothing.
struct Output {
    writer: ChannelWriter,
    started: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Output {
    fn start(&mut self) -> &mut ChannelWriter {
        if let Some(s) = self.started.take() {
            let _ = s.send(());
        }
        &mut self.writer
    }
}

/// Runs `write` on a blocking thread. `write` first decides whether there is anything to send:
/// `Ok(false)` without starting the output means no results, answered 404 before any byte is
/// sent.
///
/// With `keep`, a complete answer small enough is also put in the answer cache.
async fn stream<F>(keep: Option<(Arc<AnswerCache>, Key)>, write: F) -> Result<Body, SdmxError>
where
    F: FnOnce(&mut Output) -> io::Result<bool> + Send + 'static,
{
    let (tx, rx) = tokio::sync::mpsc::channel::<Chunk>(4);
    let (started_tx, started_rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::task::spawn_blocking(move || {
        let mut out = Output {
            writer: ChannelWriter {
                tx: tx.clone(),
                buf: Vec::with_capacity(CHUNK),
                copy: keep.is_some().then(Vec::new),
            },
            started: Some(started_tx),
        };
        match write(&mut out) {
            Ok(wrote) => {
                match out.writer.flush() {
                    Err(e) => tracing::debug!("sdmx stream: {e}"),
                    Ok(()) => {
                        if let (true, Some((cache, key)), Some(copy)) =
                            (wrote, keep, out.writer.copy.take())
                        {
                            cache.put(key, Bytes::from(copy));
                        }
                    }
                }
                wrote
            }
            Err(e) => {
                // Mid-stream: the client sees a truncated body (the status is already sent).
                tracing::warn!("sdmx stream failed: {e}");
                let _ = tx.blocking_send(Err(e));
                true
            }
        }
    });
    if started_rx.await.is_err() {
        // The job returned without starting: no results, or it failed first.
        return match task.await {
            Ok(false) => Err(SdmxError::no_results("no data matches the query")),
            Ok(true) => Err(internal("the data message could not be written")),
            Err(e) => Err(internal(e)),
        };
    }
    // Fused: the compression layer polls a finished body again, which `unfold` forbids.
    let chunks =
        futures_util::StreamExt::fuse(futures_util::stream::unfold(rx, |mut rx| async move {
            rx.recv().await.map(|chunk| (chunk, rx))
        }));
    Ok(Body::from_stream(chunks))
}

// ---------------------------------------------------------------------------------------------
// Availability
// ---------------------------------------------------------------------------------------------

async fn availability_answer(
    state: &AppState,
    api: Api,
    query: DataQuery,
    component: Option<String>,
    mode: AvailabilityMode,
    references: &References,
    accept: Option<&str>,
) -> Result<Response, SdmxError> {
    let format = negotiate_structure(accept, query.format.as_deref(), api)?;
    let job = Job::new(state, query).await?;
    let registry = &job.registry;
    let dims = registry.dsd.dimensions.len();
    let rows = job.rows();
    if rows.is_empty() {
        return Err(SdmxError::no_results("no data matches the query"));
    }
    let wanted = |i: usize| {
        component
            .as_deref()
            .is_none_or(|c| registry.dsd.dimensions[i].id == c)
    };
    let mut cube: Vec<(usize, Vec<String>)> = Vec::new();
    for i in (0..dims).filter(|i| wanted(*i)) {
        let codes: BTreeSet<String> = match mode {
            AvailabilityMode::Exact => rows
                .iter()
                .map(|r| data_row(r).dim(i).to_string())
                .collect(),
            AvailabilityMode::Available => {
                // What could still be added on this dimension: the query without its
                // constraint on it.
                let mut open = job.query.clone();
                for k in &mut open.keys {
                    k[i] = None;
                }
                open.filters
                    .retain(|f| f.component != registry.dsd.dimensions[i].id);
                job.with_query(open)
                    .rows()
                    .iter()
                    .map(|r| data_row(r).dim(i).to_string())
                    .collect()
            }
        };
        cube.push((i, codes.into_iter().collect()));
    }
    let time = component
        .as_deref()
        .is_none_or(|c| c == ictstat_sdmx::TIME_PERIOD)
        .then(|| {
            let first = rows.iter().map(|r| r.period.as_str()).min();
            let last = rows.iter().map(|r| r.period.as_str()).max();
            first.zip(last).map(|(a, b)| (a.to_string(), b.to_string()))
        })
        .flatten();
    let series_count = 1 + rows
        .windows(2)
        .filter(|w| !data_row(w[0]).same_series(&data_row(w[1])))
        .count();
    let availability = Availability {
        dataflow: job.flow(),
        cube,
        time,
        obs_count: rows.len(),
        series_count,
    };
    let selection = match references {
        References::None => Selection::default(),
        refs => {
            let q = StructureQuery {
                artefact: ArtefactType::Dataflow,
                agencies: Vec::new(),
                ids: vec![job.flow().r#ref.id.clone()],
                versions: VersionSel::Latest,
                items: Vec::new(),
                detail: StructureDetail::ReferencePartial,
                references: refs.clone(),
            };
            structure::select(registry, &q).unwrap_or_default()
        }
    };
    let header = message_header(registry);
    let mut body = Vec::new();
    match format {
        ictstat_sdmx::StructureFormat::Xml21 => structure::write_availability_xml(
            &availability,
            &selection,
            registry,
            &header,
            &mut body,
        ),
        ictstat_sdmx::StructureFormat::Json2 => structure::write_availability_json(
            &availability,
            &selection,
            registry,
            &header,
            &mut body,
        ),
    }
    .map_err(internal)?;
    Ok(respond(Body::from(body), format.media_type(), None))
}
