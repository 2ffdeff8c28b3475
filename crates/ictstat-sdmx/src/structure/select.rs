//! Which artefacts a structure query returns, and in which detail.
//!
//! ictstat publishes a small, fixed graph: dataflows → the DSD → its codelists and the concept
//! scheme. Resolving a query is therefore done on artefact keys ([`Key`]) whose order is the
//! order SDMX-ML lists them in, and the result keeps only references into the registry.

use std::collections::BTreeSet;

use ictstat_core::catalog::Code;

use crate::model::{CONCEPTS, Concept, Dataflow, Dsd, Ref, Registry, SdmxCodelist};
use crate::query::{ArtefactType, References, StructureDetail, StructureQuery};

/// How much of an artefact a message carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// Everything: items, components.
    Full,
    /// Identity and name only (`allstubs`, `referencestubs`).
    Stub,
    /// Identity, name and description (`allcompletestubs`, `referencecompletestubs`).
    CompleteStub,
}

impl Detail {
    /// Whether the artefact is written without its content (and so as an external reference).
    pub fn is_stub(self) -> bool {
        self != Detail::Full
    }
}

/// A selected artefact without items of its own (dataflow, DSD).
#[derive(Debug, Clone)]
pub struct Selected<'a, T> {
    pub artefact: &'a T,
    pub detail: Detail,
}

/// A selected item scheme with the items to write.
#[derive(Debug, Clone)]
pub struct SelectedScheme<'a, T, I: 'static> {
    pub artefact: &'a T,
    pub detail: Detail,
    /// The items to write (empty for stubs).
    pub items: Vec<&'a I>,
    /// Whether `items` is a subset of the scheme (`isPartial`).
    pub partial: bool,
}

/// The artefacts of one structure message, in the order SDMX-ML lists them.
#[derive(Debug, Clone, Default)]
pub struct Selection<'a> {
    pub dataflows: Vec<Selected<'a, Dataflow>>,
    pub codelists: Vec<SelectedScheme<'a, SdmxCodelist, Code>>,
    /// The concept scheme is identified by its [`Ref`]; its items are [`CONCEPTS`].
    pub concept_scheme: Option<SelectedScheme<'a, Ref, Concept>>,
    pub dsd: Option<Selected<'a, Dsd>>,
}

impl Selection<'_> {
    pub fn is_empty(&self) -> bool {
        self.dataflows.is_empty()
            && self.codelists.is_empty()
            && self.concept_scheme.is_none()
            && self.dsd.is_none()
    }
}

/// The query matched nothing: SDMX answers 404 / error code 100.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("no structures match the query")]
pub struct NoResults;

/// An artefact of the registry. The derived order (dataflows, codelists, concept scheme, DSD)
/// is the order of `message:Structures`, so sets of keys come out ready to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Key {
    Dataflow(usize),
    Codelist(usize),
    ConceptScheme,
    Dsd,
}

/// Resolves a structure query.
pub fn select<'a>(registry: &'a Registry, q: &StructureQuery) -> Result<Selection<'a>, NoResults> {
    let graph = Graph { registry };
    let queried: BTreeSet<Key> = graph.all().filter(|k| graph.matches(*k, q)).collect();
    let mut related = BTreeSet::new();
    for &k in &queried {
        related.extend(graph.related(k, &q.references));
    }
    let referenced: Vec<Key> = related.difference(&queried).copied().collect();
    // `referencepartial` narrows CL_SERIES to the series of the queried dataflows.
    let series = match q.detail {
        StructureDetail::ReferencePartial => graph.series_of(&queried),
        _ => None,
    };

    let mut sel = Selection::default();
    for k in queried {
        let detail = match q.detail {
            StructureDetail::AllStubs => Detail::Stub,
            StructureDetail::AllCompleteStubs => Detail::CompleteStub,
            _ => Detail::Full,
        };
        let item_filter = (!q.items.is_empty()).then_some(q.items.as_slice());
        graph.add(&mut sel, k, detail, item_filter);
    }
    for k in referenced {
        let detail = match q.detail {
            StructureDetail::AllStubs | StructureDetail::ReferenceStubs => Detail::Stub,
            StructureDetail::AllCompleteStubs | StructureDetail::ReferenceCompleteStubs => {
                Detail::CompleteStub
            }
            StructureDetail::Full | StructureDetail::ReferencePartial => Detail::Full,
        };
        let filter = match k {
            Key::Codelist(i) if registry.codelists[i].r#ref.id == "CL_SERIES" => series.as_deref(),
            _ => None,
        };
        graph.add(&mut sel, k, detail, filter);
    }
    sel.codelists.sort_by_key(|c| c.artefact.r#ref.id.as_str());
    if sel.is_empty() {
        Err(NoResults)
    } else {
        Ok(sel)
    }
}

/// The registry seen as a graph of artefacts.
struct Graph<'a> {
    registry: &'a Registry,
}

impl<'a> Graph<'a> {
    fn all(&self) -> impl Iterator<Item = Key> + use<'a> {
        let r = self.registry;
        (0..r.dataflows.len())
            .map(Key::Dataflow)
            .chain((0..r.codelists.len()).map(Key::Codelist))
            .chain([Key::ConceptScheme, Key::Dsd])
    }

    fn identity(&self, k: Key) -> &'a Ref {
        let r = self.registry;
        match k {
            Key::Dataflow(i) => &r.dataflows[i].r#ref,
            Key::Codelist(i) => &r.codelists[i].r#ref,
            Key::ConceptScheme => &r.concept_scheme,
            Key::Dsd => &r.dsd.r#ref,
        }
    }

    fn matches(&self, k: Key, q: &StructureQuery) -> bool {
        let id = self.identity(k);
        is_of_type(k, &q.artefact)
            && (q.agencies.is_empty() || q.agencies.contains(&id.agency))
            && (q.ids.is_empty() || q.ids.contains(&id.id))
            && q.versions.matches(&id.version)
    }

    /// Artefacts `k` refers to.
    fn children(&self, k: Key) -> Vec<Key> {
        match k {
            Key::Dataflow(_) => vec![Key::Dsd],
            Key::Dsd => (0..self.registry.codelists.len())
                .map(Key::Codelist)
                .chain([Key::ConceptScheme])
                .collect(),
            Key::Codelist(_) | Key::ConceptScheme => Vec::new(),
        }
    }

    /// Artefacts that refer to `k`.
    fn parents(&self, k: Key) -> Vec<Key> {
        match k {
            Key::Dataflow(_) => Vec::new(),
            Key::Dsd => (0..self.registry.dataflows.len())
                .map(Key::Dataflow)
                .collect(),
            Key::Codelist(_) | Key::ConceptScheme => vec![Key::Dsd],
        }
    }

    /// The transitive closure of `step` from `k` (without `k`).
    fn closure(&self, k: Key, step: impl Fn(&Self, Key) -> Vec<Key>) -> BTreeSet<Key> {
        let mut seen = BTreeSet::new();
        let mut todo = step(self, k);
        while let Some(next) = todo.pop() {
            if seen.insert(next) {
                todo.extend(step(self, next));
            }
        }
        seen
    }

    fn related(&self, k: Key, refs: &References) -> BTreeSet<Key> {
        let parents = || self.parents(k).into_iter().collect::<BTreeSet<_>>();
        let descendants = || self.closure(k, Self::children);
        match refs {
            References::None => BTreeSet::new(),
            References::Parents => parents(),
            References::ParentsAndSiblings => {
                let mut out = parents();
                let siblings: Vec<Key> = out.iter().flat_map(|&p| self.children(p)).collect();
                out.extend(siblings);
                out
            }
            References::Children => self.children(k).into_iter().collect(),
            References::Descendants => descendants(),
            References::Ancestors => self.closure(k, Self::parents),
            References::All => {
                let mut out = parents();
                out.extend(descendants());
                out
            }
            References::Type(t) => {
                let mut out = self.closure(k, Self::parents);
                out.extend(descendants());
                out.retain(|r| is_of_type(*r, t));
                out
            }
        }
    }

    /// The series the queried dataflows hold, or `None` when any of them holds all (or none
    /// is queried): then CL_SERIES stays complete.
    fn series_of(&self, queried: &BTreeSet<Key>) -> Option<Vec<String>> {
        let mut all = Vec::new();
        let mut any = false;
        for k in queried {
            if let Key::Dataflow(i) = k {
                any = true;
                all.extend(self.registry.dataflows[*i].series.as_ref()?.iter().cloned());
            }
        }
        any.then_some(all)
    }

    /// Adds `k` to the selection; `filter` keeps only those item ids (and their ancestors).
    /// An item scheme left without items is dropped.
    fn add(&self, sel: &mut Selection<'a>, k: Key, detail: Detail, filter: Option<&[String]>) {
        let r = self.registry;
        match k {
            Key::Dataflow(i) => sel.dataflows.push(Selected {
                artefact: &r.dataflows[i],
                detail,
            }),
            Key::Dsd => {
                sel.dsd = Some(Selected {
                    artefact: &r.dsd,
                    detail,
                })
            }
            Key::Codelist(i) => {
                let cl = &r.codelists[i];
                let codes = with_ancestors(&cl.codes, filter);
                if let Some(s) = scheme(cl, detail, &cl.codes, codes, filter) {
                    sel.codelists.push(s);
                }
            }
            Key::ConceptScheme => {
                let concepts = CONCEPTS
                    .iter()
                    .filter(|c| filter.is_none_or(|f| f.iter().any(|x| x == c.id)))
                    .collect();
                sel.concept_scheme = scheme(&r.concept_scheme, detail, &CONCEPTS, concepts, filter);
            }
        }
    }
}

/// An item scheme entry, or `None` when a filter left it empty.
fn scheme<'a, T, I>(
    artefact: &'a T,
    detail: Detail,
    all: &[I],
    items: Vec<&'a I>,
    filter: Option<&[String]>,
) -> Option<SelectedScheme<'a, T, I>> {
    if filter.is_some() && items.is_empty() {
        return None;
    }
    let partial = items.len() < all.len();
    Some(SelectedScheme {
        artefact,
        detail,
        items: if detail.is_stub() { Vec::new() } else { items },
        partial: partial && !detail.is_stub(),
    })
}

/// The codes whose id is in `filter` plus their ancestors, in codelist order; all without one.
fn with_ancestors<'a>(codes: &'a [Code], filter: Option<&[String]>) -> Vec<&'a Code> {
    let Some(filter) = filter else {
        return codes.iter().collect();
    };
    let mut keep: BTreeSet<&str> = BTreeSet::new();
    for id in filter {
        let mut next = codes.iter().find(|c| &c.id == id);
        while let Some(code) = next {
            if !keep.insert(code.id.as_str()) {
                break;
            }
            next = code
                .parent
                .as_deref()
                .and_then(|p| codes.iter().find(|c| c.id == p));
        }
    }
    codes
        .iter()
        .filter(|c| keep.contains(c.id.as_str()))
        .collect()
}

fn is_of_type(k: Key, t: &ArtefactType) -> bool {
    matches!(
        (k, t),
        (_, ArtefactType::Any)
            | (Key::Dataflow(_), ArtefactType::Dataflow)
            | (Key::Codelist(_), ArtefactType::Codelist)
            | (Key::ConceptScheme, ArtefactType::ConceptScheme)
            | (Key::Dsd, ArtefactType::DataStructure)
    )
}
