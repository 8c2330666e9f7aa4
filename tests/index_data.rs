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

#[test]
fn index_data_is_what_the_generator_makes_from_the_shared_data() {
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
    for name in [
        "feed.json",
        "boroughs.json",
        "postcode-districts.json",
        "london-boroughs.geojson",
    ] {
        let made = std::fs::read(out.path().join(name)).unwrap();
        let committed = std::fs::read(repo().join("index-data").join(name)).unwrap();
        assert!(
            made == committed,
            "index-data/{name} is stale: run python3 index-data/generate.py"
        );
    }
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
