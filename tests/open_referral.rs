//! Open Referral conformance, tested against the official schemas and examples in
//! `../shared/standards/` (HSDS 3.0 and the ORUK 3.0 profile: Open Referral, CC BY-SA 4.0):
//! the bundled feed's services validate against both compiled service schemas, and the
//! official examples are read with no record set aside.
//!
//! Formats are asserted (dates, e-mail addresses, URIs) except `uuid`: Signpost's ids are
//! readable slugs ("hackney-dais") that the shortlist, links and judged sets rely on.
//! Under JSON Schema's default a format is an annotation, so that is still valid HSDS; the
//! README says so.

mod common;

use serde_json::Value;
use signpost::feed;
use signpost::geo::Geography;

fn standard(rel: &str) -> Option<Value> {
    let path = common::shared(&format!("standards/{rel}"))?;
    Some(serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap())
}

fn validator(schema: &Value) -> jsonschema::Validator {
    jsonschema::options()
        .should_validate_formats(true)
        .with_format("uuid", |_: &str| true)
        .build(schema)
        .unwrap()
}

/// Every error the validator finds in `instance`, as "path: message".
fn errors(v: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    v.iter_errors(instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

fn bundled_services() -> Vec<Value> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("index-data/feed.json");
    let feed: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    feed["services"].as_array().unwrap().clone()
}

#[test]
fn every_bundled_service_is_valid_hsds_and_oruk() {
    let services = bundled_services();
    assert_eq!(services.len(), 231);
    for schema in [
        "hsds-3.0/service.schema.json",
        "oruk-3.0/service.schema.json",
    ] {
        let Some(schema_doc) = standard(schema) else {
            return;
        };
        let v = validator(&schema_doc);
        let invalid: Vec<String> = services
            .iter()
            .filter_map(|s| {
                let e = errors(&v, s);
                (!e.is_empty()).then(|| format!("{}: {}", s["id"], e.join("; ")))
            })
            .collect();
        assert!(
            invalid.is_empty(),
            "{schema}: {} of {} services invalid, e.g. {}",
            invalid.len(),
            services.len(),
            invalid[0]
        );
    }
}

#[test]
fn the_check_catches_what_made_the_old_feed_invalid() {
    let Some(schema) = standard("hsds-3.0/service.schema.json") else {
        return;
    };
    let v = validator(&schema);
    let good = bundled_services()[0].clone();
    assert!(errors(&v, &good).is_empty());
    // A null where the standard wants a number, a term without its name, an organisation
    // without its description, an e-mail address that is not one.
    let mut nulls = good.clone();
    nulls["minimum_age"] = Value::Null;
    let mut nameless = good.clone();
    nameless["attributes"][0]["taxonomy_term"]
        .as_object_mut()
        .unwrap()
        .remove("name");
    let mut organisation = good.clone();
    organisation["organization"]
        .as_object_mut()
        .unwrap()
        .remove("description");
    let mut email = good.clone();
    email["email"] = Value::from("not an address");
    for (what, bad) in [
        ("null age", nulls),
        ("term name", nameless),
        ("organisation", organisation),
        ("email", email),
    ] {
        assert!(!errors(&v, &bad).is_empty(), "{what} passed");
    }
}

#[test]
fn the_official_examples_validate_and_are_read_whole() {
    for (schema, example) in [
        (
            "hsds-3.0/service.schema.json",
            "hsds-3.0/example-service_full.json",
        ),
        (
            "oruk-3.0/service.schema.json",
            "oruk-3.0/example-service_full.json",
        ),
    ] {
        let (Some(schema), Some(doc)) = (standard(schema), standard(example)) else {
            return;
        };
        assert!(errors(&validator(&schema), &doc).is_empty(), "{example}");
        let f = feed::read(&serde_json::to_vec(&doc).unwrap(), Geography::bundled()).unwrap();
        assert_eq!(f.set_aside().count(), 0, "{example}: {:?}", f.problems);
        assert_eq!(f.services.len(), 1);
        let s = &f.services[0];
        assert_eq!(s.id, "ac148810-d857-441c-9679-408f346de14b");
        // Its area ("the MyCity area") is not one Signpost can place: kept, and said.
        let c = signpost::facts::Coverage::of(s, Geography::bundled());
        assert_eq!(c.phrase(Geography::bundled()), "Area not recognised");
        assert!(
            f.problems
                .iter()
                .any(|p| p.field == "service_areas" && p.reason.contains("not recognised")),
            "{:?}",
            f.problems
        );
    }
    // HSDS gives a phone's extension as a number.
    let doc = standard("hsds-3.0/example-service_full.json").unwrap();
    let f = feed::read(&serde_json::to_vec(&doc).unwrap(), Geography::bundled()).unwrap();
    assert_eq!(f.services[0].phones[0].extension.as_deref(), Some("100"));
    // The list example is an API page: read whole.
    let list = standard("hsds-3.0/example-service_list.json").unwrap();
    let f = feed::read(&serde_json::to_vec(&list).unwrap(), Geography::bundled()).unwrap();
    assert_eq!((f.services.len(), f.set_aside().count()), (1, 0));
}
