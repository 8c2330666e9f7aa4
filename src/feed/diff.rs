//! What changed between two feeds: services added and removed, and per service the facts
//! a caller acts on (phone numbers, website, hours, coverage, referral route). What a
//! publisher reads before signing, and how the app knows a number changed.
//!
//! Numbers are also compared across the whole feed, wherever they are written: a number
//! that appears on a service that did not show it — listed in its phones or written into its
//! name, description or any other text — is reported, saying whether it is new to the
//! directory or was another service's. A number re-added under a new service id, or put in a
//! caution, is never "0 changed".

use std::collections::{BTreeSet, HashMap};

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

/// A phone number that appears on a service that did not show it before.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NumberAppeared {
    /// The service's id.
    pub id: String,
    /// The service's name (in the new feed).
    pub name: String,
    /// The number as written there, read as libphonenumber lays it out.
    pub number: String,
    /// Where on the service: `phones`, or the text field it is written in (`name`,
    /// `description`, `alert`, `attributes`, …).
    pub place: String,
    /// The services that showed it in the old feed; empty when it is new to the directory.
    pub was_on: Vec<String>,
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
    /// Numbers that appear on a service that did not show them, in the new feed's order.
    pub numbers: Vec<NumberAppeared>,
}

impl FeedDiff {
    /// True when nothing a person would notice changed.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.changed.is_empty()
            && self.numbers.is_empty()
    }

    /// Services whose numbers a caller should know changed: a listed number changed, or a
    /// number appeared on it (in its phones or its text).
    pub fn services_with_new_numbers(&self) -> BTreeSet<&str> {
        self.changed
            .iter()
            .filter(|c| c.numbers_changed())
            .map(|c| c.id.as_str())
            .chain(self.numbers.iter().map(|n| n.id.as_str()))
            .collect()
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
        numbers: numbers_appeared(old, new),
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

/// Every number in `new` on a service that did not show it in `old` (in any place).
fn numbers_appeared(old: &[Service], new: &[Service]) -> Vec<NumberAppeared> {
    // Number key → the services showing it in the old feed.
    let mut before: HashMap<String, BTreeSet<&str>> = HashMap::new();
    for s in old {
        for (_, n) in numbers_on(s) {
            before.entry(n.key()).or_default().insert(s.id.as_str());
        }
    }
    let mut out: Vec<NumberAppeared> = Vec::new();
    for s in new {
        // Each number once per place on a service.
        let mut said: std::collections::HashSet<(String, String)> = Default::default();
        for (place, n) in numbers_on(s) {
            let key = n.key();
            let was_on = before.get(&key);
            if was_on.is_some_and(|ids| ids.contains(s.id.as_str())) {
                continue;
            }
            if said.insert((place.clone(), key)) {
                out.push(NumberAppeared {
                    id: s.id.clone(),
                    name: s.name.clone(),
                    number: n.text(),
                    place,
                    was_on: was_on
                        .map(|ids| ids.iter().map(|i| i.to_string()).collect())
                        .unwrap_or_default(),
                });
            }
        }
    }
    out
}

/// The numbers a service shows, with where: its listed phones, then every number written
/// in any of its text (fields that are ids, addresses of pages or dates are not text).
fn numbers_on(s: &Service) -> Vec<(String, crate::phone::PhoneNumber)> {
    let mut out: Vec<(String, crate::phone::PhoneNumber)> = s
        .phones
        .iter()
        .filter_map(|p| crate::phone::PhoneNumber::parse(&p.number, p.extension.as_deref()).ok())
        .map(|n| ("phones".to_string(), n))
        .collect();
    let Ok(serde_json::Value::Object(fields)) = serde_json::to_value(s) else {
        return out;
    };
    for (field, value) in &fields {
        if NOT_TEXT.contains(&field.as_str()) {
            continue;
        } else if field == "phones" {
            // Their numbers are listed above; their descriptions are text.
            for p in value.as_array().into_iter().flatten() {
                for (k, v) in p.as_object().into_iter().flatten() {
                    if k != "number" && k != "extension" {
                        text_numbers(v, "phones", &mut out);
                    }
                }
            }
        } else {
            text_numbers(value, field, &mut out);
        }
    }
    out
}

/// Fields that hold ids, links, dates or coordinates, not text a person reads.
const NOT_TEXT: &[&str] = &[
    "id",
    "url",
    "uri",
    "email",
    "assured_date",
    "last_modified",
    "link_id",
    "latitude",
    "longitude",
    "extent",
];

/// Numbers written in the strings of `value`, placed at `place`; keys that hold ids,
/// links or dates are skipped.
fn text_numbers(
    value: &serde_json::Value,
    place: &str,
    out: &mut Vec<(String, crate::phone::PhoneNumber)>,
) {
    match value {
        serde_json::Value::String(t) => {
            for n in crate::phone::numbers_in_text(t) {
                out.push((place.to_string(), n));
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| text_numbers(v, place, out)),
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                if !NOT_TEXT.contains(&k.as_str()) && !k.ends_with("_id") {
                    text_numbers(v, place, out);
                }
            }
        }
        _ => {}
    }
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
