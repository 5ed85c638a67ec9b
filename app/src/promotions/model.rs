//! Promo codes: what one takes off a basket, and why a code is refused.
//! Integer cents; the discount is split across VAT rates in proportion to
//! the goods it applies to (largest remainders), so HT, VAT and TTC stay
//! exact at every rate.

use serde::{Deserialize, Serialize};

use crate::error::{AppError, Format, PromoRefusal, Rule};
use crate::pricing::{parse_euros, split_pro_rata, VatRate};

/// What a code gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PromoKind {
    /// So many percent off the goods it applies to (1 to 100).
    Percent(i64),
    /// So many cents off, at most the goods it applies to.
    Amount(i64),
    /// Delivery costs nothing.
    FreeDelivery,
}

impl PromoKind {
    pub fn column(self) -> (&'static str, i64) {
        match self {
            PromoKind::Percent(percent) => ("percent", percent),
            PromoKind::Amount(cents) => ("amount", cents),
            PromoKind::FreeDelivery => ("free_delivery", 0),
        }
    }

    /// A kind read from the database, whose CHECK admits only these.
    pub fn from_column(kind: &str, value: i64) -> Self {
        match kind {
            "percent" => PromoKind::Percent(value),
            "amount" => PromoKind::Amount(value),
            _ => PromoKind::FreeDelivery,
        }
    }
}

/// A code as the back office set it up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromoCode {
    pub id: i64,
    pub code: String,
    pub kind: PromoKind,
    pub min_basket_cents: Option<i64>,
    /// Milliseconds since the epoch; `None`: no bound.
    pub starts_ms: Option<i64>,
    pub ends_ms: Option<i64>,
    pub max_uses: Option<i32>,
    pub max_per_customer: Option<i32>,
    /// Only goods of these categories, or these products (a product's id
    /// covers its variants); both empty: all goods.
    pub category_ids: Vec<i64>,
    pub product_ids: Vec<i64>,
    /// Whether it applies to a drop's variants.
    pub includes_drops: bool,
    pub active: bool,
}

/// A basket line as a code sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PromoLine {
    pub product_id: i64,
    /// The product it is a variant of, if it is one.
    pub variant_of: Option<i64>,
    pub category_id: i64,
    /// Whether it is sold in a drop.
    pub in_drop: bool,
    pub vat_rate: VatRate,
    /// Its total TTC.
    pub total_cents: i64,
}

/// What a code takes off one basket.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Discount {
    /// Off the goods, TTC.
    pub goods_cents: i64,
    /// The same, split across the lines it applies to in proportion to
    /// their totals (one entry per line given, 0 for the others).
    pub per_line: Vec<i64>,
    /// The same, per VAT rate (the sum of its lines' parts).
    pub per_rate: Vec<(VatRate, i64)>,
    /// Delivery costs nothing.
    pub free_delivery: bool,
}

impl Discount {
    /// The goods as a breakdown takes them, (rate, TTC) per line, less
    /// what the code took off each.
    pub fn goods_after<'a>(
        &'a self,
        lines: impl IntoIterator<Item = (VatRate, i64)> + 'a,
    ) -> impl Iterator<Item = (VatRate, i64)> + 'a {
        lines
            .into_iter()
            .enumerate()
            .map(|(at, (rate, total))| (rate, total - self.per_line.get(at).copied().unwrap_or(0)))
    }
}

impl PromoCode {
    fn applies_to(&self, line: &PromoLine) -> bool {
        if line.in_drop && !self.includes_drops {
            return false;
        }
        if self.category_ids.is_empty() && self.product_ids.is_empty() {
            return true;
        }
        self.category_ids.contains(&line.category_id)
            || self.product_ids.contains(&line.product_id)
            || line
                .variant_of
                .is_some_and(|parent| self.product_ids.contains(&parent))
    }

    /// What the code takes off `lines` at `now_ms`, or why it cannot. The
    /// uses left are counted by the caller (they are in the database).
    pub fn discount(&self, lines: &[PromoLine], now_ms: i64) -> Result<Discount, PromoRefusal> {
        if !self.active {
            return Err(PromoRefusal::Unknown);
        }
        if self.starts_ms.is_some_and(|starts| now_ms < starts) {
            return Err(PromoRefusal::NotYetValid);
        }
        if self.ends_ms.is_some_and(|ends| now_ms >= ends) {
            return Err(PromoRefusal::Expired);
        }
        let goods: i64 = lines.iter().map(|line| line.total_cents).sum();
        if !lines.iter().any(|line| self.applies_to(line)) {
            return Err(PromoRefusal::NotForTheseProducts);
        }
        if let Some(min_cents) = self.min_basket_cents.filter(|min| goods < *min) {
            return Err(PromoRefusal::MinimumNotReached { min_cents });
        }
        let weights: Vec<i64> = lines
            .iter()
            .map(|line| {
                if self.applies_to(line) {
                    line.total_cents
                } else {
                    0
                }
            })
            .collect();
        let base: i64 = weights.iter().sum();
        let goods_cents = match self.kind {
            // Half a cent up, like every rounding of the shop.
            PromoKind::Percent(percent) => (base * percent + 50) / 100,
            PromoKind::Amount(cents) => cents.min(base),
            PromoKind::FreeDelivery => 0,
        }
        .clamp(0, base);
        let per_line = split_pro_rata(goods_cents, &weights);
        let per_rate = VatRate::ALL
            .into_iter()
            .map(|rate| {
                let part = lines
                    .iter()
                    .zip(&per_line)
                    .filter(|(line, _)| line.vat_rate == rate)
                    .map(|(_, part)| part)
                    .sum::<i64>();
                (rate, part)
            })
            .filter(|(_, part)| *part > 0)
            .collect();
        Ok(Discount {
            goods_cents,
            per_line,
            per_rate,
            free_delivery: self.kind == PromoKind::FreeDelivery,
        })
    }
}

/// A code as a shopper types it: trimmed, upper case; 3 to 32 letters,
/// digits and hyphens.
pub fn normalize_code(field: &str, raw: &str) -> Result<String, AppError> {
    well_formed(raw).ok_or_else(|| AppError::validation(field, Rule::Promo(PromoRefusal::Unknown)))
}

/// `raw` in capitals, if it can be a code: 3 to 32 letters, digits or
/// hyphens, not starting with a hyphen.
fn well_formed(raw: &str) -> Option<String> {
    let code = raw.trim().to_uppercase();
    let valid = (3..=32).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-')
        && !code.starts_with('-');
    valid.then_some(code)
}

/// A code as the back-office form sends it.
#[derive(Debug, Clone, Default)]
pub struct CodeForm<'a> {
    pub code: &'a str,
    /// "percent", "amount" or "free_delivery".
    pub kind: &'a str,
    /// The percentage, or the amount in euros.
    pub value: &'a str,
    pub min_basket: &'a str,
    pub max_uses: &'a str,
    pub max_per_customer: &'a str,
    pub includes_drops: bool,
}

impl CodeForm<'_> {
    /// The code's fields the form sets (window, categories and products are
    /// read by the caller), or the first wrong field.
    pub fn parse(&self) -> Result<PromoCode, AppError> {
        let code = well_formed(self.code)
            .ok_or_else(|| AppError::validation("code", Rule::Format(Format::PromoCode)))?;
        let kind = match self.kind.trim() {
            "percent" => match self.value.trim().parse::<i64>() {
                Ok(percent) if (1..=100).contains(&percent) => PromoKind::Percent(percent),
                _ => {
                    return Err(AppError::validation(
                        "value",
                        Rule::OutOfRange { min: 1, max: 100 },
                    ))
                }
            },
            "amount" => match parse_euros(self.value) {
                Some(cents) if cents > 0 => PromoKind::Amount(cents),
                _ => return Err(AppError::validation("value", Rule::Format(Format::Price))),
            },
            "free_delivery" => PromoKind::FreeDelivery,
            _ => return Err(AppError::validation("kind", Rule::UnknownChoice)),
        };
        let min_basket_cents = match self.min_basket.trim() {
            "" => None,
            raw => Some(
                parse_euros(raw)
                    .ok_or_else(|| AppError::validation("min_basket", Rule::Format(Format::Price)))?,
            ),
        };
        let count = |field: &str, raw: &str, max: i32| match raw.trim() {
            "" => Ok(None),
            raw => match raw.parse::<i32>() {
                Ok(value) if (1..=max).contains(&value) => Ok(Some(value)),
                _ => Err(AppError::validation(
                    field,
                    Rule::OutOfRange {
                        min: 1,
                        max: max.into(),
                    },
                )),
            },
        };
        Ok(PromoCode {
            id: 0,
            code,
            kind,
            min_basket_cents,
            starts_ms: None,
            ends_ms: None,
            max_uses: count("max_uses", self.max_uses, 100_000_000)?,
            max_per_customer: count("max_per_customer", self.max_per_customer, 1000)?,
            category_ids: Vec::new(),
            product_ids: Vec::new(),
            includes_drops: self.includes_drops,
            active: true,
        })
    }
}

/// A code in the back office's list, with its uses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminPromoCode {
    pub code: PromoCode,
    /// Orders that used it and keep it (not given back).
    pub used: i64,
    /// Uses left, when limited.
    pub left: Option<i64>,
    /// The names of the categories it is limited to.
    pub categories: Vec<String>,
    /// The slugs of the products it is limited to.
    pub products: Vec<String>,
}

/// How many rows a code's uses are spread over, and each row's share:
/// at most 16 rows, the first ones one more when they do not divide.
pub fn slots(max_uses: i32) -> Vec<i32> {
    let count = max_uses.clamp(1, 16);
    (0..count)
        .map(|slot| max_uses / count + i32::from(slot < max_uses % count))
        .collect()
}

/// A code's discount as the basket and checkout show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppliedCode {
    pub code: String,
    pub discount: Discount,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(kind: PromoKind) -> PromoCode {
        PromoCode {
            id: 1,
            code: "NOEL".into(),
            kind,
            min_basket_cents: None,
            starts_ms: None,
            ends_ms: None,
            max_uses: None,
            max_per_customer: None,
            category_ids: Vec::new(),
            product_ids: Vec::new(),
            includes_drops: false,
            active: true,
        }
    }

    fn line(product_id: i64, rate: VatRate, total_cents: i64) -> PromoLine {
        PromoLine {
            product_id,
            variant_of: None,
            category_id: 1,
            in_drop: false,
            vat_rate: rate,
            total_cents,
        }
    }

    #[test]
    fn a_percentage_rounds_half_a_cent_up_and_splits_across_rates() {
        // 10 % of 33,35 € = 3,335 € → 3,34 €; split 29,99 € at 20 % and
        // 3,36 € at 5,5 %: 334 × 2 999 / 3 335 = 300,34 → 300, and
        // 334 × 336 / 3 335 = 33,65 → 33; the cent left goes to the larger
        // remainder (0,65 at 5,5 %): 300 + 34.
        let lines = [line(1, VatRate::Standard, 2999), line(2, VatRate::Reduced, 336)];
        let discount = code(PromoKind::Percent(10)).discount(&lines, 0).expect("applies");
        assert_eq!(discount.goods_cents, 334);
        assert_eq!(
            discount.per_rate,
            vec![(VatRate::Standard, 300), (VatRate::Reduced, 34)]
        );
        assert_eq!(discount.per_line, vec![300, 34]);
        let after: Vec<_> = discount
            .goods_after(lines.iter().map(|l| (l.vat_rate, l.total_cents)))
            .collect();
        assert_eq!(after, vec![(VatRate::Standard, 2699), (VatRate::Reduced, 302)]);
        assert!(!discount.free_delivery);
    }

    #[test]
    fn an_amount_never_takes_more_than_the_goods_it_applies_to() {
        let lines = [line(1, VatRate::Standard, 1500)];
        assert_eq!(
            code(PromoKind::Amount(500))
                .discount(&lines, 0)
                .map(|d| d.goods_cents),
            Ok(500)
        );
        assert_eq!(
            code(PromoKind::Amount(5000))
                .discount(&lines, 0)
                .map(|d| d.goods_cents),
            Ok(1500)
        );
        assert_eq!(
            code(PromoKind::Percent(100))
                .discount(&lines, 0)
                .map(|d| d.goods_cents),
            Ok(1500)
        );
        let free = code(PromoKind::FreeDelivery)
            .discount(&lines, 0)
            .expect("applies");
        assert_eq!((free.goods_cents, free.free_delivery), (0, true));
    }

    #[test]
    fn a_code_limited_to_products_or_categories_takes_off_only_theirs() {
        let mut limited = code(PromoKind::Percent(50));
        limited.product_ids = vec![7];
        let variant = PromoLine {
            variant_of: Some(7),
            ..line(70, VatRate::Standard, 1000)
        };
        let other = line(8, VatRate::Standard, 3000);
        assert_eq!(
            limited.discount(&[variant, other], 0).map(|d| d.goods_cents),
            Ok(500)
        );
        assert_eq!(
            limited.discount(&[other], 0),
            Err(PromoRefusal::NotForTheseProducts)
        );
        let mut by_category = code(PromoKind::Amount(100));
        by_category.category_ids = vec![2];
        let book = PromoLine {
            category_id: 2,
            ..line(9, VatRate::Reduced, 800)
        };
        let discount = by_category.discount(&[book, other], 0).expect("applies");
        assert_eq!(discount.per_rate, vec![(VatRate::Reduced, 100)]);
        assert_eq!(discount.per_line, vec![100, 0], "nothing off the other line");
    }

    #[test]
    fn drop_variants_only_when_the_code_says_so() {
        let console = PromoLine {
            in_drop: true,
            ..line(1, VatRate::Standard, 50_000)
        };
        let mut promo = code(PromoKind::Percent(10));
        assert_eq!(
            promo.discount(&[console], 0),
            Err(PromoRefusal::NotForTheseProducts)
        );
        let book = line(2, VatRate::Reduced, 1000);
        assert_eq!(
            promo.discount(&[console, book], 0).map(|d| d.goods_cents),
            Ok(100)
        );
        promo.includes_drops = true;
        assert_eq!(promo.discount(&[console], 0).map(|d| d.goods_cents), Ok(5000));
    }

    #[test]
    fn window_minimum_and_withdrawal_are_refused_by_name() {
        let lines = [line(1, VatRate::Standard, 2000)];
        let mut promo = code(PromoKind::Percent(10));
        promo.min_basket_cents = Some(2001);
        assert_eq!(
            promo.discount(&lines, 0),
            Err(PromoRefusal::MinimumNotReached { min_cents: 2001 })
        );
        promo.min_basket_cents = Some(2000);
        assert!(promo.discount(&lines, 0).is_ok(), "at the minimum");
        promo.starts_ms = Some(100);
        promo.ends_ms = Some(200);
        assert_eq!(promo.discount(&lines, 99), Err(PromoRefusal::NotYetValid));
        assert!(promo.discount(&lines, 100).is_ok());
        assert_eq!(promo.discount(&lines, 200), Err(PromoRefusal::Expired));
        promo.starts_ms = None;
        promo.ends_ms = None;
        promo.active = false;
        assert_eq!(promo.discount(&lines, 0), Err(PromoRefusal::Unknown));
    }

    #[test]
    fn uses_spread_over_at_most_sixteen_rows_that_add_up() {
        assert_eq!(slots(5), vec![1; 5]);
        assert_eq!(slots(16), vec![1; 16]);
        let hundred = slots(100);
        assert_eq!(hundred.len(), 16);
        assert_eq!(hundred.iter().sum::<i32>(), 100);
        assert_eq!((hundred[0], hundred[15]), (7, 6));
        assert_eq!(slots(1), vec![1]);
    }

    #[test]
    fn codes_are_read_in_upper_case_and_bounded() {
        assert_eq!(
            normalize_code("promo_code", " noel-24 "),
            Ok("NOEL-24".to_owned())
        );
        for refused in ["", "ab", "-abc", "no el", "NOËL", &"A".repeat(33)] {
            assert!(normalize_code("promo_code", refused).is_err(), "{refused:?}");
        }
    }

    #[test]
    fn the_back_office_form_names_the_wrong_field() {
        let form = CodeForm {
            code: "noel",
            kind: "percent",
            value: "15",
            max_uses: "100",
            ..CodeForm::default()
        };
        let parsed = form.parse().expect("valid");
        assert_eq!(
            (parsed.code.as_str(), parsed.kind, parsed.max_uses),
            ("NOEL", PromoKind::Percent(15), Some(100))
        );
        let field = |form: CodeForm| form.parse().expect_err("refused").field().map(str::to_owned);
        assert_eq!(
            field(CodeForm {
                value: "0",
                ..form.clone()
            }),
            Some("value".into())
        );
        assert_eq!(
            field(CodeForm {
                value: "101",
                ..form.clone()
            }),
            Some("value".into())
        );
        assert_eq!(
            field(CodeForm {
                kind: "gift",
                ..form.clone()
            }),
            Some("kind".into())
        );
        assert_eq!(
            field(CodeForm {
                code: "x",
                ..form.clone()
            }),
            Some("code".into())
        );
        assert_eq!(
            field(CodeForm {
                max_uses: "0",
                ..form.clone()
            }),
            Some("max_uses".into())
        );
        assert_eq!(
            field(CodeForm {
                min_basket: "abc",
                ..form.clone()
            }),
            Some("min_basket".into())
        );
        let amount = CodeForm {
            kind: "amount",
            value: "5,50",
            ..form.clone()
        }
        .parse()
        .expect("valid");
        assert_eq!(amount.kind, PromoKind::Amount(550));
        let free = CodeForm {
            kind: "free_delivery",
            value: "",
            ..form
        }
        .parse()
        .expect("valid");
        assert_eq!(free.kind, PromoKind::FreeDelivery);
    }
}
