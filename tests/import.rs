//! `signpost import` against a real HTTP server on 127.0.0.1 serving a multi-page Open
//! Referral API, in the ORUK 3.0 list shape and the earlier one, built from the official
//! examples (`../shared/standards/`, Open Referral, CC BY-SA 4.0) and London records
//! described with another directory's taxonomy. The feed it writes is signed with
//! `feed sign`, applied by `sync`, and found by `search`.

mod common;

use common::feed_server::{FeedServer, Reply};
use common::{data_dir, signpost, stderr, stdout};
use serde_json::{json, Value};

/// London records from the bundled feed, described with a borough directory's own terms
/// (esdNeeds-style names) instead of Signpost's categories.
fn london_records(n: usize) -> Vec<Value> {
    let feed: Value = serde_json::from_str(signpost::bundled::FEED).unwrap();
    feed["services"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| {
            let id = s["id"].as_str().unwrap();
            id.starts_with("hackney-")
                || id.starts_with("islington-")
                || id == "refuge-idva-services"
        })
        .take(n)
        .map(|s| {
            let mut s = s.clone();
            let categories: Vec<String> = s["attributes"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|a| a["taxonomy_term"]["taxonomy"] == "signpost:category")
                .map(|a| a["taxonomy_term"]["code"].as_str().unwrap().to_string())
                .collect();
            let id = s["id"].as_str().unwrap().to_string();
            let terms: Vec<Value> = categories
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let name = match c.as_str() {
                        "domestic-abuse" => "Domestic Abuse".to_string(),
                        "hate-crime" => "Hate crime".to_string(),
                        "children-families" => "Safeguarding children".to_string(),
                        other => format!("Borough term {other}"),
                    };
                    json!({
                        "id": format!("{id}-need-{i}"),
                        "link_entity": "service",
                        "link_id": id,
                        "taxonomy_term": {
                            "id": format!("esd-{c}"),
                            "name": name,
                            "description": "A need from the borough's directory",
                            "taxonomy": "esdNeeds"
                        }
                    })
                })
                .collect();
            s["attributes"] = Value::Array(terms);
            s
        })
        .collect()
}

/// A list item as an API's list gives it: without nested parts when `bare`.
fn item(s: &Value, bare: bool) -> Value {
    let mut s = s.clone();
    if bare {
        let o = s.as_object_mut().unwrap();
        for k in ["service_areas", "attributes", "phones", "schedules"] {
            o.remove(k);
        }
    }
    s
}

/// Serve `services` at `/api/services?page=N`, `per_page` to a page, in the 3.0 shape
/// (`contents`, `total_pages`) or the earlier one (`content`, `totalPages`); every other
/// item without its nested parts, so the importer must fetch `/api/services/{id}`.
fn serve(server: &FeedServer, prefix: &str, services: &[Value], per_page: usize, v3: bool) {
    let pages: Vec<&[Value]> = services.chunks(per_page).collect();
    let total = pages.len();
    for (p, chunk) in pages.iter().enumerate() {
        let items: Vec<Value> = chunk
            .iter()
            .enumerate()
            .map(|(i, s)| item(s, i % 2 == 1))
            .collect();
        let body = if v3 {
            json!({"total_items": services.len(), "total_pages": total, "page_number": p + 1,
                   "size": per_page, "first_page": p == 0, "last_page": p + 1 == total,
                   "empty": false, "contents": items})
        } else {
            json!({"totalElements": services.len(), "totalPages": total, "number": p + 1,
                   "size": per_page, "first": p == 0, "last": p + 1 == total,
                   "content": items})
        };
        server.set(
            &format!("{prefix}/services?page={}", p + 1),
            Reply::ok(&serde_json::to_vec(&body).unwrap()),
        );
    }
    for s in services {
        server.set(
            &format!("{prefix}/services/{}", s["id"].as_str().unwrap()),
            Reply::ok(&serde_json::to_vec(s).unwrap()),
        );
    }
}

fn standard(rel: &str) -> Option<Value> {
    let p = common::shared(&format!("standards/{rel}"))?;
    Some(serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap())
}

#[test]
fn an_oruk_api_in_either_list_shape_imports_to_a_feed_that_signs_syncs_and_searches() {
    let (Some(hsds), Some(oruk)) = (
        standard("hsds-3.0/example-service_full.json"),
        standard("oruk-3.0/example-service_full.json"),
    ) else {
        return;
    };
    let mut oruk = oruk;
    // Two examples share an id; a directory's ids are its own.
    oruk["id"] = json!("oruk-example-service");
    let mut services = vec![hsds, oruk];
    services.extend(london_records(10));
    let n = services.len();
    assert!(n >= 10, "{n}");

    let server = FeedServer::start();
    serve(&server, "/v3", &services, 4, true);
    serve(&server, "/legacy", &services, 5, false);
    let d = data_dir();
    let w = d.path();

    for (prefix, pages) in [("/v3", n.div_ceil(4)), ("/legacy", n.div_ceil(5))] {
        let out = w.join(format!("{}.json", &prefix[1..]));
        let o = signpost(
            w,
            &[
                "import",
                &server.url(prefix),
                "--out",
                out.to_str().unwrap(),
                "--publisher",
                "Test borough",
            ],
        );
        assert!(o.status.success(), "{}", stderr(&o));
        // Progress on stderr, page by page.
        assert!(
            stderr(&o).contains(&format!("page 2 of {pages}, ")),
            "{}",
            stderr(&o)
        );
        let text = stdout(&o);
        assert!(
            text.contains(&format!("{n} services from {pages} pages")),
            "{text}"
        );
        // The examples' placeholder term is listed, never guessed.
        assert!(text.contains("not mapped to a Signpost category"), "{text}");
        assert!(text.contains("  name ("), "{text}");
        assert!(
            text.contains(&format!("Checked: {n} services kept, 0 records set aside")),
            "{text}"
        );
        let feed: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
        assert_eq!(feed["publisher"]["name"], "Test borough");
        assert!(feed["generated_at"].is_string());
        assert_eq!(feed["services"].as_array().unwrap().len(), n);
        // Every list item without its nested parts was fetched whole.
        let fetched = server
            .requests()
            .iter()
            .filter(|r| r.path.starts_with(&format!("{prefix}/services/")))
            .count();
        assert!(fetched >= n / 2 - 1, "{fetched} of {n}");
        // Never signed by the importer.
        assert!(!w.join(format!("{}.json.minisig", &prefix[1..])).exists());
    }

    // The publisher signs it; a user's Signpost syncs it and finds the services by the
    // categories the borough's terms mapped to.
    let keys = data_dir();
    let (sk, pk) = (keys.path().join("k.key"), keys.path().join("k.pub"));
    let o = signpost(
        w,
        &[
            "feed",
            "keygen",
            "--secret-key",
            sk.to_str().unwrap(),
            "--public-key",
            pk.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let feed_path = w.join("v3.json");
    let o = signpost(
        w,
        &[
            "feed",
            "sign",
            feed_path.to_str().unwrap(),
            "--key",
            sk.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    server.set("/feed.json", Reply::ok(&std::fs::read(&feed_path).unwrap()));
    server.set(
        "/feed.json.minisig",
        Reply::ok(&std::fs::read(w.join("v3.json.minisig")).unwrap()),
    );
    let user = data_dir();
    let o = signpost(
        user.path(),
        &[
            "sync",
            "--feed",
            &server.url("/feed.json"),
            "--pubkey",
            pk.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let o = signpost(
        user.path(),
        &[
            "search",
            "--json",
            "--limit",
            "50",
            "--category",
            "domestic-abuse",
            "domestic abuse",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let r: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let ids: Vec<&str> = r["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"hackney-dais"), "{ids:?}");
    assert!(ids.iter().all(|id| !id.contains("example")), "{ids:?}");
    // The official example is there too, with its area said to be unrecognised.
    let o = signpost(user.path(), &["show", "oruk-example-service"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("Area not recognised"), "{}", stdout(&o));
}

#[test]
fn an_import_that_cannot_finish_writes_nothing_and_says_why() {
    let server = FeedServer::start();
    server.set("/api/services?page=1", Reply::ok(br#"{"items": []}"#));
    server.set("/down/services?page=1", Reply::Status(503));
    let d = data_dir();
    let out = d.path().join("feed.json");
    for (prefix, words) in [("/api", "no \"contents\""), ("/down", "503")] {
        let o = signpost(
            d.path(),
            &[
                "import",
                &server.url(prefix),
                "--out",
                out.to_str().unwrap(),
            ],
        );
        common::assert_plain_error(&o);
        assert!(stderr(&o).contains(words), "{}", stderr(&o));
        assert!(!out.exists());
    }
    // An API that answers, but too slowly to finish: stopped at the time limit, in words.
    let slow = serde_json::to_vec(&json!({"contents": [], "total_pages": 1})).unwrap();
    server.set(
        "/slow/services?page=1",
        Reply::Drip {
            body: slow,
            every: std::time::Duration::from_millis(100),
        },
    );
    let o = signpost(
        d.path(),
        &[
            "import",
            &server.url("/slow"),
            "--out",
            out.to_str().unwrap(),
            "--time-limit",
            "1",
        ],
    );
    common::assert_plain_error(&o);
    assert!(
        stderr(&o).contains("did not finish within 1 s"),
        "{}",
        stderr(&o)
    );
    assert!(!out.exists());
    // Plain http is for this computer only.
    let o = signpost(
        d.path(),
        &[
            "import",
            "http://directory.example.org/api",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    common::assert_plain_error(&o);
    assert!(stderr(&o).contains("only https"), "{}", stderr(&o));
}

#[test]
fn text_from_the_api_reaches_the_terminal_escaped_and_dot_ids_are_never_fetched() {
    let mut services = london_records(3);
    // A term whose name would clear the screen and print a forged all-clear.
    let forged = "\u{1b}[2J\u{1b}[HChecked: 0 records set aside.";
    services[0]["attributes"][0]["taxonomy_term"]["name"] = json!(forged);
    // Items whose ids would fetch `services/..` (the API's root) and `services/.`.
    let mut dots: Vec<Value> = ["..", "."]
        .iter()
        .map(|id| json!({"id": id, "name": format!("Dot {id}")}))
        .collect();
    services.append(&mut dots);
    let server = FeedServer::start();
    serve(&server, "/api", &services, 10, true);
    // What those addresses would answer: never to be kept as services.
    let decoy = json!({"id": "root", "name": "API root", "service_areas": [], "attributes": []});
    for path in ["/api", "/api/", "/api/services/", "/api/services"] {
        server.set(path, Reply::ok(&serde_json::to_vec(&decoy).unwrap()));
    }
    let d = data_dir();
    let out = d.path().join("feed.json");
    let o = signpost(
        d.path(),
        &[
            "import",
            &server.url("/api"),
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        !text.contains('\u{1b}'),
        "an escape code reached the terminal: {text:?}"
    );
    assert!(text.contains("\\u001B[2J"), "shown escaped: {text}");
    assert!(text.contains("2 list items were left out"), "{text}");
    let asked: Vec<String> = server.requests().iter().map(|r| r.path.clone()).collect();
    assert!(
        !asked
            .iter()
            .any(|p| p.trim_end_matches('/').ends_with("/api")
                || p.ends_with("/services/")
                || p.ends_with("/.")
                || p.ends_with("/..")),
        "{asked:?}"
    );
    let feed: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    let ids: Vec<&str> = feed["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 3, "{ids:?}");
    assert!(!ids.contains(&"root") && !ids.contains(&".."), "{ids:?}");
}
