//! Links built from feed values, only when the value is well formed: `tel:` from a phone
//! number, `mailto:` from an email address, and web links only over https. Feed text is
//! never trusted to be a safe link; anything else is shown as plain text.

use serde::Serialize;

/// A value to show and, when it is safe to follow, the link for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Link {
    pub text: String,
    /// `https://…`, `tel:…` or `mailto:…`; `None` when the value is shown as text only.
    pub href: Option<String>,
}

impl Link {
    pub fn web(url: &str) -> Link {
        Link {
            text: url.to_string(),
            href: https_url(url),
        }
    }

    pub fn email(address: &str) -> Link {
        Link {
            text: address.to_string(),
            href: mailto_uri(address),
        }
    }
}

/// `tel:` for the number at the start of `number` ("0808 802 0300 (press 2)" dials
/// 08088020300). `None` unless it is 3 to 15 digits, with at most a leading `+`.
pub fn tel_uri(number: &str) -> Option<String> {
    let mut out = String::new();
    for (i, c) in number.trim().chars().enumerate() {
        match c {
            '+' if i == 0 => out.push('+'),
            '0'..='9' => out.push(c),
            ' ' | '-' => {}
            _ => break,
        }
    }
    let digits = out.trim_start_matches('+').len();
    (3..=15).contains(&digits).then(|| format!("tel:{out}"))
}

/// `mailto:` for a plain address (one `@`, a dotted domain, nothing that could add headers
/// or a second recipient).
pub fn mailto_uri(address: &str) -> Option<String> {
    let a = address.trim();
    let (local, domain) = a.split_once('@')?;
    let ok_char = |c: char| c.is_ascii_alphanumeric() || "._+-".contains(c);
    let valid = !local.is_empty()
        && local.chars().all(ok_char)
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && domain
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    valid.then(|| format!("mailto:{a}"))
}

/// The URL itself when it is an https URL with a host and nothing that could break out of
/// an attribute or smuggle a second scheme; `None` otherwise (http, javascript:, data:…).
pub fn https_url(url: &str) -> Option<String> {
    let u = url.trim();
    let rest = u
        .get(..8)
        .filter(|s| s.eq_ignore_ascii_case("https://"))
        .map(|_| &u[8..])?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let clean = |c: char| !c.is_whitespace() && !c.is_control() && !"\"'<>\\`".contains(c);
    (!host.is_empty() && !host.contains('@') && u.chars().all(clean)).then(|| u.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_become_tel_links_only_when_dialable() {
        assert_eq!(tel_uri("0808 2000 247").as_deref(), Some("tel:08082000247"));
        assert_eq!(
            tel_uri("0808 802 0300 (press 2)").as_deref(),
            Some("tel:08088020300")
        );
        assert_eq!(
            tel_uri("+44 300 123 2040").as_deref(),
            Some("tel:+443001232040")
        );
        assert_eq!(tel_uri("999").as_deref(), Some("tel:999"));
        assert_eq!(tel_uri("javascript:alert(1)"), None);
        assert_eq!(tel_uri("12"), None);
        assert_eq!(tel_uri(""), None);
    }

    #[test]
    fn only_plain_addresses_get_mailto() {
        assert_eq!(
            mailto_uri("report@phishing.gov.uk").as_deref(),
            Some("mailto:report@phishing.gov.uk")
        );
        assert_eq!(mailto_uri("a@b.com?bcc=x@y.com"), None);
        assert_eq!(mailto_uri("a b@c.com"), None);
        assert_eq!(mailto_uri("javascript:alert(1)//@x.com"), None);
        assert_eq!(mailto_uri("nobody"), None);
    }

    #[test]
    fn only_https_urls_are_links() {
        assert_eq!(
            https_url("https://www.met.police.uk/").as_deref(),
            Some("https://www.met.police.uk/")
        );
        assert_eq!(https_url("http://www.refuge.org.uk/"), None);
        assert_eq!(https_url("javascript:alert(1)"), None);
        assert_eq!(https_url("https://x.org/\"onmouseover=alert(1)"), None);
        assert_eq!(https_url("https://evil.com@good.org"), None);
        assert_eq!(https_url("https:///path"), None);
        assert_eq!(Link::web("http://a.org").href, None);
    }
}
