//! The countries an address may be in, by ISO 3166 code, named in both
//! languages. A leaf: addresses (checkout, mails, invoices) and delivery
//! methods all read them.

use serde::{Deserialize, Serialize};

use crate::error::{AppError, Rule};
use crate::i18n::Locale;

/// A country the shop delivers to, by its ISO 3166 code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Country {
    France,
    Monaco,
    Belgium,
    Luxembourg,
    Switzerland,
    Germany,
    Spain,
    Italy,
    Netherlands,
}

impl Country {
    pub const ALL: [Country; 9] = [
        Country::France,
        Country::Monaco,
        Country::Belgium,
        Country::Luxembourg,
        Country::Switzerland,
        Country::Germany,
        Country::Spain,
        Country::Italy,
        Country::Netherlands,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Country::France => "FR",
            Country::Monaco => "MC",
            Country::Belgium => "BE",
            Country::Luxembourg => "LU",
            Country::Switzerland => "CH",
            Country::Germany => "DE",
            Country::Spain => "ES",
            Country::Italy => "IT",
            Country::Netherlands => "NL",
        }
    }

    pub fn name(self, locale: Locale) -> &'static str {
        let (fr, en) = match self {
            Country::France => ("France", "France"),
            Country::Monaco => ("Monaco", "Monaco"),
            Country::Belgium => ("Belgique", "Belgium"),
            Country::Luxembourg => ("Luxembourg", "Luxembourg"),
            Country::Switzerland => ("Suisse", "Switzerland"),
            Country::Germany => ("Allemagne", "Germany"),
            Country::Spain => ("Espagne", "Spain"),
            Country::Italy => ("Italie", "Italy"),
            Country::Netherlands => ("Pays-Bas", "Netherlands"),
        };
        match locale {
            Locale::Fr => fr,
            Locale::En => en,
        }
    }

    /// A country by its code or its name in either language, whatever the
    /// case and surrounding spaces ("fr", "France", " belgique ").
    pub fn parse(raw: &str) -> Option<Self> {
        let raw = raw.trim();
        Self::ALL.into_iter().find(|country| {
            raw.eq_ignore_ascii_case(country.code())
                || Locale::ALL
                    .into_iter()
                    .any(|locale| raw.to_lowercase() == country.name(locale).to_lowercase())
        })
    }

    /// A country read from the database or a form, refused unless known.
    pub fn parse_field(field: &str, raw: &str) -> Result<Self, AppError> {
        Self::parse(raw).ok_or_else(|| AppError::validation(field, Rule::UnknownChoice))
    }
}
