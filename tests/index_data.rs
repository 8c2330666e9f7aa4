//! The bundled directory in index-data/: every record valid, every phone number backed by
//! a source, and the files exactly what the generator makes from the shared data.

mod common;

use std::path::Path;
use std::process::Command;

use signpost::feed;
use signpost::geo::Geography;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_bundled_feed_is_whole_and_valid() {
    let f = feed::read(signpost::bundled::FEED.as_bytes(), Geography::bundled()).unwrap();
    assert_eq!(f.services.len(), 231);
    assert!(f.problems.is_empty(), "{:?}", f.problems);
    // Every record carries categories, a referral route, coverage and its sources.
    for s in &f.services {
        assert!(!s.categories().is_empty(), "{}", s.id);
        assert!(s.referral().is_some(), "{}", s.id);
        assert!(!s.service_areas.is_empty(), "{}", s.id);
        assert!(!s.sources().is_empty(), "{}", s.id);
    }
    // 117 records have no phone (shared/data/README.md): none was invented.
    assert_eq!(
        f.services.iter().filter(|s| s.phones.is_empty()).count(),
        117
    );
}

#[cfg_attr(
    windows,
    ignore = "runs the shared data tools with python3, installed on Linux only"
)]
#[test]
fn every_phone_number_has_a_source() {
    let Some(shared) = common::shared("") else {
        return;
    };
    let o = Command::new("python3")
        .arg(shared.join("tools/check-phones"))
        .arg(repo().join("index-data"))
        .output()
        .expect("python3 runs");
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(out.contains(", 0 without a source"), "{out}");
}

/// The command that makes the bundled feed from the shared data (README, "Publishing").
pub const BUNDLED_BUILD: &[&str] = &[
    "--generated-at",
    "2026-12-07T00:00:00Z",
    "--publisher-description",
    "Bundled snapshot built from shared/data",
];

#[cfg_attr(
    windows,
    ignore = "runs index-data/generate.py with python3, installed on Linux only"
)]
#[test]
fn index_data_is_what_feed_build_and_the_generator_make_from_the_shared_data() {
    let Some(shared) = common::shared("") else {
        return;
    };
    let out = tempfile::tempdir().unwrap();
    let o = Command::new("python3")
        .arg(repo().join("index-data/generate.py"))
        .arg(shared.join("data"))
        .arg(out.path())
        .output()
        .expect("python3 runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let feed = out.path().join("feed.json");
    let o = Command::new(env!("CARGO_BIN_EXE_signpost"))
        .args(["feed", "build"])
        .arg(shared.join("data/services.jsonl"))
        .arg("--out")
        .arg(&feed)
        .args(BUNDLED_BUILD)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for name in [
        "feed.json",
        "boroughs.json",
        "postcode-districts.json",
        "london-boroughs.geojson",
        "places.json",
    ] {
        let made = std::fs::read(out.path().join(name)).unwrap();
        let committed = std::fs::read(repo().join("index-data").join(name)).unwrap();
        assert!(
            made == committed,
            "index-data/{name} is stale: see the README's \"Publishing\" for the commands"
        );
    }
}

#[test]
fn feed_build_keeps_notes_out_and_takes_imported_feeds() {
    let d = tempfile::tempdir().unwrap();
    let records = d.path().join("records.jsonl");
    std::fs::write(
        &records,
        r#"{"id": "a-line", "caution": "Ask for the duty team.", "name": "A line", "organisation": "A Trust", "description": "Advice.", "categories": ["hate-crime"], "boroughs": ["Hackney"], "phones": [{"number": "020 7946 0000", "label": "Advice", "hours": "Mon-Fri 9am-5pm", "source": "https://a.example.org"}], "website": "", "email": "", "referral": "both", "eligibility": "Anyone.", "hours": "Office hours", "languages": [], "sources": ["https://a.example.org"], "verified_on": "2025-06", "notes": "PRIVATE: switchboard, check with the manager"}"#,
    )
    .unwrap();
    let imported = d.path().join("imported.json");
    let oruk = serde_json::json!({
        "version": "3.0", "generated_at": "2026-12-07T00:00:00Z",
        "services": [{"id": "b-line", "name": "B line", "status": "active",
            "service_areas": [{"id": "x", "name": "Camden"}],
            "service_at_locations": [{"id": "l", "location": {"id": "loc", "location_type": "redacted",
                "addresses": [{"address_1": "1 Secret Street", "postal_code": "NW1 0AA"}]}}]}]
    });
    std::fs::write(&imported, oruk.to_string()).unwrap();
    let out = d.path().join("feed.json");
    let o = Command::new(env!("CARGO_BIN_EXE_signpost"))
        .args(["feed", "build"])
        .args([&records, &imported])
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(!text.contains("PRIVATE"), "notes reached the feed");
    assert!(
        !text.contains("Secret Street"),
        "a confidential address reached the feed"
    );
    assert!(
        !text.contains("null"),
        "optional fields are absent, not null"
    );
    let f = feed::read(text.as_bytes(), Geography::bundled()).unwrap();
    assert_eq!(f.services.len(), 2);
    let a = &f.services[0];
    assert_eq!(a.alert.as_deref(), Some("Ask for the duty team."));
    assert_eq!(a.assured_date.as_deref(), Some("2025-06-01"));
    // "Office hours" stays text; the phone's "Mon-Fri 9am-5pm" is a rule.
    assert_eq!(a.schedules[0].byday, None);
    assert_eq!(
        a.phones[0].schedules[0].byday.as_deref(),
        Some("MO,TU,WE,TH,FR")
    );
    assert_eq!(a.phones[0].number, "020 7946 0000");
    // A service id used twice is refused, and nothing is written.
    let again = d.path().join("again.json");
    let o = Command::new(env!("CARGO_BIN_EXE_signpost"))
        .args(["feed", "build"])
        .args([&records, &records])
        .arg("--out")
        .arg(&again)
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("used twice"));
    assert!(!again.exists());
}

#[test]
fn unclear_hours_stay_unknown_and_clear_ones_are_structured() {
    let f = feed::read(signpost::bundled::FEED.as_bytes(), Geography::bundled()).unwrap();
    let get = |id: &str| f.services.iter().find(|s| s.id == id).unwrap();
    // "Working hours": kept as text, no rule.
    let text_only = &get("city-of-london-dais").schedules;
    assert_eq!(text_only.len(), 1);
    assert_eq!(text_only[0].description.as_deref(), Some("Working hours"));
    assert_eq!(
        (
            text_only[0].byday.as_deref(),
            text_only[0].opens_at.as_deref()
        ),
        (None, None)
    );
    // "Mon-Fri 10am-4pm".
    let g = &get("greenwich-domestic-violence-and-abuse-service").schedules[0];
    assert_eq!(
        (
            g.byday.as_deref(),
            g.opens_at.as_deref(),
            g.closes_at.as_deref()
        ),
        (Some("MO,TU,WE,TH,FR"), Some("10:00"), Some("16:00"))
    );
    assert_eq!(g.description.as_deref(), Some("Mon-Fri 10am-4pm"));
}
