//! The number shown is the number dialled: for UK numbers written every way publishers
//! write them (spaces, dots, dashes, brackets, +44, "(0)", dialling notes, extensions),
//! the Call link dials exactly the digits on screen, and those are the digits written.

use proptest::prelude::*;
use signpost::phone::PhoneNumber;

/// A real UK number range and how many digits follow its prefix.
fn national_number() -> impl Strategy<Value = String> {
    prop_oneof![
        // London: 020 3/7/8 + 7 digits.
        ("[378]", "[0-9]{7}").prop_map(|(a, b)| format!("020{a}{b}")),
        // Mobiles.
        ("7[1-57-9]", "[0-9]{8}").prop_map(|(a, b)| format!("0{a}{b}")),
        // Freephone and non-geographic.
        ("80[08]", "[0-9]{7}").prop_map(|(a, b)| format!("0{a}{b}")),
        ("3[0347]", "[0-9]{8}").prop_map(|(a, b)| format!("0{a}{b}")),
    ]
}

/// The digits cut into groups of 1–4, joined with one separator each.
fn layout(digits: &str, cuts: &[usize], seps: &[&str], bracket_first: bool) -> String {
    let mut groups = Vec::new();
    let mut at = 0;
    for &c in cuts {
        if at >= digits.len() {
            break;
        }
        let end = (at + c).min(digits.len());
        groups.push(digits[at..end].to_string());
        at = end;
    }
    if at < digits.len() {
        groups.push(digits[at..].to_string());
    }
    if bracket_first && groups.len() > 1 {
        groups[0] = format!("({})", groups[0]);
    }
    let mut out = groups[0].clone();
    for (i, g) in groups.iter().enumerate().skip(1) {
        out.push_str(seps[i % seps.len()]);
        out.push_str(g);
    }
    out
}

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, max_global_rejects: 100_000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn the_link_dials_the_digits_shown_and_written(
        number in national_number(),
        cuts in proptest::collection::vec(1usize..=4, 1..6),
        seps in proptest::collection::vec(prop_oneof![Just(" "), Just("-"), Just("."), Just(""), Just(" - ")], 1..4),
        bracket_first in any::<bool>(),
        plus44 in 0u8..3,
        note in proptest::option::of("press [1-9]|ask for the duty team"),
        ext in proptest::option::of(("[0-9]{1,5}", 0u8..4)),
    ) {
        // Numbers in ranges in use (by libphonenumber's metadata); every one must then read
        // the same however it is written.
        prop_assume!(phonenumber::parse(Some(phonenumber::country::Id::GB), &number).is_ok_and(|n| n.is_valid()));
        // 0 = national, 1 = +44 without the trunk 0, 2 = +44 (0)…
        let national = &number[1..];
        let mut text = match plus44 {
            0 => layout(&number, &cuts, &seps, bracket_first),
            1 => format!("+44 {}", layout(national, &cuts, &seps, false)),
            _ => format!("+44 (0){}", layout(national, &cuts, &seps, false)),
        };
        let mut separate_ext = None;
        if let Some((e, how)) = &ext {
            match how {
                0 => text.push_str(&format!(" ext. {e}")),
                1 => text.push_str(&format!(" x{e}")),
                2 => text.push_str(&format!(", extension {e}")),
                _ => separate_ext = Some(e.as_str()),
            }
        }
        if let Some(n) = &note {
            text.push_str(&format!(" ({n})"));
        }
        let parsed = PhoneNumber::parse(&text, separate_ext)
            .map_err(|e| TestCaseError::fail(format!("{text:?} refused: {e}")))?;
        let link = parsed.tel_uri();
        // Digit for digit: what is on screen (number and extension) is what is dialled.
        prop_assert_eq!(digits(&parsed.text()), digits(&link), "{:?} → {:?} / {:?}", text, parsed.text(), link);
        // And it is the number the publisher wrote, not a neighbour of it.
        let expected = if plus44 == 0 { number.clone() } else { format!("44{national}") };
        prop_assert_eq!(digits(&parsed.shown), expected);
        prop_assert_eq!(parsed.extension.as_deref(), ext.as_ref().map(|(e, _)| e.as_str()));
        prop_assert_eq!(parsed.note.as_deref(), note.as_deref());
    }

    /// Text with anything in it that is not part of a number is refused, never half-read.
    #[test]
    fn a_number_with_other_text_inside_is_refused(
        number in national_number(),
        at in 1usize..10,
        junk in "[a-wyzA-WYZ;:/#*?=]{1,3}|\u{202E}|\u{200B}",
    ) {
        let at = at.min(number.len() - 1);
        let text = format!("{}{junk}{}", &number[..at], &number[at..]);
        if let Ok(p) = PhoneNumber::parse(&text, None) {
            // The only acceptable reading keeps every written digit.
            prop_assert_eq!(digits(&p.text()), digits(&text));
            prop_assert_eq!(digits(&p.tel_uri()), digits(&text));
        }
    }
}

#[test]
fn every_number_in_the_shared_data_is_read_and_dialled_as_shown() {
    let Some(path) = signpost_test_shared("data/services.jsonl") else {
        return;
    };
    let mut count = 0;
    for line in std::fs::read_to_string(path).unwrap().lines() {
        let record: serde_json::Value = serde_json::from_str(line).unwrap();
        for p in record["phones"].as_array().into_iter().flatten() {
            let text = p["number"].as_str().unwrap();
            let parsed = PhoneNumber::parse(text, None)
                .unwrap_or_else(|e| panic!("{text:?} in {}: {e}", record["id"]));
            assert_eq!(digits(&parsed.text()), digits(&parsed.tel_uri()), "{text}");
            count += 1;
        }
    }
    assert!(count > 100, "only {count} numbers read");
}

mod common;

fn signpost_test_shared(rel: &str) -> Option<std::path::PathBuf> {
    common::shared(rel)
}
