//! The publisher's build: source records (the shape of `../shared/data/services.jsonl`,
//! documented in the README) and imported feeds into one feed, deterministically, with the
//! rules that keep it safe:
//! - phone numbers are copied exactly as sourced; nothing is added or "fixed";
//! - hours become weekly rules only when the whole text is clear ([`hours_text`]);
//!   otherwise the text is kept with no rule, and the app says "hours unknown";
//! - ages come only from the reviewed table (`index-data/reviewed-ages.json`), and only
//!   while the eligibility text still contains the phrase they were read from;
//! - a record's `caution` becomes the feed's `alert`; its `notes` are for the publisher
//!   and never reach the feed;
//! - imported services pass through the feed reader first: confidential addresses are
//!   stripped and unusable fields dropped, as the app itself would.
//!
//! The output is valid HSDS 3.0 and ORUK 3.0 (optional fields absent rather than null).

pub mod hours_text;

use std::collections::{BTreeMap, HashSet};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::geo::Geography;
use crate::model::{
    category_in_sentence, category_label, Referral, CATEGORIES, TAXONOMY_CATEGORY,
    TAXONOMY_REFERRAL, TAXONOMY_SOURCE,
};

/// One source record, as researchers write them.
#[derive(Debug, Clone, Deserialize)]
pub struct SourceRecord {
    /// Stable id (a slug).
    pub id: String,
    /// One plain sentence for users, or "".
    #[serde(default)]
    pub caution: String,
    /// The service's name.
    pub name: String,
    /// The organisation that runs it.
    pub organisation: String,
    #[serde(default)]
    /// What it does.
    pub description: String,
    /// Category ids, main one first.
    pub categories: Vec<String>,
    /// Borough names, "London-wide" or "National".
    pub boroughs: Vec<String>,
    #[serde(default)]
    /// Its numbers.
    pub phones: Vec<SourcePhone>,
    #[serde(default)]
    /// Its website, or empty.
    pub website: String,
    #[serde(default)]
    /// Its email address, or empty.
    pub email: String,
    /// `self`, `professional` or `both`.
    pub referral: String,
    #[serde(default)]
    /// Who it is for, as published.
    pub eligibility: String,
    /// Free text as published.
    #[serde(default)]
    pub hours: String,
    #[serde(default)]
    /// Languages it offers.
    pub languages: Vec<String>,
    #[serde(default)]
    /// Pages the record was researched from.
    pub sources: Vec<String>,
    /// The date shown on the main source page (`YYYY-MM-DD` or `YYYY-MM`).
    pub verified_on: Option<String>,
    /// For the publisher only: never copied into the feed.
    #[serde(default)]
    pub notes: String,
}

#[derive(Debug, Clone, Deserialize)]
/// A number in a source record.
pub struct SourcePhone {
    /// The number as published.
    pub number: String,
    #[serde(default)]
    /// What it is for ("Helpline").
    pub label: String,
    #[serde(default)]
    /// Its hours as published, or empty.
    pub hours: String,
    #[serde(default)]
    /// Where it was found.
    pub source: Option<String>,
}

/// Ages a person read from an eligibility text, with the phrase they were read from.
#[derive(Debug, Clone, Deserialize)]
pub struct ReviewedAge {
    /// The words of the eligibility the ages were read from.
    pub phrase: String,
    /// The youngest age.
    pub minimum_age: Option<u32>,
    /// The oldest age.
    pub maximum_age: Option<u32>,
}

#[derive(Debug, Clone, Deserialize)]
struct ReviewedAges {
    ages: BTreeMap<String, ReviewedAge>,
}

/// The reviewed ages shipped in `index-data/`.
pub fn reviewed_ages() -> BTreeMap<String, ReviewedAge> {
    serde_json::from_str::<ReviewedAges>(crate::bundled::REVIEWED_AGES)
        .expect("bundled reviewed ages")
        .ages
}

/// Who publishes the feed, and when it was made.
#[derive(Debug, Clone, Serialize)]
pub struct Publisher {
    /// The publisher's name.
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// What the publisher is.
    pub description: Option<String>,
}

/// The feed envelope.
#[derive(Debug, Serialize)]
pub struct BuiltFeed {
    /// The HSDS version (`3.0`).
    pub version: &'static str,
    /// Who publishes it.
    pub publisher: Publisher,
    /// When it was built (RFC 3339).
    pub generated_at: String,
    /// Its services, in source order.
    pub services: Vec<OutService>,
}

/// A service of the built feed: from a source record, or from an imported feed.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum OutService {
    /// Built from a source record.
    Built(Box<BuiltService>),
    /// Taken from an imported feed as the reader kept it.
    Imported(Value),
}

#[derive(Debug, Serialize)]
/// A service as the feed publishes it (HSDS 3.0, optional fields absent rather than null).
pub struct BuiltService {
    id: String,
    name: String,
    status: &'static str,
    description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    organization: Option<Organization>,
    phones: Vec<BuiltPhone>,
    schedules: Vec<BuiltSchedule>,
    service_areas: Vec<Area>,
    service_at_locations: Vec<Value>,
    languages: Vec<BuiltLanguage>,
    #[serde(skip_serializing_if = "Option::is_none")]
    eligibility_description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    minimum_age: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    maximum_age: Option<u32>,
    application_process: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    assured_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    alert: Option<String>,
    attributes: Vec<BuiltAttribute>,
}

#[derive(Debug, Serialize)]
struct Organization {
    id: String,
    name: String,
    description: String,
}

#[derive(Debug, Serialize)]
struct BuiltPhone {
    id: String,
    service_id: String,
    number: String,
    description: String,
    schedules: Vec<BuiltSchedule>,
    attributes: Vec<BuiltAttribute>,
}

#[derive(Debug, Serialize)]
struct BuiltSchedule {
    id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    service_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    phone_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    freq: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    byday: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    opens_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    closes_at: Option<String>,
    description: String,
}

#[derive(Debug, Serialize)]
struct Area {
    id: String,
    service_id: String,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri: Option<String>,
}

#[derive(Debug, Serialize)]
struct BuiltLanguage {
    id: String,
    service_id: String,
    name: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct BuiltAttribute {
    id: String,
    link_entity: &'static str,
    link_id: String,
    taxonomy_term_id: String,
    taxonomy_term: Term,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<String>,
}

#[derive(Debug, Serialize)]
struct Term {
    id: String,
    code: String,
    name: String,
    description: String,
    taxonomy: &'static str,
}

/// The application process, in words, for each referral route.
fn referral_text(r: Referral) -> &'static str {
    match r {
        Referral::SelfReferral => "Self-referral: people can contact the service themselves.",
        Referral::Professional => "Professional referral only.",
        Referral::Both => "Self-referral or referral by a professional.",
    }
}

/// A Signpost category of a service, as an HSDS 3.0 attribute with its taxonomy term.
pub(crate) fn category_attribute(service_id: &str, code: &str, n: usize) -> BuiltAttribute {
    attribute(service_id, "service", TAXONOMY_CATEGORY, code, None, n)
}

fn attribute(
    owner: &str,
    entity: &'static str,
    taxonomy: &'static str,
    code: &str,
    value: Option<String>,
    n: usize,
) -> BuiltAttribute {
    let (name, description) = match taxonomy {
        TAXONOMY_CATEGORY => (
            category_label(code).to_string(),
            format!(
                "Signpost London type of help: {}.",
                category_in_sentence(code)
            ),
        ),
        TAXONOMY_REFERRAL => {
            let r = Referral::parse(code).expect("checked by the caller");
            let mut name = crate::present::referral(r).to_string();
            name[..1].make_ascii_uppercase();
            (
                name,
                format!("How people reach the service: {}", referral_text(r)),
            )
        }
        _ => (
            "Source".to_string(),
            "A public page where the record's facts were seen (the attribute's value).".to_string(),
        ),
    };
    let short = taxonomy.split(':').nth(1).unwrap_or(taxonomy);
    BuiltAttribute {
        id: format!("{owner}-{short}-{n}"),
        link_entity: entity,
        link_id: owner.to_string(),
        taxonomy_term_id: format!("{taxonomy}/{code}"),
        taxonomy_term: Term {
            id: format!("{taxonomy}/{code}"),
            code: code.to_string(),
            name,
            description,
            taxonomy,
        },
        value,
    }
}

/// Schedules for an hours text: rules when it is clear, else one schedule carrying the text
/// only (shown as published; "hours unknown").
fn schedules(owner: &str, text: &str, phone: bool) -> Vec<BuiltSchedule> {
    if text.trim().is_empty() {
        return Vec::new();
    }
    let link = |s: &mut BuiltSchedule| {
        if phone {
            s.phone_id = Some(owner.to_string());
        } else {
            s.service_id = Some(owner.to_string());
        }
    };
    let plain = |i: usize| BuiltSchedule {
        id: format!("{owner}-schedule-{i}"),
        service_id: None,
        phone_id: None,
        freq: None,
        byday: None,
        opens_at: None,
        closes_at: None,
        description: text.to_string(),
    };
    match hours_text::parse(text) {
        None => {
            let mut s = plain(0);
            link(&mut s);
            vec![s]
        }
        Some(rules) => rules
            .into_iter()
            .enumerate()
            .map(|(i, r)| {
                let mut s = plain(i);
                link(&mut s);
                s.freq = Some("WEEKLY");
                s.byday = Some(
                    r.days
                        .iter()
                        .map(|&d| hours_text::DAYS[d])
                        .collect::<Vec<_>>()
                        .join(","),
                );
                s.opens_at = Some(r.opens);
                s.closes_at = Some(r.closes);
                s
            })
            .collect(),
    }
}

/// "2023-10-27" stays; "2021-12" becomes the first of that month, the earliest the review
/// can have been, so age warnings never understate how old a record is.
fn assured_date(verified_on: Option<&str>) -> std::result::Result<Option<String>, String> {
    let Some(v) = verified_on.filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    let ok = |d: &str| d.parse::<jiff::civil::Date>().is_ok();
    if v.len() == 10 && ok(v) {
        Ok(Some(v.to_string()))
    } else if v.len() == 7 && ok(&format!("{v}-01")) {
        Ok(Some(format!("{v}-01")))
    } else {
        Err(format!(
            "verified_on \"{v}\" is not a date (YYYY-MM-DD or YYYY-MM)"
        ))
    }
}

/// A lower-case slug of `text`, for organisation ids.
fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.to_lowercase().chars() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

/// What the build noticed: things a publisher should look at, none of them fatal.
#[derive(Debug, Default)]
pub struct Report {
    /// One sentence each.
    pub warnings: Vec<String>,
}

/// Most services an organisation's description names: every service repeats its
/// organisation, so a list of all of them would grow the feed with the square of an
/// organisation's services (20,000 services of one council made 200 MB).
const RUNS_NAMED: usize = 10;

/// "Runs A; B; C." — or, past [`RUNS_NAMED`], the first ones "and 1990 more".
fn runs_in_words(runs: &[&str]) -> String {
    if runs.len() <= RUNS_NAMED {
        return format!("Runs {}.", runs.join("; "));
    }
    format!(
        "Runs {} and {} more.",
        runs[..RUNS_NAMED].join("; "),
        runs.len() - RUNS_NAMED
    )
}

/// Build one service from a source record. `runs` lists, for its organisation, the names
/// of the services it runs (HSDS asks every organisation for a description).
/// One source record as a feed service; an error names the record and what is wrong.
fn service(
    rec: &SourceRecord,
    runs: &[&str],
    ages: &BTreeMap<String, ReviewedAge>,
    geo: &Geography,
    report: &mut Report,
) -> Result<BuiltService> {
    let bad = |why: String| Error::SourceInvalid(format!("source record \"{}\": {why}", rec.id));
    let sid = rec.id.as_str();
    let referral = Referral::parse(&rec.referral).ok_or_else(|| {
        bad(format!(
            "referral \"{}\" is not self, professional or both",
            rec.referral
        ))
    })?;
    let (minimum_age, maximum_age) = ages_of(rec, ages, report);
    let nonempty = |s: &str| (!s.is_empty()).then(|| s.to_string());
    Ok(BuiltService {
        id: sid.to_string(),
        name: rec.name.clone(),
        status: "active",
        description: rec.description.clone(),
        url: nonempty(&rec.website),
        email: nonempty(&rec.email),
        // A provider nobody could name stays unnamed: no organisation, rather than an empty
        // one (HSDS asks an organisation for a name; a service needs none).
        organization: nonempty(&rec.organisation).map(|name| Organization {
            id: slug(&name),
            name,
            // HSDS requires a description; the records describe services, so it says which.
            description: runs_in_words(runs),
        }),
        phones: phones(rec),
        schedules: schedules(sid, &rec.hours, false),
        service_areas: areas(rec, geo).map_err(bad)?,
        service_at_locations: Vec::new(),
        languages: rec
            .languages
            .iter()
            .enumerate()
            .map(|(i, l)| BuiltLanguage {
                id: format!("{sid}-language-{i}"),
                service_id: sid.to_string(),
                name: l.clone(),
            })
            .collect(),
        eligibility_description: nonempty(&rec.eligibility),
        minimum_age,
        maximum_age,
        application_process: referral_text(referral),
        assured_date: assured_date(rec.verified_on.as_deref()).map_err(bad)?,
        // `caution` is written for users; `notes` are the researchers' caveats.
        alert: nonempty(&rec.caution),
        attributes: service_attributes(rec).map_err(bad)?,
    })
}

/// The record's boroughs as service areas, each London borough with its GSS identifier.
fn areas(rec: &SourceRecord, geo: &Geography) -> std::result::Result<Vec<Area>, String> {
    let sid = rec.id.as_str();
    let mut areas = Vec::new();
    for (i, b) in rec.boroughs.iter().enumerate() {
        let uri = match b.as_str() {
            "London-wide" | "National" => None,
            name => {
                let borough = geo
                    .find_borough(name)
                    .filter(|x| x.name == name)
                    .ok_or_else(|| format!("unknown borough \"{name}\""))?;
                Some(format!(
                    "http://statistics.data.gov.uk/id/statistical-geography/{}",
                    borough.gss_code
                ))
            }
        };
        areas.push(Area {
            id: format!("{sid}-area-{i}"),
            service_id: sid.to_string(),
            name: b.clone(),
            uri,
        });
    }
    Ok(areas)
}

/// The record's numbers, each with its hours and where it was found.
fn phones(rec: &SourceRecord) -> Vec<BuiltPhone> {
    let sid = rec.id.as_str();
    rec.phones
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let pid = format!("{sid}-phone-{i}");
            BuiltPhone {
                id: pid.clone(),
                service_id: sid.to_string(),
                number: p.number.clone(),
                description: p.label.clone(),
                schedules: schedules(&pid, &p.hours, true),
                attributes: p
                    .source
                    .iter()
                    .filter(|u| !u.is_empty())
                    .map(|u| {
                        attribute(&pid, "phone", TAXONOMY_SOURCE, "source", Some(u.clone()), 0)
                    })
                    .collect(),
            }
        })
        .collect()
}

/// Categories, referral route and sources, as taxonomy-term attributes.
fn service_attributes(rec: &SourceRecord) -> std::result::Result<Vec<BuiltAttribute>, String> {
    let sid = rec.id.as_str();
    let mut attributes = Vec::new();
    for (i, c) in rec.categories.iter().enumerate() {
        if !CATEGORIES.contains(&c.as_str()) {
            return Err(format!("\"{c}\" is not a category"));
        }
        attributes.push(category_attribute(sid, c, i));
    }
    attributes.push(attribute(
        sid,
        "service",
        TAXONOMY_REFERRAL,
        &rec.referral,
        None,
        0,
    ));
    attributes.extend(rec.sources.iter().enumerate().map(|(i, u)| {
        attribute(
            sid,
            "service",
            TAXONOMY_SOURCE,
            "source",
            Some(u.clone()),
            i,
        )
    }));
    Ok(attributes)
}

/// The ages reviewed for this record (index-data/reviewed-ages.json), while its
/// eligibility still says what they were read from; a warning when it no longer does.
fn ages_of(
    rec: &SourceRecord,
    ages: &BTreeMap<String, ReviewedAge>,
    report: &mut Report,
) -> (Option<u32>, Option<u32>) {
    let Some(a) = ages.get(&rec.id) else {
        return (None, None);
    };
    if rec.eligibility.contains(&a.phrase) {
        (a.minimum_age, a.maximum_age)
    } else {
        report.warnings.push(format!(
            "{}: eligibility no longer says \"{}\"; age dropped",
            rec.id, a.phrase
        ));
        (None, None)
    }
}

/// A source: source records (JSON lines) or a feed (one JSON document with `services`).
pub enum Source {
    /// Source records, one JSON line each.
    Records(Vec<SourceRecord>),
    /// A feed's services as the reader keeps them.
    Feed(crate::feed::Feed),
}

impl Source {
    /// Read a source file's bytes: a JSON object is a feed, anything else JSON lines of
    /// source records. `name` is for messages.
    pub fn read(bytes: &[u8], name: &str, geo: &Geography) -> Result<Source> {
        let text = std::str::from_utf8(bytes)
            .map_err(|_| Error::SourceInvalid(format!("{name} is not UTF-8 text")))?;
        let is_feed = serde_json::from_str::<Value>(text)
            .is_ok_and(|v| v.get("services").is_some() || v.get("contents").is_some());
        if is_feed {
            return Ok(Source::Feed(crate::feed::read(bytes, geo)?));
        }
        text.lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(i, l)| {
                serde_json::from_str(l).map_err(|e| {
                    Error::SourceInvalid(format!(
                        "{name} line {}: not a source record ({e})",
                        i + 1
                    ))
                })
            })
            .collect::<Result<Vec<_>>>()
            .map(Source::Records)
    }
}

/// Build the feed from `sources`, in order. A service id used twice is an error.
pub fn build(
    sources: &[Source],
    publisher: Publisher,
    generated_at: Timestamp,
    geo: &Geography,
) -> Result<(BuiltFeed, Report)> {
    let ages = reviewed_ages();
    let mut report = Report::default();
    let mut runs: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for s in sources {
        if let Source::Records(records) = s {
            for r in records {
                runs.entry(r.organisation.as_str())
                    .or_default()
                    .push(r.name.as_str());
            }
        }
    }
    let mut seen = HashSet::new();
    let mut services = Vec::new();
    for s in sources {
        match s {
            Source::Records(records) => {
                for r in records {
                    if !seen.insert(r.id.clone()) {
                        return Err(Error::SourceInvalid(format!(
                            "service id \"{}\" is used twice",
                            r.id
                        )));
                    }
                    let built =
                        service(r, &runs[r.organisation.as_str()], &ages, geo, &mut report)?;
                    services.push(OutService::Built(Box::new(built)));
                }
            }
            Source::Feed(feed) => {
                report
                    .warnings
                    .extend(feed.problems.iter().map(|p| p.to_string()));
                for svc in &feed.services {
                    if !seen.insert(svc.id.clone()) {
                        return Err(Error::SourceInvalid(format!(
                            "service id \"{}\" is used twice",
                            svc.id
                        )));
                    }
                    let value = serde_json::to_value(svc).expect("services serialise");
                    services.push(OutService::Imported(without_nulls(value)));
                }
            }
        }
    }
    Ok((
        BuiltFeed {
            version: "3.0",
            publisher,
            generated_at: generated_at.to_string(),
            services,
        },
        report,
    ))
}

/// HSDS wants an optional field absent, not null.
fn without_nulls(v: Value) -> Value {
    match v {
        Value::Object(o) => Value::Object(
            o.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, without_nulls(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.into_iter().map(without_nulls).collect()),
        v => v,
    }
}

/// The feed as the bundled snapshot writes it: one space of indent, a final newline.
pub fn to_json(feed: &BuiltFeed) -> Vec<u8> {
    let mut out = Vec::new();
    let fmt = serde_json::ser::PrettyFormatter::with_indent(b" ");
    let mut ser = serde_json::Serializer::with_formatter(&mut out, fmt);
    feed.serialize(&mut ser).expect("the feed serialises");
    out.push(b'\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn review_dates_never_look_newer_than_they_are() {
        assert_eq!(
            assured_date(Some("2023-10-27")),
            Ok(Some("2023-10-27".into()))
        );
        assert_eq!(assured_date(Some("2021-12")), Ok(Some("2021-12-01".into())));
        assert_eq!(assured_date(None), Ok(None));
        assert!(assured_date(Some("last year")).is_err());
    }

    #[test]
    fn organisation_ids_are_slugs() {
        assert_eq!(
            slug("Women and Girls Network (WGN)"),
            "women-and-girls-network-wgn"
        );
    }
}
