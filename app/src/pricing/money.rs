//! Euros as an operator types them and as a form shows them back.

/// "12,90", "12.90", "12" or "1 299,00 €" euros as cents; `None` for
/// anything else (negative, more than two decimals, over 9 999 999 €).
pub fn parse_euros(raw: &str) -> Option<i64> {
    let cleaned: String = raw
        .trim()
        .trim_end_matches('€')
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}' && *c != '\u{202f}')
        .collect();
    let (euros, cents) = cleaned.split_once([',', '.']).unwrap_or((cleaned.as_str(), "0"));
    let digits = |text: &str| !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    if !digits(euros) || euros.len() > 7 || !digits(cents) || cents.len() > 2 {
        return None;
    }
    let euros: i64 = euros.parse().ok()?;
    let cents: i64 = format!("{cents:0<2}").parse().ok()?;
    Some(euros * 100 + cents)
}

/// Cents as a form field shows them back: "12,90", "12" for whole euros.
pub fn euros_input(cents: i64) -> String {
    if cents % 100 == 0 {
        (cents / 100).to_string()
    } else {
        format!("{},{:02}", cents / 100, cents % 100)
    }
}
