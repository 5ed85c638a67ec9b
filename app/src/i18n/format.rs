//! Locale-aware formatting of money.

use super::Locale;

/// Formats integer euro cents the way each locale writes prices:
/// `1 299,99 €` in French (narrow no-break space between thousands, no-break
/// space before the sign), `€1,299.99` in English.
pub fn format_price(cents: i64, locale: Locale) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let cents = cents.unsigned_abs();
    let (euros, rest) = (cents / 100, cents % 100);
    match locale {
        Locale::Fr => format!("{sign}{},{rest:02}\u{a0}€", group_thousands(euros, '\u{202f}')),
        Locale::En => format!("{sign}€{}.{rest:02}", group_thousands(euros, ',')),
    }
}

fn group_thousands(value: u64, separator: char) -> String {
    let digits = value.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(separator);
        }
        grouped.push(digit);
    }
    grouped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_prices_use_comma_and_trailing_euro() {
        assert_eq!(format_price(49_999, Locale::Fr), "499,99\u{a0}€");
        assert_eq!(format_price(5, Locale::Fr), "0,05\u{a0}€");
        assert_eq!(format_price(129_999, Locale::Fr), "1\u{202f}299,99\u{a0}€");
    }

    #[test]
    fn english_prices_use_leading_euro_and_commas() {
        assert_eq!(format_price(49_999, Locale::En), "€499.99");
        assert_eq!(format_price(123_456_700, Locale::En), "€1,234,567.00");
        assert_eq!(format_price(-250, Locale::En), "-€2.50");
    }
}
