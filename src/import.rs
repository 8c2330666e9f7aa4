//! Importing an Open Referral directory (an ORUK or HSDS 3.0 API) as a Signpost feed for a
//! publisher to review and sign: page through `BASE/services` in either list shape, fetch
//! `BASE/services/{id}` for list items without their nested parts, map taxonomy terms to
//! Signpost's categories through `index-data/taxonomy-map.json`, and write the feed. It
//! never signs: a person reads what changed first.

use std::collections::{BTreeMap, HashMap, HashSet};

use jiff::Timestamp;
use reqwest::Url;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::error::{Error, Result};
use crate::model::{Attribute, CATEGORIES, TAXONOMY_CATEGORY};
use crate::sync::fetch::{check_url, Fetched, Fetcher, Limits, Validators};
use crate::text;

/// Most pages read: a directory larger than this is not one borough's.
pub const MAX_PAGES: u32 = 500;
/// Largest page or service document accepted (a page of a hundred services is well under
/// 1 MB).
const MAX_PAGE_BYTES: u64 = 16 << 20;
/// Most JSON read in all: what the feed reader accepts from a file.
const MAX_TOTAL_BYTES: u64 = crate::files::DATA_FILE_MAX;
/// How long an import may take in all, unless told otherwise: a borough's directory comes
/// in minutes; 500 slow pages would otherwise take most of an hour.
pub const DEADLINE: std::time::Duration = std::time::Duration::from_secs(20 * 60);

/// What a list item must carry to be used without fetching the whole service.
const NESTED_PARTS: &[&str] = &["service_areas", "attributes"];

/// How taxonomy terms map to Signpost's categories (`index-data/taxonomy-map.json`).
#[derive(Debug, Clone, Deserialize)]
pub struct TaxonomyMap {
    terms: HashMap<String, String>,
}

impl TaxonomyMap {
    /// The map shipped in `index-data/`.
    pub fn bundled() -> TaxonomyMap {
        TaxonomyMap::from_json(crate::bundled::TAXONOMY_MAP).expect("bundled taxonomy map")
    }

    /// Read a map; every category it names must be one of Signpost's.
    pub fn from_json(json: &str) -> std::result::Result<TaxonomyMap, String> {
        let mut map: TaxonomyMap = serde_json::from_str(json).map_err(|e| e.to_string())?;
        if let Some((term, c)) = map
            .terms
            .iter()
            .find(|(_, c)| !CATEGORIES.contains(&c.as_str()))
        {
            return Err(format!(
                "\"{term}\" maps to \"{c}\", not a Signpost category"
            ));
        }
        map.terms = map
            .terms
            .into_iter()
            .map(|(t, c)| (text::normalize(&t), c))
            .collect();
        Ok(map)
    }

    /// The category for a term, by its name, then its code.
    fn category<'a>(&'a self, a: &'a Attribute) -> Option<&'a str> {
        if a.taxonomy() == Some(TAXONOMY_CATEGORY) {
            return a.code().filter(|c| CATEGORIES.contains(c));
        }
        let term = a.taxonomy_term.as_ref()?;
        [&term.name, &term.term, &term.code]
            .into_iter()
            .flatten()
            .find_map(|t| self.terms.get(&text::normalize(t)))
            .map(String::as_str)
    }
}

/// What an import found.
#[derive(Debug, Default)]
pub struct Imported {
    /// The feed document, ready to write (each service kept as compact JSON as it came, so
    /// memory stays near the size of the JSON read).
    pub feed: Vec<u8>,
    /// Services written.
    pub services: usize,
    /// Pages read.
    pub pages: u32,
    /// Services fetched whole because their list item lacked nested parts.
    pub fetched_whole: usize,
    /// Terms not in the map, with how many services carry each, by name.
    pub unmapped: BTreeMap<String, usize>,
    /// Services left with no Signpost category (no term mapped).
    pub uncategorised: usize,
    /// List items left out, by id, with why: an item without its nested parts whose id
    /// names no address of its own (`.`, `..`) could only be fetched from another address.
    pub left_out: Vec<(String, String)>,
}

/// Progress, for the command line.
pub enum Progress {
    /// A page of services read.
    Page {
        /// Its number, from 1.
        page: u32,
        /// How many pages the API says there are, if it says.
        of: Option<u32>,
        /// Services read so far.
        services: usize,
    },
}

/// One page of an API's service list, in either shape.
struct Page {
    items: Vec<Value>,
    total_pages: Option<u32>,
    last: bool,
}

fn page_of(doc: Value, url: &Url) -> Result<Page> {
    let Value::Object(mut obj) = doc else {
        return Err(shape(url, "the page is not a JSON object"));
    };
    let items = match obj.remove("contents").or_else(|| obj.remove("content")) {
        Some(Value::Array(items)) => items,
        _ => {
            return Err(shape(
                url,
                "the page has no \"contents\" (ORUK 3.0) or \"content\" (earlier ORUK) list",
            ))
        }
    };
    let number = |keys: &[&str]| {
        keys.iter()
            .find_map(|k| obj.get(*k).and_then(Value::as_u64))
            .map(|n| n.min(u64::from(u32::MAX)) as u32)
    };
    let total_pages = number(&["total_pages", "totalPages"]);
    let last = ["last_page", "last"]
        .iter()
        .find_map(|k| obj.get(*k).and_then(Value::as_bool))
        .unwrap_or(false);
    Ok(Page {
        items,
        total_pages,
        last,
    })
}

fn shape(url: &Url, why: &str) -> Error {
    Error::Import(format!("{url}: {why}"))
}

/// Import the directory at `base` (the API root, without `/services`), within `deadline`
/// in all (see [`DEADLINE`]).
pub async fn import(
    base: &str,
    publisher: &str,
    map: &TaxonomyMap,
    limits: Limits,
    deadline: std::time::Duration,
    now: Timestamp,
    progress: &(dyn Fn(Progress) + Send + Sync),
) -> Result<Imported> {
    let base = check_url(base.trim_end_matches('/'))?;
    let api = Api {
        fetcher: Fetcher::new(limits, &base)?,
        base,
        map,
        read: std::sync::atomic::AtomicU64::new(0),
    };
    let mut out = Imported::default();
    let within = tokio::time::timeout(deadline, api.all_services(&mut out, progress)).await;
    let Ok(services) = within else {
        return Err(Error::Import(format!(
            "the import did not finish within {} (after {} pages); nothing was written",
            in_words(deadline),
            out.pages
        )));
    };
    let services = services?;
    out.services = services.len();
    let envelope = json!({
        "version": "3.0",
        "publisher": {
            "name": publisher,
            "description": format!("Imported from {} by signpost import", api.base),
        },
        "generated_at": now.to_string(),
    });
    out.feed = with_services(&envelope, &services);
    Ok(out)
}

/// "20 minutes", "2 s".
fn in_words(d: std::time::Duration) -> String {
    match d.as_secs() {
        s if s >= 120 && s % 60 == 0 => format!("{} minutes", s / 60),
        s => format!("{s} s"),
    }
}

/// The feed document: `envelope` with a `services` list of the kept compact services, one
/// to a line.
fn with_services(envelope: &Value, services: &[Box<serde_json::value::RawValue>]) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(envelope).expect("JSON values serialise");
    out.truncate(out.len() - 2); // "\n}"
    out.extend_from_slice(b",\n  \"services\": [");
    for (i, s) in services.iter().enumerate() {
        out.extend_from_slice(if i == 0 { b"\n    " } else { b",\n    " });
        out.extend_from_slice(s.get().as_bytes());
    }
    out.extend_from_slice(b"\n  ]\n}\n");
    out
}

/// An Open Referral API: its root address, the fetcher that reads it, the map its terms
/// go through, and how many bytes it has sent.
struct Api<'a> {
    base: Url,
    fetcher: Fetcher,
    map: &'a TaxonomyMap,
    read: std::sync::atomic::AtomicU64,
}

impl Api<'_> {
    /// One page or service, as JSON.
    async fn get(&self, url: Url) -> Result<Value> {
        match self
            .fetcher
            .get(&url, &Validators::default(), MAX_PAGE_BYTES, &|_| {})
            .await?
        {
            Fetched::Body { bytes, .. } => {
                use std::sync::atomic::Ordering;
                let read = self.read.fetch_add(bytes.len() as u64, Ordering::Relaxed);
                if read + bytes.len() as u64 > MAX_TOTAL_BYTES {
                    return Err(Error::Import(format!(
                        "the API sent more than {} MB in all, more than a feed may hold; nothing was written",
                        MAX_TOTAL_BYTES >> 20
                    )));
                }
                serde_json::from_slice::<Value>(&bytes)
                    .map_err(|e| shape(&url, &format!("not valid JSON ({e})")))
            }
            Fetched::NotModified => Err(shape(&url, "answered 304 to a plain request")),
        }
    }

    /// `BASE/services` followed by `rest` ("?page=2", "/an-id").
    fn services_url(&self, rest: &str) -> Result<Url> {
        Url::parse(&format!(
            "{}/services{rest}",
            self.base.as_str().trim_end_matches('/')
        ))
        .map_err(|_| shape(&self.base, "cannot make the services address"))
    }

    /// Every service, page by page, each whole (fetched on its own when the list gives
    /// only a summary), categorised and kept as compact JSON; stops after [`MAX_PAGES`].
    async fn all_services(
        &self,
        out: &mut Imported,
        progress: &(dyn Fn(Progress) + Send + Sync),
    ) -> Result<Vec<Box<serde_json::value::RawValue>>> {
        let mut services: Vec<Box<serde_json::value::RawValue>> = Vec::new();
        let keep = |mut service: Value, out: &mut Imported| {
            categorise(&mut service, self.map, out);
            serde_json::value::to_raw_value(&service).expect("JSON values serialise")
        };
        let mut seen: HashSet<String> = HashSet::new();
        for page in 1.. {
            if page > MAX_PAGES {
                return Err(Error::Import(format!(
                    "{}: more than {MAX_PAGES} pages of services; stopped (no feed was written)",
                    self.base
                )));
            }
            let url = self.services_url(&format!("?page={page}"))?;
            let p = page_of(self.get(url.clone()).await?, &url)?;
            let empty = p.items.is_empty();
            for item in p.items {
                let Some(id) = item.get("id").and_then(Value::as_str).map(String::from) else {
                    // Kept as it is: the feed's reader sets it aside and says why.
                    services.push(keep(item, out));
                    continue;
                };
                // Some APIs repeat an item across pages when the list changes under them.
                if seen.insert(id.clone()) {
                    match self.whole(item, &id, out).await? {
                        Some(service) => services.push(keep(service, out)),
                        None => out.left_out.push((
                            id,
                            "its list item has no service areas or categories, and its id names no address to fetch them from".into(),
                        )),
                    }
                }
            }
            out.pages = page;
            progress(Progress::Page {
                page,
                of: p.total_pages,
                services: services.len(),
            });
            if empty || p.last || p.total_pages.is_some_and(|t| page >= t) {
                break;
            }
        }
        Ok(services)
    }

    /// The list item itself when it carries the nested parts, else `services/{id}`; `None`
    /// when the id would not name an address of its own (`services/..` is the API's root,
    /// whose answer must never be kept as a service).
    async fn whole(&self, item: Value, id: &str, out: &mut Imported) -> Result<Option<Value>> {
        if NESTED_PARTS.iter().all(|k| item.get(*k).is_some()) {
            return Ok(Some(item));
        }
        if matches!(id.trim(), "" | "." | "..") {
            return Ok(None);
        }
        out.fetched_whole += 1;
        let id_path: String = url::form_urlencoded::byte_serialize(id.as_bytes()).collect();
        self.get(self.services_url(&format!("/{id_path}"))?)
            .await
            .map(Some)
    }
}

/// Add Signpost category attributes for the service's mapped terms, and count the rest.
fn categorise(service: &mut Value, map: &TaxonomyMap, out: &mut Imported) {
    let Some(obj) = service.as_object_mut() else {
        return;
    };
    let id = obj
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let attributes: Vec<Attribute> = obj
        .get("attributes")
        .and_then(|a| serde_json::from_value(a.clone()).ok())
        .unwrap_or_default();
    let mut categories: Vec<&str> = Vec::new();
    for a in &attributes {
        match map.category(a) {
            Some(c) => categories.push(c),
            // A Signpost code outside the vocabulary: the reader ignores it too.
            None if a.taxonomy() == Some(TAXONOMY_CATEGORY) => {}
            None => {
                let name = a
                    .taxonomy_term
                    .as_ref()
                    .and_then(|t| t.name.clone().or(t.term.clone()).or(t.code.clone()))
                    .unwrap_or_else(|| a.taxonomy_term_id.clone().unwrap_or_default());
                if !name.is_empty() {
                    *out.unmapped.entry(name).or_default() += 1;
                }
            }
        }
    }
    let already: Vec<&str> = attributes
        .iter()
        .filter(|a| a.taxonomy() == Some(TAXONOMY_CATEGORY))
        .filter_map(Attribute::code)
        .collect();
    let mut new: Vec<&str> = Vec::new();
    for c in &categories {
        if !already.contains(c) && !new.contains(c) {
            new.push(c);
        }
    }
    let added: Vec<Value> = new
        .iter()
        .enumerate()
        .map(|(n, c)| {
            let a = crate::publish::category_attribute(&id, c, n);
            serde_json::to_value(a).expect("attributes serialise")
        })
        .collect();
    if categories.is_empty() {
        out.uncategorised += 1;
    }
    if !added.is_empty() {
        let list = obj
            .entry("attributes")
            .or_insert_with(|| Value::Array(Vec::new()));
        if !list.is_array() {
            *list = Value::Array(Vec::new());
        }
        list.as_array_mut().expect("just made a list").extend(added);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attribute(taxonomy: &str, name: &str) -> Attribute {
        serde_json::from_value(json!({
            "id": "a",
            "taxonomy_term": {"id": "t", "name": name, "description": "d", "taxonomy": taxonomy}
        }))
        .unwrap()
    }

    #[test]
    fn terms_map_by_name_whatever_their_case_and_punctuation() {
        let map = TaxonomyMap::bundled();
        assert_eq!(
            map.category(&attribute("esdNeeds", "Domestic Abuse")),
            Some("domestic-abuse")
        );
        assert_eq!(
            map.category(&attribute("x", "Honour-based abuse")),
            Some("domestic-abuse")
        );
        assert_eq!(map.category(&attribute("x", "Knitting")), None);
    }

    #[test]
    fn a_map_naming_an_unknown_category_is_refused() {
        let err = TaxonomyMap::from_json(r#"{"terms": {"knitting": "crafts"}}"#).unwrap_err();
        assert!(err.contains("not a Signpost category"), "{err}");
    }

    #[test]
    fn both_list_shapes_are_read() {
        let url = Url::parse("http://127.0.0.1/services").unwrap();
        let new = page_of(
            json!({"contents": [{"id": "a"}], "total_pages": 3, "last_page": false}),
            &url,
        )
        .unwrap();
        assert_eq!(
            (new.items.len(), new.total_pages, new.last),
            (1, Some(3), false)
        );
        let old = page_of(
            json!({"content": [{"id": "a"}, {"id": "b"}], "totalPages": 2, "last": true}),
            &url,
        )
        .unwrap();
        assert_eq!(
            (old.items.len(), old.total_pages, old.last),
            (2, Some(2), true)
        );
        assert!(page_of(json!({"items": []}), &url).is_err());
    }
}
