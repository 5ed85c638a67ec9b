//! Basket types shared by browser and server.

use serde::{Deserialize, Serialize};

use crate::delivery::model::DeliveryChoice;
use crate::error::{AppError, Rule};
use crate::pricing::{Breakdown, VatRate};
use crate::promotions::model::AppliedCode;

/// Most units of one product a basket line can hold, whatever the product.
pub const MAX_LINE_QUANTITY: i32 = 100;

/// A quantity asked for: 1 to 100.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quantity(i32);

impl Quantity {
    pub fn new(value: i32) -> Result<Self, AppError> {
        if (1..=MAX_LINE_QUANTITY).contains(&value) {
            Ok(Self(value))
        } else {
            Err(AppError::validation(
                "quantity",
                Rule::OutOfRange {
                    min: 1,
                    max: MAX_LINE_QUANTITY.into(),
                },
            ))
        }
    }

    pub fn get(self) -> i32 {
        self.0
    }
}

/// How many units of a product one basket line may hold now: what is in
/// stock, within the product's per-order limit.
pub fn line_limit(stock: i32, max_per_order: i32) -> i32 {
    stock.min(max_per_order).clamp(0, MAX_LINE_QUANTITY)
}

/// A per-customer limit as it stands for one shopper: the limit, and the
/// units their account already has in orders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerLimit {
    pub limit: i32,
    pub bought: i32,
}

impl CustomerLimit {
    /// Units this shopper may still put in a basket.
    pub fn left(self) -> i32 {
        (self.limit - self.bought).max(0)
    }
}

/// The most a line may hold, and the per-customer limit when it is what
/// bounds it (so the shopper is told why, in the basket, not at checkout).
pub fn capped_line_limit(
    stock: i32,
    max_per_order: i32,
    customer: Option<CustomerLimit>,
) -> (i32, Option<i32>) {
    let limit = line_limit(stock, max_per_order);
    match customer {
        Some(customer) if customer.left() < limit => (customer.left(), Some(customer.limit)),
        _ => (limit, None),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BasketLine {
    pub product_id: i64,
    pub slug: String,
    pub name: String,
    /// The English name; empty where none was written.
    pub name_en: String,
    pub image_path: String,
    /// Today's price, read from the catalogue.
    pub unit_price_cents: i64,
    /// The price when the line was added.
    pub price_seen_cents: i64,
    pub quantity: i32,
    /// What this shopper can have now: the stock others can buy, plus what
    /// this line holds.
    pub stock: i32,
    pub max_per_order: i32,
    /// Until when the line's units are kept for this shopper (a drop).
    pub hold: Option<Hold>,
    /// The product's per-customer limit, as it stands for this shopper.
    pub customer: Option<CustomerLimit>,
    /// The shopper's order being paid that holds these units: the stock
    /// is theirs, not short.
    pub paying_order: Option<i64>,
    /// The VAT rate it is sold at (its price is TTC).
    pub vat_rate: VatRate,
    /// The shipping weight of one unit.
    pub weight_grams: i32,
}

/// The units of one product a shopper's basket holds now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeldUnits {
    pub quantity: i32,
    pub hold: Hold,
}

/// A line's units kept for its shopper until a moment: `until_ms` since the
/// epoch (for the countdown) and the shop's clock time then, "20:14"
/// (Paris), for the page that works without JavaScript.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hold {
    pub until_ms: i64,
    pub clock: String,
}

impl BasketLine {
    pub fn line_total_cents(&self) -> i64 {
        self.unit_price_cents * i64::from(self.quantity)
    }

    pub fn price_changed(&self) -> bool {
        self.unit_price_cents != self.price_seen_cents
    }

    /// More in the basket than can be bought now (a line being paid for
    /// is not short: the order holds its units).
    pub fn exceeds_stock(&self) -> bool {
        self.paying_order.is_none() && self.quantity > self.stock
    }

    /// The most this line may hold now.
    pub fn limit(&self) -> i32 {
        capped_line_limit(self.stock, self.max_per_order, self.customer).0
    }

    /// The per-customer limit, when the line is at it or above it.
    pub fn at_customer_limit(&self) -> Option<CustomerLimit> {
        self.customer.filter(|customer| self.quantity >= customer.left())
    }
}

/// A line the login merge could not keep whole: the shopper wanted
/// `wanted` (guest basket plus account basket) and `kept` fit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MergeChange {
    pub name: String,
    pub wanted: i32,
    pub kept: i32,
}

/// What the login merge did, shown once on the basket or checkout page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct MergeNotice {
    /// Units brought over from the guest basket.
    pub added: i32,
    pub changes: Vec<MergeChange>,
}

/// What changing a line's quantity did: `in_basket` is below `requested`
/// when stock or the per-order limit did not allow more.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuantityOutcome {
    pub requested: i32,
    pub in_basket: i32,
    /// The per-customer limit, when it is why the line holds less.
    pub per_customer: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Basket {
    pub lines: Vec<BasketLine>,
}

impl Basket {
    /// The hold that ends first, if any line holds units.
    pub fn first_hold(&self) -> Option<&Hold> {
        self.lines
            .iter()
            .filter_map(|line| line.hold.as_ref())
            .min_by_key(|hold| hold.until_ms)
    }

    pub fn subtotal_cents(&self) -> i64 {
        self.lines.iter().map(BasketLine::line_total_cents).sum()
    }

    /// The goods' HT, VAT per rate and TTC (delivery not chosen yet).
    pub fn breakdown(&self) -> Breakdown {
        Breakdown::of(
            self.lines
                .iter()
                .map(|line| (line.vat_rate, line.line_total_cents())),
            0,
        )
    }

    /// The parcel's weight.
    pub fn weight_grams(&self) -> i64 {
        self.lines
            .iter()
            .map(|line| i64::from(line.weight_grams) * i64::from(line.quantity))
            .sum()
    }

    pub fn item_count(&self) -> i32 {
        self.lines.iter().map(|line| line.quantity).sum()
    }
}

/// What adding to the basket did: the shopper asked for `requested` and
/// `added` fit (stock, per-order limit); `in_basket` is the line's quantity now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddOutcome {
    pub requested: i32,
    pub added: i32,
    pub in_basket: i32,
    /// The per-customer limit, when it is why fewer were added.
    pub per_customer: Option<i32>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_holds_what_is_in_stock_within_the_per_order_limit() {
        assert_eq!(line_limit(3, 10), 3);
        assert_eq!(line_limit(50, 1), 1);
        assert_eq!(line_limit(0, 10), 0);
        assert_eq!(line_limit(-1, 10), 0);
        assert_eq!(line_limit(10_000, 100), MAX_LINE_QUANTITY);
    }

    #[test]
    fn quantities_are_bounded() {
        assert!(Quantity::new(1).is_ok());
        assert!(Quantity::new(MAX_LINE_QUANTITY).is_ok());
        assert!(Quantity::new(0).is_err());
        assert!(Quantity::new(-3).is_err());
        assert!(Quantity::new(MAX_LINE_QUANTITY + 1).is_err());
    }

    #[test]
    fn totals_and_flags_come_from_todays_prices() {
        let line = BasketLine {
            product_id: 1,
            slug: "ps5".into(),
            name: "PS5".into(),
            name_en: String::new(),
            image_path: String::new(),
            unit_price_cents: 49_999,
            price_seen_cents: 54_999,
            quantity: 2,
            stock: 1,
            max_per_order: 10,
            hold: None,
            customer: None,
            paying_order: None,
            vat_rate: VatRate::Standard,
            weight_grams: 4_500,
        };
        let book = BasketLine {
            product_id: 2,
            unit_price_cents: 790,
            quantity: 1,
            vat_rate: VatRate::Reduced,
            ..line.clone()
        };
        let basket = Basket {
            lines: vec![line.clone(), book],
        };
        assert_eq!(basket.subtotal_cents(), 100_788);
        // 999,98 € at 20 %: HT 99 998 / 1,2 = 83 331,67 → 833,32 €;
        // 7,90 € at 5,5 %: HT 790 / 1,055 = 748,82 → 7,49 €.
        let breakdown = basket.breakdown();
        assert_eq!(breakdown.incl_cents, 100_788);
        assert_eq!(breakdown.excl_cents, 83_332 + 749);
        assert_eq!(breakdown.rates.len(), 2);
        // Two consoles of 4,5 kg and a book of 4,5 kg (the same line, cloned).
        assert_eq!(basket.weight_grams(), 2 * 4_500 + 4_500);
        let basket = Basket {
            lines: vec![line.clone()],
        };
        assert_eq!(basket.item_count(), 2);
        assert!(line.price_changed());
        assert!(line.exceeds_stock());
        let paying = BasketLine {
            paying_order: Some(7),
            ..line.clone()
        };
        assert!(!paying.exceeds_stock(), "an order being paid holds the units");
        let limited = BasketLine {
            stock: 10,
            customer: Some(CustomerLimit { limit: 3, bought: 1 }),
            ..line
        };
        assert_eq!(limited.limit(), 2);
        assert_eq!(limited.at_customer_limit().map(|c| c.left()), Some(2));
    }

    #[test]
    fn the_per_customer_limit_caps_a_line_and_says_so_only_when_it_binds() {
        let customer = |limit, bought| Some(CustomerLimit { limit, bought });
        assert_eq!(capped_line_limit(10, 10, None), (10, None));
        assert_eq!(capped_line_limit(10, 10, customer(2, 0)), (2, Some(2)));
        assert_eq!(capped_line_limit(10, 10, customer(2, 1)), (1, Some(2)));
        assert_eq!(capped_line_limit(10, 10, customer(2, 5)), (0, Some(2)));
        // Stock or the per-order limit bind first: not the customer limit.
        assert_eq!(capped_line_limit(1, 10, customer(2, 0)), (1, None));
        assert_eq!(capped_line_limit(10, 2, customer(2, 0)), (2, None));
    }
}

/// What the basket and checkout pages show beside the basket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BasketExtras {
    /// The delivery methods that can carry it, and the caller's country.
    pub choice: DeliveryChoice,
    /// The code in the address: what it takes off, or why not.
    pub code: Option<Result<AppliedCode, AppError>>,
}
