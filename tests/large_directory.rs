//! A directory large enough to be split into one index segment per core: search, typo
//! tolerance, prefix completion and place ranking must work across segments.

mod common;

use common::{data_dir, feed, service, text};
use signpost::{Directory, SearchRequest};

#[test]
fn a_large_directory_searches_across_segments() {
    let boroughs = [
        "Hackney",
        "Camden",
        "Croydon",
        "Lambeth",
        "London-wide",
        "National",
    ];
    let mut services: Vec<serde_json::Value> = (0..45_000)
        .map(|i| {
            service(
                &format!("svc-{i}"),
                &format!("Community support {i}"),
                "other",
                &[boroughs[i % boroughs.len()]],
            )
        })
        .collect();
    // Distinctive services, spread out so they land in different segments.
    services[17] = service(
        "kestrel-advocacy",
        "Kestrel stalking advocacy",
        "stalking-harassment",
        &["National"],
    );
    services[44_000] = service(
        "heron-outreach",
        "Heron domestic abuse outreach",
        "domestic-abuse",
        &["Hackney"],
    );
    let d = data_dir();
    let mut dir = Directory::open(d.path()).unwrap();
    dir.apply_unsigned_feed(&feed(&common::publisher::soon(60), services))
        .unwrap();

    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let segments = dir.generation().segments().unwrap();
    assert_eq!(
        segments,
        cores.min(2),
        "45,000 services should be split per core (up to 2)"
    );

    let first = |req: SearchRequest| dir.search(&req).unwrap().hits.first().map(|h| h.id.clone());
    assert_eq!(first(text("kestrel")).as_deref(), Some("kestrel-advocacy"));
    assert_eq!(first(text("heron")).as_deref(), Some("heron-outreach"));
    // A typo and a prefix are expanded from every segment's vocabulary.
    assert_eq!(first(text("kestrl")).as_deref(), Some("kestrel-advocacy"));
    assert_eq!(first(text("hero")).as_deref(), Some("heron-outreach"));
    // The local pass finds the Hackney service first for a Hackney postcode.
    let near = SearchRequest {
        postcode: Some("E8".into()),
        ..text("domestic abuse outreach")
    };
    assert_eq!(first(near).as_deref(), Some("heron-outreach"));
    // Reopening serves the same split index.
    drop(dir);
    let dir = Directory::open(d.path()).unwrap();
    assert_eq!(
        dir.search(&text("kestrel")).unwrap().hits[0].id,
        "kestrel-advocacy"
    );
}
