//! The referral slip and the detail view's links, on the bundled directory.

mod common;

use jiff::Timestamp;
use signpost::review::ReviewState;
use signpost::slip;

#[test]
fn the_slip_lists_each_service_with_its_numbers_and_the_emergency_line_and_nothing_else() {
    let (_d, dir) = common::bundled();
    let helpline = dir
        .service("national-domestic-abuse-helpline", None)
        .unwrap();
    let dais = dir.service("hackney-dais", None).unwrap();
    let now: Timestamp = "2026-12-08T10:00:00Z".parse().unwrap();
    let text = slip::text(&[helpline, dais], dir.info().generated_at, now);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "Services that can help");
    assert_eq!(
        lines[1],
        "From Signpost London on 8 December 2026 (directory of 7 December 2026)"
    );
    assert!(text.contains(slip::EMERGENCY_LINE));
    let entry = |n: &str| text.split(n).nth(1).unwrap().split("\n\n").next().unwrap();
    assert!(text.contains("1. National Domestic Abuse Helpline (Refuge)\n"));
    assert!(entry("1. ").contains("\n   Phone: 0808 2000 247"), "{text}");
    assert!(text.contains("2. Domestic Abuse Intervention Service (DAIS) (Hackney Council)\n"));
    assert!(entry("2. ").contains("\n   Phone: no phone number on record\n   Website: https://hackney.gov.uk/domestic-abuse-support/"), "{text}");
    assert!(text.contains("   Covers: Hackney\n"));
    assert_eq!(text.matches("Phone:").count(), 2, "{text}");
    assert!(
        !text.contains("not on record"),
        "what is unknown is left out: {text}"
    );
    assert!(text.contains("   What they do: "), "{text}");
}

/// Five services' providers are not known: the feed names no organisation for them
/// (missing stays missing), and the slip and the command line say nothing in its place
/// rather than an empty "()" or "—".
#[test]
fn a_service_whose_provider_is_not_known_reads_well_everywhere() {
    let (d, dir) = common::bundled();
    let merton = dir.service("merton-community-idva-service", None).unwrap();
    assert!(merton.service.organization.is_none());
    let now: Timestamp = "2026-12-08T10:00:00Z".parse().unwrap();
    let text = slip::text(std::slice::from_ref(&merton), None, now);
    assert!(text.contains("\n1. Merton Community IDVA\n"), "{text}");
    assert!(!text.contains("()"), "{text}");

    let o = common::signpost(d.path(), &["search", "idva merton"]);
    let out = common::stdout(&o);
    let line = out
        .lines()
        .find(|l| l.contains("Merton Community IDVA"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(!line.trim_end().ends_with('—'), "{line}");
    let o = common::signpost(d.path(), &["show", "merton-community-idva-service"]);
    let out = common::stdout(&o);
    assert_eq!(
        out.lines().take(2).collect::<Vec<_>>(),
        ["Merton Community IDVA", "Provider not stated"],
        "{out}"
    );
}

#[test]
fn the_slip_says_what_a_service_does_who_can_call_and_each_number_once() {
    let (_d, dir) = common::bundled();
    let stalking = dir
        .service("national-stalking-helpline-london-stalking-support", None)
        .unwrap();
    let now: Timestamp = "2026-11-22T10:00:00Z".parse().unwrap();
    let text = slip::text(std::slice::from_ref(&stalking), None, now);
    // The record lists 0808 802 0300 twice (once "press 2"): one line, both notes.
    assert_eq!(text.matches("0808 802 0300").count(), 1, "{text}");
    assert!(text.contains("press 2"), "{text}");
    let first = stalking
        .service
        .description
        .as_deref()
        .unwrap()
        .split(". ")
        .next()
        .unwrap()
        .to_string();
    assert!(
        text.contains(&format!(
            "What they do: {}",
            first.chars().take(60).collect::<String>()
        )),
        "{text}"
    );
    // Its record allows self-referral ("both"), and it has a number.
    assert!(text.contains("   You can call them yourself.\n"), "{text}");
    assert!(!text.contains("How to get help"), "{text}");
}

#[test]
fn details_carry_checked_links_review_warnings_and_coverage_codes() {
    let (_d, dir) = common::bundled();
    let d = dir
        .service("national-stalking-helpline-london-stalking-support", None)
        .unwrap();
    let tels: Vec<Option<&str>> = d.phones.iter().map(|p| p.dial.tel.as_deref()).collect();
    assert_eq!(tels, [Some("tel:08088020300"), Some("tel:08088020300")]);
    assert!(
        d.phones.iter().all(|p| !p.sources.is_empty()),
        "every number has a source"
    );

    let dais = dir.service("hackney-dais", None).unwrap();
    assert_eq!(dais.coverage_areas.boroughs, ["E09000012"]);
    assert!(!dais.coverage_areas.london_wide && !dais.coverage_areas.national);
    assert!(dais.phones.is_empty());

    // Review state follows the record's date: none means "check before use".
    for id in [
        "hackney-dais",
        "national-domestic-abuse-helpline",
        "met-police-999-emergency",
    ] {
        let d = dir.service(id, None).unwrap();
        match d.service.assured_date {
            None => assert_eq!(d.review.state, ReviewState::Unknown),
            Some(_) => assert_ne!(d.review.state, ReviewState::Unknown),
        }
    }
    // Plain-http websites are shown but not made links.
    let http = dir
        .search(&common::text("refuge idva"))
        .unwrap()
        .hits
        .into_iter()
        .map(|h| dir.service(&h.id, None).unwrap())
        .find(|d| {
            d.service
                .url
                .as_deref()
                .is_some_and(|u| u.starts_with("http://"))
        })
        .expect("a record with an http website");
    let site = http.website.unwrap();
    assert!(site.text.starts_with("http://") && site.href.is_none());
}
