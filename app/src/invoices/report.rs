//! The accountant's sales report: per month (at the shop's clock) and VAT
//! rate, HT, VAT, TTC, delivery and discounts, from the numbered invoices
//! less the credit notes; as a table, a chart and a CSV file.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::{AppError, Format, Rule};

/// One month's sales at one rate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SalesRow {
    /// "2026-12".
    pub month: String,
    pub vat_rate_bp: i32,
    pub excl_cents: i64,
    pub vat_cents: i64,
    pub incl_cents: i64,
    /// Of the TTC, what delivery was.
    pub delivery_cents: i64,
    /// What promo codes took off (TTC), not in the TTC.
    pub discount_cents: i64,
    /// Invoices and credit notes with an amount at this rate.
    pub invoices: i64,
    pub credit_notes: i64,
}

/// A month's total over its rates.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthTotal {
    pub month: String,
    pub excl_cents: i64,
    pub vat_cents: i64,
    pub incl_cents: i64,
    pub delivery_cents: i64,
    pub discount_cents: i64,
}

/// The report over `[from, to]`, months included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SalesReport {
    pub from: String,
    pub to: String,
    pub rows: Vec<SalesRow>,
    /// Every month of the range, with nothing sold or not (the chart's).
    pub months: Vec<MonthTotal>,
}

/// A month as the report's form gives it, "2026-12".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Month {
    pub year: i32,
    pub month: u32,
}

/// The longest range a report covers.
pub const MAX_MONTHS: usize = 36;

impl Month {
    pub fn parse(field: &str, raw: &str) -> Result<Self, AppError> {
        let refuse = || AppError::validation(field, Rule::Format(Format::Month));
        let (year, month) = raw.trim().split_once('-').ok_or_else(refuse)?;
        if year.len() != 4 || month.len() != 2 {
            return Err(refuse());
        }
        let year: i32 = year.parse().map_err(|_| refuse())?;
        let month: u32 = month.parse().map_err(|_| refuse())?;
        if !(2000..=2999).contains(&year) || !(1..=12).contains(&month) {
            return Err(refuse());
        }
        Ok(Self { year, month })
    }

    pub fn of(date: NaiveDate) -> Self {
        Self {
            year: date.year(),
            month: date.month(),
        }
    }

    pub fn next(self) -> Self {
        if self.month == 12 {
            Self {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Self {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    /// Twelve months before, the default start of a report.
    pub fn year_before(self) -> Self {
        let mut month = Self {
            year: self.year - 1,
            month: self.month,
        };
        month = month.next();
        month
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or_default()
    }

    /// The months from `self` to `last`, both included (empty if `last` is
    /// before).
    pub fn through(self, last: Month) -> Vec<Month> {
        let mut months = Vec::new();
        let mut month = self;
        while month <= last && months.len() <= MAX_MONTHS {
            months.push(month);
            month = month.next();
        }
        months
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// Checks a report's range: `from` not after `to`, at most [`MAX_MONTHS`].
pub fn check_range(from: Month, to: Month) -> Result<Vec<Month>, AppError> {
    let months = from.through(to);
    if months.is_empty() {
        return Err(AppError::validation("to", Rule::Format(Format::MonthRange)));
    }
    if months.len() > MAX_MONTHS {
        return Err(AppError::validation("from", Rule::Format(Format::MonthRange)));
    }
    Ok(months)
}

/// Every month of `months`, its rows summed (zero when nothing sold).
pub fn month_totals(months: &[Month], rows: &[SalesRow]) -> Vec<MonthTotal> {
    months
        .iter()
        .map(|month| {
            let name = month.to_string();
            rows.iter().filter(|row| row.month == name).fold(
                MonthTotal {
                    month: name.clone(),
                    ..MonthTotal::default()
                },
                |mut total, row| {
                    total.excl_cents += row.excl_cents;
                    total.vat_cents += row.vat_cents;
                    total.incl_cents += row.incl_cents;
                    total.delivery_cents += row.delivery_cents;
                    total.discount_cents += row.discount_cents;
                    total
                },
            )
        })
        .collect()
}

/// "12.34" from 1 234 cents: what a spreadsheet reads as a number.
#[cfg(any(feature = "ssr", test))]
fn decimal(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let cents = cents.unsigned_abs();
    format!("{sign}{}.{:02}", cents / 100, cents % 100)
}

/// The report as CSV: one row per month and rate, amounts in euros with a
/// point, the rate in percent.
#[cfg(feature = "ssr")]
pub fn csv(report: &SalesReport) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record([
        "month",
        "vat_rate_percent",
        "excl_vat_eur",
        "vat_eur",
        "incl_vat_eur",
        "delivery_incl_vat_eur",
        "discounts_incl_vat_eur",
        "invoices",
        "credit_notes",
    ])?;
    for row in &report.rows {
        writer.write_record([
            row.month.clone(),
            decimal(i64::from(row.vat_rate_bp)),
            decimal(row.excl_cents),
            decimal(row.vat_cents),
            decimal(row.incl_cents),
            decimal(row.delivery_cents),
            decimal(row.discount_cents),
            row.invoices.to_string(),
            row.credit_notes.to_string(),
        ])?;
    }
    writer.into_inner().map_err(|error| error.into_error().into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_read_strictly() {
        assert_eq!(
            Month::parse("from", "2026-12"),
            Ok(Month {
                year: 2026,
                month: 12
            })
        );
        for bad in [
            "2026-13", "2026-1", "26-01", "2026/01", "", "<b>", "2026-00", "x026-01",
        ] {
            assert!(Month::parse("from", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_range_lists_its_months_and_is_bounded() {
        let dec = Month {
            year: 2026,
            month: 12,
        };
        assert_eq!(dec.next(), Month { year: 2027, month: 1 });
        assert_eq!(dec.year_before(), Month { year: 2026, month: 1 });
        let months = check_range(
            Month {
                year: 2026,
                month: 11,
            },
            Month { year: 2027, month: 2 },
        )
        .expect("range");
        let names: Vec<String> = months.iter().map(Month::to_string).collect();
        assert_eq!(names, ["2026-11", "2026-12", "2027-01", "2027-02"]);
        assert!(
            check_range(
                dec,
                Month {
                    year: 2026,
                    month: 11
                }
            )
            .is_err(),
            "backwards"
        );
        assert!(
            check_range(Month { year: 2020, month: 1 }, dec).is_err(),
            "too long"
        );
        assert_eq!(check_range(dec, dec).map(|months| months.len()), Ok(1));
    }

    #[test]
    fn month_totals_sum_the_rates_and_keep_empty_months() {
        let row = |month: &str, rate, incl| SalesRow {
            month: month.into(),
            vat_rate_bp: rate,
            excl_cents: incl - incl / 6,
            vat_cents: incl / 6,
            incl_cents: incl,
            delivery_cents: 100,
            discount_cents: 50,
            invoices: 1,
            credit_notes: 0,
        };
        let rows = [
            row("2026-11", 2000, 1200),
            row("2026-11", 550, 600),
            row("2027-01", 2000, 600),
        ];
        let months = check_range(
            Month {
                year: 2026,
                month: 11,
            },
            Month { year: 2027, month: 1 },
        )
        .expect("range");
        let totals = month_totals(&months, &rows);
        assert_eq!(totals.len(), 3);
        assert_eq!((totals[0].incl_cents, totals[0].delivery_cents), (1800, 200));
        assert_eq!(
            totals[1],
            MonthTotal {
                month: "2026-12".into(),
                ..MonthTotal::default()
            }
        );
        assert_eq!(totals[2].incl_cents, 600);
        assert_eq!(decimal(-1234), "-12.34");
        assert_eq!(decimal(5), "0.05");
    }
}
