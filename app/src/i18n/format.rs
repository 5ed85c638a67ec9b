//! Locale-aware formatting of money and of the shop's clock.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Timelike, Utc, Weekday};

use super::Locale;

/// The time of day at the shop (Europe/Paris: UTC+1, UTC+2 in summer
/// time, which the EU starts on the last Sunday of March and ends on the
/// last Sunday of October, at 01:00 UTC): "20 h 14" in French, "20:14" in
/// English.
pub fn shop_time(at: DateTime<Utc>, locale: Locale) -> String {
    let local = at + paris_offset(at);
    match locale {
        Locale::Fr => format!("{} h {:02}", local.hour(), local.minute()),
        Locale::En => format!("{}:{:02}", local.hour(), local.minute()),
    }
}

/// The date and time at the shop, "2026-12-05 20:14" (for exports).
pub fn shop_date_time(at: DateTime<Utc>) -> String {
    (at + paris_offset(at)).format("%Y-%m-%d %H:%M").to_string()
}

/// [`shop_date_time`] of an RFC 3339 time as server functions send them;
/// the text as it is when it is not one.
pub fn shop_date_time_of(rfc3339: &str) -> String {
    DateTime::parse_from_rfc3339(rfc3339)
        .map(|at| shop_date_time(at.to_utc()))
        .unwrap_or_else(|_| rfc3339.to_owned())
}

/// Today's date at the shop.
pub fn shop_today() -> NaiveDate {
    let now = Utc::now();
    (now + paris_offset(now)).date_naive()
}

/// The instant `day` starts at the shop (the clocks never change at
/// midnight in Paris, so the offset read at midnight UTC is the day's).
pub fn shop_midnight(day: NaiveDate) -> DateTime<Utc> {
    let midnight = Utc.from_utc_datetime(&day.and_time(chrono::NaiveTime::MIN));
    midnight - paris_offset(midnight)
}

fn paris_offset(at: DateTime<Utc>) -> Duration {
    let year = at.year();
    let switch = |month: u32| {
        // The last Sunday of the month, at 01:00 UTC.
        let last = (24..=31)
            .rev()
            .filter_map(|day| NaiveDate::from_ymd_opt(year, month, day))
            .find(|date| date.weekday() == Weekday::Sun);
        last.and_then(|date| date.and_hms_opt(1, 0, 0))
            .map(|time| Utc.from_utc_datetime(&time))
    };
    match (switch(3), switch(10)) {
        (Some(start), Some(end)) if at >= start && at < end => Duration::hours(2),
        _ => Duration::hours(1),
    }
}

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
    fn a_shop_day_starts_at_midnight_in_paris() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("a day");
        let utc = |y, m, d, h| Utc.with_ymd_and_hms(y, m, d, h, 0, 0).single().expect("a time");
        assert_eq!(shop_midnight(day(2026, 12, 1)), utc(2026, 11, 30, 23));
        assert_eq!(shop_midnight(day(2026, 7, 1)), utc(2026, 6, 30, 22));
    }

    #[test]
    fn the_shop_clock_is_paris_time_summer_and_winter() {
        let utc = |y, m, d, h, min| Utc.with_ymd_and_hms(y, m, d, h, min, 0).single().expect("a time");
        assert_eq!(shop_time(utc(2026, 12, 5, 19, 14), Locale::Fr), "20 h 14");
        assert_eq!(shop_time(utc(2026, 7, 1, 19, 14), Locale::En), "21:14");
        // 2026: summer time from 29 March 01:00 UTC to 25 October 01:00 UTC.
        assert_eq!(shop_time(utc(2026, 3, 29, 0, 59), Locale::En), "1:59");
        assert_eq!(shop_time(utc(2026, 3, 29, 1, 0), Locale::En), "3:00");
        assert_eq!(shop_time(utc(2026, 10, 25, 0, 59), Locale::En), "2:59");
        assert_eq!(shop_time(utc(2026, 10, 25, 1, 0), Locale::En), "2:00");
    }

    #[test]
    fn english_prices_use_leading_euro_and_commas() {
        assert_eq!(format_price(49_999, Locale::En), "€499.99");
        assert_eq!(format_price(123_456_700, Locale::En), "€1,234,567.00");
        assert_eq!(format_price(-250, Locale::En), "-€2.50");
    }
}
