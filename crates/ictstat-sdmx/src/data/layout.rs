//! Where each component of a message goes, decided once per message.

use std::borrow::Cow;

use super::walk::Series;
use super::{AtObservation, DataMessage};
use crate::model::{AttachmentLevel, AttributeDef};
use crate::row::DataRow;

/// The message being written, with the attribute placement its view and detail imply.
pub(crate) struct Layout<'m> {
    pub msg: &'m DataMessage<'m>,
    /// Flat view: observations carry the full key and every attribute.
    pub flat: bool,
    /// Attributes written, in DSD order (none without `detail.attributes`).
    pub attributes: Vec<usize>,
    /// Of those, the ones written once per series (none in the flat view).
    pub series_level: Vec<usize>,
    /// Of those, the ones written with each observation.
    pub obs_level: Vec<usize>,
}

impl<'m> Layout<'m> {
    pub fn new(msg: &'m DataMessage<'m>) -> Layout<'m> {
        let flat = msg.at_observation == AtObservation::AllDimensions && msg.detail.observations;
        let attributes: Vec<usize> = if msg.detail.attributes {
            (0..msg.registry.dsd.attributes.len()).collect()
        } else {
            Vec::new()
        };
        let (series_level, obs_level) = attributes.iter().partition(|&&i| {
            !flat && msg.registry.dsd.attributes[i].level == AttachmentLevel::Series
        });
        Layout {
            msg,
            flat,
            attributes,
            series_level,
            obs_level,
        }
    }

    pub fn attribute(&self, index: usize) -> &'m AttributeDef {
        &self.msg.registry.dsd.attributes[index]
    }

    /// Whether the attribute's value is the same for the whole series: such values are looked
    /// up once per series (see [`Series::attrs`]) whichever level they are written at.
    pub fn is_series_attribute(&self, index: usize) -> bool {
        self.attribute(index).level == AttachmentLevel::Series
    }

    /// The value of attribute `index` for `row` of series `s`.
    pub fn value<'s, 'a: 's>(
        &self,
        index: usize,
        s: &'s Series<'a>,
        row: &DataRow<'a>,
    ) -> Option<Cow<'s, str>> {
        if self.is_series_attribute(index) {
            s.attr(index).map(Cow::Borrowed)
        } else {
            row.attribute(index, self.msg.catalog)
        }
    }

    /// `(attribute id, value)` of the observation-level attributes of `row` that have a value.
    pub fn obs_values<'s, 'a: 's>(
        &'s self,
        s: &'s Series<'a>,
        row: &'s DataRow<'a>,
    ) -> impl Iterator<Item = (&'static str, Cow<'s, str>)> + 's {
        self.obs_level
            .iter()
            .filter_map(move |&i| Some((self.attribute(i).id, self.value(i, s, row)?)))
    }

    /// `(attribute id, value)` of the series-level attributes that have a value.
    pub fn series_values<'s>(
        &'s self,
        s: &'s Series<'_>,
    ) -> impl Iterator<Item = (&'static str, &'s str)> + 's {
        self.series_level
            .iter()
            .filter_map(move |&i| Some((self.attribute(i).id, s.attr(i)?)))
    }

    /// The SDMX-ML `structureID`: an IDType made of the DSD's identity.
    pub fn structure_id(&self) -> String {
        let r = &self.msg.registry.dsd.r#ref;
        format!("{}_{}_{}", r.agency, r.id, r.version)
            .chars()
            .map(|c| match c {
                'A'..='Z' | 'a'..='z' | '0'..='9' | '_' | '@' | '$' | '-' => c,
                _ => '_',
            })
            .collect()
    }
}
