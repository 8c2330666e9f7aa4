//! What a phone number is, decided once for the validator, the display and the `tel:` link.
//!
//! A number in a feed is text: "(020) 8825 7524", "0808 802 0300 (press 2)", "18001 101",
//! "+44 300 123 2040". [`PhoneNumber::parse`] reads it with libphonenumber's rules (the
//! `phonenumber` crate, UK as the home region) into the digits to dial, a display form made
//! from those same digits, and what surrounds them (a text-relay prefix, an extension, a
//! dialling note). Because the display and the link come from one parse, the number shown
//! is the number dialled, digit for digit; text that cannot be read as one number is
//! refused by the validator and never gets a Call link.

use std::fmt;

use serde::Serialize;

/// UK text relay prefixes: "18001 101" dials 101 through Relay UK.
const RELAY_PREFIXES: [&str; 2] = ["18001", "18002"];

/// A phone number read from a feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PhoneNumber {
    /// The number as shown: libphonenumber's national layout for UK numbers ("020 8825
    /// 7524"), international for numbers written with `+`, short codes as written.
    pub shown: String,
    /// What is dialled, `+` and digits only, relay prefix included.
    dial: String,
    /// Extension digits, if any ("ext. 214").
    pub extension: Option<String>,
    /// A note on dialling that follows the number in brackets ("press 2").
    pub note: Option<String>,
}

/// Why text is not a phone number, in words for a validation report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotAPhoneNumber(pub &'static str);

impl fmt::Display for NotAPhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl PhoneNumber {
    /// Read `number` (with the record's separate `extension`, if any).
    pub fn parse(number: &str, extension: Option<&str>) -> Result<PhoneNumber, NotAPhoneNumber> {
        let text = number.trim();
        let (text, note) = split_note(text);
        let (text, ext_in_text) = split_extension(text);
        let extension = match (
            extension.map(str::trim).filter(|e| !e.is_empty()),
            ext_in_text,
        ) {
            (Some(e), _) => Some(e.to_string()),
            (None, e) => e,
        };
        if extension
            .as_deref()
            .is_some_and(|e| e.len() > 8 || !e.chars().all(|c| c.is_ascii_digit()))
        {
            return Err(NotAPhoneNumber("its extension is not 1 to 8 digits"));
        }
        let (relay, body) = split_relay(text);
        if body.is_empty() {
            return Err(NotAPhoneNumber("it has no digits"));
        }
        let international = body.starts_with('+');
        let rest = if international { &body[1..] } else { body };
        if !rest
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '.' | '(' | ')'))
        {
            return Err(NotAPhoneNumber(
                "it has characters other than digits, spaces, dots, dashes and brackets",
            ));
        }
        let written: String = rest.chars().filter(char::is_ascii_digit).collect();
        let short = !international && (3..=6).contains(&written.len());
        if short && extension.is_some() {
            return Err(NotAPhoneNumber("a short code has no extension"));
        }
        let (shown, digits) = if short {
            // A UK short code (999, 101, 116 123, 18000): libphonenumber's UK metadata does
            // not cover them, so they are shown as written with single spaces.
            (collapse_separators(rest), written)
        } else {
            long_number(rest, international, &written)?
        };
        if relay.is_some() && international {
            return Err(NotAPhoneNumber(
                "a text relay prefix goes before a UK number",
            ));
        }
        Ok(PhoneNumber {
            shown: match relay {
                Some(r) => format!("{r} {shown}"),
                None => shown,
            },
            dial: format!(
                "{}{}{digits}",
                if international { "+" } else { "" },
                relay.unwrap_or("")
            ),
            extension,
            note,
        })
    }

    /// The number and its extension as a person reads them: "020 7946 0000 ext. 214".
    pub fn text(&self) -> String {
        match &self.extension {
            Some(e) => format!("{} ext. {e}", self.shown),
            None => self.shown.clone(),
        }
    }

    /// The number however it was written — "+44 808 2000 247", "0808 2000 247", "18001
    /// 0808 2000 247" — as one key: national digits for a UK number, relay prefix and
    /// extension left off. Two services showing the same key show the same line.
    pub fn key(&self) -> String {
        let dial = RELAY_PREFIXES
            .iter()
            .find_map(|r| self.dial.strip_prefix(r))
            .unwrap_or(&self.dial);
        match dial
            .strip_prefix("+44")
            .or_else(|| dial.strip_prefix("0044"))
        {
            Some(national) => format!("0{national}"),
            None => dial.to_string(),
        }
    }

    /// The RFC 3966 link for exactly the digits of [`PhoneNumber::text`]:
    /// `tel:02079460000;ext=214`.
    pub fn tel_uri(&self) -> String {
        match &self.extension {
            Some(e) => format!("tel:{};ext={e}", self.dial),
            None => format!("tel:{}", self.dial),
        }
    }
}

/// A number ready to show beside Call and Copy, as the result card and the detail view
/// both need it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Dial {
    /// The number (and extension) as it is dialled: "020 8825 7524 ext. 12".
    pub number: String,
    /// A dialling note published with it ("press 2").
    pub note: Option<String>,
    /// `tel:` link for exactly the digits of `number`; `None` when it is not one number.
    pub tel: Option<String>,
}

impl Dial {
    /// A record's phone. Validation refuses numbers that do not parse, but a directory
    /// built by an older version may still hold one: it is shown as written, with no link.
    pub fn of(phone: &crate::model::Phone) -> Dial {
        match PhoneNumber::parse(&phone.number, phone.extension.as_deref()) {
            Ok(n) => Dial {
                number: n.text(),
                tel: Some(n.tel_uri()),
                note: n.note,
            },
            Err(_) => Dial {
                number: phone.number.clone(),
                note: None,
                tel: None,
            },
        }
    }
}

/// The phone numbers of 8 digits or more written in free text ("call 020 7946 0666 any
/// time", "(0808) 2000 247 (24 hours)", "0800 1111"): each run of digits and separators
/// that starts a word with `0`, `+` or `(`, read by libphonenumber as a number in use —
/// the whole run, or else its longest leading groups that are one (so digits after the
/// number, or a second number joined by a dash, do not hide it). Non-breaking spaces and
/// dashes count as separators. Short codes (999, 101) and dates are not looked for.
pub fn numbers_in_text(text: &str) -> Vec<PhoneNumber> {
    let is_separator = |c: char| {
        matches!(
            c,
            ' ' | '-' | '.' | '(' | ')' | '\u{a0}' | '\u{202f}' | '\u{2010}'..='\u{2014}'
        )
    };
    let mut found = Vec::new();
    let mut rest = text;
    let mut before: Option<char> = None;
    while let Some(c) = rest.chars().next() {
        let starts = matches!(c, '0' | '+' | '(') && !before.is_some_and(char::is_alphanumeric);
        if !starts {
            before = Some(c);
            rest = &rest[c.len_utf8()..];
            continue;
        }
        let run_len = rest
            .char_indices()
            .find(|&(i, ch)| !(ch.is_ascii_digit() || is_separator(ch) || (ch == '+' && i == 0)))
            .map_or(rest.len(), |(i, _)| i);
        let run = &rest[..run_len];
        // Where each group of digits ends: the candidates, longest first.
        let ends: Vec<usize> = run
            .char_indices()
            .filter(|&(i, ch)| {
                ch.is_ascii_digit()
                    && run[i + 1..]
                        .chars()
                        .next()
                        .is_none_or(|n| !n.is_ascii_digit())
            })
            .map(|(i, _)| i + 1)
            .collect();
        let number = ends.iter().rev().find_map(|&end| {
            let candidate: String = run[..end]
                .chars()
                .map(|ch| {
                    if is_separator(ch) && !matches!(ch, '(' | ')') {
                        ' '
                    } else {
                        ch
                    }
                })
                .collect();
            let digits = candidate.chars().filter(char::is_ascii_digit).count();
            (8..=15).contains(&digits).then_some(())?;
            PhoneNumber::parse(&candidate, None).ok().map(|n| (end, n))
        });
        // Past the number found, or past the run's first group when none is there.
        let used = match number {
            Some((end, n)) => {
                found.push(n);
                end
            }
            None => ends.first().copied().unwrap_or(run_len).max(c.len_utf8()),
        };
        before = rest[..used].chars().last();
        rest = &rest[used..];
    }
    found
}

/// True for a link [`PhoneNumber::tel_uri`] could have made: the shell opens only these.
pub fn is_tel_uri(uri: &str) -> bool {
    let Some(rest) = uri.strip_prefix("tel:") else {
        return false;
    };
    let (number, ext) = match rest.split_once(";ext=") {
        Some((n, e)) => (n, Some(e)),
        None => (rest, None),
    };
    let digits = number.strip_prefix('+').unwrap_or(number);
    (3..=20).contains(&digits.len())
        && digits.chars().all(|c| c.is_ascii_digit())
        && ext.is_none_or(|e| (1..=8).contains(&e.len()) && e.chars().all(|c| c.is_ascii_digit()))
}

/// A number of 7 or more digits, read by libphonenumber: `(shown, digits to dial)`.
fn long_number(
    text: &str,
    international: bool,
    written: &str,
) -> Result<(String, String), NotAPhoneNumber> {
    use phonenumber::{country, Mode};
    let input = if international {
        format!("+{text}")
    } else {
        text.to_string()
    };
    let parsed = phonenumber::parse(Some(country::Id::GB), &input)
        .map_err(|_| NotAPhoneNumber("it cannot be read as a phone number"))?;
    if !parsed.is_valid() {
        return Err(NotAPhoneNumber(
            "it is not a number in use in the UK numbering plan (wrong length or range)",
        ));
    }
    let mode = if international {
        Mode::International
    } else {
        Mode::National
    };
    // The publisher's grouping is kept ("0808 2000 247" is how that helpline is known),
    // separators made single spaces; libphonenumber lays out a number written as one run
    // of digits, or with a "(0)" after +44.
    let groups = text
        .split(|c: char| !c.is_ascii_digit())
        .filter(|g| !g.is_empty())
        .count();
    let trunk_in_brackets = international && text.contains("(0)");
    let shown = if groups > 1 && !trunk_in_brackets {
        format!(
            "{}{}",
            if international { "+" } else { "" },
            collapse_separators(text)
        )
    } else {
        parsed.format().mode(mode).to_string()
    };
    let digits: String = shown.chars().filter(char::is_ascii_digit).collect();
    // The display must keep the digits the publisher wrote (a "(0)" trunk prefix after +44
    // is the one thing libphonenumber may drop): otherwise this is not the same number.
    let same = digits == written
        || (international && written.len() == digits.len() + 1 && {
            let cc = parsed.code().value().to_string();
            written.starts_with(&format!("{cc}0")) && written[cc.len() + 1..] == digits[cc.len()..]
        });
    if !same {
        return Err(NotAPhoneNumber(
            "it cannot be shown and dialled as the same digits",
        ));
    }
    Ok((shown, digits))
}

/// "0808 802 0300 (press 2)" → ("0808 802 0300", Some("press 2")): a bracketed remark with
/// letters at the end is a dialling note, not part of the number.
fn split_note(text: &str) -> (&str, Option<String>) {
    if let Some(open) = text.rfind('(') {
        let inner = &text[open + 1..];
        if let Some(inner) = inner.strip_suffix(')') {
            if inner.chars().any(char::is_alphabetic) {
                return (text[..open].trim_end(), Some(inner.trim().to_string()));
            }
        }
    }
    (text, None)
}

/// "020 7946 0000 ext. 214", "… x214", "… extension 214" → the number and the extension.
fn split_extension(text: &str) -> (&str, Option<String>) {
    let lower = text.to_ascii_lowercase();
    for marker in ["extension", "ext.", "ext", "x"] {
        if let Some(at) = lower.rfind(marker) {
            let after = text[at + marker.len()..].trim_start_matches([' ', ':', '.']);
            let before = text[..at].trim_end_matches([' ', ',']);
            if !after.is_empty()
                && after.chars().all(|c| c.is_ascii_digit())
                && before.chars().any(|c| c.is_ascii_digit())
            {
                return (before, Some(after.to_string()));
            }
        }
    }
    (text, None)
}

fn split_relay(text: &str) -> (Option<&'static str>, &str) {
    for prefix in RELAY_PREFIXES {
        if let Some(rest) = text.strip_prefix(prefix) {
            if rest.starts_with(' ') && rest.trim().chars().any(|c| c.is_ascii_digit()) {
                return (Some(prefix), rest.trim());
            }
        }
    }
    (None, text)
}

fn collapse_separators(text: &str) -> String {
    text.split(|c: char| !c.is_ascii_digit())
        .filter(|g| !g.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {

    #[test]
    fn numbers_written_in_text_are_found_however_they_are_written() {
        let keys =
            |t: &str| -> Vec<String> { numbers_in_text(t).iter().map(PhoneNumber::key).collect() };
        assert_eq!(
            keys("Call 020 7946 0666 now, or (0808) 2000 247; text +44 7911 123456."),
            ["02079460666", "08082000247", "07911123456"]
        );
        // Digits after the number, a second number joined by a dash, other separators,
        // short freephone numbers and the international prefix written 00.
        assert_eq!(keys("0808 2000 247 (24 hours)"), ["08082000247"]);
        assert_eq!(keys("020 7946 0666 - 24/7"), ["02079460666"]);
        assert_eq!(
            keys("0800 111 1111 - 0800 222 2222"),
            ["08001111111", "08002222222"]
        );
        assert_eq!(keys("020\u{a0}7946\u{2013}0666"), ["02079460666"]);
        assert_eq!(keys("Childline 0800 1111"), ["08001111"]);
        assert_eq!(keys("0044 20 7946 0666"), ["02079460666"]);
        // The same line, written three ways, is one key.
        assert_eq!(keys("+44 808 2000 247"), keys("0808 2000 247"));
        assert_eq!(keys("18001 0808 2000 247 via Relay UK"), ["08082000247"]);
        // Dates, short codes, ids and numbers inside words are not phone numbers.
        assert!(keys("Reviewed 2026-12-07; call 999 or 101; ref ABC02079460666").is_empty());
        assert!(keys("id 0000000000000").is_empty(), "not a number in use");
    }
    use super::*;

    fn parse(n: &str) -> PhoneNumber {
        PhoneNumber::parse(n, None).unwrap_or_else(|e| panic!("{n}: {e}"))
    }

    #[test]
    fn feed_numbers_are_shown_in_uk_layout_and_dialled_as_shown() {
        let p = parse("(020) 8825 7524");
        assert_eq!(p.text(), "020 8825 7524");
        assert_eq!(p.tel_uri(), "tel:02088257524");
        assert_eq!(parse("020.7946.0000").tel_uri(), "tel:02079460000");
        assert_eq!(parse("0207946 (0000)").tel_uri(), "tel:02079460000");
        // The publisher's grouping stays; a run of digits gets the UK layout.
        assert_eq!(parse("0808 2000 247").shown, "0808 2000 247");
        assert_eq!(parse("020-8551 8178").shown, "020 8551 8178");
        assert_eq!(parse("07717989025").shown, "07717 989025");
        let p = parse("0808 802 0300 (press 2)");
        assert_eq!(
            (p.shown.as_str(), p.note.as_deref()),
            ("0808 802 0300", Some("press 2"))
        );
        assert_eq!(p.tel_uri(), "tel:08088020300");
        let p = parse("+44 300 123 2040");
        assert_eq!(
            (p.shown.as_str(), p.tel_uri().as_str()),
            ("+44 300 123 2040", "tel:+443001232040")
        );
        assert_eq!(parse("+44 (0)20 7946 0000").tel_uri(), "tel:+442079460000");
    }

    #[test]
    fn short_codes_relay_and_extensions() {
        assert_eq!(parse("999").tel_uri(), "tel:999");
        assert_eq!(parse("116 123").text(), "116 123");
        assert_eq!(parse("18001 101").tel_uri(), "tel:18001101");
        let p = parse("18001 020 7268 0200");
        assert_eq!(
            (p.shown.as_str(), p.tel_uri().as_str()),
            ("18001 020 7268 0200", "tel:1800102072680200")
        );
        let p = PhoneNumber::parse("020 7946 0000", Some("214")).unwrap();
        assert_eq!(
            (p.text().as_str(), p.tel_uri().as_str()),
            ("020 7946 0000 ext. 214", "tel:02079460000;ext=214")
        );
        assert_eq!(
            parse("020 7946 0000 x 31").tel_uri(),
            "tel:02079460000;ext=31"
        );
    }

    #[test]
    fn text_that_is_not_one_number_is_refused() {
        for bad in [
            "",
            "12",
            "javascript:alert(1)",
            "020 7946 0000 or 020 7946 0001",
            "0208 123",
            "phone the office",
            "020\u{202E}7946 0000",
            "1234567890123456789",
        ] {
            assert!(
                PhoneNumber::parse(bad, None).is_err(),
                "{bad:?} was accepted"
            );
        }
        assert!(PhoneNumber::parse("020 7946 0000", Some("ext 5; rm -rf")).is_err());
    }

    #[test]
    fn only_links_this_module_makes_are_tel_links() {
        assert!(is_tel_uri("tel:02079460000"));
        assert!(is_tel_uri("tel:+443001232040"));
        assert!(is_tel_uri("tel:02079460000;ext=214"));
        assert!(!is_tel_uri("tel:020 7946"));
        assert!(!is_tel_uri("tel:02079460000;phone-context=evil"));
        assert!(!is_tel_uri("sms:02079460000"));
    }
}
