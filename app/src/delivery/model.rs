//! Delivery methods and what one costs for a parcel: the countries an
//! address may be in, a method's price (flat, by weight band, or free from
//! an amount of goods) and the quote a shopper picks from.

use serde::{Deserialize, Serialize};

pub use crate::country::Country;
use crate::error::{AppError, Format, Rule};
use crate::i18n::Locale;
use crate::pricing::{euros_input, parse_euros};

/// Above `up_to_grams`, the next band's price applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeightBand {
    pub up_to_grams: i32,
    pub price_cents: i64,
}

/// A delivery method as the back office configures it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryMethod {
    pub id: i64,
    pub name_fr: String,
    pub name_en: String,
    /// Its price TTC when it has no weight bands.
    pub price_cents: i64,
    /// From this amount of goods TTC, it costs nothing.
    pub free_from_cents: Option<i64>,
    pub days_min: i32,
    pub days_max: i32,
    pub countries: Vec<Country>,
    /// Ascending by weight; empty: the flat price applies to any weight.
    pub bands: Vec<WeightBand>,
    pub active: bool,
}

/// Why a method cannot take a parcel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotOffered {
    /// It does not deliver to that country.
    Country,
    /// The parcel is heavier than its last weight band.
    Weight,
}

impl DeliveryMethod {
    pub fn name(&self, locale: Locale) -> &str {
        locale.pick(&self.name_fr, &self.name_en)
    }

    /// What sending goods worth `goods_cents` TTC and weighing
    /// `weight_grams` to `country` costs by this method, TTC: nothing from
    /// the free threshold (that amount included), else the price of the
    /// first band the weight fits in, else the flat price.
    pub fn cost(&self, country: Country, goods_cents: i64, weight_grams: i64) -> Result<i64, NotOffered> {
        if !self.countries.contains(&country) {
            return Err(NotOffered::Country);
        }
        self.parcel_cost(goods_cents, weight_grams)
    }

    /// What the parcel costs by this method wherever it goes.
    pub fn parcel_cost(&self, goods_cents: i64, weight_grams: i64) -> Result<i64, NotOffered> {
        let price = if self.bands.is_empty() {
            self.price_cents
        } else {
            self.bands
                .iter()
                .find(|band| i64::from(band.up_to_grams) >= weight_grams)
                .map(|band| band.price_cents)
                .ok_or(NotOffered::Weight)?
        };
        match self.free_from_cents {
            Some(free_from) if goods_cents >= free_from => Ok(0),
            _ => Ok(price),
        }
    }

    /// This method's offer for a parcel, if it can carry it (to any of its
    /// countries).
    pub fn quote(&self, goods_cents: i64, weight_grams: i64) -> Option<DeliveryQuote> {
        let cost_cents = self.parcel_cost(goods_cents, weight_grams).ok()?;
        Some(DeliveryQuote {
            method_id: self.id,
            name_fr: self.name_fr.clone(),
            name_en: self.name_en.clone(),
            cost_cents,
            days_min: self.days_min,
            days_max: self.days_max,
            countries: self.countries.clone(),
            free_from_cents: self.free_from_cents,
        })
    }
}

/// One method's offer for one parcel, as the checkout lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryQuote {
    pub method_id: i64,
    pub name_fr: String,
    pub name_en: String,
    pub cost_cents: i64,
    pub days_min: i32,
    pub days_max: i32,
    pub countries: Vec<Country>,
    pub free_from_cents: Option<i64>,
}

impl DeliveryQuote {
    pub fn name(&self, locale: Locale) -> &str {
        locale.pick(&self.name_fr, &self.name_en)
    }
}

/// The cheapest of the offers that serve `country` (the first listed on a
/// tie).
pub fn cheapest(quotes: &[DeliveryQuote], country: Country) -> Option<&DeliveryQuote> {
    quotes
        .iter()
        .filter(|quote| quote.countries.contains(&country))
        .min_by_key(|quote| quote.cost_cents)
}

/// What a checkout offers: the methods that can carry the parcel, priced
/// for it, the countries they serve, and the shopper's country.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryChoice {
    pub quotes: Vec<DeliveryQuote>,
    pub countries: Vec<Country>,
    pub country: Country,
}

impl DeliveryChoice {
    pub fn new(methods: &[DeliveryMethod], goods_cents: i64, weight_grams: i64, country: Country) -> Self {
        let quotes: Vec<DeliveryQuote> = methods
            .iter()
            .filter_map(|method| method.quote(goods_cents, weight_grams))
            .collect();
        let countries = Country::ALL
            .into_iter()
            .filter(|country| quotes.iter().any(|quote| quote.countries.contains(country)))
            .collect();
        Self {
            quotes,
            countries,
            country,
        }
    }

    /// The offer picked unless the shopper picks another: the cheapest to
    /// their country.
    pub fn preselected(&self) -> Option<&DeliveryQuote> {
        cheapest(&self.quotes, self.country)
    }
}

/// The delivery an order was sent with, as it was chosen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderDelivery {
    pub name_fr: String,
    pub name_en: String,
    pub cost_cents: i64,
}

/// A method as the back-office form sends it.
#[derive(Debug, Clone, Default)]
pub struct MethodForm<'a> {
    pub name_fr: &'a str,
    pub name_en: &'a str,
    pub price: &'a str,
    pub free_from: &'a str,
    pub days_min: &'a str,
    pub days_max: &'a str,
    /// Codes or names, separated by commas or spaces: "FR, BE".
    pub countries: &'a str,
    /// "1000=4,99; 2000=6,99": up to 1 000 g for 4,99 €, then up to 2 kg.
    pub bands: &'a str,
    pub active: bool,
}

impl MethodForm<'_> {
    /// The method the form describes (id 0: a new one), or the first field
    /// that is wrong.
    pub fn parse(&self, id: i64) -> Result<DeliveryMethod, AppError> {
        let name = |field: &str, value: &str| {
            let value = value.trim();
            if value.is_empty() || value.chars().count() > 80 || value.chars().any(char::is_control) {
                Err(AppError::validation(field, Rule::Length { min: 1, max: 80 }))
            } else {
                Ok(value.to_owned())
            }
        };
        let euros = |field: &str, raw: &str| {
            parse_euros(raw).ok_or_else(|| AppError::validation(field, Rule::Format(Format::Price)))
        };
        let days = |field: &str, raw: &str, min: i32| match raw.trim().parse::<i32>() {
            Ok(days) if (min..=90).contains(&days) => Ok(days),
            _ => Err(AppError::validation(
                field,
                Rule::OutOfRange {
                    min: min.into(),
                    max: 90,
                },
            )),
        };
        let days_min = days("days_min", self.days_min, 0)?;
        let mut countries = Vec::new();
        for raw in self
            .countries
            .split([',', ';', ' '])
            .filter(|raw| !raw.trim().is_empty())
        {
            let country = Country::parse_field("countries", raw)?;
            if !countries.contains(&country) {
                countries.push(country);
            }
        }
        if countries.is_empty() {
            return Err(AppError::validation("countries", Rule::Required));
        }
        Ok(DeliveryMethod {
            id,
            name_fr: name("name_fr", self.name_fr)?,
            name_en: name("name_en", self.name_en)?,
            price_cents: euros("price", self.price)?,
            free_from_cents: match self.free_from.trim() {
                "" => None,
                raw => Some(euros("free_from", raw)?),
            },
            days_min,
            days_max: days("days_max", self.days_max, days_min)?,
            countries,
            bands: parse_bands(self.bands)?,
            active: self.active,
        })
    }
}

/// Weight bands as "grams=price" pairs separated by semicolons or new
/// lines, in any order; a weight given twice is refused.
fn parse_bands(raw: &str) -> Result<Vec<WeightBand>, AppError> {
    let invalid = || AppError::validation("bands", Rule::Format(Format::WeightBands));
    let mut bands = Vec::new();
    for pair in raw
        .split([';', '\n'])
        .map(str::trim)
        .filter(|pair| !pair.is_empty())
    {
        let (grams, price) = pair.split_once('=').ok_or_else(invalid)?;
        let up_to_grams = grams
            .trim()
            .trim_end_matches('g')
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|grams| (1..=1_000_000).contains(grams))
            .ok_or_else(invalid)?;
        let price_cents = parse_euros(price).ok_or_else(invalid)?;
        bands.push(WeightBand {
            up_to_grams,
            price_cents,
        });
    }
    bands.sort_by_key(|band| band.up_to_grams);
    if bands
        .windows(2)
        .any(|pair| pair[0].up_to_grams == pair[1].up_to_grams)
        || bands.len() > 20
    {
        return Err(invalid());
    }
    Ok(bands)
}

/// Bands as the form shows them back.
pub fn bands_input(bands: &[WeightBand]) -> String {
    bands
        .iter()
        .map(|band| format!("{}={}", band.up_to_grams, euros_input(band.price_cents)))
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn colissimo() -> DeliveryMethod {
        DeliveryMethod {
            id: 1,
            name_fr: "Colissimo domicile".into(),
            name_en: "Colissimo home delivery".into(),
            price_cents: 499,
            free_from_cents: Some(4900),
            days_min: 2,
            days_max: 3,
            countries: vec![Country::France, Country::Belgium],
            bands: vec![
                WeightBand {
                    up_to_grams: 1000,
                    price_cents: 499,
                },
                WeightBand {
                    up_to_grams: 5000,
                    price_cents: 999,
                },
            ],
            active: true,
        }
    }

    #[test]
    fn free_from_the_threshold_not_a_cent_under() {
        let method = colissimo();
        assert_eq!(method.cost(Country::France, 4900, 800), Ok(0), "at the threshold");
        assert_eq!(method.cost(Country::France, 4899, 800), Ok(499), "one cent under");
        assert_eq!(method.cost(Country::France, 10_000, 800), Ok(0));
    }

    #[test]
    fn weight_bands_include_their_upper_bound() {
        let method = colissimo();
        assert_eq!(method.cost(Country::France, 1000, 1000), Ok(499));
        assert_eq!(method.cost(Country::France, 1000, 1001), Ok(999));
        assert_eq!(method.cost(Country::France, 1000, 5000), Ok(999));
        assert_eq!(method.cost(Country::France, 1000, 5001), Err(NotOffered::Weight));
        assert_eq!(
            method.cost(Country::France, 1000, 0),
            Ok(499),
            "a weightless parcel"
        );
    }

    #[test]
    fn a_method_serves_only_its_countries() {
        assert_eq!(
            colissimo().cost(Country::Spain, 1000, 100),
            Err(NotOffered::Country)
        );
        assert_eq!(colissimo().cost(Country::Belgium, 1000, 100), Ok(499));
    }

    #[test]
    fn without_bands_the_flat_price_applies_at_any_weight() {
        let method = DeliveryMethod {
            bands: Vec::new(),
            free_from_cents: None,
            price_cents: 1290,
            ..colissimo()
        };
        assert_eq!(method.cost(Country::France, 1_000_000, 900_000), Ok(1290));
    }

    #[test]
    fn cheapest_keeps_the_first_on_a_tie() {
        let method = colissimo();
        let free = method.quote(5000, 100).expect("light enough");
        let paid = method.quote(100, 100).expect("light enough");
        assert_eq!(
            cheapest(&[paid.clone(), free.clone()], Country::France),
            Some(&free)
        );
        assert_eq!(
            cheapest(&[paid.clone(), free.clone()], Country::Spain),
            None,
            "not served"
        );
        let other = DeliveryQuote {
            method_id: 2,
            ..paid.clone()
        };
        assert_eq!(
            cheapest(&[paid.clone(), other], Country::France).map(|quote| quote.method_id),
            Some(1)
        );
        assert_eq!(cheapest(&[], Country::France), None);
        assert_eq!(method.quote(100, 6000), None, "too heavy for its bands");
    }

    #[test]
    fn a_choice_offers_what_can_carry_the_parcel_and_preselects_the_cheapest_to_the_country() {
        let relay = DeliveryMethod {
            id: 2,
            price_cents: 349,
            free_from_cents: None,
            bands: Vec::new(),
            countries: vec![Country::France],
            ..colissimo()
        };
        let choice = DeliveryChoice::new(&[colissimo(), relay.clone()], 1000, 800, Country::France);
        assert_eq!(choice.quotes.len(), 2);
        assert_eq!(choice.countries, vec![Country::France, Country::Belgium]);
        assert_eq!(choice.preselected().map(|quote| quote.method_id), Some(2));
        let to_belgium = DeliveryChoice::new(&[colissimo(), relay.clone()], 1000, 800, Country::Belgium);
        assert_eq!(to_belgium.preselected().map(|quote| quote.method_id), Some(1));
        // 9 kg: beyond Colissimo's last band; the relay serves France only.
        let heavy = DeliveryChoice::new(&[colissimo(), relay], 1000, 9000, Country::Belgium);
        assert_eq!(heavy.quotes.len(), 1);
        assert_eq!(heavy.countries, vec![Country::France]);
        assert_eq!(heavy.preselected(), None);
    }

    #[test]
    fn countries_read_from_codes_and_names() {
        assert_eq!(Country::parse("fr"), Some(Country::France));
        assert_eq!(Country::parse(" France "), Some(Country::France));
        assert_eq!(Country::parse("belgique"), Some(Country::Belgium));
        assert_eq!(Country::parse("Netherlands"), Some(Country::Netherlands));
        assert_eq!(Country::parse("Atlantis"), None);
        assert_eq!(Country::parse(""), None);
        for country in Country::ALL {
            assert_eq!(Country::parse(country.code()), Some(country));
        }
    }

    #[test]
    fn the_back_office_form_reads_every_field_or_names_the_wrong_one() {
        let form = MethodForm {
            name_fr: " Colissimo ",
            name_en: "Colissimo",
            price: "4,99",
            free_from: "49",
            days_min: "2",
            days_max: "3",
            countries: "fr, Belgique;LU FR",
            bands: "2000=6,99; 1000 g=4,99",
            active: true,
        };
        let method = form.parse(0).expect("a valid form");
        assert_eq!(method.name_fr, "Colissimo");
        assert_eq!(method.price_cents, 499);
        assert_eq!(method.free_from_cents, Some(4900));
        assert_eq!(
            method.countries,
            vec![Country::France, Country::Belgium, Country::Luxembourg]
        );
        assert_eq!(method.bands.first().map(|band| band.up_to_grams), Some(1000));
        assert_eq!(bands_input(&method.bands), "1000=4,99; 2000=6,99");
        let refused = |form: MethodForm, field: &str| {
            let error = form.parse(0).expect_err("refused");
            assert_eq!(error.field(), Some(field), "{form:?}");
        };
        refused(
            MethodForm {
                name_fr: " ",
                ..form.clone()
            },
            "name_fr",
        );
        refused(
            MethodForm {
                price: "-1",
                ..form.clone()
            },
            "price",
        );
        refused(
            MethodForm {
                free_from: "beaucoup",
                ..form.clone()
            },
            "free_from",
        );
        refused(
            MethodForm {
                days_max: "1",
                ..form.clone()
            },
            "days_max",
        );
        refused(
            MethodForm {
                days_min: "91",
                ..form.clone()
            },
            "days_min",
        );
        refused(
            MethodForm {
                countries: "FR, Atlantis",
                ..form.clone()
            },
            "countries",
        );
        refused(
            MethodForm {
                countries: " , ",
                ..form.clone()
            },
            "countries",
        );
        refused(
            MethodForm {
                bands: "1000=4,99; 1000=5",
                ..form.clone()
            },
            "bands",
        );
        refused(
            MethodForm {
                bands: "heavy",
                ..form.clone()
            },
            "bands",
        );
        refused(
            MethodForm {
                bands: "0=1",
                ..form.clone()
            },
            "bands",
        );
        let flat = MethodForm {
            bands: "",
            free_from: "",
            ..form
        }
        .parse(3)
        .expect("valid");
        assert!(flat.bands.is_empty());
        assert_eq!((flat.id, flat.free_from_cents), (3, None));
    }
}
