//! Ranking policy: every weight, factor and rule search ranks by, in one place.
//!
//! | stage | rule | value |
//! |---|---|---|
//! | index (how often evidence is written into a service's document) | its organisation and categories, in the words searched | [`KEYWORD_REPEATS`] 3 |
//! | | its eligibility, in the words searched | [`ELIGIBILITY_REPEATS`] 2 |
//! | | a concept its text mentions (broader concepts included) | [`CONCEPT_IN_TEXT`] 1 |
//! | | a concept its name states (not the broader ones: the text counts those) | [`CONCEPT_IN_NAME`] 2 more |
//! | | the concepts of its first (main) category, and of each other category | [`CONCEPT_MAIN_CATEGORY`] 2, [`CONCEPT_OTHER_CATEGORY`] 1 |
//! | text score (BM25, one flat union of boosted terms) | a word in a service's name | [`W_NAME`] 3.0 |
//! | | a thesaurus concept the service carries (from its categories and text) | [`W_CONCEPT`] 2.0 |
//! | | a need the service is for (its name states it, or one of its types of help), on top of carrying it | [`W_PURPOSE`] 1.0 |
//! | | a word in its categories, eligibility or description (by repetition in one field) | [`W_BODY`] 1.0 |
//! | | the word's stem ("stalked" for "stalking") | [`W_STEM`] 0.6 |
//! | | a completion of the last word, still being typed | [`PREFIX`] 0.7 |
//! | | a completion of a last word the directory already knows | [`PREFIX_KNOWN`] 0.25 |
//! | | a typo variant (only for words the directory does not know) | [`TYPO`] 0.3 |
//! | | a word inside a concept phrase ("crime" in "knife crime"): the phrase carries it | [`IN_PHRASE`] 0.5 |
//! | | a broader concept implied by a narrower one, per step | [`BROADER`] 0.5 |
//! | | a word that carries no need ("incident", "support", "ex"), beside one that does | [`NO_NEED`] 0.25 |
//! | | a bare number ("17", "6": an age, a count), beside a word of need: left out | [`NO_NEED_NUMBER`] 0 |
//! | | a need read by meaning (a run of the query close to one of its signs), at the floor similarity; rising to 1 at an exact sign | [`MEANING_AT_FLOOR`] 0.6 |
//! | | a need read by meaning beside an event read for another need | [`BESIDE_AN_EVENT`] 0.5 |
//! | | in a telling (more than [`TELLING_WORDS`] 4 words of need), each word counts [`TELLING_WORDS`] / their number: the needs read carry it | |
//! | | in a telling, a concept of who the person is or the kind of service (men, children, helpline, police) | [`NOT_A_NEED`] 0.3 |
//! | | a need asked about that no service carries: the general routes join the query at full weight, and the results say so | [`GENERAL_ROUTES`] |
//! | | a service whose name says it is for a particular group (men, women, a community, older people, LGBT+, visitors) the query does not name | [`FOR_ANOTHER_GROUP`] 0.6 of [`GROUPS`] |
//! | | a word expressing no concept, when a need was read by meaning | [`CONTEXT`] 0.25 |
//! | | a service carrying none of the needs said or read (when there are any) | [`OFF_NEED`] 0.5 |
//! | | in an account, a service carrying a need read whose main type of help (first category) is none of the needs' types | [`ANOTHER_MAIN_NEED`] 0.85 |
//! | | a service whose stated ages exclude the age the query gives ("15F", "my 13 yr old") | [`OUTSIDE_STATED_AGES`] 0.5 |
//! | place factor | works in the borough searched for | [`LOCAL`] 2.0 |
//! | | works London-wide | [`LONDON_WIDE`] 1.3 |
//! | | national, or coverage not stated | [`NATIONAL`] 1.0 |
//! | | works only in other boroughs | [`ELSEWHERE`] 0.6 |
//! | | nearer the place searched for (with locations), at most | [`MAX_NEARNESS`] 1.1, by [`nearness`] |
//! | | no place known: a service working only in named boroughs | [`BOROUGH_ONLY_WITHOUT_PLACE`] 0.5 |
//! | final order | a local service that matches every unit of meaning, scoring at least this share of the best, is lifted above the rest | [`LOCAL_FIRST_SHARE`] 0.15 |
//! | | of those, the place's main borough (most of a district's postcodes) first | |
//! | | a local service for another need gets no local factor at all | |
//! | | without a place, at most this many borough-only services in the first screen | [`BOROUGH_ONLY_FIRST`] 3 of [`FIRST_SCREEN`] 10 |
//! | | without a place, the first result is not a borough-only service, when a wider one scores at least this share of it | [`WIDER_FIRST_SHARE`] 0.8 |
//! | | a word that carries no need is not a unit of meaning (a local service need not match it) | |
//! | | in a telling, the units of meaning are the needs read (a local service must carry one of the strongest) | [`TELLING_NEED_SHARE`] 0.75 |
//! | | equal scores in name order | |
//! | | in an account that tells of a crime, with no way to report it in the first [`REPORT_BY`] 3, the police non-emergency line (101) takes this place | [`REPORT_AT`] 2 |
//! | | a query that tells of danger now (`events::Events::danger_now`): the emergency line (999) first, by [`keep_the_emergency_line_first`] | |
//!
//! The unit tests below are named for the property each rule gives.

use crate::facts::PlaceMatch;

/// Times a service's organisation and category words are written into the words searched
/// (BM25 counts repetitions): what it is, above what its description mentions.
pub(crate) const KEYWORD_REPEATS: usize = 3;
/// Times its eligibility is written into the words searched.
pub(crate) const ELIGIBILITY_REPEATS: usize = 2;
/// Times a concept its text mentions is written into its concepts.
pub(crate) const CONCEPT_IN_TEXT: usize = 1;
/// Times more a concept its name states is written: a name is strong evidence of what it
/// states ("Forced Marriage Unit"), not of the broader concepts that implies.
pub(crate) const CONCEPT_IN_NAME: usize = 2;
/// Times the concepts of its first (main) category are written.
pub(crate) const CONCEPT_MAIN_CATEGORY: usize = 2;
/// Times the concepts of each other category are written.
pub(crate) const CONCEPT_OTHER_CATEGORY: usize = 1;

/// A word in a service's name.
pub(crate) const W_NAME: f32 = 3.0;
/// A thesaurus concept the service carries.
pub(crate) const W_CONCEPT: f32 = 2.0;
/// A need the service is for (its name states it, or it is one of its types of help), on
/// top of carrying it: the general route for a need above a service that mentions it.
pub(crate) const W_PURPOSE: f32 = 1.0;
/// A word in the service's categories, eligibility or description.
pub(crate) const W_BODY: f32 = 1.0;
/// The word's stem.
pub(crate) const W_STEM: f32 = 0.6;
/// A completion of the last word, relative to an exact word.
pub(crate) const PREFIX: f32 = 0.7;
/// A completion of a last word the directory already knows.
pub(crate) const PREFIX_KNOWN: f32 = 0.25;
/// A typo variant, relative to an exact word.
pub(crate) const TYPO: f32 = 0.3;
/// A word's literal match when it is part of a concept phrase.
pub(crate) const IN_PHRASE: f32 = 0.5;
/// How much of a broader concept a narrower one implies, per step.
pub(crate) const BROADER: f32 = 0.5;
/// A word that carries no need, when the query has a word that does: it may break ties,
/// never decide ("domestic incident" is about domestic abuse, not incident lines).
pub(crate) const NO_NEED: f32 = 0.25;
/// A bare number the thesaurus does not know, beside a word of need, is left out of the
/// query: ages and counts ("im 17", "for 6 months") otherwise match service names such as
/// "17-24-30 National Hate Crime Awareness Week", and a rare word's weight decides.
pub(crate) const NO_NEED_NUMBER: f32 = 0.0;
/// Words that say nothing about what happened or the help needed. Alone ("support") they
/// count as any word does.
pub(crate) const NO_NEED_WORDS: &[&str] = &[
    "incident",
    "incidents",
    "survivor",
    "survivors",
    "help",
    "helping",
    "support",
    "supporting",
    "service",
    "services",
    "ex",
];

/// The weight of a need read by meaning when its run is just [`crate::signs::SIGN_FLOOR`]
/// close to a sign; it rises linearly to 1 for a run that says exactly what a sign says.
pub(crate) const MEANING_AT_FLOOR: f32 = 0.6;
/// A need read by meaning counts this share of its weight when the account also tells an
/// event (`index-data/events.json`) of another need: the event is the surer reading.
pub(crate) const BESIDE_AN_EVENT: f32 = 0.5;
/// More words of need than this make a query a telling ("he goes through my phone every
/// night and …"): each word then counts `TELLING_WORDS / n`, so that twenty ordinary words
/// cannot outvote the needs read in them.
pub(crate) const TELLING_WORDS: usize = 4;
/// In a telling, a local service is lifted when it carries a need read at least this share
/// as strongly as the strongest.
pub(crate) const TELLING_NEED_SHARE: f32 = 0.75;

/// The weight of a need read by meaning at `similarity` (at least the floor).
pub(crate) fn meaning_weight(similarity: f32) -> f32 {
    let floor = crate::signs::SIGN_FLOOR;
    let above = ((similarity - floor) / (1.0 - floor)).clamp(0.0, 1.0);
    MEANING_AT_FLOOR + (1.0 - MEANING_AT_FLOOR) * above
}

/// How much each word counts in a query of `n` words of need.
pub(crate) fn word_share(n: usize) -> f32 {
    if n > TELLING_WORDS {
        TELLING_WORDS as f32 / n as f32
    } else {
        1.0
    }
}

/// Concepts that say who the person is or what kind of service they want, not what
/// happened. In a telling they only order services within the needs read: "wife hits me …
/// nobody believes men" is domestic abuse first, with a service for men leading among
/// those; "police have been round twice" does not make it a police matter. In a short
/// query they count fully ("men", "helpline").
pub(crate) const NOT_NEEDS: &[&str] = &[
    "men",
    "women",
    "children-families",
    "young-people",
    "older-people",
    "minority-ethnic",
    "emergency-reporting",
    "helpline",
    "advocacy",
    "counselling",
    "online-reporting",
];
/// Where anyone can be referred whatever happened: when a need asked about has no service in
/// the directory, these lead (Victim Support, reporting to the police) rather than a
/// service that shares a word with the query.
pub(crate) const GENERAL_ROUTES: &[&str] = &["general-victim-support", "emergency-reporting"];

/// The groups a service can be for, by the concepts its name states. Young people are not
/// among them: youth services are the main route for the needs of the young (youth
/// violence, exploitation), which a query names without saying "young".
pub(crate) const GROUPS: &[&str] = &[
    "men",
    "women",
    "older-people",
    "minority-ethnic",
    "lgbtq",
    "visitors",
];
/// The weight left to a hate crime need named only by words of who a person is ("my
/// jewish husband hits me"), with no hostile act in the account: the words describe the
/// person and rank services within the need told, never choose it.
pub(crate) const IDENTITY_ONLY: f32 = 0.3;

/// The factor for a service for a group the query does not name.
pub(crate) const FOR_ANOTHER_GROUP: f32 = 0.6;

/// A word that expresses no concept, when a need was read by meaning: it tells what
/// happened around the need ("reads my texts"), so it counts for less than the need read.
pub(crate) const CONTEXT: f32 = 0.25;

/// The factor for a service that carries none of the needs said or read in the query, when
/// there are any: "gay man threatened by neighbours" is about a threat, and a domestic
/// abuse line for men that matches "gay" and "man" comes after the hate crime services.
pub(crate) const OFF_NEED: f32 = 0.5;

/// In an account, the factor for a service whose main type of help (its first category)
/// is none of the types the needs read belong to: it carries the need as a side line
/// (Victim Support carries fraud, a hate crime hub carries online fraud), so the services
/// made for the need come first.
pub(crate) const ANOTHER_MAIN_NEED: f32 = 0.85;

/// The factor for a service whose stated ages exclude the age the query gives ("15F",
/// "my 13 yr old"): it can still be right (a 16+ line may advise a parent), so it is
/// ranked lower, not hidden; the age filter hides.
pub(crate) const OUTSIDE_STATED_AGES: f32 = 0.5;

/// True for a concept of who the person is or the kind of service ([`NOT_NEEDS`]).
pub(crate) fn is_not_a_need(id: &str) -> bool {
    NOT_NEEDS.contains(&id)
}

/// True for a concept naming a kind of service (police, helpline, advocacy): not a need
/// and not a group of people.
pub(crate) fn is_kind_of_service(id: &str) -> bool {
    is_not_a_need(id) && !GROUPS.contains(&id)
}

/// The weight of a concept that is not a need, in a telling.
pub(crate) const NOT_A_NEED: f32 = 0.3;

/// Place factor: works in the borough searched for.
pub(crate) const LOCAL: f32 = 2.0;
/// Place factor: works London-wide.
pub(crate) const LONDON_WIDE: f32 = 1.3;
/// Place factor: national, or coverage not stated.
pub(crate) const NATIONAL: f32 = 1.0;
/// Place factor: works only in other boroughs (still shown, lower).
pub(crate) const ELSEWHERE: f32 = 0.6;
/// The largest factor nearness to the place can apply.
pub(crate) const MAX_NEARNESS: f32 = 1.1;
/// Factor for a service working only in certain boroughs when no place is known.
pub(crate) const BOROUGH_ONLY_WITHOUT_PLACE: f32 = 0.5;

/// Share of the best match's score (before place factors) a local service needs to be
/// lifted to the top: local services first, but only those that really match.
pub(crate) const LOCAL_FIRST_SHARE: f32 = 0.15;
/// The first screen of results: what a person sees without scrolling.
pub(crate) const FIRST_SCREEN: usize = 10;
/// Without a place, at most this many services that work only in named boroughs come in
/// the first screen: in a directory with every borough's own services, they would
/// otherwise crowd out the London-wide and national services anyone can use.
pub(crate) const BOROUGH_ONLY_FIRST: usize = 3;

/// In an account that tells of a crime (a need read that is not in [`NOT_CRIMES`]), a way to
/// report it stands among the first this many results: when none of them is one (a service
/// whose types of help include reporting: 999, 101, Action Fraud, True Vision …), the
/// police non-emergency line takes place [`REPORT_AT`]. Whatever else the account needs,
/// reporting is a route every victim of crime has (the Victims' Code), and people telling
/// what happened often do not know it is a crime they can report.
pub(crate) const REPORT_BY: usize = 3;
/// Where the police non-emergency line goes when no way to report is among the first
/// [`REPORT_BY`]: second, after the best service for the need. (Measured 7 Dec on the real
/// accounts: MRR 0.776 at second, 0.751 at third; the people who judged them put
/// reporting first or second more often than third.)
pub(crate) const REPORT_AT: usize = 2;
/// Needs read in an account that are not a crime to report: a kind of service, a crisis of
/// the mind, or a report made another way (anonymously, to the anti-terrorist hotline, a
/// major incident the police are already at).
pub(crate) const NOT_CRIMES: &[&str] = &[
    "idva",
    "marac",
    "isva",
    "sarc",
    "refuge-accommodation",
    "sanctuary-scheme",
    "housing",
    "youth-justice",
    "mental-health-crisis",
    "suicide",
    "silent-call",
    "anonymous-reporting",
    "suspicious-activity",
    "terrorism-major-incident",
];
/// Phrases saying the police already know of what happened ("police said nothing they
/// could do", "crime reference"): the account then needs no line to report it.
pub(crate) const REPORTED_ALREADY: &[&str] = &[
    "reported it",
    "reported to the police",
    "reported to police",
    "reported him",
    "reported her",
    "reported them",
    "told the police",
    "called the police",
    "rang the police",
    "phoned the police",
    "police came",
    "police said",
    "police did",
    "police have",
    "police has",
    "police were",
    "police took",
    "police are",
    "police know",
    "police arrested",
    "crime number",
    "crime reference",
];

/// Needs that come after a crime was reported (bereavement by homicide, going to court,
/// compensation, meeting the offender): an account that reads one needs no way to report.
pub(crate) const AFTER_A_REPORT: &[&str] = &[
    "homicide-bereavement",
    "witness-support",
    "compensation",
    "restorative-justice",
];

/// Without a place, a wider service scoring at least this share of a borough-only service
/// that leads comes first instead.
pub(crate) const WIDER_FIRST_SHARE: f32 = 0.8;

/// A service found, before it is explained.
pub(super) struct Candidate<'a> {
    pub ord: usize,
    pub address: tantivy::DocAddress,
    /// Matches every unit of meaning in the query (checked for local services only).
    meaningful: bool,
    /// Works only in named boroughs (neither London-wide nor national).
    borough_only: bool,
    /// Final score: the text score times the place factor in effect.
    pub score: f32,
    /// The place factor in `score` (1 without a place).
    factor: f32,
    /// Works in the place's main borough (the one holding most of a district's postcodes).
    pub in_main_borough: bool,
    pub place_match: Option<PlaceMatch>,
    /// Its types of help include reporting a crime (999, 101, Action Fraud …).
    pub reports: bool,
    /// Why a rule placed it, not its score ([`keep_a_way_to_report`],
    /// [`keep_the_emergency_line_first`]): shown as the hit's `placed`.
    pub placed: Option<&'static str>,
    name: &'a str,
}

impl<'a> Candidate<'a> {
    /// The service carries none of the needs said or read in the query.
    pub(super) fn off_need(&mut self) {
        self.score *= OFF_NEED;
    }

    /// The service is for a particular group (its name says so: men, women, a community,
    /// older people, LGBT+ people, visitors) that the query does not say the person
    /// belongs to: it comes after the general route for the same need.
    pub(super) fn for_another_group(&mut self) {
        self.score *= FOR_ANOTHER_GROUP;
    }

    /// In an account, the service's main type of help is none of the needs read.
    pub(super) fn for_another_main_need(&mut self) {
        self.score *= ANOTHER_MAIN_NEED;
    }

    /// The service's stated ages exclude the age the query gives ("15F" and a 16+ line).
    pub(super) fn outside_stated_age(&mut self) {
        self.score *= OUTSIDE_STATED_AGES;
    }

    /// `score` as collected, with the place factor of `place_match`. A local service that
    /// does not match every unit of meaning gets no local factor: it is scored as a national
    /// one would be, so a service for a different need never jumps ahead for being local.
    pub(super) fn new(
        ord: usize,
        address: tantivy::DocAddress,
        score: f32,
        place_match: Option<PlaceMatch>,
        meaningful: bool,
        borough_only: bool,
        name: &'a str,
    ) -> Candidate<'a> {
        let collected = place_match.map_or(1.0, PlaceMatch::factor);
        let factor = match place_match {
            Some(PlaceMatch::Local) if !meaningful => PlaceMatch::National.factor(),
            _ => collected,
        };
        Candidate {
            ord,
            address,
            meaningful,
            borough_only,
            score: score / collected * factor,
            factor,
            in_main_borough: false,
            place_match,
            reports: false,
            placed: None,
            name,
        }
    }

    /// The score before the place factor.
    fn base(&self) -> f32 {
        self.score / self.factor
    }
}

/// Final order: services working in the place searched for first, among those that match
/// every unit of meaning in the query and at least `LOCAL_FIRST_SHARE` as well as the best
/// (those in the place's main borough before those in a borough it only touches);
/// then everything by score (which already ranks London-wide above national); equal
/// scores in name order.
pub(super) fn order(hits: &mut [Candidate<'_>]) {
    // Services working only elsewhere do not set the bar: a name that happens to say "DV"
    // in another borough must not stop this borough's services being lifted.
    let best = hits
        .iter()
        .filter(|h| h.place_match != Some(PlaceMatch::Elsewhere))
        .map(Candidate::base)
        .fold(0.0f32, f32::max);
    let lifted = |h: &Candidate| h.meaningful && h.base() >= LOCAL_FIRST_SHARE * best;
    let main = |h: &Candidate| lifted(h) && h.in_main_borough;
    hits.sort_by(|a, b| {
        lifted(b)
            .cmp(&lifted(a))
            .then_with(|| main(b).cmp(&main(a)))
            .then_with(|| b.score.total_cmp(&a.score))
            .then_with(|| a.name.cmp(b.name))
    });
}

/// Without a place: keep the best `BOROUGH_ONLY_FIRST` borough services where they are
/// and move the others in the first screen below it, when there are other services to
/// take their places, and put the best wider service first. Order among each kind is
/// otherwise kept.
pub(super) fn keep_room_for_wider_services(hits: &mut Vec<Candidate<'_>>) {
    let wider = hits.iter().filter(|h| !h.borough_only).count();
    let mut first: Vec<Candidate> = Vec::with_capacity(hits.len());
    let mut moved: Vec<Candidate> = Vec::new();
    let mut borough_only = 0;
    let mut wider_seen = 0;
    for h in hits.drain(..) {
        let room = first.len() < FIRST_SCREEN;
        if h.borough_only && room {
            borough_only += 1;
            // Move it only if a wider service is still to come to fill its place.
            if borough_only > BOROUGH_ONLY_FIRST && wider_seen < wider {
                moved.push(h);
                continue;
            }
        }
        if !h.borough_only {
            wider_seen += 1;
        }
        if first.len() >= FIRST_SCREEN && !moved.is_empty() {
            first.append(&mut moved);
        }
        first.push(h);
    }
    first.append(&mut moved);
    // Without a place, the first result is one anyone in London can use, when one nearly
    // as good was found: a service for one borough first would be wrong for everyone
    // elsewhere, unless it is clearly what was asked for (its name typed).
    if let Some(lead) = first.first().filter(|h| h.borough_only).map(|h| h.score) {
        if let Some(i) = first
            .iter()
            .position(|h| !h.borough_only && h.score >= WIDER_FIRST_SHARE * lead)
        {
            let wider = first.remove(i);
            first.insert(0, wider);
        }
    }
    *hits = first;
}

/// In an account that tells of a crime: when none of the first [`REPORT_BY`] services is a
/// way to report it, `line` (the police non-emergency line) takes place [`REPORT_AT`],
/// moved up if it was further down. The others keep their order.
pub(super) fn keep_a_way_to_report<'a>(hits: &mut Vec<Candidate<'a>>, mut line: Candidate<'a>) {
    if hits.iter().take(REPORT_BY).any(|h| h.reports) {
        return;
    }
    hits.retain(|h| h.ord != line.ord);
    let at = (REPORT_AT - 1).min(hits.len());
    line.reports = true;
    line.placed = Some(crate::present::TO_REPORT);
    if let Some(displaced) = hits.get(at) {
        line.score = displaced.score;
    }
    hits.insert(at, line);
}

/// When the query tells of danger now: `line` (the emergency line, 999) goes first, moved
/// up if it was further down, whatever the words matched best. The person needs the
/// police or an ambulance before any service; the rest keep their order below it.
pub(super) fn keep_the_emergency_line_first<'a>(
    hits: &mut Vec<Candidate<'a>>,
    mut line: Candidate<'a>,
) {
    hits.retain(|h| h.ord != line.ord);
    line.reports = true;
    line.placed = Some(crate::present::DANGER_NOW);
    if let Some(lead) = hits.first() {
        line.score = line.score.max(lead.score);
    }
    hits.insert(0, line);
}

// The orderings the table relies on, checked as the crate compiles: a weight edited so
// that one breaks fails the build, before any search runs.
const _: () = {
    // Exact beats typo, and a word still being typed: a typo in a service's name never
    // outweighs the exact word in its description, nor does a completion.
    assert!(W_NAME * TYPO < W_BODY);
    assert!(W_BODY * PREFIX < W_BODY);
    // A completion of a word the directory knows counts least: the word is probably done.
    assert!(PREFIX_KNOWN < PREFIX);
    // A concept counts more than one of its words and less than the name: "dv" finds every
    // domestic abuse service, and one called "… Domestic Abuse …" still comes first.
    assert!(W_CONCEPT > W_BODY && W_CONCEPT < W_NAME);
    // A broader concept, or a word inside a phrase, counts less than the one said.
    assert!(BROADER < 1.0 && IN_PHRASE < 1.0);
    // A word that carries no need only breaks ties.
    assert!(NO_NEED < BROADER && NO_NEED < TYPO + PREFIX);
    // Nearness orders services covering the place; it never outweighs covering it.
    assert!(MAX_NEARNESS * LONDON_WIDE < LOCAL);
    // A name states its concepts more strongly than a mention does.
    assert!(CONCEPT_IN_NAME > CONCEPT_IN_TEXT);
};

/// The factor for a service with a location `km` from the place searched for: 1 far
/// away, rising to [`MAX_NEARNESS`] at the place itself.
pub(crate) fn nearness(km: f32) -> f32 {
    1.0 + (MAX_NEARNESS - 1.0) / (1.0 + km.max(0.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A candidate with a text score (before place factors).
    fn found(
        name: &'static str,
        text: f32,
        place: Option<PlaceMatch>,
        meaningful: bool,
    ) -> Candidate<'static> {
        let factor = place.map_or(1.0, PlaceMatch::factor);
        Candidate::new(
            0,
            tantivy::DocAddress::new(0, 0),
            text * factor,
            place,
            meaningful,
            false,
            name,
        )
    }

    fn names<'a>(hits: &[Candidate<'a>]) -> Vec<&'a str> {
        hits.iter().map(|h| h.name).collect()
    }

    #[test]
    fn a_closer_reading_by_meaning_weighs_more_but_never_more_than_a_word() {
        let floor = crate::signs::SIGN_FLOOR;
        assert_eq!(meaning_weight(floor), MEANING_AT_FLOOR);
        assert!(meaning_weight(floor + 0.1) > meaning_weight(floor));
        assert_eq!(meaning_weight(1.0), 1.0);
        assert_eq!(meaning_weight(1.5), 1.0, "a concept said in words weighs 1");
    }

    #[test]
    fn in_a_telling_all_the_words_together_weigh_as_a_few() {
        assert_eq!(word_share(3), 1.0);
        assert_eq!(word_share(TELLING_WORDS), 1.0);
        assert!((word_share(20) * 20.0 - TELLING_WORDS as f32).abs() < 1e-4);
    }

    #[test]
    fn a_service_for_another_group_comes_after_the_general_route() {
        let mut hits = vec![
            found("for another group", 5.0, None, false),
            found("general route", 4.0, None, false),
        ];
        hits[0].for_another_group();
        order(&mut hits);
        assert_eq!(names(&hits), ["general route", "for another group"]);
    }

    #[test]
    fn a_service_off_the_need_comes_after_one_on_it() {
        let mut hits = vec![
            found("matches the words only", 5.0, None, false),
            found("carries the need", 3.0, None, false),
        ];
        hits[0].off_need();
        order(&mut hits);
        assert_eq!(names(&hits), ["carries the need", "matches the words only"]);
    }

    #[test]
    fn local_beats_london_wide_for_the_same_need() {
        let mut hits = vec![
            found("wide", 5.0, Some(PlaceMatch::LondonWide), false),
            found("local", 2.0, Some(PlaceMatch::Local), true),
        ];
        order(&mut hits);
        assert_eq!(names(&hits), ["local", "wide"]);
    }

    #[test]
    fn a_local_service_for_another_need_gets_no_local_factor() {
        let mut hits = vec![
            found("local, other need", 3.0, Some(PlaceMatch::Local), false),
            found("national", 3.5, Some(PlaceMatch::National), false),
        ];
        order(&mut hits);
        assert_eq!(names(&hits), ["national", "local, other need"]);
        assert_eq!(hits[1].score, 3.0);
    }

    #[test]
    fn a_weak_local_match_is_not_lifted_but_services_elsewhere_set_no_bar() {
        let mut hits = vec![
            found("wide", 10.0, Some(PlaceMatch::LondonWide), false),
            found("weak local", 1.0, Some(PlaceMatch::Local), true),
        ];
        order(&mut hits);
        assert_eq!(
            names(&hits),
            ["wide", "weak local"],
            "under the share of the best"
        );
        let mut hits = vec![
            found("elsewhere", 10.0, Some(PlaceMatch::Elsewhere), false),
            found("local", 1.0, Some(PlaceMatch::Local), true),
        ];
        order(&mut hits);
        assert_eq!(names(&hits), ["local", "elsewhere"]);
    }

    #[test]
    fn a_districts_main_borough_comes_before_one_it_only_touches() {
        let mut hits = vec![
            found("other borough", 3.0, Some(PlaceMatch::Local), true),
            found("main borough", 2.0, Some(PlaceMatch::Local), true),
            found("wide", 2.5, Some(PlaceMatch::LondonWide), false),
        ];
        hits[1].in_main_borough = true;
        order(&mut hits);
        assert_eq!(names(&hits), ["main borough", "other borough", "wide"]);
    }

    #[test]
    fn equal_scores_come_in_name_order() {
        let mut hits = vec![found("b", 1.0, None, false), found("a", 1.0, None, false)];
        order(&mut hits);
        assert_eq!(names(&hits), ["a", "b"]);
    }

    fn listed(kinds: &str) -> Vec<Candidate<'static>> {
        // "b" a borough service, "w" a London-wide or national one, best first.
        kinds
            .chars()
            .enumerate()
            .map(|(i, k)| {
                let name: &'static str = Box::leak(format!("{k}{i}").into_boxed_str());
                Candidate::new(
                    i,
                    tantivy::DocAddress::new(0, i as u32),
                    100.0 - i as f32,
                    None,
                    false,
                    k == 'b',
                    name,
                )
            })
            .collect()
    }

    #[test]
    fn without_a_place_at_most_three_borough_services_come_first() {
        let mut hits = listed("bbbbbbwwwwwwwwww");
        keep_room_for_wider_services(&mut hits);
        let first: String = hits
            .iter()
            .take(FIRST_SCREEN)
            .map(|h| &h.name[..1])
            .collect();
        assert_eq!(first.matches('b').count(), BOROUGH_ONLY_FIRST, "{first}");
        // Nothing is lost, and each kind keeps its order.
        assert_eq!(hits.len(), 16);
        let boroughs: Vec<&str> = hits
            .iter()
            .filter(|h| h.borough_only)
            .map(|h| h.name)
            .collect();
        assert_eq!(boroughs, ["b0", "b1", "b2", "b3", "b4", "b5"]);
    }

    #[test]
    fn borough_services_stay_when_nothing_else_can_take_their_place() {
        let mut hits = listed("bbbbbw");
        keep_room_for_wider_services(&mut hits);
        let order: Vec<&str> = hits.iter().map(|h| h.name).collect();
        assert_eq!(order, ["w5", "b0", "b1", "b2", "b3", "b4"]);
        let mut hits = listed("bbbbb");
        keep_room_for_wider_services(&mut hits);
        assert_eq!(
            hits.iter().map(|h| h.name).collect::<Vec<_>>(),
            ["b0", "b1", "b2", "b3", "b4"]
        );
    }

    #[test]
    fn without_a_place_the_first_result_is_one_anyone_in_london_can_use() {
        let mut hits = listed("bwbw");
        keep_room_for_wider_services(&mut hits);
        let order: Vec<&str> = hits.iter().map(|h| h.name).collect();
        assert_eq!(order, ["w1", "b0", "b2", "w3"]);
        // One much weaker (a word of a borough service's own name, typed) does not lead.
        let mut hits = listed("bw");
        hits[1].score = hits[0].score * WIDER_FIRST_SHARE * 0.9;
        keep_room_for_wider_services(&mut hits);
        assert_eq!(hits[0].name, "b0");
    }

    #[test]
    fn danger_now_puts_the_emergency_line_first_and_keeps_the_rest_in_order() {
        let mut hits = listed("wwwww");
        let line = hits.remove(3);
        keep_the_emergency_line_first(&mut hits, line);
        let order: Vec<&str> = hits.iter().map(|h| h.name).collect();
        assert_eq!(order, ["w3", "w0", "w1", "w2", "w4"]);
        assert!(hits[0].placed == Some(crate::present::DANGER_NOW) && hits[0].reports);
        // Not found by the words at all: added first, nothing lost.
        let mut hits = listed("www");
        keep_the_emergency_line_first(&mut hits, listed("wwwwww").remove(5));
        assert_eq!(hits.len(), 4);
        assert_eq!(hits[0].name, "w5");
        // Being first, it is the way to report: the 101 line is not added as well.
        let report = listed("wwwwwwww").remove(7);
        keep_a_way_to_report(&mut hits, report);
        assert_eq!(hits.len(), 4);
        assert!(!hits
            .iter()
            .any(|h| h.placed == Some(crate::present::TO_REPORT)));
    }

    #[test]
    fn a_crime_told_keeps_a_way_to_report_it_second() {
        // The line found lower down moves up to the second place; the rest keep their order.
        let mut hits = listed("wwwwww");
        let line = hits.remove(4);
        keep_a_way_to_report(&mut hits, line);
        let order: Vec<&str> = hits.iter().map(|h| h.name).collect();
        assert_eq!(order, ["w0", "w4", "w1", "w2", "w3", "w5"]);
        assert_eq!(hits[REPORT_AT - 1].placed, Some(crate::present::TO_REPORT));
        // Not found at all: it is added, and nothing is lost.
        let mut hits = listed("wwww");
        let line = listed("wwwwwwwww").remove(8);
        keep_a_way_to_report(&mut hits, line);
        assert_eq!(hits.len(), 5);
        assert_eq!(hits[REPORT_AT - 1].name, "w8");
        // A way to report third is enough: nothing moves.
        let mut hits = listed("wwww");
        hits[2].reports = true;
        keep_a_way_to_report(&mut hits, listed("wwwwww").remove(5));
        assert_eq!(
            hits.iter().map(|h| h.name).collect::<Vec<_>>(),
            ["w0", "w1", "w2", "w3"]
        );
        // Fewer results than places: it comes last.
        let mut hits = listed("w");
        keep_a_way_to_report(&mut hits, listed("ww").remove(1));
        assert_eq!(
            hits.iter().map(|h| h.name).collect::<Vec<_>>(),
            ["w0", "w1"]
        );
    }

    #[test]
    fn a_way_to_report_already_in_the_first_three_is_enough() {
        let mut hits = listed("wwww");
        hits[1].reports = true;
        let line = listed("wwwwww").remove(5);
        keep_a_way_to_report(&mut hits, line);
        assert_eq!(
            hits.iter().map(|h| h.name).collect::<Vec<_>>(),
            ["w0", "w1", "w2", "w3"]
        );
        assert!(hits.iter().all(|h| h.placed.is_none()));
    }

    #[test]
    fn nearer_beats_farther_and_never_by_more_than_the_cap() {
        let at = nearness(0.0);
        let near = nearness(2.0);
        let far = nearness(40.0);
        assert!((at - MAX_NEARNESS).abs() < 1e-6);
        assert!(at > near && near > far && far > 1.0);
    }
}
