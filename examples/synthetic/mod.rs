//! Synthetic directories for benchmarks: N services built from the bundled directory's
//! vocabulary, so names and descriptions read (and index) like real records. Shared by the
//! engine benchmark (`examples/bench.rs`) and the app benchmark (`src-tauri/benches/app.rs`).

use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::Rng;
use serde_json::{json, Value};
use signpost::feed;
use signpost::geo::Geography;
use signpost::model::CATEGORIES;
use signpost::text;

const KINDS: &[&str] = &[
    "Advocacy Service",
    "Helpline",
    "Support Service",
    "Outreach Project",
    "Advice Line",
    "Casework Team",
    "Counselling Service",
    "Drop-in Centre",
    "Referral Hub",
    "Partnership",
];

pub struct Vocabulary {
    pub topics: Vec<String>,
    pub sentences: Vec<String>,
    pub eligibility: Vec<String>,
    pub words: Vec<String>,
    pub organisations: Vec<String>,
}

/// Word pools from the bundled directory, so synthetic text reads like real records.
pub fn vocabulary() -> Vocabulary {
    let f = feed::read(signpost::bundled::FEED.as_bytes(), Geography::bundled()).unwrap();
    let mut sentences = Vec::new();
    let mut eligibility = Vec::new();
    let mut words = Vec::new();
    let mut organisations = Vec::new();
    for s in &f.services {
        let d = s.description.clone().unwrap_or_default();
        sentences.extend(
            d.split(". ")
                .filter(|x| x.len() > 30)
                .map(|x| x.trim_end_matches('.').to_string()),
        );
        eligibility.extend(s.eligibility_description.clone());
        words.extend(
            text::words(&format!("{} {d}", s.name))
                .into_iter()
                .filter(|w| w.len() >= 4),
        );
        organisations.push(s.organization_name().to_string());
    }
    let topics = [
        "Domestic Abuse",
        "Sexual Violence",
        "Hate Crime",
        "Youth Violence",
        "Stalking",
        "Fraud",
        "Modern Slavery",
        "Restorative Justice",
        "Witness",
        "Victim",
        "Exploitation",
        "Terrorism",
        "Honour Based Abuse",
        "Elder Abuse",
        "Mental Health",
        "Family",
        "LGBT+",
        "Women's",
        "Men's",
        "Housing",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    Vocabulary {
        topics,
        sentences,
        eligibility,
        words,
        organisations,
    }
}

pub fn synthetic_feed(n: usize, rng: &mut StdRng, v: &Vocabulary) -> Vec<u8> {
    let geo = Geography::bundled();
    let boroughs: Vec<&str> = geo.boroughs().iter().map(|b| b.name.as_str()).collect();
    let mut services = Vec::with_capacity(n);
    for i in 0..n {
        let borough = *boroughs.choose(rng).unwrap();
        let topic = v.topics.choose(rng).unwrap();
        let kind = KINDS.choose(rng).unwrap();
        let name = match rng.random_range(0..3) {
            0 => format!("{borough} {topic} {kind}"),
            1 => format!("{topic} {kind} ({})", v.organisations.choose(rng).unwrap()),
            _ => format!(
                "{} {topic} {kind}",
                v.words.choose(rng).unwrap().to_uppercase()
            ),
        };
        let description: Vec<&String> = (0..rng.random_range(2..=4))
            .map(|_| v.sentences.choose(rng).unwrap())
            .collect();
        let description = description
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(". ")
            + ".";
        let areas = match rng.random_range(0..100) {
            0..=59 => vec![json!({"name": borough})],
            60..=84 => vec![json!({"name": "London-wide"})],
            _ => vec![json!({"name": "National"})],
        };
        let mut cats: Vec<Value> = (0..rng.random_range(1..=3))
            .map(|_| json!({"taxonomy_term": {"code": CATEGORIES.choose(rng).unwrap(), "taxonomy": "signpost:category"}}))
            .collect();
        let route = ["self", "professional", "both"].choose(rng).unwrap();
        cats.push(json!({"taxonomy_term": {"code": route, "taxonomy": "signpost:referral"}}));
        let schedules = match rng.random_range(0..10) {
            0..=2 => {
                json!([{"freq": "WEEKLY", "byday": "MO,TU,WE,TH,FR,SA,SU", "opens_at": "00:00", "closes_at": "23:59", "description": "24/7"}])
            }
            3..=6 => {
                json!([{"freq": "WEEKLY", "byday": "MO,TU,WE,TH,FR", "opens_at": "09:00", "closes_at": "17:00", "description": "Mon-Fri 9am-5pm"}])
            }
            _ => json!([]),
        };
        services.push(json!({
            "id": format!("synthetic-{i}"),
            "name": name,
            "description": description,
            "organization": {"name": v.organisations.choose(rng).unwrap()},
            "eligibility_description": v.eligibility.choose(rng).unwrap(),
            "service_areas": areas,
            "schedules": schedules,
            "attributes": cats,
        }));
    }
    serde_json::to_vec(
        &json!({"version": "3.0", "generated_at": generated_at(), "services": services}),
    )
    .unwrap()
}

/// The synthetic feed's date: a minute after the bundled snapshot's, so it replaces it and
/// is not refused as dated in the future.
pub fn generated_at() -> String {
    let bundled = signpost::bundled::generated_at().expect("the bundled feed is dated");
    (bundled + jiff::SignedDuration::from_mins(1)).to_string()
}
