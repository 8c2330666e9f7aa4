//! The `signpost` command line, run as a user runs it.

mod common;

use common::{assert_plain_error, data_dir, feed, service, signpost, stderr, stdout};

#[test]
fn search_dv_near_e8_puts_hackney_first() {
    let d = data_dir();
    let o = signpost(
        d.path(),
        &["search", "dv", "--postcode", "E8 1AA", "--json"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r["hits"][0]["id"], "hackney-dais");
    // The human form says where, what matched, and that no number is on record.
    let o = signpost(
        d.path(),
        &["search", "dv", "--postcode", "E8 1AA", "--limit", "3"],
    );
    let out = stdout(&o);
    assert!(out.contains("near E8 1AA"), "{out}");
    assert!(
        out.contains(" 1. Domestic Abuse Intervention Service (DAIS) — Hackney Council"),
        "{out}"
    );
    // The app's words (present::matched): a concept reads as words, not its id.
    assert!(out.contains("matched: dv → domestic abuse"), "{out}");
    assert!(out.contains("no phone number on record"), "{out}");
}

#[test]
fn show_prints_phones_hours_and_review_date() {
    let d = data_dir();
    let o = signpost(
        d.path(),
        &["show", "samaritans", "--at", "2026-11-24T10:00:00Z"],
    );
    let out = stdout(&o);
    assert!(out.contains("Phone: 116 123"), "{out}");
    assert!(out.contains("Open: open 24 hours"), "{out}");
    assert!(out.contains("Last reviewed: "), "{out}");
    let o = signpost(d.path(), &["show", "refuge-idva-services"]);
    assert!(stdout(&o).contains("Phone: no phone number on record"));
}

#[test]
fn validate_lists_broken_records_and_keeps_the_rest() {
    let d = data_dir();
    let mut bad_phone = service("bad-phone", "Bad phone", "hate-crime", &["National"]);
    bad_phone["phones"][0]["number"] = serde_json::json!("ring us");
    let bytes = feed(
        "2030-01-01T00:00:00Z",
        vec![
            service("ok-1", "Fine", "other", &["Hackney"]),
            bad_phone,
            service("ok-2", "Also fine", "other", &["Nowhereshire"]),
            serde_json::json!({"id": "ok-1", "name": "Dup"}),
        ],
    );
    let path = d.path().join("feed.json");
    std::fs::write(&path, bytes).unwrap();
    let o = signpost(d.path(), &["validate", path.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    // One odd field never costs a whole service: the number and the area are reported and
    // left out, the services kept.
    assert!(out.contains("record 2 (\"bad-phone\"): phones: phone 1 \"ring us\" is not usable: it has characters other than digits, spaces, dots, dashes and brackets — field dropped"), "{out}");
    assert!(
        out.contains(
            "record 3 (\"ok-2\"): service_areas: area \"Nowhereshire\" is not one Signpost can place; shown as \"area not recognised\" — field dropped"
        ),
        "{out}"
    );
    assert!(
        out.contains("record 4 (\"ok-1\"): id: duplicate id, already used by record 1 — set aside"),
        "{out}"
    );
    assert!(
        out.contains("3 services kept, 1 records set aside, 2 fields dropped"),
        "{out}"
    );
}

#[test]
fn validate_refuses_a_feed_that_is_not_json() {
    let d = data_dir();
    let path = d.path().join("broken.json");
    std::fs::write(&path, "{\"services\": [ {").unwrap();
    let o = signpost(d.path(), &["validate", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert_plain_error(&o);
    assert!(stderr(&o).contains("not valid JSON"));
}

#[test]
fn errors_are_one_plain_sentence() {
    let d = data_dir();
    assert_plain_error(&signpost(d.path(), &["search", "dv", "--postcode", "XYZ"]));
    assert_plain_error(&signpost(
        d.path(),
        &["search", "dv", "--borough", "Gotham"],
    ));
    assert_plain_error(&signpost(d.path(), &["search", "dv", "--at", "tuesday"]));
    assert_plain_error(&signpost(d.path(), &["show", "no-such-service"]));
    assert_plain_error(&signpost(d.path(), &["validate", "/no/such/file.json"]));
    assert_plain_error(&signpost(d.path(), &["eval", "/no/such/queries.jsonl"]));
    // A data folder that cannot be created.
    let file = d.path().join("a-file");
    std::fs::write(&file, "").unwrap();
    assert_plain_error(&signpost(&file, &["search", "dv"]));
}

#[test]
fn eval_prints_the_summary_line_last() {
    let d = data_dir();
    let q = d.path().join("q.jsonl");
    std::fs::write(
        &q,
        "{\"query\": \"samaritans\", \"relevant\": {\"samaritans\": 3}}\n{\"query\": \"xqzzv\", \"relevant\": {\"mind\": 2}}\n",
    )
    .unwrap();
    let o = signpost(d.path(), &["eval", q.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let last = out.lines().last().unwrap();
    assert_eq!(
        // Nothing matches "xqzzv", so the general routes come back (not "mind"): no query
        // returns nothing.
        last,
        "success@3=0.500 mrr=0.500 ndcg@5=0.500 zero=0.000 n=2",
        "{out}"
    );
}

#[test]
fn review_lists_never_reviewed_services_first_then_the_oldest() {
    let d = data_dir();
    let o = signpost(d.path(), &["review", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let due: Vec<serde_json::Value> = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(due.len(), 231);
    let dates: Vec<Option<&str>> = due.iter().map(|d| d["review"]["date"].as_str()).collect();
    let first_dated = dates.iter().position(Option::is_some).unwrap();
    assert!(first_dated > 0);
    assert!(dates[first_dated..].iter().all(Option::is_some));
    assert!(
        dates[first_dated..].windows(2).all(|w| w[0] <= w[1]),
        "{dates:?}"
    );

    // Reviewed more than 15 years ago, or never; then one borough's own services.
    let o = signpost(d.path(), &["review", "--older-than", "15y", "--json"]);
    let old: Vec<serde_json::Value> = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(
        old.len() > first_dated && old.len() < due.len(),
        "{}",
        old.len()
    );
    assert!(old[first_dated..]
        .iter()
        .all(|d| d["review"]["date"].as_str().unwrap() < "2011-12-01"));
    let o = signpost(d.path(), &["review", "--borough", "Hackney"]);
    let text = stdout(&o);
    assert!(
        text.contains("Domestic Abuse Intervention Service (DAIS) · Hackney ·"),
        "{text}"
    );
    assert!(!text.contains("Croydon ·"), "{text}");
    assert!(text.contains("services to review"), "{text}");

    let o = signpost(d.path(), &["review", "--older-than", "soon"]);
    assert_plain_error(&o);
    assert!(stderr(&o).contains("not a period"), "{}", stderr(&o));
}

#[test]
fn feed_diff_shows_escape_codes_in_ids_and_names_instead_of_obeying_them() {
    let d = data_dir();
    let plain = service("plain", "Plain line", "fraud-cybercrime", &["National"]);
    // Would clear the screen and print a forged line; the name would reverse what follows.
    let hostile = service(
        "evil\u{1b}[2J\u{1b}[Hx",
        "Evil \u{202e}enil",
        "fraud-cybercrime",
        &["National"],
    );
    let (old, new) = (d.path().join("old.json"), d.path().join("new.json"));
    std::fs::write(&old, feed("2026-12-01T00:00:00Z", vec![plain.clone()])).unwrap();
    // A name that would print a forged line of its own.
    let forged = service(
        "forged",
        "Good line\nChecked: 0 records set aside.",
        "fraud-cybercrime",
        &["National"],
    );
    std::fs::write(
        &new,
        feed("2026-12-02T00:00:00Z", vec![plain, hostile, forged]),
    )
    .unwrap();
    let (old, new) = (old.to_str().unwrap(), new.to_str().unwrap());
    let o = signpost(d.path(), &["feed", "diff", old, new]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{202e}'),
        "raw control characters reached the terminal: {text:?}"
    );
    assert!(text.contains("evil\\u001B[2J\\u001B[Hx"), "{text}");
    assert!(text.contains("Evil \\u202Eenil"), "{text}");
    assert!(
        !text.lines().any(|l| l.starts_with("Checked")),
        "a line of its own: {text}"
    );
    assert!(
        text.contains("Good line\\u000AChecked: 0 records set aside. (forged)"),
        "{text}"
    );
    // The JSON form stays valid and reads back to the feed's own text.
    let o = signpost(d.path(), &["feed", "diff", "--json", old, new]);
    assert!(!o.stdout.contains(&0x1b), "{}", stdout(&o));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["added"][0]["name"], "Evil \u{202e}enil");
}

#[test]
fn feed_diff_reports_a_number_re_added_under_a_new_id_or_written_into_text() {
    let d = data_dir();
    let helpline = service("helpline", "Helpline", "domestic-abuse", &["National"]);
    let mut advice = service("advice", "Advice line", "fraud-cybercrime", &["National"]);
    advice["phones"][0]["number"] = "0808 2000 247".into();
    let old = feed(
        "2026-12-01T00:00:00Z",
        vec![helpline.clone(), advice.clone()],
    );
    // The attacker's number under a new id; the advice line's number on another service;
    // and a number written into a description.
    let mut copy = service("helpline-2", "Helpline", "domestic-abuse", &["National"]);
    copy["phones"][0]["number"] = "020 7946 0666".into();
    let mut moved = service("moved", "Moved line", "fraud-cybercrime", &["National"]);
    moved["phones"][0]["number"] = "+44 808 2000 247".into();
    let mut told = helpline.clone();
    told["description"] = "Our new number is 020 7946 0667, call any time.".into();
    let new = feed("2026-12-02T00:00:00Z", vec![told, advice, copy, moved]);
    let (o, n) = (d.path().join("old.json"), d.path().join("new.json"));
    std::fs::write(&o, old).unwrap();
    std::fs::write(&n, new).unwrap();
    let (o, n) = (o.to_str().unwrap(), n.to_str().unwrap());
    let out = signpost(d.path(), &["feed", "diff", o, n]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("Helpline (helpline-2): 020 7946 0666 in phones — new to the directory"),
        "{text}"
    );
    assert!(
        text.contains("Moved line (moved): +44 808 2000 247 in phones — was on advice"),
        "{text}"
    );
    assert!(
        text.contains("Helpline (helpline): 020 7946 0667 in description — new to the directory"),
        "{text}"
    );
    assert!(
        text.lines().last().unwrap().contains(
            "3 services with new phone numbers (2 numbers new to the directory, 1 from another service)"
        ),
        "{text}"
    );
    let out = signpost(d.path(), &["feed", "diff", "--json", o, n]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["numbers"].as_array().unwrap().len(), 3, "{doc}");
    // The same feed against itself: nothing to report.
    let same = signpost(d.path(), &["feed", "diff", n, n]);
    assert!(!stdout(&same).contains("Numbers on"), "{}", stdout(&same));
}
