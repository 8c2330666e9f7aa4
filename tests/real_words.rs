//! The words people really use: the neighbourhoods and towns they name (Peckham, Feltham),
//! what happened told with no keyword ("found a tracker on my car"), words about who a
//! person is, slurs written as people write them, and accounts that must never come back
//! empty. On the bundled directory, by words only (no meaning model).

mod common;

use common::{bundled, text};
use signpost::facts::PlaceMatch;
use signpost::{Directory, Error, SearchRequest, SearchResults};

const SOUTHWARK: &str = "E09000028";
const LAMBETH: &str = "E09000022";
const HOUNSLOW: &str = "E09000018";
const EALING: &str = "E09000009";
const CROYDON: &str = "E09000008";
const BROMLEY: &str = "E09000006";
const HILLINGDON: &str = "E09000017";
const TOWER_HAMLETS: &str = "E09000030";
const WALTHAM_FOREST: &str = "E09000031";

fn search(dir: &Directory, q: &str) -> SearchResults {
    dir.search(&text(q)).unwrap()
}

/// The first hit works in the borough (its own service, not a London-wide or national one),
/// and no service working only elsewhere comes before the borough's last local one.
fn local_first(r: &SearchResults, q: &str) {
    assert_eq!(
        r.hits[0].place_match,
        Some(PlaceMatch::Local),
        "{q}: first is {} ({:?})",
        r.hits[0].id,
        r.hits[0].coverage
    );
    let last_local = r
        .hits
        .iter()
        .rposition(|h| h.place_match == Some(PlaceMatch::Local))
        .unwrap();
    let first_elsewhere = r
        .hits
        .iter()
        .position(|h| h.place_match == Some(PlaceMatch::Elsewhere))
        .unwrap_or(usize::MAX);
    assert!(
        last_local < first_elsewhere,
        "{q}: another borough's service comes first"
    );
}

fn concepts(r: &SearchResults) -> Vec<&str> {
    r.understood
        .concepts
        .iter()
        .map(|c| c.id.as_str())
        .collect()
}

#[test]
fn a_neighbourhood_typed_with_a_need_ranks_its_boroughs_services_first() {
    let (_d, dir) = bundled();
    for (q, place, borough) in [
        ("dv peckham", "Peckham (Southwark)", SOUTHWARK),
        ("dv brixton", "Brixton (Lambeth)", LAMBETH),
        ("asb feltham", "Feltham (Hounslow)", HOUNSLOW),
        ("hate crime southall", "Southall (Ealing)", EALING),
        ("peckham domestic abuse", "Peckham (Southwark)", SOUTHWARK),
    ] {
        let r = dir
            .search(&SearchRequest {
                limit: 25,
                ..text(q)
            })
            .unwrap();
        let p = r.place.as_ref().unwrap_or_else(|| panic!("{q}: no place"));
        assert_eq!(p.label, place, "{q}");
        assert_eq!(p.boroughs[0], borough, "{q}");
        assert!(
            r.summary.contains(&format!("near {place}")),
            "{}",
            r.summary
        );
        local_first(&r, q);
        // A service working only in another borough says it does not cover the place.
        let named = p.named.as_deref().unwrap();
        let elsewhere: Vec<&signpost::Hit> = r
            .hits
            .iter()
            .filter(|h| h.place_match == Some(PlaceMatch::Elsewhere))
            .collect();
        assert!(
            !elsewhere.is_empty(),
            "{q}: no other borough's service in 25"
        );
        for h in elsewhere {
            assert!(
                h.covers.ends_with(&format!("does not cover {named}")),
                "{}",
                h.covers
            );
        }
    }
}

#[test]
fn a_misspelt_place_is_forgiven() {
    let (_d, dir) = bundled();
    for (q, named, borough) in [
        ("dv peckam", "Peckham", SOUTHWARK),
        ("idva walthamstowe", "Walthamstow", WALTHAM_FOREST),
    ] {
        let r = search(&dir, q);
        let p = r.place.unwrap_or_else(|| panic!("{q}: no place"));
        assert_eq!(p.named.as_deref(), Some(named), "{q}");
        assert_eq!(p.boroughs[0], borough, "{q}");
    }
}

#[test]
fn a_name_two_places_share_searches_both() {
    let (_d, dir) = bundled();
    let r = search(&dir, "dv hayes");
    let p = r.place.clone().unwrap();
    assert!(p.ambiguous);
    assert_eq!(p.label, "Hayes (Bromley or Hillingdon)");
    assert!(
        p.boroughs.contains(&BROMLEY.to_string()) && p.boroughs.contains(&HILLINGDON.to_string())
    );
    // Both boroughs' own services are among the results.
    let covers = |g: &str| {
        let name = signpost::geo::Geography::bundled()
            .borough(g)
            .unwrap()
            .name
            .clone();
        r.hits.iter().any(|h| h.coverage.contains(&name))
    };
    assert!(
        covers(BROMLEY) && covers(HILLINGDON),
        "{:?}",
        r.hits.iter().map(|h| &h.id).collect::<Vec<_>>()
    );
}

#[test]
fn an_everyday_word_is_a_place_only_where_it_reads_as_one() {
    let (_d, dir) = bundled();
    for q in ["dv in bow", "hate crime near the angel", "dv bow"] {
        assert!(search(&dir, q).place.is_some(), "{q}: read as no place");
    }
    let r = search(&dir, "dv in bow");
    assert_eq!(r.place.unwrap().boroughs[0], TOWER_HAMLETS);
    for q in [
        "he hit me with a bow and then kicked me",
        "lee from next door keeps shouting at my kids",
        "temple of the sikh community was vandalised",
    ] {
        assert!(search(&dir, q).place.is_none(), "{q}: read as a place");
    }
}

#[test]
fn a_place_word_is_never_corrected_into_a_need() {
    let (_d, dir) = bundled();
    let r = search(&dir, "thornton heath dv");
    assert_eq!(r.place.as_ref().unwrap().boroughs[0], CROYDON);
    assert!(r.understood.words.iter().all(|w| w.corrected.is_none()));
    assert!(
        !concepts(&r).contains(&"mental-health-crisis"),
        "{:?}",
        concepts(&r)
    );
    local_first(&r, "thornton heath dv");
}

#[test]
fn a_place_that_names_an_event_or_a_landmark_is_no_filter() {
    let (_d, dir) = bundled();
    for q in [
        "westminster bridge attack survivor",
        "robbed on tottenham court road",
        "grenfell tower fire survivor",
    ] {
        assert!(search(&dir, q).place.is_none(), "{q}: read as a place");
    }
    // What the event's place is near still counts when it is said as a place.
    assert!(search(&dir, "robbed in tottenham").place.is_some());
}

#[test]
fn the_postcode_field_and_the_borough_filter_take_place_names() {
    let (_d, dir) = bundled();
    let r = dir
        .search(&SearchRequest {
            postcode: Some("Peckham".into()),
            ..text("domestic abuse")
        })
        .unwrap();
    assert_eq!(r.place.unwrap().boroughs[0], SOUTHWARK);
    let r = dir
        .search(&SearchRequest {
            borough: Some("Feltham".into()),
            ..text("asb")
        })
        .unwrap();
    assert!(r
        .hits
        .iter()
        .all(|h| h.place_match.is_some() || !h.coverage.is_empty()));
    assert_eq!(r.hits[0].coverage, ["Hounslow"]);
    let err = dir
        .search(&SearchRequest {
            postcode: Some("Narnia".into()),
            ..text("dv")
        })
        .unwrap_err();
    assert!(matches!(err, Error::InvalidPostcode { .. }), "{err:?}");
    assert!(err.to_string().contains("London place"), "{err}");
}

#[test]
fn a_place_alone_opens_its_boroughs_view_titled_with_the_place() {
    let (_d, dir) = bundled();
    let v = dir.borough_view("Peckham", None).unwrap();
    assert_eq!(v.gss_code, SOUTHWARK);
    assert_eq!(v.heading, "Local services for Peckham (Southwark)");
    assert_eq!(
        dir.borough_view("Southwark", None).unwrap().heading,
        "Local services in Southwark"
    );
}

#[test]
fn an_account_never_returns_nothing() {
    let (_d, dir) = bundled();
    let r = search(&dir, "my husband plumber hits me");
    assert!(r.hits[..3]
        .iter()
        .any(|h| h.id == "national-domestic-abuse-helpline"));
    assert!(r.unserved_note.is_none());
    for q in ["husband banker", "boyfriend teacher", "xyzzy plover"] {
        let r = search(&dir, q);
        assert!(!r.hits.is_empty(), "{q}: nothing");
        assert!(r.unserved_note.is_some(), "{q}: no word on why");
    }
}

#[test]
fn what_happened_is_read_as_the_need_it_tells_and_says_why() {
    let (_d, dir) = bundled();
    for (q, need, word) in [
        (
            "found a tracker on my car",
            "stalking-harassment",
            "tracker",
        ),
        (
            "a man claiming to be from my bank rang and i moved my savings",
            "fraud-cybercrime",
            "claiming to be",
        ),
        (
            "someone took out two loans in my name",
            "fraud-cybercrime",
            "in my name",
        ),
        (
            "i think my drink was spiked at a club",
            "sexual-violence",
            "spiked",
        ),
        (
            "people smoking weed in the stairwell of our block",
            "anti-social-behaviour",
            "stairwell",
        ),
    ] {
        let r = search(&dir, q);
        let top = &r.hits[0];
        assert!(
            top.categories.iter().any(|c| c == need) || concepts(&r).contains(&need),
            "{q}"
        );
        assert!(
            r.hits[..3].iter().any(|h| h.why.contains(word)),
            "{q}: {:?}",
            r.hits.iter().map(|h| &h.why).collect::<Vec<_>>()
        );
    }
}

#[test]
fn a_slur_reads_as_hate_crime_and_is_never_printed_back() {
    let (_d, dir) = bundled();
    for (q, slur) in [
        ("a man shouted p*** at my dad on the bus", "p***"),
        ("kids on the estate keep calling my son a retard", "retard"),
    ] {
        let r = search(&dir, q);
        assert!(
            r.hits[..3]
                .iter()
                .any(|h| h.categories.iter().any(|c| c == "hate-crime")),
            "{q}: {:?}",
            r.hits.iter().map(|h| &h.id).collect::<Vec<_>>()
        );
        for h in &r.hits {
            assert!(!h.why.contains(slur), "{q}: {}", h.why);
        }
        let line = r.understood_line.unwrap_or_default();
        assert!(!line.contains(slur), "{line}");
    }
}

#[test]
fn words_about_who_someone_is_describe_them_and_do_not_choose_the_need() {
    let (_d, dir) = bundled();
    let r = search(&dir, "my jewish husband controls my money");
    assert_ne!(r.hits[0].id, "community-security-trust");
    assert!(r.hits[..3]
        .iter()
        .any(|h| h.categories.iter().any(|c| c == "domestic-abuse")));
    // "Older" comparing two people is no older person's need.
    let r = search(&dir, "my boyfriend is a few years older and he hits me");
    assert!(
        !concepts(&r).contains(&"older-people"),
        "{:?}",
        concepts(&r)
    );
    assert!(r.hits[..3]
        .iter()
        .any(|h| h.categories.iter().any(|c| c == "domestic-abuse")));
    // A phrase in a service's name that is also an everyday thing chooses no service.
    let r = search(&dir, "he kicked the front door in and smashed the windows");
    assert!(
        !concepts(&r).contains(&"child-safeguarding"),
        "{:?}",
        concepts(&r)
    );
    assert!(!r.hits[0].name.contains("Front Door"), "{}", r.hits[0].name);
    // Aimed at the identity, it is a hate crime.
    let r = search(&dir, "a man shouted abuse at my jewish neighbour");
    assert!(r.hits[..3]
        .iter()
        .any(|h| h.id == "community-security-trust"));
}

#[test]
fn the_understood_line_names_each_part_and_a_part_can_be_set_aside() {
    let (_d, dir) = bundled();
    let q = "my boyfriend keeps hitting me and took my money, im 16, we live in peckham";
    let r = search(&dir, q);
    let line = r.understood_line.clone().unwrap();
    assert!(line.starts_with("Understood: "), "{line}");
    assert!(line.contains("→ domestic abuse"), "{line}");
    assert!(line.contains("near Peckham (Southwark)"), "{line}");
    let keys: Vec<&str> = r.understood.parts.iter().map(|p| p.key.as_str()).collect();
    assert!(
        keys.contains(&"domestic-abuse") && keys.contains(&"place"),
        "{keys:?}"
    );
    // Without the place, nothing is ranked for Southwark; without the need, it is not read.
    let without = dir
        .search(&SearchRequest {
            set_aside: vec!["place".into(), "domestic-abuse".into()],
            ..text(q)
        })
        .unwrap();
    assert!(without.place.is_none());
    assert!(!concepts(&without).contains(&"domestic-abuse"));
    let line = without.understood_line.unwrap_or_default();
    assert!(
        !line.contains("Peckham") && !line.contains("domestic abuse"),
        "{line}"
    );
    // A short query is read word by word: no line.
    assert!(search(&dir, "dv hackney").understood_line.is_none());
}
