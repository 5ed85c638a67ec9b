//! A total as French law asks it shown: HT, the VAT at each rate, TTC.

use leptos::prelude::*;

use crate::i18n::use_i18n;
use crate::pricing::Breakdown;
use crate::ui::price::Price;

/// The breakdown's rows, for the basket, the checkout and an order.
#[component]
pub fn VatTable(breakdown: Breakdown) -> impl IntoView {
    let i18n = use_i18n();
    let rows = breakdown
        .rates
        .iter()
        .map(|row| {
            let basis_points = row.rate.basis_points();
            let vat_cents = row.vat_cents;
            view! {
                <tr data-vat-rate=basis_points>
                    <th scope="row">{move || (i18n.t().vat_at)(&(i18n.t().vat_rate)(basis_points))}</th>
                    <td>
                        <Price cents=vat_cents />
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="vat" data-testid="vat-breakdown">
            <tbody>
                <tr>
                    <th scope="row">{move || i18n.t().total_excl_vat}</th>
                    <td data-testid="total-excl-vat">
                        <Price cents=breakdown.excl_cents />
                    </td>
                </tr>
                {rows}
                <tr class="vat__total">
                    <th scope="row">{move || i18n.t().total_incl_vat}</th>
                    <td data-testid="total-incl-vat">
                        <strong>
                            <Price cents=breakdown.incl_cents />
                        </strong>
                    </td>
                </tr>
            </tbody>
        </table>
    }
}
