//! Search: understand the query, rank services, apply filters, explain each hit.
//!
//! Ranking is BM25 over weighted fields (name > categories and concepts > eligibility >
//! description), with exact words above stemmed, prefix and typo-tolerant ones, then a
//! place factor: services covering the place searched for first, London-wide next,
//! national after; services elsewhere still show, lower.

mod age;
mod collect;
mod explain;
mod query;
pub(crate) mod ranking;
mod vocabulary;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::facts::{Facts, PlaceMatch, Rank};
use crate::geo::{Geography, Place};
use crate::hours::{london, OpenState};
use crate::index::Generation;
use crate::meaning::Meaning;
use crate::model::{category_bit, Referral, CATEGORIES};
use crate::phone::Dial;
use crate::review::{self, Review};
use crate::text;
use crate::thesaurus::Thesaurus;

pub use explain::{MatchKind, MatchedWord};
pub use query::{About, ReadBy, Understood, UnderstoodPart, AGE_PART, DANGER_PART, PLACE_PART};
use ranking::{
    keep_a_way_to_report, keep_room_for_wider_services, keep_the_emergency_line_first, order,
    Candidate,
};

/// Referral route filter: `self`, `professional` or `professional-only`, as
/// [`ReferralFilter::parse`] reads them and the app's filter sends them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReferralFilter {
    /// People can refer themselves (self or both).
    #[serde(alias = "self")]
    SelfReferral,
    /// Takes referrals from professionals (professional or both).
    Professional,
    /// Only professionals can refer.
    ProfessionalOnly,
}

impl ReferralFilter {
    /// The filter from `self`, `professional` or `professional-only` (any case).
    pub fn parse(s: &str) -> Result<ReferralFilter> {
        match s.trim().to_ascii_lowercase().as_str() {
            "self" | "self-referral" => Ok(ReferralFilter::SelfReferral),
            "professional" => Ok(ReferralFilter::Professional),
            "professional-only" => Ok(ReferralFilter::ProfessionalOnly),
            other => Err(Error::UnknownReferral(other.to_string())),
        }
    }

    /// Given (self-referral possible, takes professional referrals).
    fn accepts(self, (own, professional): (bool, bool)) -> bool {
        match self {
            ReferralFilter::SelfReferral => own,
            ReferralFilter::Professional => professional,
            ReferralFilter::ProfessionalOnly => professional && !own,
        }
    }
}

/// What to search for. The app sends it as JSON; every field may be left out.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
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
    /// Only services taking referrals by this route.
    pub referral: Option<ReferralFilter>,
    /// Only services whose age range includes this age (no stated range passes).
    pub age: Option<u32>,
    /// Only services listing this language.
    pub language: Option<String>,
    /// Most hits to return; 10 when 0.
    pub limit: usize,
    /// Parts of what was understood the person removed (their keys, from
    /// [`Understood::parts`]): the query is read without them.
    pub set_aside: Vec<String>,
}

/// One service found.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    /// The service's id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// The organisation that runs it.
    pub organisation: String,
    /// Its category ids, main one first.
    pub categories: Vec<String>,
    /// Borough names, "London-wide", "National".
    pub coverage: Vec<String>,
    /// The same in one phrase ("All of London"): see [`crate::facts::Coverage::phrase`].
    pub covers: String,
    /// The main number (the first listed), for Call and Copy on the result.
    pub phone: Option<Dial>,
    /// How many numbers the record lists in all.
    pub phones: usize,
    /// How the service's coverage relates to the place searched for, if any.
    pub place_match: Option<PlaceMatch>,
    /// Open, closed or unknown at the moment searched.
    pub open: OpenState,
    /// The open state in words ("open now until 17:00", "hours unknown").
    pub open_text: String,
    /// How it takes referrals, when stated.
    pub referral: Option<Referral>,
    /// The same in brief, for a card: "self-referral", "professional referral only"
    /// ([`crate::present::referral_in_brief`]).
    pub referral_text: Option<String>,
    /// When the record was last reviewed (YYYY-MM-DD).
    pub assured_date: Option<String>,
    /// How long ago the record was reviewed, with its warning.
    pub review: Review,
    /// "Phone number changed on 3 Dec 2026", for a while after an update changed it.
    pub phone_changed: Option<String>,
    /// Query words and what they matched.
    pub matched: Vec<MatchedWord>,
    /// The same in words, as results show it: "dv → domestic abuse, hackney"
    /// ([`crate::present::why`]).
    pub why: String,
    /// True when some query word matched only approximately (a typo) or not at all.
    pub partial: bool,
    /// Why a ranking rule placed it where it is, when that was not its words: the way to
    /// report a crime the account tells ([`crate::present::TO_REPORT`]).
    pub placed: Option<String>,
    /// Its final score (for benchmarks and debugging; not shown).
    pub score: f32,
}

impl Hit {
    /// The service at `ord` in `gen` as a result, with nothing matched: what a list of
    /// services shows (search fills in `matched`, `partial` and `score`).
    pub(crate) fn of(
        gen: &Generation,
        geo: &Geography,
        ord: usize,
        at: Timestamp,
        place_match: Option<PlaceMatch>,
    ) -> Hit {
        let (s, f) = (&gen.summaries[ord], &gen.facts[ord]);
        let open = f.hours.state_at(at);
        let today = at.to_zoned(london().clone()).date();
        Hit {
            id: s.id.clone(),
            name: s.name.clone(),
            organisation: s.organisation.clone(),
            categories: f.categories.clone(),
            coverage: f.coverage.labels(geo),
            covers: f.coverage.phrase(geo),
            phone: s.phone.clone(),
            phones: s.phones,
            place_match,
            open,
            open_text: open.describe(at),
            referral: f.referral,
            referral_text: f
                .referral
                .map(|r| crate::present::referral_in_brief(r).to_string()),
            assured_date: s.assured_date.clone(),
            review: review::of(s.assured_date.as_deref(), today),
            phone_changed: crate::changed::notice(
                &gen.phone_changes,
                &s.id,
                at,
                gen.meta.generated_at,
            )
            .map(|n| n.tag),
            matched: Vec::new(),
            why: String::new(),
            partial: false,
            placed: None,
            score: 0.0,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
/// What a search found, and how it read the query.
pub struct SearchResults {
    /// The services, best first.
    pub hits: Vec<Hit>,
    /// How the query was read: words, concepts, place, age.
    pub understood: Understood,
    /// The place results are ranked for, if any.
    pub place: Option<Place>,
    /// The moment searched at (for "open now").
    pub at: Timestamp,
    /// The filters in force, in words: "domestic abuse", "open now", "age 15"
    /// ([`crate::present::filters_in_force`]).
    pub filters: Vec<String>,
    /// The line above the results ([`crate::present::results_summary`]).
    pub summary: String,
    /// Why the general routes lead, when a need asked about has no service of its own
    /// ([`crate::present::unserved`]).
    pub unserved_note: Option<String>,
    /// For an account, what was understood in one line ("Understood: “husband … hits” →
    /// domestic abuse · 16 yr old → young people"): see [`crate::present::understood`].
    pub understood_line: Option<String>,
}

/// Filters resolved against the geography, as bit masks, owned so the collector can keep
/// them: this runs for every matching service.
#[derive(Clone)]
pub(super) struct Filters {
    borough_bit: Option<u64>,
    category_mask: Option<u32>,
    open_at: Option<jiff::civil::DateTime>,
    referral: Option<ReferralFilter>,
    age: Option<u32>,
    language: Option<String>,
}

impl Filters {
    /// The filters a request asks for; `borough` is its borough, already found.
    fn of(
        req: &SearchRequest,
        borough: Option<&crate::geo::Borough>,
        geo: &Geography,
        at: Timestamp,
    ) -> Filters {
        Filters {
            borough_bit: borough.map(|b| geo.borough_mask(&[&b.gss_code])),
            category_mask: (!req.categories.is_empty()).then(|| {
                req.categories
                    .iter()
                    .filter_map(|c| category_bit(c))
                    .fold(0, |m, b| m | b)
            }),
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
        }
    }

    /// Does the service pass? `facts` is only read for the filters `Rank` cannot answer.
    fn accept<'f>(&self, r: &Rank, facts: impl FnOnce() -> &'f Facts) -> bool {
        let rank_ok = self.borough_bit.is_none_or(|b| r.covers(b))
            && self.category_mask.is_none_or(|m| r.categories & m != 0)
            && self.referral.is_none_or(|f| f.accepts(r.referral()))
            && self.age.is_none_or(|a| r.takes_age(a));
        if !rank_ok || (self.language.is_none() && self.open_at.is_none()) {
            return rank_ok;
        }
        let f = facts();
        self.language
            .as_deref()
            .is_none_or(|l| f.languages.iter().any(|x| x.contains(l)))
            && self
                .open_at
                .is_none_or(|t| f.hours.open_at_local(t) == Some(true))
    }
}

/// True when the service's name says it is for a particular group ([`ranking::GROUPS`]:
/// "Men's Advice Line", "Latin American Women's Rights Service") and the query names none
/// of the groups it states.
fn for_another_group(name: &str, u: &Understood, thesaurus: &Thesaurus) -> bool {
    let stated = thesaurus.stated_concepts(&text::words(name));
    let groups: Vec<&str> = stated
        .iter()
        .map(|&c| thesaurus.concept(c).id.as_str())
        .filter(|id| ranking::GROUPS.contains(id))
        .collect();
    !groups.is_empty() && !u.concepts.iter().any(|c| groups.contains(&c.id.as_str()))
}

/// Run one search on generation `gen`: check the filters, read the query, collect the
/// best services, order them by the ranking rules and explain the ones returned.
pub(crate) fn run(
    gen: &Generation,
    geo: &Geography,
    thesaurus: &Thesaurus,
    meaning: Option<&Meaning>,
    req: &SearchRequest,
) -> Result<SearchResults> {
    let at = req.at.unwrap_or_else(Timestamp::now);
    let asked = Asked::check(req, geo)?;
    let searcher = gen.reader.searcher();
    let understood = query::understand(
        &req.text,
        &req.set_aside,
        &searcher,
        gen,
        geo,
        thesaurus,
        meaning,
    )?;
    // A place picked or given explicitly wins over one typed in the query.
    let place = asked
        .postcode
        .or_else(|| asked.borough.map(|b| geo.borough_place(b)))
        .or_else(|| understood.place.clone());
    let limit = if req.limit == 0 { 10 } else { req.limit };
    let mut search = Search {
        gen,
        geo,
        thesaurus,
        searcher,
        place_mask: place.as_ref().map(|p| geo.borough_mask(&p.boroughs)),
        understood,
        place,
        limit,
        collecting: limit.max(ranking::FIRST_SCREEN),
    };
    let filters = Filters::of(req, asked.borough, geo, at);
    let mut top = search.collect(&filters)?;
    let unfiltered = || Filters::of(&SearchRequest::default(), None, geo, at);
    if top.is_empty()
        && !search.understood.words.is_empty()
        && search.collect(&unfiltered())?.is_empty()
    {
        // Words no service matches ("husband plumber") still ask for help: the general
        // routes lead, and the line above the results says why. (When the filters left
        // nothing, the summary says so instead.)
        query::join_general_routes(&mut search.understood.concepts, thesaurus);
        top = search.collect(&filters)?;
        search.understood.nothing_matched = !top.is_empty();
    }
    let mut candidates = search.candidates(top)?;
    order(&mut candidates);
    if search.place.is_none() {
        keep_room_for_wider_services(&mut candidates);
    }
    if let Some(line) = search.emergency_line()? {
        keep_the_emergency_line_first(&mut candidates, line);
    }
    if let Some(line) = search.way_to_report(&filters)? {
        keep_a_way_to_report(&mut candidates, line);
    }
    let hits = search.hits(candidates, at)?;
    let filters =
        crate::present::filters_in_force(req, asked.borough.filter(|_| search.place.is_none()));
    let mut results = SearchResults {
        filters,
        hits,
        unserved_note: match search.understood.nothing_matched {
            true => Some(crate::present::NOTHING_MATCHED.to_string()),
            false => crate::present::unserved(&search.understood.unserved),
        },
        understood: search.understood,
        place: search.place,
        at,
        summary: String::new(),
        understood_line: None,
    };
    results.summary = crate::present::results_summary(req, &results, search.limit);
    results.understood_line = crate::present::understood(&results.understood);
    Ok(results)
}

/// The request's borough and postcode, read, and its categories checked: a filter that
/// cannot be understood is an error the person can fix, never silently dropped.
struct Asked<'g> {
    borough: Option<&'g crate::geo::Borough>,
    postcode: Option<Place>,
}

impl<'g> Asked<'g> {
    fn check(req: &SearchRequest, geo: &'g Geography) -> Result<Asked<'g>> {
        let given = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        let borough = given(&req.borough)
            .map(|b| {
                geo.find_borough_or_place(&b)
                    .ok_or(Error::UnknownBorough(b))
            })
            .transpose()?;
        let postcode = given(&req.postcode)
            .map(|p| {
                geo.parse_postcode_or_place(&p)
                    .map_err(|e| Error::InvalidPostcode {
                        input: p,
                        why: e.to_string(),
                    })
            })
            .transpose()?;
        if let Some(c) = req
            .categories
            .iter()
            .find(|c| !CATEGORIES.contains(&c.as_str()))
        {
            return Err(Error::UnknownCategory {
                given: c.clone(),
                known: CATEGORIES.join(", "),
            });
        }
        Ok(Asked { borough, postcode })
    }
}

/// One search as it runs: the query read and the place it is about.
struct Search<'a> {
    gen: &'a Generation,
    geo: &'a Geography,
    thesaurus: &'a Thesaurus,
    searcher: tantivy::Searcher,
    understood: Understood,
    place: Option<Place>,
    /// Boroughs of the place, as bits.
    place_mask: Option<u64>,
    /// How many results were asked for.
    limit: usize,
    /// How many services each pass collects: at least a first screen, so that the rules
    /// applied after collection (which only lower a score: off the need, for another
    /// group, another main type of help, outside the age given) and those for the first
    /// places see the same services however few results were asked for: `--limit 1` is
    /// the first of the default ten.
    collecting: usize,
}

impl<'a> Search<'a> {
    /// The best services by text score × place factor, filters applied. Each pass keeps
    /// `collecting`, the best by score: the local pass holds every service that can be lifted,
    /// and the main pass the rest of the list. A place spanning boroughs gets a local pass
    /// of its main borough too, so its services are all there to come first however few
    /// results were asked for.
    fn collect(&self, filters: &Filters) -> Result<Vec<(f32, tantivy::DocAddress)>> {
        let gen = self.gen;
        let text_query = query::build(&self.understood, gen);
        let collector = |max_factor: f32| collect::RankCollector {
            limit: self.collecting,
            facts: gen.facts.clone(),
            ranks: gen.ranks.clone(),
            filters: filters.clone(),
            place_mask: self.place_mask,
            centroid: self.place.as_ref().and_then(|p| p.centroid),
            max_factor,
        };
        let mut passes = Vec::new();
        if let Some(p) = &self.place {
            // Local services first, exactly, through the `area` field: few documents.
            let local_factor = PlaceMatch::Local.factor() * ranking::MAX_NEARNESS;
            let mut local = |boroughs: &[String]| -> Result<()> {
                let q = query::local(&self.understood, gen, boroughs, &*text_query);
                passes.push(self.searcher.search(&*q, &collector(local_factor))?);
                Ok(())
            };
            local(&p.boroughs)?;
            if p.boroughs.len() > 1 {
                local(&p.boroughs[..1])?;
            }
        }
        // Everything else: with a place, non-local services get at most the London-wide
        // factor.
        let other_factor = match self.place {
            Some(_) => PlaceMatch::LondonWide.factor() * ranking::MAX_NEARNESS,
            None => 1.0,
        };
        passes.push(
            self.searcher
                .search(&*text_query, &collector(other_factor))?,
        );
        let mut top: Vec<(f32, tantivy::DocAddress)> = Vec::new();
        for hit in passes.into_iter().flatten() {
            if !top.iter().any(|(_, a)| *a == hit.1) {
                top.push(hit);
            }
        }
        Ok(top)
    }

    /// The collected services as candidates for the final order, with the ranking rules
    /// that need the query applied (place, need, group, stated ages). Only the hits kept
    /// are explained, later.
    fn candidates(&self, top: Vec<(f32, tantivy::DocAddress)>) -> Result<Vec<Candidate<'a>>> {
        let gen = self.gen;
        // A district spanning boroughs lists them by share of its postcodes: the first is
        // where the person most likely is ("E8" is mostly Hackney, partly Tower Hamlets).
        let main_borough = self
            .place
            .as_ref()
            .and_then(|p| p.boroughs.first())
            .map(|g| self.geo.borough_mask(&[g]));
        let main_needs = self.understood.main_needs(self.thesaurus);
        let mut candidates = Vec::with_capacity(top.len());
        for (score, address) in top.into_iter().filter(|(s, _)| s.is_finite()) {
            let ord = collect::ord_of(&self.searcher, address)?;
            let rank = &gen.ranks[ord];
            let place_match = self.place_mask.map(|m| rank.place_match(m));
            // Only a local service that means what was asked is lifted above better matches.
            let local = place_match == Some(PlaceMatch::Local);
            let fit = explain::fit(&self.searcher, gen, address, &self.understood, local)?;
            let name = gen.summaries[ord].name.as_str();
            let mut candidate = Candidate::new(
                ord,
                address,
                score,
                place_match,
                fit.matches_meaning,
                rank.is_borough_only(),
                name,
            );
            candidate.in_main_borough = main_borough.is_some_and(|m| rank.boroughs & m != 0);
            candidate.reports = rank.takes_reports();
            if for_another_group(name, &self.understood, self.thesaurus) {
                candidate.for_another_group();
            }
            if fit.off_need {
                candidate.off_need();
            } else if !main_needs.is_empty()
                && !rank.takes_reports()
                && gen.facts[ord]
                    .categories
                    .first()
                    .is_some_and(|c| c != crate::model::OTHER && !main_needs.contains(&c.as_str()))
            {
                candidate.for_another_main_need();
            }
            if self.understood.age.is_some_and(|a| !rank.takes_age(a)) {
                candidate.outside_stated_age();
            }
            candidates.push(candidate);
        }
        Ok(candidates)
    }

    /// The police non-emergency line as a candidate, when the account tells of a crime and
    /// the filters let it through (see [`ranking::REPORT_BY`]).
    fn way_to_report(&self, filters: &Filters) -> Result<Option<Candidate<'a>>> {
        self.placed_line(
            self.gen.police_line,
            self.understood.tells_of_a_crime(),
            Some(filters),
        )
    }

    /// The emergency line (999) as a candidate, when the query tells of danger now (see
    /// [`ranking::keep_the_emergency_line_first`]), whatever the filters: a language or a
    /// type of help chosen for the services does not hide 999 from someone in danger.
    fn emergency_line(&self) -> Result<Option<Candidate<'a>>> {
        self.placed_line(self.gen.emergency_line, self.understood.danger_now(), None)
    }

    /// `line`, a service a ranking rule places for what the query tells, as a candidate
    /// when `told` and `filters`, if given, let it through.
    fn placed_line(
        &self,
        line: Option<(usize, tantivy::DocAddress)>,
        told: bool,
        filters: Option<&Filters>,
    ) -> Result<Option<Candidate<'a>>> {
        let gen = self.gen;
        let Some((ord, address)) = line else {
            return Ok(None);
        };
        let rank = &gen.ranks[ord];
        if !told || filters.is_some_and(|f| !f.accept(rank, || &gen.facts[ord])) {
            return Ok(None);
        }
        let place_match = self.place_mask.map(|m| rank.place_match(m));
        let name = gen.summaries[ord].name.as_str();
        Ok(Some(Candidate::new(
            ord,
            address,
            0.0,
            place_match,
            false,
            false,
            name,
        )))
    }

    /// The first `limit` candidates as results, each saying why it matched.
    fn hits(&self, candidates: Vec<Candidate<'_>>, at: Timestamp) -> Result<Vec<Hit>> {
        candidates
            .into_iter()
            .take(self.limit)
            .map(|c| {
                let (matched, partial) =
                    explain::explain(c.ord, c.address, &self.understood, &self.searcher, self.gen)?;
                let mut hit = Hit {
                    why: crate::present::why(&matched),
                    matched,
                    partial,
                    score: c.score,
                    ..Hit::of(self.gen, self.geo, c.ord, at, c.place_match)
                };
                // A service working only in other boroughs says it does not cover the place.
                if let (Some(PlaceMatch::Elsewhere), Some(place)) = (c.place_match, &self.place) {
                    hit.covers = crate::present::covers_elsewhere(&hit.covers, place);
                }
                // Placed for what the account tells, not for its words.
                if let Some(placed) = c.placed {
                    hit.placed = Some(placed.to_string());
                    hit.partial = false;
                }
                Ok(hit)
            })
            .collect()
    }
}
