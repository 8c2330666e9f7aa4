//! Search behaviour on the bundled directory: typos, prefixes, abbreviations, place
//! ranking, filters, and the explanation each hit carries.

mod common;

use common::{bundled, ids, text};
use signpost::facts::PlaceMatch;
use signpost::search::MatchKind;
use signpost::{Error, ReferralFilter, SearchRequest};

/// The hit says it matched `word` this way.
fn matched_as(hit: &signpost::Hit, how: MatchKind, word: &str) -> bool {
    hit.matched
        .iter()
        .any(|m| m.how == how && m.matched == word)
}

fn rank(hits: &[String], id: &str) -> usize {
    hits.iter()
        .position(|h| h == id)
        .unwrap_or_else(|| panic!("{id} not in {hits:?}"))
        + 1
}

#[test]
fn dv_near_a_hackney_postcode_puts_hackneys_service_first() {
    let (_d, dir) = bundled();
    let req = SearchRequest {
        postcode: Some("E8 1AA".into()),
        ..text("dv")
    };
    let r = dir.search(&req).unwrap();
    assert_eq!(r.hits[0].id, "hackney-dais");
    assert_eq!(r.hits[0].place_match, Some(PlaceMatch::Local));
    assert_eq!(r.place.unwrap().label, "E8 1AA");
}

#[test]
fn local_services_rank_above_london_wide_above_national() {
    let (_d, dir) = bundled();
    let r = dir
        .search(&SearchRequest {
            postcode: Some("E8".into()),
            limit: 100,
            ..text("domestic abuse")
        })
        .unwrap();
    let tiers: Vec<PlaceMatch> = r.hits.iter().filter_map(|h| h.place_match).collect();
    // The first local result comes before any London-wide one, which comes before any
    // national one, among services matching equally well (both are domestic abuse).
    let first = |t: PlaceMatch| tiers.iter().position(|x| *x == t);
    assert!(
        first(PlaceMatch::Local) < first(PlaceMatch::LondonWide),
        "{tiers:?}"
    );
    // Services elsewhere still show, lower.
    let hits: Vec<String> = r.hits.iter().map(|h| h.id.clone()).collect();
    assert!(rank(&hits, "lambeth-gaia-centre") > rank(&hits, "hackney-dais"));
}

#[test]
fn a_place_typed_in_the_query_ranks_like_one_picked() {
    let (_d, dir) = bundled();
    for q in [
        "idva e8",
        "idva E8 1AA",
        "idva hackney",
        "dv h&f",
        "domestc abuse greenwhich",
    ] {
        let r = dir.search(&text(q)).unwrap();
        let place = r
            .place
            .as_ref()
            .unwrap_or_else(|| panic!("no place read in {q:?}"));
        assert!(!place.boroughs.is_empty(), "{q}");
        assert_eq!(
            r.hits[0].place_match,
            Some(PlaceMatch::Local),
            "{q}: {:?}",
            r.hits[0].id
        );
        // The place words are not searched as text.
        assert!(
            r.understood
                .words
                .iter()
                .all(|w| !["e8", "hackney", "greenwhich"].contains(&w.text.as_str())),
            "{q}"
        );
    }
}

#[test]
fn typos_within_the_budget_still_find_the_service_and_say_so() {
    let (_d, dir) = bundled();
    let r = dir.search(&text("stalkng")).unwrap();
    assert!([
        "national-stalking-helpline-london-stalking-support",
        "paladin-stalking-advocacy"
    ]
    .contains(&r.hits[0].id.as_str()));
    assert!(r.hits[0].partial, "a typo match must be flagged partial");
    let r = dir.search(&text("samritans")).unwrap();
    assert_eq!(r.hits[0].id, "samaritans");
    assert!(matched_as(&r.hits[0], MatchKind::Typo, "samaritans"));
}

#[test]
fn exact_matches_outrank_typo_matches() {
    let (_d, dir) = bundled();
    // "rape" is one edit from "race": the rape services must come before race hate ones.
    let hits = ids(&dir, &text("rape"));
    assert!(rank(&hits, "rape-crisis-247-support-line") < 5, "{hits:?}");
    if let Some(p) = hits.iter().position(|h| h == "the-monitoring-group") {
        assert!(p > rank(&hits, "the-havens-sarc"), "{hits:?}");
    }
}

#[test]
fn the_last_word_matches_as_a_prefix_while_typing() {
    let (_d, dir) = bundled();
    let r = dir.search(&text("sama")).unwrap();
    assert_eq!(r.hits[0].id, "samaritans");
    assert_eq!(r.hits[0].matched[0].how, MatchKind::Prefix);
    assert!(!r.hits[0].partial);
    // Only the last word: "sama helpline" does not expand "sama".
    let r = dir.search(&text("sama helpline")).unwrap();
    assert!(r.understood.words[0].prefixes.is_empty());
}

#[test]
fn abbreviations_and_lay_words_find_services_through_concepts() {
    let (_d, dir) = bundled();
    let cases = [
        ("dv helpline", "national-domestic-abuse-helpline"),
        ("mugged tourist", "international-visitors-victim-service"),
        ("scammed pensioner", "age-uk-scams-support"),
        ("gay bashing", "galop-lgbt-helpline"),
        ("cuckooing", "catch22-county-lines-support-and-rescue"),
        ("hba", "karma-nirvana-helpline"),
    ];
    for (q, want) in cases {
        let hits = ids(&dir, &text(q));
        assert!(rank(&hits, want) <= 3, "{q}: {hits:?}");
    }
    let r = dir.search(&text("dv")).unwrap();
    assert!(
        r.hits[0].categories.iter().any(|c| c == "domestic-abuse"),
        "{}",
        r.hits[0].id
    );
    assert!(r
        .hits
        .iter()
        .any(|h| matched_as(h, MatchKind::Concept, "domestic-abuse")));
}

#[test]
fn borough_filter_keeps_only_services_covering_it() {
    let (_d, dir) = bundled();
    let r = dir
        .search(&SearchRequest {
            borough: Some("Lambeth".into()),
            ..text("domestic abuse")
        })
        .unwrap();
    assert!(!r.hits.is_empty());
    assert_eq!(r.hits[0].id, "lambeth-gaia-centre");
    for h in &r.hits {
        assert!(
            h.coverage
                .iter()
                .any(|c| c == "Lambeth" || c == "London-wide" || c == "National"),
            "{} {:?}",
            h.id,
            h.coverage
        );
    }
    assert!(!r.hits.iter().any(|h| h.id == "hackney-dais"));
}

#[test]
fn category_referral_and_age_filters_narrow() {
    let (_d, dir) = bundled();
    let all = ids(&dir, &text("support"));
    let fraud = dir
        .search(&SearchRequest {
            categories: vec!["fraud-cybercrime".into()],
            ..text("support")
        })
        .unwrap();
    assert!(!fraud.hits.is_empty() && fraud.hits.len() < all.len());
    assert!(fraud
        .hits
        .iter()
        .all(|h| h.categories.contains(&"fraud-cybercrime".to_string())));

    let prof = dir
        .search(&SearchRequest {
            referral: Some(ReferralFilter::ProfessionalOnly),
            ..text("young")
        })
        .unwrap();
    assert!(!prof.hits.is_empty());
    assert!(prof
        .hits
        .iter()
        .all(|h| h.referral == Some(signpost::model::Referral::Professional)));
    let selfref = dir
        .search(&SearchRequest {
            referral: Some(ReferralFilter::SelfReferral),
            ..text("young")
        })
        .unwrap();
    assert!(selfref
        .hits
        .iter()
        .all(|h| h.referral.is_some_and(|r| r.allows_self())));

    // Childline is for under-19s; Hackney DAIS for 16+.
    let age = |a| {
        ids(
            &dir,
            &SearchRequest {
                age: Some(a),
                ..text("childline")
            },
        )
    };
    assert!(age(12).contains(&"childline".to_string()));
    assert!(!age(30).contains(&"childline".to_string()));
    let dais = |a| {
        ids(
            &dir,
            &SearchRequest {
                age: Some(a),
                postcode: Some("E8".into()),
                ..text("domestic abuse")
            },
        )
    };
    assert!(!dais(14).contains(&"hackney-dais".to_string()));
    assert!(dais(16).contains(&"hackney-dais".to_string()));
}

#[test]
fn open_now_filter_uses_london_time_and_leaves_out_unknown_hours() {
    let (_d, dir) = bundled();
    let at = |t: &str| SearchRequest {
        open_now: true,
        at: Some(t.parse().unwrap()),
        ..text("domestic abuse")
    };
    // Southall Black Sisters: Mon–Fri 9am–5pm. Tue 24 Nov 2026 10:00 GMT: open.
    let weekday = ids(&dir, &at("2026-11-24T10:00:00Z"));
    assert!(
        weekday.contains(&"southall-black-sisters".to_string()),
        "{weekday:?}"
    );
    // Sunday: closed; the 24/7 helpline stays.
    let sunday = ids(&dir, &at("2026-11-29T10:00:00Z"));
    assert!(!sunday.contains(&"southall-black-sisters".to_string()));
    assert!(sunday.contains(&"national-domestic-abuse-helpline".to_string()));
    // Hours unknown (Hackney DAIS) are never claimed open.
    assert!(!weekday.contains(&"hackney-dais".to_string()));
    // Summer: 08:30 UTC on a weekday is 09:30 BST, open.
    assert!(ids(&dir, &at("2026-07-01T08:30:00Z")).contains(&"southall-black-sisters".to_string()));
    assert!(!ids(&dir, &at("2026-07-01T16:30:00Z")).contains(&"southall-black-sisters".to_string()));
}

#[test]
fn every_hit_says_whether_it_is_open() {
    let (_d, dir) = bundled();
    let r = dir
        .search(&SearchRequest {
            at: Some("2026-11-24T10:00:00Z".parse().unwrap()),
            ..text("samaritans")
        })
        .unwrap();
    assert_eq!(r.hits[0].open_text, "open 24 hours");
    let r = dir
        .search(&SearchRequest {
            at: Some("2026-11-24T10:00:00Z".parse().unwrap()),
            ..text("hackney dais")
        })
        .unwrap();
    let dais = r.hits.iter().find(|h| h.id == "hackney-dais").unwrap();
    assert_eq!(dais.open_text, "hours unknown");
}

#[test]
fn an_empty_query_lists_services_for_the_place() {
    let (_d, dir) = bundled();
    let r = dir
        .search(&SearchRequest {
            borough: Some("Croydon".into()),
            limit: 100,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(r.hits[0].place_match, Some(PlaceMatch::Local));
    assert!(r.hits.iter().any(|h| h.id == "rasasc-croydon"));
    assert!(!r.hits.iter().any(|h| h.id == "hackney-dais"));
}

#[test]
fn bad_parameters_are_clear_errors() {
    let (_d, dir) = bundled();
    let e = dir
        .search(&SearchRequest {
            postcode: Some("E8 1A".into()),
            ..text("dv")
        })
        .unwrap_err();
    assert!(
        matches!(e, Error::InvalidPostcode { .. })
            && e.to_string().contains("is not a UK postcode"),
        "{e}"
    );
    let e = dir
        .search(&SearchRequest {
            postcode: Some("M1 1AE".into()),
            ..text("dv")
        })
        .unwrap_err();
    assert!(e.to_string().contains("not in London"), "{e}");
    let e = dir
        .search(&SearchRequest {
            borough: Some("Gotham".into()),
            ..text("dv")
        })
        .unwrap_err();
    assert!(
        e.to_string().contains("\"Gotham\" is not a London borough"),
        "{e}"
    );
    let e = dir
        .search(&SearchRequest {
            categories: vec!["knitting".into()],
            ..text("dv")
        })
        .unwrap_err();
    assert!(e.to_string().contains("is not a category"), "{e}");
    assert!(matches!(
        dir.service("no-such-id", None),
        Err(Error::NotFound(_))
    ));
}

#[test]
fn judged_queries_meet_the_quality_bar() {
    let Some(path) = common::shared("relevance/queries.jsonl") else {
        return;
    };
    let (_d, dir) = bundled();
    let judged = signpost::eval::read_judged(&std::fs::read_to_string(path).unwrap()).unwrap();
    let (_, s) =
        signpost::eval::evaluate(&dir, &judged, "2026-11-24T10:00:00Z".parse().unwrap()).unwrap();
    // The floors the London directory issue set for the 231-service directory.
    assert!(
        s.success_at_3 >= 0.95 && s.mrr >= 0.90 && s.ndcg_at_5 >= 0.85 && s.zero == 0.0,
        "{s}"
    );
}

#[test]
fn language_filter_keeps_services_listing_the_language() {
    let (_d, dir) = bundled();
    let req = |lang: &str| SearchRequest {
        language: Some(lang.into()),
        ..text("women")
    };
    assert_eq!(ids(&dir, &req("Spanish")), ["lawrs"]);
    assert!(ids(&dir, &req("Klingon")).is_empty());
}

/// A regression set judged for this project (tests/data/more-queries.jsonl). It was
/// written alongside the ranking rules it checks, so it is not held out: it guards those
/// rules against coming undone.
#[test]
fn regression_queries_stay_good() {
    let (_d, dir) = bundled();
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/more-queries.jsonl");
    let judged = signpost::eval::read_judged(&std::fs::read_to_string(path).unwrap()).unwrap();
    let (_, s) =
        signpost::eval::evaluate(&dir, &judged, "2026-11-24T10:00:00Z".parse().unwrap()).unwrap();
    assert!(
        s.success_at_3 >= 0.90 && s.mrr >= 0.80 && s.zero == 0.0,
        "{s}"
    );
}

#[test]
fn a_word_that_carries_no_need_never_decides_the_top_result() {
    let (_d, dir) = bundled();
    // "incident" is in the names of incident lines (hate, terrorism, antisemitism); beside
    // "domestic" it says nothing of the need, so domestic abuse services lead, Bexley's own
    // first (DA7 is in Bexley).
    let r = dir.search(&text("domestic incident DA7")).unwrap();
    let top: Vec<&str> = r.hits.iter().take(3).map(|h| h.name.as_str()).collect();
    assert!(
        r.hits[..3]
            .iter()
            .all(|h| h.categories.iter().any(|c| c == "domestic-abuse")),
        "{top:?}"
    );
    assert_eq!(r.hits[0].place_match, Some(PlaceMatch::Local), "{top:?}");
    // Alone, the same word is what was asked for.
    let alone = dir.search(&text("incident")).unwrap();
    assert!(
        alone.hits[0].name.to_lowercase().contains("incident"),
        "{}",
        alone.hits[0].name
    );
}

#[test]
fn a_bare_number_beside_words_of_need_is_left_out() {
    let (_d, dir) = bundled();
    // "17" is an age here; it must not bring "17-24-30 National Hate Crime Awareness Week"
    // to the top of a domestic abuse search.
    let r = dir.search(&text("im 17 and my boyfriend hits me")).unwrap();
    assert!(
        r.hits[0].categories.iter().any(|c| c == "domestic-abuse"),
        "{}",
        r.hits[0].name
    );
    // A number alone is still searched, and 999 is a need.
    assert!(dir.search(&text("17")).unwrap().hits[0]
        .name
        .starts_with("17-24-30"));
    assert_eq!(
        dir.search(&text("999 stabbed")).unwrap().hits[0].id,
        "met-police-999-emergency"
    );
}

#[test]
fn an_age_in_the_query_ranks_services_that_cannot_take_the_person_lower() {
    let (_d, dir) = bundled();
    // The 24/7 Rape Crisis line is for people aged 16 and over; "15F" is a 15-year-old
    // girl, in the shorthand clinicians write.
    let line = "rape-crisis-247-support-line";
    let ids = |q: &str| -> Vec<String> {
        dir.search(&SearchRequest {
            limit: 20,
            ..text(q)
        })
        .unwrap()
        .hits
        .into_iter()
        .map(|h| h.id)
        .collect()
    };
    let without = rank(&ids("raped"), line);
    let with = rank(&ids("15F raped"), line);
    assert!(
        with > without + 2,
        "rank {without} without the age, {with} with it"
    );
    // The same age written out, and the hits say the age was read as who the person is.
    let r = dir
        .search(&text("my 15 year old daughter was raped"))
        .unwrap();
    assert!(rank(&ids("my 15 year old daughter was raped"), line) > 3);
    assert!(
        r.hits.iter().any(
            |h| h.matched.iter().any(|m| m.query.starts_with("15 year old")
                && m.matched == "young-people"
                && m.how == MatchKind::Concept)
        ),
        "{:?}",
        r.hits[0].matched
    );
    // An age given for the past does not stand for the present one.
    let adult = dir
        .search(&text("abused from age 8 to 12, she is 43 now"))
        .unwrap();
    assert_eq!(adult.understood.age, Some(43));
}
