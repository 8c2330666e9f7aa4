//! The detail view's model: one service with everything a person needs to contact it,
//! worded by [`crate::present`] and [`crate::review`], links already checked. The app's
//! detail pane and `signpost show` both print it.

use jiff::Timestamp;
use serde::Serialize;

use crate::contact::Link;
use crate::facts::{Coverage, Facts};
use crate::feed;
use crate::geo::Geography;
use crate::hours::OpenState;
use crate::index::Generation;
use crate::model::Service;
use crate::phone::Dial;
use crate::present;
use crate::review::{self, Review};

/// One service with what the detail view needs, links already checked.
#[derive(Debug, Clone, Serialize)]
pub struct ServiceDetails {
    /// The record as validated (confidential addresses already removed).
    pub service: Service,
    /// Borough names, "London-wide", "National".
    pub coverage: Vec<String>,
    /// The same in one phrase ("All of London"): see [`Coverage::phrase`].
    pub covers: String,
    /// The same as codes, for drawing on a map.
    pub coverage_areas: Coverage,
    /// Its category ids, main one first.
    pub categories: Vec<String>,
    /// Open, closed or unknown at the moment asked about.
    pub open: OpenState,
    /// The open state in words ("open now until 17:00").
    pub open_text: String,
    /// Hours as published, for the service as a whole.
    pub hours_text: Vec<String>,
    /// Each number with its label, hours and sources.
    pub phones: Vec<PhoneDetails>,
    /// Its website, linked only over https.
    pub website: Option<Link>,
    /// Its email address, linked only when plain.
    pub email: Option<Link>,
    /// "ages 13–25", "ages 18 and over".
    pub ages: Option<String>,
    /// How it takes referrals, in words ([`crate::present::referral`]).
    pub referral_text: Option<String>,
    /// Languages it lists.
    pub languages: Vec<String>,
    /// Where the facts were seen.
    pub sources: Vec<Link>,
    /// How long since the record was reviewed, and the warning to show.
    pub review: Review,
    /// "Phone number changed on 3 Dec 2026", for a while after an update changed it.
    pub phone_changed: Option<String>,
    /// The same, as the sentence shown above the numbers.
    pub phone_changed_callout: Option<String>,
    /// What the reader left out of this record, and why ("phones: phone 2 \"ring us\" is
    /// not usable …"): missing stays missing, and says so.
    pub left_out: Vec<String>,
}

/// One phone number with what a caller needs to know.
#[derive(Debug, Clone, Serialize)]
pub struct PhoneDetails {
    /// The number, its dialling note and its `tel:` link.
    #[serde(flatten)]
    pub dial: Dial,
    /// What the number is for ("Emergency via textphone").
    pub label: Option<String>,
    /// Its hours as published ("Mon–Fri 9am–5pm"), if stated.
    pub hours: Option<String>,
    /// Where the number was found (pages the researchers read).
    pub sources: Vec<Link>,
}

impl ServiceDetails {
    /// The details of `service`, the record at position `pos` of `generation`, as of `at`.
    pub(crate) fn of(
        service: Service,
        generation: &Generation,
        pos: usize,
        geo: &Geography,
        at: Timestamp,
    ) -> ServiceDetails {
        let facts: &Facts = &generation.facts[pos];
        let id = service.id.clone();
        let open = facts.hours.state_at(at);
        let today = at.to_zoned(crate::hours::london().clone()).date();
        let notice = crate::changed::notice(
            &generation.phone_changes,
            &id,
            at,
            generation.meta.generated_at,
        );
        ServiceDetails {
            coverage: facts.coverage.labels(geo),
            covers: facts.coverage.phrase(geo),
            coverage_areas: facts.coverage.clone(),
            categories: facts.categories.clone(),
            open,
            open_text: open.describe(at),
            hours_text: hours_text(&service),
            phones: service.phones.iter().map(PhoneDetails::of).collect(),
            website: service.url.as_deref().map(Link::web),
            email: service.email.as_deref().map(Link::email),
            ages: present::ages(service.minimum_age, service.maximum_age),
            referral_text: service.referral().map(|r| present::referral(r).to_string()),
            languages: service
                .languages
                .iter()
                .filter_map(|l| l.name.clone().or_else(|| l.code.clone()))
                .collect(),
            sources: links(service.sources()),
            review: review::of(service.assured_date.as_deref(), today),
            phone_changed: notice.as_ref().map(|n| n.tag.clone()),
            phone_changed_callout: notice.map(|n| n.callout),
            left_out: feed::with_action(&generation.problems, feed::Action::FieldDropped)
                .filter(|p| p.id.as_deref() == Some(id.as_str()))
                .map(|p| format!("{}: {}", p.field, p.reason))
                .collect(),
            service,
        }
    }
}

impl PhoneDetails {
    fn of(p: &crate::model::Phone) -> PhoneDetails {
        PhoneDetails {
            dial: Dial::of(p),
            label: p.description.clone(),
            hours: p.schedules.iter().find_map(|x| x.description.clone()),
            sources: links(p.sources()),
        }
    }
}

/// The service's hours as published, each said once.
fn hours_text(service: &Service) -> Vec<String> {
    let mut said: Vec<String> = Vec::new();
    for d in service
        .schedules
        .iter()
        .filter_map(|s| s.description.clone())
    {
        if !said.contains(&d) {
            said.push(d);
        }
    }
    said
}

fn links(urls: Vec<&str>) -> Vec<Link> {
    urls.into_iter().map(Link::web).collect()
}
