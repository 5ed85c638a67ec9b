//! Building the shop's GET URLs, where every listing state lives.

/// Percent-encodes a query-string value.
pub fn encode(value: &str) -> String {
    let mut encoded = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => encoded.push(byte as char),
            b' ' => encoded.push('+'),
            _ => encoded.push_str(&format!("%{byte:02X}")),
        }
    }
    encoded
}

/// `path?k=v&…`, leaving out empty values.
pub fn with_query(path: &str, params: &[(&str, String)]) -> String {
    let query: Vec<String> = params
        .iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(key, value)| format!("{key}={}", encode(value)))
        .collect();
    if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", query.join("&"))
    }
}

/// Whether `here` (a path and query) is the page `href` names.
pub fn is_current(here: &str, href: &str) -> bool {
    here.split(['?', '#']).next() == Some(href)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_encoded_and_empty_ones_dropped() {
        assert_eq!(encode("télé 4K&co"), "t%C3%A9l%C3%A9+4K%26co");
        assert_eq!(
            with_query(
                "/search",
                &[
                    ("q", "ps5".into()),
                    ("category", String::new()),
                    ("page", "2".into())
                ]
            ),
            "/search?q=ps5&page=2"
        );
        assert_eq!(with_query("/", &[("sort", String::new())]), "/");
    }
}
