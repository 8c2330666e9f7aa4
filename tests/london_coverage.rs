//! The whole of London: every borough's own services first for a place (named in words, a
//! district, a full postcode or a filter), borough services not crowding the first screen
//! without one, the borough view with honest gaps, and the coverage matrix.

mod common;

use common::{bundled, text};
use signpost::facts::PlaceMatch;
use signpost::geo::Geography;
use signpost::{Hit, SearchRequest};

fn has(hit: &Hit, category: &str) -> bool {
    hit.categories.iter().any(|c| c == category)
}

fn covers(hit: &Hit, borough: &str) -> bool {
    hit.coverage.iter().any(|c| c == borough)
}

#[test]
fn dv_in_bexley_puts_one_of_bexleys_own_domestic_abuse_services_first() {
    let (_d, dir) = bundled();
    for req in [
        SearchRequest {
            borough: Some("Bexley".into()),
            ..text("dv")
        },
        text("dv bexley"),
        text("domestic abuse DA7"),
        text("dv DA7 6AB"),
        SearchRequest {
            postcode: Some("DA7 6AB".into()),
            ..text("domestic violence")
        },
    ] {
        let r = dir.search(&req).unwrap();
        let first = &r.hits[0];
        assert!(
            covers(first, "Bexley") && has(first, "domestic-abuse"),
            "{:?} {:?}: {} ({:?})",
            req.text,
            req.borough,
            first.id,
            first.coverage
        );
        assert_eq!(first.place_match, Some(PlaceMatch::Local));
    }
}

/// The same property for all 33 authorities: each one's own domestic abuse service comes
/// first for "domestic abuse <borough>", and its hate crime route for "hate crime in
/// <borough>" wherever it has one.
#[test]
fn every_borough_gets_its_own_services_first() {
    let (_d, dir) = bundled();
    let geo = Geography::bundled();
    let matrix = dir.coverage();
    let column = |c: &str| matrix.column(c).unwrap();
    for b in geo.boroughs() {
        let row = matrix
            .boroughs
            .iter()
            .find(|r| r.gss_code == b.gss_code)
            .unwrap();
        for (need, words) in [
            ("domestic-abuse", format!("domestic abuse {}", b.name)),
            ("hate-crime", format!("hate crime in {}", b.name)),
        ] {
            let r = dir.search(&text(&words)).unwrap();
            let first = &r.hits[0];
            if row.by_category[column(need)] > 0 {
                assert!(
                    covers(first, &b.name) && has(first, need),
                    "{words}: {} ({:?})",
                    first.id,
                    first.coverage
                );
            } else {
                // No local service for the need: the first result still meets it.
                assert!(has(first, need), "{words}: {}", first.id);
            }
        }
    }
}

#[test]
fn a_local_service_for_another_need_never_jumps_ahead() {
    let (_d, dir) = bundled();
    // Bexley has no local stalking service: stalking services come first, not Bexley's
    // domestic abuse or hate crime routes.
    for q in ["stalking bexley", "stalking DA7"] {
        let r = dir.search(&text(q)).unwrap();
        for h in r.hits.iter().take(2) {
            assert!(has(h, "stalking-harassment"), "{q}: {}", h.id);
        }
    }
    // A borough picked does the same.
    let r = dir
        .search(&SearchRequest {
            borough: Some("Bromley".into()),
            ..text("modern slavery")
        })
        .unwrap();
    assert!(has(&r.hits[0], "modern-slavery"), "{}", r.hits[0].id);
}

#[test]
fn a_place_alone_lists_that_boroughs_services() {
    let (_d, dir) = bundled();
    let matrix = dir.coverage();
    for (q, borough) in [
        ("bexley", "Bexley"),
        ("Tower Hamlets", "Tower Hamlets"),
        ("kingston", "Kingston upon Thames"),
    ] {
        let local = matrix
            .boroughs
            .iter()
            .find(|b| b.name == borough)
            .unwrap()
            .local;
        let r = dir
            .search(&SearchRequest {
                limit: 30,
                ..text(q)
            })
            .unwrap();
        assert_eq!(r.place.as_ref().unwrap().label, borough, "{q}");
        assert!(local >= 4, "{borough} has {local} local services");
        for h in &r.hits[..local] {
            assert!(covers(h, borough), "{q}: {} ({:?})", h.id, h.coverage);
        }
        assert!(
            !covers(&r.hits[local], borough),
            "{q}: all local ones first"
        );
    }
    // A district alone: its main borough's services first (E8 is mostly Hackney, partly
    // Tower Hamlets).
    let r = dir.search(&text("E8")).unwrap();
    assert!(covers(&r.hits[0], "Hackney"), "{}", r.hits[0].id);
    // However many results are asked for.
    for limit in [1, 2, 20] {
        let r = dir
            .search(&SearchRequest {
                limit,
                ..text("idva E8 1AA")
            })
            .unwrap();
        assert!(covers(&r.hits[0], "Hackney"), "{limit}: {}", r.hits[0].id);
    }
}

#[test]
fn without_a_place_borough_services_leave_room_for_london_wide_and_national_ones() {
    let (_d, dir) = bundled();
    for q in [
        "domestic abuse",
        "dv",
        "hate crime",
        "idva",
        "child protection",
        "asb",
    ] {
        let r = dir.search(&text(q)).unwrap();
        let first: Vec<&Hit> = r.hits.iter().take(10).collect();
        let borough_only = first
            .iter()
            .filter(|h| {
                !h.coverage
                    .iter()
                    .any(|c| c == "London-wide" || c == "National")
            })
            .count();
        let wider = r.hits.len()
            - r.hits
                .iter()
                .filter(|h| {
                    !h.coverage
                        .iter()
                        .any(|c| c == "London-wide" || c == "National")
                })
                .count();
        // At most three, unless there are not enough others to fill the screen.
        assert!(
            borough_only <= 3 || wider < 7,
            "{q}: {borough_only} borough services in the first 10: {:?}",
            first.iter().map(|h| &h.id).collect::<Vec<_>>()
        );
    }
    let r = dir.search(&text("domestic abuse")).unwrap();
    let top3: Vec<&str> = r.hits.iter().take(3).map(|h| h.id.as_str()).collect();
    assert!(
        top3.contains(&"national-domestic-abuse-helpline"),
        "{top3:?}"
    );
}

#[test]
fn new_kinds_of_service_are_found_by_the_words_people_use() {
    let (_d, dir) = bundled();
    for (q, category_or_word) in [
        ("nuisance neighbours hackney", "hackney-asb"),
        ("community trigger croydon", "croydon-asb"),
        (
            "worried about a child lambeth",
            "lambeth-integrated-referral-hub",
        ),
        ("mash bexley", "bexley-mash"),
        ("vulnerable adult brent", "brent-adult-safeguarding"),
        ("change the locks barnet", "barnet-sanctuary-scheme"),
        ("fgm clinic", "enfield-north-middlesex-iris-clinic-fgm"),
        ("youth offending team bexley", "bexley-youth-offending-team"),
    ] {
        let r = dir.search(&text(q)).unwrap();
        let top: Vec<&str> = r.hits.iter().take(3).map(|h| h.id.as_str()).collect();
        assert!(
            top.iter().any(|id| id.starts_with(category_or_word)),
            "{q}: {top:?}"
        );
    }
}

#[test]
fn the_borough_view_groups_local_services_and_says_where_there_are_none() {
    let (_d, dir) = bundled();
    let v = dir.borough_view("bexley", None).unwrap();
    assert_eq!(v.heading, "Local services in Bexley");
    assert_eq!(v.gss_code, "E09000004");
    let da = v
        .groups
        .iter()
        .find(|g| g.category == "domestic-abuse")
        .unwrap();
    assert_eq!(da.label, "Domestic abuse");
    assert!(!da.local.is_empty());
    for h in &da.local {
        assert!(covers(h, "Bexley") && has(h, "domestic-abuse"), "{}", h.id);
    }
    // Every local service is shown in some group.
    let shown: std::collections::HashSet<&str> = v
        .groups
        .iter()
        .flat_map(|g| g.local.iter().map(|h| h.id.as_str()))
        .collect();
    assert_eq!(shown.len(), v.local);
    // Bexley has no local sexual violence service: said plainly, with London-wide services
    // before national ones.
    let sv = v
        .gaps
        .iter()
        .find(|g| g.category == "sexual-violence")
        .unwrap();
    assert_eq!(
        sv.gap_text.as_deref(),
        Some("No local sexual violence service on record for Bexley")
    );
    assert!(!sv.wider.is_empty() && sv.wider_total >= sv.wider.len());
    assert_eq!(sv.wider[0].place_match, Some(PlaceMatch::LondonWide));
    for h in &sv.wider {
        assert!(
            has(h, "sexual-violence") && !covers(h, "Bexley"),
            "{}",
            h.id
        );
    }
    // No type of help is both a group and a gap, and none is missing ("other" is never a
    // gap).
    let mut all: Vec<&str> = v
        .groups
        .iter()
        .chain(&v.gaps)
        .map(|g| g.category.as_str())
        .collect();
    all.sort();
    all.dedup();
    assert_eq!(all.len(), v.groups.len() + v.gaps.len());
    assert!(all.len() >= 15);
    assert!(dir.borough_view("Gotham", None).is_err());
}

#[test]
fn the_coverage_matrix_counts_every_authority_from_the_feed() {
    let (_d, dir) = bundled();
    let m = dir.coverage();
    assert_eq!(m.boroughs.len(), 33);
    assert_eq!(m.borough_services + m.wider_services, dir.info().services);
    // Counted again, independently, from the bundled feed's own records.
    let feed: serde_json::Value = serde_json::from_str(signpost::bundled::FEED).unwrap();
    let services = feed["services"].as_array().unwrap();
    let da = m.column("domestic-abuse").unwrap();
    for row in &m.boroughs {
        let mine: Vec<&serde_json::Value> = services
            .iter()
            .filter(|s| {
                s["service_areas"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|a| a["name"] == row.name.as_str())
            })
            .collect();
        assert_eq!(row.local, mine.len(), "{}", row.name);
        let with_da = mine
            .iter()
            .filter(|s| {
                s["attributes"].as_array().unwrap().iter().any(|a| {
                    a["taxonomy_term"]["taxonomy"] == "signpost:category"
                        && a["taxonomy_term"]["code"] == "domestic-abuse"
                })
            })
            .count();
        assert_eq!(row.by_category[da], with_da, "{}", row.name);
        assert!(
            row.local >= 4,
            "{} has {} local services",
            row.name,
            row.local
        );
    }
}
