//! Search: understand the query, rank services, apply filters, explain each hit.
//!
//! Ranking is BM25 over weighted fields (name > categories and concepts > eligibility >
//! description), with exact words above stemmed, prefix and typo-tolerant ones, then a
//! place factor: services covering the place searched for first, London-wide next,
//! national after; services elsewhere still show, lower.

mod explain;
mod query;

use std::sync::Arc;

use jiff::Timestamp;
use serde::Serialize;
use tantivy::collector::TopDocs;
use tantivy::{DocId, Score, SegmentReader};

use crate::error::{Error, Result};
use crate::facts::{Facts, PlaceMatch};
use crate::geo::{distance_km, Geography, Place};
use crate::hours::{london, OpenState};
use crate::index::Generation;
use crate::model::{Referral, CATEGORIES};
use crate::text;
use crate::thesaurus::Thesaurus;

pub use explain::{MatchKind, MatchedWord};
pub use query::Understood;

/// Referral route filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReferralFilter {
    /// People can refer themselves (self or both).
    SelfReferral,
    /// Takes referrals from professionals (professional or both).
    Professional,
    /// Only professionals can refer.
    ProfessionalOnly,
}

impl ReferralFilter {
    pub fn parse(s: &str) -> Result<ReferralFilter> {
        match s.trim().to_ascii_lowercase().as_str() {
            "self" | "self-referral" => Ok(ReferralFilter::SelfReferral),
            "professional" => Ok(ReferralFilter::Professional),
            "professional-only" => Ok(ReferralFilter::ProfessionalOnly),
            other => Err(Error::InvalidQuery(format!(
                "\"{other}\" is not a referral route; use self, professional or professional-only"
            ))),
        }
    }

    fn accepts(self, r: Option<Referral>) -> bool {
        match (self, r) {
            (_, None) => false,
            (ReferralFilter::SelfReferral, Some(r)) => r.allows_self(),
            (ReferralFilter::Professional, Some(r)) => r != Referral::SelfReferral,
            (ReferralFilter::ProfessionalOnly, Some(r)) => r == Referral::Professional,
        }
    }
}

/// What to search for.
#[derive(Debug, Clone, Default)]
pub struct SearchRequest {
    /// The words typed; may hold a postcode, district or borough ("idva e8").
    pub text: String,
    /// A borough picked: only services covering it, local ones first.
    pub borough: Option<String>,
    /// A full postcode or district: services covering it first, the rest lower.
    pub postcode: Option<String>,
    /// Category ids; a service must have one of them.
    pub categories: Vec<String>,
    /// Only services open at `at` (services with unknown hours are left out).
    pub open_now: bool,
    /// The instant for "open now" and hours shown; now when `None`.
    pub at: Option<Timestamp>,
    pub referral: Option<ReferralFilter>,
    /// Only services whose age range includes this age (no stated range passes).
    pub age: Option<u32>,
    /// Only services listing this language.
    pub language: Option<String>,
    /// Most hits to return; 10 when 0.
    pub limit: usize,
}

/// One service found.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    pub id: String,
    pub name: String,
    pub organisation: String,
    pub categories: Vec<String>,
    /// Borough names, "London-wide", "National".
    pub coverage: Vec<String>,
    /// How the service's coverage relates to the place searched for, if any.
    pub place_match: Option<PlaceMatch>,
    pub open: OpenState,
    /// The open state in words ("open now until 17:00", "hours unknown").
    pub open_text: String,
    pub referral: Option<Referral>,
    pub assured_date: Option<String>,
    /// Query words and what they matched.
    pub matched: Vec<MatchedWord>,
    /// True when some query word matched only approximately (a typo) or not at all.
    pub partial: bool,
    pub score: f32,
}

#[derive(Debug, Clone, Serialize)]
pub struct SearchResults {
    pub hits: Vec<Hit>,
    pub understood: Understood,
    /// The place results are ranked for, if any.
    pub place: Option<Place>,
    pub at: Timestamp,
}

/// Filters resolved against the geography, owned so the collector can keep them.
#[derive(Clone)]
struct Filters {
    borough: Option<String>,
    categories: Vec<String>,
    open_at: Option<jiff::civil::DateTime>,
    referral: Option<ReferralFilter>,
    age: Option<u32>,
    language: Option<String>,
}

impl Filters {
    fn accept(&self, f: &Facts) -> bool {
        self.borough.as_deref().is_none_or(|b| f.coverage.covers(b))
            && (self.categories.is_empty()
                || f.categories.iter().any(|c| self.categories.contains(c)))
            && self.referral.is_none_or(|r| r.accepts(f.referral))
            && self.age.is_none_or(|a| {
                f.min_age.is_none_or(|lo| a >= lo) && f.max_age.is_none_or(|hi| a <= hi)
            })
            && self
                .language
                .as_deref()
                .is_none_or(|l| f.languages.iter().any(|x| x.contains(l)))
            && self
                .open_at
                .is_none_or(|t| f.hours.open_at_local(t) == Some(true))
    }
}

pub(crate) fn run(
    gen: &Generation,
    geo: &Geography,
    thesaurus: &Thesaurus,
    req: &SearchRequest,
) -> Result<SearchResults> {
    let at = req.at.unwrap_or_else(Timestamp::now);
    let borough = req
        .borough
        .as_deref()
        .filter(|b| !b.trim().is_empty())
        .map(|b| {
            geo.find_borough(b).ok_or_else(|| {
                Error::InvalidQuery(format!("\"{b}\" is not a London borough; use a name such as \"Hackney\" or \"Tower Hamlets\""))
            })
        })
        .transpose()?;
    let postcode_place = req
        .postcode
        .as_deref()
        .filter(|p| !p.trim().is_empty())
        .map(|p| {
            geo.parse_postcode(p)
                .map_err(|e| Error::InvalidQuery(format!("\"{}\" {e}", p.trim())))
        })
        .transpose()?;
    for c in &req.categories {
        if !CATEGORIES.contains(&c.as_str()) {
            return Err(Error::InvalidQuery(format!(
                "\"{c}\" is not a category; use one of: {}",
                CATEGORIES.join(", ")
            )));
        }
    }
    let searcher = gen.reader.searcher();
    let understood = query::understand(&req.text, &searcher, gen, geo, thesaurus)?;
    // A place picked or given explicitly wins over one typed in the query.
    let place = postcode_place
        .or_else(|| borough.map(|b| geo.borough_place(b)))
        .or_else(|| understood.place.clone());

    let filters = Filters {
        borough: borough.map(|b| b.gss_code.clone()),
        categories: req.categories.clone(),
        open_at: req
            .open_now
            .then(|| at.to_zoned(london().clone()).datetime()),
        referral: req.referral,
        age: req.age,
        language: req
            .language
            .as_deref()
            .map(text::normalize)
            .filter(|l| !l.is_empty()),
    };
    let limit = if req.limit == 0 { 10 } else { req.limit };
    // Local services are lifted above better-scoring ones after collection, so collect
    // enough candidates for the lift to see them.
    let candidates = (limit * 4).max(40);
    let tantivy_query = query::build(&understood, gen);
    let facts: Arc<[Facts]> = gen.facts.clone();
    let ord_field = "ord";
    let rank_place = place.clone();
    let collector = TopDocs::with_limit(candidates).tweak_score(move |segment: &SegmentReader| {
        let ords = segment
            .fast_fields()
            .u64(ord_field)
            .expect("ord is a fast field")
            .first_or_default_col(0);
        let facts = facts.clone();
        let filters = filters.clone();
        let place = rank_place.clone();
        move |doc: DocId, score: Score| -> Score {
            let f = &facts[ords.get_val(doc) as usize];
            if !filters.accept(f) {
                return Score::NEG_INFINITY;
            }
            match &place {
                Some(p) => score * f.coverage.match_place(p).factor() * nearness(f, p),
                None => score,
            }
        }
    });
    let top = searcher.search(&*tantivy_query, &collector)?;

    let mut hits = Vec::new();
    for (score, address) in top.into_iter().filter(|(s, _)| s.is_finite()) {
        let ords = searcher
            .segment_reader(address.segment_ord)
            .fast_fields()
            .u64(ord_field)?
            .first_or_default_col(0);
        let ord = ords.get_val(address.doc_id) as usize;
        let (s, f) = (&gen.services[ord], &gen.facts[ord]);
        let (matched, partial) = explain::explain(s, &understood, gen, thesaurus);
        let open = f.hours.state_at(at);
        hits.push(Hit {
            id: s.id.clone(),
            name: s.name.clone(),
            organisation: s.organization_name().to_string(),
            categories: f.categories.clone(),
            coverage: f.coverage.labels(geo),
            place_match: place.as_ref().map(|p| f.coverage.match_place(p)),
            open,
            open_text: open.describe(at),
            referral: f.referral,
            assured_date: s.assured_date.clone(),
            matched,
            partial,
            score,
        });
    }
    order(&mut hits);
    hits.truncate(limit);
    Ok(SearchResults {
        hits,
        understood,
        place,
        at,
    })
}

/// Share of the best match's score (before place factors) a local service needs to be
/// lifted to the top: local services first, but only those that really match.
const LOCAL_FIRST_SHARE: f32 = 0.15;

/// Final order: services working in the place searched for first, among those matching
/// at least `LOCAL_FIRST_SHARE` as well as the best; then everything by score (which
/// already ranks London-wide above national); equal scores in name order.
fn order(hits: &mut [Hit]) {
    let base = |h: &Hit| h.score / h.place_match.map_or(1.0, PlaceMatch::factor);
    let best = hits.iter().map(base).fold(0.0f32, f32::max);
    let lifted =
        |h: &Hit| h.place_match == Some(PlaceMatch::Local) && base(h) >= LOCAL_FIRST_SHARE * best;
    hits.sort_by(|a, b| {
        lifted(b)
            .cmp(&lifted(a))
            .then_with(|| b.score.total_cmp(&a.score))
            .then_with(|| a.name.cmp(&b.name))
    });
}

/// Among services covering the place, those with a location nearer the district centroid
/// come a little first.
fn nearness(f: &Facts, place: &Place) -> f32 {
    match place.centroid {
        Some(c) if !f.locations.is_empty() => {
            let km = f
                .locations
                .iter()
                .map(|l| distance_km(*l, c))
                .fold(f64::INFINITY, f64::min);
            1.0 + 0.1 / (1.0 + km as f32)
        }
        _ => 1.0,
    }
}
