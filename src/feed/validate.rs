//! Record validation. Each record is checked on its own: a record that cannot be shown
//! safely is set aside with its id, field and reason; an optional field that is unusable
//! (a website that is not http(s), an impossible age range) is dropped and the record kept.
//! Confidential addresses are removed here, before anything is indexed.

use std::collections::HashMap;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::contact;
use crate::facts::Coverage;
use crate::geo::{split_postcode, Geography};
use crate::hours::Hours;
use crate::model::{Location, Service, ATTRIBUTE_ADDRESS_CONFIDENTIAL};
use crate::phone::PhoneNumber;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
/// What was done about a problem.
pub enum Action {
    /// The whole record was left out of the directory.
    SetAside,
    /// The record was kept without this field.
    FieldDropped,
}

/// One thing wrong with one record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// Position of the record in the feed, from 1.
    pub record: usize,
    /// The record's id, when it has one.
    pub id: Option<String>,
    /// The field at fault (`phones`, `id`…).
    pub field: String,
    /// What is wrong, in plain words.
    pub reason: String,
    /// Whether the record was set aside or only the field dropped.
    pub action: Action,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let who = match &self.id {
            Some(id) => format!("record {} (\"{id}\")", self.record),
            None => format!("record {}", self.record),
        };
        let what = match self.action {
            Action::SetAside => "set aside",
            Action::FieldDropped => "field dropped",
        };
        if self.field.is_empty() {
            write!(f, "{who}: {} — {what}", self.reason)
        } else {
            write!(f, "{who}: {}: {} — {what}", self.field, self.reason)
        }
    }
}

pub(super) fn records(records: Vec<Value>, geo: &Geography) -> (Vec<Service>, Vec<Problem>) {
    let mut services = Vec::new();
    let mut problems = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, value) in records.into_iter().enumerate() {
        let record = i + 1;
        let raw_id = value
            .get("id")
            .and_then(Value::as_str)
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty());
        let set_aside = |field: &str, reason: String| Problem {
            record,
            id: raw_id.clone(),
            field: field.into(),
            reason,
            action: Action::SetAside,
        };
        if !value.is_object() {
            problems.push(set_aside("", "is not a JSON object".into()));
            continue;
        }
        let mut dropped = Vec::new();
        let mut service = match parse(value, &mut dropped) {
            Ok(s) => s,
            Err((field, e)) => {
                problems.push(set_aside(
                    &field,
                    format!("has a field of the wrong type ({e})"),
                ));
                continue;
            }
        };
        match check(&mut service, geo, &mut dropped) {
            Err((field, reason)) => problems.push(set_aside(field, reason)),
            Ok(()) => {
                if let Some(first) = seen.get(&service.id) {
                    problems.push(set_aside(
                        "id",
                        format!("duplicate id, already used by record {first}"),
                    ));
                    continue;
                }
                seen.insert(service.id.clone(), record);
                problems.extend(dropped.into_iter().map(|(field, reason)| Problem {
                    record,
                    id: Some(service.id.clone()),
                    field,
                    reason,
                    action: Action::FieldDropped,
                }));
                services.push(service);
            }
        }
    }
    (services, problems)
}

type Check = Result<(), (&'static str, String)>;

/// The record as a service. A field of the wrong type is dropped and reported, the rest
/// kept: one odd field never costs a whole service. Only an unreadable `id` or `name`
/// sets it aside (returned as the field and serde's reason).
fn parse(value: Value, dropped: &mut Vec<(String, String)>) -> Result<Service, (String, String)> {
    // Read from a borrow: the usual, whole record costs no copy.
    let first_error = match Service::deserialize(&value) {
        Ok(s) => return Ok(s),
        Err(e) => e.to_string(),
    };
    let Value::Object(mut fields) = value else {
        return Err((String::new(), first_error));
    };
    // Every field is optional in `Service`, so each can be tried on its own.
    let alone = |k: &str, v: &Value| {
        serde_json::from_value::<Service>(Value::Object(
            [(k.to_string(), v.clone())].into_iter().collect(),
        ))
        .err()
        .map(|e| e.to_string())
    };
    let bad: Vec<(String, String)> = fields
        .iter()
        .filter_map(|(k, v)| alone(k, v).map(|e| (k.clone(), e)))
        .collect();
    if let Some((field, e)) = bad.iter().find(|(k, _)| k == "id" || k == "name") {
        return Err((field.clone(), e.clone()));
    }
    for (field, e) in bad {
        // In a list (phones, areas), only the items that cannot be read go.
        if let Some(Value::Array(items)) = fields.get_mut(&field) {
            let before = items.len();
            items.retain(|item| alone(&field, &Value::Array(vec![item.clone()])).is_none());
            if items.len() < before && alone(&field, &Value::Array(items.clone())).is_none() {
                dropped.push((
                    field.clone(),
                    format!(
                        "{} of {before} left out: wrong type ({e})",
                        before - items.len()
                    ),
                ));
                continue;
            }
        }
        fields.remove(&field);
        dropped.push((field, format!("wrong type ({e})")));
    }
    serde_json::from_value(Value::Object(fields)).map_err(|e| (String::new(), e.to_string()))
}

/// Check one parsed record: its identity decides whether it is kept; then each optional
/// field that cannot be shown as given is dropped with a reason (the rest of the record
/// stays); then confidential addresses are redacted.
fn check(s: &mut Service, geo: &Geography, dropped: &mut Vec<(String, String)>) -> Check {
    identity(s)?;
    let mut drop = |field: &str, reason: String| dropped.push((field.to_string(), reason));
    phones_and_hours(s, &mut drop);
    for area in Coverage::of(s, geo).unrecognised {
        drop(
            "service_areas",
            format!(
                "area \"{area}\" is not one Signpost can place; shown as \"area not recognised\""
            ),
        );
    }
    links(s, &mut drop);
    ages_and_review_date(s, &mut drop);
    redact_confidential_addresses(s, geo);
    Ok(())
}

/// What a record must have to be shown at all: an id, a name, and not be withdrawn.
fn identity(s: &mut Service) -> Check {
    s.id = s.id.trim().to_string();
    s.name = s.name.trim().to_string();
    if s.id.is_empty() {
        return Err(("id", "missing id".into()));
    }
    if s.name.is_empty() {
        return Err(("name", "missing name".into()));
    }
    if let Some(status) = s.status.as_deref() {
        if matches!(status.to_ascii_lowercase().as_str(), "inactive" | "defunct") {
            return Err(("status", format!("the publisher marks it {status}")));
        }
    }
    Ok(())
}

/// A number that cannot be dialled as shown is left out, never guessed at; the other
/// numbers and the service stay. Impossible hours become unknown hours.
fn phones_and_hours(s: &mut Service, drop: &mut impl FnMut(&str, String)) {
    let mut n = 0;
    s.phones.retain_mut(|p| {
        n += 1;
        // Some exports wrap the number in quotes ("\"+44 1234 234567\""): not part of it.
        p.number = p.number.trim().trim_matches(['"', '\'']).trim().to_string();
        if let Err(why) = PhoneNumber::parse(&p.number, p.extension.as_deref()) {
            drop(
                "phones",
                format!("phone {n} \"{}\" is not usable: {why}", p.number),
            );
            return false;
        }
        if let Err(e) = Hours::from_schedules(&p.schedules) {
            drop(
                "phones",
                format!(
                    "phone {n} has impossible hours: {}; its hours are unknown",
                    e.0
                ),
            );
            p.schedules.clear();
        }
        true
    });
    if let Err(e) = Hours::from_schedules(&s.schedules) {
        drop(
            "schedules",
            format!("impossible hours: {}; the hours are unknown", e.0),
        );
        s.schedules.clear();
    }
}

/// Websites and the email address, kept only when they look like one ([`contact`]).
fn links(s: &mut Service, drop: &mut impl FnMut(&str, String)) {
    let not_web = |u: &Option<String>| u.as_deref().is_some_and(|u| !contact::is_web_address(u));
    if not_web(&s.url) {
        drop("url", "website is not an http(s) address".into());
        s.url = None;
    }
    if let Some(org) = s.organization.as_mut().filter(|o| not_web(&o.url)) {
        drop(
            "organization.url",
            "website is not an http(s) address".into(),
        );
        org.url = None;
    }
    if s.email
        .as_deref()
        .is_some_and(|e| !contact::is_email_address(e))
    {
        drop("email", "not an email address".into());
        s.email = None;
    }
}

/// An age range a person could have, and a review date that is a date.
fn ages_and_review_date(s: &mut Service, drop: &mut impl FnMut(&str, String)) {
    let age_ok = |a: Option<f64>| {
        a.is_none_or(|a| a.is_finite() && (0.0..=120.0).contains(&a) && a.fract() == 0.0)
    };
    let order_ok = match (s.minimum_age, s.maximum_age) {
        (Some(lo), Some(hi)) => lo <= hi,
        _ => true,
    };
    if !age_ok(s.minimum_age) || !age_ok(s.maximum_age) || !order_ok {
        drop("minimum_age", "impossible age range".into());
        s.minimum_age = None;
        s.maximum_age = None;
    }
    if s.assured_date
        .as_deref()
        .is_some_and(|d| d.parse::<Date>().is_err())
    {
        drop("assured_date", "not a date (YYYY-MM-DD)".into());
        s.assured_date = None;
    }
}

/// Every location gets its borough; a confidential one keeps nothing else, so nothing
/// indexed or shown could lead someone to the address.
fn redact_confidential_addresses(s: &mut Service, geo: &Geography) {
    for sal in &mut s.service_at_locations {
        if let Some(loc) = sal.location.as_mut() {
            let borough = location_borough(loc, geo);
            if is_confidential(loc) {
                *loc = Location {
                    location_type: Some("redacted".into()),
                    borough,
                    ..Default::default()
                };
                sal.description = None;
            } else {
                loc.borough = borough;
            }
        }
    }
}

fn is_confidential(loc: &Location) -> bool {
    loc.location_type
        .as_deref()
        .is_some_and(|t| t.eq_ignore_ascii_case("redacted"))
        || loc
            .attributes
            .iter()
            .any(|a| a.code() == Some(ATTRIBUTE_ADDRESS_CONFIDENTIAL))
}

/// The borough of a location from its address: a borough named in it, or the borough of
/// its postcode district when that district lies in one borough only.
fn location_borough(loc: &Location, geo: &Geography) -> Option<String> {
    if let Some(b) = loc.borough.as_deref().and_then(|b| geo.find_borough(b)) {
        return Some(b.gss_code.clone());
    }
    for a in &loc.addresses {
        for field in [&a.region, &a.city, &a.state_province, &a.address_2] {
            if let Some(b) = field.as_deref().and_then(|f| geo.find_borough(f)) {
                return Some(b.gss_code.clone());
            }
        }
        if let Some(pc) = a.postal_code.as_deref() {
            let compact: String = pc
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>()
                .to_uppercase();
            if let Some((outward, _)) = split_postcode(&compact) {
                if let Some(d) = geo.district(outward).filter(|d| d.boroughs.len() == 1) {
                    return Some(d.boroughs[0].clone());
                }
            }
        }
    }
    None
}
