//! Web addresses and email addresses, checked in one place for both the feed reader (what
//! a record may keep) and the link builder (what may be followed: `mailto:` from a plain
//! address, web links only over https). Phone numbers have their own module,
//! [`crate::phone`], which the reader, the display and `tel:` links share the same way.
//! Feed text is never trusted to be a safe link; anything else is shown as plain text.

use serde::Serialize;

/// A value to show and, when it is safe to follow, the link for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Link {
    /// The value as the feed gave it, shown as text.
    pub text: String,
    /// `https://…`, `tel:…` or `mailto:…`; `None` when the value is shown as text only.
    pub href: Option<String>,
}

impl Link {
    /// A website: a link only over https.
    pub fn web(url: &str) -> Link {
        Link {
            text: url.to_string(),
            href: https_url(url),
        }
    }

    /// An email address: a `mailto:` link only for a plain address.
    pub fn email(address: &str) -> Link {
        Link {
            text: address.to_string(),
            href: mailto_uri(address),
        }
    }
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
    let clean = |c: char| {
        !c.is_whitespace() && !c.is_control() && !is_invisible(c) && !"\"'<>\\`".contains(c)
    };
    (!host.is_empty() && !host.contains('@') && u.chars().all(clean)).then(|| u.to_string())
}

/// What the feed reader keeps as a service's website: an http or https address with a
/// dotted host and nothing that could break out of an attribute. Kept is not followed:
/// only [`https_url`] makes a link of it.
pub fn is_web_address(u: &str) -> bool {
    let lower = u.trim().to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    rest.is_some_and(|r| {
        let host = r.split(['/', '?', '#']).next().unwrap_or("");
        host.contains('.')
            && !host.contains(char::is_whitespace)
            && !u.contains(['<', '>', '"'])
            && !u.chars().any(is_invisible)
    })
}

/// What the feed reader keeps as a service's email address: one `@`, a dotted domain, no
/// spaces or separators. Kept is not linked: only [`mailto_uri`] makes a link of it.
pub fn is_email_address(e: &str) -> bool {
    let e = e.trim();
    match e.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !e.contains(|c: char| {
                    c.is_whitespace() || matches!(c, '<' | '>' | '"' | ',' | ';' | ':')
                })
                && !domain.contains('@')
        }
        None => false,
    }
}

/// Characters that change how text is displayed without being seen: bidirectional
/// overrides (U+202E makes "moc.live" read as "evil.com"), zero-width characters and the
/// byte-order mark. No honest link contains one.
pub fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}' | '\u{061C}' | '\u{00AD}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reader_keeps_web_addresses_and_emails_that_look_like_them() {
        assert!(is_web_address("https://www.refuge.org.uk/"));
        assert!(!is_web_address("javascript:alert(1)"));
        assert!(!is_web_address("ftp://example.org"));
        assert!(!is_web_address("https://exa mple.org"));
        assert!(is_email_address("help@example.org.uk"));
        assert!(!is_email_address("not an email"));
        assert!(!is_email_address("a@b"));
        assert!(!is_email_address("javascript:alert(1)@x.org"));
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
        assert_eq!(https_url("https://good.org/\u{202E}moc.live"), None);
        assert_eq!(https_url("https://go\u{200B}od.org/"), None);
        assert_eq!(Link::web("http://a.org").href, None);
    }
}
