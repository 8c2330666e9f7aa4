//! What reaches the terminal: text from a feed or an API (an id, a name, a taxonomy term)
//! could carry escape codes that clear the screen, move the cursor or recolour, and so
//! print a forged "Checked: 0 records set aside." over what Signpost wrote. Every line the
//! command line prints goes through [`safe`] (see `println!` in `main.rs`).

use std::borrow::Cow;

/// `text` with every control character but newline and tab — C0, DEL, C1 — and every
/// bidirectional override written out as a visible escape (`\u001B`, `\u202E`), so the
/// terminal shows it instead of obeying it. The escape is JSON's own, so `--json` output
/// stays valid JSON that reads back to the same text.
pub fn safe(text: &str) -> Cow<'_, str> {
    if !text.chars().any(obeyed) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            c if !obeyed(c) => out.push(c),
            c => out.push_str(&format!("\\u{:04X}", c as u32)),
        }
    }
    Cow::Owned(out)
}

/// A value printed on one line of a list (an id, a name, a term from a feed) with its own
/// line breaks shown as `\u000A`: a name holding "\nChecked: 0 records set aside." must
/// not print a line of its own. Control characters are escaped by [`safe`] as it prints.
pub fn one_line(value: &str) -> Cow<'_, str> {
    if value.contains('\n') {
        Cow::Owned(value.replace('\n', "\\u000A"))
    } else {
        Cow::Borrowed(value)
    }
}

/// A character a terminal acts on rather than shows.
fn obeyed(c: char) -> bool {
    match c {
        '\n' | '\t' => false,
        c if c.is_control() => true, // C0, DEL and C1
        // Embeddings, overrides and isolates that reorder what is shown ("Trojan Source"),
        // and the marks that steer them.
        '\u{200E}'
        | '\u{200F}'
        | '\u{061C}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2066}'..='\u{2069}' => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::safe;

    #[test]
    fn escape_codes_and_overrides_are_shown_not_obeyed() {
        assert_eq!(safe("plain · text\n\tok"), "plain · text\n\tok");
        assert_eq!(
            safe("id\u{1b}[2J\rChecked: 0"),
            "id\\u001B[2J\\u000DChecked: 0"
        );
        assert_eq!(safe("a\u{7f}b\u{9b}c"), "a\\u007Fb\\u009Bc");
        assert_eq!(safe("evil\u{202e}txt.exe"), "evil\\u202Etxt.exe");
        // In JSON output, the escape reads back as the same text.
        let json = serde_json::to_string(&"a\u{9b}b\u{202e}").unwrap();
        let back: String = serde_json::from_str(&safe(&json)).unwrap();
        assert_eq!(back, "a\u{9b}b\u{202e}");
        assert_eq!(safe("Café Ñ 日本"), "Café Ñ 日本");
        assert_eq!(super::one_line("a\nChecked: 0"), "a\\u000AChecked: 0");
        // Nothing left that a terminal would act on.
        let all: String = (0u32..0x3000).filter_map(char::from_u32).collect();
        assert!(!safe(&all).chars().any(super::obeyed));
    }
}
