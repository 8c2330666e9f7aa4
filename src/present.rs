//! The words people read, in one place. The app and the command line print the same
//! sentence from the same function here, so a wording is changed once and both follow.
//!
//! What is owned elsewhere, because the wording is inseparable from the rule it reports:
//! a record's review age ([`crate::review::of`]: the 6- and 12-month thresholds and their
//! words), the open state ([`crate::hours::OpenState::describe`]), the sync status line
//! ([`crate::sync::status_line`]) and a phone number's changed notice
//! ([`crate::changed::notice`]).

use jiff::Timestamp;

use crate::geo::Borough;
use crate::hours::in_london;
use crate::model::{category_in_sentence, Referral};
use crate::search::{MatchKind, MatchedWord, ReferralFilter, SearchRequest, SearchResults};

/// A day as London's calendar shows it: "21 Nov 2026".
pub fn day(t: Timestamp) -> String {
    in_london(t, "%-d %b %Y")
}

/// A day in full, for sentences and the referral slip: "21 November 2026".
pub fn day_in_full(t: Timestamp) -> String {
    in_london(t, "%-d %B %Y")
}

/// A day and a time on London's clocks: "21 Nov 2026 14:05".
pub fn day_and_time(t: Timestamp) -> String {
    in_london(t, "%-d %b %Y %H:%M")
}

/// A day and a time in full, for sentences: "21 November 2026 at 14:05".
pub fn day_and_time_in_full(t: Timestamp) -> String {
    in_london(t, "%-d %B %Y at %H:%M")
}

/// A phrase as a sentence on its own: capitalised, with a full stop. Error messages are
/// phrases (so they can sit inside other sentences); the app and the CLI show them so.
pub fn sentence(phrase: &str) -> String {
    let mut chars = phrase.trim().chars();
    let mut out: String = chars
        .next()
        .map(|f| f.to_uppercase().collect())
        .unwrap_or_default();
    out.extend(chars);
    if !out.ends_with('.') {
        out.push('.');
    }
    out
}

/// How a service takes referrals, in plain words: "self-referral or professional referral".
pub fn referral(r: Referral) -> &'static str {
    match r {
        Referral::SelfReferral => "self-referral",
        Referral::Professional => "professional referral only",
        Referral::Both => "self-referral or professional referral",
    }
}

/// How a service takes referrals, in brief for a result card: anyone who can refer
/// themselves is "self-referral", whoever else may also refer.
pub fn referral_in_brief(r: Referral) -> &'static str {
    match r {
        Referral::SelfReferral | Referral::Both => "self-referral",
        Referral::Professional => "professional referral only",
    }
}

/// The filters a search has in force, in words for the line above the results: "domestic
/// abuse", "in Hackney" (a borough picked, when no place is shown instead), "open now",
/// "self-referral", "age 15".
pub fn filters_in_force(req: &SearchRequest, borough: Option<&Borough>) -> Vec<String> {
    let mut said: Vec<String> = req
        .categories
        .iter()
        .map(|c| category_in_sentence(c))
        .collect();
    if let Some(b) = borough {
        said.push(format!("in {}", b.name));
    }
    if req.open_now {
        said.push("open now".into());
    }
    match req.referral {
        Some(ReferralFilter::SelfReferral) => said.push("self-referral".into()),
        Some(ReferralFilter::Professional) => said.push("takes professional referrals".into()),
        Some(ReferralFilter::ProfessionalOnly) => said.push("professional referral only".into()),
        None => {}
    }
    if let Some(age) = req.age {
        said.push(format!("age {age}"));
    }
    if let Some(l) = req.language.as_deref().filter(|l| !l.trim().is_empty()) {
        said.push(format!("in {}", l.trim()));
    }
    said
}

/// The line above the results, as the app and `signpost search` show it: "3 services
/// for “dv” near E8 1AA · open now · read “domestc” as “domestic”"; "(the best 25)" when
/// the list was cut at `limit`; and, when nothing matched, what to try instead, the
/// filters in force named and 999 said.
pub fn results_summary(req: &SearchRequest, r: &SearchResults, limit: usize) -> String {
    let n = r.hits.len();
    if n == 0 {
        let with = if r.filters.is_empty() {
            String::new()
        } else {
            format!(" with {}", r.filters.join(", "))
        };
        return format!(
            "No service matches{with}. Try fewer words, or remove a filter. In immediate danger call 999."
        );
    }
    let mut line = format!("{n} service{}", if n == 1 { "" } else { "s" });
    let text = req.text.trim();
    if !text.is_empty() {
        line.push_str(&format!(" for “{text}”"));
    }
    if let Some(p) = &r.place {
        line.push_str(&format!(" near {}", p.label));
    }
    if n >= limit {
        line.push_str(&format!(" (the best {limit})"));
    }
    for f in &r.filters {
        line.push_str(&format!(" · {f}"));
    }
    let read: Vec<String> = r
        .understood
        .words
        .iter()
        .filter_map(|w| Some(format!("“{}” as “{}”", w.text, w.corrected.as_ref()?)))
        .collect();
    if !read.is_empty() {
        line.push_str(&format!(" · read {}", read.join(", ")));
    }
    line
}

/// What a result working only in other boroughs says of its coverage, near a place:
/// "Barking and Dagenham · does not cover Peckham".
pub fn covers_elsewhere(covers: &str, place: &crate::geo::Place) -> String {
    let named = place.named.as_deref().unwrap_or(&place.label);
    format!("{covers} · does not cover {named}")
}

/// The words of an account that make it one: fewer, and the query is read word by word and
/// needs no "Understood" line.
const ACCOUNT_WORDS: usize = 4;

/// For an account, what was understood in one line: "Understood: “husband … hits” →
/// domestic abuse · 16 yr old → young people · Peckham → near Peckham (Southwark)".
pub fn understood(u: &crate::search::Understood) -> Option<String> {
    // Danger now is said however few the words: it decides the first result.
    if (u.words.len() < ACCOUNT_WORDS && !u.danger_now()) || u.parts.is_empty() {
        return None;
    }
    let parts: Vec<String> = u
        .parts
        .iter()
        .map(|p| match p.key.as_str() {
            crate::search::PLACE_PART => p.means.clone(),
            _ => format!("{} → {}", p.said, p.means),
        })
        .collect();
    Some(format!("Understood: {}", parts.join(" · ")))
}

/// Said above the results when no service matched the words typed, and the general
/// routes are shown instead.
pub const NOTHING_MATCHED: &str = "No service matched those words, so these are the general routes for any victim of crime. Try other words, such as what happened.";

/// Said above the results when a need asked about has no service of its own in the
/// directory: the general routes lead instead, and the person should know why.
pub fn unserved(needs: &[String]) -> Option<String> {
    (!needs.is_empty()).then(|| {
        format!(
            "No service in the directory specialises in {}. The general routes come first.",
            needs.join(" or ")
        )
    })
}

/// The ages a service states, if it states any: "ages 16–25", "ages 18 and over".
pub fn ages(minimum: Option<f64>, maximum: Option<f64>) -> Option<String> {
    match (minimum, maximum) {
        (Some(lo), Some(hi)) => Some(format!("ages {lo}–{hi}")),
        (Some(lo), None) => Some(format!("ages {lo} and over")),
        (None, Some(hi)) => Some(format!("ages up to {hi}")),
        (None, None) => None,
    }
}

/// Why one query word matched, as a result says it: "dv → domestic abuse",
/// "stlaking ≈ stalking (approximate)", "about: “goes thru my phone” → domestic abuse (by
/// meaning)". A meaning match says so: it is not a word match.
pub fn matched(m: &MatchedWord) -> String {
    let concept = || m.matched.replace('-', " ");
    match m.how {
        MatchKind::Exact => m.query.clone(),
        MatchKind::Stem => format!("{} → {}", m.query, m.matched),
        MatchKind::Prefix => format!("{}… → {}", m.query, m.matched),
        MatchKind::Typo => format!("{} ≈ {} (approximate)", m.query, m.matched),
        MatchKind::Concept => format!("{} → {}", m.query, concept()),
        MatchKind::Meaning => format!("about: “{}” → {} (by meaning)", m.query, concept()),
        // The event's words come quoted from the reading; a slur comes as what it was.
        MatchKind::Event => format!("{} → {}", m.query, concept()),
    }
}

/// Why the emergency line is first when the query tells of danger now
/// (`search::ranking::keep_the_emergency_line_first`): [`crate::search::Hit::placed`].
pub const DANGER_NOW: &str = "first because the account tells of danger now: call 999";

/// What signs of danger now were read as, in the "Understood" line.
pub const DANGER_NOW_MEANS: &str = "danger now: 999 first";

/// Why the police non-emergency line is among the first results of an account that tells
/// of a crime (`search::ranking::REPORT_BY`): [`crate::search::Hit::placed`].
pub const TO_REPORT: &str =
    "to report what happened to the police, if it is a crime and not an emergency";

/// Why a result matched, all its words: "dv → domestic abuse, hackney".
pub fn why(matched: &[MatchedWord]) -> String {
    matched
        .iter()
        .map(self::matched)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(query: &str, matched: &str, how: MatchKind) -> MatchedWord {
        MatchedWord {
            query: query.into(),
            matched: matched.into(),
            how,
        }
    }

    #[test]
    fn a_match_by_meaning_is_never_worded_as_a_word_match() {
        let m = word("goes thru my phone", "domestic-abuse", MatchKind::Meaning);
        assert_eq!(
            matched(&m),
            "about: “goes thru my phone” → domestic abuse (by meaning)"
        );
        let t = word("stlaking", "stalking", MatchKind::Typo);
        assert!(matched(&t).ends_with("(approximate)"));
    }

    #[test]
    fn concepts_read_as_words_and_a_list_reads_as_one_line() {
        let list = [
            word("dv", "domestic-abuse", MatchKind::Concept),
            word("hackney", "hackney", MatchKind::Exact),
        ];
        assert_eq!(why(&list), "dv → domestic abuse, hackney");
    }

    #[test]
    fn the_filters_in_force_read_as_the_person_set_them() {
        let req = SearchRequest {
            categories: vec!["domestic-abuse".into()],
            open_now: true,
            referral: Some(ReferralFilter::SelfReferral),
            age: Some(15),
            ..Default::default()
        };
        assert_eq!(
            filters_in_force(&req, None),
            ["domestic abuse", "open now", "self-referral", "age 15"]
        );
        assert!(filters_in_force(&SearchRequest::default(), None).is_empty());
    }

    #[test]
    fn the_summary_says_what_was_found_and_with_nothing_what_to_try() {
        let req = SearchRequest {
            text: " dv ".into(),
            ..Default::default()
        };
        let mut r = SearchResults {
            hits: Vec::new(),
            understood: Default::default(),
            place: None,
            at: Timestamp::UNIX_EPOCH,
            filters: vec!["open now".into()],
            summary: String::new(),
            unserved_note: None,
            understood_line: None,
        };
        assert_eq!(
            results_summary(&req, &r, 25),
            "No service matches with open now. Try fewer words, or remove a filter. In immediate danger call 999."
        );
        r.filters.clear();
        assert!(results_summary(&req, &r, 25).starts_with("No service matches. Try fewer words"));
        assert_eq!(unserved(&[]), None);
        assert_eq!(
            unserved(&["image-based abuse".into()]).as_deref(),
            Some("No service in the directory specialises in image-based abuse. The general routes come first.")
        );
    }

    #[test]
    fn a_card_says_self_referral_whenever_people_can_refer_themselves() {
        assert_eq!(referral_in_brief(Referral::Both), "self-referral");
        assert_eq!(referral_in_brief(Referral::SelfReferral), "self-referral");
        assert_eq!(
            referral_in_brief(Referral::Professional),
            "professional referral only"
        );
    }

    #[test]
    fn a_phrase_becomes_one_sentence_once() {
        assert_eq!(sentence(" the feed is late "), "The feed is late.");
        assert_eq!(sentence("done."), "Done.");
    }

    #[test]
    fn stated_ages_read_as_a_range_or_a_bound_and_none_stays_none() {
        assert_eq!(ages(Some(16.0), Some(25.0)).as_deref(), Some("ages 16–25"));
        assert_eq!(ages(Some(18.0), None).as_deref(), Some("ages 18 and over"));
        assert_eq!(ages(None, Some(17.0)).as_deref(), Some("ages up to 17"));
        assert_eq!(ages(None, None), None);
    }

    #[test]
    fn dates_are_londons_calendar_not_utc() {
        // 23:30 UTC in summer is already the next day in London.
        let t: Timestamp = "2026-06-30T23:30:00Z".parse().unwrap();
        assert_eq!(day(t), "1 Jul 2026");
        assert_eq!(day_in_full(t), "1 July 2026");
        assert_eq!(day_and_time(t), "1 Jul 2026 00:30");
        assert_eq!(day_and_time_in_full(t), "1 July 2026 at 00:30");
    }
}
