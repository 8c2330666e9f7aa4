//! What changed between two feeds: services added and removed, and per service the facts
//! a caller acts on (phone numbers, website, hours, coverage, referral route). What a
//! publisher reads before signing, and how the app knows a number changed.

use std::collections::HashMap;

use serde::Serialize;

use crate::facts::Coverage;
use crate::geo::Geography;
use crate::model::{Schedule, Service};

/// A service named in a diff.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Named {
    /// The service's id.
    pub id: String,
    /// The service's name.
    pub name: String,
}

/// One fact of one service, before and after.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// `phones`, `website`, `hours`, `coverage` or `referral`.
    pub field: &'static str,
    /// The value in the old feed, in words.
    pub before: String,
    /// The value in the new feed, in words.
    pub after: String,
}

/// A service in both feeds whose facts differ.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Changed {
    /// The service's id.
    pub id: String,
    /// The service's name (in the new feed).
    pub name: String,
    /// What changed, field by field.
    pub changes: Vec<Change>,
}

impl Changed {
    /// Its phone numbers (not only their labels) changed.
    pub fn numbers_changed(&self) -> bool {
        self.changes.iter().any(|c| c.field == "phones")
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
/// What changed from one feed to the next.
pub struct FeedDiff {
    /// Services only in the new feed.
    pub added: Vec<Named>,
    /// Services only in the old feed.
    pub removed: Vec<Named>,
    /// Services in both whose facts changed.
    pub changed: Vec<Changed>,
}

impl FeedDiff {
    /// True when nothing a person would notice changed.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

/// Compare `old` and `new` by service id; services in `new`'s order.
pub fn diff(old: &[Service], new: &[Service], geo: &Geography) -> FeedDiff {
    let before: HashMap<&str, &Service> = old.iter().map(|s| (s.id.as_str(), s)).collect();
    let after: HashMap<&str, &Service> = new.iter().map(|s| (s.id.as_str(), s)).collect();
    let named = |s: &Service| Named {
        id: s.id.clone(),
        name: s.name.clone(),
    };
    let mut out = FeedDiff {
        added: new
            .iter()
            .filter(|s| !before.contains_key(s.id.as_str()))
            .map(named)
            .collect(),
        removed: old
            .iter()
            .filter(|s| !after.contains_key(s.id.as_str()))
            .map(named)
            .collect(),
        changed: Vec::new(),
    };
    for s in new {
        let Some(o) = before.get(s.id.as_str()) else {
            continue;
        };
        let changes: Vec<Change> = facts(o, geo)
            .into_iter()
            .zip(facts(s, geo))
            .filter(|((_, a), (_, b))| a != b)
            .map(|((field, before), (_, after))| Change {
                field,
                before,
                after,
            })
            .collect();
        if !changes.is_empty() {
            out.changed.push(Changed {
                id: s.id.clone(),
                name: s.name.clone(),
                changes,
            });
        }
    }
    out
}

/// The facts compared, each as the text a publisher reads.
fn facts(s: &Service, geo: &Geography) -> [(&'static str, String); 5] {
    let or_none = |t: String| if t.is_empty() { "none".to_string() } else { t };
    [
        ("phones", or_none(numbers(s))),
        ("website", or_none(s.url.clone().unwrap_or_default())),
        ("hours", or_none(hours(&s.schedules))),
        ("coverage", Coverage::of(s, geo).phrase(geo)),
        (
            "referral",
            s.referral().map_or("not stated".to_string(), |r| {
                crate::present::referral(r).to_string()
            }),
        ),
    ]
}

/// The numbers and extensions, as listed: a label alone changing is not a new number.
fn numbers(s: &Service) -> String {
    s.phones
        .iter()
        .map(|p| match &p.extension {
            Some(e) => format!("{} ext. {e}", p.number),
            None => p.number.clone(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn hours(schedules: &[Schedule]) -> String {
    schedules
        .iter()
        .map(|h| match (&h.byday, &h.opens_at, &h.closes_at) {
            (Some(d), Some(o), Some(c)) => format!("{d} {o}-{c}"),
            _ => h.description.clone().unwrap_or_default(),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Phone;

    fn service(id: &str, number: &str) -> Service {
        Service {
            id: id.into(),
            name: format!("Service {id}"),
            phones: vec![Phone {
                number: number.into(),
                description: Some("Helpline".into()),
                ..Default::default()
            }],
            ..Default::default()
        }
    }

    #[test]
    fn added_removed_and_changed_numbers_are_told_apart() {
        let geo = Geography::bundled();
        let old = [service("a", "0800 123 4567"), service("b", "0800 000 1111")];
        let mut relabelled = service("a", "0800 123 4567");
        relabelled.phones[0].description = Some("Advice line".into());
        let new = [relabelled, service("c", "0800 999 0000")];
        let d = diff(&old, &new, geo);
        assert_eq!(d.added[0].id, "c");
        assert_eq!(d.removed[0].id, "b");
        // A new label on the same number is not a changed number.
        assert!(d.changed.is_empty(), "{:?}", d.changed);

        let d = diff(&old, &[service("a", "0800 123 4568")], geo);
        assert!(d.changed[0].numbers_changed());
        assert_eq!(
            d.changed[0].changes[0],
            Change {
                field: "phones",
                before: "0800 123 4567".into(),
                after: "0800 123 4568".into()
            }
        );
    }
}
