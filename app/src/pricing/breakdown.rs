//! A total as a French invoice states it: HT, VAT per rate, TTC.
//!
//! The rounding rule, the one the shop applies everywhere (basket,
//! checkout, order page, mail, invoice): the TTC amounts of the goods are
//! summed per rate, delivery (and, later, discounts) split across the rates
//! in proportion to the goods' TTC at each rate (the French rule for an
//! accessory cost, largest remainders so that the parts add up to the cent),
//! then each rate's HT is its TTC ÷ (1 + rate) rounded half a cent up, once
//! per rate, and its VAT is TTC − HT. So the TTC is exactly what is paid and
//! HT + VAT = TTC on every row.

use serde::{Deserialize, Serialize};

use super::vat::VatRate;

/// One rate's row of a breakdown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateTotal {
    pub rate: VatRate,
    pub excl_cents: i64,
    pub vat_cents: i64,
    pub incl_cents: i64,
    /// Of `incl_cents`, the delivery's share at this rate.
    pub delivery_cents: i64,
}

/// The rows per rate (highest rate first, only rates present) and the totals.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Breakdown {
    pub rates: Vec<RateTotal>,
    pub excl_cents: i64,
    pub vat_cents: i64,
    pub incl_cents: i64,
}

impl Breakdown {
    /// The breakdown of goods, given as (rate, TTC) per line, plus a
    /// delivery cost TTC split across the goods' rates (all at the standard
    /// rate when there are no goods to follow).
    pub fn of(goods: impl IntoIterator<Item = (VatRate, i64)>, delivery_incl_cents: i64) -> Self {
        let mut per_rate: Vec<(VatRate, i64)> = VatRate::ALL.iter().map(|rate| (*rate, 0)).collect();
        let mut present = [false; 4];
        for (rate, incl) in goods {
            let at = VatRate::ALL.iter().position(|known| *known == rate).unwrap_or(0);
            per_rate[at].1 += incl;
            present[at] = true;
        }
        let weights: Vec<i64> = per_rate.iter().map(|(_, incl)| *incl).collect();
        let delivery = if weights.iter().sum::<i64>() > 0 {
            split_pro_rata(delivery_incl_cents, &weights)
        } else {
            let mut all_standard = vec![0; weights.len()];
            all_standard[0] = delivery_incl_cents;
            all_standard
        };
        let mut breakdown = Breakdown::default();
        for (at, ((rate, goods_incl), delivery)) in per_rate.into_iter().zip(delivery).enumerate() {
            if !present[at] && delivery == 0 {
                continue;
            }
            let incl_cents = goods_incl + delivery;
            let excl_cents = rate.excl_of(incl_cents);
            let row = RateTotal {
                rate,
                excl_cents,
                vat_cents: incl_cents - excl_cents,
                incl_cents,
                delivery_cents: delivery,
            };
            breakdown.excl_cents += row.excl_cents;
            breakdown.vat_cents += row.vat_cents;
            breakdown.incl_cents += row.incl_cents;
            breakdown.rates.push(row);
        }
        breakdown
    }
}

/// `amount` split in proportion to `weights` (non-negative, not all zero),
/// in whole cents that add up to `amount`: each part is rounded down, and
/// the cents left go one each to the largest remainders (the earlier
/// weight first on a tie). All zero weights: nothing is split (all zeros).
pub fn split_pro_rata(amount: i64, weights: &[i64]) -> Vec<i64> {
    let total: i128 = weights.iter().map(|weight| i128::from((*weight).max(0))).sum();
    if total == 0 {
        return vec![0; weights.len()];
    }
    let negative = amount < 0;
    let amount = i128::from(amount.unsigned_abs());
    let mut parts: Vec<(i64, i128)> = weights
        .iter()
        .map(|weight| {
            let share = amount * i128::from((*weight).max(0));
            ((share / total) as i64, share % total)
        })
        .collect();
    let given: i64 = parts.iter().map(|(part, _)| part).sum();
    let mut left = amount as i64 - given;
    let mut order: Vec<usize> = (0..parts.len()).collect();
    order.sort_by(|a, b| parts[*b].1.cmp(&parts[*a].1).then(a.cmp(b)));
    for at in order {
        if left == 0 {
            break;
        }
        if weights[at] > 0 {
            parts[at].0 += 1;
            left -= 1;
        }
    }
    parts
        .into_iter()
        .map(|(part, _)| if negative { -part } else { part })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_rate_one_row() {
        // Two lines at 20 %: 9,99 € + 2 × 12,00 € = 33,99 € TTC;
        // HT 3 399 / 1,2 = 2 832,5 → 2 833; VAT 566.
        let breakdown = Breakdown::of([(VatRate::Standard, 999), (VatRate::Standard, 2400)], 0);
        assert_eq!(
            breakdown.rates,
            vec![RateTotal {
                rate: VatRate::Standard,
                excl_cents: 2833,
                vat_cents: 566,
                incl_cents: 3399,
                delivery_cents: 0,
            }]
        );
        assert_eq!(
            (breakdown.excl_cents, breakdown.vat_cents, breakdown.incl_cents),
            (2833, 566, 3399)
        );
    }

    #[test]
    fn delivery_is_split_across_the_rates_of_the_goods() {
        // 60,00 € at 20 % and 40,00 € at 5,5 %, delivery 4,99 €:
        // 4,99 × 0,6 = 2,994 → 2,99 (remainder 0,4); 4,99 × 0,4 = 1,996 →
        // 1,99 (remainder 0,6, the larger: it gets the cent left) → 2,00.
        // 20 %: 62,99 € TTC, HT 6 299 / 1,2 = 5 249,17 → 52,49 €, VAT 10,50 €.
        // 5,5 %: 42,00 € TTC, HT 4 200 / 1,055 = 3 981,04 → 39,81 €, VAT 2,19 €.
        let breakdown = Breakdown::of([(VatRate::Standard, 6000), (VatRate::Reduced, 4000)], 499);
        assert_eq!(
            breakdown.rates,
            vec![
                RateTotal {
                    rate: VatRate::Standard,
                    excl_cents: 5249,
                    vat_cents: 1050,
                    incl_cents: 6299,
                    delivery_cents: 299,
                },
                RateTotal {
                    rate: VatRate::Reduced,
                    excl_cents: 3981,
                    vat_cents: 219,
                    incl_cents: 4200,
                    delivery_cents: 200,
                },
            ]
        );
        assert_eq!(
            (breakdown.excl_cents, breakdown.vat_cents, breakdown.incl_cents),
            (9230, 1269, 10499)
        );
    }

    #[test]
    fn delivery_alone_is_at_the_standard_rate() {
        // 6,00 € of delivery, nothing else: HT 5,00 €, VAT 1,00 €.
        let breakdown = Breakdown::of([], 600);
        assert_eq!(
            (breakdown.excl_cents, breakdown.vat_cents, breakdown.incl_cents),
            (500, 100, 600)
        );
        assert_eq!(breakdown.rates.len(), 1);
        assert_eq!(Breakdown::of([], 0), Breakdown::default());
    }

    #[test]
    fn every_row_adds_up_and_the_total_is_what_is_paid() {
        let rates = VatRate::ALL;
        for seed in 0..2_000i64 {
            let goods: Vec<(VatRate, i64)> = (0..(seed % 5 + 1))
                .map(|n| {
                    (
                        rates[((seed + n) % 4) as usize],
                        (seed * 7_919 + n * 104_729) % 250_000,
                    )
                })
                .collect();
            let delivery = seed * 31 % 1_500;
            let paid: i64 = goods.iter().map(|(_, incl)| incl).sum::<i64>() + delivery;
            let breakdown = Breakdown::of(goods, delivery);
            assert_eq!(breakdown.incl_cents, paid);
            assert_eq!(breakdown.excl_cents + breakdown.vat_cents, paid);
            for row in &breakdown.rates {
                assert_eq!(row.excl_cents + row.vat_cents, row.incl_cents);
                assert!(row.vat_cents >= 0 && row.vat_cents <= row.incl_cents);
            }
        }
    }

    #[test]
    fn a_split_adds_up_to_the_amount() {
        assert_eq!(split_pro_rata(499, &[6000, 0, 4000, 0]), vec![299, 0, 200, 0]);
        // A third each: 100 = 34 + 33 + 33 (the earliest on a tie).
        assert_eq!(split_pro_rata(100, &[1, 1, 1]), vec![34, 33, 33]);
        assert_eq!(split_pro_rata(-100, &[1, 1, 1]), vec![-34, -33, -33]);
        assert_eq!(split_pro_rata(100, &[0, 0]), vec![0, 0]);
        for amount in 0..500 {
            let parts = split_pro_rata(amount, &[3, 7, 0, 11]);
            assert_eq!(parts.iter().sum::<i64>(), amount);
            assert_eq!(parts[2], 0);
        }
    }
}
