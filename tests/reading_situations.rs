//! Situations told in people's own words, searched with the meaning model loaded as the
//! app loads it: needs read by meaning, the ranking policy around them, and the quality
//! floors on the judged situations.

mod common;

use std::sync::{Arc, OnceLock};

use common::{bundled, ids, text};
use signpost::meaning::{self, Meaning};
use signpost::search::MatchKind;
use signpost::{Directory, SearchRequest};

/// The model and signs, loaded once for every test here (as the app loads them).
fn meaning() -> Arc<Meaning> {
    static M: OnceLock<Arc<Meaning>> = OnceLock::new();
    M.get_or_init(|| {
        let dir = meaning::default_dir();
        Arc::new(Meaning::load(&dir).unwrap_or_else(|e| {
            panic!(
                "{e} in {}: run the tests with `bash .ci/setup cargo test`, which builds it",
                dir.display()
            )
        }))
    })
    .clone()
}

/// The bundled directory reading queries by meaning too.
fn with_meaning() -> (tempfile::TempDir, Directory) {
    let (d, mut dir) = bundled();
    dir.set_meaning(meaning());
    (d, dir)
}

fn scores(dir: &Directory, file: &std::path::Path) -> signpost::eval::Scores {
    let judged = signpost::eval::read_judged(&std::fs::read_to_string(file).unwrap()).unwrap();
    signpost::eval::evaluate(dir, &judged, "2026-11-24T10:00:00Z".parse().unwrap())
        .unwrap()
        .1
}

#[test]
fn judged_queries_keep_their_bar_with_meaning_on() {
    let Some(path) = common::shared("relevance/queries.jsonl") else {
        return;
    };
    let (_d, dir) = with_meaning();
    let s = scores(&dir, &path);
    assert!(
        s.success_at_3 >= 0.95 && s.mrr >= 0.90 && s.ndcg_at_5 >= 0.85 && s.zero == 0.0,
        "{s}"
    );
}

/// The floors: success@3 ≥ 0.90 and MRR ≥ 0.80 (reached: 0.90 and 0.84; keywords
/// alone: about 0.5 and 0.45, and 0.43 and 0.37 before the ranking policy).
#[test]
fn judged_situations_are_read_far_better_by_meaning_than_by_words() {
    let Some(path) = common::shared("relevance/situations.jsonl") else {
        return;
    };
    let (_d, words) = bundled();
    let by_words = scores(&words, &path);
    let (_d2, dir) = with_meaning();
    let s = scores(&dir, &path);
    assert!(
        s.success_at_3 >= 0.90 && s.mrr >= 0.80 && s.zero == 0.0,
        "with meaning: {s}"
    );
    assert!(
        s.success_at_3 >= by_words.success_at_3 + 0.2,
        "with meaning: {s}; by words: {by_words}"
    );
}

/// Accounts condensed from real public posts and case notes (`real.jsonl`): a guard at
/// today's figures (7 Dec: 0.633 / 0.566, from 0.450 / 0.339 before places and events were
/// read), below the floors of 0.85 / 0.75, which are not met yet. Every account
/// gets an answer.
#[test]
fn real_accounts_hold_todays_figures() {
    let Some(path) = common::shared("relevance/real.jsonl") else {
        return;
    };
    let (_d, dir) = with_meaning();
    let s = scores(&dir, &path);
    assert!(
        s.success_at_3 >= 0.85 && s.mrr >= 0.65 && s.zero == 0.0,
        "{s}"
    );
}

/// Situations judged for this project (tests/data/more-situations.jsonl), written before
/// the signs were widened but by the same hand: a guard, not a held-out measure.
#[test]
fn own_situations_stay_good() {
    let (_d, dir) = with_meaning();
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/more-situations.jsonl");
    let s = scores(&dir, &path);
    assert!(
        s.success_at_3 >= 0.80 && s.mrr >= 0.70 && s.zero == 0.0,
        "{s}"
    );
}

#[test]
fn a_situation_told_in_other_words_finds_its_need_and_says_how() {
    let (_d, dir) = with_meaning();
    // No thesaurus term or listed event in it: "domestic abuse" is read from the behaviour
    // described.
    let r = dir
        .search(&text(
            "he reads my texts and gets angry when i see my mates",
        ))
        .unwrap();
    // Among the services chosen for the need (the way to report it, placed for the crime
    // told, aside).
    let top: Vec<&str> = r
        .hits
        .iter()
        .filter(|h| h.placed.is_none())
        .take(3)
        .map(|h| h.id.as_str())
        .collect();
    assert!(
        top.contains(&"national-domestic-abuse-helpline"),
        "top three: {top:?}"
    );
    let hit = &r.hits[0];
    let about = hit
        .matched
        .iter()
        .find(|m| m.how == MatchKind::Meaning)
        .unwrap_or_else(|| panic!("no meaning match on {}: {:?}", hit.id, hit.matched));
    assert_eq!(about.matched, "domestic-abuse");
    // What was said, as typed, not the words the model compared.
    assert!(
        "he reads my texts and gets angry when i see my mates"
            .replace('\'', "")
            .contains(&about.query),
        "{about:?}"
    );
    // Without the model the same words find no domestic abuse service first.
    let (_d2, words) = bundled();
    let w = words
        .search(&text(
            "he reads my texts and gets angry when i see my mates",
        ))
        .unwrap();
    assert!(!w.understood.by_meaning);
    assert!(w
        .hits
        .iter()
        .all(|h| h.matched.iter().all(|m| m.how != MatchKind::Meaning)));
}

#[test]
fn a_place_that_names_an_event_keeps_the_events_services() {
    let (_d, dir) = with_meaning();
    let r = dir
        .search(&text("westminster bridge attack survivor"))
        .unwrap();
    assert!(r.place.is_none(), "{:?}", r.place);
    assert!(
        r.hits[..3]
            .iter()
            .any(|h| h.categories.iter().any(|c| c == "terrorism-major-incident")),
        "{:?}",
        r.hits.iter().map(|h| &h.id).collect::<Vec<_>>()
    );
}

#[test]
fn ordinary_words_read_as_no_need() {
    let m = meaning();
    for said in [
        "the weather was lovely and we went shopping for shoes in town",
        "what time does the library open on saturday",
    ] {
        assert_eq!(m.read(said, &|_| None), [], "{said:?}");
    }
}

#[test]
fn a_service_carrying_none_of_the_needs_comes_after_those_that_do() {
    let (_d, dir) = with_meaning();
    // "gay" and "man" name who; "threatened by neighbours" is the need (hate crime). The
    // Men's Advice Line (domestic abuse) matches both words but not the need.
    let hits = ids(&dir, &text("gay man threatened by neighbours"));
    let galop = hits
        .iter()
        .position(|h| h == "galop-lgbt-helpline")
        .unwrap();
    let mens = hits.iter().position(|h| h == "mens-advice-line");
    assert_eq!(galop, 0, "{hits:?}");
    assert!(mens.is_none_or(|m| m > galop), "{hits:?}");
}

#[test]
fn a_need_no_service_covers_is_said_and_the_general_routes_lead() {
    let (_d, dir) = bundled();
    let r = dir.search(&text("revenge porn")).unwrap();
    assert_eq!(r.understood.unserved, ["image-based abuse"]);
    // Led by the routes open to any victim, not by a sexual violence service that shares
    // a broader concept with the query.
    assert!(
        r.hits[0]
            .categories
            .iter()
            .any(|c| c == "general-victim-support"),
        "{:?}",
        r.hits[0]
    );
    assert!(r
        .hits
        .iter()
        .take(3)
        .all(|h| !h.matched.iter().any(|m| m.matched == "sexual-violence")));
    // A need the directory covers is not said to be missing.
    assert!(dir
        .search(&text("stalking"))
        .unwrap()
        .understood
        .unserved
        .is_empty());
}

#[test]
fn a_service_for_another_group_comes_after_the_general_route() {
    let (_d, dir) = bundled();
    // IKWRO is for Middle Eastern and Afghan women: after the general forced marriage
    // helpline, unless the query says the person is one of them.
    let hits = ids(&dir, &text("forced marriage hackney"));
    let karma = hits
        .iter()
        .position(|h| h == "karma-nirvana-helpline")
        .unwrap();
    let ikwro = hits.iter().position(|h| h == "ikwro").unwrap();
    assert!(karma < ikwro, "{hits:?}");
    // Saying the group changes that.
    let hits = ids(&dir, &text("forced marriage kurdish women"));
    assert_eq!(hits[0], "ikwro", "{hits:?}");
}

#[test]
fn a_whole_word_is_never_explained_as_the_start_of_a_longer_one() {
    let (_d, dir) = bundled();
    let r = dir.search(&text("my ex")).unwrap();
    for h in &r.hits {
        assert!(
            h.matched
                .iter()
                .all(|m| !(m.query == "ex" && m.how == MatchKind::Prefix)),
            "{}: {:?}",
            h.id,
            h.matched
        );
    }
    // A word still being typed is: "stalk" → "stalking".
    let r = dir.search(&text("stalk")).unwrap();
    assert!(r.hits[0]
        .matched
        .iter()
        .any(|m| m.query == "stalk" && m.matched.starts_with("stalking")));
}

#[test]
fn a_typo_in_a_telling_is_read_by_the_models_words() {
    let m = meaning();
    assert_eq!(m.model.nearest_word("pasport").as_deref(), Some("passport"));
    assert!(
        m.model.is_english("stitched"),
        "stitch + ed is a word, not a typo"
    );
    assert_eq!(m.model.nearest_word("left"), None);
    let (_d, dir) = with_meaning();
    let r = dir
        .search(&SearchRequest {
            text: "flatmate hasnt left her room in 4 days and keeps giving her stuff away".into(),
            limit: 5,
            ..Default::default()
        })
        .unwrap();
    // "left" is English: not corrected to a directory word ("elft").
    assert!(r.understood.words.iter().all(|w| w.corrected.is_none()));
    assert!(r
        .understood
        .concepts
        .iter()
        .any(|c| c.id == "mental-health-crisis" && c.about.is_some()));
}

/// Every result says why it is there, including a service carrying only a broader need of
/// the one read ("says she's staying with friends" → child sexual exploitation, and a
/// youth service for exploitation).
#[test]
fn every_result_for_a_situation_says_why_it_matched() {
    let (_d, dir) = with_meaning();
    let own =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/more-situations.jsonl");
    let files: Vec<std::path::PathBuf> = common::shared("relevance/situations.jsonl")
        .into_iter()
        .chain([own])
        .collect();
    let mut searched = 0;
    for file in files {
        let judged = signpost::eval::read_judged(&std::fs::read_to_string(file).unwrap()).unwrap();
        for j in judged {
            let r = dir.search(&text(&j.query)).unwrap();
            for h in &r.hits {
                assert!(
                    !h.why.is_empty() || h.placed.is_some(),
                    "{} for {:?}: no reason",
                    h.id,
                    j.query
                );
            }
            searched += 1;
        }
    }
    assert!(searched >= 20);
    // The broader need is what is named.
    let r = dir
        .search(&text(
            "15F brought into A&E by a man who looks mid 20s, love bites, brand new iphone, \
             says she's staying with friends",
        ))
        .unwrap();
    assert!(r.hits.iter().any(|h| h
        .matched
        .iter()
        .any(|m| m.how == MatchKind::Meaning && m.matched != "cse")));
}

/// The hits placed as the way to report a crime the account tells.
fn report_lines(r: &signpost::SearchResults) -> Vec<(usize, &str)> {
    r.hits
        .iter()
        .enumerate()
        .filter(|(_, h)| h.placed.as_deref() == Some(signpost::present::TO_REPORT))
        .map(|(i, h)| (i, h.id.as_str()))
        .collect()
}

/// An account of a crime shows a way to report it among the first three results: the
/// police non-emergency line, saying why it is there. A filter that leaves it out is obeyed.
#[test]
fn an_account_of_a_crime_shows_how_to_report_it_in_the_first_three() {
    let (_d, dir) = with_meaning();
    let account = "my son was mugged on the way home from school last week and they took his phone";
    let r = dir.search(&text(account)).unwrap();
    let lines = report_lines(&r);
    assert_eq!(
        lines.len(),
        1,
        "{:?}",
        r.hits.iter().map(|h| &h.id).collect::<Vec<_>>()
    );
    let (at, id) = lines[0];
    // Second: after the best service for what happened.
    assert_eq!(at, 1, "the way to report is at {}", at + 1);
    let line = &r.hits[at];
    assert_eq!(
        line.phone.as_ref().map(|p| p.number.as_str()),
        Some("101"),
        "{id}"
    );
    assert!(
        !line.partial,
        "placed for the account, not a partial match of its words"
    );
    // Only one way to report among the results, and the services for the need still lead.
    assert_eq!(r.hits.iter().filter(|h| h.id == id).count(), 1);
    assert_ne!(r.hits[0].id, id);

    let mut only_youth = text(account);
    only_youth.categories = vec!["youth-violence-exploitation".into()];
    let r = dir.search(&only_youth).unwrap();
    assert!(
        r.hits.iter().all(|h| h.id != id),
        "the category filter is obeyed"
    );
}

/// Someone in danger now needs 999 before any service: the emergency line comes first,
/// says why, and the "Understood" line says what told it; the same harm told of the past
/// leaves the services for the need first. Set aside, the danger part lets the words rank.
#[test]
fn danger_now_lists_the_emergency_line_first_and_says_why() {
    let (_d, dir) = with_meaning();
    let now = "my ex is outside my door with a knife right now and says he will kill me";
    let r = dir.search(&text(now)).unwrap();
    let first = &r.hits[0];
    assert_eq!(
        first.phone.as_ref().map(|p| p.number.as_str()),
        Some("999"),
        "{:?}",
        r.hits.iter().map(|h| &h.id).collect::<Vec<_>>()
    );
    assert_eq!(first.placed.as_deref(), Some(signpost::present::DANGER_NOW));
    assert!(!first.partial);
    assert_eq!(r.understood.parts[0].key, signpost::search::DANGER_PART);
    assert!(r.understood.parts[0].said.contains("knife"));
    // Once, and no 101 line beside it: this is no time for the non-emergency line.
    assert_eq!(r.hits.iter().filter(|h| h.id == first.id).count(), 1);
    assert!(report_lines(&r).is_empty());

    let past = dir
        .search(&text(
            "last year my ex threatened to kill me with a knife and he was arrested",
        ))
        .unwrap();
    assert!(past
        .hits
        .iter()
        .all(|h| h.placed.as_deref() != Some(signpost::present::DANGER_NOW)));
    assert_ne!(past.hits[0].id, first.id);

    // A filter chosen for the services does not hide 999 from someone in danger.
    let mut filtered = text(now);
    filtered.categories = vec!["youth-violence-exploitation".into()];
    let r = dir.search(&filtered).unwrap();
    assert_eq!(r.hits[0].id, first.id);

    let mut aside = text(now);
    aside.set_aside = vec![signpost::search::DANGER_PART.to_string()];
    let r = dir.search(&aside).unwrap();
    assert!(r
        .hits
        .iter()
        .all(|h| h.placed.as_deref() != Some(signpost::present::DANGER_NOW)));
}

/// No line is added where it would not help: a way to report is already among the first
/// three (Action Fraud for a scam), the account is of help after a report (meeting the
/// burglar at sentencing), or a few words name a need rather than tell a crime.
#[test]
fn no_report_line_where_a_way_to_report_leads_or_the_report_is_made() {
    let (_d, dir) = with_meaning();
    let scam = dir
        .search(&text(
            "i clicked the link in a text from my bank and they took 2000 pounds from my account",
        ))
        .unwrap();
    assert!(report_lines(&scam).is_empty());
    assert!(scam.hits.iter().take(3).any(|h| h.id == "action-fraud"));
    let after = dir
        .search(&text(
            "the man who burgled us is being sentenced next week and i want to meet him to ask why",
        ))
        .unwrap();
    assert!(
        report_lines(&after).is_empty(),
        "{:?}",
        report_lines(&after)
    );
    let keyword = dir.search(&text("robbery")).unwrap();
    assert!(report_lines(&keyword).is_empty());
}

/// A phrase an event read says what it means: the run of words around it is not read by
/// meaning as another need ("keeps following me home" is stalking, not a child drawn into
/// county lines).
#[test]
fn a_phrase_read_as_an_event_is_not_read_again_as_another_need() {
    let (_d, dir) = with_meaning();
    let r = dir
        .search(&text(
            "ex boyfriend keeps following me home and sending threats",
        ))
        .unwrap();
    let read: Vec<&str> = r
        .understood
        .concepts
        .iter()
        .map(|c| c.id.as_str())
        .collect();
    assert!(read.contains(&"stalking-harassment"), "{read:?}");
    assert!(!read.contains(&"criminal-exploitation"), "{read:?}");
    assert!(
        r.hits[0]
            .categories
            .iter()
            .any(|c| c == "stalking-harassment"),
        "{}",
        r.hits[0].id
    );
}

/// What happened, read as an event, leads over a need read only by the nearness of other
/// words to a sign: after a car driven into people, "went back to work … cant sleep" is
/// the shock, not modern slavery, and the services for what happened come first.
#[test]
fn an_event_told_leads_over_a_need_read_by_meaning_from_other_words() {
    let (_d, dir) = with_meaning();
    let r = dir
        .search(&text(
            "a car mounted the kerb and hit people by the market, went back to work the next day, now i cant sleep",
        ))
        .unwrap();
    let first: Vec<(&str, &Vec<String>)> = r
        .hits
        .iter()
        .take(3)
        .map(|h| (h.id.as_str(), &h.categories))
        .collect();
    assert!(
        first
            .iter()
            .all(|(_, c)| c.iter().any(|c| c == "terrorism-major-incident")),
        "{first:?}"
    );
}

/// Asking for fewer results than a first screen gives the first of the default ten, never
/// others: the rules applied after collection (a service off the need, for another group,
/// outside the age given) and the rules for the first places see the same services.
#[test]
fn fewer_results_asked_for_are_the_first_of_the_longer_list() {
    let (_d, dir) = with_meaning();
    for q in [
        "domestic abuse intervention service",
        "my son was mugged on the way home from school last week and they took his phone",
        "15 yr old girl sending pictures to older men online",
        "dv peckham",
        "scam",
    ] {
        let ids = |limit: usize| -> Vec<String> {
            let req = signpost::SearchRequest { limit, ..text(q) };
            dir.search(&req)
                .unwrap()
                .hits
                .into_iter()
                .map(|h| h.id)
                .collect()
        };
        let long = ids(10);
        for limit in [1, 2, 3, 5] {
            assert_eq!(
                ids(limit),
                long[..limit.min(long.len())],
                "{q} --limit {limit}"
            );
        }
    }
}

/// In an account, services made for the need read (it is their main type of help) come
/// before services that carry it as a side line: after a courier scam, Action Fraud and
/// the scams service lead, not a hate crime hub that also takes online fraud.
#[test]
fn services_made_for_the_need_come_before_those_carrying_it_as_a_side_line() {
    let (_d, dir) = with_meaning();
    let r = dir
        .search(&text(
            "a man called saying he was a police officer and my card had been cloned, a courier came to collect it",
        ))
        .unwrap();
    let mains: Vec<(&str, &str)> = r
        .hits
        .iter()
        .take(2)
        .map(|h| (h.id.as_str(), h.categories[0].as_str()))
        .collect();
    assert!(
        mains.iter().all(|(_, main)| *main == "fraud-cybercrime"),
        "{mains:?}"
    );
}
