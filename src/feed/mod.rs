//! Reading feeds: the Signpost envelope (`{version, publisher, generated_at, services}`)
//! and Open Referral UK API pages in both list shapes. Records are parsed one by one so a
//! bad record is set aside with a reason while good ones are kept; a document that is not
//! JSON, or has no usable record, is refused whole.

pub mod diff;
mod validate;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::geo::Geography;
use crate::model::Service;

pub use validate::{Action, Problem};

/// What the feed says about itself.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FeedMeta {
    /// The feed's format version, as published.
    pub version: Option<String>,
    /// Who published it.
    pub publisher: Option<String>,
    /// When the publisher generated it; newer feeds replace older ones, never the reverse.
    pub generated_at: Option<Timestamp>,
}

/// A feed after validation: the services to index and the problems found.
#[derive(Debug, Clone)]
pub struct Feed {
    /// The envelope: version, publisher, date.
    pub meta: FeedMeta,
    /// The services kept, each checked.
    pub services: Vec<Service>,
    /// Records set aside and fields dropped, each with its reason.
    pub problems: Vec<Problem>,
}

impl Feed {
    /// Records set aside (not the fields dropped from kept records).
    pub fn set_aside(&self) -> impl Iterator<Item = &Problem> {
        with_action(&self.problems, Action::SetAside)
    }
}

/// The problems that led to `action`: the one place "records set aside" and "fields left
/// out" are told apart, for every count and list of them.
pub fn with_action(problems: &[Problem], action: Action) -> impl Iterator<Item = &Problem> {
    problems.iter().filter(move |p| p.action == action)
}

/// Parse and validate feed bytes.
pub fn read(bytes: &[u8], geo: &Geography) -> Result<Feed> {
    // A byte-order mark is how some Windows tools start UTF-8 files; it is not content.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let doc: Value =
        serde_json::from_slice(bytes).map_err(|e| Error::FeedNotJson(e.to_string()))?;
    let (meta, records) = split_document(doc)?;
    let (services, problems) = validate::records(records, geo);
    if services.is_empty() {
        return Err(Error::FeedEmpty {
            set_aside: with_action(&problems, Action::SetAside).count(),
        });
    }
    Ok(Feed {
        meta,
        services,
        problems,
    })
}

fn split_document(doc: Value) -> Result<(FeedMeta, Vec<Value>)> {
    let Value::Object(mut obj) = doc else {
        return Err(Error::FeedShape("expected a JSON object".into()));
    };
    let list = |v: Option<Value>, key: &str| match v {
        Some(Value::Array(a)) => Ok(a),
        Some(_) => Err(Error::FeedShape(format!("\"{key}\" is not a list"))),
        None => Ok(Vec::new()),
    };
    if obj.contains_key("services") {
        let generated_at = match obj.get("generated_at") {
            Some(Value::String(s)) => Some(s.parse::<Timestamp>().map_err(|_| {
                Error::FeedShape(format!("generated_at \"{s}\" is not an RFC 3339 date-time"))
            })?),
            _ => return Err(Error::FeedShape("it has no generated_at date-time".into())),
        };
        let publisher = match obj.get("publisher") {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Object(p)) => p.get("name").and_then(Value::as_str).map(String::from),
            _ => None,
        };
        let version = obj.get("version").and_then(Value::as_str).map(String::from);
        let services = list(obj.remove("services"), "services")?;
        return Ok((
            FeedMeta {
                version,
                publisher,
                generated_at,
            },
            services,
        ));
    }
    // One service, as an API's `/services/{id}` gives it (and the standards' examples).
    if obj.contains_key("id") && obj.contains_key("name") {
        return Ok((
            FeedMeta {
                version: Some("hsds".into()),
                ..Default::default()
            },
            vec![Value::Object(obj)],
        ));
    }
    // Open Referral UK pages: legacy `content`, 3.0 `contents`.
    for key in ["contents", "content"] {
        if obj.contains_key(key) {
            let services = list(obj.remove(key), key)?;
            return Ok((
                FeedMeta {
                    version: Some("oruk".into()),
                    ..Default::default()
                },
                services,
            ));
        }
    }
    Err(Error::FeedShape(
        "expected an object with a \"services\" list, an Open Referral UK page with \"content\" or \"contents\", or one service".into(),
    ))
}
