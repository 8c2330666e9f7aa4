//! The referral slip: the chosen services' contact details as plain text, for handing to
//! the person being helped (printed, saved as PDF, or pasted into a message).
//!
//! It carries nothing about that person, and no search words: only the services, the
//! date the directory was published, and the emergency line.

use jiff::Timestamp;

use crate::details::{PhoneDetails, ServiceDetails};

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
    let day = |t: Timestamp| crate::present::day_in_full(t);
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
        // A labelled line, or (with no label) a sentence of its own; empty values are skipped.
        let mut line = |label: &str, value: &str| match (label, value.trim()) {
            (_, "") => {}
            ("", v) => out.push_str(&format!("   {v}\n")),
            (l, v) => out.push_str(&format!("   {l}: {v}\n")),
        };
        if let Some(what) = s.description.as_deref().map(first_sentence) {
            line("What they do", &what);
        }
        if d.phones.is_empty() {
            line("Phone", "no phone number on record");
        }
        for v in phone_lines(&d.phones) {
            line("Phone", &v);
        }
        if let Some(w) = &d.website {
            line("Website", &w.text);
        }
        if let Some(e) = &d.email {
            line("Email", &e.text);
        }
        match s.referral() {
            Some(r) if r.allows_self() && !d.phones.is_empty() => {
                line("", "You can call them yourself.")
            }
            Some(r) if r.allows_self() => line("", "You can contact them yourself."),
            Some(r) => line("How to get help", crate::present::referral(r)),
            None => {}
        }
        // What is not on record is left out: the slip is for acting on.
        line("Hours", &d.hours_text.join("; "));
        line("Covers", &d.covers);
    }
    out.push_str("\nDetails can change: if a number does not work, check the service's website.\n");
    out
}

/// One line per number dialled: numbers that differ only by a dialling note ("0808 802
/// 0300" and "0808 802 0300 (press 2)") are one line, with what each is for.
fn phone_lines(phones: &[PhoneDetails]) -> Vec<String> {
    let mut lines: Vec<(String, Vec<String>)> = Vec::new();
    for p in phones {
        let extra: Vec<&str> = [p.label.as_deref(), p.hours.as_deref()]
            .into_iter()
            .flatten()
            .collect();
        let said = match (&p.dial.note, extra.is_empty()) {
            (Some(n), true) => n.clone(),
            (Some(n), false) => format!("{n}: {}", extra.join(", ")),
            (None, _) => extra.join(", "),
        };
        match lines
            .iter_mut()
            .find(|(number, _)| *number == p.dial.number)
        {
            Some((_, notes)) => {
                if !said.is_empty() && !notes.contains(&said) {
                    notes.push(said);
                }
            }
            None => lines.push((
                p.dial.number.clone(),
                [said].into_iter().filter(|s| !s.is_empty()).collect(),
            )),
        }
    }
    lines
        .into_iter()
        .map(|(number, notes)| match notes.is_empty() {
            true => number,
            false => format!("{number} ({})", notes.join("; ")),
        })
        .collect()
}

/// The description's first sentence, at most about 160 characters (cut at a word).
fn first_sentence(text: &str) -> String {
    let text = text.trim();
    let end = text
        .match_indices(". ")
        .map(|(i, _)| i + 1)
        .next()
        .unwrap_or(text.len());
    let sentence = &text[..end];
    if sentence.chars().count() <= 160 {
        return sentence.to_string();
    }
    let cut: String = sentence.chars().take(160).collect();
    let at_word = cut.rfind(' ').map_or(cut.as_str(), |i| &cut[..i]);
    format!("{}…", at_word.trim_end_matches([',', ';', ':']))
}
