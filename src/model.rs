//! The directory's data model: HSDS 3.0 service shapes (serde), as they arrive in a feed
//! and as they are kept after validation. Field names follow HSDS; unknown fields are
//! ignored, and `null` reads as empty for lists, so feeds from other publishers load.

use serde::{Deserialize, Deserializer, Serialize};

/// Taxonomy of the `attributes` that carry a service's categories.
pub const TAXONOMY_CATEGORY: &str = "signpost:category";
/// Taxonomy of the attribute that carries the referral route.
pub const TAXONOMY_REFERRAL: &str = "signpost:referral";
/// Taxonomy of the attributes that name where a fact was seen.
pub const TAXONOMY_SOURCE: &str = "signpost:source";
/// Location attribute (code) that marks an address as confidential, e.g. a refuge.
pub const ATTRIBUTE_ADDRESS_CONFIDENTIAL: &str = "address_confidential";

/// The category for services that fit no other type of help.
pub const OTHER: &str = "other";

/// The category vocabulary (`shared/data/README.md`).
pub const CATEGORIES: &[&str] = &[
    "domestic-abuse",
    "sexual-violence",
    "hate-crime",
    "terrorism-major-incident",
    "general-victim-support",
    "youth-violence-exploitation",
    "restorative-justice",
    "fraud-cybercrime",
    "modern-slavery",
    "mental-health-crisis",
    "emergency-reporting",
    "witness-support",
    "stalking-harassment",
    "children-families",
    "lgbtq",
    "other",
];

/// The category's name for people ("Domestic abuse").
pub fn category_label(code: &str) -> &'static str {
    match code {
        "domestic-abuse" => "Domestic abuse",
        "sexual-violence" => "Sexual violence",
        "hate-crime" => "Hate crime",
        "terrorism-major-incident" => "Terrorism and major incidents",
        "general-victim-support" => "Victim support",
        "youth-violence-exploitation" => "Youth violence and exploitation",
        "restorative-justice" => "Restorative justice",
        "fraud-cybercrime" => "Fraud and cybercrime",
        "modern-slavery" => "Modern slavery",
        "mental-health-crisis" => "Mental health crisis",
        "emergency-reporting" => "Emergency and reporting",
        "witness-support" => "Witness support",
        "stalking-harassment" => "Stalking and harassment",
        "children-families" => "Children and families",
        "lgbtq" => "LGBTQ+",
        _ => "Other",
    }
}

/// The category's name inside a sentence ("no local sexual violence service"): lower case,
/// except a name that is an acronym ("LGBTQ+").
pub fn category_in_sentence(code: &str) -> String {
    let label = category_label(code);
    if label.chars().filter(|c| c.is_uppercase()).count() > 1 {
        label.to_string()
    } else {
        label.to_lowercase()
    }
}

/// A category as a bit, for filtering without string work.
pub fn category_bit(code: &str) -> Option<u32> {
    CATEGORIES.iter().position(|c| *c == code).map(|i| 1 << i)
}

fn null_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// A field HSDS types as a number that other publishers write as text, or the reverse:
/// read as text.
fn text_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Option::<serde_json::Value>::deserialize(d)? {
        Some(serde_json::Value::String(s)) => Some(s),
        Some(serde_json::Value::Number(n)) => Some(n.to_string()),
        None | Some(serde_json::Value::Null) => None,
        Some(other) => {
            return Err(serde::de::Error::custom(format!(
                "expected text or a number, found {other}"
            )))
        }
    })
}

/// One support service (HSDS `service`, with its nested objects).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Service {
    #[serde(deserialize_with = "null_default")]
    /// Stable id (a slug for Signpost's own services).
    pub id: String,
    #[serde(deserialize_with = "null_default")]
    /// The service's name.
    pub name: String,
    /// Another name it goes by.
    pub alternate_name: Option<String>,
    /// `active`, or `inactive`/`defunct` (set aside).
    pub status: Option<String>,
    /// What it does.
    pub description: Option<String>,
    /// Its website.
    pub url: Option<String>,
    /// Its email address.
    pub email: Option<String>,
    /// The organisation that runs it.
    pub organization: Option<Organization>,
    #[serde(deserialize_with = "null_default")]
    /// Its phone numbers, main one first.
    pub phones: Vec<Phone>,
    #[serde(deserialize_with = "null_default")]
    /// Its opening hours.
    pub schedules: Vec<Schedule>,
    #[serde(deserialize_with = "null_default")]
    /// Where it works.
    pub service_areas: Vec<ServiceArea>,
    #[serde(deserialize_with = "null_default")]
    /// Where it is (confidential addresses redacted).
    pub service_at_locations: Vec<ServiceAtLocation>,
    #[serde(deserialize_with = "null_default")]
    /// Languages it offers.
    pub languages: Vec<Language>,
    /// Who it is for, as published.
    pub eligibility_description: Option<String>,
    /// The youngest age it serves, if stated.
    pub minimum_age: Option<f64>,
    /// The oldest age it serves, if stated.
    pub maximum_age: Option<f64>,
    /// How to get help from it, as published.
    pub application_process: Option<String>,
    /// Date the record was last checked by its publisher (`YYYY-MM-DD`).
    pub assured_date: Option<String>,
    /// When the publisher last changed the record.
    pub last_modified: Option<String>,
    /// Caveats about the record: conflicting sources, numbers left out on purpose.
    pub alert: Option<String>,
    #[serde(deserialize_with = "null_default")]
    /// Taxonomy terms: categories, referral route, sources.
    pub attributes: Vec<Attribute>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
/// The organisation running a service.
pub struct Organization {
    /// Its id.
    pub id: Option<String>,
    #[serde(deserialize_with = "null_default")]
    /// Its name.
    pub name: String,
    /// Its website.
    pub url: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
/// A phone number and when it is answered.
pub struct Phone {
    /// Its id.
    pub id: Option<String>,
    #[serde(deserialize_with = "null_default")]
    /// The number as published.
    pub number: String,
    /// A number in HSDS 3.0 (`100`); text in other feeds. Read as either.
    #[serde(deserialize_with = "text_or_number")]
    pub extension: Option<String>,
    #[serde(rename = "type")]
    /// `voice`, `text`, `fax`… as published.
    pub kind: Option<String>,
    /// What the number is for ("Emergency via textphone").
    pub description: Option<String>,
    #[serde(deserialize_with = "null_default")]
    /// When it is answered.
    pub schedules: Vec<Schedule>,
    #[serde(deserialize_with = "null_default")]
    /// Its sources and other terms.
    pub attributes: Vec<Attribute>,
}

/// Opening hours, one rule per schedule, in Europe/London wall-clock time.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Schedule {
    /// Its id.
    pub id: Option<String>,
    /// `WEEKLY` (or `DAILY`); other frequencies are kept as text only.
    pub freq: Option<String>,
    /// Days as RFC 5545 codes, comma separated: `MO,TU,WE`.
    pub byday: Option<String>,
    /// `HH:MM` local time.
    pub opens_at: Option<String>,
    /// `HH:MM` local time; before `opens_at` means the hours run past midnight.
    pub closes_at: Option<String>,
    /// The first date the hours apply (YYYY-MM-DD).
    pub valid_from: Option<String>,
    /// The last date the hours apply (YYYY-MM-DD).
    pub valid_to: Option<String>,
    /// The hours as published, shown to people whether or not a rule could be read.
    pub description: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
/// An area a service works in.
pub struct ServiceArea {
    /// Its id.
    pub id: Option<String>,
    #[serde(deserialize_with = "null_default")]
    /// Its name (a borough, "London-wide", "National").
    pub name: String,
    /// More about it.
    pub description: Option<String>,
    /// Its extent, as published (GeoJSON or text).
    pub extent: Option<String>,
    /// What `extent` is.
    pub extent_type: Option<String>,
    /// e.g. `http://statistics.data.gov.uk/id/statistical-geography/E09000012`.
    pub uri: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
/// A service at a location.
pub struct ServiceAtLocation {
    /// Its id.
    pub id: Option<String>,
    /// More about the service there.
    pub description: Option<String>,
    /// The location.
    pub location: Option<Location>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
/// A place a service is delivered from.
pub struct Location {
    /// Its id.
    pub id: Option<String>,
    /// `physical`, `postal`, `virtual`; `redacted` means the address is confidential.
    pub location_type: Option<String>,
    /// Its name.
    pub name: Option<String>,
    /// More about it.
    pub description: Option<String>,
    /// Latitude.
    pub latitude: Option<f64>,
    /// Longitude.
    pub longitude: Option<f64>,
    #[serde(deserialize_with = "null_default")]
    /// Its addresses.
    pub addresses: Vec<Address>,
    #[serde(deserialize_with = "null_default")]
    /// Its terms (for example, that the address is confidential).
    pub attributes: Vec<Attribute>,
    /// Set by validation: the borough (GSS code) of a location, the one fact kept when
    /// its address is confidential.
    pub borough: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
/// A postal address.
pub struct Address {
    /// First line.
    pub address_1: Option<String>,
    /// Second line.
    pub address_2: Option<String>,
    /// Town or city.
    pub city: Option<String>,
    /// Region.
    pub region: Option<String>,
    /// State or province.
    pub state_province: Option<String>,
    /// Postcode.
    pub postal_code: Option<String>,
    /// Country code.
    pub country: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
/// A language a service offers.
pub struct Language {
    /// Its id.
    pub id: Option<String>,
    /// Its name ("Polish").
    pub name: Option<String>,
    /// Its code ("pl").
    pub code: Option<String>,
    /// A note about it.
    pub note: Option<String>,
}

/// An HSDS attribute: a taxonomy term attached to a record, with an optional value.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Attribute {
    /// Its id.
    pub id: Option<String>,
    /// The kind of record it is attached to.
    pub link_entity: Option<String>,
    /// The id of that record.
    pub link_id: Option<String>,
    /// The id of its taxonomy term.
    pub taxonomy_term_id: Option<String>,
    /// The term itself.
    pub taxonomy_term: Option<TaxonomyTerm>,
    /// A value, for terms that carry one (a source's address).
    pub value: Option<String>,
}

/// An HSDS 3.0 taxonomy term. `term` is the older field for its label (HSDS 2 and early
/// Signpost feeds), still read.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct TaxonomyTerm {
    /// Its id.
    pub id: Option<String>,
    /// Its code (`domestic-abuse`).
    pub code: Option<String>,
    /// Its label.
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Its label in older feeds.
    pub term: Option<String>,
    /// What it means.
    pub description: Option<String>,
    /// The taxonomy it belongs to (`signpost:category`).
    pub taxonomy: Option<String>,
}

impl Attribute {
    /// The taxonomy this attribute belongs to, from the term or from a
    /// `taxonomy/code` style `taxonomy_term_id`.
    pub fn taxonomy(&self) -> Option<&str> {
        self.taxonomy_term
            .as_ref()
            .and_then(|t| t.taxonomy.as_deref())
            .or_else(|| {
                self.taxonomy_term_id
                    .as_deref()
                    .and_then(|id| id.rsplit_once('/'))
                    .map(|(t, _)| t)
            })
    }

    /// The term's code (falling back to its name, then the id's last part).
    pub fn code(&self) -> Option<&str> {
        let term = self.taxonomy_term.as_ref();
        term.and_then(|t| t.code.as_deref())
            .or_else(|| term.and_then(|t| t.name.as_deref().or(t.term.as_deref())))
            .or_else(|| {
                self.taxonomy_term_id
                    .as_deref()
                    .map(|id| id.rsplit('/').next().unwrap_or(id))
            })
    }
}

/// How a person reaches the service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Referral {
    /// People can contact it themselves.
    #[serde(rename = "self")]
    SelfReferral,
    /// Only a professional can refer.
    Professional,
    /// Either.
    Both,
}

impl Referral {
    /// The route from its code: `self`, `professional` or `both`.
    pub fn parse(code: &str) -> Option<Referral> {
        match code {
            "self" => Some(Referral::SelfReferral),
            "professional" => Some(Referral::Professional),
            "both" => Some(Referral::Both),
            _ => None,
        }
    }
    /// True when people can contact it themselves.
    pub fn allows_self(self) -> bool {
        matches!(self, Referral::SelfReferral | Referral::Both)
    }
}

impl Service {
    /// Attribute codes of one taxonomy, in feed order.
    pub fn attribute_codes<'a>(&'a self, taxonomy: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.attributes
            .iter()
            .filter(move |a| a.taxonomy() == Some(taxonomy))
            .filter_map(Attribute::code)
    }

    /// The service's categories from the vocabulary.
    pub fn categories(&self) -> Vec<&str> {
        self.attribute_codes(TAXONOMY_CATEGORY)
            .filter(|c| CATEGORIES.contains(c))
            .collect()
    }

    /// The referral route, when the feed states one.
    pub fn referral(&self) -> Option<Referral> {
        self.attribute_codes(TAXONOMY_REFERRAL)
            .find_map(Referral::parse)
    }

    /// Where the record's facts were seen (URLs).
    pub fn sources(&self) -> Vec<&str> {
        attribute_values(&self.attributes, TAXONOMY_SOURCE)
    }

    /// The organisation's name, or empty.
    pub fn organization_name(&self) -> &str {
        self.organization
            .as_ref()
            .map(|o| o.name.as_str())
            .unwrap_or("")
    }
}

impl Phone {
    /// Where this number was seen.
    pub fn sources(&self) -> Vec<&str> {
        attribute_values(&self.attributes, TAXONOMY_SOURCE)
    }
}

fn attribute_values<'a>(attributes: &'a [Attribute], taxonomy: &str) -> Vec<&'a str> {
    attributes
        .iter()
        .filter(|a| a.taxonomy() == Some(taxonomy))
        .filter_map(|a| a.value.as_deref())
        .collect()
}
