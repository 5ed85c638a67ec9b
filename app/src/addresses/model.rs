//! An address: where an order goes, as the checkout form and the address
//! book read it, and an address kept in the book.

use serde::{Deserialize, Serialize};

use crate::country::Country;
use crate::error::{AppError, Format, Rule};
use crate::i18n::Locale;

/// Where an order goes; every part is required and bounded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShippingAddress {
    pub name: String,
    pub street: String,
    pub postcode: String,
    pub city: String,
    pub country: String,
}

impl ShippingAddress {
    pub fn parse(
        name: &str,
        street: &str,
        postcode: &str,
        city: &str,
        country: &str,
    ) -> Result<Self, AppError> {
        let text = |field: &str, value: &str, max: usize| {
            let value = value.trim();
            let count = value.chars().count();
            if count == 0 || count > max || value.chars().any(char::is_control) {
                Err(AppError::validation(
                    field,
                    Rule::Length {
                        min: 1,
                        max: max as u32,
                    },
                ))
            } else {
                Ok(value.to_owned())
            }
        };
        let postcode = text("ship_postcode", postcode, 12)?;
        if !postcode
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-')
        {
            return Err(AppError::validation(
                "ship_postcode",
                Rule::Format(Format::Postcode),
            ));
        }
        Ok(Self {
            name: text("ship_name", name, 100)?,
            street: text("ship_street", street, 200)?,
            postcode,
            city: text("ship_city", city, 100)?,
            country: Country::parse_field("ship_country", country)?.code().to_owned(),
        })
    }

    /// The country's name in `locale` (an order from before countries were
    /// codes shows what was typed).
    pub fn country_name(&self, locale: Locale) -> &str {
        Country::parse(&self.country).map_or(self.country.as_str(), |country| country.name(locale))
    }
}

/// An address in a customer's book.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedAddress {
    pub id: i64,
    pub address: ShippingAddress,
    /// The one the checkout picks first.
    pub is_default: bool,
}

/// The most addresses a book holds.
pub const MAX_ADDRESSES: i64 = 20;

/// The saved address a checkout form picked: `None` for "another address"
/// (blank), else its number.
pub fn parse_saved_choice(raw: Option<&str>) -> Result<Option<i64>, AppError> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(raw) => raw
            .parse::<i64>()
            .map(Some)
            .map_err(|_| AppError::validation("saved_address", Rule::UnknownChoice)),
    }
}

/// Whether a checkbox was ticked (`on`, as browsers send it).
pub fn ticked(raw: Option<&str>) -> bool {
    raw.is_some_and(|raw| !raw.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_trimmed_bounded_and_its_country_a_code() {
        let address = ShippingAddress::parse(" Ada ", "1 rue", "75001", "Paris", "France").expect("valid");
        assert_eq!((address.name.as_str(), address.country.as_str()), ("Ada", "FR"));
        assert!(ShippingAddress::parse("", "1 rue", "75001", "Paris", "FR").is_err());
        assert!(ShippingAddress::parse("Ada", "1 rue", "75<b>", "Paris", "FR").is_err());
        assert!(ShippingAddress::parse("Ada", "1 rue\n2", "75001", "Paris", "FR").is_err());
        assert!(ShippingAddress::parse("Ada", "1 rue", "75001", "Paris", "Atlantis").is_err());
    }

    #[test]
    fn the_saved_choice_is_blank_or_a_number() {
        assert_eq!(parse_saved_choice(None), Ok(None));
        assert_eq!(parse_saved_choice(Some(" ")), Ok(None));
        assert_eq!(parse_saved_choice(Some("12")), Ok(Some(12)));
        assert!(parse_saved_choice(Some("12; DROP")).is_err());
        assert!(ticked(Some("on")) && !ticked(None) && !ticked(Some("")));
    }
}
