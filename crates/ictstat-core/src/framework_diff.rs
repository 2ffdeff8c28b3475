//! What changed between two versions of a framework's list of items, for the public framework
//! page and the consultation API: items added, removed, and changed (which fields), matched
//! by their code.

use serde::Serialize;

use crate::catalog::FrameworkItem;

/// The difference between two versions of a framework's items.
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct FrameworkDiff {
    /// Items of the later version whose code the earlier one lacks, in the later one's order.
    pub added: Vec<FrameworkItem>,
    /// Items of the earlier version whose code the later one lacks, in the earlier one's order.
    pub removed: Vec<FrameworkItem>,
    /// Items in both whose content differs, in the later version's order.
    pub changed: Vec<ItemChange>,
}

/// One item present in both versions with different content.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ItemChange {
    pub code: String,
    /// The fields that differ: `name`, `parent`, `indicators`, `sdg_targets`, `confirmed`,
    /// `note`.
    pub fields: Vec<&'static str>,
    pub before: FrameworkItem,
    pub after: FrameworkItem,
}

impl FrameworkDiff {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

/// The changes from `before` to `after`.
pub fn diff_items(before: &[FrameworkItem], after: &[FrameworkItem]) -> FrameworkDiff {
    let find = |items: &[FrameworkItem], code: &str| items.iter().find(|i| i.code == code).cloned();
    let mut diff = FrameworkDiff::default();
    for a in after {
        match find(before, &a.code) {
            None => diff.added.push(a.clone()),
            Some(b) if b != *a => {
                let fields = [
                    ("name", b.name != a.name),
                    ("parent", b.parent != a.parent),
                    ("indicators", b.indicators != a.indicators),
                    ("sdg_targets", b.sdg_targets != a.sdg_targets),
                    ("confirmed", b.confirmed != a.confirmed),
                    ("note", b.note != a.note),
                ]
                .into_iter()
                .filter_map(|(name, differs)| differs.then_some(name))
                .collect();
                diff.changed.push(ItemChange {
                    code: a.code.clone(),
                    fields,
                    before: b,
                    after: a.clone(),
                });
            }
            Some(_) => {}
        }
    }
    diff.removed = before
        .iter()
        .filter(|b| find(after, &b.code).is_none())
        .cloned()
        .collect();
    diff
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(code: &str, name: &str, indicators: &[&str]) -> FrameworkItem {
        FrameworkItem {
            code: code.into(),
            name: name.into(),
            parent: None,
            indicators: indicators.iter().map(|s| s.to_string()).collect(),
            sdg_targets: vec![],
            confirmed: true,
            note: String::new(),
        }
    }

    #[test]
    fn items_are_matched_by_code() {
        let before = vec![
            item("A", "Access", &["X"]),
            item("B", "Use", &[]),
            item("C", "Gone", &[]),
        ];
        let after = vec![
            item("B", "Use of the Internet", &["Y"]),
            item("A", "Access", &["X"]),
            item("D", "New", &[]),
        ];
        let d = diff_items(&before, &after);
        assert_eq!(
            d.added.iter().map(|i| i.code.as_str()).collect::<Vec<_>>(),
            ["D"]
        );
        assert_eq!(
            d.removed
                .iter()
                .map(|i| i.code.as_str())
                .collect::<Vec<_>>(),
            ["C"]
        );
        assert_eq!(d.changed.len(), 1);
        assert_eq!(
            (d.changed[0].code.as_str(), d.changed[0].fields.clone()),
            ("B", vec!["name", "indicators"])
        );
        assert!(
            diff_items(&before, &before).is_empty(),
            "reordering alone is no change"
        );
    }
}
