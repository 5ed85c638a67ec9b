//! Card details as typed by the shopper, checked the way a payment
//! provider's form does: never stored, only the brand and last four digits
//! are kept on an order.

use serde::{Deserialize, Serialize};

use crate::error::{AppError, CardRefusal, Format, Rule};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CardBrand {
    Visa,
    Mastercard,
    Amex,
    Other,
}

impl CardBrand {
    /// The name kept on an order (`orders.card_brand`) and shown on it:
    /// stored orders hold these words, so they do not change.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Visa => "Visa",
            Self::Mastercard => "Mastercard",
            Self::Amex => "Amex",
            Self::Other => "Other",
        }
    }
}

/// A card number that passes the Luhn checksum.
#[derive(Clone, PartialEq, Eq)]
pub struct CardNumber(String);

impl CardNumber {
    pub fn parse(raw: &str) -> Result<Self, AppError> {
        let digits: String = raw.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        let invalid = || AppError::validation("card_number", Rule::Card(CardRefusal::InvalidNumber));
        if !(12..=19).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid());
        }
        if !luhn_valid(&digits) {
            return Err(invalid());
        }
        Ok(Self(digits))
    }

    pub fn digits(&self) -> &str {
        &self.0
    }

    pub fn last4(&self) -> &str {
        &self.0[self.0.len() - 4..]
    }

    pub fn brand(&self) -> CardBrand {
        let prefix2: u32 = self.0[..2].parse().unwrap_or(0);
        let prefix4: u32 = self.0[..4].parse().unwrap_or(0);
        match (self.0.as_bytes()[0], prefix2, prefix4) {
            (b'4', _, _) => CardBrand::Visa,
            (_, 51..=55, _) | (_, _, 2221..=2720) => CardBrand::Mastercard,
            (_, 34 | 37, _) => CardBrand::Amex,
            _ => CardBrand::Other,
        }
    }
}

// The full number must never reach a log.
impl std::fmt::Debug for CardNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CardNumber(…{})", self.last4())
    }
}

fn luhn_valid(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let doubled = d * 2;
                if doubled > 9 {
                    doubled - 9
                } else {
                    doubled
                }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// A card's expiry month, valid through the end of that month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expiry {
    pub year: i32,
    pub month: u32,
}

impl Expiry {
    /// Reads `MM/YY` (or `MM/YYYY`) and checks it is not in the past
    /// relative to `today` (year, month).
    pub fn parse(raw: &str, today: (i32, u32)) -> Result<Self, AppError> {
        let invalid = || AppError::validation("card_expiry", Rule::Format(Format::CardExpiry));
        let (month, year) = raw.trim().split_once('/').ok_or_else(invalid)?;
        let month: u32 = month.trim().parse().map_err(|_| invalid())?;
        let year = year.trim();
        let year: i32 = match year.len() {
            2 => 2000 + year.parse::<i32>().map_err(|_| invalid())?,
            4 => year.parse().map_err(|_| invalid())?,
            _ => return Err(invalid()),
        };
        if !(1..=12).contains(&month) {
            return Err(invalid());
        }
        if (year, month) < today {
            return Err(AppError::validation(
                "card_expiry",
                Rule::Card(CardRefusal::Expired),
            ));
        }
        Ok(Self { year, month })
    }
}

/// The 3 (or 4, American Express) digits on the card.
#[derive(Clone, PartialEq, Eq)]
pub struct Cvc(String);

impl Cvc {
    pub fn parse(raw: &str, brand: CardBrand) -> Result<Self, AppError> {
        let raw = raw.trim();
        let wanted: u8 = if brand == CardBrand::Amex { 4 } else { 3 };
        if raw.len() != usize::from(wanted) || !raw.bytes().all(|b| b.is_ascii_digit()) {
            return Err(AppError::validation(
                "card_cvc",
                Rule::Format(Format::SecurityCode { digits: wanted }),
            ));
        }
        Ok(Self(raw.to_owned()))
    }
}

impl std::fmt::Debug for Cvc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Cvc(<hidden>)")
    }
}

/// A card ready to be charged.
#[derive(Debug, Clone)]
pub struct Card {
    pub number: CardNumber,
    pub expiry: Expiry,
    pub cvc: Cvc,
}

impl Card {
    pub fn parse(number: &str, expiry: &str, cvc: &str, today: (i32, u32)) -> Result<Self, AppError> {
        let number = CardNumber::parse(number)?;
        let expiry = Expiry::parse(expiry, today)?;
        let cvc = Cvc::parse(cvc, number.brand())?;
        Ok(Self { number, expiry, cvc })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TODAY: (i32, u32) = (2026, 11);

    #[test]
    fn card_numbers_need_a_valid_checksum() {
        assert!(CardNumber::parse("4242 4242 4242 4242").is_ok());
        assert!(CardNumber::parse("4242-4242-4242-4241").is_err(), "checksum");
        assert!(CardNumber::parse("4242").is_err(), "too short");
        assert!(CardNumber::parse("4242 4242 4242 424x").is_err(), "not digits");
    }

    #[test]
    fn brands_and_last_digits_are_read_from_the_number() {
        let visa = CardNumber::parse("4242424242424242").expect("valid");
        assert_eq!((visa.brand(), visa.last4()), (CardBrand::Visa, "4242"));
        let mastercard = CardNumber::parse("5555555555554444").expect("valid");
        assert_eq!(mastercard.brand(), CardBrand::Mastercard);
        let amex = CardNumber::parse("378282246310005").expect("valid");
        assert_eq!(amex.brand(), CardBrand::Amex);
        assert_eq!(format!("{visa:?}"), "CardNumber(…4242)", "never the full number");
    }

    #[test]
    fn brands_are_stored_under_the_names_orders_already_hold() {
        // Orders stored before `as_str` hold the `Debug` names.
        for brand in [
            CardBrand::Visa,
            CardBrand::Mastercard,
            CardBrand::Amex,
            CardBrand::Other,
        ] {
            assert_eq!(brand.as_str(), format!("{brand:?}"));
        }
        assert_eq!(CardBrand::Visa.as_str(), "Visa");
    }

    #[test]
    fn expiry_dates_must_not_be_past() {
        assert_eq!(
            Expiry::parse("11/26", TODAY),
            Ok(Expiry {
                year: 2026,
                month: 11
            })
        );
        assert_eq!(
            Expiry::parse("01/2030", TODAY),
            Ok(Expiry { year: 2030, month: 1 })
        );
        assert!(Expiry::parse("10/26", TODAY).is_err(), "last month");
        assert!(Expiry::parse("13/27", TODAY).is_err());
        assert!(Expiry::parse("1227", TODAY).is_err());
    }

    #[test]
    fn security_codes_have_three_digits_or_four_for_amex() {
        assert!(Cvc::parse("123", CardBrand::Visa).is_ok());
        assert!(Cvc::parse("1234", CardBrand::Visa).is_err());
        assert!(Cvc::parse("1234", CardBrand::Amex).is_ok());
        assert!(Cvc::parse("12a", CardBrand::Visa).is_err());
        assert_eq!(
            format!("{:?}", Cvc::parse("123", CardBrand::Visa).expect("valid")),
            "Cvc(<hidden>)"
        );
    }
}
