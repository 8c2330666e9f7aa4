//! The referral slip: the chosen services' contact details as plain text, for handing to
//! the person being helped (printed, saved as PDF, or pasted into a message).
//!
//! It carries nothing about that person, and no search words: only the services, the
//! date the directory was published, and the emergency line.

use jiff::Timestamp;

use crate::directory::ServiceDetails;
use crate::hours::in_london;

/// The emergency line every slip starts with.
pub const EMERGENCY_LINE: &str =
    "In an emergency, or if you are in danger now, call 999. If you cannot speak, call 999 and then press 55 when asked.";

/// The slip for `services`, in the order given. `directory_date` is when the directory
/// was published; `now` dates the slip.
pub fn text(
    services: &[ServiceDetails],
    directory_date: Option<Timestamp>,
    now: Timestamp,
) -> String {
    let day = |t: Timestamp| in_london(t, "%-d %B %Y");
    let mut out = String::new();
    out.push_str("Services that can help\n");
    out.push_str(&format!(
        "From Signpost London on {}{}\n\n",
        day(now),
        directory_date
            .map(|d| format!(" (directory of {})", day(d)))
            .unwrap_or_default()
    ));
    out.push_str(EMERGENCY_LINE);
    out.push('\n');
    for (i, d) in services.iter().enumerate() {
        let s = &d.service;
        out.push('\n');
        let org = s.organization_name();
        if org.is_empty() || org == s.name {
            out.push_str(&format!("{}. {}\n", i + 1, s.name));
        } else {
            out.push_str(&format!("{}. {} ({})\n", i + 1, s.name, org));
        }
        let mut line = |label: &str, value: &str| {
            if !value.trim().is_empty() {
                out.push_str(&format!("   {label}: {}\n", value.trim()));
            }
        };
        if d.phones.is_empty() {
            line("Phone", "no phone number on record");
        }
        for p in &d.phones {
            let mut v = p.number.clone();
            let extra: Vec<&str> = [p.note.as_deref(), p.label.as_deref(), p.hours.as_deref()]
                .into_iter()
                .flatten()
                .collect();
            if !extra.is_empty() {
                v.push_str(&format!(" ({})", extra.join(", ")));
            }
            line("Phone", &v);
        }
        if let Some(w) = &d.website {
            line("Website", &w.text);
        }
        if let Some(e) = &d.email {
            line("Email", &e.text);
        }
        if let Some(r) = &d.referral_text {
            line("How to get help", r);
        }
        line("Hours", &hours(d));
        line("Covers", &d.coverage.join(", "));
    }
    out.push_str("\nDetails can change: if a number does not work, check the service's website.\n");
    out
}

fn hours(d: &ServiceDetails) -> String {
    if d.hours_text.is_empty() {
        "not on record".to_string()
    } else {
        d.hours_text.join("; ")
    }
}
