//! Reading feeds: bad records are set aside with a reason and the rest kept; a document
//! that is not JSON or has nothing usable is refused; confidential addresses never
//! reach the index.

mod common;

use common::{feed, service};
use serde_json::json;
use signpost::feed::{self, Action};
use signpost::geo::Geography;
use signpost::{Directory, Error};

fn read(bytes: &[u8]) -> signpost::Result<feed::Feed> {
    feed::read(bytes, Geography::bundled())
}

#[test]
fn broken_records_are_set_aside_and_the_rest_kept() {
    let mut no_id = service("x", "No id", "hate-crime", &["National"]);
    no_id.as_object_mut().unwrap().remove("id");
    let mut bad_phone = service("bad-phone", "Bad phone", "hate-crime", &["National"]);
    bad_phone["phones"][0]["number"] = json!("call the office");
    let mut bad_hours = service("bad-hours", "Bad hours", "hate-crime", &["National"]);
    bad_hours["schedules"] =
        json!([{"freq": "WEEKLY", "byday": "MO", "opens_at": "25:00", "closes_at": "17:00"}]);
    let unknown_borough = service("atlantis", "Atlantis service", "hate-crime", &["Atlantis"]);
    let mut unknown_fields = service("extra", "Extra fields", "fraud-cybercrime", &["Hackney"]);
    unknown_fields["x_rating"] = json!({"stars": 5});
    let bytes = feed(
        "2030-01-01T00:00:00Z",
        vec![
            service("good-1", "Good one", "domestic-abuse", &["Hackney"]),
            no_id,
            service("good-2", "Good two", "sexual-violence", &["London-wide"]),
            service("good-1", "Duplicate of one", "domestic-abuse", &["Hackney"]),
            json!({"id": "nameless", "name": "  "}),
            bad_phone,
            bad_hours,
            unknown_borough,
            unknown_fields,
            json!("not an object"),
            json!({"id": "wrong-type", "name": "Wrong type", "phones": "0800 000 0000"}),
        ],
    );
    let f = read(&bytes).unwrap();
    let kept: Vec<&str> = f.services.iter().map(|s| s.id.as_str()).collect();
    // One odd field never costs a whole service: an unusable number, impossible hours, an
    // area Signpost cannot place and a field of the wrong type are each left out and
    // reported, and the service kept.
    assert_eq!(
        kept,
        [
            "good-1",
            "good-2",
            "bad-phone",
            "bad-hours",
            "atlantis",
            "extra",
            "wrong-type"
        ]
    );

    let aside: Vec<(usize, Option<&str>, &str)> = f
        .set_aside()
        .map(|p| (p.record, p.id.as_deref(), p.field.as_str()))
        .collect();
    assert_eq!(
        aside,
        [
            (2, None, "id"),
            (4, Some("good-1"), "id"),
            (5, Some("nameless"), "name"),
            (10, None, ""),
        ]
    );
    let reasons: Vec<String> = f.set_aside().map(|p| p.to_string()).collect();
    assert!(
        reasons[1].contains("duplicate id, already used by record 1"),
        "{reasons:?}"
    );
    let dropped: Vec<String> = f
        .problems
        .iter()
        .filter(|p| p.action == Action::FieldDropped)
        .map(|p| p.to_string())
        .collect();
    for (i, expected) in [
        "phone 1 \"call the office\" is not usable",
        "\"25:00\" is not a time of day",
        "area \"Atlantis\" is not one Signpost can place",
        "phones: wrong type",
    ]
    .iter()
    .enumerate()
    {
        assert!(dropped[i].contains(expected), "{i}: {dropped:?}");
    }
    let by_id = |id: &str| f.services.iter().find(|s| s.id == id).unwrap();
    assert!(by_id("bad-phone").phones.is_empty());
    assert!(by_id("bad-hours").schedules.is_empty());
    assert!(by_id("wrong-type").phones.is_empty());
    let atlantis = signpost::facts::Coverage::of(by_id("atlantis"), Geography::bundled());
    assert_eq!(atlantis.phrase(Geography::bundled()), "Area not recognised");
}

#[test]
fn unusable_optional_fields_are_dropped_not_the_record() {
    let mut s = service("s", "Service", "fraud-cybercrime", &["National"]);
    s["url"] = json!("javascript:alert(1)");
    s["email"] = json!("not-an-email");
    s["minimum_age"] = json!(30);
    s["maximum_age"] = json!(12);
    s["assured_date"] = json!("last spring");
    let f = read(&feed("2030-01-01T00:00:00Z", vec![s])).unwrap();
    let svc = &f.services[0];
    assert_eq!((svc.url.as_deref(), svc.email.as_deref()), (None, None));
    assert_eq!(
        (
            svc.minimum_age,
            svc.maximum_age,
            svc.assured_date.as_deref()
        ),
        (None, None, None)
    );
    let dropped: Vec<&str> = f
        .problems
        .iter()
        .filter(|p| p.action == Action::FieldDropped)
        .map(|p| p.field.as_str())
        .collect();
    assert_eq!(dropped, ["url", "email", "minimum_age", "assured_date"]);
}

#[test]
fn a_document_that_is_not_json_is_refused() {
    let err = read(b"{\"services\": [").unwrap_err();
    assert!(matches!(err, Error::FeedNotJson(_)), "{err}");
    assert!(err.to_string().contains("nothing was changed"));
    assert!(err.is_user_error());
}

#[test]
fn a_feed_with_no_usable_record_is_refused() {
    let err = read(&feed(
        "2030-01-01T00:00:00Z",
        vec![json!({"name": "no id"}), json!({"id": "no-name"})],
    ))
    .unwrap_err();
    assert!(matches!(err, Error::FeedEmpty { set_aside: 2 }), "{err}");
    let err = read(br#"{"hello": "world"}"#).unwrap_err();
    assert!(matches!(err, Error::FeedShape(_)), "{err}");
    let err = read(br#"{"services": [], "generated_at": "yesterday"}"#).unwrap_err();
    assert!(
        err.to_string().contains("not an RFC 3339 date-time"),
        "{err}"
    );
}

#[test]
fn inactive_services_are_not_listed() {
    let mut s = service("closed", "Closed service", "other", &["National"]);
    s["status"] = json!("defunct");
    let f = read(&feed(
        "2030-01-01T00:00:00Z",
        vec![s, service("open", "Open", "other", &["National"])],
    ))
    .unwrap();
    assert_eq!(f.services.len(), 1);
    assert!(f.problems[0].reason.contains("defunct"));
}

#[test]
fn open_referral_uk_pages_are_read_in_both_shapes() {
    let legacy = json!({"totalElements": 1, "totalPages": 1, "number": 1, "size": 50, "first": true, "last": true,
        "content": [service("a", "Legacy page service", "other", &["Camden"])]});
    let v3 = json!({"total_items": 1, "total_pages": 1, "page_number": 1, "size": 50, "first_page": true,
        "last_page": true, "empty": false, "contents": [service("b", "Version three service", "other", &["Camden"])]});
    assert_eq!(
        read(&serde_json::to_vec(&legacy).unwrap())
            .unwrap()
            .services[0]
            .id,
        "a"
    );
    assert_eq!(
        read(&serde_json::to_vec(&v3).unwrap()).unwrap().services[0].id,
        "b"
    );
}

#[test]
fn confidential_addresses_never_reach_the_index() {
    let mut refuge = service(
        "refuge-x",
        "Emergency refuge",
        "domestic-abuse",
        &["Hackney"],
    );
    refuge["service_at_locations"] = json!([
        {"id": "sal-1", "description": "Behind the blue door at Quillfeather Mews",
         "location": {"id": "loc-1", "location_type": "physical", "name": "Quillfeather House",
            "latitude": 51.546, "longitude": -0.055,
            "addresses": [{"address_1": "12 Quillfeather Mews", "city": "Hackney", "postal_code": "E8 3XY"}],
            "attributes": [{"taxonomy_term": {"code": "address_confidential"}}]}},
        {"id": "sal-2",
         "location": {"id": "loc-2", "location_type": "redacted", "name": "Zanzibarite Lodge",
            "addresses": [{"address_1": "3 Zanzibarite Road", "region": "Camden"}]}}
    ]);
    let d = common::data_dir();
    let mut dir = Directory::open(d.path()).unwrap();
    dir.apply_unsigned_feed(&feed(
        &common::publisher::soon(60),
        vec![refuge, service("other", "Other", "other", &["National"])],
    ))
    .unwrap();

    // Nothing of the address can be found or shown; the borough survives.
    // (The postcode is not searched for: "E8 3XY" is read as a place, listing everything
    // covering Hackney, which rightly includes this Hackney service.)
    for word in ["quillfeather", "mews", "zanzibarite", "blue door"] {
        let hits = common::ids(&dir, &common::text(word));
        assert!(
            !hits.contains(&"refuge-x".to_string()),
            "{word} found the refuge"
        );
    }
    let details = serde_json::to_string(&dir.service("refuge-x", None).unwrap()).unwrap();
    for secret in [
        "Quillfeather",
        "Zanzibarite",
        "E8 3XY",
        "51.546",
        "blue door",
    ] {
        assert!(
            !details.contains(secret),
            "{secret} is in the details: {details}"
        );
    }
    let locs: Vec<_> = dir
        .service("refuge-x", None)
        .unwrap()
        .service
        .service_at_locations
        .into_iter()
        .map(|s| s.location.unwrap())
        .collect();
    assert_eq!(locs[0].borough.as_deref(), Some("E09000012"));
    assert_eq!(locs[1].borough.as_deref(), Some("E09000007"));
    // Nor is it in any file of the data folder.
    for entry in walk(d.path()) {
        let bytes = std::fs::read(&entry).unwrap();
        let text = String::from_utf8_lossy(&bytes).to_lowercase();
        // The kept feed holds the publisher's bytes as received; everything built from it
        // must not.
        if entry.ends_with("feed.json") {
            continue;
        }
        assert!(
            !text.contains("quillfeather"),
            "address in {}",
            entry.display()
        );
    }
}

fn walk(p: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(p).unwrap().flatten() {
        if e.path().is_dir() {
            out.extend(walk(&e.path()));
        } else {
            out.push(e.path());
        }
    }
    out
}

#[test]
fn an_unreadable_item_in_a_list_costs_only_that_item() {
    let mut s = service("two-phones", "Two phones", "hate-crime", &["National"]);
    s["phones"] = json!([{"number": "0800 000 0000"}, {"number": 8000000001u64}]);
    s["languages"] = json!("English");
    let f = read(&feed("2030-01-01T00:00:00Z", vec![s])).unwrap();
    let svc = &f.services[0];
    assert_eq!(svc.phones.len(), 1);
    assert_eq!(svc.phones[0].number, "0800 000 0000");
    assert!(svc.languages.is_empty());
    let dropped: Vec<String> = f.problems.iter().map(|p| p.to_string()).collect();
    assert!(
        dropped
            .iter()
            .any(|p| p.contains("phones: 1 of 2 left out: wrong type")),
        "{dropped:?}"
    );
    assert!(
        dropped.iter().any(|p| p.contains("languages: wrong type")),
        "{dropped:?}"
    );
}
