//! The product page's choice of a variant: one radio group per option in a
//! GET form that sends the chosen values (`o1`, `o2`, `o3`), so the server
//! renders that variant's price, stock and picture without JavaScript, and
//! the URL names it (shareable, cached like any catalogue page). With
//! JavaScript a change sends the form by itself, and the page is updated in
//! place: price, stock, photos and add button change under the shopper, who
//! keeps their scroll position and focus.

use leptos::prelude::*;

use crate::i18n::use_i18n;
use crate::products::components::SubmitOnChange;
use crate::products::model::{ProductDetail, Translated, VariantChoice};

/// What choosing one value (the others kept) leads to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Available,
    SoldOut,
    Unavailable,
}

/// The variant whose values are `chosen` with option `index` set to `value`.
fn outcome(
    variants: &[VariantChoice],
    chosen: &[String],
    options: usize,
    index: usize,
    value: &str,
) -> Outcome {
    let mut wanted: Vec<String> = chosen.to_vec();
    wanted.resize(options, String::new());
    wanted[index] = value.to_owned();
    match variants.iter().find(|variant| variant.values == wanted) {
        None => Outcome::Unavailable,
        Some(variant) if variant.stock <= 0 => Outcome::SoldOut,
        Some(_) => Outcome::Available,
    }
}

#[component]
pub fn VariantPicker(product: ProductDetail) -> impl IntoView {
    let i18n = use_i18n();
    let options = product.options.len();
    let groups = product
        .options
        .iter()
        .enumerate()
        .map(|(index, option)| {
            let field = format!("o{}", index + 1);
            let radios = option
                .values
                .iter()
                .enumerate()
                .map(|(position, value)| {
                    let result = outcome(&product.variants, &product.chosen, options, index, &value.fr);
                    let checked = product.chosen.get(index) == Some(&value.fr);
                    let id = format!("{field}-{position}");
                    let text: Translated = value.clone();
                    let note = move || match result {
                        Outcome::Available => String::new(),
                        Outcome::SoldOut => format!(" — {}", i18n.t().variant_sold_out),
                        Outcome::Unavailable => format!(" — {}", i18n.t().variant_unavailable),
                    };
                    let class = match result {
                        Outcome::Available => "choice",
                        Outcome::SoldOut | Outcome::Unavailable => "choice choice--out",
                    };
                    view! {
                        <div class=class>
                            <input type="radio" id=id.clone() name=field.clone() value=value.fr.clone() checked=checked />
                            <label for=id>{move || format!("{}{}", text.get(i18n.locale()), note())}</label>
                        </div>
                    }
                })
                .collect_view();
            let legend = option.name.clone();
            view! {
                <fieldset class="variant-picker__option">
                    <legend>{move || legend.get(i18n.locale()).to_owned()}</legend>
                    {radios}
                </fieldset>
            }
        })
        .collect_view();
    // `data-stay`: with JavaScript the new variant's page is swapped in under
    // the shopper, who keeps their place and focus (public/navigation.js).
    view! {
        <form
            method="get"
            action=format!("/p/{}", product.slug)
            class="variant-picker"
            data-testid="variant-picker"
            data-stay=""
        >
            <SubmitOnChange>{groups}</SubmitOnChange>
            <button type="submit" class="button button--secondary button--small">
                {move || i18n.t().show_variant}
            </button>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn variant(values: &[&str], stock: i32) -> VariantChoice {
        VariantChoice {
            id: 1,
            sku: "X".into(),
            values: values.iter().map(|v| (*v).to_owned()).collect(),
            price_cents: 100,
            stock,
        }
    }

    #[test]
    fn each_choice_says_whether_its_variant_exists_and_sells() {
        let variants = [
            variant(&["Noir", "128 Go"], 3),
            variant(&["Noir", "256 Go"], 0),
            variant(&["Blanc", "128 Go"], 2),
        ];
        let chosen = ["Noir".to_owned(), "128 Go".to_owned()];
        assert!(outcome(&variants, &chosen, 2, 1, "128 Go") == Outcome::Available);
        assert!(outcome(&variants, &chosen, 2, 1, "256 Go") == Outcome::SoldOut);
        let white = ["Blanc".to_owned(), "128 Go".to_owned()];
        assert!(outcome(&variants, &white, 2, 1, "256 Go") == Outcome::Unavailable);
        assert!(outcome(&variants, &chosen, 2, 0, "Blanc") == Outcome::Available);
    }
}
