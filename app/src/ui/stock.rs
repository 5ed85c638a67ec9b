//! How much of a product is left, as every page words it: "En stock",
//! "Plus que 3 en stock", "Épuisé". Live pages (`server/src/live.rs`) word
//! their news with the same [`StockLevel`].

use leptos::prelude::*;

use crate::i18n::{use_i18n, Messages};

/// At or below this stock a product shows "only N left" (the drops query
/// and its partial index in the migrations repeat the number).
pub const LOW_STOCK_THRESHOLD: i32 = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StockLevel {
    InStock,
    Low(i32),
    SoldOut,
}

impl StockLevel {
    pub fn of(stock: i32) -> Self {
        match stock {
            ..=0 => Self::SoldOut,
            n if n <= LOW_STOCK_THRESHOLD => Self::Low(n),
            _ => Self::InStock,
        }
    }

    /// The level's name, for classes and scripts (`stock--low`).
    pub fn name(self) -> &'static str {
        match self {
            Self::InStock => "in",
            Self::Low(_) => "low",
            Self::SoldOut => "out",
        }
    }

    /// What a page says of it: "Plus que 3 en stock".
    pub fn words(self, messages: &Messages) -> String {
        match self {
            Self::InStock => messages.in_stock.to_owned(),
            Self::Low(n) => (messages.only_left)(n),
            Self::SoldOut => messages.sold_out.to_owned(),
        }
    }
}

/// "En stock", "Plus que 3 en stock" or "Épuisé". With `live` (the
/// product's id), open pages keep it true as units sell (`public/live.js`).
#[component]
pub fn StockBadge(stock: i32, #[prop(optional)] live: Option<i64>) -> impl IntoView {
    let i18n = use_i18n();
    let level = StockLevel::of(stock);
    let class = format!("stock stock--{}", level.name());
    view! { <span class=class data-live-stock=live>{move || level.words(i18n.t())}</span> }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stock_levels_follow_the_threshold() {
        assert_eq!(StockLevel::of(0), StockLevel::SoldOut);
        assert_eq!(StockLevel::of(1), StockLevel::Low(1));
        assert_eq!(
            StockLevel::of(LOW_STOCK_THRESHOLD),
            StockLevel::Low(LOW_STOCK_THRESHOLD)
        );
        assert_eq!(StockLevel::of(LOW_STOCK_THRESHOLD + 1), StockLevel::InStock);
    }
}
