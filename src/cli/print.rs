//! Printing for people: what each command shows on the terminal. The words themselves
//! come from the engine (`signpost::present`, the review and referral wording) so the
//! command line and the app say the same thing.

use signpost::feed;
use signpost::present;
use signpost::{Directory, Error};

pub(super) fn print_json(value: &impl serde::Serialize) {
    println!(
        "{}",
        serde_json::to_string_pretty(value).expect("plain data serialises")
    );
}

/// Two-letter column heads for the coverage table, in the vocabulary's order.
const COVERAGE_HEADS: &[(&str, &str)] = &[
    ("domestic-abuse", "DA"),
    ("sexual-violence", "SV"),
    ("hate-crime", "HC"),
    ("terrorism-major-incident", "TM"),
    ("general-victim-support", "VS"),
    ("youth-violence-exploitation", "YV"),
    ("restorative-justice", "RJ"),
    ("fraud-cybercrime", "FC"),
    ("modern-slavery", "MS"),
    ("mental-health-crisis", "MH"),
    ("emergency-reporting", "ER"),
    ("witness-support", "WS"),
    ("stalking-harassment", "SH"),
    ("children-families", "CF"),
    ("lgbtq", "LG"),
    ("other", "OT"),
];

/// One type of help: each borough's count and its services by name.
pub(super) fn print_coverage_of(
    dir: &Directory,
    m: &signpost::CoverageMatrix,
    col: usize,
    heading: &str,
) -> Result<(), Error> {
    let what = &m.in_sentence[col];
    println!("Local {what} services by borough · {heading}");
    println!();
    for b in &m.boroughs {
        let names: Vec<String> = dir
            .local_services(&b.gss_code, &m.categories[col])?
            .into_iter()
            .map(|s| s.name.clone())
            .collect();
        let listed = if names.is_empty() {
            "none on record".to_string()
        } else {
            names.join("; ")
        };
        println!("{:<24} {:>2}  {listed}", b.name, b.by_category[col]);
    }
    println!();
    println!(
        "{} of {} authorities have no local {what} service on record.",
        m.gaps(col).len(),
        m.boroughs.len()
    );
    Ok(())
}

/// Every borough × every type of help, as a table with two-letter column heads.
pub(super) fn print_coverage_matrix(m: &signpost::CoverageMatrix, heading: &str) {
    println!("Local services by borough and type of help · {heading}");
    println!(
        "({} services work in named boroughs only; {} work London-wide or nationally and are counted in no row.)",
        m.borough_services, m.wider_services
    );
    println!();
    let head = |c: &String| {
        COVERAGE_HEADS
            .iter()
            .find(|(id, _)| id == c)
            .map_or("??", |(_, h)| h)
    };
    let heads: String = m
        .categories
        .iter()
        .map(|c| format!("{:>3}", head(c)))
        .collect();
    println!("{:<24} {:>3} {heads}", "", "all");
    for b in &m.boroughs {
        let cells: String = b
            .by_category
            .iter()
            .map(|n| match n {
                0 => "  ·".to_string(),
                n => format!("{n:>3}"),
            })
            .collect();
        println!("{:<24} {:>3} {cells}", b.name, b.local);
    }
    println!();
    let key: Vec<String> = m
        .categories
        .iter()
        .zip(&m.in_sentence)
        .map(|(c, what)| format!("{} {what}", head(c)))
        .collect();
    println!("Key: {}; · none on record.", key.join(", "));
    let gaps: Vec<String> = (0..m.categories.len())
        .filter(|&i| m.categories[i] != "other")
        .map(|i| (m.gaps(i).len(), &m.in_sentence[i]))
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{what} {n}"))
        .collect();
    println!(
        "Authorities with no local service on record, by type of help: {}.",
        gaps.join(", ")
    );
}

pub(super) fn print_results(dir: &Directory, r: &signpost::SearchResults) {
    let info = dir.info();
    let date = info
        .generated_at
        .map(present::day)
        .unwrap_or_else(|| "unknown date".into());
    println!(
        "{} · directory of {date}, {} services",
        r.summary, info.services
    );
    if let Some(line) = &r.understood_line {
        println!("{line}");
    }
    if let Some(note) = &r.unserved_note {
        println!("{note}");
    }
    for (i, h) in r.hits.iter().enumerate() {
        println!();
        print_hit(dir, i + 1, h, r.at);
    }
}

/// One result: name, facts, main number and why it matched.
fn print_hit(dir: &Directory, n: usize, h: &signpost::Hit, at: jiff::Timestamp) {
    match h.organisation.as_str() {
        "" => println!("{n:>2}. {}", h.name),
        org => println!("{n:>2}. {} — {org}", h.name),
    }
    let mut facts = vec![h.id.clone(), h.covers.clone(), h.open_text.clone()];
    if let Some(r) = h.referral {
        facts.push(present::referral(r).to_string());
    }
    println!("    {}", facts.join(" · "));
    if let Ok(d) = dir.service(&h.id, Some(at)) {
        match d.service.phones.first() {
            Some(p) => println!(
                "    ☎ {} {}",
                h.phone
                    .as_ref()
                    .map_or(p.number.as_str(), |d| d.number.as_str()),
                p.description
                    .as_deref()
                    .map(|l| format!("({l})"))
                    .unwrap_or_default()
            ),
            None => println!(
                "    no phone number on record{}",
                d.service.url.map(|u| format!(" · {u}")).unwrap_or_default()
            ),
        }
    }
    if !h.matched.is_empty() {
        println!(
            "    matched: {}{}",
            h.why,
            if h.partial { " — partial match" } else { "" }
        );
    }
    if let Some(placed) = &h.placed {
        println!("    listed {placed}");
    }
}

pub(super) fn print_details(d: &signpost::ServiceDetails) {
    let s = &d.service;
    println!("{}", s.name);
    match s.organization_name() {
        "" => println!("Provider not stated"),
        org => println!("{org}"),
    }
    println!();
    if let Some(desc) = &s.description {
        println!("{desc}");
        println!();
    }
    print_phones(d);
    let field = |k: &str, v: Option<&str>| {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            println!("{k}: {v}");
        }
    };
    field("Website", s.url.as_deref());
    field("Email", s.email.as_deref());
    field("Eligibility", s.eligibility_description.as_deref());
    field("Who it is for", d.ages.as_deref());
    field("Referral", s.referral().map(present::referral));
    println!("Open: {}", d.open_text);
    if !d.hours_text.is_empty() {
        println!("Hours as published: {}", d.hours_text.join("; "));
    }
    if d.coverage.is_empty() {
        // "Area not stated", or "Area not recognised" for areas Signpost cannot place.
        println!("Covers: {}", d.covers);
    } else {
        println!("Covers: {}", d.coverage.join(", "));
    }
    println!("Categories: {}", d.categories.join(", "));
    if !d.languages.is_empty() {
        println!("Languages: {}", d.languages.join("; "));
    }
    // The app's words and thresholds (amber after 6 months, red after 12), not a copy.
    println!("Last reviewed: {}", d.review.since);
    field("Note", s.alert.as_deref());
    field("Phone numbers", d.phone_changed.as_deref());
    for l in &d.left_out {
        println!("Left out: {l}");
    }
    for src in s.sources() {
        println!("Source: {src}");
    }
}

/// Each number as the app shows it (the view model's), with its label, its hours as
/// published and where it was found.
fn print_phones(d: &signpost::ServiceDetails) {
    if d.phones.is_empty() {
        println!("Phone: no phone number on record");
    }
    for p in &d.phones {
        let label = p.label.as_deref().unwrap_or("Phone");
        let hours = p.hours.as_deref().unwrap_or("hours not stated");
        let note = p
            .dial
            .note
            .as_deref()
            .map(|n| format!(", {n}"))
            .unwrap_or_default();
        println!("Phone: {} — {label} ({hours}{note})", p.dial.number);
        for src in &p.sources {
            println!("       source: {}", src.text);
        }
    }
}

pub(super) fn print_diff(d: &feed::diff::FeedDiff) {
    use super::terminal::one_line as l;
    for (what, list) in [("Added", &d.added), ("Removed", &d.removed)] {
        if !list.is_empty() {
            println!("{what} ({}):", list.len());
            for s in list {
                println!("  {} ({})", l(&s.name), l(&s.id));
            }
        }
    }
    if !d.changed.is_empty() {
        println!("Changed ({}):", d.changed.len());
        for c in &d.changed {
            println!("  {} ({})", l(&c.name), l(&c.id));
            for f in &c.changes {
                println!("    {}: {} → {}", f.field, l(&f.before), l(&f.after));
            }
        }
    }
    if !d.numbers.is_empty() {
        println!(
            "Numbers on a service that did not show them ({}):",
            d.numbers.len()
        );
        for n in &d.numbers {
            let whose = if n.was_on.is_empty() {
                "new to the directory".to_string()
            } else {
                format!("was on {}", l(&n.was_on.join(", ")))
            };
            println!(
                "  {} ({}): {} in {} — {whose}",
                l(&n.name),
                l(&n.id),
                n.number,
                n.place
            );
        }
    }
    let moved = d.numbers.iter().filter(|n| !n.was_on.is_empty()).count();
    println!(
        "{} added, {} removed, {} changed; {} services with new phone numbers ({} numbers new to the directory, {moved} from another service)",
        d.added.len(),
        d.removed.len(),
        d.changed.len(),
        d.services_with_new_numbers().len(),
        d.numbers.len() - moved,
    );
}
