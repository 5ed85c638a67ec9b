//! The French VAT rates a product may carry. Prices are entered and shown
//! TTC (VAT included); the rate says how much of a price is VAT.

use serde::{Deserialize, Serialize};

/// A VAT rate, stored as basis points (2 000 = 20 %).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum VatRate {
    /// 2,1 %: medicines refunded by social security, the press.
    SuperReduced,
    /// 5,5 %: books, most food.
    Reduced,
    /// 10 %: restaurants, transport, some works.
    Intermediate,
    /// 20 %: everything else.
    #[default]
    Standard,
}

impl VatRate {
    /// Highest first, the order a breakdown lists them in.
    pub const ALL: [VatRate; 4] = [
        VatRate::Standard,
        VatRate::Intermediate,
        VatRate::Reduced,
        VatRate::SuperReduced,
    ];

    pub fn basis_points(self) -> i32 {
        match self {
            VatRate::Standard => 2000,
            VatRate::Intermediate => 1000,
            VatRate::Reduced => 550,
            VatRate::SuperReduced => 210,
        }
    }

    pub fn from_basis_points(basis_points: i32) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|rate| rate.basis_points() == basis_points)
    }

    /// A rate read from the database, whose CHECK admits only the four.
    pub fn from_column(basis_points: i32) -> Self {
        Self::from_basis_points(basis_points).unwrap_or_default()
    }

    /// The part of `incl_cents` (TTC) that is not VAT, rounded to the
    /// nearest cent, half a cent up: HT = TTC × 10 000 / (10 000 + rate).
    /// The VAT is what remains, so HT + VAT is always the TTC paid.
    pub fn excl_of(self, incl_cents: i64) -> i64 {
        let divisor = 10_000 + i64::from(self.basis_points());
        let scaled = i128::from(incl_cents) * 10_000;
        let divisor = i128::from(divisor);
        let rounded = if scaled >= 0 {
            (2 * scaled + divisor) / (2 * divisor)
        } else {
            -((-2 * scaled + divisor) / (2 * divisor))
        };
        rounded as i64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_four_rates_read_back_from_their_basis_points() {
        for rate in VatRate::ALL {
            assert_eq!(VatRate::from_basis_points(rate.basis_points()), Some(rate));
        }
        assert_eq!(VatRate::from_basis_points(1960), None);
    }

    /// Worked by hand: HT = TTC / (1 + rate), to the nearest cent.
    #[test]
    fn the_price_without_vat_is_rounded_to_the_nearest_cent() {
        // 12,00 € at 20 %: 1 200 / 1,2 = 1 000 exactly.
        assert_eq!(VatRate::Standard.excl_of(1200), 1000);
        // 9,99 € at 20 %: 999 / 1,2 = 832,5 → 833 (half up); VAT 1,66 €.
        assert_eq!(VatRate::Standard.excl_of(999), 833);
        // 5,00 € at 10 %: 500 / 1,1 = 454,545… → 455; VAT 0,45 €.
        assert_eq!(VatRate::Intermediate.excl_of(500), 455);
        // 10,55 € at 5,5 %: 1 055 / 1,055 = 1 000 exactly.
        assert_eq!(VatRate::Reduced.excl_of(1055), 1000);
        // 19,90 € at 5,5 %: 1 990 / 1,055 = 1 886,255… → 1 886.
        assert_eq!(VatRate::Reduced.excl_of(1990), 1886);
        // 1,00 € at 2,1 %: 100 / 1,021 = 97,943… → 98; VAT 0,02 €.
        assert_eq!(VatRate::SuperReduced.excl_of(100), 98);
        // One cent at 20 %: 0,833… → 1; no VAT on it.
        assert_eq!(VatRate::Standard.excl_of(1), 1);
        assert_eq!(VatRate::Standard.excl_of(0), 0);
        // A refund's negative amount rounds the same way, mirrored.
        assert_eq!(VatRate::Standard.excl_of(-999), -833);
    }
}
